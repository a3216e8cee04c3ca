"""Use cases that join the workspace, the store and the pure core: one function per command.

The CLI calls one of these and renders what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from studyplan.errors import StudyplanError


def active_plan(ws):
    """The learner's active plan, or None (a learner not on the database yet has none)."""
    from studyplan.db.plans import active_plan as load

    learner = ws.existing_learner_id()
    if learner is None:
        return None
    with ws.transaction() as db:
        return load(db, learner)


def _domain_owner(ws, plan, domain: str) -> str:
    exam = ws.exam(plan.exam)
    if domain in {d.id for d in exam.domains}:
        return exam.id
    if "foundations" in ws.catalog.exams:
        return "foundations"
    return exam.id


def review_queue(ws, max_cards: int | None = None, domain: str | None = None, new_only: bool = False,
                 reviews_only: bool = False, exam: str | None = None):
    """Today's queue: due cards (most overdue first, domains interleaved), then today's new cards.

    New cards come from the active plan's day; without a plan, from a daily limit over
    *exam*'s domains by weight.
    """
    from studyplan.db.reviews import due_cards, interleave, introduced_on, new_cards
    from studyplan.session import DEFAULT_NEW_PER_DAY, planned_new_cards, split_by_weight

    ws.sync()
    plan = active_plan(ws)
    exam_id = exam or (plan.exam if plan else None)
    if exam_id:
        ws.exam(exam_id)  # a clear error for an unknown exam
    if domain and exam_id and domain not in _all_domains(ws, plan, exam_id):
        raise StudyplanError(f"unknown domain '{domain}' for exam '{exam_id}'")
    lid = ws.learner_id
    with ws.transaction() as db:
        due = [] if new_only else due_cards(db, lid, ws.today, domain=domain)
        if plan is not None:
            exams_in_plan = {plan.exam, "foundations"}
            due = [c for c in due if c.exam in exams_in_plan]
        fresh = []
        if not reviews_only and exam_id:
            if plan is not None and not exam:
                wanted: dict[tuple[str, str], int] = {}
                for dom, count in planned_new_cards(plan, ws.today).items():
                    wanted[(_domain_owner(ws, plan, dom), dom)] = count
            else:
                weights = {d.id: d.weight for d in ws.exam(exam_id).domains}
                wanted = {(exam_id, d): n for d, n in split_by_weight(DEFAULT_NEW_PER_DAY, weights).items()}
            for owner in sorted({o for o, _ in wanted}):
                done = introduced_on(db, lid, ws.today, owner)
                per_domain = {d: max(0, n - done.get(d, 0)) for (o, d), n in wanted.items()
                              if o == owner and (domain is None or d == domain)}
                fresh.extend(new_cards(db, lid, owner, per_domain))
    queue = due + interleave(fresh)
    return queue[:max_cards] if max_cards is not None else queue


def _all_domains(ws, plan, exam_id) -> set[str]:
    domains = {d.id for d in ws.exam(exam_id).domains}
    if plan is not None and plan.background == "pivoting" and "foundations" in ws.catalog.exams:
        domains |= {d.id for d in ws.catalog.exam("foundations").domains}
    return domains


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
    from datetime import timedelta

    from studyplan.db.reviews import due_forecast, reviews_per_day
    from studyplan.session import streak

    rows: dict[str, list[int]] = {}
    for g in outcome.graded:
        r = rows.setdefault(g.card.domain, [0, 0, 0])
        if g.practice:
            r[2] += 1
        else:
            r[0] += 1
            r[1] += g.grade >= 3
    with ws.transaction() as db:
        forecast = due_forecast(db, ws.learner_id, ws.today + timedelta(days=1), ws.today + timedelta(days=7))
        days = reviews_per_day(db, ws.learner_id, ws.today - timedelta(days=400), ws.today)
    return SessionReport(outcome, [(d, *v) for d, v in rows.items()], forecast, streak(set(days), ws.today))


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_weekdays(text: str) -> tuple[int, ...]:
    """'mon,wed,fri' -> (0, 2, 4); a clear error names the bad value."""
    days = []
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        if part[:3] not in WEEKDAYS:
            raise StudyplanError(f"--days: {part!r} is not a weekday (use mon,tue,wed,thu,fri,sat,sun)")
        days.append(WEEKDAYS.index(part[:3]))
    if not days:
        raise StudyplanError("--days: name at least one weekday")
    return tuple(sorted(set(days)))


def _foundations_for(ws, background: str):
    return ws.catalog.exams.get("foundations") if background == "pivoting" else None


