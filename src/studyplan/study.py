"""Use cases of the plan: the only door from the command line to plans, today and done.

One function per command, each one unit of work (`Workspace.unit`: one transaction, the
decks synced first) returning a typed report that a view renders. Each joins the
workspace (which database, decks, day and learner), the store's named queries and the
pure core (planner, forecast, metrics). Reviews live in `study_review`, reports
(stats, calendar, cohort, export) in `study_reports`, cards and decks in `study_cards`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from studyplan import metrics
from studyplan.errors import StudyplanError, did_you_mean
from studyplan.plan import Plan, Progress, Request, Task, TaskKind
from studyplan.plan_views import PlanLabels
from studyplan.workspace import display_location

if TYPE_CHECKING:
    from studyplan.advice import Advice, Answers
    from studyplan.catalog import Exam
    from studyplan.db.cards import SyncResult
    from studyplan.forecast import GradeMix
    from studyplan.workspace import Reading, Unit, Workspace

FOUNDATIONS = "foundations"
# The first plan `daily` makes: the exams' courses, cards and realistic reviews need about
# an hour and a quarter a day over eight weeks (a 60-minute plan of Google PMLE does not fit).
DAILY_MINUTES = 75
NO_PLAN = "no plan yet: run 'studyplan plan create --exam ... --background ...' first"


def active_plan(ws: Workspace) -> Plan | None:
    """The learner's active plan, or None (a learner not on the database yet has none)."""
    with ws.unit(sync=False, create_learner=False) as u:
        return stored_plan(u)


def active_plan_exam(ws: Workspace) -> tuple[str, date] | None:
    """(exam, exam date) of the learner's active plan, or None: what a question before
    replacing the plan names, without reading the plan's days."""
    from studyplan.db.reads import active_plan_exam as load

    with ws.unit(sync=False, create_learner=False) as u:
        return None if u.learner_id is None else load(u.rows, u.learner_id)


def stored_plan(u: Unit | Reading) -> Plan | None:
    """The active plan within a unit of work (None without a learner or a plan)."""
    from studyplan.db.reads import active_plan as load

    return None if u.learner_id is None else load(u.rows, u.learner_id)


def required_plan(u: Unit | Reading) -> Plan:
    """The active plan, or the error that says how to make one."""
    plan = stored_plan(u)
    if plan is None:
        raise StudyplanError(NO_PLAN)
    return plan


def plan_labels(ws: Workspace, exam_id: str) -> PlanLabels:
    """The names the plan's tasks are shown with, from the catalog."""
    catalog = ws.catalog
    domains: dict[str, str] = {}
    for eid in (exam_id, FOUNDATIONS):
        if eid in catalog.exams:
            domains.update({d.id: d.name for d in catalog.exams[eid].domains})
    exam = catalog.exams.get(exam_id)
    return PlanLabels(
        exam_name=exam.name if exam else exam_id, domains=domains,
        courses={c.id: c.title for c in catalog.courses},
        providers={c.id: c.provider for c in catalog.courses if c.provider},
        urls={c.id: c.url for c in catalog.courses if c.url},
        modules={(c.id, n): m.title for c in catalog.courses for n, m in enumerate(c.modules, 1)})


def plan_exams(plan_exam: str, background: str) -> list[str]:
    """The exams whose cards a plan schedules: a pivoting learner's foundations too."""
    return [plan_exam, FOUNDATIONS] if background == "pivoting" else [plan_exam]


def _foundations_for(ws: Workspace, background: str) -> Exam | None:
    return ws.catalog.exams.get(FOUNDATIONS) if background == "pivoting" else None


def _progress(ws: Workspace, u: Unit, exam_id: str, background: str) -> Progress:
    """What the learner has done so far: cards, their states, course minutes, practice exams."""
    from studyplan.db.history import introduced_counts, learner_states
    from studyplan.db.plans import PRACTICE_EXAM_ID, course_minutes

    assert u.learner_id is not None
    exams = plan_exams(exam_id, background)
    states = learner_states(u.db, u.learner_id, exams)
    minutes = course_minutes(u.db, u.learner_id, ws.today)
    practice = sum(1 for (course, _m) in minutes if course == PRACTICE_EXAM_ID)
    return Progress(introduced=introduced_counts(u.db, u.learner_id, exams), states=tuple(s for _d, s in states),
                    course_minutes={k: v for k, v in minutes.items() if k[0] != PRACTICE_EXAM_ID},
                    practice_exams=practice, state_domains=tuple(d for d, _s in states))


def _grade_mix(u: Unit, exams: list[str]) -> GradeMix:
    from studyplan.db.history import grade_counts
    from studyplan.forecast import calibrate

    assert u.learner_id is not None
    return calibrate(grade_counts(u.db, u.learner_id, exams))


