"""iCalendar (RFC 5545) export through the :mod:`icalendar` library; returns ``bytes``.

* One VEVENT per study day (a day with a course block, new cards, reviews or a practice
  exam); rest days, days off and free days get none. All-day (``DTSTART;VALUE=DATE``,
  ``DTEND`` the next day) unless *at* is given: then the event starts at that time and
  lasts the day's planned minutes: a naive *at* is a floating local time (07:30 wherever
  the learner is), an aware one is written with its zone (a VTIMEZONE is added). The
  day's tasks are listed in DESCRIPTION.
* The exam is its own all-day event, even with *at*: *at* is the learner's study time,
  not the exam appointment, which the plan does not know.
* UIDs are ``studyplan-<exam id>-<learner>-<YYYYMMDD>-<study|exam>@studyplan`` (exam id and
  learner percent-encoded), so importing an updated plan replaces the same day's event.
* DTSTAMP is the plan's start at midnight UTC, not the clock: the same plan gives the same
  bytes, and the function stays pure.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from icalendar import Calendar, Event

from studyplan.calendar import CalendarContext, DayView, day_views, domain_table
from studyplan.text import strip_controls

if TYPE_CHECKING:
    from studyplan.plan import Plan

PRODID = "-//studyplan//studyplan calendar//EN"


def uid_for(exam_id: str, learner: str, day: date, kind: str) -> str:
    """The stable UID of *kind* ("study" or "exam") on *day* for this exam and learner."""
    return (f"studyplan-{quote(exam_id, safe='')}-{quote(learner, safe='')}-"
            f"{day.strftime('%Y%m%d')}-{kind}@studyplan")


def _description(v: DayView, ctx: CalendarContext) -> str:
    lines = []
    for t in v.tasks:
        if t.kind in ("rest", "day_off", "free", "exam"):
            continue
        line = f"- {ctx.title(t)}"
        if t.kind == "new_cards" and t.count:
            line += f": {t.count} cards"
        if t.minutes:
            line += f" ({t.minutes} min)"
        lines.append(line)
    lines.append(f"Total: {v.minutes} min. Phase: {v.phase_label}.")
    return "\n".join(lines)


def _summary(v: DayView, ctx: CalendarContext) -> str:
    parts = []
    if v.courses:
        parts.append("course")
    if v.new_total:
        parts.append(f"{v.new_total} new")
    if v.reviews or v.drills:
        parts.append(f"{v.reviews + v.drills} reviews")
    if v.practice:
        parts.append("practice exam")
    what = ", ".join(parts)
    return f"Study {ctx.exam_name}: {v.minutes} min ({v.phase_label}{': ' + what if what else ''})"


def render_ics(plan: Plan, ctx: CalendarContext, start: date | None = None, end: date | None = None,
               at: time | None = None) -> bytes:
    """The plan as an iCalendar file (``bytes``, CRLF line endings)."""
    stamp = datetime.combine(plan.start, time(0, 0), tzinfo=UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", strip_controls(f"studyplan: {ctx.exam_name} ({ctx.learner})"))
    views = day_views(plan, ctx, start, end, domain_table(plan, ctx))
    for v in views:
        if any(t.kind in ("course", "new_cards", "reviews", "practice_exam") for t in v.tasks):
            ev = Event()
            ev.add("uid", uid_for(ctx.exam_id, ctx.learner, v.date, "study"))
            ev.add("dtstamp", stamp)
            ev.add("summary", strip_controls(_summary(v, ctx)))
            ev.add("description", strip_controls(_description(v, ctx)))
            ev.add("categories", ["studyplan", v.phase])
            if at is not None and v.minutes > 0:
                begin = datetime.combine(v.date, at.replace(tzinfo=None), tzinfo=at.tzinfo)
                ev.add("dtstart", begin)
                ev.add("dtend", begin + timedelta(minutes=v.minutes))
                ev.add("transp", "OPAQUE")
            else:
                ev.add("dtstart", v.date)
                ev.add("dtend", v.date + timedelta(days=1))
                ev.add("transp", "TRANSPARENT")
            cal.add_component(ev)
        if any(t.kind == "exam" for t in v.tasks):
            ev = Event()
            ev.add("uid", uid_for(ctx.exam_id, ctx.learner, v.date, "exam"))
            ev.add("dtstamp", stamp)
            ev.add("summary", strip_controls(f"EXAM: {ctx.exam_name}"))
            desc = [v.exam]
            if ctx.exam_duration_minutes:
                desc.append(f"Duration: {ctx.exam_duration_minutes} min.")
            desc.append(f"Planned by studyplan for {ctx.learner}.")
            ev.add("description", strip_controls("\n".join(desc)))
            ev.add("categories", ["studyplan", "exam"])
            ev.add("dtstart", v.date)
            ev.add("dtend", v.date + timedelta(days=1))
            ev.add("transp", "OPAQUE")
            cal.add_component(ev)
    if at is not None and at.tzinfo is not None and at.utcoffset() != timedelta(0):
        add = getattr(cal, "add_missing_timezones", None)
        if add is not None:
            add()
    return bytes(cal.to_ical())
