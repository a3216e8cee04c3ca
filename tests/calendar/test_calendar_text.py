"""Markdown and plain-text calendars: a row per planned day, escaping, filtering."""

from __future__ import annotations

import re
from datetime import date

import pytest
from calendar_plan import DAY_OFF, EXAM, XSS, all_dates, make_ctx, make_plan

from studyplan.calendar import render


def rows_by_date(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        m = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", line)
        if m and not line.lstrip().startswith(("-", "*")):
            assert m.group(1) not in out, f"date twice: {m.group(1)}"
            out[m.group(1)] = line
    return out


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_every_planned_date_on_its_own_row(fmt):
    text = render(make_plan(), make_ctx(), fmt, width=300)
    assert isinstance(text, str)
    rows = rows_by_date(text)
    assert list(rows) == [d.isoformat() for d in all_dates(make_plan())]
    assert "Mon" in rows["2027-01-11"] and "Core" in rows["2027-01-11"]


def test_markdown_uses_github_tables_per_month():
    md = render(make_plan(), make_ctx(), "md")
    assert "## January 2027" in md and "## February 2027" in md
    assert md.index("## January 2027") < md.index("2027-01-11") < md.index("## February 2027")
    header = next(line for line in md.splitlines() if line.startswith("| Week"))
    cols = [c.strip() for c in header.strip("|").split("|")]
    assert cols == ["Week", "Date", "Day", "Phase", "Course / exam", "New cards", "Reviews", "Minutes", "Done"]
    assert re.search(r"^\|-+\|", md, re.M)
    # every table row of a month has the same number of cells (no stray pipes)
    for line in md.splitlines():
        if line.startswith("| ") and re.search(r"\d{4}-\d{2}-\d{2}", line):
            assert len(re.findall(r"(?<!\\)\|", line)) == 10, line


def test_text_uses_simple_tables():
    txt = render(make_plan(), make_ctx(), "txt", width=300)
    assert "January 2027\n------------" in txt
    assert "|" not in txt
    assert "**" not in txt


def test_row_contents():
    rows = rows_by_date(render(make_plan(), make_ctx(), "txt", width=300))
    assert "Production Machine Learning Systems: Module 1" in rows["2027-01-11"]
    assert re.search(r"D1 4, D2 6, D3 10\s+5\s+43", rows["2027-02-01"])
    assert "(day off)" in rows[DAY_OFF.isoformat()]
    assert "(rest)" in rows["2027-01-17"]
    assert "Exam: Tiny Exam" in rows[EXAM.isoformat()]
    assert "Timed practice exam" in rows["2027-02-17"]
    assert "+8 drill" in rows["2027-02-18"]
    # done on past days only
    assert rows["2027-01-12"].rstrip().endswith("3 rev, 0 new, 52 min")
    assert rows["2027-01-13"].rstrip().endswith("missed")
    assert not rows["2027-01-28"].rstrip().endswith(("missed", "min"))


def test_no_done_column_without_today():
    md = render(make_plan(), make_ctx(today=None), "md")
    assert "Done" not in md and "missed" not in md


def test_markdown_escapes_deck_text():
    md = render(make_plan(), make_ctx(), "md")
    assert "<script>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    txt = render(make_plan(), make_ctx(), "txt", width=300)
    assert XSS in txt  # plain text is printed as is


def test_pipe_in_a_title_does_not_break_the_markdown_table():
    from calendar_plan import Day, Task
    plan = make_plan()
    days = list(plan.days)
    days[0] = Day(days[0].date, "core", (Task("course", "A | B", "", 0, 30),))
    plan = type(plan)(**{**plan.__dict__, "days": tuple(days)})
    md = render(plan, make_ctx(), "md")
    line = next(x for x in md.splitlines() if "2027-01-11" in x)
    assert r"A \| B" in line


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_from_to_filter(fmt):
    text = render(make_plan(), make_ctx(), fmt, start=date(2027, 1, 30), end=date(2027, 2, 2), width=300)
    assert list(rows_by_date(text)) == ["2027-01-30", "2027-01-31", "2027-02-01", "2027-02-02"]


def test_overview_tables():
    md = render(make_plan(), make_ctx(), "md")
    assert "## Overview: weeks by phase" in md
    assert "## New cards by domain against the exam guide" in md
    share_rows = [x for x in md.splitlines() if x.startswith("| D")]
    assert any("Framing ML problems" in x and "20%" in x for x in share_rows)


def test_plain_text_fits_the_width_asked_with_every_date_once():
    for width in (80,):
        text = render(make_plan(), make_ctx(), "txt", width=width)
        assert max(len(line) for line in text.splitlines()) <= width
        dates = re.findall(r"\b\d{4}-\d{2}-\d{2}\b", text)
        wide = re.findall(r"\b\d{4}-\d{2}-\d{2}\b", render(make_plan(), make_ctx(), "txt", width=300))
        assert dates == wide  # wrapping moves words, never a date
