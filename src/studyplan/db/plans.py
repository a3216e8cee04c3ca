"""Storing and reading plans (one active plan per learner) and the course work checked off."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, insert, select, update
from sqlalchemy.orm import Session

from studyplan.db.models import CourseLog, PlanDay, PlanRow, PlanTask
from studyplan.plan import Day, Plan, Task, TaskKind

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


def _active(learner_id: int, *columns):
    """*columns* of the learner's active plan (the newest, should a race leave two)."""
    return (select(*columns).where(PlanRow.learner_id == learner_id, PlanRow.active.is_(True))
            .order_by(PlanRow.id.desc()).limit(1))


def active_plan_exam(session: Session, learner_id: int) -> tuple[str, date] | None:
    """(exam, exam date) of the learner's active plan, or None, without reading its days."""
    row = session.execute(_active(learner_id, PlanRow.exam_id, PlanRow.exam_date)).first()
    return None if row is None else (row[0], row[1])


def task_kind(value: str) -> TaskKind:
    """A stored task kind; FREE for one this release does not know."""
    try:
        return TaskKind(value)
    except ValueError:
        return TaskKind.FREE


def active_plan(session: Session, learner_id: int) -> Plan | None:
    """The learner's active plan, or None (rows read as tuples: no ORM objects for the
    thousands of tasks of a long plan, which every `today` reads)."""
    row = session.execute(_active(
        learner_id, PlanRow.id, PlanRow.exam_id, PlanRow.background, PlanRow.start, PlanRow.exam_date,
        PlanRow.minutes_per_day, PlanRow.study_days, PlanRow.days_off, PlanRow.long_days, PlanRow.new_cards_limit,
        PlanRow.skip_courses, PlanRow.notes)).first()
    if row is None:
        return None
    tasks: dict[int, list[Task]] = {}
    for day_id, kind, minutes, count, domain, course_id, module, continued, title in session.execute(
            select(PlanTask.plan_day_id, PlanTask.kind, PlanTask.minutes, PlanTask.count, PlanTask.domain,
                   PlanTask.course_id, PlanTask.module, PlanTask.continued, PlanTask.title)
            .join(PlanDay, PlanDay.id == PlanTask.plan_day_id)
            .where(PlanDay.plan_id == row.id)
            .order_by(PlanTask.plan_day_id, PlanTask.position)):
        tasks.setdefault(day_id, []).append(Task(
            kind=task_kind(kind), minutes=minutes, count=count, domain=domain, course_id=course_id, module=module,
            continued=continued, label="" if course_id else title))
    days = tuple(Day(date=day, phase=phase, tasks=tuple(tasks.get(day_id, ())))
                 for day_id, day, phase in session.execute(
                     select(PlanDay.id, PlanDay.day, PlanDay.phase).where(PlanDay.plan_id == row.id)
                     .order_by(PlanDay.day)))
    return Plan(
        exam=row.exam_id, background=row.background, start=row.start, exam_date=row.exam_date,
        minutes_per_day=row.minutes_per_day,
        study_weekdays=tuple(int(x) for x in row.study_days.split(",") if x),
        days_off=tuple(date.fromisoformat(x) for x in row.days_off.split(",") if x),
        days=days, long_days=tuple(int(x) for x in row.long_days.split(",") if x),
        new_cards_limit=row.new_cards_limit, skip_courses=tuple(x for x in row.skip_courses.split(",") if x),
        notes=tuple(x for x in row.notes.split("\n") if x),
    )


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


def course_days(session: Session, learner_id: int, start: date, end: date) -> dict[date, int]:
    """Minutes of course work and practice exams checked off per day in [start, end]."""
    rows = session.execute(
        select(CourseLog.day, func.sum(CourseLog.minutes))
        .where(CourseLog.learner_id == learner_id, CourseLog.day >= start, CourseLog.day <= end)
        .group_by(CourseLog.day))
    return {day: int(n or 0) for day, n in rows}


def plan_made_on(session: Session, learner_id: int) -> date | None:
    """The day the learner's active plan was made (created or replanned)."""
    made = session.scalar(_active(learner_id, PlanRow.created_at))
    return made.date() if made is not None else None
