"""The review session's store: grading, undo and suspension (today's queue is read in `db.queue_reads`).

Grading is one short transaction that reads the card's current state, applies SM-2 and
appends the log row, so two sessions on one database never lose or double a grade.
Three statements on the DBAPI cursor (not ORM objects) keep a grade near SQLite's own cost.
"""

from __future__ import annotations

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
from studyplan.db.grading import GradeResult, Transaction
from studyplan.db.grading import grade as grade_on
from studyplan.db.models import (
    CardRow,
    CardState,
    DomainRow,
    Learner,
    ReviewLog,
)
from studyplan.metrics import is_leech
from studyplan.queue import QueueCard, SuspendedCard


def grade_card(db: Session | Transaction, learner_id: int, card: QueueCard, grade: int, now: datetime,
               today: date, seconds: float = 0.0, practice: bool = False, drill: bool = False) -> GradeResult:
    """`db.grading.grade` in an ORM session's transaction or a grade transaction of its own
    (`Workspace.grade_transaction`)."""
    tx = _driver_of(db) if isinstance(db, Session) else db
    return grade_on(tx, learner_id, card, grade, now, today, seconds, practice, drill)


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
