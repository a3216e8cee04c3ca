"""plan create / show, today and replan through the real CLI on a temporary database."""

import json
import sqlite3
from datetime import date, timedelta

from conftest import TINY_EXAM, deck_file


def plan_json(run, today="2026-12-01"):
    result = run("plan", "show", "--format", "json", today=today)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def new_cards_by_day(plan):
    return {d["date"]: sum(t["count"] for t in d["tasks"] if t["kind"] == "new_cards") for d in plan["days"]}


def test_create_without_exam_date_follows_the_work_within_four_to_eight_weeks(run):
    result = run("plan", "create", "--exam", "tiny", "--background", "experienced")
    assert result.exit_code == 0, result.output
    plan = plan_json(run)
    assert set(plan) == {"exam", "background", "start", "exam_date", "minutes_per_day", "long_days",
                         "new_cards_limit", "skip_courses", "notes", "days"}
    assert (plan["exam"], plan["background"], plan["start"], plan["minutes_per_day"]) == ("tiny", "experienced", "2026-12-01", 60)
    length = (date.fromisoformat(plan["exam_date"]) - date(2026, 12, 1)).days
    assert length == 28  # little work: the shortest plan the range allows
    assert [d["date"] for d in plan["days"]] == [(date(2026, 12, 1) + timedelta(days=i)).isoformat() for i in range(29)]
    assert plan["days"][-1]["phase"] == "exam"
    assert sum(new_cards_by_day(plan).values()) == 10
    for day in plan["days"]:
        assert day["minutes"] <= 60
        assert set(day["tasks"][0]) == {"kind", "title", "domain", "count", "minutes", "course_id", "module", "continued"}
    assert "Plan for tiny (experienced): 2026-12-01 to the exam on 2026-12-29" in result.stdout


def test_exam_date_outside_the_range_is_refused_unless_forced(run):
    result = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "2026-12-15")
    assert result.exit_code == 1
    assert "outside the 4-8 weeks (28-56 days" in result.stderr
    assert "working ML knowledge" in result.stderr
    assert result.stderr.count("\n") == 1
    forced = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "2026-12-15", "--force")
    assert forced.exit_code == 0, forced.output
    assert "warning: 14 days is outside the 28-56 day range" in forced.stderr


def test_start_on_the_exams_eve_is_refused(run):
    result = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--start", "2026-12-31",
                 "--exam-date", "2027-01-01", "--force")
    assert result.exit_code == 1
    assert "leaves no room before the exam" in result.stderr


def test_weekdays_and_days_off_are_respected(run):
    result = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "2027-01-08",
                 "--days", "mon,tue,wed,thu,fri", "--off", "2026-12-24,2026-12-25")
    assert result.exit_code == 0, result.output
    for day in plan_json(run)["days"][:-1]:
        d = date.fromisoformat(day["date"])
        if d in (date(2026, 12, 24), date(2026, 12, 25)):
            assert [t["kind"] for t in day["tasks"]] == ["day_off"] and day["minutes"] == 0
        elif d.weekday() >= 5:
            assert [t["kind"] for t in day["tasks"]] == ["rest"] and day["minutes"] == 0


def test_second_plan_asks_and_yes_replaces(run):
    run("plan", "create", "--exam", "tiny", "--background", "experienced")
    again = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "2027-01-20")
    assert again.exit_code == 1
    assert again.stderr == "Error: a plan already exists: pass --yes to replace it\n"
    assert plan_json(run)["exam_date"] == "2026-12-29"
    replaced = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "2027-01-20", "--yes")
    assert replaced.exit_code == 0
    assert plan_json(run)["exam_date"] == "2027-01-20"


def test_retired_exam_is_refused_naming_its_successor(run, tiny_decks):
    old = tiny_decks / "old"
    old.mkdir()
    (old / "exam.toml").write_text(TINY_EXAM.replace('id = "tiny"', 'id = "old"').replace('card_prefix = "tiny"', 'card_prefix = "old"')
                                   .replace('status = "active"', 'status = "retired"\nretirement_date = 2026-12-20\nsuccessor = "tiny"'))
    (old / "01-alpha.toml").write_text(deck_file("alpha", range(1, 3), "old"))
    (old / "02-beta.toml").write_text(deck_file("beta", range(1, 3), "old"))
    result = run("plan", "create", "--exam", "old", "--background", "experienced", "--exam-date", "2027-01-10")
    assert result.exit_code == 1
    assert "can no longer be sat on 2027-01-10 (retirement date 2026-12-20); plan for its successor 'tiny' instead" in result.stderr


def test_unknown_exam_and_bad_options(run):
    assert run("plan", "create", "--exam", "nope", "--background", "experienced").stderr.startswith("Error: unknown exam 'nope'")
    bad_days = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--days", "mon,funday")
    assert bad_days.exit_code == 2 and "'funday' is not a weekday" in bad_days.stderr
    bad_off = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--off", "2026-13-01")
    assert bad_off.exit_code == 2
    assert run("plan", "show").stderr.startswith("Error: no plan yet")


