"""Use cases: the only door from the command line. One function per command, each
returning a typed report that a view renders.

Each function joins the workspace (which database, decks, day and learner), the store's
named queries and the pure core (planner, forecast, metrics).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from studyplan import metrics
from studyplan.errors import StudyplanError
from studyplan.plan import Plan, Progress, Request, Task, TaskKind
from studyplan.plan_views import PlanLabels

FOUNDATIONS = "foundations"
DEFAULT_NEW_PER_DAY = 20   # without a plan; Anki's default too
DEFAULT_DRILLS = 20        # `review --drill` on a day the plan has no drills
NO_PLAN = "no plan yet: run 'studyplan plan create --exam ... --background ...' first"


def active_plan(ws) -> Plan | None:
    """The learner's active plan, or None (a learner not on the database yet has none)."""
    from studyplan.db.plans import active_plan as load

    learner = ws.existing_learner_id()
    if learner is None:
        return None
    with ws.transaction() as db:
        return load(db, learner)


def _require_plan(ws) -> Plan:
    plan = active_plan(ws)
    if plan is None:
        raise StudyplanError(NO_PLAN)
    return plan


def plan_labels(ws, exam_id: str) -> PlanLabels:
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
        modules={(c.id, n): m.title for c in catalog.courses for n, m in enumerate(c.modules, 1)})


def _plan_exams(plan_exam: str, background: str) -> list[str]:
    return [plan_exam, FOUNDATIONS] if background == "pivoting" else [plan_exam]


def _foundations_for(ws, background: str):
    return ws.catalog.exams.get(FOUNDATIONS) if background == "pivoting" else None


def _progress(ws, exam_id: str, background: str) -> Progress:
    """What the learner has done so far: cards, their states, course minutes, practice exams."""
    from studyplan.db.plans import PRACTICE_EXAM_ID, course_minutes
    from studyplan.db.reviews import learner_states

    with ws.transaction() as db:
        states = learner_states(db, ws.learner_id, _plan_exams(exam_id, background))
        minutes = course_minutes(db, ws.learner_id, ws.today)
    introduced: dict[str, int] = {}
    for _exam, domain, _state, _intro in states:
        introduced[domain] = introduced.get(domain, 0) + 1
    practice = sum(1 for (course, _m) in minutes if course == PRACTICE_EXAM_ID)
    return Progress(introduced=introduced, states=tuple(s for _e, _d, s, _i in states),
                    course_minutes={k: v for k, v in minutes.items() if k[0] != PRACTICE_EXAM_ID},
                    practice_exams=practice, state_domains=tuple(d for _e, d, _s, _i in states))


def _grade_mix(ws, exams: list[str]):
    from studyplan.db.reviews import grade_counts
    from studyplan.forecast import calibrate

    with ws.transaction() as db:
        return calibrate(grade_counts(db, ws.learner_id, exams))


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


def _check_courses(ws, skip: tuple[str, ...]) -> None:
    known = {c.id for c in ws.catalog.courses}
    for course in skip:
        if course not in known:
            raise StudyplanError(f"--skip-course: unknown course '{course}' (courses: {', '.join(sorted(known))})")


def create_plan(ws, exam_id: str, request: Request) -> PlanReport:
    """Build and store a new plan for *exam_id* as *request* asks (defaults and range
    checks live in the planner). Cards already studied count as introduced."""
    from studyplan.db.plans import save_plan
    from studyplan.planner import build_plan, length_range

    exam = ws.exam(exam_id)
    if exam.kind != "exam":
        raise StudyplanError(f"'{exam_id}' is not an exam; pick one of: " +
                             ", ".join(e for e, x in sorted(ws.catalog.exams.items()) if x.kind == "exam"))
    _check_courses(ws, request.skip_courses)
    ws.sync()
    exams = _plan_exams(exam.id, request.background)
    plan = build_plan(exam, ws.catalog.courses, request, _foundations_for(ws, request.background),
                      _progress(ws, exam.id, request.background), _grade_mix(ws, exams))
    with ws.transaction() as db:
        save_plan(db, ws.learner_id, plan, ws.now())
    lo, hi = length_range(request.background, plan.start)
    length = (plan.exam_date - plan.start).days
    warning = "" if lo <= length <= hi else (
        f"{length} days is outside the {lo}-{hi} day range for a {request.background} learner")
    return _report(plan, plan_labels(ws, exam.id), f"Plan for {plan.exam} ({plan.background})", warning=warning)


