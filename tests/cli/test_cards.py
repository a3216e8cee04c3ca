"""`studyplan cards suspended` and `studyplan cards unsuspend`, end to end through the CLI."""

import json
from datetime import date, timedelta

from conftest import db_digest, piped_review, rows

TODAY = date(2026, 12, 1)


def review(run, actions, today=TODAY, *extra):
    return piped_review(run, actions, today, *extra)


def test_no_suspended_cards(run):
    result = run("cards", "suspended")
    assert result.exit_code == 0, result.output
    assert result.stdout == "No suspended cards.\n"
    assert json.loads(run("cards", "suspended", "--format", "json").stdout) == []


def test_lists_suspended_cards_as_text_and_json(run, monkeypatch):
    review(run, ["s", "4", "s", "q"])  # suspends alpha-001 (new) and alpha-002 (new); grades beta-001
    monkeypatch.setenv("COLUMNS", "80")
    lines = run("cards", "suspended").stdout.splitlines()
    assert lines == [
        "card            exam  domain  front",
        "tiny-alpha-001  tiny  alpha   Question 1 about alpha?",
        "tiny-alpha-002  tiny  alpha   Question 2 about alpha?",
    ]
    assert json.loads(run("cards", "suspended", "--format", "json").stdout) == [
        {"id": "tiny-alpha-001", "exam": "tiny", "domain": "alpha", "front": "Question 1 about alpha?"},
        {"id": "tiny-alpha-002", "exam": "tiny", "domain": "alpha", "front": "Question 2 about alpha?"},
    ]
    assert run("--learner", "someone-else", "cards", "suspended").stdout == "No suspended cards.\n"


def test_a_long_or_hostile_front_is_cut_to_one_line(run, tiny_decks, monkeypatch):
    deck = tiny_decks / "tiny" / "01-alpha.toml"
    deck.write_text(deck.read_text().replace(
        'front = "Question 1 about alpha?"',
        'front = "\\u001b[2J Which  metric\\nshould ' + 'x' * 200 + '?"'))
    review(run, ["s", "q"])
    monkeypatch.setenv("COLUMNS", "60")
    result = run("cards", "suspended")
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(len(line) <= 60 for line in lines), lines
    assert "\x1b" not in result.stdout and lines[1].endswith("…")
    assert "\\x1b[2J Which metric should x" in lines[1]


def test_unsuspend_restores_new_and_studied_cards(run, db_path):
    review(run, ["5"], TODAY, "--max", "1")
    studied = rows(db_path, "select * from card_state where card_id = 'tiny-alpha-001'")
    review(run, ["s", "q"], TODAY + timedelta(days=1), "--reviews-only")  # the studied alpha-001
    review(run, ["s", "q"], TODAY + timedelta(days=1), "--new-only", "--domain", "beta")  # the new beta-001
    assert rows(db_path, "select card_id from card_state where suspended = 1 order by card_id") == [
        ("tiny-alpha-001",), ("tiny-beta-001",)]
    result = run("cards", "unsuspend", "tiny-beta-001", "tiny-alpha-001", "tiny-beta-001")
    assert result.exit_code == 0, result.output
    assert result.stdout == "unsuspended 2 cards: tiny-beta-001, tiny-alpha-001\n"
    assert rows(db_path, "select * from card_state") == studied  # beta-001's flag-only row is gone: new again
    assert run("cards", "suspended").stdout == "No suspended cards.\n"
    due = review(run, ["q"], TODAY + timedelta(days=1), "--reviews-only")
    assert "Q: Question 1 about alpha?" in due.stdout  # due again
    new = review(run, ["q"], TODAY + timedelta(days=1), "--new-only", "--domain", "beta")
    assert "tiny › beta new\nQ: Question 1 about beta?" in new.stdout


def test_a_bad_id_changes_nothing(run, db_path):
    review(run, ["s", "4", "q"])  # alpha-001 suspended, beta-001 studied
    before = db_digest(db_path)
    for ids, message in [
        (["tiny-alpha-001", "nope"], "Error: unknown card 'nope'; nothing changed\n"),
        (["tiny-beta-001", "tiny-alpha-001"], "Error: card 'tiny-beta-001' is not suspended; nothing changed\n"),
        (["tiny-alpha-002"], "Error: card 'tiny-alpha-002' is not suspended; nothing changed\n"),
        (["x\x1by", "tiny-beta-001"], "Error: unknown card 'x\\x1by'; card 'tiny-beta-001' is not suspended; "
                                      "nothing changed\n"),
    ]:
        result = run("cards", "unsuspend", *ids)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", message)
        assert db_digest(db_path) == before
    assert run("cards", "unsuspend").exit_code == 2


def test_unsuspend_for_a_learner_not_on_the_database(run, db_path):
    run("decks", "sync")
    result = run("--learner", "newcomer", "cards", "unsuspend", "tiny-alpha-001")
    assert (result.exit_code, result.stderr) == (1, "Error: card 'tiny-alpha-001' is not suspended; nothing changed\n")
    assert rows(db_path, "select name from learner") == []
