"""The learner's own decks folder: `decks path`, overlaying the shipped decks file by file,
adding an exam, and `e` / `decks check` pointing there."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import TINY_EXAM, deck_file

from studyplan.decks import shipped_decks_dir

EXTRA = """domain = "monitoring"

[[cards]]
id = "pmle-monitoring-901"
front = "Which signal shows a model's inputs moving away from its training data?"
back = "Training-serving skew: production feature distributions compared with the training data."
ref = "https://cloud.google.com/vertex-ai/docs/model-monitoring/overview"

[[cards]]
id = "pmle-monitoring-902"
front = "Which signal compares recent production inputs with earlier production inputs?"
back = "Prediction drift."
ref = "https://cloud.google.com/vertex-ai/docs/model-monitoring/overview"
"""


@pytest.fixture
def mine(own_app_folder):
    return own_app_folder / "my-decks"


def shipped(run, *args, **kw):
    return run(*args, decks=None, **kw)


def pmle_cards(run) -> int:
    listed = shipped(run, "exams", "--format", "json")
    assert listed.exit_code == 0, listed.output
    return next(e["cards"] for e in json.loads(listed.stdout) if e["id"] == "google-pmle")


def where_first_card(run) -> str:
    """`e` on the first new monitoring card, through the JSONL session."""
    result = shipped(run, "review", "--format", "jsonl", "--exam", "google-pmle", "--domain", "monitoring",
                     "--max", "1", input="e\nq\n")
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    return next(e["location"] for e in events if e["event"] == "where")


def test_decks_path_makes_the_folder_with_a_readme(run, mine, tiny_decks):
    result = shipped(run, "decks", "path")
    assert result.exit_code == 0
    assert result.stdout == f"{mine}\n"
    assert "overlay the decks shipped" in (mine / "README.txt").read_text()
    # --decks names a folder of its own: printed as it is, nothing made
    assert run("decks", "path").stdout == f"{tiny_decks}\n"


def test_a_file_of_your_own_adds_cards_to_a_shipped_exam_and_counts_agree(run, mine):
    before = pmle_cards(run)
    (mine / "google-pmle").mkdir(parents=True)
    (mine / "google-pmle" / "99-my-monitoring.toml").write_text(EXTRA)

    check = shipped(run, "decks", "check")
    assert check.exit_code == 0, check.output
    assert f"in the shipped decks and {mine}" in " ".join(check.stdout.split())
    assert pmle_cards(run) == before + 2
    detail = shipped(run, "exams", "google-pmle", "--format", "json")
    monitoring = next(d for d in json.loads(detail.stdout)["domains"] if d["id"] == "monitoring")
    assert monitoring["cards"] == 44 + 2
    plan = shipped(run, "plan", "create", "--exam", "google-pmle", "--background", "experienced", "--minutes-per-day",
                   "120", "--exam-date", "2027-01-20", "--yes")
    assert plan.exit_code == 0, plan.output
    days = json.loads(shipped(run, "plan", "show", "--format", "json").stdout)["days"]
    planned = sum(t.get("count", 0) for d in days for t in d["tasks"] if t["kind"] == "new_cards")
    assert planned == before + 2


def test_a_file_named_like_a_shipped_one_replaces_it_and_e_points_there(run, mine):
    original = shipped_decks_dir() / "google-pmle" / "06-monitoring.toml"
    assert f"{original} (shipped; to change it, copy it to {mine / 'google-pmle' / '06-monitoring.toml'}" in where_first_card(run)

    copy = mine / "google-pmle" / "06-monitoring.toml"
    copy.parent.mkdir(parents=True)
    shutil.copy(original, copy)
    copy.write_text(copy.read_text().replace("What is training-serving skew?", "What is training-serving skew (mine)?"))
    synced = shipped(run, "decks", "sync")
    assert synced.exit_code == 0, synced.output
    # every card of the file now comes from the learner's copy (one of them edited)
    assert synced.stdout.splitlines()[-1].startswith("  0 added, 44 updated, 0 retired"), synced.stdout

    assert where_first_card(run) == str(copy)
    front = shipped(run, "review", "--format", "jsonl", "--exam", "google-pmle", "--domain", "monitoring",
                    "--max", "1", input="q\n")
    card = next(json.loads(line) for line in front.stdout.splitlines() if json.loads(line)["event"] == "card")
    assert card["front"] == "What is training-serving skew (mine)?"


def test_an_exam_of_your_own_sits_beside_the_shipped_ones(run, mine):
    (mine / "tiny").mkdir(parents=True)
    (mine / "tiny" / "exam.toml").write_text(TINY_EXAM)
    (mine / "tiny" / "01-alpha.toml").write_text(deck_file("alpha", range(1, 7)))
    (mine / "tiny" / "02-beta.toml").write_text(deck_file("beta", range(1, 5)))
    listed = json.loads(shipped(run, "exams", "--format", "json").stdout)
    ids = {e["id"]: e["cards"] for e in listed}
    assert ids["tiny"] == 10 and "google-pmle" in ids


def test_a_card_file_without_an_exam_is_one_problem_naming_it(run, mine):
    (mine / "nosuch").mkdir(parents=True)
    (mine / "nosuch" / "01-x.toml").write_text(EXTRA)
    check = shipped(run, "decks", "check")
    assert check.exit_code == 1
    assert "my-decks/nosuch/01-x.toml:1: deck file but no exam.toml in its folder (nor an exam 'nosuch' among the shipped decks)" \
        in check.stdout
    today = shipped(run, "exams")
    assert today.exit_code == 1
    assert "my-decks/nosuch/01-x.toml:1: deck file but no exam.toml" in today.stderr


def test_imported_notes_count_alike_in_exams_stats_and_the_plan(run, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("first question\tfirst answer\nsecond question\tsecond answer\nthird\tthird answer\n")
    assert run("decks", "import", str(notes), "--exam", "tiny", "--domain", "alpha").exit_code == 0
    detail = json.loads(run("exams", "tiny", "--format", "json").stdout)
    assert (detail["cards"], [d["cards"] for d in detail["domains"]]) == (13, [9, 4])
    assert [e["cards"] for e in json.loads(run("exams", "--format", "json").stdout) if e["id"] == "tiny"] == [13]
    stats = json.loads(run("stats", "--exam", "tiny", "--format", "json").stdout)
    assert [d["total"] for d in stats["domains"]] == [9, 4]
    assert run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "2026-12-29",
               "--force", "--yes").exit_code == 0
    days = json.loads(run("plan", "show", "--format", "json").stdout)["days"]
    assert sum(t.get("count", 0) for d in days for t in d["tasks"] if t["kind"] == "new_cards") == 13
