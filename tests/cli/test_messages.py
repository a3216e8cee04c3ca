"""Refusals say what to type: the exact option, 'did you mean' for ids, the install line for drivers."""

from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from studyplan import planner
from studyplan.catalog import Card, Domain, Exam
from studyplan.cli import cli
from studyplan.errors import did_you_mean
from studyplan.plan import MINUTES_RANGE, PlanError, Request


def test_exam_date_outside_the_range_names_force_and_replan_takes_it(run):
    refused = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "2026-12-15")
    assert refused.exit_code == 1
    assert refused.stderr.rstrip().endswith("pick a date in that range, or pass --force")
    assert run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "2026-12-29").exit_code == 0
    moved = run("replan", "--exam-date", "2026-12-20")
    assert moved.exit_code == 1
    assert moved.stderr.rstrip().endswith("or pass --force")
    forced = run("replan", "--exam-date", "2026-12-20", "--force")
    assert forced.exit_code == 0, forced.output
    assert "to the exam on 2026-12-20" in forced.stdout


def test_a_refusal_with_no_single_fix_still_names_each_option(monkeypatch):
    monkeypatch.setattr(planner, "remedies_for", lambda *a, **k: ())
    domains = (Domain("d0", "Domain 0", 1.0),)
    exam = Exam("tiny", "Tiny", "Example", domains, duration_minutes=60,
                cards=tuple(Card(f"t-{i}", "tiny", "d0", "q", "a") for i in range(2000)))
    start = date(2027, 1, 4)
    with pytest.raises(PlanError) as refused:
        planner.build_plan(exam, (), Request(background="experienced", start=start,
                                             exam_date=start + timedelta(days=30), minutes_per_day=15))
    message = str(refused.value)
    for option in (f"--minutes-per-day {MINUTES_RANGE[1]}", "--exam-date 2027-03-01", "--skip-course ID", "--new-cards N"):
        assert option in message, message
    assert "no single change fits" in message


def test_advise_names_both_flags_of_a_pair(tmp_path):
    base = ["--db", str(tmp_path / "a.db"), "--today", "2026-11-25", "advise", "--cloud", "aws", "--employer",
            "enterprise", "--production-years", "1"]
    missing = CliRunner().invoke(cli, base)
    assert missing.exit_code == 2
    assert "--employer-pays or --self-funded is required when standard input is not a terminal" in missing.stderr
    missing = CliRunner().invoke(cli, base + ["--self-funded", "--role", "research"])
    assert "--ml-knowledge or --no-ml-knowledge is required" in missing.stderr


def test_did_you_mean_spelling_then_the_one_id_that_contains_it():
    ids = ["aws-mla", "aws-mls", "azure-ai-102", "azure-ai-103", "google-pmle", "foundations"]
    assert did_you_mean("gcp-pmle", ids) == ": did you mean 'google-pmle'?"
    assert did_you_mean("pmle", ids) == ": did you mean 'google-pmle'?"
    assert did_you_mean("azure", ids) == ""  # two contain it: no guess
    assert did_you_mean("nope", ids) == ""


def test_unknown_exam_on_the_shipped_decks_suggests_the_id(run):
    result = run("exams", "gcp-pmle", decks=None)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown exam 'gcp-pmle': did you mean 'google-pmle'? (known exams: ")
    assert result.stderr.count("\n") == 1


def test_unknown_domain_suggests_the_id(run, tmp_path):
    review = run("review", "--exam", "tiny", "--domain", "alpah")
    assert review.exit_code == 1
    assert review.stderr == "Error: unknown domain 'alpah' for exam 'tiny': did you mean 'alpha'? (domains: alpha, beta)\n"
    export = tmp_path / "n.txt"
    export.write_text("q\ta\n")
    imported = run("decks", "import", str(export), "--exam", "tiny", "--domain", "bet")
    assert imported.stderr == "Error: unknown domain 'bet' for exam 'tiny': did you mean 'beta'? (domains: alpha, beta)\n"


def test_unknown_course_suggests_the_id(run):
    result = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--skip-course",
                 "production-ml-system")
    assert result.exit_code == 1
    assert "unknown course 'production-ml-system': did you mean 'production-ml-systems'?" in result.stderr


def test_postgres_url_without_the_driver_says_how_to_install_it(run, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the extra were not installed
    result = run("decks", "sync", db="postgresql+psycopg://nobody@localhost/none")
    assert result.exit_code == 1
    assert "the PostgreSQL driver is not installed" in result.stderr
    assert "pip install '.[postgres]'" in result.stderr
    assert "pipx inject studyplan 'psycopg[binary]'" in result.stderr
    assert result.stderr.count("\n") == 1
