"""SM-2 as published, each point of studyplan's reading pinned with exact numbers."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyplan.sm2 import Sm2State, next_easiness, review

DAY = date(2026, 1, 1)


def run(grades, start=DAY):
    state, day, seen = Sm2State(), start, []
    for grade in grades:
        state = review(state, grade, day)
        seen.append(state)
        day = state.due
    return seen


def test_new_card_defaults():
    assert Sm2State() == Sm2State(easiness=2.5, interval=0, repetitions=0, due=None)


def test_grade_four_keeps_easiness_and_gives_1_6_15_38():
    states = run([4, 4, 4, 4])
    assert [s.interval for s in states] == [1, 6, 15, 38]
    assert [s.repetitions for s in states] == [1, 2, 3, 4]
    assert all(s.easiness == pytest.approx(2.5) for s in states)
    assert [s.due for s in states] == [date(2026, 1, 2), date(2026, 1, 8), date(2026, 1, 23), date(2026, 3, 2)]


def test_grade_five_raises_easiness_by_a_tenth_each_time():
    states = run([5, 5, 5, 5])
    assert [round(s.easiness, 6) for s in states] == [2.6, 2.7, 2.8, 2.9]
    # I(3) = ceil(6 * 2.8) = 17, I(4) = ceil(17 * 2.9) = ceil(49.3) = 50
    assert [s.interval for s in states] == [1, 6, 17, 50]


@pytest.mark.parametrize("grade, delta", [(5, 0.10), (4, 0.0), (3, -0.14), (2, -0.32), (1, -0.54), (0, -0.80)])
def test_easiness_formula_for_each_grade(grade, delta):
    assert next_easiness(2.5, grade) == pytest.approx(2.5 + delta)


def test_failing_grade_restarts_repetitions_but_still_updates_easiness():
    s = run([5, 5, 5])[-1]
    assert (s.repetitions, s.interval) == (3, 17)
    failed = review(s, 2, DAY)
    assert (failed.repetitions, failed.interval, failed.due) == (0, 1, DAY + timedelta(days=1))
    # The E-Factor is updated by the formula, not reset to 2.5 and not left unchanged.
    assert failed.easiness == pytest.approx(2.8 - 0.32)
    again = review(failed, 4, DAY)
    assert (again.repetitions, again.interval) == (1, 1)
    assert review(again, 4, DAY).interval == 6


def test_third_interval_uses_the_easiness_just_updated_and_rounds_up():
    s1 = review(Sm2State(), 4, DAY)
    s2 = review(s1, 4, DAY)
    s3 = review(s2, 3, DAY)  # EF 2.5 -> 2.36; 6 * 2.36 = 14.16 -> 15
    assert s3.easiness == pytest.approx(2.36)
    assert s3.interval == 15


def test_rounding_does_not_add_a_day_for_float_noise():
    state = Sm2State(easiness=2.4 + 0.1, interval=6, repetitions=2)  # 2.5 exactly in theory
    assert review(state, 4, DAY).interval == 15


def test_easiness_floor_is_1_3():
    states = run([0] * 6)
    assert [round(s.easiness, 6) for s in states] == [1.7, 1.3, 1.3, 1.3, 1.3, 1.3]
    assert review(Sm2State(easiness=1.35), 3, DAY).easiness == 1.3


def test_late_review_uses_the_scheduled_interval_not_the_elapsed_days():
    s2 = run([4, 4])[-1]  # due 2026-01-08, interval 6
    late = DAY + timedelta(days=30)
    s3 = review(s2, 4, late)
    assert s3.interval == 15
    assert s3.due == late + timedelta(days=15)


@pytest.mark.parametrize("grade", [-1, 6, 3.0, "4", None, True])
def test_invalid_grade_raises_value_error(grade):
    with pytest.raises(ValueError):
        review(Sm2State(), grade, DAY)


def test_state_is_frozen_and_round_trips_through_a_dict():
    state = run([5, 3])[-1]
    with pytest.raises(AttributeError):
        state.interval = 3  # type: ignore[misc]
    assert Sm2State.from_dict(state.to_dict()) == state


@given(grades=st.lists(st.integers(0, 5), min_size=1, max_size=40), offset=st.integers(0, 20000))
def test_property_easiness_floor_interval_and_due(grades, offset):
    state, day = Sm2State(), date(2000, 1, 1) + timedelta(days=offset)
    for grade in grades:
        state = review(state, grade, day)
        assert state.easiness >= 1.3
        assert state.interval >= 1
        assert state.due > day
        assert (state.repetitions == 0) == (grade < 3)
        day = state.due
