"""Month pages: none for a month of fewer than 7 plan days (folded into a neighbour), domain
names in full in the legend, and the plan's courses with provider and link."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from calendar_plan import DOMAINS, make_ctx, make_plan
from test_print import pdf_pages, print_pdf

from studyplan.calendar import day_views, month_pages, render

LONG = "Collaborating within and across teams to manage data and models"
COURSES = (("Production Machine Learning Systems", "Google Cloud on Coursera",
            "https://www.coursera.org/learn/gcp-production-ml-systems"), ("Reading notes", "", ""))


def months(html: str) -> list[str]:
    return re.findall(r'data-month="([^"]+)"', html)


def page_of(html: str, month: str) -> str:
    i = html.index(f'data-month="{month}"')
    j = html.find("<section", i)
    return html[i:j]


def test_two_days_of_november_fold_into_the_december_page():
    plan = make_plan(start=date(2026, 11, 29), exam=date(2027, 1, 15))
    html = render(plan, make_ctx(today=None), "html")
    assert months(html) == ["December 2026", "January 2027"]
    december = page_of(html, "December 2026")
    assert 'data-date="2026-11-29"' in december and 'data-date="2026-11-30"' in december
    assert ">29 Nov<" in december  # a folded day names its month
    assert "29 Nov – 31 Dec" in december
    dates = re.findall(r'data-date="(\d{4}-\d{2}-\d{2})"', html)
    assert dates == [d.date.isoformat() for d in plan.days]  # every day once, none lost in the fold


def test_a_short_last_month_folds_into_the_page_before():
    plan = make_plan(start=date(2027, 1, 11), exam=date(2027, 3, 3))
    pages = month_pages(day_views(plan, make_ctx(today=None), None, None))
    assert [(y, m, len(days)) for y, m, days in pages] == [(2027, 1, 21), (2027, 2, 31)]
    md = render(plan, make_ctx(today=None), "md")
    assert "## March 2027" not in md and "2027-03-03" in md


def test_a_plan_inside_one_short_month_still_has_its_page():
    plan = make_plan(start=date(2027, 2, 20), exam=date(2027, 2, 24))
    assert months(render(plan, make_ctx(today=None), "html")) == ["February 2027"]


def test_legend_shows_long_domain_names_in_full_and_grows_to_hold_them():
    domains = DOMAINS + tuple((f"x{i}", f"{LONG} number {i}", 0.05) for i in range(4))
    ctx = replace(make_ctx(), domains=domains)
    html = render(make_plan(domains=domains), ctx, "html")
    legend = html[html.index('<div class="legend"'):]
    assert f"{LONG} number 3" in legend
    assert "text-overflow: ellipsis" not in html[html.index(".legend .ditem"):html.index("\n", html.index(".legend .ditem"))]
    short = render(make_plan(), make_ctx(), "html")
    height = lambda page: float(re.search(r'<div class="legend" style="height: ([\d.]+)mm"', page).group(1))  # noqa: E731
    assert height(html) > height(short) == 15.0


def test_courses_with_provider_and_link_in_the_calendar():
    ctx = replace(make_ctx(), courses=COURSES)
    html = render(make_plan(), ctx, "html")
    overview = html[html.index("overview-page"):]
    assert ("<li style=\"min-height: 4.2mm\">Production Machine Learning Systems (Google Cloud on Coursera): "
            "https://www.coursera.org/learn/gcp-production-ml-systems</li>") in overview
    assert "<li style=\"min-height: 4.2mm\">Reading notes</li>" in overview
    assert "<a " not in html and 'src="http' not in html  # printed as text: the page loads nothing
    text = render(make_plan(), ctx, "txt", width=300)
    assert ("- Production Machine Learning Systems (Google Cloud on Coursera): "
            "https://www.coursera.org/learn/gcp-production-ml-systems") in text


def test_folded_pages_long_names_and_courses_still_print_one_page_per_month(tmp_path):
    domains = DOMAINS + tuple((f"x{i}", f"{LONG} number {i}", 0.05) for i in range(6))
    plan = make_plan(start=date(2026, 11, 29), exam=date(2027, 1, 15), domains=domains)
    html = render(plan, replace(make_ctx(today=None), domains=domains, courses=COURSES * 3), "html")
    pages, _size = pdf_pages(print_pdf(html, tmp_path, "folded"))
    assert pages == len(months(html)) + 1 == 3


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_text_calendars_fold_too(fmt):
    out = render(make_plan(start=date(2026, 11, 29), exam=date(2027, 1, 15)), make_ctx(today=None), fmt, width=300)
    assert "November 2026" not in out and "December 2026" in out and "2026-11-29" in out
