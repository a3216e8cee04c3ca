"""Storing and reading plans (one active plan per learner) and the course work checked off."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, insert, select, update
from sqlalchemy.orm import Session

from studyplan.db.models import CourseLog, PlanDay, PlanRow, PlanTask
from studyplan.plan import Plan

# course_log rows for practice exams use this course id (module = the exam's number).
PRACTICE_EXAM_ID = "@practice-exam"


def _join(values) -> str:
    return ",".join(str(v) for v in values)


def save_plan(session: Session, learner_id: int, plan: Plan, now: datetime) -> int:
    """Store *plan* as the learner's active plan; the previous one is kept inactive.

    Rows go in as three bulk inserts (plan, days, tasks), not ORM objects: a 26-week plan
    has thousands of tasks, and the flush of that many objects cost most of `plan create`."""
    session.execute(update(PlanRow).where(PlanRow.learner_id == learner_id, PlanRow.active.is_(True))
                    .values(active=False))
    stored = session.execute(insert(PlanRow).values(
        learner_id=learner_id, exam_id=plan.exam, background=plan.background, start=plan.start,
        exam_date=plan.exam_date, minutes_per_day=plan.minutes_per_day, study_days=_join(plan.study_weekdays),
        days_off=_join(d.isoformat() for d in plan.days_off), created_at=now, active=True,
        long_days=_join(plan.long_days), new_cards_limit=plan.new_cards_limit,
        skip_courses=_join(plan.skip_courses), notes="\n".join(plan.notes),
    ))
    key = cast("CursorResult[Any]", stored).inserted_primary_key
    assert key is not None
    plan_id: int = key[0]
    if not plan.days:
        return plan_id
    # Day ids read back by date (one row per day): no RETURNING, which SQLite has only since 3.35.
    session.execute(insert(PlanDay), [dict(plan_id=plan_id, day=day.date, phase=day.phase, minutes=day.minutes)
                                      for day in plan.days])
    day_ids = dict(session.execute(select(PlanDay.day, PlanDay.id).where(PlanDay.plan_id == plan_id)).all())
    tasks = [dict(plan_day_id=day_ids[day.date], position=i, kind=str(t.kind), title=t.label, domain=t.domain,
                  count=t.count, minutes=t.minutes, course_id=t.course_id, module=t.module, continued=t.continued)
             for day in plan.days for i, t in enumerate(day.tasks)]
    if tasks:
        session.execute(insert(PlanTask), tasks)
    return plan_id


def log_course(session: Session, learner_id: int, day: date, course_id: str, module: int, minutes: int) -> bool:
    """Record *minutes* of a module done on *day*; False when that day's entry exists already."""
    found = session.scalar(select(CourseLog.id).where(
        CourseLog.learner_id == learner_id, CourseLog.day == day, CourseLog.course_id == course_id,
        CourseLog.module == module))
    if found is not None:
        return False
    session.add(CourseLog(learner_id=learner_id, day=day, course_id=course_id, module=module, minutes=minutes))
    session.flush()
    return True


def course_minutes(session: Session, learner_id: int, until: date | None = None) -> dict[tuple[str, int], int]:
    """(course id, module) -> minutes checked off, on days up to *until* when given."""
    query = (select(CourseLog.course_id, CourseLog.module, func.sum(CourseLog.minutes))
             .where(CourseLog.learner_id == learner_id).group_by(CourseLog.course_id, CourseLog.module))
    if until is not None:
        query = query.where(CourseLog.day <= until)
    return {(c, m): int(n or 0) for c, m, n in session.execute(query)}


