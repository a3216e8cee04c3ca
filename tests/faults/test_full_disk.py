"""A full disk, simulated with SQLite's max_page_count through the engine's test hook
(STUDYPLAN_TEST_MAX_PAGE_COUNT): one clear line, exit 1, and nothing already saved is lost."""

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import db_digest as digest
from conftest import deck_file, history_views
from sqlalchemy import text

from studyplan.db.engine import TEST_MAX_PAGE_COUNT_ENV, make_engine, upgrade


def rows(db, sql):
    conn = sqlite3.connect(db)
    try:
        return history_views(conn).execute(sql).fetchall()
    finally:
        conn.close()




def fill_up(db: Path, monkeypatch) -> None:
    """Compact the database and cap it at its current size: the next page it needs fails."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    monkeypatch.setenv(TEST_MAX_PAGE_COUNT_ENV, str(pages))


def one_error_line(result, *needles):
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_review_on_a_full_disk_keeps_every_acknowledged_grade(run, db_path, tiny_decks, monkeypatch):
    (tiny_decks / "tiny" / "01-alpha.toml").write_text(deck_file("alpha", range(1, 400)))
    assert run("review", "--exam", "tiny", input="5\n4\n3\n").exit_code == 0
    fill_up(db_path, monkeypatch)
    for offset in range(2, 30):  # day after day of new cards until the capped file is full
        day = f"2026-12-{offset:02d}"
        result = run("review", "--exam", "tiny", input="4\n" * 60, today=day)
        if result.exit_code != 0:
            break
    line = one_error_line(result, "the disk is full", "was NOT saved", "the session stops")
    assert str(db_path) in line
    monkeypatch.delenv(TEST_MAX_PAGE_COUNT_ENV)
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]
    acknowledged = result.stdout.count("] tiny") - 1  # headers after the first follow a saved grade
    logged = rows(db_path, f"SELECT count(*) FROM review_log WHERE review_day = '{day}'")[0][0]
    assert logged == acknowledged
    # The line names the grade that was lost and counts exactly the ones that were kept.
    lost = re.search(r"grade 4 of card (tiny-\S+) was NOT saved; .* the (\d+) grade\(s\) before it in this "
                     r"session are saved$", line)
    assert lost, line
    assert int(lost.group(2)) == logged
    assert rows(db_path, f"SELECT count(*) FROM review_log WHERE card_id = '{lost.group(1)}' "
                f"AND review_day = '{day}'") == [(0,)]
    assert rows(db_path, "SELECT grade FROM review_log WHERE review_day = '2026-12-01' ORDER BY id") == [(5,), (4,), (3,)]
    assert run("review", "--exam", "tiny", input="4\n", today=day).exit_code == 0  # room again: works


def test_sync_on_a_full_disk_changes_nothing(run, db_path, tiny_decks, monkeypatch):
    assert run("decks", "sync").exit_code == 0
    (tiny_decks / "tiny" / "01-alpha.toml").write_text(deck_file("alpha", range(1, 400)))
    fill_up(db_path, monkeypatch)
    before = digest(db_path)
    one_error_line(run("decks", "sync"), "full")
    assert digest(db_path) == before
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]


def test_plan_create_on_a_full_disk_keeps_the_previous_plan(run, db_path, monkeypatch):
    assert run("plan", "create", "--exam", "tiny", "--background", "experienced").exit_code == 0
    fill_up(db_path, monkeypatch)
    before = digest(db_path)
    one_error_line(run("plan", "create", "--yes", "--exam", "tiny", "--background", "pivoting"), "full")
    assert digest(db_path) == before
    assert run("plan", "show").exit_code == 0


def test_migration_on_a_full_disk_leaves_the_old_schema_and_a_backup(run, db_path, monkeypatch):
    engine = make_engine(f"sqlite:///{db_path}")
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO learner (id, name, created_at) VALUES (1, 'ada', '2026-01-01 00:00:00')"))
    engine.dispose()
    fill_up(db_path, monkeypatch)
    before = digest(db_path)
    one_error_line(run("decks", "sync"), "cannot open the database", "full")
    assert digest(db_path) == before
    assert rows(db_path, "SELECT version_num FROM alembic_version") == [("0001",)]
    assert Path(f"{db_path}.pre-0001.bak").exists()


@pytest.fixture(autouse=True)
def _no_hook_leak(monkeypatch):
    monkeypatch.delenv(TEST_MAX_PAGE_COUNT_ENV, raising=False)
