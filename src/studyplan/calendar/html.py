"""The printable HTML calendar: one month grid per page, then a one-page overview.

Rendered from ``templates/calendar.html`` with Jinja2, autoescape on (domain names and
titles come from the learner's deck files). The output is one self-contained file: styles
in a ``<style>`` block, no scripts, no network. Pages are landscape A4 or Letter; every
size that matters for printing is computed here in millimetres so that each month fits its
page exactly (4, 5 or 6 week rows share the grid's height), and cell contents are clipped
rather than allowed to push the grid onto a second page.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, StrictUndefined, Template

from studyplan.calendar import (
    MONTHS,
    PHASE_ORDER,
    WEEKDAYS,
    CalendarContext,
    DayView,
    course_line,
    day_views,
    domain_shares,
    domain_table,
    fmt_date,
    month_pages,
    phase_class,
    phase_label,
    short_date,
    study_day_count,
    week_phase,
    week_phases,
    weekday_names,
    weeks_of,
)
from studyplan.text import strip_controls

if TYPE_CHECKING:
    from studyplan.plan import Plan

# Landscape pages, in millimetres: (CSS size keyword, width, height).
PAPER_SIZES = {"a4": ("A4", 297.0, 210.0), "letter": ("letter", 279.4, 215.9)}
MARGIN_MM = 10.0
HEADER_MM = 15.0      # title and facts line
WEEKDAY_ROW_MM = 5.0  # the Mon..Sun header row
LEGEND_MM = 15.0      # phases, domains, symbols: the least; more when domain names wrap
LEGEND_LINE_MM = 2.9  # one line of legend text (6.3pt at line-height 1.3)
LEGEND_CHARS = 40     # characters of a domain name that surely fit one line of a legend column
LEGEND_COLUMNS = 3
COURSE_LINE_MM = 4.2  # one course with its link on the overview page
SLACK_MM = 3.0        # rounding room so a page never spills onto the next
OVERVIEW_ROW_MAX_MM = 6.0


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["phase_class"] = phase_class
    env.filters["phase_label"] = phase_label
    env.filters["short_course"] = short_course
    return env


@lru_cache(maxsize=1)
def _template() -> Template:
    text = resources.files("studyplan.calendar").joinpath("templates", "calendar.html").read_text("utf-8")
    return _environment().from_string(text)


_ABBREV = ((re.compile(r"\bMachine Learning\b"), "ML"),)


def short_course(title: str) -> str:
    """Course titles shortened for a cell ('Machine Learning' -> 'ML')."""
    for pat, rep in _ABBREV:
        title = pat.sub(rep, title)
    return title


def _month_grid(year: int, month: int, days: list[DayView]) -> list[list[dict[str, Any] | None]]:
    """Monday-first weeks of the month, grown to hold days folded in from a neighbouring
    month: each cell None (not on this page) or (day number, view)."""
    by_date = {v.date: v for v in days}
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    while days and days[0].date < weeks[0][0]:
        weeks.insert(0, [d - timedelta(days=7) for d in weeks[0]])
    while days and days[-1].date > weeks[-1][-1]:
        weeks.append([d + timedelta(days=7) for d in weeks[-1]])
    return [[None if d.month != month and d not in by_date
             else {"day": d.day if d.month == month else f"{d.day} {MONTHS[d.month - 1][:3]}", "v": by_date.get(d)}
             for d in week] for week in weeks]


def legend_height(names: list[str]) -> float:
    """Millimetres the legend needs so every domain name shows in full, wrapped in its column."""
    rows = [names[i:i + LEGEND_COLUMNS] for i in range(0, len(names), LEGEND_COLUMNS)]
    lines = 1 + sum(max(-(-len(n) // LEGEND_CHARS) for n in row) for row in rows)  # the title, then the rows
    return max(LEGEND_MM, lines * LEGEND_LINE_MM + 2.0)


def render_html(plan: Plan, ctx: CalendarContext, start: date | None = None, end: date | None = None,
                paper: str = "a4") -> str:
    """The calendar as one self-contained HTML page (``str``)."""
    size_kw, width, height = PAPER_SIZES[paper]
    content_w = width - 2 * MARGIN_MM
    content_h = height - 2 * MARGIN_MM
    domains = domain_table(plan, ctx)
    views = day_views(plan, ctx, start, end, domains)
    months = []
    for year, month, days in month_pages(views):
        grid = _month_grid(year, month, days)
        shown = [i for i in domains.values()
                 if i.weight is not None or any(d.id == i.id for v in days for d, _ in v.new_cards)]
        legend_h = legend_height([f"{i.code} {i.name} (00%)" for i in shown])
        grid_h = content_h - HEADER_MM - WEEKDAY_ROW_MM - legend_h - SLACK_MM
        row_h = grid_h / len(grid)
        months.append({
            "title": f"{MONTHS[month - 1]} {year}",
            "weeks": grid,
            "row_h": f"{row_h:.2f}",
            "cell_h": f"{row_h - 0.6:.2f}",
            "legend_h": f"{legend_h:.1f}",
            "first": days[0].date, "last": days[-1].date,
            "domains": shown,
            "phases": [p for p in PHASE_ORDER if any(v.phase == p for v in days)]
                      + sorted({v.phase for v in days} - set(PHASE_ORDER)),
        })
    weeks: list[dict[str, Any]] = []
    for n, (mon, wdays) in enumerate(weeks_of(views), 1):
        weeks.append({
            "n": n, "monday": mon, "first": wdays[0].date, "last": wdays[-1].date,
            "phase": week_phase(wdays), "phases": week_phases(wdays),
            "study": study_day_count(wdays),
            "minutes": sum(v.minutes for v in wdays),
            "new": sum(v.new_total for v in wdays),
            "reviews": sum(v.reviews + v.drills for v in wdays),
            "exam": any(v.kind == "exam" for v in wdays),
        })
    courses = [course_line(c) for c in ctx.courses]
    room = content_h - HEADER_MM - 20.0 - (COURSE_LINE_MM * (len(courses) + 1) if courses else 0.0)
    overview_row_h = min(OVERVIEW_ROW_MAX_MM, room / max(1, len(weeks) + 1))
    shares, share_total, other_new = domain_shares(views, domains)
    scale = max([s for _, _, s, _ in shares] + [w for _, _, _, w in shares] + [0.01])
    all_phases = [p for p in PHASE_ORDER if any(v.phase == p for v in views)] \
        + sorted({v.phase for v in views} - set(PHASE_ORDER))
    phase_days = {p: study_day_count(v for v in views if v.phase == p) for p in all_phases}
    wd = {int(w) for w in plan.study_weekdays}
    document = str(_template().render(
        ctx=ctx, plan=plan, paper=size_kw, page_w=f"{content_w:.1f}", page_h=f"{content_h - 1.0:.1f}",
        margin=f"{MARGIN_MM:.0f}", header_h=f"{HEADER_MM:.1f}", weekday_h=f"{WEEKDAY_ROW_MM:.1f}",
        legend_h=f"{LEGEND_MM:.1f}", months=months, weekdays=[(n, i in wd) for i, n in enumerate(WEEKDAYS)],
        domains=list(domains.values()), weeks=weeks, overview_row_h=f"{overview_row_h:.2f}",
        shares=shares, share_total=share_total, other_new=other_new, scale=scale,
        phases=[p for p in all_phases if phase_days[p]], phase_days=phase_days,
        study_weekdays=weekday_names(plan.study_weekdays), fmt_date=fmt_date, short_date=short_date,
        first=views[0].date if views else None, last=views[-1].date if views else None,
        total_minutes=sum(v.minutes for v in views), total_new=sum(v.new_total for v in views),
        total_reviews=sum(v.reviews + v.drills for v in views), study_day_count=study_day_count(views),
        days_off=sorted(plan.days_off), courses=courses, course_line_h=f"{COURSE_LINE_MM:.1f}",
    ))
    return strip_controls(document, keep="\n\t")  # escapes and bidi overrides from deck text, gone
