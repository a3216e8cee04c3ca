"""Markdown and plain-text calendars: per month, a week-by-week table with a row per day.

Tables go through :mod:`tabulate` (``github`` for Markdown, ``simple`` for text, fitted
to the width asked by wrapping long cells). Text
from the plan and the decks (titles, domain names) is escaped for Markdown so a ``|`` or
``<script>`` in a deck cannot break the table or inject HTML into a rendered page (``<``,
``>`` and ``&`` become entities, which every Markdown renderer shows as text), and in both
formats control and bidirectional characters are shown escaped (``\x1b``), as in the
terminal views.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from tabulate import tabulate

from studyplan.calendar import (
    MONTHS,
    CalendarContext,
    DayView,
    course_line,
    day_views,
    domain_shares,
    domain_table,
    fmt_date,
    month_pages,
    phase_label,
    short_date,
    study_day_count,
    week_phase,
    week_phases,
    weekday_names,
    weeks_of,
)
from studyplan.layout import DEFAULT_WIDTH, fit_table, wrap
from studyplan.text import one_line

if TYPE_CHECKING:
    from studyplan.plan import Plan

_MD_SPECIAL = re.compile(r"([\\|`*_\[\]#])")
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BREAKS = re.compile(r"[\t\n\r]+")


def _clean(text: str) -> str:
    return one_line(_BREAKS.sub(" ", str(text))).strip()


def _md(text: str) -> str:
    escaped = _MD_SPECIAL.sub(r"\\\1", _clean(text))
    return re.sub(r"[&<>]", lambda m: _MD_ENTITIES[m.group()], escaped)


def _course(v: DayView, esc: Callable[[str], str]) -> str:
    return "; ".join(esc(c) for c in v.courses)


def _new(v: DayView, esc: Callable[[str], str]) -> str:
    return ", ".join(f"{esc(info.code)} {n}" for info, n in v.new_cards if n)


def _reviews(v: DayView) -> str:
    parts = []
    if v.reviews:
        parts.append(str(v.reviews))
    if v.drills:
        parts.append(f"+{v.drills} drill")
    return " ".join(parts)


def _done(v: DayView) -> str:
    if not v.past:
        return ""
    a = v.actual
    if a is None:
        return "missed" if v.kind in ("study", "exam") else ""
    return f"{a.reviewed} rev, {a.new} new, {a.minutes} min"


def _row(v: DayView, esc: Callable[[str], str], with_done: bool, week_label: str) -> list[str]:
    if v.kind == "exam":
        course = esc(v.exam)
    elif v.kind in ("rest", "off", "free"):
        course = f"({v.rest_label})"
    else:
        course = _course(v, esc)
    extra = [esc(p) for p in v.practice]
    if extra:
        course = "; ".join([c for c in [course] if c] + extra)
    row = [week_label, v.date.isoformat(), v.weekday, esc(v.phase_label), course, _new(v, esc),
           _reviews(v), str(v.minutes) if v.minutes else ""]
    if with_done:
        row.append(_done(v))
    return row


def render_text(plan: Plan, ctx: CalendarContext, fmt: str, start: date | None = None,
                end: date | None = None, width: int = DEFAULT_WIDTH) -> str:
    """The calendar as Markdown (``fmt="md"``) or plain text (``fmt="txt"``); plain text
    fits *width* columns (long cells wrap at spaces; Markdown tables cannot wrap)."""
    md = fmt == "md"
    esc = _md if md else _clean
    tablefmt = "github" if md else "simple"

    def table(rows: Sequence[Sequence[str]], headers: list[str], wrap_columns: tuple[int, ...]) -> str:
        wrap_columns = tuple(i for i in wrap_columns if i < len(headers))
        if md:
            return str(tabulate(rows, headers=headers, tablefmt=tablefmt, disable_numparse=True))
        return fit_table(rows, headers, width, wrap_columns=wrap_columns, tablefmt=tablefmt)
    domains = domain_table(plan, ctx)
    views = day_views(plan, ctx, start, end, domains)
    with_done = ctx.today is not None
    # Plain text is fitted to a terminal's width: the minutes column under a short header.
    headers = ["Week", "Date", "Day", "Phase", "Course / exam", "New cards", "Reviews", "Minutes" if md else "Min"]
    if with_done:
        headers.append("Done")

    out: list[str] = []

    def heading(level: int, text: str) -> None:
        if md:
            out.append(f"{'#' * level} {text}")
        else:
            out.append(text)
            out.append(("=" if level == 1 else "-") * len(text))
        out.append("")

    heading(1, f"Study calendar: {esc(ctx.exam_name)}")
    if views:
        shown = f"{fmt_date(views[0].date)} to {fmt_date(views[-1].date)}"
    else:
        shown = "no days in the range asked"
    facts = [
        ("Learner", esc(ctx.learner)),
        ("Exam", f"{esc(ctx.exam_name)} on {fmt_date(plan.exam_date)}"
         + (f" ({ctx.exam_duration_minutes} min)" if ctx.exam_duration_minutes else "")),
        ("Background", esc(plan.background)),
        ("Plan", f"{fmt_date(plan.start)} to {fmt_date(plan.exam_date)}, "
                 f"{plan.minutes_per_day} min a day, study days {weekday_names(plan.study_weekdays)}"),
        ("Shown", shown),
    ]
    if ctx.today is not None:
        facts.append(("Today", fmt_date(ctx.today)))
    for k, v in facts:
        out.append(f"- **{k}:** {v}" if md else wrap(v, width, f"{k + ':':<12}"))
    out.append("")
    legend = [(f"{i.code}", esc(i.name), f"{i.weight:.0%}" if i.weight is not None else "")
              for i in domains.values()]
    if legend:
        heading(2, "Domains")
        out.append(table(legend, ["Code", "Domain", "Guide weight"], (1, 2)))
        out.append("")

    if ctx.courses:
        heading(2, "Courses")
        out.extend(f"- {esc(course_line(c))}" if md else wrap(esc(course_line(c)), width, "- ") for c in ctx.courses)
        out.append("")

    for year, month, days in month_pages(views):
        heading(2, f"{MONTHS[month - 1]} {year}")
        rows: list[list[str]] = []
        for n, (mon, wdays) in enumerate(weeks_of(days)):
            if not md and n:
                rows.append([""] * (len(headers) - 1))  # a blank line between weeks
            for j, view in enumerate(wdays):
                label = f"week of {short_date(mon)}" if j == 0 else ""
                rows.append(_row(view, esc, with_done, label)[(0 if md else 1):])
        if md:
            out.append(table(rows, headers, ()))
        else:  # no week column in plain text (the dates tell; weeks are blank-line apart): it must fit 80
            wrapped = table(rows, headers[1:], (2, 3, 4, 5, 7))
            out.append("\n".join(line.rstrip() for line in wrapped.splitlines()))
        out.append("")

    if views:
        heading(2, "Overview: weeks by phase")
        overview: list[list[str]] = []
        for n, (_mon, wdays) in enumerate(weeks_of(views), 1):
            phases = week_phases(wdays)
            overview.append([str(n), f"{short_date(wdays[0].date)} - {short_date(wdays[-1].date)}",
                         esc(phase_label(week_phase(wdays))),
                         ", ".join(esc(phase_label(p)) for p in phases),
                         str(study_day_count(wdays)), str(sum(v.minutes for v in wdays)),
                         str(sum(v.new_total for v in wdays)), str(sum(v.reviews + v.drills for v in wdays))])
        out.append(table(overview, ["Week", "Days", "Phase", "Phases", "Study days", "Minutes", "New cards", "Reviews"],
                         (1, 2, 3, 4, 6)))
        out.append("")
        shares, total, other = domain_shares(views, domains)
        if shares:
            heading(2, "New cards by domain against the exam guide")
            rows = [[info.code, esc(info.name), str(n), f"{share:.0%}", f"{weight:.0%}",
                     _bar(share, md)] for info, n, share, weight in shares]
            out.append(table(rows, ["Code", "Domain", "New cards", "Share", "Guide", "Share bar"], (1, 2)))
            out.append("")
            if other:
                out.append(f"Plus {other} new foundations cards outside the exam guide's domains.")
                out.append("")
    return "\n".join(out).rstrip() + "\n"


def _bar(share: float, md: bool) -> str:
    return "=" * round(share * 20) or "."
