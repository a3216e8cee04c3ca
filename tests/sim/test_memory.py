"""The simulated learner's memory model (tests/sim/memory.py): deterministic and sensible."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from .memory import Learner, grown_stability, retrievability

DAY = date(2027, 1, 4)
CARDS = [f"card-{i:03d}" for i in range(200)]


def _history(seed: int) -> list[int]:
    learner = Learner(seed)
    grades = [learner.first_exposure(c, DAY) for c in CARDS]
    grades += [learner.review(c, DAY + timedelta(days=3)) for c in CARDS]
    grades += [learner.reask(c, DAY + timedelta(days=3)) for c in CARDS[:50]]
    return grades


def test_same_seed_same_grades_and_difficulties():
    assert _history(11) == _history(11)
    assert Learner(11).difficulty("x") == Learner(11).difficulty("x")
    assert _history(11) != _history(12)


def test_difficulty_does_not_depend_on_order():
    a, b = Learner(3), Learner(3)
    for c in CARDS:
        a.first_exposure(c, DAY)
    for c in reversed(CARDS):
        b.first_exposure(c, DAY)
    assert all(a.difficulty(c) == b.difficulty(c) for c in CARDS)
    assert all(1 <= a.difficulty(c) <= 10 for c in CARDS)


def test_first_exposure_grades_and_stability():
    learner = Learner(5)
    grades = [learner.first_exposure(c, DAY) for c in CARDS]
    assert set(grades) <= {2, 3, 4, 5}
    assert all(1.0 <= learner.cards[c].stability <= 3.0 for c in CARDS)
    # harder cards are graded lower on average
    by_d = sorted(CARDS, key=learner.difficulty)
    easy = [grades[CARDS.index(c)] for c in by_d[:60]]
    hard = [grades[CARDS.index(c)] for c in by_d[-60:]]
    assert sum(easy) / len(easy) > sum(hard) / len(hard)


def test_recall_falls_with_time():
    learner = Learner(1)
    learner.first_exposure("c", DAY)
    curve = [learner.recall_on("c", DAY + timedelta(days=t)) for t in range(0, 60, 5)]
    assert curve[0] == 1.0
    assert all(a > b for a, b in zip(curve, curve[1:]))
    s = learner.cards["c"].stability
    assert learner.recall_on("c", DAY.toordinal() + s) == pytest.approx(0.9, abs=0.03)  # whole days
    assert Learner(1).recall_on("never-seen", DAY) == 0.0


def test_success_grows_stability_failure_shrinks_it():
    for seed in range(40):
        learner = Learner(seed)
        learner.first_exposure("c", DAY)
        before = learner.cards["c"].stability
        grade = learner.review("c", DAY + timedelta(days=2))
        after = learner.cards["c"].stability
        if grade >= 3:
            assert after > before
        else:
            assert after == max(0.5, 0.3 * before) and grade in (1, 2)


def test_growth_is_larger_for_easier_cards_and_lower_recall():
    assert grown_stability(5.0, 2.0, 0.9) > grown_stability(5.0, 9.0, 0.9) > 5.0
    assert grown_stability(5.0, 5.0, 0.7) > grown_stability(5.0, 5.0, 0.9)
    assert grown_stability(5.0, 5.0, 1.0) == 5.0  # same-day review adds nothing
    assert retrievability(4.0, 4.0) == pytest.approx(0.9)


def test_reask_sets_stability_to_at_least_a_day():
    learner = Learner(2)
    learner.first_exposure("c", DAY)
    learner.cards["c"].stability = 0.5
    grades = [learner.reask("c", DAY) for _ in range(50)]
    assert set(grades) <= {2, 4} and 4 in grades
    assert learner.cards["c"].stability == 1.0
