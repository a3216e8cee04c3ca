"""Queue and history queries at scale (issue 15): one query for new cards, covering indexes."""

from datetime import date, datetime, timedelta

from sqlalchemy import event, insert, select

from studyplan.db.cards import sync_catalog
from studyplan.db.engine import open_database
from studyplan.db.history import introduced_counts, learner_states
from studyplan.db.learners import learner_id
from studyplan.db.models import CardRow, CardState, ReviewLog
from studyplan.db.queue_reads import due_cards, new_cards
from studyplan.db.reviews import grade_card
from studyplan.db.sql import session_rows
from studyplan.decks import load_catalog

NOW = datetime(2026, 12, 1, 9, 0)


def test_new_cards_takes_each_domains_count_in_deck_order_in_one_query(db_path, tiny_decks):
    engine, sessions = open_database(str(db_path))
    statements: list[str] = []
    with sessions.begin() as session:
        sync_catalog(session, load_catalog(tiny_decks)[0], NOW)
        lid = learner_id(session, "ada", NOW)
        session.execute(insert(CardState).values(
            learner_id=lid, card_key=select(CardRow.key).where(CardRow.id == "tiny-alpha-001").scalar_subquery(),
            easiness=2.5, interval=1, repetitions=1, due=date(2026, 12, 2), lapses=0, suspended=False, leech=False,
            introduced_on=date(2026, 12, 1)))
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        picked = new_cards(session_rows(session), lid, "tiny", {"alpha": 3, "beta": 2, "gamma": 0})
        assert [c.card_id for c in picked] == ["tiny-alpha-002", "tiny-beta-001", "tiny-alpha-003", "tiny-beta-002",
                                               "tiny-alpha-004"]
        assert all(c.is_new for c in picked)
        assert len(statements) == 1
        assert introduced_counts(session, lid, ["tiny"]) == {"alpha": 1}
        assert [(d, s.interval) for d, s in learner_states(session, lid, ["tiny"])] == [("alpha", 1)]
        assert new_cards(session_rows(session), lid, "tiny", {"alpha": 0}) == []
    engine.dispose()


def test_reviews_per_day_and_introduced_spans_are_read_through_indexes(db_path):
    engine, _ = open_database(str(db_path))
    with engine.connect() as conn:
        plan = " ".join(r[3] for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT review_day, count(*) FROM review_log WHERE learner_id = 1 AND practice = 0"
            " AND review_day >= 20454 AND review_day <= 20513 GROUP BY review_day"))
        assert "COVERING INDEX ix_review_log_learner_practice_day" in plan
        plan = " ".join(r[3] for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT count(*), sum(grade >= 3) FROM review_log WHERE learner_id = 1 AND practice = 0"
            " AND prev_repetitions > 0"))
        assert "COVERING INDEX ix_review_log_learner_practice_day" in plan
        plan = " ".join(r[3] for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT count(*) FROM card_state WHERE learner_id = 1 AND introduced_on >= ?"
            " AND introduced_on <= ?", (20454, 20485)))
        assert "ix_card_state_introduced" in plan
    engine.dispose()


def test_a_grade_is_one_read_and_two_writes_at_driver_level(db_path, tiny_decks):
    """A new card: the read, the state's INSERT, the log's INSERT; a due card the next day:
    the read, the state's UPDATE, the log's INSERT. Nothing else between BEGIN and COMMIT."""
    engine, sessions = open_database(str(db_path))
    with sessions.begin() as session:
        sync_catalog(session, load_catalog(tiny_decks)[0], NOW)
        lid = learner_id(session, "ada", NOW)
    with sessions() as session:
        card = new_cards(session_rows(session), lid, "tiny", {"alpha": 1})[0]
    statements: list[str] = []  # every statement SQLite runs, however it was sent
    engine.dispose()
    event.listen(engine, "connect", lambda conn, _: conn.set_trace_callback(lambda sql: statements.append(
        sql.split()[0])))
    with sessions.begin() as session:
        first = grade_card(session, lid, card, 5, NOW, NOW.date(), 3.5)
    statements[:] = statements[statements.index("BEGIN"):]  # after the new connection's pragmas
    assert statements == ["BEGIN", "SELECT", "INSERT", "INSERT", "COMMIT"]
    statements.clear()
    day = NOW.date() + timedelta(days=1)
    with sessions() as session:
        due = due_cards(session_rows(session), lid, day)
    statements.clear()
    with sessions.begin() as session:
        second = grade_card(session, lid, due[0], 3, NOW + timedelta(days=1), day, 1.25)
    assert statements == ["BEGIN", "SELECT", "UPDATE", "INSERT", "COMMIT"]
    assert (first.log_id, second.log_id) == (1, 2)
    with sessions() as session:
        state = session.scalars(select(CardState)).one()
        assert (state.easiness, state.interval, state.repetitions, state.due, state.introduced_on) == (
            second.state.easiness, 6, 2, day + timedelta(days=6), NOW.date())
        logs = session.scalars(select(ReviewLog).order_by(ReviewLog.id)).all()
        assert [(r.grade, r.seconds, r.reviewed_at, r.prev_easiness, r.prev_due) for r in logs] == [
            (5, 3.5, NOW, None, None), (3, 1.25, NOW + timedelta(days=1), 2.6, day)]
    engine.dispose()
