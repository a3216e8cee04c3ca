"""The review queue and the grade at scale (issue 15): the queue's store queries read only
what the session shows, and a grade runs on the driver's connection without an ORM session."""

import sqlite3
from contextlib import closing
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, insert, select

from studyplan.db import queue_reads
from studyplan.db.cards import sync_catalog
from studyplan.db.engine import open_database
from studyplan.db.learners import learner_id
from studyplan.db.models import CardRow, CardState, ReviewLog
from studyplan.db.queue_reads import due_cards, plan_today
from studyplan.db.reads import active_plan
from studyplan.db.reviews import grade_card
from studyplan.db.sql import SqliteRows, prepare, session_rows
from studyplan.decks import load_catalog
from studyplan.plan import TaskKind
from studyplan.queue import QueueCard, interleave
from studyplan.study_review import ReviewOptions, start_review
from studyplan.workspace import Workspace

NOW = datetime(2026, 12, 1, 9, 0)
TODAY = NOW.date()
# (card, days overdue): alpha's and beta's due cards in an order that is neither deck order
# nor alphabetical, ties on the due day broken by deck order.
DUE = [("tiny-beta-003", 4), ("tiny-alpha-005", 3), ("tiny-alpha-002", 3), ("tiny-beta-001", 1),
       ("tiny-alpha-001", 1), ("tiny-alpha-006", 0), ("tiny-beta-004", 0)]


def _with_states(db_path, tiny_decks, due=DUE, suspended=("tiny-alpha-003",)):
    engine, sessions = open_database(str(db_path))
    with sessions.begin() as session:
        sync_catalog(session, load_catalog(tiny_decks)[0], NOW)
        lid = learner_id(session, "ada", NOW)
        for card, overdue in [*due, *((c, 2) for c in suspended), ("tiny-beta-002", -3)]:
            session.execute(insert(CardState).values(
                learner_id=lid, card_key=select(CardRow.key).where(CardRow.id == card).scalar_subquery(),
                easiness=2.5, interval=1, repetitions=1, due=TODAY - timedelta(days=overdue), lapses=0,
                suspended=card in suspended, leech=False, introduced_on=TODAY - timedelta(days=20)))
    return engine, sessions, lid


@pytest.mark.parametrize("run", [queue_reads.DUE_RUN, 1, 2])  # small runs: the queue read over several
def test_due_cards_come_most_overdue_first_domains_interleaved_and_a_limit_keeps_their_head(db_path, tiny_decks,
                                                                                           monkeypatch, run):
    monkeypatch.setattr(queue_reads, "DUE_RUN", run)
    engine, sessions, lid = _with_states(db_path, tiny_decks)
    with sessions() as session:
        every = due_cards(session_rows(session), lid, TODAY)
        # beta leads (its card is the most overdue), then one of each domain in turn
        assert [(c.card_id, c.due) for c in every] == [
            ("tiny-beta-003", TODAY - timedelta(days=4)), ("tiny-alpha-002", TODAY - timedelta(days=3)),
            ("tiny-beta-001", TODAY - timedelta(days=1)), ("tiny-alpha-005", TODAY - timedelta(days=3)),
            ("tiny-beta-004", TODAY), ("tiny-alpha-001", TODAY - timedelta(days=1)), ("tiny-alpha-006", TODAY)]
        assert all(not c.is_new and c.exam == "tiny" and c.front and c.back for c in every)
        assert every[0].domain == "beta" and every[0].source.endswith("beta.toml")
        for limit in range(len(every) + 2):
            assert due_cards(session_rows(session), lid, TODAY, limit=limit) == every[:limit]
        assert due_cards(session_rows(session), lid, TODAY, exams=["tiny"], domain="alpha", limit=2) == [
            c for c in every if c.domain == "alpha"][:2]
        assert due_cards(session_rows(session), lid, TODAY, exams=["other"]) == []
        assert due_cards(session_rows(session), lid, TODAY, exams=[]) == []
    engine.dispose()


