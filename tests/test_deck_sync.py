"""Decks read only when they changed: the deck files remembered in the database (issue 15)."""

import os
import sqlite3
from datetime import datetime

import pytest
from conftest import deck_file, history_views, seed_before_0005
from sqlalchemy import text

from studyplan import deck_sync
from studyplan.db.engine import head_revision, make_engine, open_database, upgrade
from studyplan.deck_sync import sync_decks
from studyplan.errors import StudyplanError

NOW = datetime(2026, 12, 1, 9, 0)


def rows(db_path, sql):
    with sqlite3.connect(db_path) as conn:
        return history_views(conn).execute(sql).fetchall()


def sync(db_path, decks):
    engine, sessions = open_database(str(db_path))
    try:
        with sessions.begin() as session:
            return sync_decks(session, decks, None, NOW)
    finally:
        engine.dispose()


@pytest.fixture
def parses(monkeypatch):
    """The card files parsed, by name, in each sync."""
    from studyplan import decks

    seen: list[str] = []
    real = decks._load_cards

    def counting(path, *args):
        seen.append(path.name)
        return real(path, *args)

    monkeypatch.setattr(decks, "_load_cards", counting)
    return seen


def touch_later(path, content):
    """Write *content* with an mtime clearly after the previous one (coarse clocks)."""
    before = path.stat().st_mtime_ns
    path.write_text(content)
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


def test_a_second_sync_parses_no_card_file_and_keeps_counts(db_path, tiny_decks, parses):
    catalog, first = sync(db_path, tiny_decks)
    assert (first.added, sorted(parses)) == (10, ["01-alpha.toml", "02-beta.toml"])
    assert catalog.exam("tiny").cards != ()
    parses.clear()
    catalog, second = sync(db_path, tiny_decks)
    assert parses == []
    assert (second.added, second.updated, second.unchanged) == (0, 0, 10)
    exam = catalog.exam("tiny")
    assert exam.cards == ()
    assert exam.card_counts() == {"alpha": 6, "beta": 4}
    assert exam.card_counts("scenario") == {"alpha": 3, "beta": 2}
    assert rows(db_path, "select label, role, domain, first_position, cards, scenarios from deck_file order by path") == [
        ("decks/tiny/01-alpha.toml", "cards", "alpha", 0, 6, 3),
        ("decks/tiny/02-beta.toml", "cards", "beta", 6, 4, 2),
        ("decks/tiny/exam.toml", "exam", "", 0, 0, 0),
    ]


def test_an_edited_file_alone_is_reparsed_and_later_files_keep_their_order(db_path, tiny_decks, parses):
    sync(db_path, tiny_decks)
    parses.clear()
    alpha = tiny_decks / "tiny" / "01-alpha.toml"
    edited = deck_file("alpha", range(1, 9)).replace("Answer 2.", "Answer two.")  # 2 cards added, 1 edited
    touch_later(alpha, edited)
    _, result = sync(db_path, tiny_decks)
    assert parses == ["01-alpha.toml"]
    assert (result.added, result.updated, result.retired, result.unchanged) == (2, 1, 0, 9)
    assert rows(db_path, "select back from card where id = 'tiny-alpha-002'") == [("Answer two.",)]
    # beta's cards come after alpha's 8, as a full sync would number them
    assert rows(db_path, "select id, position from card where id like 'tiny-beta-%' order by position") == [
        (f"tiny-beta-{i:03d}", 7 + i) for i in range(1, 5)]
    assert rows(db_path, "select first_position, cards from deck_file where label like '%02-beta.toml'") == [(8, 4)]


def test_a_touched_but_unchanged_file_is_hashed_not_parsed(db_path, tiny_decks, parses):
    sync(db_path, tiny_decks)
    parses.clear()
    beta = tiny_decks / "tiny" / "02-beta.toml"
    touch_later(beta, beta.read_text())
    _, result = sync(db_path, tiny_decks)
    assert parses == [] and not result.changed
    assert rows(db_path, "select mtime_ns from deck_file where label like '%02-beta.toml'") == [(beta.stat().st_mtime_ns,)]


def test_a_deleted_file_retires_its_cards_and_an_added_one_adds(db_path, tiny_decks, parses):
    sync(db_path, tiny_decks)
    (tiny_decks / "tiny" / "02-beta.toml").unlink()
    (tiny_decks / "tiny" / "03-beta.toml").write_text(deck_file("beta", range(3, 6)))
    parses.clear()
    _, result = sync(db_path, tiny_decks)
    assert parses == ["03-beta.toml"]
    assert (result.added, result.updated, result.retired, result.unchanged) == (1, 2, 2, 6)
    assert rows(db_path, "select id from card where retired_at is not null order by id") == [
        ("tiny-beta-001",), ("tiny-beta-002",)]
    assert [r[0] for r in rows(db_path, "select label from deck_file order by label")] == [
        "decks/tiny/01-alpha.toml", "decks/tiny/03-beta.toml", "decks/tiny/exam.toml"]


