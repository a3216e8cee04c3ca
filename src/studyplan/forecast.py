"""The review workload a plan must make room for: expected reviews, re-asks and drills.

Pure: no I/O, no clock. The forecast follows SM-2 (:mod:`studyplan.sm2`) over a realistic
grade mix instead of assuming every review is graded 4.

The grade mix
-------------
Grades fall in four classes: a lapse (0-2, represented by 2), 3, 4 and 5. A card's first
exposure (its introduction) and its later reviews have different mixes: a card read for
the first time is often only half understood. :data:`PRIOR` is the documented starting
point, from spaced-repetition practice for cards of this kind (about 1 review in 10
lapses, about a quarter of reviews need a same-day re-ask):

* first exposure: 20% lapse, 25% grade 3, 35% grade 4, 20% grade 5;
* review: 10% lapse, 15% grade 3, 45% grade 4, 30% grade 5;
* a same-day re-ask passes (grade 4 or 5) 85% of the time; a card graded below 4 is
  re-asked until it passes, so it costs 1 / 0.85 re-asks on average.

Once a learner has :data:`CALIBRATION_DAYS` days of history, :func:`calibrate` blends the
learner's own counts with the prior (the prior weighs as :data:`PRIOR_WEIGHT` grades). The
counts are of the learner's last :data:`GRADE_WINDOW` grades and as many re-asks: how they
do now, read in milliseconds from a history of a million reviews.

Expected counts
---------------
:class:`Forecaster` propagates the probability of every SM-2 state day by day (states
that agree in E-Factor, repetitions, interval and due day are merged; branches below
:data:`PRUNE` are dropped), so a card introduced on day 0 has an expected number of
reviews on each later day. Reviews on rest days move to the next study day (the planner
does that). :meth:`Forecaster.unreviewed` gives the chance that a card has no review in
a window, which is how many final-week drills a plan needs.

Minutes: a new card 1.5 (reading a scenario and its explained answer, then grading it),
a review 0.5, a re-ask 0.25 (the answer was seen minutes ago), a drill 0.5. A day's
review minutes are planned at the expected value plus :data:`SAFETY_SD` standard
deviations (reviews arrive roughly as a Poisson count), so real days stay within the
learner's minutes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from studyplan.sm2 import INITIAL_EASINESS, Sm2State, review

NEW_CARD_MINUTES = 1.5
REVIEW_MINUTES = 0.5
REASK_MINUTES = 0.25
DRILL_MINUTES = 0.5
SAFETY_SD = 1.5
CLASS_GRADES = (2, 3, 4, 5)
PRUNE = 1e-6
CALIBRATION_DAYS = 7
GRADE_WINDOW = 5000
PRIOR_WEIGHT = 40
_EPOCH = date(2000, 1, 3)


@dataclass(frozen=True)
class GradeMix:
    """Chances of (lapse, 3, 4, 5) on a first exposure and on a review; re-ask pass rate."""

    intro: tuple[float, float, float, float]
    review: tuple[float, float, float, float]
    reask_pass: float

    def reasks_per(self, mix: tuple[float, float, float, float]) -> float:
        """Expected same-day re-asks of one graded item with this mix."""
        return (mix[0] + mix[1]) / max(self.reask_pass, 0.05)


PRIOR = GradeMix(intro=(0.20, 0.25, 0.35, 0.20), review=(0.10, 0.15, 0.45, 0.30), reask_pass=0.85)


@dataclass(frozen=True)
class GradeCounts:
    """A learner's history: grades per class of first exposures and reviews, re-asks."""

    intro: tuple[int, int, int, int] = (0, 0, 0, 0)
    review: tuple[int, int, int, int] = (0, 0, 0, 0)
    reasks: int = 0
    reasks_passed: int = 0
    days: int = 0


def grade_class(grade: int) -> int:
    """The class index of a 0-5 grade: 0 lapse, 1 grade 3, 2 grade 4, 3 grade 5."""
    return max(0, grade - 2)


def calibrate(counts: GradeCounts, prior: GradeMix = PRIOR) -> GradeMix:
    """The prior blended with the learner's own grades once there is a week of history."""
    if counts.days < CALIBRATION_DAYS:
        return prior

    def blend(seen: tuple[int, ...], base: tuple[float, ...]) -> tuple[float, float, float, float]:
        n = sum(seen)
        a, b, c, d = ((k + PRIOR_WEIGHT * p) / (n + PRIOR_WEIGHT) for k, p in zip(seen, base))
        return (a, b, c, d)

    passed = (counts.reasks_passed + PRIOR_WEIGHT * prior.reask_pass) / (counts.reasks + PRIOR_WEIGHT)
    return GradeMix(blend(counts.intro, prior.intro), blend(counts.review, prior.review), passed)


_Key = tuple[float, int, int]  # (E-Factor, repetitions, interval)