def test_a_limited_due_queue_stops_reading_due_days_once_each_domain_has_its_share(db_path, tiny_decks,
                                                                                  monkeypatch):
    monkeypatch.setattr(queue_reads, "DUE_RUN", 1)
    engine, sessions, lid = _with_states(db_path, tiny_decks)
    statements: list[tuple[str, object]] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, params, *_: statements.append((sql, params)))
    with sessions() as session:
        picked = due_cards(session_rows(session), lid, TODAY, limit=2)
    assert [c.card_id for c in picked] == ["tiny-beta-003", "tiny-alpha-002"]
    runs = [sql for sql, _ in statements if "ORDER BY s.due, c.position" in sql]
    # one card each of alpha and beta is all a queue of two needs: the days 4 and 3 days
    # overdue are read, not yesterday's or today's
    assert len(runs) == 2 and all("front" not in sql for sql in runs)
    texts = statements[-1]
    assert "front" in texts[0] and len(texts[1]) == 2  # type: ignore[arg-type]  # the two keys kept
    engine.dispose()


def test_due_cards_are_read_through_the_learner_due_index(db_path, tiny_decks):
    engine, _sessions, lid = _with_states(db_path, tiny_decks)
    engine.dispose()
    plans: list[str] = []

    class Explained(SqliteRows):
        """Runs each statement after recording SQLite's plan for it."""

        def rows(self, sql, params=None):
            text, bound = prepare(sql, params or {}, True)
            plans.append(" ".join(r[3] for r in self.connection.execute("EXPLAIN QUERY PLAN " + text, bound)))
            return super().rows(sql, params)

    with closing(sqlite3.connect(db_path)) as conn:
        assert due_cards(Explained(conn), lid, TODAY, exams=["tiny"])
        due_plan = plans[0]
        assert "ix_card_state_due (learner_id=? AND due>? AND due<?)" in due_plan
        plans.clear()
        assert due_cards(Explained(conn), lid, TODAY, exams=["tiny"], limit=2)  # read in runs of due days
    assert len(plans) == 4  # the exams' domains, where the run ends, the run, the texts
    assert all("ix_card_state_due (learner_id=? AND due>? AND due<?)" in p for p in plans[1:3])
    assert not [p for p in [due_plan, *plans] if "SCAN" in p]  # no table is read through


def test_interleave_keeps_each_lane_in_order_and_leads_with_the_first_cards_lane():
    assert interleave([("b", 1), ("a", 1), ("b", 2), ("b", 3), ("c", 1), ("a", 2)], lane=lambda x: x[0]) == [
        ("b", 1), ("a", 1), ("c", 1), ("b", 2), ("a", 2), ("b", 3)]
    cards = [QueueCard(f"x{i}", "tiny", d, "f", "b", "", False) for i, d in enumerate("aab")]
    assert [c.card_id for c in interleave(cards)] == ["x0", "x2", "x1"]
    mixed = [("b", 1), ("a", 1), ("b", 2), ("b", 3), ("c", 1), ("a", 2)]
    for limit in range(8):  # a limit keeps the head of the same order
        assert interleave(mixed, lane=lambda x: x[0], limit=limit) == interleave(mixed, lane=lambda x: x[0])[:limit]


def test_plan_today_is_the_plan_exam_and_that_day_tasks_only(run, db_path):
    assert run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date",
               "2026-12-29").exit_code == 0
    engine, sessions = open_database(str(db_path))
    with sessions() as session:
        lid = session.scalar(select(CardState.learner_id).limit(1)) or 1
        plan = active_plan(session_rows(session), lid)
        assert plan is not None
        for day in plan.days:
            today = plan_today(session_rows(session), lid, day.date)
            assert today is not None and (today.exam, today.background) == ("tiny", "experienced")
            assert [(t.kind, t.domain, t.count) for t in today.tasks] == [
                (t.kind, t.domain, t.count) for t in day.tasks]
        assert any(t.kind == TaskKind.NEW_CARDS for t in plan_today(session_rows(session), lid, date(2026, 12, 1)).tasks)
        after = plan_today(session_rows(session), lid, date(2027, 6, 1))
        assert after is not None and after.tasks == ()
        assert plan_today(session_rows(session), lid + 1, date(2026, 12, 1)) is None
    engine.dispose()


