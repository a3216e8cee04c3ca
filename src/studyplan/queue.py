"""What a review session shows and reads: its cards (plain values the store fills and the
terminal renders), the progress line, the keys, and the console it talks through."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar

REVEAL, QUIT, UNDO, SUSPEND, EDIT = "reveal", "quit", "undo", "suspend", "edit"
GRADE_HELP = "grade: 0 blackout · 1 wrong · 2 almost · 3 hard · 4 hesitant · 5 perfect"
KEYS_HELP = "u undo · s suspend · e where is this card · q quit"


class Console(Protocol):
    def front(self, card: QueueCard, progress: Progress) -> None: ...
    def back(self, card: QueueCard) -> None: ...
    def read(self, revealed: bool) -> str | None: ...   # an action, a digit "0".."5", or None at end of input
    def say(self, text: str) -> None: ...
    def after(self, text: str) -> None: ...  # one quiet line after a grade: when the card comes back


@dataclass
class Progress:
    done: int
    left: int
    seconds: float
    reask: bool = False
    minutes_left: float = 0.0  # the cards left, this one included, at the planner's minutes per card

    def line(self) -> str:
        """'3 done / 7 left · about 9 min'."""
        return f"{self.done} done / {self.left} left · about {max(1, round(self.minutes_left))} min"


def when_back(today: date, due: date | None, reask: bool, practice: bool) -> str:
    """The line after a grade: 'back in 6 days, Sun 6 Dec', or when a re-ask comes first,
    'again at the end of this session; then back in 1 day, Wed 2 Dec'."""
    if due is None:
        back = ""
    else:
        days = (due - today).days
        when = "today" if days <= 0 else "tomorrow" if days == 1 else f"in {days} days"
        back = f"back {when}, {due:%a} {due.day} {due:%b}"
    if reask:
        return "again at the end of this session" + (f"; then {back}" if back else "")
    if practice:
        return f"practice: the schedule is unchanged ({back.replace('back', 'due', 1)})" if back else "practice"
    return back


def minutes_left(cards: list[QueueCard], reasks: int, new: float, review: float, drill: float,
                 reask: float) -> float:
    """The minutes the cards left take at the planner's per-card minutes."""
    return sum(drill if c.drill else new if c.is_new else review for c in cards) + reasks * reask


@dataclass(frozen=True, slots=True)
class QueueCard:
    card_id: str
    exam: str
    domain: str
    front: str
    back: str
    source: str
    is_new: bool
    due: date | None = None
    drill: bool = False  # served as a drill: graded as practice, the schedule unchanged


T = TypeVar("T")


def _domain(card: Any) -> object:
    return card.domain


def interleave(cards: Sequence[T], lane: Callable[[T], object] = _domain, limit: int | None = None) -> list[T]:
    """Round-robin over domains (or another *lane*), each keeping its own order; the lane
    of the first card leads (for due cards: the most overdue domain). With *limit*, only
    the first *limit* cards of that order."""
    by_lane: dict[object, list[T]] = {}
    for card in cards:
        by_lane.setdefault(lane(card), []).append(card)
    lanes = list(by_lane.values())
    out: list[T] = []
    for i in range(max((len(each) for each in lanes), default=0)):
        if limit is not None and len(out) >= limit:
            break
        out.extend(each[i] for each in lanes if i < len(each))
    return out[:limit]


@dataclass(frozen=True, slots=True)
class SuspendedCard:
    card_id: str
    exam: str
    domain: str
    front: str
