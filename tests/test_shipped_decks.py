"""The shipped decks: they pass `decks check`, follow their guides' weights, meet the
issue's card counts, and every course the plan can schedule exists."""

import math
from collections import Counter
from datetime import date

import pytest
from click.testing import CliRunner

from studyplan.cli import cli
from studyplan.decks import load_catalog, shipped_decks_dir

CATALOG, PROBLEMS = load_catalog(shipped_decks_dir())
MIN_CARDS = {"google-pmle": 40, "aws-mls": 30, "aws-mla": 25, "azure-ai-102": 20, "azure-ai-103": 25,
             "databricks-ml-pro": 20}
ARTICLE_EXAMS = ["google-pmle", "aws-mls", "azure-ai-102", "databricks-ml-pro"]


def test_decks_check_passes_on_the_shipped_decks(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "decks", "check"])
    assert result.exit_code == 0, result.output
    assert PROBLEMS == []


@pytest.mark.parametrize("exam_id", sorted(MIN_CARDS) + ["foundations"])
def test_weights_sum_to_one_and_ranges_hold_their_midpoints(exam_id):
    exam = CATALOG.exam(exam_id)
    assert math.isclose(sum(d.weight for d in exam.domains), 1.0, abs_tol=0.001)
    ranged = [d for d in exam.domains if d.weight_range]
    if ranged:
        mids = [(d.weight_range[0] + d.weight_range[1]) / 2 for d in ranged]
        for d, mid in zip(ranged, mids):
            assert math.isclose(d.weight, mid / sum(mids), abs_tol=0.001), d.id


@pytest.mark.parametrize("exam_id, minimum", sorted(MIN_CARDS.items()))
def test_card_counts_per_domain(exam_id, minimum):
    counts = CATALOG.exam(exam_id).card_counts()
    assert all(n >= minimum for n in counts.values()), counts


def test_foundations_has_120_cards_or_more_over_four_domains():
    exam = CATALOG.exam("foundations")
    assert exam.kind == "foundations"
    assert len(exam.cards) >= 120
    assert {d.id for d in exam.domains} == {"regression", "classification", "evaluation", "python-workflow"}


@pytest.mark.parametrize("exam_id", sorted(MIN_CARDS) + ["foundations"])
def test_at_least_a_third_are_scenario_judgements(exam_id):
    styles = Counter(c.style for c in CATALOG.exam(exam_id).cards)
    assert styles["scenario"] * 3 >= sum(styles.values()), styles


@pytest.mark.parametrize("exam_id", sorted(MIN_CARDS) + ["foundations"])
def test_no_duplicate_fronts_within_an_exam(exam_id):
    fronts = Counter(" ".join(c.front.lower().split()) for c in CATALOG.exam(exam_id).cards)
    assert [f for f, n in fronts.items() if n > 1] == []


def test_every_exam_has_sourced_facts_and_a_current_path():
    for exam in CATALOG.exams.values():
        if exam.kind != "exam":
            continue
        assert exam.guide_url.startswith("https://"), exam.id
        assert exam.guide_date is not None and exam.duration_minutes > 0 and exam.price_usd > 0, exam.id
    today = date(2026, 11, 25)
    for exam_id in ARTICLE_EXAMS:  # every exam the article names leads somewhere current
        exam = CATALOG.exam(exam_id)
        while exam.retired_by(today):
            assert exam.successor, exam.id
            exam = CATALOG.exam(exam.successor)
        assert exam.status == "active"
    assert CATALOG.exam("aws-mls").retirement_date == date(2026, 3, 31)
    assert CATALOG.exam("aws-mls").successor == "aws-mla"
    assert CATALOG.exam("azure-ai-102").successor == "azure-ai-103"


def test_courses_are_the_five_of_the_article_in_its_order():
    titles = [c.title for c in CATALOG.courses_for("experienced")]
    assert titles == ["Production Machine Learning Systems", "Structuring Machine Learning Projects"]
    pivot = [c.title for c in CATALOG.courses_for("pivoting")]
    assert pivot[-2:] == titles
    assert set(pivot[:3]) == {"Applied Machine Learning in Python", "Machine Learning: Regression",
                              "Machine Learning: Classification"}
    for course in CATALOG.courses:
        assert course.modules and course.hours > 0
        assert math.isclose(sum(m.hours for m in course.modules), course.hours, rel_tol=0.15), course.id


def test_every_course_the_plan_schedules_exists_in_courses_toml():
    from studyplan.plan import Request
    from studyplan.planner import build_plan

    known = {(c.id, n) for c in CATALOG.courses for n in range(1, len(c.modules) + 1)}
    for exam_id, background in [("google-pmle", "experienced"), ("aws-mla", "pivoting")]:
        plan = build_plan(CATALOG.exam(exam_id), CATALOG.courses,
                          Request(background=background, start=date(2026, 12, 1), minutes_per_day=90),
                          CATALOG.exams["foundations"])
        scheduled = {(t.course_id, t.module) for d in plan.days for t in d.tasks if t.kind == "course"}
        assert scheduled and scheduled <= known


def test_exams_command_lists_every_exam_with_status(tmp_path):
    # A wide terminal, so no cell wraps: this test reads the facts, not the layout.
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "--today", "2026-11-25", "exams"],
                                env={"COLUMNS": "300"})
    assert result.exit_code == 0
    for exam_id in list(MIN_CARDS) + ["foundations"]:
        assert exam_id in result.stdout
    assert "retired 2026-03-31 -> aws-mla" in result.stdout
    one = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "exams", "google-pmle"])
    assert "Monitoring AI solutions" in one.stdout and "13.0%" in one.stdout
