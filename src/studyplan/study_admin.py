"""Use cases that look after the database file: backup and restore (SQLite only)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studyplan.errors import StudyplanError

if TYPE_CHECKING:
    from studyplan.workspace import Workspace


@dataclass(frozen=True)
class BackupReport:
    database: Path
    backup: Path
    contents: str   # what the backup holds, as `Snapshot.describe` says it


@dataclass(frozen=True)
class RestoreReport:
    database: Path
    backup: Path
    contents: str
    previous: Path | None   # where the replaced database is kept


def _sqlite_file(ws: Workspace, command: str, other_tool: str) -> Path:
    """The database file of the workspace, or a clear error for a server or in-memory database."""
    from studyplan.db.engine import database_url, sqlite_path

    url = database_url(ws.db_location)
    path = sqlite_path(url)
    if path is not None:
        return path
    if url.startswith("sqlite"):
        raise StudyplanError(f"{command}: an in-memory database has no file to {command}")
    scheme = url.split("://", 1)[0]
    raise StudyplanError(f"{command} works on SQLite database files only, not {scheme}; "
                         f"for PostgreSQL use {other_tool}")


def backup(ws: Workspace, file: Path | None) -> BackupReport:
    """Copy the database to *file* (default: a timestamped file beside it), safely even
    during a review session, and check the copy."""
    import sqlite3

    from studyplan.db import backup as store
    from studyplan.db.backup import backup_database, default_backup_path, inspect_backup
    from studyplan.db.engine import check_ours, sqlite_contents

    path = _sqlite_file(ws, "backup", "pg_dump (e.g. 'pg_dump -Fc -f studyplan.dump DBNAME')")
    if path.is_file():  # another application's database, or a newer one: not ours to copy
        try:
            contents = sqlite_contents(path, store.BUSY_TIMEOUT_S)
        except sqlite3.Error as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            raise StudyplanError(f"{path}: " + (store.BUSY_MESSAGE.format(store.BUSY_TIMEOUT_S) if busy
                                                else f"cannot read: {exc}")
                                 + "; nothing was backed up") from None
        check_ours(str(path), *contents)
    dest = file.expanduser() if file is not None else default_backup_path(path, ws.now())
    backup_database(path, dest)
    return BackupReport(path, dest, inspect_backup(dest).describe())


def restore(ws: Workspace, file: Path) -> RestoreReport:
    """Replace the database with the backup *file* after checking it; the replaced one is kept."""
    from studyplan.db.backup import restore_database

    path = _sqlite_file(ws, "restore", "pg_restore (e.g. 'pg_restore --clean -d DBNAME studyplan.dump')")
    result = restore_database(file.expanduser(), path, ws.now())
    return RestoreReport(path, file, result.snapshot.describe(), result.previous)