def test_a_changed_exam_file_rereads_the_whole_exam(db_path, tiny_decks, parses):
    sync(db_path, tiny_decks)
    exam = tiny_decks / "tiny" / "exam.toml"
    touch_later(exam, exam.read_text().replace('name = "Tiny', 'name = "Tinier', 1))
    parses.clear()
    catalog, result = sync(db_path, tiny_decks)
    assert sorted(parses) == ["01-alpha.toml", "02-beta.toml"]
    assert (result.changed, result.unchanged) == (False, 10)
    assert rows(db_path, "select name from exam where id = 'tiny'")[0][0].startswith("Tinier")


def test_a_duplicate_id_against_an_unchanged_file_is_refused_and_nothing_written(db_path, tiny_decks):
    sync(db_path, tiny_decks)
    beta = tiny_decks / "tiny" / "02-beta.toml"
    touch_later(beta, beta.read_text() + deck_file("alpha", range(1, 2)).split("\n", 1)[1])
    with pytest.raises(StudyplanError, match=r"02-beta.toml:\d+: .*card id 'tiny-alpha-001'"):
        sync(db_path, tiny_decks)
    assert rows(db_path, "select cards from deck_file where label like '%02-beta.toml'") == [(4,)]


def test_installed_decks_are_trusted_until_the_version_changes(db_path, tiny_decks, parses, monkeypatch):
    monkeypatch.setattr(deck_sync, "installed_decks_dir", lambda: tiny_decks.resolve())
    sync(db_path, tiny_decks)
    assert rows(db_path, "select distinct size, mtime_ns, version from deck_file") == [(0, 0, deck_sync.__version__)]
    alpha = tiny_decks / "tiny" / "01-alpha.toml"
    touch_later(alpha, deck_file("alpha", range(1, 8)))
    parses.clear()
    _, result = sync(db_path, tiny_decks)
    assert parses == [] and result.added == 0  # same version: not even stat'ed
    monkeypatch.setattr(deck_sync, "__version__", "9.9.9")
    _, result = sync(db_path, tiny_decks)
    assert parses == ["01-alpha.toml"] and result.added == 1


def test_commands_pick_up_an_edit_an_addition_and_a_deletion(run, tiny_decks, db_path):
    assert run("decks", "sync").exit_code == 0
    alpha = tiny_decks / "tiny" / "01-alpha.toml"
    touch_later(alpha, deck_file("alpha", range(1, 6)))
    (tiny_decks / "tiny" / "02-beta.toml").unlink()
    (tiny_decks / "tiny" / "03-beta.toml").write_text(deck_file("beta", range(1, 3)))
    result = run("exams")
    assert result.exit_code == 0, result.output
    assert rows(db_path, "select count(*) from card where retired_at is null") == [(7,)]
    assert " 7 " in result.stdout.splitlines()[-1] or result.stdout.rstrip().endswith("7")


def test_upgrade_from_0003_keeps_data_and_adds_deck_files(db_path):
    engine = make_engine(f"sqlite:///{db_path}")
    upgrade(engine, "0003")
    with engine.begin() as conn:
        seed_before_0005(conn)
        conn.execute(text(
            "INSERT INTO card_state VALUES (1, 'tiny-alpha-001', 2.6, 6, 2, '2026-01-08', 0, 0, 0, '2026-01-01')"))
        conn.execute(text(
            "INSERT INTO review_log (learner_id, card_id, reviewed_at, review_day, grade, practice, easiness, interval,"
            " repetitions, due, seconds, drill) VALUES (1, 'tiny-alpha-001', '2026-01-02 10:00:00', '2026-01-02', 4, 0,"
            " 2.6, 6, 2, '2026-01-08', 3.0, 0)"))
    engine.dispose()
    engine, _ = open_database(str(db_path))
    engine.dispose()
    assert rows(db_path, "select version_num from alembic_version") == [(head_revision(),)]
    assert rows(db_path, "select name from learner") == [("ada",)]
    assert rows(db_path, "select card_id, easiness, interval, due from card_state") == [
        ("tiny-alpha-001", 2.6, 6, "2026-01-08")]
    assert rows(db_path, "select card_id, grade, review_day, seconds from review_log") == [
        ("tiny-alpha-001", 4, "2026-01-02", 3.0)]
    assert rows(db_path, "select count(*) from deck_file") == [(0,)]


@pytest.mark.parametrize("front, back, tags, ref", [
    ("plain", "b", (), ""),
    ('quotes " and \\ backslash\n\t\x01 é ☃ \u2028', "b\u0000", ("t1", "té"), "https://x.example/é"),
])
def test_the_fast_deck_card_hash_equals_the_json_one_stored_hashes_used(front, back, tags, ref):
    """A database synced before keeps its content hashes: no card reads as edited."""
    from conftest import json_hash

    from studyplan.catalog import Card
    from studyplan.db.cards import _deck_card_hash

    card = Card("x-d-1", "x", "d", front, back, "scenario", tags, ref, "decks/x/01-d.toml", 4)
    source = "deck:decks/x/01-d.toml"
    assert _deck_card_hash(card, source) == json_hash("d", front, back, "scenario", tags, ref, source)