def test_a_queue_full_of_due_cards_looks_up_no_new_cards(db_path, tiny_decks, monkeypatch):
    engine, _sessions, _lid = _with_states(db_path, tiny_decks)
    engine.dispose()
    ws = Workspace(db=str(db_path), decks=str(tiny_decks), today=TODAY, learner="ada")
    try:
        full = start_review(ws, ReviewOptions(exam="tiny")).session
        assert full is not None
        assert [c.card_id for c in full.pending if c.is_new] == ["tiny-alpha-004"]  # the one card never seen
        assert len(full.pending) == 8
        statements: list[str] = []
        run_rows = SqliteRows.rows  # the review starts on SQLite's own driver: record what it runs

        def recorded(self, sql, params=None):
            statements.append(sql)
            return run_rows(self, sql, params)

        monkeypatch.setattr(SqliteRows, "rows", recorded)
        start = start_review(ws, ReviewOptions(exam="tiny", max_cards=7)).session
        assert start is not None and list(start.pending) == list(full.pending)[:7]
        assert any("s.due <= :upto" in sql for sql in statements)
        assert not any("row_number" in sql for sql in statements)  # the new-card query never ran
        statements.clear()
        start = start_review(ws, ReviewOptions(exam="tiny", max_cards=8)).session
        assert start is not None and list(start.pending) == list(full.pending)[:8]
        assert any("row_number" in sql for sql in statements)
    finally:
        ws.close()


def test_the_review_screen_grades_in_one_driver_transaction(db_path, tiny_decks):
    """BEGIN IMMEDIATE, the read, the state's UPDATE, the log's INSERT, COMMIT: nothing else."""
    engine, _sessions, _lid = _with_states(db_path, tiny_decks)
    engine.dispose()
    ws = Workspace(db=str(db_path), decks=str(tiny_decks), today=TODAY, learner="ada")
    try:
        session = start_review(ws, ReviewOptions(exam="tiny", max_cards=2)).session
        assert session is not None
        statements: list[str] = []
        ws._sqlite_grading.connection.set_trace_callback(statements.append)  # a SQLite file: on sqlite3 alone
        card = session.pending[0]
        with ws.grade_transaction() as tx:
            assert statements == ["BEGIN IMMEDIATE"]
            statements.clear()
            result = grade_card(tx, session.learner_id, card, 4, NOW, TODAY)
        assert [s.split()[0] for s in statements] == ["SELECT", "UPDATE", "INSERT", "COMMIT"]
        assert result.log_id == 1 and result.state.due == TODAY + timedelta(days=6)
        statements.clear()
        with pytest.raises(RuntimeError), ws.grade_transaction() as tx:
            grade_card(tx, session.learner_id, session.pending[1], 5, NOW, TODAY)
            raise RuntimeError("the screen failed after the statements ran")
        assert statements[0] == "BEGIN IMMEDIATE" and statements[-1] == "ROLLBACK"
    finally:
        ws.close()
    engine, sessions = open_database(str(db_path))
    with sessions() as db:
        assert [(r.grade, r.card_key) for r in db.scalars(select(ReviewLog))] == [
            (4, db.scalar(select(CardRow.key).where(CardRow.id == card.card_id)))]
        assert db.scalar(select(CardState.due).join(CardRow, CardRow.key == CardState.card_key).where(
            CardRow.id == session.pending[1].card_id)) <= TODAY  # the rolled-back grade left it due
    engine.dispose()
