"""Queries over a learner's history: reviews per day, forecasts, states, retention, readiness inputs.

Read-only aggregates for `today`, `stats`, the calendar, the planner's progress and the export.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from studyplan.db.models import CardRow, CardState, DomainRow, ReviewLog
from studyplan.forecast import CALIBRATION_DAYS, GRADE_WINDOW, GradeCounts, grade_class
from studyplan.metrics import REASK_BELOW
from studyplan.sm2 import Sm2State


def review_history(session: Session, learner_id: int):
    """Every logged grade of the learner, oldest first (a generator of rows)."""
    query = (
        select(CardRow.id.label("card_id"), ReviewLog.reviewed_at, ReviewLog.review_day, ReviewLog.grade, ReviewLog.practice,
               ReviewLog.easiness, ReviewLog.interval, ReviewLog.repetitions, ReviewLog.due)
        .join(CardRow, CardRow.key == ReviewLog.card_key)
        .where(ReviewLog.learner_id == learner_id)
        .order_by(ReviewLog.id)
    )
    yield from session.execute(query.execution_options(yield_per=5000))


def minutes_per_day(session: Session, learner_id: int, start: date, end: date) -> dict[date, float]:
    """Minutes spent grading per day in [start, end], practice included."""
    rows = session.execute(
        select(ReviewLog.review_day, func.sum(ReviewLog.seconds))
        # practice IN (both): the (learner, practice, day) index's two day ranges
        .where(ReviewLog.learner_id == learner_id, ReviewLog.practice.in_([False, True]),
               ReviewLog.review_day >= start, ReviewLog.review_day <= end)
        .group_by(ReviewLog.review_day)
    )
    return {day: (s or 0) / 60 for day, s in rows}


def introduced_counts(session: Session, learner_id: int, exams: list[str]) -> dict[str, int]:
    """Introduced, unsuspended, live cards of *exams* per domain slug (one grouped query)."""
    rows = session.execute(
        select(DomainRow.slug, func.count())
        .select_from(CardState)
        .join(CardRow, CardRow.key == CardState.card_key)
        .join(DomainRow, CardRow.domain_id == DomainRow.id)
        .where(CardState.learner_id == learner_id, CardRow.exam_id.in_(exams), CardState.introduced_on.is_not(None),
               CardState.suspended.is_(False), CardRow.retired_at.is_(None))
        .group_by(DomainRow.slug))
    return {slug: n for slug, n in rows}


def learner_states(session: Session, learner_id: int, exams: list[str]) -> list[tuple[str, Sm2State]]:
    """(domain slug, SM-2 state) of every introduced, unsuspended card of *exams*.

    Grouped in the database: cards in the same state share one `Sm2State` object (tens
    of thousands of cards fall into far fewer distinct states).
    """
    rows = session.execute(
        select(DomainRow.slug, CardState.easiness, CardState.interval, CardState.repetitions, CardState.due,
               func.count())
        .join(CardRow, CardRow.key == CardState.card_key)
        .join(DomainRow, CardRow.domain_id == DomainRow.id)
        .where(CardState.learner_id == learner_id, CardRow.exam_id.in_(exams), CardState.introduced_on.is_not(None),
               CardState.suspended.is_(False), CardRow.retired_at.is_(None))
        .group_by(DomainRow.slug, CardState.easiness, CardState.interval, CardState.repetitions, CardState.due)
    )
    out: list[tuple[str, Sm2State]] = []
    for d, ef, i, r, due, n in rows:
        pair = (d, Sm2State(easiness=ef, interval=i, repetitions=r, due=due))
        out.extend([pair] * n)
    return out



def introduced_per_day(session: Session, learner_id: int, start: date, end: date) -> dict[date, int]:
    """New cards introduced per day in [start, end]."""
    rows = session.execute(
        select(CardState.introduced_on, func.count())
        .where(CardState.learner_id == learner_id, CardState.introduced_on >= start, CardState.introduced_on <= end)
        .group_by(CardState.introduced_on)
    )
    return {day: n for day, n in rows if day is not None}


def grade_counts(session: Session, learner_id: int, exams: list[str]) -> GradeCounts:
    """The learner's grades by class: first exposures and reviews among their last
    forecast.GRADE_WINDOW grades, re-asks among as many re-asks, and their days of history
    (counted up to forecast.CALIBRATION_DAYS, all calibration asks)."""

    def recent(practice: bool, *columns):
        return (select(*columns)
                .join(CardRow, CardRow.key == ReviewLog.card_key)
                .where(ReviewLog.learner_id == learner_id, ReviewLog.practice.is_(practice),
                       ReviewLog.drill.is_(False), CardRow.exam_id.in_(exams))
                .order_by(ReviewLog.review_day.desc())  # the history index, read backwards
                .limit(GRADE_WINDOW)
                .subquery())

    graded = recent(False, case((ReviewLog.prev_easiness.is_(None), 1), else_=0).label("first"), ReviewLog.grade)
    intro, reviews = [0, 0, 0, 0], [0, 0, 0, 0]
    for is_first, grade, n in session.execute(select(graded.c.first, graded.c.grade, func.count())
                                              .group_by(graded.c.first, graded.c.grade)):
        (intro if is_first else reviews)[grade_class(grade)] += n
    reasked = recent(True, ReviewLog.grade)
    reasks, passed = session.execute(
        select(func.count(), func.sum(case((reasked.c.grade >= REASK_BELOW, 1), else_=0)))).one()
    days = session.scalar(select(func.count()).select_from(
        select(ReviewLog.review_day).where(ReviewLog.learner_id == learner_id).distinct()
        .limit(CALIBRATION_DAYS).subquery())) or 0
    return GradeCounts(tuple(intro), tuple(reviews), int(reasks or 0), int(passed or 0),  # type: ignore[arg-type]
                       int(days))