def test_show_formats(run):
    run("plan", "create", "--exam", "tiny", "--background", "experienced")
    table = run("plan", "show", "--from", "2026-12-01", "--to", "2026-12-03").stdout
    assert table.splitlines()[0] == "tiny plan (experienced): 2026-12-01 to exam on 2026-12-29, 60 min a day"
    assert "2026-12-03" in table and "2026-12-04" not in table
    md = run("plan", "show", "--format", "md", "--to", "2026-12-02").stdout
    assert "| date       | day   | phase" in md
    csv_out = run("plan", "show", "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "date,phase,kind,title,domain,count,minutes,course_id,module"
    assert csv_out[-1].startswith("2026-12-29,exam,exam,")


def test_today_then_missed_week_then_replan(run, db_path):
    run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "2027-01-26")
    plan = plan_json(run)
    first_new_day = min(d for d, n in new_cards_by_day(plan).items() if n)
    today = json.loads(run("today", "--format", "json", today="2026-12-01").stdout)
    assert (today["days_left"], today["exam"], today["status"]) == (56, "tiny", "on track")
    # A week after the first new cards were due, nothing was done: behind.
    late = (date.fromisoformat(first_new_day) + timedelta(days=7)).isoformat()
    behind = json.loads(run("today", "--format", "json", today=late).stdout)
    assert behind["status"] == "behind" and behind["ahead_by"] < 0
    text = run("today", today=late).stdout
    assert "Behind the plan by" in text and "studyplan replan" in text
    result = run("replan", today=late)
    assert result.exit_code == 0, result.output
    new = plan_json(run, today=late)
    assert new["exam_date"] == plan["exam_date"]
    by_day = new_cards_by_day(new)
    # Every card not yet introduced is planned exactly once from today on; the past stays as planned.
    assert sum(n for d, n in by_day.items() if d >= late) == 10
    assert [d for d in new["days"] if d["date"] < late] == [d for d in plan["days"] if d["date"] < late]
    assert all(d["minutes"] <= 60 for d in new["days"])
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*), sum(active) from plan").fetchone() == (2, 1)


def test_ahead_of_plan_replan_leaves_fewer_cards(run):
    run("plan", "create", "--exam", "tiny", "--background", "experienced")
    # Study every card on day one (more than planned) through the no-plan daily limit.
    run("review", "--exam", "tiny", input="4\n" * 10)
    ahead = json.loads(run("today", "--format", "json", today="2026-12-02").stdout)
    assert ahead["status"] == "ahead" and ahead["new_cards_done_before_today"] == 10
    run("replan", today="2026-12-02")
    new = plan_json(run, today="2026-12-02")
    assert sum(n for d, n in new_cards_by_day(new).items() if d >= "2026-12-02") == 0
    assert any(t["kind"] == "reviews" for d in new["days"] for t in d["tasks"] if d["date"] >= "2026-12-02")


def test_replan_keeps_course_modules_checked_off_with_done(run):
    run("plan", "create", "--exam", "tiny", "--background", "experienced")
    serving_days = [d["date"] for d in plan_json(run)["days"]
                    if any(t["title"].startswith("Production Machine Learning Systems: Serving") for t in d["tasks"])]
    for day in serving_days:  # the learner checks off the course block on every day it was planned
        assert run("done", today=day).exit_code == 0
    after = (date.fromisoformat(serving_days[-1]) + timedelta(days=1)).isoformat()
    assert run("replan", today=after).exit_code == 0
    titles = [t["title"] for d in plan_json(run, today=after)["days"] if d["date"] >= after for t in d["tasks"]]
    assert not any("Serving" in t for t in titles)
    assert any(t.startswith("Production Machine Learning Systems: Monitoring") for t in titles)


def test_review_with_nothing_planned_today_says_how_to_get_ahead(run):
    run("plan", "create", "--exam", "tiny", "--background", "experienced")
    run("review", input="\n4\n" * 40)  # today's new cards, re-asks included
    result = run("review", input="")
    assert result.stdout == ("Nothing to review now. To get ahead of the plan: studyplan review --exam tiny; "
                             "to drill: studyplan review --drill\n")


def test_dates_with_the_month_name_are_read_as_dates(run):
    result = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "15 Jan 2027",
                 "--off", "24 Dec 2026,2026-12-25")
    assert result.exit_code == 0, result.output
    plan = plan_json(run)
    assert plan["exam_date"] == "2027-01-15"
    assert {d["date"] for d in plan["days"] if d["tasks"][0]["kind"] == "day_off"} == {"2026-12-24", "2026-12-25"}


def test_ambiguous_or_partial_dates_are_refused_and_change_nothing(run, db_path):
    for text in ("01/02/2027", "Jan 15", "15 Jan 2027 10:00"):
        result = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", text)
        assert result.exit_code == 2
        assert (f"Invalid value for '--exam-date': {text!r} is not a date: write YYYY-MM-DD or a date with the "
                f"month's name, such as '15 Jan 2027'") in result.stderr
    assert not db_path.exists()