def replan(ws, minutes_per_day: int | None = None, exam_date: date | None = None,
           skip_courses: tuple[str, ...] = (), new_cards_limit: int | None = None,
           long_days: tuple[int, ...] | None = None) -> PlanReport:
    """Spread what is left of the active plan over the days left, with any changed options;
    store and return the new plan. Finished modules and cards stay finished."""
    from studyplan.db.plans import save_plan
    from studyplan.planner import replan as spread

    plan = _require_plan(ws)
    _check_courses(ws, skip_courses)
    ws.sync()
    exam = ws.exam(plan.exam)
    changes = Request(
        background=plan.background, start=plan.start, exam_date=exam_date or plan.exam_date,
        minutes_per_day=minutes_per_day or plan.minutes_per_day, study_weekdays=plan.study_weekdays,
        days_off=plan.days_off, long_days=plan.long_days if long_days is None else long_days,
        new_cards_limit=plan.new_cards_limit if new_cards_limit is None else new_cards_limit,
        skip_courses=tuple(dict.fromkeys((*plan.skip_courses, *skip_courses))))
    exams = _plan_exams(plan.exam, plan.background)
    new = spread(plan, exam, ws.catalog.courses, ws.today, _progress(ws, plan.exam, plan.background),
                 _foundations_for(ws, plan.background), _grade_mix(ws, exams), changes)
    with ws.transaction() as db:
        save_plan(db, ws.learner_id, new, ws.now())
    since = max(ws.today, plan.start)
    return _report(new, plan_labels(ws, exam.id), f"Replanned {plan.exam}", since=since)


# --------------------------------------------------------------------------- today


@dataclass(frozen=True)
class TodayReport:
    date: date
    exam: str
    exam_date: date
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


def _made_on(ws, plan: Plan) -> date:
    from studyplan.db.plans import plan_made_on

    with ws.transaction() as db:
        made = plan_made_on(db, ws.learner_id)
    return max(plan.start, made or plan.start)


def today_report(ws) -> TodayReport:
    """Today's tasks beside what is due, the minutes left, and honest progress: the days
    from when the plan was made up to yesterday against what was done on them."""
    from studyplan.db.plans import course_days
    from studyplan.db.reviews import count_due, introduced_between
    from studyplan.forecast import NEW_CARD_MINUTES, REVIEW_MINUTES
    from studyplan.planner import phase_of

    plan = _require_plan(ws)
    ws.sync()
    exams = _plan_exams(plan.exam, plan.background)
    day = plan.day(ws.today)
    made = _made_on(ws, plan)
    lid = ws.learner_id
    with ws.transaction() as db:
        due = count_due(db, lid, ws.today, exams)
        done_today = introduced_between(db, lid, ws.today, ws.today, exams)
        done_before = introduced_between(db, lid, made, ws.today - timedelta(days=1), exams)
        course_log = course_days(db, lid, made, ws.today)
    planned = day.tasks if day else ()
    new_left = max(0, sum(t.count for t in planned if t.kind == TaskKind.NEW_CARDS) - done_today)
    course_today = sum(t.minutes for t in planned if t.kind in (TaskKind.COURSE, TaskKind.PRACTICE_EXAM))
    course_left = max(0, course_today - course_log.get(ws.today, 0))
    drills = sum(t.minutes for t in planned if t.kind == TaskKind.DRILL)
    past = [d for d in plan.days if made <= d.date < ws.today]
    return TodayReport(
        date=ws.today, exam=plan.exam, exam_date=plan.exam_date, days_left=(plan.exam_date - ws.today).days,
        phase=phase_of(plan, ws.today), planned=tuple(planned), labels=plan_labels(ws, plan.exam), due_now=due,
        new_left=new_left, course_left=course_left,
        minutes=course_left + drills + math.ceil(due * REVIEW_MINUTES + new_left * NEW_CARD_MINUTES),
        new_planned_before=sum(d.count(TaskKind.NEW_CARDS) for d in past), new_done_before=done_before,
        course_planned_before=sum(t.minutes for d in past for t in d.tasks
                                  if t.kind in (TaskKind.COURSE,) and t.course_id),
        course_done_before=sum(n for d, n in course_log.items() if d < ws.today),
        readiness=_readiness(ws, plan.exam, plan.exam_date)[0],
    )


