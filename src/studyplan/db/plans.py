"""Storing and reading plans: one active plan per learner, kept with its days and tasks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from studyplan.db.models import PlanDay, PlanRow, PlanTask


def save_plan(session: Session, learner_id: int, plan, now: datetime) -> int:
    """Store *plan* (a planner.Plan) as the learner's active plan; the previous one is kept inactive."""
    session.execute(update(PlanRow).where(PlanRow.learner_id == learner_id, PlanRow.active.is_(True)).values(active=False))
    row = PlanRow(
        learner_id=learner_id, exam_id=plan.exam, background=plan.background, start=plan.start,
        exam_date=plan.exam_date, minutes_per_day=plan.minutes_per_day,
        study_days=",".join(str(d) for d in plan.study_weekdays),
        days_off=",".join(d.isoformat() for d in plan.days_off), created_at=now, active=True,
    )
    for day in plan.days:
        drow = PlanDay(day=day.date, phase=day.phase, minutes=day.minutes)
        drow.tasks = [
            PlanTask(position=i, kind=t.kind, title=t.title, domain=t.domain, count=t.count, minutes=t.minutes)
            for i, t in enumerate(day.tasks)
        ]
        row.days.append(drow)
    session.add(row)
    session.flush()
    return row.id


def active_plan(session: Session, learner_id: int):
    """The learner's active plan as a planner.Plan, or None."""
    from studyplan.planner import Day, Plan, Task

    row = session.scalar(
        select(PlanRow)
        .where(PlanRow.learner_id == learner_id, PlanRow.active.is_(True))
        .options(selectinload(PlanRow.days).selectinload(PlanDay.tasks))
        .order_by(PlanRow.id.desc())
    )
    if row is None:
        return None
    days = tuple(
        Day(date=d.day, phase=d.phase,
            tasks=tuple(Task(kind=t.kind, title=t.title, domain=t.domain, count=t.count, minutes=t.minutes) for t in d.tasks))
        for d in row.days
    )
    return Plan(
        exam=row.exam_id, background=row.background, start=row.start, exam_date=row.exam_date,
        minutes_per_day=row.minutes_per_day,
        study_weekdays=tuple(int(x) for x in row.study_days.split(",") if x),
        days_off=tuple(date.fromisoformat(x) for x in row.days_off.split(",") if x),
        days=days,
    )


def has_active_plan(session: Session, learner_id: int) -> bool:
    return session.scalar(
        select(PlanRow.id).where(PlanRow.learner_id == learner_id, PlanRow.active.is_(True)).limit(1)
    ) is not None
