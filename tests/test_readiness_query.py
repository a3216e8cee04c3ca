"""Readiness from aggregates (issue 15): the store's per-domain recall sums in SQL equal the
forgetting model summed card by card, and the retention is read from a bounded window."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, insert, select, update

from studyplan.db.cards import sync_catalog
from studyplan.db.engine import open_database
from studyplan.db.learners import learner_id
from studyplan.db.models import CardRow, CardState, ReviewLog
from studyplan.db.reads import imported_tally, recall_by_domain, review_outcomes
from studyplan.db.sql import session_rows
from studyplan.decks import load_catalog
from studyplan.metrics import RETENTION_WINDOW, card_recall

NOW = datetime(2026, 12, 1, 9, 0)
ON = date(2027, 2, 1)

# card -> (interval, due, suspended, introduced): recent, overdue, due in the future of ON,
# suspended, not yet reviewed (interval 0), and one card never introduced (no state).
STATES = {
    "tiny-alpha-001": (30, date(2027, 1, 20), False, True),
    "tiny-alpha-002": (6, date(2026, 12, 20), False, True),
    "tiny-alpha-003": (1, date(2027, 3, 1), False, True),
    "tiny-alpha-004": (10, date(2027, 1, 1), True, True),
    "tiny-beta-001": (0, date(2026, 12, 1), False, True),
    "tiny-beta-002": (15, date(2027, 1, 30), False, True),
}


def _keys(session) -> dict[str, int]:
    return dict(session.execute(select(CardRow.id, CardRow.key)).all())


@pytest.mark.parametrize("base", [0.9, 0.8])
def test_recall_by_domain_equals_the_model_summed_card_by_card(db_path, tiny_decks, base):
    engine, sessions = open_database(str(db_path))
    with sessions.begin() as session:
        sync_catalog(session, load_catalog(tiny_decks)[0], NOW)
        lid = learner_id(session, "ada", NOW)
        other = learner_id(session, "bob", NOW)
        keys = _keys(session)
        for card, (interval, due, suspended, introduced) in STATES.items():
            for who in (lid, other):  # another learner's states must not count
                session.execute(insert(CardState).values(
                    learner_id=who, card_key=keys[card], easiness=2.5, interval=interval, repetitions=1, due=due,
                    lapses=0, suspended=suspended, leech=False, introduced_on=date(2026, 12, 1) if introduced else None))
        session.execute(update(CardRow).where(CardRow.id == "tiny-alpha-006").values(retired_at=NOW))
        found = recall_by_domain(session_rows(session), lid, "tiny", ON, base)
    engine.dispose()

    def expected(domain: str) -> float:
        return sum(card_recall(i, d, ON, base) for c, (i, d, s, _) in STATES.items() if domain in c and not s)

    # alpha: 6 cards less the retired 006 and the suspended 004; beta: 4 cards
    assert {d: r.cards for d, r in found.items()} == {"alpha": 4, "beta": 4}
    assert found["alpha"].recall == pytest.approx(expected("alpha"), rel=1e-12)
    assert found["beta"].recall == pytest.approx(expected("beta"), rel=1e-12)
    assert found["alpha"].recall == pytest.approx(base ** (42 / 30) + base ** (49 / 6) + 1.0, rel=1e-12)


def _query_plans(engine, session, call) -> list[str]:
    """EXPLAIN QUERY PLAN of every statement *call* runs, as SQLite would run it."""
    seen: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    conn = session.connection()
    return [" ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            for statement, parameters in seen]


def test_readiness_and_the_imported_tally_are_read_through_indexes(db_path, tiny_decks):
    engine, sessions = open_database(str(db_path))
    with sessions.begin() as session:
        sync_catalog(session, load_catalog(tiny_decks)[0], NOW)
        lid = learner_id(session, "ada", NOW)
        # Statistics as a real database can have them: the small tables analysed, the card
        # table not (SQLite then guesses it huge and may walk it from the domain table).
        session.connection().exec_driver_sql("ANALYZE domain")
        recall = _query_plans(engine, session, lambda: recall_by_domain(session_rows(session), lid, "tiny", ON, 0.9))
        tally = _query_plans(engine, session, lambda: imported_tally(session_rows(session)))
    engine.dispose()
    assert "COVERING INDEX ix_card_exam_live" in recall[0]
    assert "sqlite_autoindex_card_state_1" in recall[0]  # each card's state by its primary key
    assert "INDEX ix_card_source" in tally[0]  # the anki: range, not a walk over every card


def test_retention_counts_the_last_window_of_reviews_of_learned_cards(db_path, tiny_decks):
    engine, sessions = open_database(str(db_path))
    with sessions.begin() as session:
        sync_catalog(session, load_catalog(tiny_decks)[0], NOW)
        lid = learner_id(session, "ada", NOW)
        key = _keys(session)["tiny-alpha-001"]

        def logged(day: date, grade: int, practice: bool = False, prev_repetitions: int = 1) -> dict:
            return dict(learner_id=lid, card_key=key, reviewed_at=datetime.combine(day, NOW.time()), review_day=day,
                        grade=grade, practice=practice, easiness=2.5, interval=1, repetitions=2, due=day,
                        prev_repetitions=prev_repetitions, seconds=5.0)

        old, recent = date(2026, 1, 1), date(2026, 6, 1)
        rows = [logged(old, 1) for _ in range(7)]                       # failed long ago: out of the window
        rows += [logged(recent, 5) for _ in range(RETENTION_WINDOW - 2)]
        rows += [logged(recent + timedelta(days=1), 2) for _ in range(2)]  # the newest: two lapses
        rows += [logged(recent, 1, practice=True), logged(recent, 1, prev_repetitions=0)]  # not learned-card reviews
        session.execute(insert(ReviewLog), rows)
        assert review_outcomes(session_rows(session), lid) == (RETENTION_WINDOW, RETENTION_WINDOW - 2)
    engine.dispose()


def test_grade_counts_read_the_last_window_of_grades_and_reasks(db_path, tiny_decks, monkeypatch):
    import studyplan.db.history as history

    monkeypatch.setattr(history, "GRADE_WINDOW", 4)
    monkeypatch.setattr(history, "CALIBRATION_DAYS", 3)
    engine, sessions = open_database(str(db_path))
    with sessions.begin() as session:
        sync_catalog(session, load_catalog(tiny_decks)[0], NOW)
        lid = learner_id(session, "ada", NOW)
        key = _keys(session)["tiny-alpha-001"]

        def logged(day: date, grade: int, first: bool = False, practice: bool = False, drill: bool = False) -> dict:
            return dict(learner_id=lid, card_key=key, reviewed_at=datetime.combine(day, NOW.time()), review_day=day,
                        grade=grade, practice=practice, drill=drill, easiness=2.5, interval=1, repetitions=1, due=day,
                        prev_easiness=None if first else 2.5, seconds=5.0)

        june = [date(2026, 6, d) for d in range(1, 6)]
        session.execute(insert(ReviewLog), [
            logged(date(2026, 1, 1), 5, first=True),      # the oldest grade: outside the window of 4
            logged(june[0], 3, first=True), logged(june[1], 4), logged(june[2], 1), logged(june[3], 5),
            logged(june[4], 0, practice=True, drill=True),  # a drill: never counted
            logged(june[0], 4, practice=True), logged(june[1], 2, practice=True), logged(june[2], 5, practice=True),
        ])
        counts = history.grade_counts(session, lid, ["tiny"])
        assert history.grade_counts(session, lid, ["other"]).intro == (0, 0, 0, 0)
    engine.dispose()
    assert counts.intro == (0, 1, 0, 0)
    assert counts.review == (1, 0, 1, 1)
    assert (counts.reasks, counts.reasks_passed) == (3, 2)
    assert counts.days == 3  # six days of history, counted up to what calibration asks