# --------------------------------------------------------------------------- done


@dataclass(frozen=True)
class DoneReport:
    checked: tuple[str, ...]
    already: tuple[str, ...]


def mark_done(ws, course: str | None = None, module: int | None = None) -> DoneReport:
    """Check off today's planned course blocks and practice exam, or one whole module."""
    from studyplan.db.plans import PRACTICE_EXAM_ID, course_minutes, log_course

    if course is not None or module is not None:
        if course is None or module is None:
            raise StudyplanError("--course and --module go together (e.g. done --course production-ml-systems --module 2)")
        found = next((c for c in ws.catalog.courses if c.id == course), None)
        if found is None:
            raise StudyplanError(f"--course: unknown course '{course}' (courses: "
                                 f"{', '.join(c.id for c in ws.catalog.courses)})")
        if not 1 <= module <= len(found.modules):
            raise StudyplanError(f"--module: course '{course}' has modules 1 to {len(found.modules)}, not {module}")
        total = found.modules[module - 1].minutes
        with ws.transaction() as db:
            left = total - course_minutes(db, ws.learner_id).get((course, module), 0)
            name = f"{found.title}: {found.modules[module - 1].title}"
            if left <= 0 or not log_course(db, ws.learner_id, ws.today, course, module, left):
                return DoneReport((), (name,))
        return DoneReport((name,), ())
    plan = _require_plan(ws)
    day = plan.day(ws.today)
    tasks = [t for t in (day.tasks if day else ()) if t.kind in (TaskKind.COURSE, TaskKind.PRACTICE_EXAM)]
    if not tasks:
        return DoneReport((), ())
    labels = plan_labels(ws, plan.exam)
    from studyplan.plan_views import task_title

    checked, already = [], []
    with ws.transaction() as db:
        practice_so_far = sum(1 for (c, _m) in course_minutes(db, ws.learner_id) if c == PRACTICE_EXAM_ID)
        for t in tasks:
            if t.kind == TaskKind.PRACTICE_EXAM:
                key = (PRACTICE_EXAM_ID, practice_so_far + 1)
            elif t.course_id:
                key = (t.course_id, t.module)
            else:
                continue  # a course block of a plan stored before tasks were typed
            added = log_course(db, ws.learner_id, ws.today, key[0], key[1], t.minutes)
            (checked if added else already).append(task_title(t, labels))
    return DoneReport(tuple(checked), tuple(already))


# --------------------------------------------------------------------------- review


def _domain_owner(ws, plan: Plan, domain: str) -> str:
    exam = ws.exam(plan.exam)
    if domain in {d.id for d in exam.domains}:
        return exam.id
    if FOUNDATIONS in ws.catalog.exams:
        return FOUNDATIONS
    return exam.id


def _all_domains(ws, plan: Plan | None, exam_id: str) -> set[str]:
    domains = {d.id for d in ws.exam(exam_id).domains}
    if plan is not None and plan.background == "pivoting" and FOUNDATIONS in ws.catalog.exams:
        domains |= {d.id for d in ws.catalog.exam(FOUNDATIONS).domains}
    return domains


