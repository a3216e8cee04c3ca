"""Commands for whoever looks after the database: `backup`, `restore` and the team lead's `cohort`.

Registered on the main group at the end of `studyplan.cli`. Each reads its options, calls
one function of `studyplan.backup` or `studyplan.cohort`, and prints the result.
"""

from __future__ import annotations

from pathlib import Path

import click

from studyplan.errors import StudyplanError


def _sqlite_file(ws, command: str, other_tool: str) -> Path:
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


@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def backup(ws, file):
    """Copy the database to FILE, safely even during a review session.

    FILE defaults to a timestamped file next to the database. SQLite only (SQLite's online
    backup API); for PostgreSQL use pg_dump.
    """
    from studyplan.backup import backup_database, default_backup_path, inspect_backup

    path = _sqlite_file(ws, "backup", "pg_dump (e.g. 'pg_dump -Fc -f studyplan.dump DBNAME')")
    dest = file.expanduser() if file is not None else default_backup_path(path, ws.now())
    backup_database(path, dest)
    click.echo(f"backed up {path} to {dest} ({inspect_backup(dest).describe()})")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def restore(ws, file):
    """Replace the database with the backup FILE, after checking it.

    The backup must be a sound studyplan database (integrity check, tables, a known schema
    revision); otherwise nothing changes. The database it replaces is kept beside it as
    <name>-before-restore-<time>.db. Run it while no other studyplan command is running.
    """
    from studyplan.backup import restore_database

    path = _sqlite_file(ws, "restore", "pg_restore (e.g. 'pg_restore --clean -d DBNAME studyplan.dump')")
    result = restore_database(file.expanduser(), path, ws.now())
    click.echo(f"restored {path} from {file} ({result.snapshot.describe()})")
    if result.previous is not None:
        click.echo(f"the database it replaced is kept as {result.previous}")


@click.command()
@click.option("--exam", help="Only learners whose plan is for this exam.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_obj
def cohort(ws, exam, fmt):
    """Every learner on the database: plan progress, reviews, readiness and days to the exam."""
    from studyplan.cohort import cohort_progress, render

    with ws.transaction() as db:
        rows = cohort_progress(db, ws.today, exam)
    if exam is not None and not rows:
        raise StudyplanError(f"no learner has a plan for '{exam}'")
    click.echo(render(rows, ws.today, fmt))
