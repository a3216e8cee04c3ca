"""The store on real SQLite files: migrations, pragmas, sync semantics, clear failures."""

from datetime import date, datetime

import pytest
from conftest import deck_file, seed_before_0005
from sqlalchemy import select, text

from studyplan.db.cards import import_cards, sync_catalog
from studyplan.db.engine import (
    current_revision,
    head_revision,
    make_engine,
    open_database,
    upgrade,
)
from studyplan.db.learners import learner_id
from studyplan.db.models import CardRow, ReviewLog
from studyplan.decks import load_catalog
from studyplan.errors import StudyplanError

NOW = datetime(2026, 12, 1, 9, 0)


def test_open_creates_schema_at_head_with_wal_foreign_keys_and_busy_timeout(db_path):
    engine, _ = open_database(str(db_path))
    assert current_revision(engine) == head_revision() == "0007"
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: each commit fsynced
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
    engine.dispose()


def test_upgrade_from_first_migration_keeps_data(db_path):
    engine = make_engine(f"sqlite:///{db_path}")
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as conn:
        seed_before_0005(conn)
        conn.execute(text(
            "INSERT INTO review_log (learner_id, card_id, reviewed_at, review_day, grade, practice, easiness, interval,"
            " repetitions, due, seconds) VALUES (1, 'tiny-alpha-001', '2026-01-01 10:00:00', '2026-01-01', 4, 0, 2.5, 1, 1,"
            " '2026-01-02', 3.0)"))
    engine.dispose()
    engine, Session = open_database(str(db_path))
    assert current_revision(engine) == "0007"
    with Session() as session:
        log = session.scalars(select(ReviewLog)).one()
        card = session.scalar(select(CardRow.id).where(CardRow.key == log.card_key))
        assert (card, log.grade, log.due, log.reviewed_at) == ("tiny-alpha-001", 4, date(2026, 1, 2),
                                                                 datetime(2026, 1, 1, 10))
        assert session.execute(text("SELECT count(*) FROM plan")).scalar() == 0
    engine.dispose()


def synced(db_path, decks):
    engine, Session = open_database(str(db_path))
    catalog, problems = load_catalog(decks)
    assert problems == []
    with Session.begin() as session:
        result = sync_catalog(session, catalog, NOW)
    return engine, Session, result


def test_sync_is_idempotent_and_edits_keep_history_and_removals_retire(db_path, tiny_decks):
    engine, Session, first = synced(db_path, tiny_decks)
    assert (first.added, first.updated, first.retired, first.unchanged) == (10, 0, 0, 0)
    engine.dispose()
    engine, Session, again = synced(db_path, tiny_decks)
    assert (again.added, again.updated, again.retired, again.unchanged, again.changed) == (0, 0, 0, 10, False)

    with Session.begin() as session:
        lid = learner_id(session, "default", NOW)
        key = session.scalar(select(CardRow.key).where(CardRow.id == "tiny-alpha-002"))
        session.add(ReviewLog(learner_id=lid, card_key=key, reviewed_at=NOW, review_day=NOW.date(), grade=5,
                              practice=False, easiness=2.6, interval=1, repetitions=1, due=date(2026, 12, 2)))
    engine.dispose()

    alpha = tiny_decks / "tiny" / "01-alpha.toml"
    edited = alpha.read_text().replace("Question 2 about alpha?", "Question 2, reworded?")
    alpha.write_text(edited.split('\n[[cards]]\nid = "tiny-alpha-006"')[0])  # drop card 006
    engine, Session, result = synced(db_path, tiny_decks)
    assert (result.added, result.updated, result.retired) == (0, 1, 1)
    with Session() as session:
        card = session.scalars(select(CardRow).where(CardRow.id == "tiny-alpha-002")).one()
        assert card.front == "Question 2, reworded?"
        assert session.scalars(select(CardRow.id).join(ReviewLog, ReviewLog.card_key == CardRow.key)).all() == ["tiny-alpha-002"]
        assert session.scalars(select(CardRow).where(CardRow.id == "tiny-alpha-006")).one().retired_at == NOW
    engine.dispose()

    alpha.write_text(deck_file("alpha", range(1, 7)))
    engine, Session, result = synced(db_path, tiny_decks)
    assert (result.restored, result.updated) == (1, 1)
    engine.dispose()


def test_imported_cards_are_idempotent_and_survive_sync(db_path, tiny_decks):
    engine, Session, _ = synced(db_path, tiny_decks)
    with Session.begin() as session:
        assert import_cards(session, "tiny", "beta", [("q1", "a1", ["t"], ""), ("q2", "a2", [], "")], "x.txt") == (2, 0)
        assert import_cards(session, "tiny", "beta", [("q1", "a1", ["t"], "")], "x.txt") == (0, 1)
    engine.dispose()
    engine, Session, result = synced(db_path, tiny_decks)
    assert result.retired == 0
    with Session() as session:
        assert session.scalar(select(CardRow.front).where(CardRow.source == "anki:x.txt", CardRow.front == "q1")) == "q1"
    engine.dispose()


def test_corrupt_file_is_refused_and_left_untouched(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database at all" * 10)
    before = bad.read_bytes()
    with pytest.raises(StudyplanError, match="not a SQLite database"):
        open_database(str(bad))
    assert bad.read_bytes() == before
    assert not (tmp_path / "bad.db-wal").exists()


def test_truncated_sqlite_file_is_refused(tmp_path, db_path):
    engine, _ = open_database(str(db_path))
    engine.dispose()
    broken = tmp_path / "broken.db"
    broken.write_bytes(db_path.read_bytes()[:100] + b"\x00garbage" * 50)
    with pytest.raises(StudyplanError, match="broken.db"):
        open_database(str(broken))


@pytest.mark.parametrize("where, message", [("missing/dir/x.db", "does not exist"), ("", "is a directory")])
def test_unusable_paths_are_refused(tmp_path, where, message):
    with pytest.raises(StudyplanError, match=message):
        open_database(str(tmp_path / where) if where else str(tmp_path))


def test_unwritable_folder_is_refused(tmp_path):
    import os
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere; permission checks cannot fail here")
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    with pytest.raises(StudyplanError, match="not writable"):
        open_database(str(folder / "x.db"))


def test_head_revision_read_from_files_agrees_with_alembic():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from studyplan.db.engine import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_opening_an_up_to_date_database_does_not_import_alembic(db_path):
    import subprocess
    import sys

    open_database(str(db_path))[0].dispose()
    code = ("import sys; from studyplan.db.engine import open_database; "
            f"open_database({str(db_path)!r}); print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
