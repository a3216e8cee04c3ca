"""Calendar renderers: a :class:`~studyplan.planner.Plan` as HTML, Markdown, text or iCalendar.

Pure functions: no database, no clock, no files written. Everything a renderer needs comes
in as arguments: the plan (read by duck typing: ``plan.exam``, ``plan.background``,
``plan.start``, ``plan.exam_date``, ``plan.minutes_per_day``, ``plan.study_weekdays``,
``plan.days_off``, ``plan.days`` and each day's ``date``, ``phase``, ``tasks``; each task's
``kind``, ``title``, ``domain``, ``count``, ``minutes``) and a :class:`CalendarContext`
(the exam's display name and guide weights, the learner, ``today`` and what was actually
done on past days).

    >>> render(plan, ctx, "html", paper="letter")       # str: one self-contained page
    >>> render(plan, ctx, "md")                         # str
    >>> render(plan, ctx, "txt", start=d1, end=d2)      # str, only d1..d2 (inclusive)
    >>> render(plan, ctx, "ics", at=time(7, 30))        # bytes (RFC 5545, CRLF lines)

The only thing read from outside is the package's own Jinja2 template for HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studyplan.plan import Day, Plan, Task

__all__ = ["CalendarContext", "DayActual", "FORMATS", "PAPERS", "render"]

FORMATS = ("html", "md", "txt", "ics")
PAPERS = ("a4", "letter")

PHASE_LABELS = {
    "foundations": "Foundations",
    "core": "Core",
    "domains": "Exam domains",
    "final_review": "Final review",
    "exam": "Exam",
}
PHASE_ORDER = ("foundations", "core", "domains", "final_review", "exam")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
STUDY_KINDS = ("course", "new_cards", "reviews", "drill", "practice_exam")
DAY_OFF_TITLE = "Day off"


@dataclass(frozen=True)
class DayActual:
    """What the learner actually did on one day (from the review log)."""

    reviewed: int
    new: int
    minutes: int
    course_minutes: int = 0


@dataclass(frozen=True)
class CalendarContext:
    """What the renderers need besides the plan.

    ``domains``: the exam guide's domains as ``(id, name, weight)``, in guide order.
    ``actuals``: date -> :class:`DayActual`, shown on days before ``today``.
    """

    exam_name: str
    exam_id: str
    learner: str
    domains: tuple[tuple[str, str, float], ...] = ()
    exam_duration_minutes: int = 0
    today: date | None = None
    actuals: Mapping[date, DayActual] = field(default_factory=dict)
    title: Callable[[Any], str] = lambda task: getattr(task, "label", "") or str(task.kind)
    domain_names: Mapping[str, str] = field(default_factory=dict)
    # The plan's courses as (title, provider, url), in plan order: printed with their links.
    courses: tuple[tuple[str, str, str], ...] = ()


# --------------------------------------------------------------------------- shared model


@dataclass(frozen=True)
class DomainInfo:
    id: str
    name: str
    weight: float | None  # None: not an exam-guide domain (e.g. a foundations deck)
    code: str             # short label used in cells: D1, D2, ... (F1, ... outside the guide)


@dataclass(frozen=True)
class DayView:
    """One planned day, flattened for the templates and tables."""

    date: date
    weekday: str
    phase: str
    phase_label: str
    kind: str                      # study | rest | off | free | exam
    courses: tuple[str, ...]
    new_cards: tuple[tuple[DomainInfo, int], ...]
    reviews: int                   # forecast SM-2 reviews
    drills: int                    # final-week drills (reviews tasks with a domain)
    practice: tuple[str, ...]
    exam: str                      # the exam task's title on the exam day
    minutes: int
    tasks: tuple[Task, ...]        # the plan's own tasks, in order
    past: bool
    is_today: bool
    actual: DayActual | None

    @property
    def iso(self) -> str:
        return self.date.isoformat()

    @property
    def new_total(self) -> int:
        return sum(n for _, n in self.new_cards)

    @property
    def is_study(self) -> bool:
        return self.kind in ("study", "exam") and any(t.kind in STUDY_KINDS for t in self.tasks)

    @property
    def rest_label(self) -> str:
        return {"rest": "rest", "off": "day off", "free": "free day"}.get(self.kind, "")


def phase_label(phase: str) -> str:
    return PHASE_LABELS.get(phase, phase.replace("_", " ").capitalize())


def phase_class(phase: str) -> str:
    return "ph-" + "".join(c if c.isalnum() or c in "_-" else "-" for c in phase.lower())


def domain_table(plan: Plan, ctx: CalendarContext) -> dict[str, DomainInfo]:
    """The guide's domains (D1..), then any other deck domain the plan introduces (F1..)."""
    out: dict[str, DomainInfo] = {}
    for i, (did, name, weight) in enumerate(ctx.domains, 1):
        out[did] = DomainInfo(did, name, float(weight), f"D{i}")
    extra = 0
    for day in plan.days:
        for t in day.tasks:
            if t.kind == "new_cards" and t.domain and t.domain not in out:
                extra += 1
                name = ctx.domain_names.get(t.domain, t.domain)
                out[t.domain] = DomainInfo(t.domain, name or t.domain, None, f"F{extra}")
    return out