def review_queue(ws, max_cards: int | None = None, domain: str | None = None, new_only: bool = False,
                 reviews_only: bool = False, exam: str | None = None, drill: bool = False) -> list:
    """Today's queue: due cards (most overdue first, domains interleaved), today's new
    cards, then today's planned drills. With *drill*, only drills: introduced cards that
    are not due, weakest first, heavy domains first."""
    from studyplan.db.reviews import drill_cards, drills_on, due_cards, interleave, introduced_on, new_cards

    ws.sync()
    plan = active_plan(ws)
    exam_id = exam or (plan.exam if plan else None)
    if exam_id:
        ws.exam(exam_id)  # a clear error for an unknown exam
    elif drill:
        raise StudyplanError("drills need an exam: pass --exam, or make a plan first")
    if domain and exam_id and domain not in _all_domains(ws, plan, exam_id):
        raise StudyplanError(f"unknown domain '{domain}' for exam '{exam_id}'")
    lid = ws.learner_id
    planned_day = plan.day(ws.today) if plan is not None else None
    today_tasks = planned_day.tasks if planned_day is not None else ()
    with ws.transaction() as db:
        due = [] if (new_only or drill) else due_cards(db, lid, ws.today, domain=domain)
        if plan is not None:
            due = [c for c in due if c.exam in set(_plan_exams(plan.exam, plan.background))]
        fresh = []
        if not reviews_only and not drill and exam_id:
            if plan is not None and not exam:
                wanted: dict[tuple[str, str], int] = {}
                for t in today_tasks:
                    if t.kind == TaskKind.NEW_CARDS and t.count:
                        key = (_domain_owner(ws, plan, t.domain), t.domain)
                        wanted[key] = wanted.get(key, 0) + t.count
            else:
                weights = {d.id: d.weight for d in ws.exam(exam_id).domains}
                wanted = {(exam_id, d): n for d, n in metrics.split_by_weight(DEFAULT_NEW_PER_DAY, weights).items()}
            for owner in sorted({o for o, _ in wanted}):
                done = introduced_on(db, lid, ws.today, owner)
                per_domain = {d: max(0, n - done.get(d, 0)) for (o, d), n in wanted.items()
                              if o == owner and (domain is None or d == domain)}
                fresh.extend(new_cards(db, lid, owner, per_domain))
        drills = []
        if exam_id and (drill or not (new_only or reviews_only)):
            planned = {t.domain: t.count for t in today_tasks if t.kind == TaskKind.DRILL} if not exam else {}
            if drill and not planned:
                weights = {d.id: d.weight for d in ws.exam(exam_id).domains}
                planned = metrics.split_by_weight(max_cards or DEFAULT_DRILLS, weights)
            done = drills_on(db, lid, ws.today)
            per_domain = {d: max(0, n - done.get(d, 0)) for d, n in planned.items() if domain is None or d == domain}
            if drill and domain and domain not in per_domain:
                per_domain = {domain: max_cards or DEFAULT_DRILLS}
            order = sorted(per_domain, key=lambda d: -_weight(ws, exam_id, d))
            drills = [replace(c, drill=True) for c in drill_cards(db, lid, exam_id, ws.today,
                                                                  {d: per_domain[d] for d in order})]
    queue = due + interleave(fresh) + drills
    return shown_with_current_names(ws, queue[:max_cards] if max_cards is not None else queue)


def shown_with_current_names(ws, cards: list) -> list:
    """The cards as the review screen shows them: a renamed product's old name as "NEW (OLD)"."""
    from studyplan.renames import with_current_names

    return with_current_names(cards, {e.id: e.renames for e in ws.catalog.exams.values()}, ws.today)


def _weight(ws, exam_id: str, domain: str) -> float:
    try:
        return float(ws.exam(exam_id).domain(domain).weight)
    except KeyError:
        return 0.0


def card_location(ws, card) -> str:
    """Where a card comes from, for the learner who wants to fix it."""
    source = card.source
    if source.startswith("deck:"):
        return str((ws.decks_dir.parent / source[len("deck:"):]).resolve())
    if source.startswith("anki:"):
        return f"imported from {source[len('anki:'):]} (edit it in the database or re-import)"
    return source or "unknown"


@dataclass
class SessionReport:
    outcome: object
    by_domain: list[tuple[str, int, int, int]]
    forecast: dict[date, int]
    streak: int


