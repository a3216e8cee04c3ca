"""Grading one card: read its state, apply SM-2, write the state and the log row, in the
caller's short transaction on a database driver's cursor. No SQLAlchemy here: the review
screen grades a SQLite file on the driver alone (`db.fast`), any other database through
its pooled connection (`db.engine.driver_transaction`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from studyplan.db.sql import as_day, day_number, epoch_millis, from_per_mille, per_mille
from studyplan.metrics import is_leech
from studyplan.queue import QueueCard
from studyplan.sm2 import Sm2State, review


class Transaction(Protocol):
    """A transaction on a driver's cursor: statements in its own parameter style
    (sqlite3 ":name", psycopg "%(name)s"), its failures raised as the door's own."""

    sqlite: bool

    def execute(self, sql: str, params: dict | None = None) -> Any: ...


def _to_day(day: date | None) -> int | None:
    return None if day is None else day_number(day)


def _to_per_mille(value: float | None) -> int | None:
    return None if value is None else per_mille(value)


@dataclass(frozen=True, slots=True)
class GradeResult:
    log_id: int | None
    state: Sm2State
    leech: bool = False
    skipped: str = ""  # why nothing was written (another session got there first)


# Grading runs once per card shown, at the floor: three statements on the driver's cursor
# (no ORM unit of work, no statement compiled, no result objects: each costs microseconds,
# not tens of them), in a transaction of the review screen's own (on a SQLite file, on
# sqlite3 alone: `db.fast.SqliteGrading`). One indexed read finds the card's key and its
# state; then one UPDATE of the state (or the first INSERT of a new card's state) and one
# INSERT of the log row. The values are stored as the models' column types store them.
_LOG_FIELDS = ("learner_id", "card_key", "reviewed_at", "review_day", "grade", "practice", "easiness", "interval",
               "repetitions", "due", "prev_easiness", "prev_interval", "prev_repetitions", "prev_due", "prev_lapses",
               "prev_introduced_on", "seconds", "drill")
_STATE_FIELDS = ("easiness", "interval", "repetitions", "due", "lapses", "leech")


@dataclass(frozen=True, slots=True)
class _GradeSql:
    read: str
    insert_state: str
    update_state: str
    insert_log: str
    returning: bool  # the log id comes back with RETURNING (else the cursor's lastrowid)
    serialise: str   # a server database: lock the learner's row first (see _serialise_learner)


@functools.cache
def _grade_sql(sqlite: bool) -> _GradeSql:
    """The grade's statements in the driver's own named parameter style (sqlite3: ":name",
    psycopg: "%(name)s"); a server database returns the log id with RETURNING."""
    def p(name: str) -> str:
        return f":{name}" if sqlite else f"%({name})s"

    def assign(names) -> str:
        return ", ".join(f"{n} = {p(n)}" for n in names)

    state_columns = ("learner_id", "card_key", "suspended", "introduced_on", *_STATE_FIELDS)
    return _GradeSql(
        read=('SELECT c."key", s.learner_id, s.easiness, s.interval, s.repetitions, s.due, s.lapses, '
              "s.introduced_on, s.leech, s.suspended FROM card c LEFT JOIN card_state s "
              f'ON s.card_key = c."key" AND s.learner_id = {p("learner_id")} WHERE c.id = {p("card_id")}'),
        insert_state=(f"INSERT INTO card_state ({', '.join(state_columns)}) "
                      f"VALUES ({', '.join(p(n) for n in state_columns)})"),
        update_state=(f"UPDATE card_state SET {assign(_STATE_FIELDS)} "
                      f"WHERE learner_id = {p('learner_id')} AND card_key = {p('card_key')}"),
        insert_log=(f"INSERT INTO review_log ({', '.join(_LOG_FIELDS)}) VALUES ({', '.join(p(n) for n in _LOG_FIELDS)})"
                    + ("" if sqlite else " RETURNING id")),
        returning=not sqlite,
        serialise="" if sqlite else f"SELECT id FROM learner WHERE id = {p('learner_id')} FOR UPDATE",
    )


@dataclass(frozen=True, slots=True)
class _Found:
    """A learner's state of a card, as the grade read it."""
    easiness: float
    interval: int
    repetitions: int
    due: date | None
    lapses: int
    introduced_on: date | None
    leech: bool
    suspended: bool


def grade(tx: Transaction, learner_id: int, card: QueueCard, grade: int, now: datetime, today: date,
          seconds: float = 0.0, practice: bool = False, drill: bool = False) -> GradeResult:
    """Record one grade: the new SM-2 state and its log row, in the caller's transaction
    *tx* (the review screen's, or an ORM session's driver cursor: `db.reviews.grade_card`).

    A practice grade (a same-day re-ask, or a *drill* of a card that is not due) is logged
    with the state unchanged. A card that another session already graded today (its due
    moved past today, or a new card that now has a state) is skipped, so nothing is graded
    twice.
    """
    practice = practice or drill
    sql = _grade_sql(tx.sqlite)
    if sql.serialise:
        tx.execute(sql.serialise, {"learner_id": learner_id})
    found = tx.execute(sql.read, {"learner_id": learner_id, "card_id": card.card_id}).fetchone()
    if found is None:
        return GradeResult(None, Sm2State(), skipped="no longer in the decks")
    key = found[0]
    row = None if found[1] is None else _Found(
        from_per_mille(found[2]), found[3], found[4], as_day(found[5]), found[6],
        as_day(found[7]), bool(found[8]), bool(found[9]))
    if not practice:
        if row is not None and row.suspended:
            return GradeResult(None, _state(row), skipped="suspended in another session")
        if card.is_new and row is not None:
            return GradeResult(None, _state(row), skipped="already introduced in another session")
        if not card.is_new and (row is None or row.due is None or row.due > today):
            return GradeResult(None, _state(row) if row else Sm2State(), skipped="already reviewed in another session")
    before = _state(row) if row is not None else Sm2State()
    after = before if practice else review(before, grade, today)
    lapses = row.lapses if row is not None else 0
    new_lapses = lapses + (1 if grade < 3 and not practice else 0)
    leech = row.leech if row is not None else False
    became_leech = not leech and is_leech(new_lapses)
    easiness, due = _to_per_mille(after.easiness), _to_day(after.due)
    values = dict(learner_id=learner_id, card_key=key, easiness=easiness, interval=after.interval,
                  repetitions=after.repetitions, due=due, lapses=new_lapses, leech=leech or became_leech)
    if row is None:
        tx.execute(sql.insert_state, dict(values, suspended=False, introduced_on=_to_day(today)))
    elif not practice:
        tx.execute(sql.update_state, values)
    logged = tx.execute(sql.insert_log, dict(
        learner_id=learner_id, card_key=key, reviewed_at=epoch_millis(now), review_day=_to_day(today),
        grade=grade, practice=practice, easiness=easiness, interval=after.interval, repetitions=after.repetitions,
        due=due, prev_easiness=_to_per_mille(row.easiness) if row else None,
        prev_interval=row.interval if row else None, prev_repetitions=row.repetitions if row else None,
        prev_due=_to_day(row.due) if row else None, prev_lapses=lapses if row else None,
        prev_introduced_on=_to_day(row.introduced_on) if row else None, seconds=seconds, drill=drill))
    log_id = logged.fetchone()[0] if sql.returning else logged.lastrowid
    return GradeResult(log_id, after, leech=became_leech)


def _state(row) -> Sm2State:
    return Sm2State(easiness=row.easiness, interval=row.interval, repetitions=row.repetitions, due=row.due)
