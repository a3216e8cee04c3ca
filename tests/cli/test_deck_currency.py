"""Currency through the CLI: `decks check` warnings and --stale, `exams ID` verified dates and
renames, and the review screen showing a renamed product's new name beside the old."""

import pytest
from conftest import rows
from current_decks import write_current_decks


@pytest.fixture
def current(tmp_path):
    return write_current_decks(tmp_path / "current")


def test_check_is_clean_before_the_rename_and_warns_after(run, current, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # the summary line holds the (long) temporary path
    before = run("decks", "check", decks=current, today="2026-05-31")
    assert (before.exit_code, before.stdout) == (0, f"ok: 1 deck, 10 cards, 1 course in {current}\n")
    after = run("decks", "check", decks=current, today="2026-06-01")
    assert after.exit_code == 0
    assert after.stdout.splitlines() == [
        "current/tiny/01-alpha.toml:5: warning: card 'tiny-alpha-001' says 'Vertex AI Pipelines' but not "
        "'Agent Platform Pipelines' (renamed 2026-06-01)",
        "current/tiny/01-alpha.toml:26: warning: card 'tiny-alpha-004' says 'Vertex AI' but not "
        "'Agent Platform' (renamed 2026-06-01)",
        f"ok: 1 deck, 10 cards, 1 course in {current}, 2 warnings",
    ]
    strict = run("decks", "check", "--strict", decks=current, today="2026-06-01")
    assert strict.exit_code == 1
    assert strict.stderr == f"Error: 0 problems, 2 warnings in {current}\n"


def test_stale_lists_domains_older_than_days(run, current, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # the summary line holds the (long) temporary path
    fresh = run("decks", "check", "--stale", "91", decks=current, today="2026-05-31")
    assert fresh.stdout.splitlines() == [
        "stale: none (every exam domain file was verified in the last 91 days)",
        f"ok: 1 deck, 10 cards, 1 course in {current}",
    ]
    alpha = current / "tiny" / "01-alpha.toml"
    alpha.write_text(alpha.read_text().replace("verified = 2026-05-20\n", ""))
    result = run("decks", "check", "--stale", "90", decks=current, today="2026-05-31")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "current/tiny/01-alpha.toml:1: warning: domain 'alpha' has no 'verified' date "
        "(the day its cards were last checked against the provider's documentation)",
        "stale: 2 domain files verified more than 90 days ago or never",
        "exam  domain  file                        verified    age",
        "----  ------  --------------------------  ----------  -------",
        "tiny  alpha   current/tiny/01-alpha.toml  never       -",
        "tiny  beta    current/tiny/02-beta.toml   2026-03-01  91 days",
        f"ok: 1 deck, 10 cards, 1 course in {current}, 1 warning",
    ]


def test_exams_id_shows_verified_per_domain_and_the_renames(run, current):
    result = run("exams", "tiny", decks=current, today="2026-06-01")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "  renames: Vertex AI -> Agent Platform, 2026-06-01" in lines
    assert "           Vertex AI Pipelines -> Agent Platform Pipelines, 2026-06-01" in lines
    table = [line.split() for line in lines]
    assert ["domain", "name", "weight", "guide", "cards", "scenario", "verified"] in table
    assert ["alpha", "Alpha", "things", "60.0%", "6", "0", "2026-05-20"] in table
    assert ["beta", "Beta", "things", "40.0%", "4", "0", "2026-03-01"] in table


def test_review_shows_the_new_name_with_the_old_in_brackets(run, current, db_path):
    after = run("review", "--exam", "tiny", "--max", "1", input="\nq\n", decks=current, today="2026-06-01")
    assert after.exit_code == 0, after.output
    assert "Q: Which service orchestrates the training steps?" in after.stdout
    assert "A: Agent Platform Pipelines (Vertex AI Pipelines)." in after.stdout
    # The card itself is unchanged: the screen shows the names, the deck keeps its text.
    assert rows(db_path, "select back from card where id = 'tiny-alpha-001'") == [("Vertex AI Pipelines.",)]
    before = run("review", "--exam", "tiny", "--max", "1", input="\nq\n", decks=current, today="2026-05-31")
    assert "A: Vertex AI Pipelines." in before.stdout


def test_reasks_from_an_earlier_session_show_current_names_too(run, current):
    first = run("review", "--exam", "tiny", "--max", "1", input="2\nq\n", decks=current, today="2026-06-01")
    assert first.exit_code == 0, first.output
    again = run("review", "--reviews-only", "--exam", "tiny", input="\nq\n", decks=current, today="2026-06-01")
    assert "A: Agent Platform Pipelines (Vertex AI Pipelines)." in again.stdout
