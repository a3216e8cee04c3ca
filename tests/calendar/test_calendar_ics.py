"""iCalendar export: parsed back with icalendar; events, dates, UIDs, timed events, filtering."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from calendar_plan import DAY_OFF, EXAM, FREE, all_dates, make_ctx, make_plan, study_dates
from icalendar import Calendar

from studyplan.calendar import render


def events(data: bytes):
    cal = Calendar.from_ical(data)
    return cal, [c for c in cal.walk("VEVENT")]


def by_uid(evs):
    return {str(e["UID"]): e for e in evs}


def test_bytes_and_calendar_properties():
    data = render(make_plan(), make_ctx(), "ics")
    assert isinstance(data, bytes)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    cal, _ = events(data)
    assert str(cal["VERSION"]) == "2.0"
    assert "studyplan" in str(cal["PRODID"])


def test_one_all_day_event_per_study_day_and_the_exam():
    plan = make_plan()
    _, evs = events(render(plan, make_ctx(), "ics"))
    study = [e for e in evs if str(e["UID"]).endswith("-study@studyplan")]
    exam = [e for e in evs if str(e["UID"]).endswith("-exam@studyplan")]
    assert [e.decoded("DTSTART") for e in study] == study_dates(plan)
    assert len(evs) == len(study_dates(plan)) + 1
    for e in study:
        start = e.decoded("DTSTART")
        assert type(start) is date
        assert e.decoded("DTEND") == start + timedelta(days=1)
    assert [e.decoded("DTSTART") for e in exam] == [EXAM]
    assert "Tiny Exam" in str(exam[0]["SUMMARY"])
    starts = {e.decoded("DTSTART") for e in evs}
    assert DAY_OFF not in starts and FREE not in starts and date(2027, 1, 17) not in starts


def test_raw_all_day_form_and_dtstamp_from_the_plan():
    data = render(make_plan(), make_ctx(), "ics").decode()
    assert "DTSTART;VALUE=DATE:20270111\r\n" in data
    assert "DTSTAMP:20270111T000000Z\r\n" in data
    assert data.count("DTSTAMP:20270111T000000Z") == data.count("BEGIN:VEVENT")


def test_description_lists_the_tasks():
    _, evs = events(render(make_plan(), make_ctx(), "ics"))
    e = by_uid(evs)["studyplan-tiny-alice-20270201-study@studyplan"]
    desc = str(e["DESCRIPTION"])
    assert "New cards: Framing ML problems: 4 cards (8 min)" in desc
    assert "Reviews: 5 cards due" in desc
    assert "Total: 43 min" in desc


def test_uids_stable_across_renders_and_a_changed_plan():
    a = render(make_plan(), make_ctx(), "ics")
    assert render(make_plan(), make_ctx(), "ics") == a
    _, ea = events(a)
    _, eb = events(render(make_plan(minutes=90), make_ctx(), "ics"))
    ua, ub = by_uid(ea), by_uid(eb)
    assert set(ua) == set(ub)
    for uid in ua:
        assert ua[uid].decoded("DTSTART") == ub[uid].decoded("DTSTART")
    assert str(ua["studyplan-tiny-alice-20270111-study@studyplan"]["DESCRIPTION"]) != \
        str(ub["studyplan-tiny-alice-20270111-study@studyplan"]["DESCRIPTION"])
    # a later exam date: the days both plans share keep their UIDs
    _, ec = events(render(make_plan(exam=EXAM + timedelta(days=7)), make_ctx(), "ics"))
    uc = by_uid(ec)
    assert "studyplan-tiny-alice-20270111-study@studyplan" in uc
    assert f"studyplan-tiny-alice-{(EXAM + timedelta(days=7)):%Y%m%d}-exam@studyplan" in uc


def test_uids_unique_and_per_learner():
    _, ea = events(render(make_plan(), make_ctx(), "ics"))
    assert len(by_uid(ea)) == len(ea)
    _, eb = events(render(make_plan(), make_ctx(learner="bob@example.com"), "ics"))
    assert not set(by_uid(ea)) & set(by_uid(eb))
    assert "studyplan-tiny-bob%40example.com-20270111-study@studyplan" in by_uid(eb)


def test_at_gives_timed_events_lasting_the_day_minutes():
    plan = make_plan()
    _, evs = events(render(plan, make_ctx(), "ics", at=time(7, 30)))
    minutes = {d.date: d.minutes for d in plan.days}
    study = [e for e in evs if str(e["UID"]).endswith("-study@studyplan")]
    assert len(study) == len(study_dates(plan))
    for e in study:
        start = e.decoded("DTSTART")
        assert isinstance(start, datetime) and start.time() == time(7, 30)
        assert e.decoded("DTEND") - start == timedelta(minutes=minutes[start.date()])
    exam = [e for e in evs if str(e["UID"]).endswith("-exam@studyplan")]
    assert type(exam[0].decoded("DTSTART")) is date  # the appointment time is not known


def test_at_with_utc():
    data = render(make_plan(), make_ctx(), "ics", at=time(6, 0, tzinfo=UTC))
    assert b"DTSTART:20270111T060000Z\r\n" in data


def test_from_to_filter():
    plan = make_plan()
    lo, hi = date(2027, 2, 15), date(2027, 2, 28)
    _, evs = events(render(plan, make_ctx(), "ics", start=lo, end=hi))
    starts = sorted(e.decoded("DTSTART") for e in evs)
    assert starts == sorted(study_dates(plan, lo, hi) + [EXAM])
    _, evs = events(render(plan, make_ctx(), "ics", end=date(2027, 1, 31)))
    assert all(e.decoded("DTSTART") <= date(2027, 1, 31) for e in evs)
    assert not any(str(e["UID"]).endswith("-exam@studyplan") for e in evs)


@pytest.mark.parametrize("lo, hi", [(None, None), (date(2027, 1, 20), date(2027, 2, 5))])
def test_every_date_in_every_format(lo, hi):
    """The common promise: each planned date within from/to shows in html, md and txt."""
    plan = make_plan()
    want = [d.isoformat() for d in all_dates(plan, lo, hi)]
    for fmt in ("html", "md", "txt"):
        out = render(plan, make_ctx(), fmt, start=lo, end=hi)
        for iso in want:
            assert iso in out, (fmt, iso)


def test_at_naive_is_floating_and_zoned_adds_a_vtimezone():
    data = render(make_plan(), make_ctx(), "ics", at=time(7, 0)).decode()
    assert "DTSTART:20270111T070000\r\n" in data and "VTIMEZONE" not in data
    from zoneinfo import ZoneInfo
    try:
        zone = ZoneInfo("Europe/Berlin")
    except Exception:  # pragma: no cover - no tz database on this machine
        pytest.skip("no tz database")
    data = render(make_plan(), make_ctx(), "ics", at=time(7, 0, tzinfo=zone))
    cal, evs = events(data)
    assert len(list(cal.walk("VTIMEZONE"))) == 1
    start = evs[0].decoded("DTSTART")
    assert start.utcoffset() == timedelta(hours=1) and start.hour == 7
