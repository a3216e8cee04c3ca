"""`today` reads a SQLite database through sqlite3 alone when it can (db.fast), and gives
the same answers as the full door (SQLAlchemy), which it falls back to whenever a deck
file changed, the database is not at the head, or it is not a SQLite file."""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from datetime import date

import pytest
from conftest import deck_file, piped_review, rows, run_subprocess

from studyplan import deck_sync
from studyplan.db import fast
from studyplan.workspace import Workspace

DAY = date(2026, 12, 4)


@pytest.fixture
def studied(run):
    """A plan made on 2026-12-01, cards introduced and reviewed on three days, one
    suspended, one course block checked off."""
    made = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "2027-01-05",
               "--minutes-per-day", "120")
    assert made.exit_code == 0, made.output
    for day, actions in ((date(2026, 12, 1), ["", "4", "", "2", "", "5", "", "s"]),
                         (date(2026, 12, 2), ["", "3", "", "4", "", "1"]),
                         (date(2026, 12, 3), ["", "4", "", "4"])):
        assert piped_review(run, actions, day).exit_code == 0
    run("done", today="2026-12-03")
    return run


@pytest.fixture
def doors(monkeypatch):
    """Which door each command's reading went through: "fast" (sqlite3 alone) or "full"."""
    taken: list[str] = []
    unchanged, unit = deck_sync.unchanged_catalog, Workspace.unit

    def fast_when_unchanged(*args):
        found = unchanged(*args)
        if found is not None:
            taken.append("fast")
        return found

    def full(self, *args, **kwargs):
        taken.append("full")
        return unit(self, *args, **kwargs)

    monkeypatch.setattr(deck_sync, "unchanged_catalog", fast_when_unchanged)
    monkeypatch.setattr(Workspace, "unit", full)
    return taken


def _full_door_only(monkeypatch):
    @contextmanager
    def refuse(path, where):
        yield None

    monkeypatch.setattr(fast, "sqlite_reading", refuse)


def test_both_doors_give_the_same_today(studied, doors, monkeypatch, db_path):
    through_fast = studied("today", "--format", "json", today=DAY.isoformat())
    assert through_fast.exit_code == 0, through_fast.output
    assert doors == ["fast"]
    _full_door_only(monkeypatch)
    through_full = studied("today", "--format", "json", today=DAY.isoformat())
    assert through_full.exit_code == 0, through_full.output
    fast_report, full_report = json.loads(through_fast.stdout), json.loads(through_full.stdout)
    assert fast_report == full_report
    # the history above is what both read: not an empty report agreeing with another
    introduced = rows(db_path, "SELECT count(*) FROM card_state WHERE introduced_on < ?", DAY.isoformat())
    assert fast_report["new_cards_done_before_today"] == introduced[0][0] > 0
    assert fast_report["course_minutes_done_before_today"] > 0
    assert 0 < fast_report["readiness"] < 1


