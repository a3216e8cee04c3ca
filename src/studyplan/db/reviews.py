"""The review session's store: grading, undo and suspension (today's queue is read in `db.queue_reads`).

Grading is one short transaction that reads the card's current state, applies SM-2 and
appends the log row, so two sessions on one database never lose or double a grade.
Three statements on the DBAPI cursor (not ORM objects) keep a grade near SQLite's own cost.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import (
    CursorResult,
    and_,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from studyplan.db.engine import DriverTransaction
from studyplan.db.models import (
    CardRow,
    CardState,
    DayNumber,
    DomainRow,
    EpochMillis,
    Learner,
    PerMille,
    ReviewLog,
)
from studyplan.metrics import is_leech
from studyplan.queue import QueueCard, SuspendedCard
from studyplan.sm2 import Sm2State, review


@dataclass(frozen=True, slots=True)
class GradeResult:
    log_id: int | None
    state: Sm2State
    leech: bool = False
    skipped: str = ""  # why nothing was written (another session got there first)


# Grading runs once per card shown, at the floor: three statements on the driver's cursor
# (no ORM unit of work, no statement compiled, no result objects: each costs microseconds,
# not tens of them); the review screen runs them in a `driver_transaction`, without an ORM
# session at all. A driver error is raised as SQLAlchemy's, so `translate_errors` still
# turns it into one line. One indexed read finds the card's key and its state; then one
# UPDATE of the state (or the first INSERT of a new card's state) and one INSERT of the
# log row. The values are converted with the models' own column types.
_to_day, _from_day = DayNumber().process_bind_param, DayNumber().process_result_value
_to_millis = EpochMillis().process_bind_param
_to_per_mille, _from_per_mille = PerMille().process_bind_param, PerMille().process_result_value
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


def grade_card(db: Session | DriverTransaction, learner_id: int, card: QueueCard, grade: int, now: datetime,
               today: date, seconds: float = 0.0, practice: bool = False, drill: bool = False) -> GradeResult:
    """Record one grade: the new SM-2 state and its log row, in the caller's transaction
    (an ORM session, or the review screen's `driver_transaction`).

    A practice grade (a same-day re-ask, or a *drill* of a card that is not due) is logged
    with the state unchanged. A card that another session already graded today (its due
    moved past today, or a new card that now has a state) is skipped, so nothing is graded
    twice.
    """
    practice = practice or drill
    tx = db if isinstance(db, DriverTransaction) else _driver_of(db)
    sql = _grade_sql(tx.sqlite)
    if sql.serialise:
        tx.execute(sql.serialise, {"learner_id": learner_id})
    found = tx.execute(sql.read, {"learner_id": learner_id, "card_id": card.card_id}).fetchone()
    if found is None:
        return GradeResult(None, Sm2State(), skipped="no longer in the decks")
    key = found[0]
    row = None if found[1] is None else _Found(
        _from_per_mille(found[2], None), found[3], found[4], _from_day(found[5], None), found[6],
        _from_day(found[7], None), bool(found[8]), bool(found[9]))
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
    easiness, due = _to_per_mille(after.easiness, None), _to_day(after.due, None)
    values = dict(learner_id=learner_id, card_key=key, easiness=easiness, interval=after.interval,
                  repetitions=after.repetitions, due=due, lapses=new_lapses, leech=leech or became_leech)
    if row is None:
        tx.execute(sql.insert_state, dict(values, suspended=False, introduced_on=_to_day(today, None)))
    elif not practice:
        tx.execute(sql.update_state, values)
    logged = tx.execute(sql.insert_log, dict(
        learner_id=learner_id, card_key=key, reviewed_at=_to_millis(now, None), review_day=_to_day(today, None),
        grade=grade, practice=practice, easiness=easiness, interval=after.interval, repetitions=after.repetitions,
        due=due, prev_easiness=_to_per_mille(row.easiness, None) if row else None,
        prev_interval=row.interval if row else None, prev_repetitions=row.repetitions if row else None,
        prev_due=_to_day(row.due, None) if row else None, prev_lapses=lapses if row else None,
        prev_introduced_on=_to_day(row.introduced_on, None) if row else None, seconds=seconds, drill=drill))
    log_id = logged.fetchone()[0] if sql.returning else logged.lastrowid
    return GradeResult(log_id, after, leech=became_leech)


def _driver_of(session: Session) -> DriverTransaction:
    """The driver cursor of the session's connection, inside the session's transaction."""
    connection = session.connection()
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None
    return DriverTransaction(dbapi_connection, connection.dialect)


def _card_key(session: Session, card_id: str) -> int | None:
    return session.scalar(select(CardRow.key).where(CardRow.id == card_id))


def _serialise_learner(session: Session, learner_id: int) -> None:
    """One learner's grades one at a time; other learners' never wait on them.

    SQLite's BEGIN IMMEDIATE already serialises every write. On a server database (READ
    COMMITTED), two sessions of one learner would otherwise both read a card as due and
    grade it twice, or both insert a new card's state and one would fail: locking the
    learner's row first makes the second read see the first grade.
    """
    if session.get_bind().dialect.name != "sqlite":
        session.execute(select(Learner.id).where(Learner.id == learner_id).with_for_update())


def _state(row) -> Sm2State:
    return Sm2State(easiness=row.easiness, interval=row.interval, repetitions=row.repetitions, due=row.due)


def undo_grade(session: Session, learner_id: int, log_id: int) -> str | None:
    """Remove log row *log_id* and restore the card's state to what it was before it.

    Returns the card id, or None if the row is gone. A practice row only disappears.
    """
    _serialise_learner(session, learner_id)
    log = session.get(ReviewLog, log_id)
    if log is None or log.learner_id != learner_id:
        return None
    card_id = session.scalar(select(CardRow.id).where(CardRow.key == log.card_key))
    if not log.practice:
        where = (CardState.learner_id == learner_id, CardState.card_key == log.card_key)
        if log.prev_easiness is None:
            session.execute(delete(CardState).where(*where))
        else:
            session.execute(update(CardState).where(*where).values(
                easiness=log.prev_easiness, interval=log.prev_interval, repetitions=log.prev_repetitions,
                due=log.prev_due, lapses=log.prev_lapses, introduced_on=log.prev_introduced_on,
                leech=is_leech(log.prev_lapses or 0),
            ))
    session.delete(log)
    return card_id


@dataclass(frozen=True, slots=True)
class Suspension:
    """What `suspend_card` did, so an undo can put back exactly the state before it."""
    card_id: str
    created: bool         # the card was new: a state row was inserted only to hold the flag
    was_suspended: bool   # already suspended (by another session): nothing changed


def suspend_card(session: Session, learner_id: int, card_id: str, today: date) -> Suspension:
    """Take a card out of every queue for this learner (a new card gets a state to hold the flag).

    Returns what changed, for `undo_suspend`.
    """
    _serialise_learner(session, learner_id)  # against a grade of the same new card inserting its state
    key = _card_key(session, card_id)
    where = (CardState.learner_id == learner_id, CardState.card_key == key)
    was = session.scalar(select(CardState.suspended).where(*where))
    if was is not None:
        session.execute(update(CardState).where(*where).values(suspended=True))
        return Suspension(card_id, created=False, was_suspended=bool(was))
    session.execute(insert(CardState).values(
        learner_id=learner_id, card_key=key, easiness=2.5, interval=0, repetitions=0, due=None,
        lapses=0, suspended=True, leech=False, introduced_on=None))
    return Suspension(card_id, created=True, was_suspended=False)


def unsuspend_card(session: Session, learner_id: int, card_id: str) -> bool:
    """Put a suspended card back in the queues; False if it was not suspended.

    A state row that was never introduced (introduced_on is NULL: only `suspend_card`
    writes such rows) existed just to hold the flag, so it is deleted and the card is new
    again; left in place it would be neither new nor ever due.
    """
    _serialise_learner(session, learner_id)
    where = (CardState.learner_id == learner_id, CardState.card_key == _card_key(session, card_id),
             CardState.suspended.is_(True))
    removed = cast(CursorResult, session.execute(delete(CardState).where(*where, CardState.introduced_on.is_(None)))).rowcount
    if removed:
        return True
    return bool(cast(CursorResult, session.execute(update(CardState).where(*where).values(suspended=False))).rowcount)


def undo_suspend(session: Session, learner_id: int, suspension: Suspension) -> None:
    """Restore the state a `suspend_card` found: no row for a new card, the flag cleared otherwise."""
    if not suspension.was_suspended:
        unsuspend_card(session, learner_id, suspension.card_id)


def suspended_cards(session: Session, learner_id: int) -> list[SuspendedCard]:
    """The learner's suspended cards still in the decks, by exam then deck order."""
    rows = session.execute(
        select(CardRow.id, CardRow.exam_id, DomainRow.slug, CardRow.front)
        .join(CardState, and_(CardState.card_key == CardRow.key, CardState.learner_id == learner_id))
        .join(DomainRow, CardRow.domain_id == DomainRow.id)
        .where(CardState.suspended.is_(True), CardRow.retired_at.is_(None))
        .order_by(CardRow.exam_id, DomainRow.position, CardRow.position, CardRow.id)
    )
    return [SuspendedCard(*row) for row in rows]


def suspension_status(session: Session, learner_id: int | None, card_ids: list[str]) -> dict[str, bool | None]:
    """For each id: True if suspended for the learner, False if not, None if no such card.

    A learner not on the database yet (None) has nothing suspended.
    """
    known = set(session.scalars(select(CardRow.id).where(CardRow.id.in_(card_ids))))
    suspended = set(session.scalars(
        select(CardRow.id)
        .join(CardState, CardState.card_key == CardRow.key)
        .where(CardState.learner_id == learner_id, CardRow.id.in_(card_ids), CardState.suspended.is_(True))
    ))
    return {cid: (cid in suspended) if cid in known else None for cid in card_ids}
