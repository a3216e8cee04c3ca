"""Every command's output fits an 80-column terminal (COLUMNS=80), on the tiny decks and on
the shipped ones, with a plan and some reviews behind it. JSON and CSV are data, not
screens, and are left out; a path is as long as it is, so the temporary folder is
shortened before measuring."""

from datetime import date, timedelta

import pytest

WIDTH = 80


def check(result, tmp_path, label):
    assert result.exit_code == 0, f"{label}: {result.output}"
    too_long = [line for line in result.stdout.replace(str(tmp_path), "/t").splitlines() if len(line) > WIDTH]
    assert not too_long, f"{label}: {len(too_long)} line(s) over {WIDTH}:\n" + "\n".join(too_long)


def every_command(run, tmp_path, exam, domain, today, decks_kw):
    """Run the commands a learner runs over a few days; yield (label, result) for each."""
    day = date.fromisoformat(today)
    yield "exams", run("exams", **decks_kw)
    yield f"exams {exam}", run("exams", exam, **decks_kw)
    yield "plan create", run("plan", "create", "--exam", exam, "--background", "experienced", "--minutes-per-day", "90",
                              today=today, **decks_kw)
    for i in range(3):
        on = (day + timedelta(days=i)).isoformat()
        yield f"today {on}", run("today", today=on, **decks_kw)
        yield f"review {on}", run("review", "--max", "12", input="\n4\n\n2\n\n5\n" * 6 + "\n4\n" * 12, today=on,
                                  **decks_kw)
        yield f"done {on}", run("done", today=on, **decks_kw)
    later = (day + timedelta(days=3)).isoformat()
    yield "plan show", run("plan", "show", today=later, **decks_kw)
    yield "replan", run("replan", today=later, **decks_kw)
    yield "stats", run("stats", today=later, **decks_kw)
    yield "cohort", run("cohort", today=later, **decks_kw)
    yield "calendar --format txt", run("calendar", "--format", "txt", today=later, **decks_kw)
    yield "decks path", run("decks", "path", **decks_kw)
    yield "cards suspended", run("cards", "suspended", today=later, **decks_kw)
    yield "advise", run("advise", "--cloud", "gcp", "--employer", "enterprise", "--production-years", "1",
                        "--self-funded", "--role", "engineering", "--ml-knowledge", decks=None)
    yield "advise (portfolio)", run("advise", "--cloud", "none", "--employer", "research-lab", "--production-years",
                                    "0", "--self-funded", "--role", "research", "--no-ml-knowledge", decks=None)
    yield "review --drill", run("review", "--drill", "--exam", exam, "--max", "3", input="\n4\n" * 3, today=later,
                                **decks_kw)
    yield "review --domain", run("review", "--domain", domain, "--max", "2", input="\n3\n" * 4, today=later, **decks_kw)
    yield "backup", run("backup", str(tmp_path / "b.db"), **decks_kw)
    yield "decks sync", run("decks", "sync", **decks_kw)
    yield "daily", run("daily", "-o", str(tmp_path / "c.html"), today=later, **decks_kw)
    yield "export anki", run("export", "anki", "--exam", exam, "-o", str(tmp_path / "d.apkg"), **decks_kw)
    yield "import anki", run("import", "anki", str(tmp_path / "d.apkg"), today=later, **decks_kw)
    for command in (["exams"], ["plan", "create"], ["review"], ["stats"], ["calendar"], ["advise"], ["cohort"],
                    ["replan"], ["today"], ["decks", "check"], ["export", "anki"], ["import", "anki"]):
        yield " ".join(command) + " --help", run(*command, "--help", **decks_kw)


@pytest.mark.parametrize("shipped", [False, True], ids=["tiny decks", "shipped decks"])
def test_every_command_fits_80_columns(run, tmp_path, monkeypatch, shipped):
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    exam, domain = ("google-pmle", "monitoring") if shipped else ("tiny", "alpha")
    decks_kw = {"decks": None} if shipped else {}
    for label, result in every_command(run, tmp_path, exam, domain, "2026-12-01", decks_kw):
        check(result, tmp_path, label)


def test_wide_terminals_use_their_width(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    wide = run("exams", decks=None).stdout.splitlines()
    monkeypatch.setenv("COLUMNS", "80")
    narrow = run("exams", decks=None).stdout.splitlines()
    assert max(map(len, narrow)) <= 80 < max(map(len, wide)) <= 160
    assert len(wide) < len(narrow)  # fewer wrapped lines