@dataclass(frozen=True)
class PlanReport:
    plan: Plan
    labels: PlanLabels
    headline: str
    since: date | None
    study_days: int
    new_cards: int
    last_new_card: date | None
    warning: str = ""


def _report(plan: Plan, labels: PlanLabels, headline: str, since: date | None = None, warning: str = "") -> PlanReport:
    days = [d for d in plan.days if since is None or d.date >= since]
    study = sum(1 for d in days if d.is_study_day and d.date < plan.exam_date)
    intro_days = [d.date for d in days if d.count(TaskKind.NEW_CARDS)]
    return PlanReport(plan, labels, headline, since, study, sum(d.count(TaskKind.NEW_CARDS) for d in days),
                      intro_days[-1] if intro_days else None, warning)


def _check_courses(ws: Workspace, skip: tuple[str, ...]) -> None:
    known = {c.id for c in ws.catalog.courses}
    for course in skip:
        if course not in known:
            raise StudyplanError(f"--skip-course: unknown course '{course}'{did_you_mean(course, known)} "
                                 f"(courses: {', '.join(sorted(known))})")


def create_plan(ws: Workspace, exam_id: str, request: Request) -> PlanReport:
    """Build and store a new plan for *exam_id* as *request* asks (defaults and range
    checks live in the planner). Cards already studied count as introduced."""
    from studyplan.db.plans import save_plan
    from studyplan.planner import build_plan, length_range

    exam = ws.exam(exam_id)
    if exam.kind != "exam":
        raise StudyplanError(f"'{exam_id}' is not an exam; pick one of: " +
                             ", ".join(e for e, x in sorted(ws.catalog.exams.items()) if x.kind == "exam"))
    _check_courses(ws, request.skip_courses)
    with ws.unit() as u:
        assert u.learner_id is not None
        exams = plan_exams(exam.id, request.background)
        plan = build_plan(exam, ws.catalog.courses, request, _foundations_for(ws, request.background),
                          _progress(ws, u, exam.id, request.background), _grade_mix(u, exams))
        save_plan(u.db, u.learner_id, plan, ws.now())
    lo, hi = length_range(request.background, plan.start)
    length = (plan.exam_date - plan.start).days
    warning = "" if lo <= length <= hi else (
        f"{length} days is outside the {lo}-{hi} day range for a {request.background} learner")
    return _report(plan, plan_labels(ws, exam.id), f"Plan for {plan.exam} ({plan.background})", warning=warning)


def replan(ws: Workspace, minutes_per_day: int | None = None, exam_date: date | None = None,
           skip_courses: tuple[str, ...] = (), new_cards_limit: int | None = None,
           long_days: tuple[int, ...] | None = None, force: bool = False) -> PlanReport:
    """Spread what is left of the active plan over the days left, with any changed options;
    store and return the new plan. Finished modules and cards stay finished. *force* accepts
    an exam date outside the recommended range."""
    from studyplan.db.plans import save_plan

    _check_courses(ws, skip_courses)
    with ws.unit() as u:
        assert u.learner_id is not None
        plan = required_plan(u)
        new = _spread(ws, u, plan, minutes_per_day, exam_date, skip_courses, new_cards_limit, long_days, force)
        save_plan(u.db, u.learner_id, new, ws.now())
    since = max(ws.today, plan.start)
    return _report(new, plan_labels(ws, plan.exam), f"Replanned {plan.exam}", since=since)


def _spread(ws: Workspace, u: Unit, plan: Plan, minutes_per_day: int | None, exam_date: date | None,
            skip_courses: tuple[str, ...], new_cards_limit: int | None, long_days: tuple[int, ...] | None,
            force: bool = False) -> Plan:
    from studyplan.planner import replan as spread

    exam = ws.exam(plan.exam)
    changes = Request(
        background=plan.background, start=plan.start, exam_date=exam_date or plan.exam_date,
        minutes_per_day=minutes_per_day or plan.minutes_per_day, study_weekdays=plan.study_weekdays,
        days_off=plan.days_off, long_days=plan.long_days if long_days is None else long_days,
        new_cards_limit=plan.new_cards_limit if new_cards_limit is None else new_cards_limit,
        skip_courses=tuple(dict.fromkeys((*plan.skip_courses, *skip_courses))), force=force)
    exams = plan_exams(plan.exam, plan.background)
    return spread(plan, exam, ws.catalog.courses, ws.today, _progress(ws, u, plan.exam, plan.background),
                  _foundations_for(ws, plan.background), _grade_mix(u, exams), changes)


# --------------------------------------------------------------------------- today


