"""HTML calendar: every planned date, escaping, months, paper size, actuals, exam day, overview."""

from __future__ import annotations

import re
from datetime import date

import pytest
from calendar_plan import DAY_OFF, EXAM, FREE, all_dates, make_ctx, make_plan

from studyplan.calendar import CalendarContext, render


@pytest.fixture(scope="module")
def page() -> str:
    return render(make_plan(), make_ctx(), "html")


def data_dates(html: str) -> list[str]:
    return re.findall(r'data-date="(\d{4}-\d{2}-\d{2})"', html)


def cell(html: str, iso: str) -> str:
    """The <td> of one day (up to the next day's cell)."""
    i = html.index(f'data-date="{iso}"')
    j = html.find("data-date=", i + 10)
    return html[html.rindex("<td", 0, i): j if j != -1 else len(html)]


def test_returns_str_and_every_planned_date_once(page):
    assert isinstance(page, str)
    plan = make_plan()
    assert data_dates(page) == [d.isoformat() for d in all_dates(plan)]


def test_self_contained_no_scripts_no_network(page):
    assert "<style>" in page
    assert "<script" not in page.lower().replace("&lt;script", "")
    assert "http://" not in page and "https://" not in page
    assert "<link" not in page


def test_domain_name_is_escaped():
    page = render(make_plan(), make_ctx(learner='<b>bob</b> & "co"'), "html")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;" in page
    assert "<b>bob</b>" not in page
    assert "&lt;b&gt;bob&lt;/b&gt; &amp; &#34;co&#34;" in page


def test_one_page_per_month_plus_overview(page):
    assert re.findall(r'data-month="([^"]+)"', page) == ["January 2027", "February 2027"]
    assert page.count('class="page ') == 3
    assert "overview-page" in page
    assert "break-after: page" in page


def test_month_grid_is_monday_first_with_blank_days_outside_the_month(page):
    jan = page[page.index('data-month="January 2027"'):page.index('data-month="February 2027"')]
    heads = re.findall(r"<th class=\"(?:non)?study\">(\w{3})", jan)
    assert heads == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    # 1 Jan 2027 is a Friday: four blank cells before it, and 6 week rows in January 2027
    tbody = jan[jan.index("<tbody>"):]
    assert tbody.index('class="blank"') < tbody.index('class="outside"')
    assert len(re.findall(r'<td class="blank">', tbody)) == 4
    assert tbody.count("<tr ") == 5
    assert "Sun &middot; rest" in jan  # the learner's non-study weekday


@pytest.mark.parametrize("paper, size", [("a4", "A4"), ("letter", "letter"), ("LETTER", "letter")])
def test_paper_size_in_page_rule(paper, size):
    page = render(make_plan(), make_ctx(), "html", paper=paper)
    rule = re.search(r"@page\s*\{([^}]*)\}", page).group(1)
    assert f"size: {size} landscape" in rule
    assert "margin:" in rule
    assert "@media print" in page
    assert "table-layout: fixed" in page


def test_unknown_paper_or_format_is_refused():
    with pytest.raises(ValueError, match="paper"):
        render(make_plan(), make_ctx(), "html", paper="a3")
    with pytest.raises(ValueError, match="format"):
        render(make_plan(), make_ctx(), "pdf")


def test_cells_carry_phase_course_new_cards_reviews_minutes(page):
    c = cell(page, "2027-01-11")
    assert "ph-core" in c and "Core" in c
    assert "Production ML Systems: Module 1" in c
    assert "50&prime;" in c
    c = cell(page, "2027-02-01")
    assert "Exam domains" in c
    assert re.search(r"D1</span>&nbsp;4", c) and re.search(r"D2</span>&nbsp;6", c) and re.search(r"D3</span>&nbsp;10", c)
    assert "Reviews</span> 5" in c
    c = cell(page, "2027-02-17")
    assert "Final review" in c and "Practice exam" in c


def test_exam_day_stands_out(page):
    c = cell(page, EXAM.isoformat())
    assert 'class="day ph-exam exam' in c
    assert "EXAM DAY" in c
    assert re.search(r"td\.exam\s*\{[^}]*border:\s*2\.5pt solid", page)


def test_rest_days_and_days_off_are_visibly_empty(page):
    assert "day off" in cell(page, DAY_OFF.isoformat())
    assert " off" in re.search(r'<td class="([^"]*)" data-date="' + DAY_OFF.isoformat(), page).group(1)
    sunday = cell(page, "2027-01-17")
    assert ">rest<" in sunday and "Reviews" not in sunday
    assert "free day" in cell(page, FREE.isoformat())


def test_past_days_show_what_was_done_beside_the_plan(page):
    c = cell(page, "2027-01-12")
    assert "Done: 3 rev &middot; 0 new &middot; 52&prime;" in c and "Module 2" in c
    assert "nothing logged" in cell(page, "2027-01-13")
    today = cell(page, "2027-01-27")
    assert "TODAY" in today and "Done" not in today
    assert "Done" not in cell(page, "2027-01-28")


def test_without_today_no_past_days():
    page = render(make_plan(), make_ctx(today=None), "html")
    assert not re.search(r"Done: (\d|nothing)", page) and "TODAY" not in page


def test_header_and_legend(page):
    assert "<h1>Tiny Exam</h1>" in page and "Study calendar" in page
    assert "experienced" in page and "Mon 11 Jan 2027" in page and "Wed 24 Feb 2027" in page
    assert "Mon-Sat" in page
    legend = page[page.index('class="legend"'):]
    for label in ("Core", "Exam domains", "Framing ML problems (20%)"):
        assert label in legend


def test_overview_weeks_by_phase_and_domain_shares(page):
    ov = page[page.index("overview-page"):]
    weeks = re.findall(r'data-week="([\d-]+)" data-phase="(\w+)"', ov)
    assert weeks[0] == ("2027-01-11", "core")
    assert weeks[2] == ("2027-01-25", "domains")
    assert weeks[-1] == ("2027-02-22", "exam")
    assert len(weeks) == 7
    # the fixture introduces 4/6/10 cards a day: shares 20/30/50 %, the guide weights
    assert ov.count("20%") >= 2 and ov.count("30%") >= 2 and ov.count("50%") >= 2
    assert "<svg" in ov or 'class="bar plan"' in ov


def test_from_to_filter():
    page = render(make_plan(), make_ctx(), "html", start=date(2027, 2, 3), end=date(2027, 2, 10))
    assert data_dates(page) == [f"2027-02-{d:02d}" for d in range(3, 11)]
    assert re.findall(r'data-month="([^"]+)"', page) == ["February 2027"]


def test_empty_range_still_renders():
    page = render(make_plan(), make_ctx(), "html", start=date(2030, 1, 1))
    assert data_dates(page) == []
    with pytest.raises(ValueError, match="after"):
        render(make_plan(), make_ctx(), "html", start=date(2027, 2, 3), end=date(2027, 2, 1))


def test_context_defaults_are_enough():
    ctx = CalendarContext(exam_name="Tiny Exam", exam_id="tiny", learner="alice", domains=())
    page = render(make_plan(), ctx, "html")
    assert len(data_dates(page)) == 45
    # unknown domains are labelled from the task titles
    assert "F1" in page


def test_deterministic(page):
    assert render(make_plan(), make_ctx(), "html") == page
