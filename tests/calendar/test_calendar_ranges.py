"""Properties over every format: any --from/--to window shows exactly its planned dates."""

from __future__ import annotations

import re
from datetime import date, timedelta

from calendar_plan import EXAM, START, all_dates, make_ctx, make_plan, study_dates
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from studyplan.calendar import render

PLAN = make_plan()
CTX = make_ctx()
dates = st.dates(min_value=START - timedelta(days=10), max_value=EXAM + timedelta(days=10))


@settings(max_examples=40, deadline=None)
@given(a=dates, b=dates)
def test_window_shows_exactly_its_dates_in_every_format(a, b):
    lo, hi = min(a, b), max(a, b)
    want = [d.isoformat() for d in all_dates(PLAN, lo, hi)]
    html = render(PLAN, CTX, "html", start=lo, end=hi)
    assert re.findall(r'data-date="([\d-]+)"', html) == want
    for fmt in ("md", "txt"):
        text = render(PLAN, CTX, fmt, start=lo, end=hi, width=300)
        shown = [m.group(1) for line in text.splitlines()
                 if (m := re.search(r"\b(\d{4}-\d{2}-\d{2})\b", line)) and not line.lstrip().startswith("-")]
        assert shown == want, fmt
    cal = Calendar.from_ical(render(PLAN, CTX, "ics", start=lo, end=hi))
    starts = sorted(e.decoded("DTSTART") for e in cal.walk("VEVENT"))
    assert starts == sorted(study_dates(PLAN, lo, hi) + ([EXAM] if lo <= EXAM <= hi else []))


def test_real_plan_from_the_shipped_decks_renders_every_date():
    """A plan built by the planner from the shipped decks, through all four formats."""
    from studyplan.calendar import CalendarContext
    from studyplan.decks import load_catalog, shipped_decks_dir
    from studyplan.plan import Request
    from studyplan.planner import build_plan

    catalog, _ = load_catalog(shipped_decks_dir())
    exam = catalog.exam("google-pmle")
    plan = build_plan(exam, catalog.courses_for("experienced"),
                      Request(background="experienced", start=date(2026, 12, 1), exam_date=date(2027, 1, 15),
                              minutes_per_day=120, study_weekdays=(0, 1, 2, 3, 4, 5),
                              days_off=(date(2026, 12, 10),)))
    ctx = CalendarContext(exam_name=exam.name, exam_id=exam.id, learner="dana",
                          domains=tuple((d.id, d.name, d.weight) for d in exam.domains),
                          exam_duration_minutes=exam.duration_minutes)
    want = [d.date.isoformat() for d in plan.days]
    html = render(plan, ctx, "html")
    assert re.findall(r'data-date="([\d-]+)"', html) == want
    assert html.count('data-month="') == 2
    for fmt in ("md", "txt"):
        text = render(plan, ctx, fmt, width=300)
        assert all(iso in text for iso in want)
    cal = Calendar.from_ical(render(plan, ctx, "ics"))
    evs = list(cal.walk("VEVENT"))
    study = [d for d in plan.days if any(t.kind in ("course", "new_cards", "reviews", "drill", "practice_exam")
                                         for t in d.tasks)]
    assert len(evs) == len(study) + 1
    # every guide domain's new cards show in the overview's share chart
    ov = html[html.index("overview-page"):]
    for d in exam.domains:
        assert d.name in ov
