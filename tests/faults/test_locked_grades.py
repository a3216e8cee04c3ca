"""A grade, suspend or command refused because another program holds the database's write
lock for longer than the busy timeout: one line that says which change was NOT saved and
how many grades of the session are.

The lock is taken at an exact point of the session: the piped input stream takes it just
before it hands the session the key that lock must refuse (an event, not a sleep).
"""

from __future__ import annotations

import io
import re
import sqlite3
from contextlib import closing

import pytest
from conftest import error_line, history_views

from studyplan.db import location as location_module

DAY = "2026-12-01"


class LockingInput(io.RawIOBase):
    """Piped keys, one line per read; before the line numbered *at* (0-based) it takes
    SQLite's write lock on *db* from another connection and keeps it."""

    def __init__(self, lines: list[str], db, at: int):
        self.lines = [line.encode() + b"\n" for line in lines]
        self.db, self.at, self.served = db, at, 0
        self.holder: sqlite3.Connection | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.served >= len(self.lines):
            return 0
        if self.served == self.at:
            self.holder = sqlite3.connect(self.db, isolation_level=None)
            self.holder.execute("BEGIN IMMEDIATE")  # writers now wait, then give up
        line = self.lines[self.served]
        self.served += 1
        buffer[: len(line)] = line
        return len(line)

    def release(self) -> None:
        if self.holder is not None:
            self.holder.execute("ROLLBACK")
            self.holder.close()


@pytest.fixture(autouse=True)
def short_busy_timeout(monkeypatch):
    monkeypatch.setattr(location_module, "BUSY_TIMEOUT_MS", 200)


def logged(db, sql="SELECT card_id, grade FROM review_log ORDER BY id"):
    with closing(sqlite3.connect(db)) as conn:
        return history_views(conn).execute(sql).fetchall()


def one_line(result, *needles):
    assert result.exit_code == 1, result.output
    return error_line(result.stderr, *needles)


@pytest.mark.parametrize("keys, at, refused, saved", [
    (["5", "4", "3", "5"], 2, r"grade 3 of card (\S+)", 2),
    (["5", "s"], 1, r"the suspend of card (\S+)", 1),
    (["5", "4", "u"], 2, r"the undo of card (\S+)", 2),
    (["4"], 0, r"grade 4 of card (\S+)", 0),
])
def test_a_refused_change_in_a_session_is_named_and_the_saved_grades_counted(run, db_path, keys, at, refused, saved):
    assert run("decks", "sync").exit_code == 0
    stream = LockingInput(keys, db_path, at)
    try:
        result = run("review", "--exam", "tiny", input=io.BufferedReader(stream, buffer_size=1))
    finally:
        stream.release()
    line = one_line(result, str(db_path), "the database stayed busy for 0.2 s", "was NOT saved", "the session stops")
    found = re.search(refused + rf" was NOT saved; the session stops; the {saved} grade\(s\) before it in this "
                                r"session are saved$", line)
    assert found, line
    rows = logged(db_path)
    assert len(rows) == saved
    if keys[at].isdigit():
        assert found.group(1) not in [card for card, _ in rows]
    suspended = logged(db_path, "SELECT count(*) FROM card_state WHERE suspended")
    assert suspended == [(0,)]


def test_a_command_refused_by_a_lock_says_nothing_was_saved(run, db_path, tiny_decks):
    assert run("decks", "sync").exit_code == 0
    (tiny_decks / "tiny" / "02-beta.toml").write_text((tiny_decks / "tiny" / "02-beta.toml").read_text()
                                                      .replace("Question 1 about beta?", "Question 1 about beta, v2?"))
    with closing(sqlite3.connect(db_path, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")
        result = run("decks", "sync")
        holder.execute("ROLLBACK")
    one_line(result, str(db_path), "the database stayed busy", "this change was not saved; try again")
    assert logged(db_path, "SELECT count(*) FROM card WHERE front LIKE '%v2?'") == [(0,)]