@dataclass(frozen=True)
class TodayReport:
    date: dt.date
    exam: str
    exam_date: dt.date
    days_left: int
    phase: str
    planned: tuple[Task, ...]
    labels: PlanLabels
    due_now: int
    new_left: int
    course_left: int
    minutes: int
    new_planned_before: int
    new_done_before: int
    course_planned_before: int
    course_done_before: int
    readiness: float

    @property
    def cards_behind(self) -> int:
        return max(0, self.new_planned_before - self.new_done_before)

    @property
    def course_behind(self) -> int:
        return max(0, self.course_planned_before - self.course_done_before)

    @property
    def status(self) -> str:
        """'behind', 'ahead' or 'on track': the plan's days before today against what was done."""
        if self.cards_behind or self.course_behind:
            return "behind"
        if self.new_done_before > self.new_planned_before:
            return "ahead"
        return "on track"

    @property
    def status_line(self) -> str:
        if self.status == "behind":
            parts = [p for p in (f"{self.cards_behind} new cards" if self.cards_behind else "",
                                 f"{self.course_behind} course minutes" if self.course_behind else "") if p]
            line = f"Behind the plan by {' and '.join(parts)} from earlier days"
            if self.days_left > 1:
                return line + ": run 'studyplan replan' to spread them over the days left."
            return line + "."
        if self.status == "ahead":
            return f"Ahead of the plan by {self.new_done_before - self.new_planned_before} new cards."
        return "On track with the plan."

    def to_dict(self) -> dict:
        from studyplan.plan_views import task_dict

        return {
            "date": self.date.isoformat(), "exam": self.exam, "exam_date": self.exam_date.isoformat(),
            "days_left": self.days_left, "phase": self.phase,
            "tasks": [task_dict(t, self.labels) for t in self.planned],
            "due_now": self.due_now, "new_cards_left_today": self.new_left, "course_minutes_left_today": self.course_left,
            "minutes": self.minutes, "new_cards_planned_before_today": self.new_planned_before,
            "new_cards_done_before_today": self.new_done_before,
            "course_minutes_planned_before_today": self.course_planned_before,
            "course_minutes_done_before_today": self.course_done_before,
            "ahead_by": self.new_done_before - self.new_planned_before, "status": self.status,
            "readiness": round(self.readiness, 4),
        }


def today_report(ws: Workspace) -> TodayReport:
    """Today's tasks beside what is due, the minutes left, and honest progress: the days
    from when the plan was made up to yesterday against what was done on them."""
    from studyplan.db.reads import count_due, course_days, introduced_between, plan_made_on
    from studyplan.forecast import NEW_CARD_MINUTES, REVIEW_MINUTES

    with ws.reading() as u:
        plan = required_plan(u)
        lid, db = u.learner_id, u.rows
        assert lid is not None
        exams = plan_exams(plan.exam, plan.background)
        made = max(plan.start, plan_made_on(db, lid) or plan.start)
        due = count_due(db, lid, ws.today, exams)
        done_today = introduced_between(db, lid, ws.today, ws.today, exams)
        done_before = introduced_between(db, lid, made, ws.today - timedelta(days=1), exams)
        course_log = course_days(db, lid, made, ws.today)
        readiness = readiness_of(ws, u, plan.exam, plan.exam_date)[0]
    day = plan.day(ws.today)
    planned = day.tasks if day else ()
    new_left = max(0, sum(t.count for t in planned if t.kind == TaskKind.NEW_CARDS) - done_today)
    course_today = sum(t.minutes for t in planned if t.kind in (TaskKind.COURSE, TaskKind.PRACTICE_EXAM))
    course_left = max(0, course_today - course_log.get(ws.today, 0))
    drills = sum(t.minutes for t in planned if t.kind == TaskKind.DRILL)
    past = [d for d in plan.days if made <= d.date < ws.today]
    return TodayReport(
        date=ws.today, exam=plan.exam, exam_date=plan.exam_date, days_left=(plan.exam_date - ws.today).days,
        phase=plan.phase_on(ws.today), planned=tuple(planned), labels=plan_labels(ws, plan.exam), due_now=due,
        new_left=new_left, course_left=course_left,
        minutes=course_left + drills + math.ceil(due * REVIEW_MINUTES + new_left * NEW_CARD_MINUTES),
        new_planned_before=sum(d.count(TaskKind.NEW_CARDS) for d in past), new_done_before=done_before,
        course_planned_before=sum(t.minutes for d in past for t in d.tasks
                                  if t.kind in (TaskKind.COURSE,) and t.course_id),
        course_done_before=sum(n for d, n in course_log.items() if d < ws.today),
        readiness=readiness,
    )


