"""Commands for whoever looks after the database: `backup`, `restore` and the team lead's `cohort`.

Registered on the main group at the end of `studyplan.cli`. Each reads its options, calls
one use case of `studyplan.study_admin` or `studyplan.study_reports`, and prints the result.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def backup(ws, file):
    """Copy the database to FILE, safely even during a review session.

    FILE defaults to a timestamped file next to the database. SQLite only (SQLite's online
    backup API); for PostgreSQL use pg_dump.
    """
    from studyplan.study_admin import backup as run

    report = run(ws, file)
    click.echo(f"backed up {report.database} to {report.backup}\n({report.contents})")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def restore(ws, file):
    """Replace the database with the backup FILE, after checking it.

    The backup must be a sound studyplan database (integrity check, tables, a known schema
    revision); otherwise nothing changes. The database it replaces is kept beside it as
    <name>-before-restore-<time>.db. It waits for other studyplan commands to let go of the
    database and refuses, changing nothing, while a review session is open.
    """
    from studyplan.study_admin import restore as run

    report = run(ws, file)
    click.echo(f"restored {report.database} from {report.backup}\n({report.contents})")
    if report.previous is not None:
        click.echo(f"the database it replaced is kept as {report.previous}")


@click.command()
@click.option("--exam", help="Only learners whose plan is for this exam.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_obj
def cohort(ws, exam, fmt):
    """Every learner on the database: plan progress, reviews, readiness and days to the exam."""
    from studyplan.cohort import render
    from studyplan.study_reports import cohort_report
    from studyplan.terminal import terminal_width

    click.echo(render(cohort_report(ws, exam), ws.today, fmt, terminal_width()))
