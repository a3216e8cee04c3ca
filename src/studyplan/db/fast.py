"""A SQLite database on the driver alone: the door of the commands a learner runs every
day (`today`, `stats`, a review session's queue, grades and summary). Importing
SQLAlchemy's ORM costs about 0.4 s on a small machine, more than everything `today` reads.
`Workspace.reading` and `Workspace.grade_transaction` use it when it serves and the full
door (`db.engine`) otherwise; both run the same statements (`db.reads`, `db.queue_reads`,
`db.grading`).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from studyplan.db import location
from studyplan.db.location import driver_failure, first_line, head_revision, sqlite_pragmas
from studyplan.db.sql import SqliteRows


def servable(path: Path) -> bool:
    """A non-empty file we may write, in a folder we may write (for its -wal and -shm): no
    read-only tricks needed. Whether it is a database is SQLite's to say (`sqlite_reading`
    then yields None): opening the file ourselves and closing it would drop the POSIX locks
    this process's SQLite connections hold on it (a grading connection, say), and a commit
    could then go to a -wal another connection deletes."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return size > 0 and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


@contextmanager
def sqlite_reading(path: Path, where: str) -> Iterator[SqliteRows | None]:
    """One read transaction on the SQLite file at *path* through sqlite3 alone, or None
    when this door does not serve: the file is missing, not writable, not a database,
    or not at this release's schema head (the full door checks, migrates or refuses it).

    A driver failure becomes the one-line error the full door gives (`driver_failure`),
    naming the database as *where* (a path or URL) does.
    """
    if not path.is_file() or not servable(path):
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


class SqliteGrading:
    """The review screen's grades on a sqlite3 connection of their own, with the pragmas of
    every writable connection (`location.sqlite_pragmas`: WAL, synchronous = FULL): each
    grade is one BEGIN IMMEDIATE ... COMMIT, and the COMMIT returns once the WAL is on disk,
    so a grade acknowledged survives a SIGKILL or a power cut. A driver failure becomes the
    full door's one-line error (`driver_failure`), naming the database as *where* does.
    """

    sqlite = True

    def __init__(self, path: Path, where: str) -> None:
        self.where = where
        try:
            self.connection = sqlite3.connect(str(path), timeout=location.BUSY_TIMEOUT_MS / 1000,
                                              isolation_level=None, check_same_thread=False)
            sqlite_pragmas(self.connection)
        except sqlite3.Error as exc:
            raise driver_failure(where, first_line(exc)) from None
        self.cursor = self.connection.cursor()

    def execute(self, sql: str, params: dict | None = None) -> sqlite3.Cursor:
        """Run *sql* (":name" parameters) and return the cursor."""
        return self.cursor.execute(sql, params or {})

    @contextmanager
    def transaction(self) -> Iterator[SqliteGrading]:
        """One grade's transaction: committed when the block ends, rolled back on any failure."""
        try:
            self.cursor.execute("BEGIN IMMEDIATE")  # waits on another writer, never fails upgrading a read
            try:
                yield self
                self.cursor.execute("COMMIT")
            except BaseException:
                if self.connection.in_transaction:
                    try:
                        self.connection.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # the connection is gone: nothing of the transaction was kept
                raise
        except sqlite3.Error as exc:
            raise driver_failure(self.where, first_line(exc)) from None

    def close(self) -> None:
        self.connection.close()
