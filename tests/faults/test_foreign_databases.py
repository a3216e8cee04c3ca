"""Databases studyplan must not write: another application's, one newer than this release,
one held in exclusive locking mode; and the database options that are refused.

"Not written" is checked byte for byte: the file's bytes (so also its journal mode, kept
in the header) and the folder's listing are the same before and after.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import error_line
from pgserver import pg_url  # noqa: F401  (fixture)
from sqlalchemy import create_engine, inspect, text

from studyplan.cli import cli
from studyplan.db import backup as backup_module
from studyplan.db.engine import database_url, head_revision

# Every command that opens the database, with arguments that would succeed on a good one.
COMMANDS = [
    ["today"], ["today", "--format", "json"], ["stats"], ["plan", "show"], ["cohort"],
    ["review", "--exam", "tiny"], ["plan", "create", "--exam", "tiny", "--background", "experienced"],
    ["replan"], ["done"], ["decks", "sync"], ["cards", "suspended"], ["cards", "unsuspend", "tiny-alpha-001"],
    ["calendar", "--format", "txt"], ["export", "reviews"], ["daily", "--exam", "tiny", "-o", "cal.html"],
]


def invoke(db: Path | str, decks: Path, *args: str, input: str = "q\n"):
    return CliRunner().invoke(cli, ["--db", str(db), "--decks", str(decks), "--today", "2026-12-01", *args],
                              input=input, catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def one_line(result, *needles: str) -> str:
    assert result.exit_code == 1, result.output
    return error_line(result.stderr, *needles)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A folder holding only the database under test; commands run from it."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def foreign_sqlite(path: Path, journal: str = "delete") -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('not yours')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_another_applications_sqlite_file_is_refused_and_untouched(home, tiny_decks, args):
    db = home / "other.db"
    foreign_sqlite(db)
    before = snapshot(home)
    line = one_line(invoke(db, tiny_decks, *args), str(db), "not a studyplan database", "notes",
                    "nothing was changed")
    assert "alembic_version" in line
    assert snapshot(home) == before  # no tables, no WAL switch, no -wal/-shm, no backup
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_backup_of_another_applications_file_is_refused_before_copying(home, tiny_decks):
    db = home / "other.db"
    foreign_sqlite(db)
    before = snapshot(home)
    one_line(invoke(db, tiny_decks, "backup", "copy.db"), "not a studyplan database")
    assert snapshot(home) == before


def test_a_foreign_file_in_wal_mode_keeps_its_mode_and_gets_no_files_beside_it(home, tiny_decks):
    db = home / "other.db"
    foreign_sqlite(db, "wal")
    before = snapshot(home)
    one_line(invoke(db, tiny_decks, "today"), "not a studyplan database")
    assert snapshot(home) == before


def make_studyplan_db(db: Path, decks: Path) -> None:
    assert invoke(db, decks, "review", "--exam", "tiny", input="4\nq\n").exit_code == 0
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)


@pytest.mark.parametrize("args", COMMANDS[:8], ids=lambda a: " ".join(a[:2]))
def test_a_newer_schema_is_refused_naming_both_revisions_and_nothing_is_written(home, tiny_decks, args):
    db = home / "study.db"
    make_studyplan_db(db, tiny_decks)
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    before = snapshot(home)
    one_line(invoke(db, tiny_decks, *args), "0099_from_the_future", head_revision(), "nothing was changed")
    assert snapshot(home) == before
    assert not list(home.glob("*.bak"))


def test_a_foreign_postgresql_schema_is_refused_and_untouched(pg_url, tiny_decks):
    engine = create_engine(database_url(pg_url))
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE invoices (id serial PRIMARY KEY, total numeric)"))
        for args in (["today"], ["review", "--exam", "tiny"], ["decks", "sync"]):
            one_line(invoke(pg_url, tiny_decks, *args), "not a studyplan database", "invoices")
        with engine.connect() as conn:
            assert inspect(conn).get_table_names() == ["invoices"]
    finally:
        engine.dispose()


def test_a_newer_postgresql_schema_is_refused_and_untouched(pg_url, tiny_decks):
    assert invoke(pg_url, tiny_decks, "decks", "sync").exit_code == 0
    engine = create_engine(database_url(pg_url))
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
            tables = set(inspect(conn).get_table_names())
            cards = conn.execute(text("SELECT count(*) FROM card")).scalar()
        one_line(invoke(pg_url, tiny_decks, "review", "--exam", "tiny", input="4\nq\n"),
                 "0099_from_the_future", head_revision())
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) == tables
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099_from_the_future"
            assert conn.execute(text("SELECT count(*) FROM review_log")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM card")).scalar() == cards
    finally:
        engine.dispose()


# ------------------------------------------------------------------ locks


@pytest.fixture
def exclusively_locked(home, tiny_decks, monkeypatch):
    """A studyplan database held by another connection in exclusive locking mode."""
    db = home / "study.db"
    make_studyplan_db(db, tiny_decks)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE learner SET name = name")
    holder.execute("COMMIT")  # the exclusive lock stays until the connection closes
    monkeypatch.setattr(backup_module, "BUSY_TIMEOUT_S", 0.3)
    yield db
    holder.close()


def test_backup_of_an_exclusively_locked_database_gives_up_after_the_busy_timeout(exclusively_locked, tiny_decks,
                                                                                   home):
    before = sorted(p.name for p in home.iterdir())
    one_line(invoke(exclusively_locked, tiny_decks, "backup", "copy.db"), "locked", "nothing was backed up")
    assert sorted(p.name for p in home.iterdir()) == before  # no copy, no hidden temporary file


def test_restore_over_an_exclusively_locked_database_gives_up_after_the_busy_timeout(exclusively_locked, tiny_decks,
                                                                                      home, tmp_path):
    spare = tmp_path / "spare.db"
    make_studyplan_db(spare, tiny_decks)
    before = sorted(p.name for p in home.iterdir())
    one_line(invoke(exclusively_locked, tiny_decks, "restore", str(spare)), "locked", "nothing was restored")
    assert sorted(p.name for p in home.iterdir()) == before


# ------------------------------------------------------------------ the database options


def test_an_empty_db_option_is_refused_not_taken_for_the_default(tiny_decks, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path))
    result = invoke("", tiny_decks, "today")
    assert result.exit_code == 2, result.output
    assert "Error: Invalid value for '--db': is empty" in result.stderr
    assert not (tmp_path / "config").exists()


@pytest.mark.parametrize("db", ["sqlite:///", "sqlite://", "sqlite:///:memory:"])
@pytest.mark.parametrize("args", [["review", "--exam", "tiny"], ["decks", "sync"],
                                  ["plan", "create", "--exam", "tiny", "--background", "experienced"]])
def test_an_in_memory_database_is_refused_for_commands_that_keep_data(db, args, tiny_decks):
    one_line(invoke(db, tiny_decks, *args), "in-memory database keeps nothing")


@pytest.fixture
def read_only(home, tiny_decks):
    """A studyplan database with a plan and a grade that this process cannot write:
    0444 for an ordinary user; for root (who ignores modes), the immutable attribute."""
    db = home / "study.db"
    assert invoke(db, tiny_decks, "plan", "create", "--exam", "tiny", "--background", "experienced",
                  "--exam-date", "2027-01-05").exit_code == 0
    make_studyplan_db(db, tiny_decks)
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
            pytest.skip("running as root and chattr +i is not available here")
        undo = ["chattr", "-i", str(db)]
    else:
        db.chmod(0o444)
        undo = None
    assert not os.access(db, os.W_OK)
    yield db
    if undo:
        subprocess.run(undo, check=True)


@pytest.mark.parametrize("args", [["today"], ["stats"], ["plan", "show"], ["exams"], ["cohort"],
                                  ["calendar", "--format", "txt"], ["export", "reviews"]])
def test_a_read_only_database_still_serves_reading_commands(read_only, tiny_decks, args):
    before = hashlib.sha256(read_only.read_bytes()).hexdigest()
    result = invoke(read_only, tiny_decks, *args)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()
    assert hashlib.sha256(read_only.read_bytes()).hexdigest() == before


def test_a_read_only_database_refuses_a_change_in_one_line(read_only, tiny_decks):
    before = hashlib.sha256(read_only.read_bytes()).hexdigest()
    one_line(invoke(read_only, tiny_decks, "review", "--exam", "tiny", input="\n4\nq\n"),
             "the database is read-only", "grade 4 of card tiny-", "was NOT saved",
             "the 0 grade(s) before it in this session are saved")
    assert hashlib.sha256(read_only.read_bytes()).hexdigest() == before


def test_the_online_backup_itself_gives_up_after_the_busy_timeout(exclusively_locked, home):
    """The store's copy (also used before a migration), past the use case's own check."""
    from studyplan.errors import StudyplanError

    before = sorted(p.name for p in home.iterdir())
    with pytest.raises(StudyplanError, match="locked by another program .busy for 0.3 s.; nothing was backed up"):
        backup_module.backup_database(exclusively_locked, home / "copy.db")
    assert sorted(p.name for p in home.iterdir()) == before
