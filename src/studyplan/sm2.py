"""SuperMemo SM-2 (Wozniak, 1987), as published, as a pure function.

Grades run 0-5. The E-Factor starts at 2.5 and never drops below 1.3:

    EF' = EF + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02))

Intervals: I(1) = 1, I(2) = 6, I(n) = I(n-1) * EF rounded up to a whole day. A grade
below 3 restarts the repetitions from I(1) without changing the E-Factor. Items graded
below 4 are asked again at the end of the same day's session; those re-asks do not change
the schedule (that is the session's job, not this module's).

Where the published text is ambiguous, studyplan reads it so:

* The E-Factor is updated by the formula after *every* graded review, a failing grade
  included. Step 6's "without changing the E-Factor" is read as "the restart does not reset
  the E-Factor to 2.5", not as "skip step 5": the steps are numbered and step 5 names no
  exception, and skipping it would let a card that is failed over and over keep an easy EF.
* The next interval uses the E-Factor as just updated (step 5 comes before step 4 is
  applied to the next repetition). The E-Factor is kept as an unrounded float; only the
  interval is rounded.
* Grade < 3: repetitions = 0, interval = 1. Grade >= 3: repetitions += 1 and the interval
  is 1 after the first, 6 after the second, ceil(previous interval * EF) after that.
* "Rounded up" is math.ceil. The product is first rounded to 9 decimals so that float
  noise such as 6 * 2.5000000000000004 does not add a whole day.
* due = the day of the review + interval. A review done late uses the scheduled interval,
  not the days that actually passed: SM-2 has no notion of overdue days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

INITIAL_EASINESS = 2.5
MIN_EASINESS = 1.3
GRADES = range(0, 6)


@dataclass(frozen=True, slots=True)
class Sm2State:
    """The SM-2 state of one item. The default is a new, never-reviewed item."""

    easiness: float = INITIAL_EASINESS
    interval: int = 0
    repetitions: int = 0
    due: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready dict."""
        return {
            "easiness": self.easiness,
            "interval": self.interval,
            "repetitions": self.repetitions,
            "due": self.due.isoformat() if self.due else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Sm2State:
        """The inverse of :meth:`to_dict`."""
        due = data.get("due")
        return cls(
            easiness=float(data["easiness"]),
            interval=int(data["interval"]),
            repetitions=int(data["repetitions"]),
            due=date.fromisoformat(due) if due else None,
        )


def next_easiness(easiness: float, grade: int) -> float:
    """The E-Factor after a review graded *grade*, floored at 1.3."""
    miss = 5 - grade
    return max(MIN_EASINESS, easiness + (0.1 - miss * (0.08 + miss * 0.02)))


def review(state: Sm2State, grade: int, today: date) -> Sm2State:
    """Return the state after reviewing an item graded *grade* (0-5) on *today*.

    Raises ValueError for a grade outside 0-5 (booleans and non-integers included).
    """
    if isinstance(grade, bool) or not isinstance(grade, int) or grade not in GRADES:
        raise ValueError(f"grade must be an integer from 0 to 5, got {grade!r}")
    easiness = next_easiness(state.easiness, grade)
    if grade < 3:
        repetitions, interval = 0, 1
    else:
        repetitions = state.repetitions + 1
        if repetitions == 1:
            interval = 1
        elif repetitions == 2:
            interval = 6
        else:
            interval = math.ceil(round(state.interval * easiness, 9))
    return replace(
        state,
        easiness=easiness,
        interval=interval,
        repetitions=repetitions,
        due=today + timedelta(days=interval),
    )
