"""Anki's review history (its revlog) read as studyplan's: pure, no database.

Grades. Anki's four buttons map onto SM-2's 0-5 scale as
    Again (ease 1) -> 1, Hard (2) -> 3, Good (3) -> 4, Easy (4) -> 5,
so Again is a lapse, Hard passes but is asked again the same day (below 4), and Good and
Easy pass. Rows without a button (ease 0: a manual reschedule) are not reviews.

Days. SM-2 grades a card once a day; later answers that day are re-asks. So a card's first
answer of each day (by local time) is its scheduled review, and its other answers that
day (Anki's learning steps) are logged as practice, as studyplan logs its own re-asks.

State. The E-Factor, interval and due date are Anki's own, from the last answer of the day
(its ease factor in permille, at least 1.3; 2.5 until Anki has one; an interval of
seconds, a card still learning, counts as 1 day), so the card comes due when Anki would
have shown it. Repetitions and lapses follow SM-2 from the scheduled grades: a grade
below 3 is a lapse and restarts the repetitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

from studyplan.sm2 import INITIAL_EASINESS, MIN_EASINESS, Sm2State

GRADE_FOR_EASE = {1: 1, 2: 3, 3: 4, 4: 5}


@dataclass(frozen=True, slots=True)
class AnkiReview:
    """One row of Anki's revlog: when (ms since the epoch, also its id), the button
    (ease 1-4), the interval it gave (days; negative = seconds, still learning), the
    ease factor (permille; 0 while learning), the time taken (ms) and the kind of review."""

    at_ms: int
    ease: int
    interval: int
    factor: int
    taken_ms: int
    kind: int


@dataclass(frozen=True, slots=True)
class ImportedReview:
    """One review as studyplan logs it: the state it produced and the state before it
    (None before the card's first review)."""

    reviewed_at: datetime
    review_day: date
    grade: int
    practice: bool
    seconds: float
    state: Sm2State
    before: Sm2State | None
    lapses_before: int
    introduced_before: date | None


@dataclass(frozen=True)
class CardHistory:
    card_id: str
    reviews: tuple[ImportedReview, ...]
    state: Sm2State       # after the last review
    lapses: int
    introduced_on: date   # the day of the first review


def reviewed_at(at_ms: int) -> datetime:
    """A revlog timestamp (ms since the epoch) as a local time, to the millisecond."""
    return datetime.fromtimestamp(at_ms // 1000) + timedelta(milliseconds=at_ms % 1000)


def card_history(card_id: str, reviews: Sequence[AnkiReview]) -> CardHistory | None:
    """*reviews* (one card's, oldest first, ease 1-4) as studyplan's history; None if none."""
    logged: list[ImportedReview] = []
    state: Sm2State | None = None
    easiness, repetitions, lapses = INITIAL_EASINESS, 0, 0
    introduced: date | None = None
    for day, rows in groupby(reviews, key=lambda r: reviewed_at(r.at_ms).date()):
        answers = list(rows)
        for row in answers:
            if row.factor > 0:
                easiness = max(MIN_EASINESS, row.factor / 1000)
        grade = GRADE_FOR_EASE[answers[0].ease]
        repetitions = repetitions + 1 if grade >= 3 else 0
        interval = max(answers[-1].interval, 1)
        after = Sm2State(easiness=easiness, interval=interval, repetitions=repetitions,
                         due=day + timedelta(days=interval))
        logged.append(ImportedReview(reviewed_at(answers[0].at_ms), day, grade, False, answers[0].taken_ms / 1000,
                                     after, state, lapses, introduced))
        lapses += grade < 3
        introduced = introduced or day
        logged.extend(ImportedReview(reviewed_at(r.at_ms), day, GRADE_FOR_EASE[r.ease], True, r.taken_ms / 1000,
                                     after, after, lapses, introduced) for r in answers[1:])
        state = after
    if state is None or introduced is None:
        return None
    return CardHistory(card_id, tuple(logged), state, lapses, introduced)
