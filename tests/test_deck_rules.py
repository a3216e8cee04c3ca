"""The currency fields (renames, verified) as the loader reads them, and the warnings of
`deck_rules`: renamed names, missing refs and verified dates, domain shares off their weights."""

from datetime import date

import pytest
from conftest import TINY_EXAM
from current_decks import RENAMES, domain_file, write_current_decks

from studyplan.catalog import Rename
from studyplan.deck_rules import StaleDomain, deck_warnings, stale_domains
from studyplan.decks import load_catalog

BEFORE, ON = date(2026, 5, 31), date(2026, 6, 1)


@pytest.fixture
def current(tmp_path):
    return write_current_decks(tmp_path / "decks")


def warnings(root, today):
    catalog, problems = load_catalog(root)
    assert problems == []
    return [str(w) for w in deck_warnings(catalog, today)]


def test_renames_and_verified_dates_are_read(current):
    catalog, problems = load_catalog(current)
    assert problems == []
    exam = catalog.exam("tiny")
    assert exam.renames == (
        Rename("Vertex AI Pipelines", "Agent Platform Pipelines", ON,
               "https://docs.cloud.google.com/agent-platform/docs/pipelines/introduction", 25),
        Rename("Vertex AI", "Agent Platform", ON, "", 31))
    assert [(f.domain, f.file, f.verified, f.line) for f in exam.deck_files] == [
        ("alpha", "decks/tiny/01-alpha.toml", date(2026, 5, 20), 2),
        ("beta", "decks/tiny/02-beta.toml", date(2026, 3, 1), 2)]
    assert (exam.verified("alpha"), exam.verified("beta")) == (date(2026, 5, 20), date(2026, 3, 1))


def test_clean_before_the_rename_date(current):
    assert warnings(current, BEFORE) == []


def test_old_names_flagged_on_the_rename_date_longest_first(current):
    assert warnings(current, ON) == [
        "decks/tiny/01-alpha.toml:5: warning: card 'tiny-alpha-001' says 'Vertex AI Pipelines' but not "
        "'Agent Platform Pipelines' (renamed 2026-06-01)",
        "decks/tiny/01-alpha.toml:26: warning: card 'tiny-alpha-004' says 'Vertex AI' but not "
        "'Agent Platform' (renamed 2026-06-01)",
    ]


def test_rename_problems_are_errors_with_lines(current):
    bad = RENAMES.replace('new = "Agent Platform"\n', 'new = "Vertex AI"\nwhen = "soon"\n').replace(
        "date = 2026-06-01\nref", 'date = "June"\nref').replace('ref = "https://docs', 'ref = "http://docs')
    bad += '\n[[renames]]\nold = "Vertex AI"\nnew = "X"\n'
    (current / "tiny" / "exam.toml").write_text(TINY_EXAM + bad)
    catalog, problems = load_catalog(current)
    assert [str(p) for p in problems] == [
        "decks/tiny/exam.toml:28: 'date' must be a date like 2026-03-31",
        "decks/tiny/exam.toml:29: rename of 'Vertex AI Pipelines': ref must be an https:// URL",
        "decks/tiny/exam.toml:33: rename of 'Vertex AI': new name equals the old one",
        "decks/tiny/exam.toml:34: rename of 'Vertex AI' has unknown key 'when'",
        "decks/tiny/exam.toml:38: 'Vertex AI' is renamed twice",
        "decks/tiny/exam.toml:37: rename of 'Vertex AI' has no date (the day the provider renamed it)",
    ]
    assert catalog.exam("tiny").renames == ()  # a rename with a problem is not used


def test_verified_must_be_a_date(current):
    (current / "tiny" / "02-beta.toml").write_text(domain_file("beta", 4, '"yesterday"'))
    assert [str(p) for p in load_catalog(current)[1]] == [
        "decks/tiny/02-beta.toml:2: 'verified' must be a date like 2026-03-31"]


def test_exam_card_without_ref_and_file_without_verified_warn(current):
    text = domain_file("beta", 4, None).replace('ref = "https://example.com/doc"\n', "", 1)
    (current / "tiny" / "02-beta.toml").write_text(text.replace('ref = "https://example.com/doc"', 'ref = "docs page"', 1))
    assert warnings(current, BEFORE) == [
        "decks/tiny/02-beta.toml:1: warning: domain 'beta' has no 'verified' date "
        "(the day its cards were last checked against the provider's documentation)",
        "decks/tiny/02-beta.toml:4: warning: card 'tiny-beta-001' has no ref (the provider's page for its claim)",
        "decks/tiny/02-beta.toml:10: warning: card 'tiny-beta-002' ref is not an https:// URL",
    ]


def test_verified_after_today_warns(current):
    assert warnings(current, date(2026, 5, 19)) == [
        "decks/tiny/01-alpha.toml:2: warning: verified date 2026-05-20 is after today (2026-05-19)"]


def test_foundations_decks_need_neither_ref_nor_verified(current):
    exam = current / "tiny" / "exam.toml"
    exam.write_text(exam.read_text().replace('kind = "exam"', 'kind = "foundations"'))
    (current / "tiny" / "02-beta.toml").write_text(domain_file("beta", 4, None).replace('ref = "https://example.com/doc"\n', ""))
    catalog, _ = load_catalog(current)
    assert deck_warnings(catalog, BEFORE) == []
    assert stale_domains(catalog, BEFORE, 0) == []


def test_share_drift_beyond_five_points_warns(current):
    # 6 of 11 cards is 54.5% against 60%: 5.5 points off; beta 45.5% against 40%.
    (current / "tiny" / "02-beta.toml").write_text(domain_file("beta", 5, "2026-03-01"))
    assert warnings(current, BEFORE) == [
        "decks/tiny/exam.toml:16: warning: domain 'alpha' has 54.5% of the exam's cards (6 of 11) against a "
        "weight of 60.0%: more than 5 points apart",
        "decks/tiny/exam.toml:21: warning: domain 'beta' has 45.5% of the exam's cards (5 of 11) against a "
        "weight of 40.0%: more than 5 points apart",
    ]


def test_share_exactly_five_points_off_is_within(current):
    # 11 of 20 cards is 55% against 60%: 5 points, not more (floating point must not say 5.0000001).
    (current / "tiny" / "01-alpha.toml").write_text(domain_file("alpha", 11, "2026-05-20"))
    (current / "tiny" / "02-beta.toml").write_text(domain_file("beta", 9, "2026-03-01"))
    assert warnings(current, BEFORE) == []


def test_stale_domains_oldest_first_never_verified_before_all(current):
    (current / "tiny" / "01-alpha.toml").write_text(domain_file("alpha", 6, None))
    catalog, _ = load_catalog(current)
    today = date(2026, 11, 29)
    assert stale_domains(catalog, today, 365) == [StaleDomain("tiny", "alpha", "decks/tiny/01-alpha.toml", None, None)]
    assert stale_domains(catalog, today, 100) == [
        StaleDomain("tiny", "alpha", "decks/tiny/01-alpha.toml", None, None),
        StaleDomain("tiny", "beta", "decks/tiny/02-beta.toml", date(2026, 3, 1), 273)]
    assert stale_domains(catalog, today, 273) == stale_domains(catalog, today, 365)  # older than, not as old as
