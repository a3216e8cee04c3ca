"""Reading a SQLite database on the driver alone, the door of the commands a learner runs
every morning (`today`): importing SQLAlchemy's ORM costs about 0.4 s on a small machine,
more than everything `today` reads. `Workspace.reading` uses it when it serves and the
full door (`db.engine`) otherwise; both run the same statements (`db.reads`).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from studyplan.db import location
from studyplan.db.location import SQLITE_HEADER, driver_failure, first_line, head_revision
from studyplan.db.sql import SqliteRows


def _servable(path: Path) -> bool:
    """A SQLite file of ours we may write (so no read-only tricks are needed), non-empty."""
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError:
        return False
    return header == SQLITE_HEADER and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


@contextmanager
def sqlite_reading(path: Path, where: str) -> Iterator[SqliteRows | None]:
    """One read transaction on the SQLite file at *path* through sqlite3 alone, or None
    when this door does not serve: the file is missing, not writable, not a database,
    or not at this release's schema head (the full door checks, migrates or refuses it).

    A driver failure becomes the one-line error the full door gives (`driver_failure`),
    naming the database as *where* (a path or URL) does.
    """
    if not path.is_file() or not _servable(path):
        yield None
        return
    try:
        connection = sqlite3.connect(str(path), timeout=location.BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error:
        yield None
        return
    with closing(connection):
        try:
            connection.execute(f"PRAGMA busy_timeout = {location.BUSY_TIMEOUT_MS}")
            connection.execute("BEGIN")  # one snapshot for every read of the command
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        except sqlite3.Error:
            revision = []  # no version table, or not a database after all: the full door says which
        if revision != [(head_revision(),)]:
            yield None
            return
        try:
            yield SqliteRows(connection)
        except sqlite3.Error as exc:
            raise driver_failure(where, first_line(exc)) from None
        finally:
            if connection.in_transaction:
                connection.execute("ROLLBACK")  # nothing was written: ending the snapshot is all