@pytest.mark.parametrize("command", [("today", "--format", "json"), ("stats", "--format", "json"), ("exams",)])
def test_daily_commands_on_a_synced_sqlite_file_never_import_sqlalchemy(studied, db_path, tiny_decks, command):
    done = run_subprocess("--db", str(db_path), "--decks", str(tiny_decks), "--today", DAY.isoformat(),
                          *command, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert done.returncode == 0, done.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert "studyplan.db.fast" in imported
    assert not [m for m in imported if m.startswith("sqlalchemy")]
    assert "tiny" in done.stdout


def test_an_edited_deck_file_is_synced_by_the_full_door_then_the_fast_one_serves(studied, doors, db_path,
                                                                                 tiny_decks):
    (tiny_decks / "tiny" / "02-beta.toml").write_text(deck_file("beta", range(1, 6)))
    assert studied("today", today=DAY.isoformat()).exit_code == 0
    assert doors == ["full"]
    assert rows(db_path, "SELECT count(*) FROM card WHERE retired_at IS NULL") == [(11,)]
    assert studied("today", today=DAY.isoformat()).exit_code == 0
    assert doors == ["full", "fast"]


def test_a_database_below_the_head_is_migrated_by_the_full_door(studied, doors, db_path):
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0006'")  # 0007 only swaps an index back
        conn.execute("DROP INDEX ix_card_exam_live")
        conn.execute("CREATE INDEX ix_card_exam_id ON card (exam_id)")
    assert studied("today", today=DAY.isoformat()).exit_code == 0
    assert doors == ["full"]
    assert rows(db_path, "SELECT version_num FROM alembic_version") == [("0007",)]
    assert studied("today", today=DAY.isoformat()).exit_code == 0
    assert doors == ["full", "fast"]


def test_today_answers_while_another_command_holds_the_write_lock(studied, doors, db_path):
    writer = sqlite3.connect(db_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE learner SET name = name")
        shown = studied("today", "--format", "json", today=DAY.isoformat())
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert shown.exit_code == 0, shown.output
    assert doors == ["fast"]


def test_a_learner_not_on_the_database_is_told_to_make_a_plan(studied, doors):
    shown = studied("--learner", "nobody", "today")
    assert shown.exit_code == 1
    assert "no plan yet" in shown.output
    assert doors == ["fast"]


def test_both_doors_give_the_same_stats(studied, doors, monkeypatch):
    through_fast = studied("stats", "--format", "json", today=DAY.isoformat())
    assert through_fast.exit_code == 0, through_fast.output
    assert doors == ["fast"]
    _full_door_only(monkeypatch)
    through_full = studied("stats", "--format", "json", today=DAY.isoformat())
    assert json.loads(through_fast.stdout) == json.loads(through_full.stdout)
    shown = json.loads(through_fast.stdout)
    assert sum(d["mature"] + d["learning"] for d in shown["domains"]) > 0
    assert sum(d["suspended"] for d in shown["domains"]) == 1


def test_a_review_session_on_a_sqlite_file_never_imports_sqlalchemy_and_keeps_its_grades(studied, db_path,
                                                                                          tiny_decks):
    before = rows(db_path, "SELECT count(*) FROM review_log")[0][0]
    done = run_subprocess("--db", str(db_path), "--decks", str(tiny_decks), "--today", DAY.isoformat(),
                          "review", "--exam", "tiny", input="\n4\n\n5\nq\n", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert done.returncode == 0, done.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert "studyplan.db.grading" in imported
    assert not [m for m in imported if m.startswith("sqlalchemy")]
    assert rows(db_path, "SELECT count(*) FROM review_log")[0][0] == before + 2
    assert rows(db_path, "SELECT grade FROM review_log ORDER BY id DESC LIMIT 2") == [(5,), (4,)]


def test_an_undo_in_a_fast_session_restores_the_state_before_the_grade(studied, db_path):
    state = "SELECT card_id, interval, repetitions, due FROM card_state ORDER BY card_id"
    before = rows(db_path, state)
    undone = studied("review", "--exam", "tiny", input="\n4\nu\nq\n", today=DAY.isoformat())
    assert undone.exit_code == 0, undone.output
    assert "undid grade 4" in undone.output
    assert rows(db_path, state) == before


def test_a_session_never_opens_the_database_file_beside_sqlite(studied, db_path, monkeypatch):
    """Closing a file descriptor of the database drops every POSIX lock this process's
    SQLite connections hold on it (the grading connection's too), after which a commit can
    land in a -wal another connection deletes: the file is only ever opened by SQLite."""
    import builtins
    import io

    opened: list[str] = []
    real_open = io.open

    def watched(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and os.path.realpath(file) == os.path.realpath(db_path):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", watched)
    monkeypatch.setattr(builtins, "open", watched)
    # grade, suspend and undo it (the ORM door opens mid-session), grade again, quit
    shown = studied("review", "--exam", "tiny", input="\n4\ns\nu\n\n5\nq\n", today=DAY.isoformat())
    assert shown.exit_code == 0, shown.output
    assert "undid suspend" in shown.output
    assert opened == []
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db_path, "SELECT grade FROM review_log WHERE review_day = ? ORDER BY id", DAY.isoformat()) == [
        (4,), (5,)]
