"""Alembic migrations of the studyplan schema (one file per revision under versions/)."""

from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parent
