"""Queue and history queries at scale (issue 15): one query for new cards, covering indexes."""

from datetime import date, datetime

from sqlalchemy import insert, select

from studyplan.db.cards import sync_catalog
from studyplan.db.engine import open_database
from studyplan.db.history import introduced_counts, learner_states
from studyplan.db.learners import learner_id
from studyplan.db.models import CardRow, CardState
from studyplan.db.reviews import new_cards
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
        from sqlalchemy import event
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        picked = new_cards(session, lid, "tiny", {"alpha": 3, "beta": 2, "gamma": 0})
        assert [c.card_id for c in picked] == ["tiny-alpha-002", "tiny-beta-001", "tiny-alpha-003", "tiny-beta-002",
                                               "tiny-alpha-004"]
        assert all(c.is_new for c in picked)
        assert len(statements) == 1
        assert introduced_counts(session, lid, ["tiny"]) == {"alpha": 1}
        assert [(d, s.interval) for d, s in learner_states(session, lid, ["tiny"])] == [("alpha", 1)]
        assert new_cards(session, lid, "tiny", {"alpha": 0}) == []
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
