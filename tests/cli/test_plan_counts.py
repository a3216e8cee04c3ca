"""One plan, four places that count it: `plan create`, `replan`, `plan show` and the calendar
agree on its days, study days and new cards."""

from __future__ import annotations

import json
import re
from datetime import date
from functools import partial

import pytest

BAD_FOR_STUDY = {"rest", "day_off", "exam"}


def summary_counts(text: str) -> tuple[date, date, int, int]:
    """(first day, exam date, study days, new cards) from what `plan create` and `replan` print."""
    flat = " ".join(text.split())
    m = re.search(r": (\d{4}-\d\d-\d\d) to the exam on (\d{4}-\d\d-\d\d) \((\d+) study days?, (\d+) new cards?", flat)
    assert m, text
    return date.fromisoformat(m[1]), date.fromisoformat(m[2]), int(m[3]), int(m[4])


def show_counts(run, since: date) -> tuple[int, int, int]:
    """(days before the exam, study days, new cards) of `plan show` from *since*, in its table and JSON."""
    table = run("plan", "show", "--from", since.isoformat()).stdout
    rows = [line.split() for line in table.splitlines() if re.match(r"\d{4}-\d\d-\d\d ", line)]
    data = json.loads(run("plan", "show", "--from", since.isoformat(), "--format", "json").stdout)
    days = [d for d in data["days"] if d["date"] < data["exam_date"]]
    assert [r[0] for r in rows] == [d["date"] for d in data["days"]]
    study = [d for d in days if not {t["kind"] for t in d["tasks"]} & BAD_FOR_STUDY]
    new = sum(t["count"] for d in days for t in d["tasks"] if t["kind"] == "new_cards")
    return len(days), len(study), new


def calendar_counts(run, since: date, tmp_path) -> tuple[int, int, int, int, int]:
    """(days before the exam, study days, new cards) in the markdown calendar's day rows
    and its weeks overview, then (study days, new cards) in the HTML calendar's totals."""
    md = run("calendar", "--format", "md", "--from", since.isoformat()).stdout
    day_rows = re.findall(r"^\|[^|]*\| (\d{4}-\d\d-\d\d) \|", md, re.M)
    overview = md.split("## Overview")[1].split("\n## ")[0]
    weeks = [[cell.strip() for cell in line.split("|")] for line in overview.splitlines() if re.match(r"\| \d", line)]
    out = tmp_path / "plan.html"
    run("calendar", "--from", since.isoformat(), "-o", str(out))
    page = out.read_text()
    totals = [int(re.search(rf"<td>{name}</td><td><b>(\d+)</b>", page)[1]) for name in ("Study days", "New cards")]
    phase_days = sum(int(n) for n in re.findall(r"<td>(\d+) study days?</td>", page))
    assert phase_days == totals[0]  # the totals' per-phase study days add up to the total
    return (len(day_rows) - 1, sum(int(w[5]) for w in weeks), sum(int(w[7]) for w in weeks), *totals)


@pytest.mark.parametrize(("decks", "create"), [
    ("tiny", ["--exam", "tiny", "--exam-date", "2027-01-10", "--days", "mon,tue,wed,thu,fri,sat",
              "--off", "2026-12-24,2026-12-25"]),
    ("shipped", ["--exam", "google-pmle", "--exam-date", "2027-01-15", "--minutes-per-day", "75",
                 "--long-days", "sat"]),
])
def test_create_replan_show_and_calendar_count_the_same_days_and_cards(run, tiny_decks, tmp_path, decks, create):
    deck_dir = tiny_decks if decks == "tiny" else None

    def cli(*args, today="2026-12-01"):
        result = run(*args, decks=deck_dir, today=today)
        assert result.exit_code == 0, result.output
        return result

    start, exam, study, new = summary_counts(cli("plan", "create", "--background", "experienced", *create).stdout)
    assert (start, exam) == (date(2026, 12, 1), date.fromisoformat(create[create.index("--exam-date") + 1]))
    days = (exam - start).days
    assert show_counts(cli, start) == (days, study, new)
    assert calendar_counts(cli, start, tmp_path) == (days, study, new, study, new)
    # The same day's replan changes nothing; a replan after a missed week counts from that day.
    assert summary_counts(cli("replan").stdout) == (start, exam, study, new)
    later = date(2026, 12, 8)
    start, exam, study, new = summary_counts(cli("replan", "--minutes-per-day", "120", today=later.isoformat()).stdout)
    assert start == later and new > 0
    on_later = partial(cli, today=later.isoformat())
    assert show_counts(on_later, later) == ((exam - later).days, study, new)
    assert calendar_counts(on_later, later, tmp_path) == ((exam - later).days, study, new, study, new)


def test_plan_show_puts_one_task_a_line_and_still_escapes_deck_text(run, tiny_decks):
    exam = tiny_decks / "tiny" / "exam.toml"
    exam.write_text(exam.read_text().replace('name = "Alpha things"', 'name = "Alpha\\u001b[2J\\nthings"'))
    assert run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "2027-01-10"
               ).exit_code == 0
    lines = run("plan", "show", "--to", "2026-12-01").stdout.splitlines()
    first = lines.index(next(line for line in lines if line.startswith("2026-12-01")))
    assert lines[first:] == [
        "2026-12-01  Tue  domains    4  1 new: Alpha\\x1b[2J\\nthings (2 min)",
        "                               1 new: Beta things (2 min)"]