@dataclass(frozen=True)
class Trajectory:
    """Expected reviews and re-asks per day offset of one card, and its pending due days."""

    reviews: tuple[float, ...]
    reasks: tuple[float, ...]
    pending: tuple[Mapping[int, float], ...]  # offset k -> {due offset >= k: chance}


class Forecaster:
    """Expected SM-2 workload for one grade mix, up to *horizon* days ahead."""

    def __init__(self, mix: GradeMix, horizon: int):
        self.mix = mix
        self.horizon = horizon
        self._steps: dict[tuple[_Key, int], _Key] = {}
        self._after: dict[_Key, tuple[_Key, ...]] = {}
        self._cache: dict[tuple[_Key, int] | None, Trajectory] = {}

    def _step(self, key: _Key, grade: int) -> _Key:
        found = self._steps.get((key, grade))
        if found is None:
            after = review(Sm2State(key[0], key[2], key[1], _EPOCH), grade, _EPOCH)
            found = (round(after.easiness, 6), after.repetitions, after.interval)
            self._steps[(key, grade)] = found
        return found

    def _nexts(self, key: _Key) -> tuple[_Key, ...]:
        """The state after each grade class, in CLASS_GRADES order."""
        found = self._after.get(key)
        if found is None:
            found = self._after[key] = tuple(self._step(key, grade) for grade in CLASS_GRADES)
        return found

    def _propagate(self, start: dict[int, dict[_Key, float]]) -> Trajectory:
        horizon = self.horizon
        reviews = [0.0] * (horizon + 1)
        reasks = [0.0] * (horizon + 1)
        pending: list[Mapping[int, float]] = []
        by_due = {due: dict(states) for due, states in start.items()}
        review_mix = self.mix.review
        reask_rate = self.mix.reasks_per(review_mix)
        # Each due day's total chance, summed again only when its states changed (the
        # same sum over the same dict as before: the figures are bit for bit the same).
        totals: dict[int, float] = {}
        changed = set(by_due)
        nexts = self._nexts
        for k in range(horizon + 1):
            for due in changed:
                totals[due] = sum(by_due[due].values())
            changed = set()
            pending.append({due: totals[due] for due in by_due if due >= k})
            bucket = by_due.pop(k, None)
            if not bucket:
                continue
            total = sum(bucket.values())
            reviews[k] += total
            reasks[k] += total * reask_rate
            for key, p in bucket.items():
                for chance, nxt in zip(review_mix, nexts(key)):
                    q = p * chance
                    if q < PRUNE:
                        continue
                    due = k + nxt[2]
                    slot = by_due.get(due)
                    if slot is None:
                        slot = by_due[due] = {}
                    slot[nxt] = slot.get(nxt, 0.0) + q
                    changed.add(due)
        return Trajectory(tuple(reviews), tuple(reasks), tuple(pending))

    def new_card(self) -> Trajectory:
        """A card introduced (first graded) on day 0: its later reviews, from day 1."""
        found = self._cache.get(None)
        if found is None:
            start: dict[int, dict[_Key, float]] = {}
            fresh = (INITIAL_EASINESS, 0, 0)
            for chance, grade in zip(self.mix.intro, CLASS_GRADES):
                nxt = self._step(fresh, grade)
                slot = start.setdefault(nxt[2], {})
                slot[nxt] = slot.get(nxt, 0.0) + chance
            found = self._propagate(start)
            self._cache[None] = found
        return found

    def existing(self, state: Sm2State, due_offset: int) -> Trajectory:
        """A card already studied, in *state*, next due *due_offset* days from day 0."""
        key = (round(state.easiness, 6), state.repetitions, state.interval)
        found = self._cache.get((key, due_offset))
        if found is None:
            found = self._propagate({due_offset: {key: 1.0}})
            self._cache[(key, due_offset)] = found
        return found

    def intro_minutes(self) -> float:
        """Minutes of one new card: its first exposure and that day's re-asks."""
        return NEW_CARD_MINUTES + REASK_MINUTES * self.mix.reasks_per(self.mix.intro)


def unreviewed(trajectory: Trajectory, window_start: int, window_end: int) -> float:
    """Chance that the card has no review in [window_start, window_end) (offsets)."""
    if window_start < 0:
        window_start = 0
    if window_start >= len(trajectory.pending):
        return 1.0
    pending = trajectory.pending[window_start]
    return sum(p for due, p in pending.items() if due >= window_end)


def review_minutes(reviews: float, reasks: float) -> int:
    """Minutes to plan for a day's expected reviews and re-asks, with a safety margin."""
    if reviews <= 0:
        return 0
    expected = reviews * REVIEW_MINUTES + reasks * REASK_MINUTES
    return math.ceil(round(expected + SAFETY_SD * REVIEW_MINUTES * math.sqrt(reviews), 9))
