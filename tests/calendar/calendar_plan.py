"""A fixed, hand-made plan for the calendar renderer tests (not a pytest module).

45 days, Mon 11 Jan 2027 to the exam on Wed 24 Feb 2027, across two months: study
Monday to Saturday, Sundays are rest days, Wed 20 Jan is a day off, Sat 13 Feb is a free
study day (nothing due); core (courses) then exam domains (new cards by weight, reviews)
then the final review week (reviews, drills, two practice exams), then the exam day.
"""

from __future__ import annotations

from datetime import date, timedelta

from studyplan.calendar import CalendarContext, DayActual
from studyplan.plan import Day, Plan, TaskKind
from studyplan.plan import Task as TypedTask


def Task(kind: str, title: str, domain: str = "", count: int = 0, minutes: int = 0) -> TypedTask:
    """A task with its words given (as a stored legacy task): renderers show the title as is."""
    kinds = {("rest", "Day off"): TaskKind.DAY_OFF, ("rest", "Nothing due: free day"): TaskKind.FREE}
    typed = kinds.get((kind, title)) or (TaskKind.DRILL if kind == "reviews" and domain else TaskKind(kind))
    return TypedTask(typed, minutes, count, domain, label=title)

START = date(2027, 1, 11)
EXAM = date(2027, 2, 24)
DAY_OFF = date(2027, 1, 20)
FREE = date(2027, 2, 13)
FINAL = EXAM - timedelta(days=7)
CORE_END = date(2027, 1, 22)
TODAY = date(2027, 1, 27)
XSS = '<script>alert(1)</script> & "quotes"'
DOMAINS = (
    ("framing", "Framing ML problems", 0.2),
    ("xss", XSS, 0.3),
    ("monitoring", "Monitoring, optimizing and maintaining ML solutions", 0.5),
)
PRACTICE_DAYS = (date(2027, 2, 17), date(2027, 2, 22))  # in the default plan


def _tasks(d: date, i: int, domains=DOMAINS, minutes: int = 60, exam: date = EXAM) -> tuple[str, tuple[Task, ...]]:
    if d == exam:
        return "exam", (Task("exam", "Exam: Tiny Exam (120 min)"),)
    phase = "core" if d <= CORE_END else "final_review" if d >= exam - timedelta(days=7) else "domains"
    if d == DAY_OFF:
        return phase, (Task("rest", "Day off"),)
    if d.weekday() == 6:
        return phase, (Task("rest", "Rest day (not a study day)"),)
    if d == FREE:
        return phase, (Task("rest", "Nothing due: free day"),)
    tasks = []
    if phase == "core":
        course = "Production Machine Learning Systems" if i < 6 else "Structuring Machine Learning Projects"
        tasks.append(Task("course", f"{course}: Module {i % 6 + 1}", "", 0, minutes - 10))
        if i > 0:
            tasks.append(Task("reviews", f"Reviews: {i} cards due (SM-2 forecast)", "", i, 5))
    elif phase == "domains":
        r = 5 + i % 7
        tasks.append(Task("reviews", f"Reviews: {r} cards due (SM-2 forecast)", "", r, 3))
        for did, name, w in domains:
            n = max(1, round(20 * w))
            tasks.append(Task("new_cards", f"New cards: {name}", did, n, n * 2))
    else:
        tasks.append(Task("reviews", f"Reviews: {12 + i % 5} cards due (SM-2 forecast)", "", 12 + i % 5, 7))
        if d in PRACTICE_DAYS:
            tasks.append(Task("practice_exam", "Timed practice exam (45 of 120 min)", "", 0, 45))
        else:
            tasks.append(Task("reviews", f"Drill: {domains[-1][1]} (8 cards not due again before the exam)",
                              domains[-1][0], 8, 4))
    return phase, tuple(tasks)


def make_plan(start: date = START, exam: date = EXAM, domains=DOMAINS, minutes: int = 60) -> Plan:
    days = []
    d = start
    i = 0
    while d <= exam:
        phase, tasks = _tasks(d, i, domains, minutes, exam)
        days.append(Day(d, phase, tasks))
        d += timedelta(days=1)
        i += 1
    return Plan(exam="tiny", background="experienced", start=start, exam_date=exam,
                minutes_per_day=minutes, study_weekdays=(0, 1, 2, 3, 4, 5), days_off=(DAY_OFF,),
                days=tuple(days))


def make_ctx(today: date | None = TODAY, learner: str = "alice", actuals=None) -> CalendarContext:
    if actuals is None:
        actuals = {date(2027, 1, 11): DayActual(0, 0, 45), date(2027, 1, 12): DayActual(3, 0, 52),
                   date(2027, 1, 25): DayActual(17, 20, 61)}
    return CalendarContext(exam_name="Tiny Exam", exam_id="tiny", learner=learner, domains=DOMAINS,
                           exam_duration_minutes=120, today=today, actuals=actuals)


def all_dates(plan: Plan, start: date | None = None, end: date | None = None) -> list[date]:
    return [d.date for d in plan.days if (start is None or d.date >= start) and (end is None or d.date <= end)]


def study_dates(plan: Plan, start: date | None = None, end: date | None = None) -> list[date]:
    """Dates with study work (not rest, not the exam)."""
    return [d for d in all_dates(plan, start, end)
            if any(t.kind not in ("rest", "day_off", "free", "exam") for t in next(x for x in plan.days if x.date == d).tasks)]