def _plan_exams(plan_exam: str, background: str) -> list[str]:
    return [plan_exam, "foundations"] if background == "pivoting" else [plan_exam]


def gather_progress(ws, exam_id: str, background: str, plan=None):
    """What the learner has already done, as the planner's Progress.

    A course module counts as done when every day the plan gave it is past and the
    learner studied (graded at least one card) on each of them.
    """
    from studyplan.db.reviews import active_days, learner_states
    from studyplan.planner import Progress

    with ws.transaction() as db:
        states = learner_states(db, ws.learner_id, _plan_exams(exam_id, background))
        active = active_days(db, ws.learner_id, plan.start, ws.today) if plan else set()
    introduced: dict[str, int] = {}
    for _exam, domain, _state, _intro in states:
        introduced[domain] = introduced.get(domain, 0) + 1
    done_modules: frozenset = frozenset()
    if plan is not None:
        seen: dict[tuple[str, str], bool] = {}
        for day in plan.days:
            for task in day.tasks:
                key = course_module(ws.catalog.courses, task) if task.kind == "course" else None
                if key is None:
                    continue
                done = day.date < ws.today and day.date in active
                seen[key] = seen.get(key, True) and done
        done_modules = frozenset(k for k, v in seen.items() if v)
    return Progress(introduced=introduced, states=tuple(s for *_, s, _i in states), done_modules=done_modules)


def course_module(courses, task) -> tuple[str, str] | None:
    """(course id, module title) of a course task titled 'Course title: Module title[ (continued)]'."""
    title = task.title.removesuffix(" (continued)")
    for course in courses:
        if title.startswith(course.title + ": "):
            return course.id, title[len(course.title) + 2:]
    return None


def create_plan(ws, exam_id: str, background: str, start: date | None, exam_date: date | None, minutes: int,
                weekdays: tuple[int, ...], days_off: tuple[date, ...], force: bool):
    """Build and store a new plan; returns it. Cards already studied count as introduced."""
    from studyplan.db.plans import save_plan
    from studyplan.planner import Profile, build_plan

    exam = ws.exam(exam_id)
    if exam.kind != "exam":
        raise StudyplanError(f"'{exam_id}' is not an exam; pick one of: " +
                             ", ".join(e for e, x in sorted(ws.catalog.exams.items()) if x.kind == "exam"))
    ws.sync()
    profile = Profile(background=background, start=start or ws.today, exam_date=exam_date, minutes_per_day=minutes,
                      study_weekdays=weekdays, days_off=days_off, force=force)
    plan = build_plan(exam, ws.catalog.courses, profile, _foundations_for(ws, background),
                      gather_progress(ws, exam_id, background))
    with ws.transaction() as db:
        save_plan(db, ws.learner_id, plan, ws.now())
    return plan


def replan(ws):
    """Spread what is left of the active plan over the days left; store and return the new plan."""
    from studyplan.db.plans import save_plan
    from studyplan.planner import replan as spread

    plan = active_plan(ws)
    if plan is None:
        raise StudyplanError("no plan yet: run 'studyplan plan create --exam ... --background ...' first")
    ws.sync()
    exam = ws.exam(plan.exam)
    progress = gather_progress(ws, plan.exam, plan.background, plan)
    new = spread(plan, exam, ws.catalog.courses, ws.today, progress, _foundations_for(ws, plan.background))
    with ws.transaction() as db:
        save_plan(db, ws.learner_id, new, ws.now())
    return new


@dataclass
class TodayReport:
    date: date
    exam: str
    exam_date: date
    days_left: int
    phase: str
    planned: list
    due_now: int
    new_left: int
    minutes: int
    new_planned_to_date: int
    new_done: int

    @property
    def ahead_by(self) -> int:
        """New cards introduced beyond (positive) or short of (negative) the plan up to today."""
        return self.new_done - self.new_planned_to_date

    def to_dict(self) -> dict:
        return {
            "date": self.date.isoformat(), "exam": self.exam, "exam_date": self.exam_date.isoformat(),
            "days_left": self.days_left, "phase": self.phase,
            "tasks": [t.to_dict() for t in self.planned],
            "due_now": self.due_now, "new_cards_left_today": self.new_left, "minutes": self.minutes,
            "new_cards_planned_to_date": self.new_planned_to_date, "new_cards_done": self.new_done,
            "ahead_by": self.ahead_by,
            "status": "ahead" if self.ahead_by > 0 else "behind" if self.ahead_by < 0 else "on track",
        }