def readiness_of(ws: Workspace, u: Unit | Reading, exam_id: str, on: date) -> tuple[float, dict[str, float]]:
    """Readiness (metrics.readiness): predicted recall on *on*, overall and per domain."""
    from studyplan.db.reads import exam_recall

    exam = ws.exam(exam_id)
    if u.learner_id is None:
        return 0.0, {}
    return metrics.readiness(exam_recall(u.rows, u.learner_id, exam.id, on),
                             {d.id: float(d.weight) for d in exam.domains})


# --------------------------------------------------------------------------- done


@dataclass(frozen=True)
class DoneReport:
    checked: tuple[str, ...]
    already: tuple[str, ...]


def mark_done(ws: Workspace, course: str | None = None, module: int | None = None) -> DoneReport:
    """Check off today's planned course blocks and practice exam, or one whole module."""
    from studyplan.db.plans import PRACTICE_EXAM_ID, course_minutes, log_course
    from studyplan.plan_views import task_title

    if course is not None or module is not None:
        if course is None or module is None:
            raise StudyplanError("--course and --module go together (e.g. done --course production-ml-systems --module 2)")
        found = next((c for c in ws.catalog.courses if c.id == course), None)
        if found is None:
            hint = did_you_mean(course, [c.id for c in ws.catalog.courses])
            raise StudyplanError(f"--course: unknown course '{course}'{hint} (courses: "
                                 f"{', '.join(c.id for c in ws.catalog.courses)})")
        if not 1 <= module <= len(found.modules):
            raise StudyplanError(f"--module: course '{course}' has modules 1 to {len(found.modules)}, not {module}")
        total = found.modules[module - 1].minutes
        name = f"{found.title}: {found.modules[module - 1].title}"
        with ws.unit(sync=False) as u:
            assert u.learner_id is not None
            left = total - course_minutes(u.db, u.learner_id).get((course, module), 0)
            if left <= 0 or not log_course(u.db, u.learner_id, ws.today, course, module, left):
                return DoneReport((), (name,))
        return DoneReport((name,), ())
    checked: list[str] = []
    already: list[str] = []
    with ws.unit(sync=False, create_learner=False) as u:
        plan = required_plan(u)
        assert u.learner_id is not None
        day = plan.day(ws.today)
        tasks = [t for t in (day.tasks if day else ()) if t.kind in (TaskKind.COURSE, TaskKind.PRACTICE_EXAM)]
        labels = plan_labels(ws, plan.exam)
        practice_so_far = sum(1 for (c, _m) in course_minutes(u.db, u.learner_id) if c == PRACTICE_EXAM_ID)
        for t in tasks:
            if t.kind == TaskKind.PRACTICE_EXAM:
                key = (PRACTICE_EXAM_ID, practice_so_far + 1)
            elif t.course_id:
                key = (t.course_id, t.module or 0)
            else:
                continue  # a course block of a plan stored before tasks were typed
            added = log_course(u.db, u.learner_id, ws.today, key[0], key[1], t.minutes)
            (checked if added else already).append(task_title(t, labels))
    return DoneReport(tuple(checked), tuple(already))


@dataclass(frozen=True)
class AdviceReport:
    """The advice, with the recommended exam's name when there is one."""

    advice: Advice
    exam_name: str


def advise(ws: Workspace, answers: Answers) -> AdviceReport:
    """The article's guidance for these answers (no database)."""
    from studyplan.advice import advise as decide

    advice = decide(answers, ws.catalog, ws.today)
    return AdviceReport(advice, ws.exam(advice.exam).name if advice.certify and advice.exam else "")


@dataclass(frozen=True)
class DailyReport:
    """What the daily job did before today's session: the deck sync and any first plan."""

    cards: int
    decks: int
    synced: SyncResult | None
    database: str
    first_plan: PlanReport | None
    today: TodayReport


def daily(ws: Workspace, exam_id: str, background: str) -> DailyReport:
    """The daily job: sync the decks, make a first plan if there is none, report today."""
    first = None
    with ws.unit() as u:
        synced, has_plan = u.synced, stored_plan(u) is not None
    if not has_plan:
        first = create_plan(ws, exam_id, Request(background=background, start=ws.today, minutes_per_day=DAILY_MINUTES))
    catalog = ws.catalog
    return DailyReport(sum(e.card_total for e in catalog.exams.values()), len(catalog.exams), synced,
                       display_location(ws.db_location), first, today_report(ws))


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_weekdays(text: str, option: str = "--days") -> tuple[int, ...]:
    """'mon,wed,fri' -> (0, 2, 4); a clear error names the bad value."""
    days = []
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        if part[:3] not in WEEKDAYS:
            raise StudyplanError(f"{option}: {part!r} is not a weekday (use mon,tue,wed,thu,fri,sat,sun)")
        days.append(WEEKDAYS.index(part[:3]))
    if not days:
        raise StudyplanError(f"{option}: name at least one weekday")
    return tuple(sorted(set(days)))
