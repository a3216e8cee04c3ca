"""Restore and backup against a live review session, a replaced file and kills at exact points.

Real processes throughout: a review session in one subprocess, `restore`/`backup` in
another. Synchronisation is by events only: the review's output (the next card's header
follows a committed grade), the exit of a process, and the "paused at <point>" line the
test hook STUDYPLAN_TEST_PAUSE_AT prints when backup or restore reaches a named step (the
process then waits there to be killed). No sleep decides an order.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from cli.test_review import TODAY, read_until, spawn
from conftest import db_digest as digest
from conftest import error_line, history_views

from studyplan.db.backup import TEST_PAUSE_ENV, clean_leftovers
from studyplan.db.filelock import TEST_LOCK_TIMEOUT_ENV, lock_path

LOCKED_OUT = "another studyplan command has the database open"


def rows(db: Path, sql: str, *args):
    with closing(sqlite3.connect(db)) as conn:
        return history_views(conn).execute(sql, args).fetchall()


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def command(db: Path, decks: Path, *args: str, env: dict | None = None, **kw) -> subprocess.Popen:
    """`python -m studyplan ARGS` on *db*, started (not waited for)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("STUDYPLAN_")}
    full.update({"STUDYPLAN_DB": str(db), "STUDYPLAN_DECKS": str(decks), "STUDYPLAN_TODAY": TODAY.isoformat(),
                 "NO_COLOR": "1", **(env or {})})
    return subprocess.Popen([sys.executable, "-m", "studyplan", *args], env=full, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out.decode(), err.decode()


def one_line(err: str, *needles: str) -> str:
    return error_line(err, *needles)


@pytest.fixture
def spare(run, db_path, tmp_path) -> Path:
    """A database with two grades of day one, and a backup of it (the file to restore)."""
    assert run("review", "--exam", "tiny", input="5\n4\nq\n").exit_code == 0
    copy = tmp_path / "backups" / "spare.db"
    copy.parent.mkdir()
    assert run("backup", str(copy)).exit_code == 0
    return copy


class Review:
    """A real `review` subprocess, graded one card at a time."""

    def __init__(self, db: Path, decks: Path):
        self.proc = spawn(["review", "--exam", "tiny"], db, decks, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
        self.fd = self.proc.stdout.fileno()
        self.seen = read_until(self.fd, b"Q: ")

    def grade(self, grade: int) -> None:
        """Grade the card shown; returns once the next card's header proves it committed."""
        self.proc.stdin.write(f"{grade}\n".encode())
        self.proc.stdin.flush()
        self.seen += read_until(self.fd, b"] tiny")

    def send(self, line: str) -> tuple[int, str]:
        self.proc.stdin.write(f"{line}\n".encode())
        self.proc.stdin.flush()
        self.proc.stdin.close()
        rest = self.proc.stdout.read()
        err = self.proc.stderr.read().decode()
        self.proc.wait(timeout=60)
        self.seen += rest
        return self.proc.returncode, err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=60)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if not stream.closed:
                stream.close()


@pytest.fixture
def review(db_path, tiny_decks):
    sessions: list[Review] = []

    def start() -> Review:
        sessions.append(Review(db_path, tiny_decks))
        return sessions[-1]

    yield start
    for session in sessions:
        session.kill()


def today_grades(db: Path) -> int:
    return rows(db, "SELECT count(*) FROM review_log WHERE review_day = ?", TODAY.isoformat())[0][0]


def test_restore_is_refused_while_a_review_session_is_open_and_no_grade_is_lost(db_path, tiny_decks, spare, review):
    session = review()
    session.grade(5)
    session.grade(3)
    before = digest(db_path)
    folder = sorted(p.name for p in db_path.parent.iterdir())
    code, _, err = finish(command(db_path, tiny_decks, "restore", str(spare), env={TEST_LOCK_TIMEOUT_ENV: "0.5"}))
    assert code == 1
    one_line(err, str(db_path), LOCKED_OUT, "nothing was restored")
    assert digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == folder  # no copy, no hidden file
    session.grade(4)  # the session goes on writing to the same file
    code, _ = session.send("q")
    assert code == 0
    assert today_grades(db_path) == 5  # 2 before the session, 3 acknowledged in it
    # With the session gone the restore goes through, and the replaced file keeps all 5.
    code, out, err = finish(command(db_path, tiny_decks, "restore", str(spare)))
    assert code == 0, err
    [kept] = re.findall(r"kept as (\S+)", out)
    assert today_grades(Path(kept)) == 5
    assert today_grades(db_path) == 2


def test_a_session_stops_when_its_database_file_is_replaced_under_it(db_path, tiny_decks, spare, tmp_path, review):
    session = review()
    session.grade(5)
    session.grade(4)
    # Another program (an old studyplan, a copy) swaps the file without taking the lock,
    # the way `restore` used to: checkpoint, rename over, remove the sidecars.
    old = tmp_path / "old-inode.db"
    os.link(db_path, old)
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    incoming = tmp_path / "incoming.db"
    shutil.copy(spare, incoming)
    os.replace(incoming, db_path)
    for side in ("-wal", "-shm"):
        Path(f"{db_path}{side}").unlink(missing_ok=True)
    restored = digest(db_path)
    code, err = session.send("3")
    assert code == 1
    line = one_line(err, str(db_path), "the database file was replaced", "the session stops",
                    "the 2 grade(s) before it in this session went to the file that was replaced")
    card = re.search(r"grade 3 of card (\S+) was NOT saved", line)
    assert card, line
    assert digest(db_path) == restored  # nothing written to the new file
    assert today_grades(old) == 4  # the old file: 2 of the fixture, 2 of this session, not the third
    assert rows(old, "SELECT count(*) FROM review_log WHERE card_id = ? AND grade = 3 AND review_day = ?",
                card.group(1), TODAY.isoformat()) == [(0,)]


def pause(db: Path, decks: Path, point: str, *args: str) -> subprocess.Popen:
    """A command stopped at the named step (its stderr says so); the caller kills it."""
    proc = command(db, decks, *args, env={TEST_PAUSE_ENV: point})
    read_until(proc.stderr.fileno(), f"paused at {point}".encode())
    return proc


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    proc.stdout.close()
    proc.stderr.close()


@pytest.mark.parametrize("held_off", [("decks", "sync"), ("today",)])  # today: the SQLite-only door too
def test_a_restore_in_progress_holds_off_new_commands_and_a_kill_there_changes_nothing(db_path, tiny_decks, spare,
                                                                                      held_off):
    before = digest(db_path)
    restoring = pause(db_path, tiny_decks, "restore-copied", "restore", str(spare))
    leftovers = hidden(db_path.parent)
    assert [n for n in leftovers if re.fullmatch(r"\.study\.db\.restore\.studyplan-\w+\.tmp", n)], leftovers
    code, _, err = finish(command(db_path, tiny_decks, *held_off, env={TEST_LOCK_TIMEOUT_ENV: "0.5"}))
    assert code == 1
    one_line(err, "a restore is replacing the database", "try again")
    kill(restoring)
    assert digest(db_path) == before
    code, _, err = finish(command(db_path, tiny_decks, "decks", "sync"))
    assert code == 0, err
    assert hidden(db_path.parent) == []  # the killed restore's full-size copy is gone
    assert digest(db_path) == before


@pytest.mark.parametrize("point", ["restore-before-swap", "restore-swapped"])
def test_a_restore_killed_around_the_swap_leaves_one_sound_database_and_no_stale_wal(db_path, tiny_decks, spare,
                                                                                      point):
    # Changes only in the -wal (as a killed writer leaves them), not in the backup:
    # replayed over the restored file they would corrupt it or bring back what it replaced.
    pre = db_path.with_name("pre.db")
    shutil.copy(db_path, pre)
    with closing(sqlite3.connect(db_path)) as conn:
        with conn:
            conn.execute("UPDATE card_state SET lapses = lapses + 7")
        shutil.copy(f"{db_path}-wal", f"{pre}-wal")
    before, wanted = digest(db_path), digest(spare)  # the closed connection checkpointed the change
    os.replace(pre, db_path)
    os.replace(f"{pre}-wal", f"{db_path}-wal")
    Path(f"{db_path}-shm").unlink(missing_ok=True)
    assert Path(f"{db_path}-wal").stat().st_size > 0
    kill(pause(db_path, tiny_decks, point, "restore", str(spare)))
    assert not Path(f"{db_path}-wal").exists() or Path(f"{db_path}-wal").stat().st_size == 0
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]
    assert digest(db_path) == (before if point == "restore-before-swap" else wanted)
    code, out, err = finish(command(db_path, tiny_decks, "decks", "sync"))
    assert code == 0, err
    assert hidden(db_path.parent) == []
    [kept] = [p for p in db_path.parent.iterdir() if p.name.startswith("study-before-restore-")]
    assert rows(kept, "SELECT min(lapses) FROM card_state") == [(7,)]  # the replaced database, whole


