"""A simulated learner's memory: what happens in the head while the plan is followed.

The model is deliberately small and every number in it is written here, so a plan is
judged against stated assumptions rather than against the product's own forecast.
It is not SM-2: SM-2 is what the product *schedules*; this is what the learner *remembers*.

Cards
-----
Each card has a hidden difficulty ``d`` in [1, 10] (1 easy, 10 hard), drawn once per card
from a triangular distribution (low 1, mode 5, high 10) by a random generator seeded with
``(seed, card id)``: a card's difficulty does not depend on the order cards are met in.
``ease = (d - 1) / 9`` maps it to [0, 1] (0 easiest).

Memory
------
A card the learner has met has a stability ``S`` (days) and the day it was last studied.
Recall after ``t`` days is the exponential forgetting curve

    R(t) = exp(ln(0.9) * t / S)          (R = 0.9 after S days: S is the 90 % interval)

First exposure (a new card)
    The learner reads the card. Its grade is drawn from a difficulty-dependent mix,
    interpolated linearly in ``ease`` between

        grade:           5     4     3     2
        easiest card:  0.40  0.40  0.15  0.05
        hardest card:  0.05  0.30  0.35  0.30

    and the starting stability depends on that grade: 5 -> 3.0, 4 -> 2.0, 3 -> 1.5,
    2 -> 1.0 days.

Scheduled review (and drill)
    ``t`` = days since the card was last studied, ``R = R(t)``. The learner recalls it with
    probability ``R`` (one draw).

    * Recall: grade 5 if R >= 0.9, 4 if R >= 0.75, else 3. Stability grows as in FSRS
      (v4 shape, its default weights rounded):

          S <- S * (1 + e^1.6 * (11 - d) * S^-0.15 * (e^(1 - R) - 1))

      so easier cards (small d) grow faster, large stabilities grow proportionally less,
      and a review done when recall has dropped further (small R) strengthens memory
      more: the spacing effect. A review on the same day it was studied (t = 0, R = 1)
      adds nothing.
    * Failure: grade 2 with probability 0.6, else 1; ``S <- max(0.5, 0.3 * S)``.

    A drill (a practice review of a card that is not due) is the same event for memory:
    it refreshes the card and moves S exactly like a review. Only the product logs it
    differently (as practice).

Same-day re-ask (after a grade below 4)
    A relearning step, not a spaced review: it succeeds (grade 4) with probability 0.85,
    else grade 2 (and the product asks again). On success S is raised to at least 1 day;
    nothing else changes (the card was already studied today).

Randomness
----------
One ``random.Random(seed)`` draws the events in the order they happen; difficulties come
from per-card generators. The same seed and the same sequence of cards give the same
grades, run after run (numpy is not used).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

LN_09 = math.log(0.9)

FIRST_GRADES = (5, 4, 3, 2)
FIRST_EASY = (0.40, 0.40, 0.15, 0.05)
FIRST_HARD = (0.05, 0.30, 0.35, 0.30)
FIRST_STABILITY = {5: 3.0, 4: 2.0, 3: 1.5, 2: 1.0}

GROWTH_A = 1.6      # e^a scales the growth
GROWTH_DECAY = 0.15  # S^-decay: big stabilities grow proportionally less
GROWTH_B = 1.0      # e^(b (1 - R)) - 1: the spacing effect
LAPSE_FACTOR = 0.3
MIN_STABILITY = 0.5
LAPSE_GRADE_2 = 0.6
REASK_SUCCESS = 0.85


@dataclass
class CardMemory:
    difficulty: float
    stability: float = 0.0
    last_day: float | None = None  # date ordinal of the last study (None: never met)
    exposures: int = 0

    @property
    def seen(self) -> bool:
        return self.last_day is not None


def _ordinal(day: date | float) -> float:
    """A date as its ordinal; a number is taken as an ordinal already (fractions allowed)."""
    return day if isinstance(day, (int, float)) else day.toordinal()


def retrievability(stability: float, elapsed_days: float) -> float:
    """R(t) = exp(ln 0.9 * t / S); 1.0 at t <= 0."""
    if elapsed_days <= 0:
        return 1.0
    return math.exp(LN_09 * elapsed_days / stability)


def grown_stability(stability: float, difficulty: float, r: float) -> float:
    """Stability after a successful recall at retrievability *r* (FSRS-shaped growth)."""
    gain = math.exp(GROWTH_A) * (11 - difficulty) * stability ** -GROWTH_DECAY * (math.exp(GROWTH_B * (1 - r)) - 1)
    return stability * (1 + gain)


class Learner:
    """The simulated learner's memory of every card it has met.

    Methods take the day as a ``date`` (or a date ordinal) and return the grade the
    learner gives; the memory is updated as a side effect.
    """

    def __init__(self, seed: int = 0):
        self.seed = seed
        self.rng = random.Random(seed)
        self.cards: dict[str, CardMemory] = {}

    # ------------------------------------------------------------------ cards

    def difficulty(self, card_id: str) -> float:
        """The card's hidden difficulty in [1, 10], fixed by (seed, card id)."""
        return self.card(card_id).difficulty

    def card(self, card_id: str) -> CardMemory:
        mem = self.cards.get(card_id)
        if mem is None:
            d = random.Random(f"{self.seed}/difficulty/{card_id}").triangular(1.0, 10.0, 5.0)
            mem = self.cards[card_id] = CardMemory(difficulty=d)
        return mem

    def seen(self, card_id: str) -> bool:
        mem = self.cards.get(card_id)
        return mem is not None and mem.seen

    # ------------------------------------------------------------------ events

    def first_exposure(self, card_id: str, day: date | int) -> int:
        """Read a new card: a grade 2-5 from its difficulty; stability starts at 1-3 days."""
        mem = self.card(card_id)
        ease = (mem.difficulty - 1) / 9
        weights = [e + (h - e) * ease for e, h in zip(FIRST_EASY, FIRST_HARD)]
        grade = self.rng.choices(FIRST_GRADES, weights=weights)[0]
        mem.stability = FIRST_STABILITY[grade]
        mem.last_day = _ordinal(day)
        mem.exposures += 1
        return grade

    def review(self, card_id: str, day: date | int) -> int:
        """A scheduled review (or a drill): recall with probability R(elapsed days)."""
        mem = self.card(card_id)
        if not mem.seen:
            return self.first_exposure(card_id, day)
        today = _ordinal(day)
        r = retrievability(mem.stability, today - mem.last_day)
        if self.rng.random() < r:
            grade = 5 if r >= 0.9 else 4 if r >= 0.75 else 3
            mem.stability = grown_stability(mem.stability, mem.difficulty, r)
        else:
            grade = 2 if self.rng.random() < LAPSE_GRADE_2 else 1
            mem.stability = max(MIN_STABILITY, mem.stability * LAPSE_FACTOR)
        mem.last_day = today
        mem.exposures += 1
        return grade

    drill = review  # for memory a drill is a review; the product logs it as practice

    def reask(self, card_id: str, day: date | int) -> int:
        """A same-day re-ask after a grade below 4: grade 4 with probability 0.85, else 2."""
        mem = self.card(card_id)
        if not mem.seen:  # not expected: a re-ask follows a grade given today
            return self.first_exposure(card_id, day)
        if self.rng.random() < REASK_SUCCESS:
            mem.stability = max(mem.stability, 1.0)
            mem.last_day = max(mem.last_day, _ordinal(day))
            return 4
        return 2

    # ------------------------------------------------------------------ prediction

    def recall_on(self, card_id: str, day: date | int) -> float:
        """Predicted true recall of the card on *day* (0.0 for a card never met)."""
        mem = self.cards.get(card_id)
        if mem is None or not mem.seen:
            return 0.0
        return retrievability(mem.stability, _ordinal(day) - mem.last_day)