def finish_report(ws, outcome) -> SessionReport:
    """The end-of-session summary: by domain, the next week's due forecast and the streak."""
    from studyplan.db.reviews import due_forecast, reviews_per_day
    from studyplan.session import streak

    rows: dict[str, list[int]] = {}
    for g in outcome.graded:
        r = rows.setdefault(g.card.domain, [0, 0, 0])
        if g.practice:
            r[2] += 1
        else:
            r[0] += 1
            r[1] += g.grade >= metrics.PASS_GRADE
    with ws.transaction() as db:
        forecast = due_forecast(db, ws.learner_id, ws.today + timedelta(days=1), ws.today + timedelta(days=7))
        days = reviews_per_day(db, ws.learner_id, ws.today - timedelta(days=400), ws.today)
    return SessionReport(outcome, [(d, *v) for d, v in rows.items()], forecast, streak(set(days), ws.today))


# --------------------------------------------------------------------------- stats


def _readiness(ws, exam_id: str, on: date) -> tuple[float, dict[str, float]]:
    from studyplan.db.reviews import card_memories, review_outcomes

    exam = ws.exam(exam_id)
    with ws.transaction() as db:
        memories, totals = card_memories(db, ws.learner_id, exam.id)
        n, ok = review_outcomes(db, ws.learner_id)
    weights = {d.id: float(d.weight) for d in exam.domains}
    return metrics.readiness(memories, {d.id: totals.get(d.id, 0) for d in exam.domains}, weights, on,
                             metrics.retention(n, ok))


@dataclass(frozen=True)
class StatsReport:
    exam: str
    date: date
    exam_date: date | None
    readiness_on: date
    readiness: float
    retention_30d: float | None
    domains: list = field(default_factory=list)
    forecast: dict = field(default_factory=dict)
    history: dict = field(default_factory=dict)
    leeches: list = field(default_factory=list)


def stats_report(ws, exam_id: str | None = None) -> StatsReport:
    """Per-domain counts, retention, readiness (predicted recall on the exam day), the
    14-day forecast and the 12-week history."""
    from studyplan.db.reviews import (domain_card_stats, due_forecast, leech_cards, retention_by_domain,
                                      reviews_per_day)
    from studyplan.stats import DomainStats

    plan = active_plan(ws)
    if exam_id is None:
        if plan is None:
            raise StudyplanError("no plan yet: pass --exam, or run 'studyplan plan create' first")
        exam_id = plan.exam
    exam = ws.exam(exam_id)
    ws.sync()
    lid = ws.learner_id
    exam_date = plan.exam_date if plan is not None and plan.exam == exam.id else None
    on = exam_date if exam_date is not None and exam_date >= ws.today else ws.today
    overall, per_domain = _readiness(ws, exam.id, on)
    with ws.transaction() as db:
        counts = domain_card_stats(db, lid, exam.id)
        retention = retention_by_domain(db, lid, exam.id, ws.today - timedelta(days=29))
        forecast = due_forecast(db, lid, ws.today, ws.today + timedelta(days=13))
        history = reviews_per_day(db, lid, ws.today - timedelta(weeks=12), ws.today)
        leeches = leech_cards(db, lid, exam.id)
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


# --------------------------------------------------------------------------- calendar


def calendar_document(ws, fmt: str, start: date | None, end: date | None, paper: str, at=None):
    """The active plan rendered as a calendar (str for text formats, bytes for ics)."""
    from studyplan.calendar import CalendarContext, DayActual, render
    from studyplan.db.plans import course_days
    from studyplan.db.reviews import introduced_per_day, minutes_per_day, reviews_per_day
    from studyplan.plan_views import task_title

    plan = _require_plan(ws)
    exam = ws.exam(plan.exam)
    with ws.transaction() as db:
        reviewed = reviews_per_day(db, ws.learner_id, plan.start, ws.today)
        introduced = introduced_per_day(db, ws.learner_id, plan.start, ws.today)
        minutes = minutes_per_day(db, ws.learner_id, plan.start, ws.today)
        courses = course_days(db, ws.learner_id, plan.start, ws.today)
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
                          title=lambda task: task_title(task, labels), domain_names=dict(labels.domains))
    try:
        return render(plan, ctx, fmt, start=start, end=end, paper=paper, at=at)
    except ValueError as exc:  # e.g. --from after --to
        raise StudyplanError(str(exc)) from None


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
