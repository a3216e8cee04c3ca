"""stats, calendar and the daily job through the real CLI."""

import json
import re
from datetime import date, timedelta

from conftest import run_subprocess
from icalendar import Calendar


def study_days(run, days, grades="4\n" * 20):
    for i in range(days):
        run("review", "--exam", "tiny", input=grades, today=(date(2026, 12, 1) + timedelta(days=i)).isoformat())


def test_stats_json_counts_retention_and_readiness(run):
    study_days(run, 3)
    data = json.loads(run("stats", "--exam", "tiny", "--format", "json", today="2026-12-03").stdout)
    alpha, beta = data["domains"]
    assert (alpha["domain"], alpha["total"], alpha["new"], alpha["learning"], alpha["mature"]) == ("alpha", 6, 0, 6, 0)
    assert (beta["total"], beta["learning"]) == (4, 4)
    # Predicted recall today: each card was last reviewed yesterday with a 6-day interval;
    # the learner's retention is 10 of 10 reviews passed, shrunk toward 0.9 by 20 pseudo-reviews.
    expected = round(((10 + 20 * 0.9) / (10 + 20)) ** (1 / 6), 4)
    assert alpha["readiness"] == beta["readiness"] == data["readiness"] == expected == 0.9886
    assert data["retention_30d"] == 1.0  # every review of a learned card was graded 4
    assert sum(data["forecast"].values()) == 10


def test_stats_text_has_table_forecast_heatmap_and_leeches(run):
    for i in range(8):
        run("review", "--exam", "tiny", "--max", "1", "--domain", "alpha", input="0\n4\n",
            today=(date(2026, 12, 1) + timedelta(days=i)).isoformat())
    out = run("stats", "--exam", "tiny", today="2026-12-08").stdout
    assert out.startswith("tiny on 2026-12-08: readiness")
    assert "Due reviews, next 14 days:" in out and "Tue  8 Dec" in out
    assert "Reviews, last 12 weeks:" in out and re.search(r"^Mon [ ·░▒▓█ ]+$", out, re.M)
    assert "Leeches (failed 8 times" in out and "tiny-alpha-001" in out


def test_stats_without_plan_or_exam_says_what_to_do(run):
    result = run("stats")
    assert result.exit_code == 1
    assert result.stderr == "Error: no plan yet: pass --exam, or run 'studyplan plan create' first\n"


def test_calendar_formats_from_the_stored_plan(run, tmp_path):
    run("plan", "create", "--exam", "tiny", "--background", "experienced")
    html_file = tmp_path / "plan.html"
    result = run("calendar", "-o", str(html_file))
    assert result.exit_code == 0, result.output
    html = html_file.read_text()
    dates = set(re.findall(r'data-date="(\d{4}-\d{2}-\d{2})"', html))
    assert {(date(2026, 12, 1) + timedelta(days=i)).isoformat() for i in range(29)} <= dates
    assert "<script" not in html.lower()
    md = run("calendar", "--format", "md").stdout
    assert "2026-12-29" in md and "|" in md
    ics = run("calendar", "--format", "ics", "--at", "07:30").stdout
    events = [c for c in Calendar.from_ical(ics).walk("VEVENT")]
    assert any("Exam" in str(e["SUMMARY"]) for e in events)
    assert run("calendar", "--format", "ics").stdout == run("calendar", "--format", "ics").stdout
    bad = run("calendar", "--at", "7am")
    assert bad.exit_code == 2


def test_calendar_after_replan_shows_the_new_plan_and_what_was_done(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")  # one line per day to read rows from
    run("plan", "create", "--exam", "tiny", "--background", "experienced")
    run("review", "--exam", "tiny", input="4\n" * 3)
    run("replan", today="2026-12-05")
    txt = run("calendar", "--format", "txt", today="2026-12-05").stdout
    # The three cards done on the first day are shown beside the plan; missed days say so.
    assert re.search(r"2026-12-01 .*0 rev, 3 new", txt)
    assert re.search(r"2026-12-02 .*missed", txt)


def test_daily_makes_a_first_plan_writes_the_calendar_and_skips_review_without_terminal(tmp_path, tiny_decks):
    db = tmp_path / "d.db"
    out = tmp_path / "cal.html"
    args = ["--db", str(db), "--decks", str(tiny_decks), "--today", "2026-12-01", "daily", "--exam", "tiny", "-o", str(out)]
    first = run_subprocess(*args)
    assert first.returncode == 0, first.stderr
    assert "Made a first plan: tiny (experienced), exam on 2026-12-29" in first.stdout
    assert f"Printable calendar: {out}" in first.stdout
    assert "Run 'studyplan review' in a terminal" in first.stdout
    assert 'data-date="2026-12-29"' in out.read_text()
    second = run_subprocess(*args)
    assert "Made a first plan" not in second.stdout and "on track" in second.stdout.lower()


def test_calendar_bad_range_and_no_plan(run):
    assert run("calendar").stderr.startswith("Error: no plan yet")
    run("plan", "create", "--exam", "tiny", "--background", "experienced")
    result = run("calendar", "--format", "txt", "--from", "2026-12-10", "--to", "2026-12-01")
    assert result.exit_code == 1
    assert result.stderr == "Error: the range is empty: --from 2026-12-10 is after --to 2026-12-01\n"
