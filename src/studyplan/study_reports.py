"""Use cases that report: stats, the calendar, the cohort view and the review export.

Each is one unit of work returning a typed report (or a document) that a view renders.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from studyplan.errors import StudyplanError
from studyplan.stats import DomainStats
from studyplan.study import plan_labels, readiness_of, required_plan

if TYPE_CHECKING:
    from studyplan.cohort import LearnerProgress
    from studyplan.plan import Plan
    from studyplan.workspace import Workspace


@dataclass(frozen=True)
class StatsReport:
    exam: str
    date: dt.date
    exam_date: dt.date | None
    readiness_on: dt.date
    readiness: float
    retention_30d: float | None
    domains: list[DomainStats] = field(default_factory=list)
    forecast: dict[dt.date, int] = field(default_factory=dict)
    history: dict[dt.date, int] = field(default_factory=dict)
    leeches: list[tuple[str, str]] = field(default_factory=list)


def stats_report(ws: Workspace, exam_id: str | None = None) -> StatsReport:
    """Per-domain counts, retention, readiness (predicted recall on the exam day), the
    14-day forecast and the 12-week history."""
    from studyplan.db.reads import (
        active_plan_exam,
        domain_card_stats,
        due_forecast,
        leech_cards,
        retention_by_domain,
        reviews_per_day,
    )

    with ws.reading() as u:
        lid, db = u.learner_id, u.rows  # lid None: a learner not on the database, who has done nothing
        plan = None if lid is None else active_plan_exam(db, lid)  # (exam, exam date): not the plan's days
        if exam_id is None:
            if plan is None:
                raise StudyplanError("no plan yet: pass --exam, or run 'studyplan plan create' first")
            exam_id = plan[0]
        exam = ws.exam(exam_id)
        exam_date = plan[1] if plan is not None and plan[0] == exam.id else None
        on = exam_date if exam_date is not None and exam_date >= ws.today else ws.today
        overall, per_domain = readiness_of(ws, u, exam.id, on)
        counts = domain_card_stats(db, lid, exam.id)
        retention = {} if lid is None else retention_by_domain(db, lid, exam.id, ws.today - timedelta(days=29))
        forecast = {} if lid is None else due_forecast(db, lid, ws.today, ws.today + timedelta(days=13))
        history = {} if lid is None else reviews_per_day(db, lid, ws.today - timedelta(weeks=12), ws.today)
        leeches = [] if lid is None else leech_cards(db, lid, exam.id)
    domains = []
    for d in exam.domains:
        c = counts.get(d.id, {"total": 0, "new": 0, "learning": 0, "mature": 0, "suspended": 0, "leeches": 0})
        n, ok = retention.get(d.id, (0, 0))
        domains.append(DomainStats(d.id, d.weight, c["total"], c["new"], c["learning"], c["mature"], c["suspended"],
                                   c["leeches"], n, ok, per_domain.get(d.id, 0.0)))
    reviewed = sum(d.reviewed_30d for d in domains)
    return StatsReport(exam.id, ws.today, exam_date, on, overall,
                       (sum(d.passed_30d for d in domains) / reviewed) if reviewed else None,
                       domains, forecast, history, leeches)




def calendar_document(ws: Workspace, fmt: str, start: date | None, end: date | None, paper: str,
                      at: time | None = None, width: int = 80) -> str | bytes:
    """The active plan rendered as a calendar (str for text formats, bytes for ics; plain
    text fitted to *width* columns)."""
    from studyplan.calendar import CalendarContext, DayActual, render
    from studyplan.db.history import introduced_per_day, minutes_per_day
    from studyplan.db.reads import course_days, reviews_per_day
    from studyplan.plan_views import task_title

    with ws.unit(sync=False, create_learner=False) as u:
        plan = required_plan(u)
        lid = u.learner_id
        assert lid is not None
        reviewed = reviews_per_day(u.rows, lid, plan.start, ws.today)
        introduced = introduced_per_day(u.db, lid, plan.start, ws.today)
        minutes = minutes_per_day(u.db, lid, plan.start, ws.today)
        courses = course_days(u.rows, lid, plan.start, ws.today)
    exam = ws.exam(plan.exam)
    actuals = {
        day: DayActual(reviewed=reviewed.get(day, 0) - introduced.get(day, 0), new=introduced.get(day, 0),
                       minutes=math.ceil(minutes.get(day, 0)) + courses.get(day, 0),
                       course_minutes=courses.get(day, 0))
        for day in set(reviewed) | set(introduced) | set(courses)
    }
    labels = plan_labels(ws, plan.exam)
    ctx = CalendarContext(exam_name=exam.name, exam_id=exam.id, learner=ws.learner,
                          domains=tuple((d.id, d.name, d.weight) for d in exam.domains),
                          exam_duration_minutes=exam.duration_minutes, today=ws.today, actuals=actuals,
                          title=lambda task: task_title(task, labels), domain_names=dict(labels.domains),
                          courses=_plan_courses(ws, plan))
    try:
        return render(plan, ctx, fmt, start=start, end=end, paper=paper, at=at, width=width)
    except ValueError as exc:  # e.g. --from after --to
        raise StudyplanError(str(exc)) from None


def _plan_courses(ws: Workspace, plan: Plan) -> tuple[tuple[str, str, str], ...]:
    """The plan's courses as (title, provider, url), in the order the plan starts them."""
    first: dict[str, int] = {}
    for day in plan.days:
        for task in day.tasks:
            if task.course_id:
                first.setdefault(task.course_id, len(first))
    chosen = sorted((c for c in ws.catalog.courses if c.id in first), key=lambda c: first[c.id])
    return tuple((c.title, c.provider, c.url) for c in chosen)


def save_calendar(ws: Workspace, path: Path, fmt: str, start: date | None = None, end: date | None = None,
                  paper: str = "a4", at: time | None = None) -> Path:
    """Render the calendar and write it to *path* atomically; returns the path."""
    from studyplan.files import write_atomically

    write_atomically(path, calendar_document(ws, fmt, start, end, paper, at))
    return path


def cohort_report(ws: Workspace, exam: str | None = None) -> list[LearnerProgress]:
    """Every learner on the database (or those whose plan is for *exam*), by name."""
    from studyplan.db.cohort import cohort_progress

    with ws.unit(sync=False, create_learner=False) as u:
        rows = cohort_progress(u.db, ws.today, exam)
    if exam is not None and not rows:
        raise StudyplanError(f"no learner has a plan for '{exam}'")
    return rows


def export_reviews(ws: Workspace, fmt: str, out: TextIO) -> int:
    """Write the learner's whole review history to *out* as CSV or JSON; returns the count."""
    from studyplan.db.history import review_history
    from studyplan.exporting import write_reviews

    with ws.unit(sync=False) as u:
        assert u.learner_id is not None
        return write_reviews(review_history(u.db, u.learner_id), fmt, out)


def export_reviews_to(ws: Workspace, fmt: str, path: Path) -> int:
    """`export_reviews` into the file *path*, whole or not at all (a full disk leaves no
    truncated or hidden file, and an earlier file there unchanged); returns the count."""
    from studyplan.files import atomic_output

    with atomic_output(path) as out:
        return export_reviews(ws, fmt, out)