def test_a_killed_backup_leaves_no_copy_under_its_name_and_the_next_run_removes_its_leftover(db_path, tiny_decks,
                                                                                            spare, tmp_path):
    dest = tmp_path / "nightly.db"
    kill(pause(db_path, tiny_decks, "backup-copied", "backup", str(dest)))
    assert not dest.exists()
    [leftover] = [n for n in hidden(tmp_path) if re.fullmatch(r"\.nightly\.db\.studyplan-\w+\.tmp", n)]
    assert (tmp_path / leftover).stat().st_size > 0  # a full-size copy, hidden
    code, out, err = finish(command(db_path, tiny_decks, "backup", str(dest)))
    assert code == 0, err
    assert hidden(tmp_path) == []
    assert digest(dest) == digest(db_path)


def test_a_temporary_copy_still_being_written_is_not_taken_for_a_leftover(tmp_path):
    live = tmp_path / ".study.db.studyplan-live1.tmp"
    dead = tmp_path / ".study.db.studyplan-dead1.tmp"
    orphan = tmp_path / ".other.db.studyplan-gone1.tmp-journal"
    mine = tmp_path / ".notes.txt.tmp"  # not ours: never touched
    for path in (live, dead, orphan, mine, Path(f"{dead}-wal")):
        path.write_bytes(b"x" * 100)
    fd = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # its writer is alive
        removed = clean_leftovers(tmp_path)
    finally:
        os.close(fd)
    assert sorted(p.name for p in removed) == sorted([dead.name, f"{dead.name}-wal", orphan.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, mine.name])


def test_a_damaged_database_is_not_left_under_the_backups_name(run, db_path, tmp_path):
    assert run("review", "--exam", "tiny", input="5\n4\nq\n").exit_code == 0
    dest = tmp_path / "good.db"
    assert run("backup", str(dest)).exit_code == 0
    good = dest.read_bytes()
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'review_log'").fetchone()[0]
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    with open(db_path, "r+b") as fh:  # scribble over the review log's first page
        fh.seek((root - 1) * page + 8)
        fh.write(b"\xff" * 64)
    result = run("backup", str(dest))
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "damaged" in line and f"nothing was written to {dest}" in line, line
    assert dest.read_bytes() == good  # the earlier good backup is still there, unchanged
    assert hidden(tmp_path) == []
    fresh = tmp_path / "fresh.db"
    assert run("backup", str(fresh)).exit_code == 1
    assert not fresh.exists()


def test_every_command_holds_the_lock_file_beside_the_database(run, db_path):
    assert run("decks", "sync").exit_code == 0
    assert lock_path(db_path).exists()
    fd = os.open(lock_path(db_path), os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again once the command ended
    finally:
        os.close(fd)