def today_report(ws) -> TodayReport:
    """Today's planned tasks beside what is actually due, the minutes, days left, ahead/behind."""
    import math

    from studyplan.db.reviews import count_due, introduced_on
    from studyplan.planner import NEW_CARD_MINUTES, REVIEW_MINUTES
    from studyplan.session import planned_new_cards

    plan = active_plan(ws)
    if plan is None:
        raise StudyplanError("no plan yet: run 'studyplan plan create --exam ... --background ...' first")
    ws.sync()
    exams = _plan_exams(plan.exam, plan.background)
    day = next((d for d in plan.days if d.date == ws.today), None)
    with ws.transaction() as db:
        due = count_due(db, ws.learner_id, ws.today, exams)
        done_today = sum(sum(introduced_on(db, ws.learner_id, ws.today, e).values()) for e in exams)
    progress = gather_progress(ws, plan.exam, plan.background)
    planned_today = sum(planned_new_cards(plan, ws.today).values())
    new_left = max(0, planned_today - done_today)
    course_minutes = sum(t.minutes for t in day.tasks if t.kind in ("course", "practice_exam")) if day else 0
    minutes = course_minutes + math.ceil(due * REVIEW_MINUTES + new_left * NEW_CARD_MINUTES)
    planned_to_date = sum(t.count for d in plan.days if d.date <= ws.today for t in d.tasks if t.kind == "new_cards")
    return TodayReport(
        date=ws.today, exam=plan.exam, exam_date=plan.exam_date, days_left=(plan.exam_date - ws.today).days,
        phase=day.phase if day else ("before the plan" if ws.today < plan.start else "after the exam"),
        planned=list(day.tasks) if day else [], due_now=due, new_left=new_left, minutes=minutes,
        new_planned_to_date=planned_to_date, new_done=sum(progress.introduced.values()),
    )


def stats_report(ws, exam_id: str | None = None) -> dict:
    """Per-domain counts, retention, readiness, the 14-day forecast and the 12-week history."""
    from datetime import timedelta

    from studyplan.db.reviews import (domain_card_stats, due_forecast, leech_cards, retention_by_domain,
                                      reviews_per_day)
    from studyplan.stats import DomainStats, exam_readiness

    plan = active_plan(ws)
    if exam_id is None:
        if plan is None:
            raise StudyplanError("no plan yet: pass --exam, or run 'studyplan plan create' first")
        exam_id = plan.exam
    exam = ws.exam(exam_id)
    ws.sync()
    lid = ws.learner_id
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
                                   c["leeches"], n, ok))
    reviewed = sum(d.reviewed_30d for d in domains)
    return {
        "exam": exam.id, "date": ws.today, "domains": domains, "readiness": exam_readiness(domains),
        "retention_30d": (sum(d.passed_30d for d in domains) / reviewed) if reviewed else None,
        "forecast": forecast, "history": history, "leeches": leeches,
        "exam_date": plan.exam_date if plan is not None and plan.exam == exam.id else None,
    }


def calendar_document(ws, fmt: str, start: date | None, end: date | None, paper: str, at=None):
    """The active plan rendered as a calendar (str for text formats, bytes for ics)."""
    import math

    from studyplan.calendar import CalendarContext, DayActual, render
    from studyplan.db.reviews import introduced_per_day, minutes_per_day, reviews_per_day

    plan = active_plan(ws)
    if plan is None:
        raise StudyplanError("no plan yet: run 'studyplan plan create --exam ... --background ...' first")
    exam = ws.exam(plan.exam)
    with ws.transaction() as db:
        reviewed = reviews_per_day(db, ws.learner_id, plan.start, ws.today)
        introduced = introduced_per_day(db, ws.learner_id, plan.start, ws.today)
        minutes = minutes_per_day(db, ws.learner_id, plan.start, ws.today)
    actuals = {
        day: DayActual(reviewed=reviewed.get(day, 0) - introduced.get(day, 0), new=introduced.get(day, 0),
                       minutes=math.ceil(minutes.get(day, 0)))
        for day in set(reviewed) | set(introduced)
    }
    ctx = CalendarContext(exam_name=exam.name, exam_id=exam.id, learner=ws.learner,
                          domains=tuple((d.id, d.name, d.weight) for d in exam.domains),
                          exam_duration_minutes=exam.duration_minutes, today=ws.today, actuals=actuals)
    try:
        return render(plan, ctx, fmt, start=start, end=end, paper=paper, at=at)
    except ValueError as exc:  # e.g. --from after --to
        raise StudyplanError(str(exc)) from None
