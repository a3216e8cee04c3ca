"""The shipped decks are current: no card uses only a renamed product's old name, every exam
card has a ref, every exam domain file a verified date, every domain's share of the cards
is within 5 points of its weight (issue 11)."""

from datetime import date

import pytest

from studyplan.deck_rules import deck_warnings
from studyplan.decks import load_catalog, shipped_decks_dir

CATALOG, PROBLEMS = load_catalog(shipped_decks_dir())
# Checked on the day, or later if a deck records a rename that takes effect later.
DAY = max([date(2026, 11, 29)] + [r.date for e in CATALOG.exams.values() for r in e.renames])


def test_shipped_decks_load_with_the_new_fields():
    assert PROBLEMS == []


@pytest.mark.parametrize("exam_id", sorted(CATALOG.exams))
def test_no_rename_ref_verified_or_share_warnings(exam_id):
    exam = CATALOG.exam(exam_id)
    warnings = [str(w) for w in deck_warnings(CATALOG, DAY) if w.file.startswith(f"decks/{exam_id}/")]
    assert warnings == [], f"{len(warnings)} warning(s), first: {warnings[:3]}"
    if exam.kind == "exam":
        assert all(c.ref.startswith("https://") for c in exam.cards)
        assert all(f.verified is not None for f in exam.deck_files)