def select_days(plan: Plan, start: date | None, end: date | None) -> list[Day]:
    if start is not None and end is not None and start > end:
        raise ValueError(f"the range is empty: --from {start.isoformat()} is after --to {end.isoformat()}")
    return [d for d in plan.days
            if (start is None or d.date >= start) and (end is None or d.date <= end)]


def day_minutes(day: Day) -> int:
    m = getattr(day, "minutes", None)
    if isinstance(m, int):
        return m
    return sum(int(t.minutes) for t in day.tasks)


def _kind(day: Day, plan: Plan) -> str:
    kinds = [t.kind for t in day.tasks]
    if "exam" in kinds or (day.phase == "exam" and not any(k in STUDY_KINDS for k in kinds)):
        return "exam"
    if any(k in STUDY_KINDS for k in kinds):
        return "study"
    if day.date in tuple(plan.days_off) or any(t.kind == "day_off" for t in day.tasks):
        return "off"
    if day.date.weekday() in tuple(plan.study_weekdays):
        return "free"
    return "rest"


def day_view(day: Day, plan: Plan, ctx: CalendarContext, domains: Mapping[str, DomainInfo]) -> DayView:
    courses, practice, new = [], [], []
    reviews = drills = 0
    exam = ""
    for t in day.tasks:
        if t.kind == "course":
            courses.append(ctx.title(t))
        elif t.kind == "new_cards":
            info = domains.get(t.domain) or DomainInfo(t.domain, t.domain, None, t.domain or "?")
            new.append((info, int(t.count)))
        elif t.kind == "drill" or (t.kind == "reviews" and t.domain):
            drills += int(t.count)
        elif t.kind == "reviews":
            reviews += int(t.count)
        elif t.kind == "practice_exam":
            practice.append(ctx.title(t))
        elif t.kind == "exam":
            exam = ctx.title(t)
    past = ctx.today is not None and day.date < ctx.today
    actual = ctx.actuals.get(day.date) if past else None
    return DayView(
        date=day.date, weekday=WEEKDAYS[day.date.weekday()], phase=day.phase,
        phase_label=phase_label(day.phase), kind=_kind(day, plan), courses=tuple(courses),
        new_cards=tuple(new), reviews=reviews, drills=drills, practice=tuple(practice),
        exam=exam or (f"Exam: {ctx.exam_name}" if day.phase == "exam" else ""),
        minutes=day_minutes(day), tasks=tuple(day.tasks), past=past,
        is_today=ctx.today is not None and day.date == ctx.today, actual=actual)


def day_views(plan: Plan, ctx: CalendarContext, start: date | None, end: date | None,
              domains: Mapping[str, DomainInfo] | None = None) -> list[DayView]:
    domains = domain_table(plan, ctx) if domains is None else domains
    return [day_view(d, plan, ctx, domains) for d in select_days(plan, start, end)]


def months_of(views: Iterable[DayView]) -> list[tuple[int, int, list[DayView]]]:
    """(year, month, days) in date order."""
    out: list[tuple[int, int, list[DayView]]] = []
    for v in sorted(views, key=lambda v: v.date):
        if not out or (out[-1][0], out[-1][1]) != (v.date.year, v.date.month):
            out.append((v.date.year, v.date.month, []))
        out[-1][2].append(v)
    return out


# A month with fewer plan days than this gets no page of its own.
MIN_PAGE_DAYS = 7


def month_pages(views: Iterable[DayView], min_days: int = MIN_PAGE_DAYS) -> list[tuple[int, int, list[DayView]]]:
    """(year, month, days) per page: months_of, with a month of fewer than *min_days* days
    folded into the next month's page (into the previous one at the end of the plan)."""
    pages = months_of(views)
    out: list[tuple[int, int, list[DayView]]] = []
    carry: list[DayView] = []
    for i, (year, month, days) in enumerate(pages):
        days = carry + days
        carry = []
        if len(days) < min_days and len(pages) > 1:
            if i + 1 < len(pages):
                carry = days
                continue
            if out:
                out[-1][2].extend(days)
                continue
        out.append((year, month, days))
    return out


def course_line(course: tuple[str, str, str]) -> str:
    """'Title (provider): url', leaving out what is not known."""
    title, provider, url = course
    return title + (f" ({provider})" if provider else "") + (f": {url}" if url else "")


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def weeks_of(views: Iterable[DayView]) -> list[tuple[date, list[DayView]]]:
    """(Monday, days) for each Monday-first week holding a shown day."""
    out: list[tuple[date, list[DayView]]] = []
    for v in sorted(views, key=lambda v: v.date):
        m = monday(v.date)
        if not out or out[-1][0] != m:
            out.append((m, []))
        out[-1][1].append(v)
    return out


def study_day_count(days: Iterable[DayView]) -> int:
    """The days a learner studies on: the exam day is not one (as in `plan create`'s count)."""
    return sum(1 for d in days if d.kind == "study")


def week_phase(days: Iterable[DayView]) -> str:
    """The phase of a week: the most frequent phase of its study days (the later on a tie)."""
    days = list(days)
    pool = [d for d in days if d.kind in ("study", "exam")] or days
    counts: dict[str, int] = {}
    for d in pool:
        counts[d.phase] = counts.get(d.phase, 0) + 1
    if any(d.kind == "exam" for d in pool):
        return "exam"
    order = {p: i for i, p in enumerate(PHASE_ORDER)}
    return max(counts, key=lambda p: (counts[p], order.get(p, -1)))


def week_phases(days: Iterable[DayView]) -> list[str]:
    """Every phase the week's days belong to, in plan order."""
    seen: list[str] = []
    for d in days:
        if d.phase not in seen:
            seen.append(d.phase)
    return seen


def domain_shares(views: Iterable[DayView], domains: Mapping[str, DomainInfo]
                  ) -> tuple[list[tuple[DomainInfo, int, float, float]], int, int]:
    """Per guide domain: (info, new cards, share of the guide domains' new cards, weight share)."""
    guide = [i for i in domains.values() if i.weight is not None]
    weights = {i.id: i.weight or 0.0 for i in guide}
    counts = {i.id: 0 for i in guide}
    other = 0
    for v in views:
        for info, n in v.new_cards:
            if info.id in counts:
                counts[info.id] += n
            else:
                other += n
    total = sum(counts.values())
    wsum = sum(weights.values()) or 1.0
    rows = [(i, counts[i.id], (counts[i.id] / total) if total else 0.0, weights[i.id] / wsum) for i in guide]
    return rows, total, other


def weekday_names(weekdays: Iterable[int]) -> str:
    """(0, 1, 2, 3, 4) -> 'Mon-Fri'; (0, 2, 4) -> 'Mon, Wed, Fri'."""
    wd = sorted(set(int(w) for w in weekdays))
    if not wd:
        return "none"
    if len(wd) == 7:
        return "every day"
    runs: list[list[int]] = []
    for w in wd:
        if runs and w == runs[-1][-1] + 1:
            runs[-1].append(w)
        else:
            runs.append([w])
    parts = []
    for r in runs:
        if len(r) >= 3:
            parts.append(f"{WEEKDAYS[r[0]]}-{WEEKDAYS[r[-1]]}")
        else:
            parts.extend(WEEKDAYS[w] for w in r)
    return ", ".join(parts)


def fmt_date(d: date) -> str:
    """'Mon 11 Jan 2027' (fixed English names: output must not depend on the locale)."""
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1][:3]} {d.year}"


def short_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1][:3]}"


# --------------------------------------------------------------------------- entry point


def render(plan: Plan, ctx: CalendarContext, fmt: str, start: date | None = None, end: date | None = None,
           paper: str = "a4", at: time | None = None, width: int = 80) -> str | bytes:
    """Render *plan* as *fmt* (html, md, txt: ``str``; ics: ``bytes``); txt fits *width* columns.

    *start*/*end* (inclusive) limit the days shown; *paper* (a4 or letter) sets the HTML
    page size; *at* makes the iCalendar study events start at that time of day and last
    the day's minutes (all-day events otherwise).
    """
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown calendar format {fmt!r}: use one of {', '.join(FORMATS)}")
    paper = (paper or "a4").lower()
    if paper not in PAPERS:
        raise ValueError(f"unknown paper size {paper!r}: use one of {', '.join(PAPERS)}")
    select_days(plan, start, end)  # validates the range
    if fmt == "html":
        from studyplan.calendar.html import render_html
        return render_html(plan, ctx, start=start, end=end, paper=paper)
    if fmt in ("md", "txt"):
        from studyplan.calendar.text import render_text
        return render_text(plan, ctx, fmt, start=start, end=end, width=width)
    from studyplan.calendar.ics import render_ics
    return render_ics(plan, ctx, start=start, end=end, at=at)
