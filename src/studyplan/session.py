"""The review session: the queue, the grade-undo-suspend loop and re-asks.

The loop talks to the learner only through a `Console` (see `terminal`), so it runs the
same on a terminal, through a pipe and in tests. Every grade is committed in its own
transaction before the next card shows.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from studyplan.db.grading import grade as grade_card
from studyplan.errors import DatabaseReplaced, NotSaved
from studyplan.forecast import DRILL_MINUTES, NEW_CARD_MINUTES, REASK_MINUTES, REVIEW_MINUTES
from studyplan.metrics import LEECH_LAPSES, needs_reask
from studyplan.queue import (
    EDIT,
    QUIT,
    REVEAL,
    SUSPEND,
    UNDO,
    Console,
    Progress,
    QueueCard,
    minutes_left,
    when_back,
)
from studyplan.sm2 import Sm2State

if TYPE_CHECKING:
    from studyplan.db.reviews import Suspension


@dataclass
class Graded:
    card: QueueCard
    grade: int
    practice: bool
    seconds: float
    log_id: int
    state: Sm2State | None = None  # the SM-2 state the grade left (unchanged for practice)


@dataclass
class Suspended:
    """A suspend on the undo stack: where the card was shown from, and the re-asks it dropped."""
    card: QueueCard
    practice: bool  # shown as a re-ask: it goes back to the re-ask queue when undone
    suspension: Suspension
    dropped: list[tuple[int, QueueCard]]  # (index in the re-ask queue, card), ascending


@dataclass
class Outcome:
    graded: list[Graded] = field(default_factory=list)
    suspended: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    leeches: list[str] = field(default_factory=list)
    quit_early: bool = False
    seconds: float = 0.0

    @property
    def scheduled(self) -> list[Graded]:
        """Grades that moved the schedule (re-asks excluded)."""
        return [g for g in self.graded if not g.practice]


class ReviewSession:
    """One sitting: due cards, then new cards, then re-asks of cards graded below 4.

    *reasks* are re-asks left over from an earlier sitting today (see
    `db.reviews.pending_reasks`); they are asked after the queue, as practice. `u` undoes
    grades and suspends, most recent first.
    """

    def __init__(self, transaction: Callable, learner_id: int, queue: list[QueueCard], today: date,
                 now: Callable[[], datetime], clock: Callable[[], float] = time.monotonic,
                 where: Callable[[QueueCard], str] = lambda card: card.source,
                 reasks: Sequence[QueueCard] = (), *, grade_transaction: Callable):
        self.transaction = transaction
        # A grade, once per card, runs on a driver's cursor without an ORM session
        # (`Workspace.grade_transaction`); undo and suspend run in an ORM `transaction`.
        self.grade_transaction = grade_transaction
        self.learner_id = learner_id
        self.pending: deque[QueueCard] = deque(queue)
        queued = {c.card_id for c in queue}
        # A card already in the queue is asked there; asking it again as practice would double it.
        self.reasks: deque[QueueCard] = deque(c for c in reasks if c.card_id not in queued)
        self.undo_stack: list[Graded | Suspended] = []
        self.today = today
        self.now = now
        self.clock = clock
        self.where = where
        self.outcome = Outcome()

    def run(self, console: Console) -> Outcome:
        """Show cards until the queue is empty, the learner quits, or input ends."""
        started = self.clock()
        try:
            self._loop(console, started)
        except KeyboardInterrupt:
            self.outcome.quit_early = True
        self.outcome.seconds = self.clock() - started
        return self.outcome

    def _left(self) -> int:
        return len(self.pending) + len(self.reasks)

    def _minutes_left(self, current: QueueCard, reask: bool) -> float:
        """This card and the ones left, at the planner's minutes per card."""
        cards = list(self.pending) + ([] if reask else [current])
        return minutes_left(cards, len(self.reasks) + reask, NEW_CARD_MINUTES, REVIEW_MINUTES, DRILL_MINUTES,
                            REASK_MINUTES)

    def _loop(self, console: Console, started: float) -> None:
        while self.pending or self.reasks:
            reask = not self.pending
            card = self.reasks.popleft() if reask else self.pending.popleft()
            practice = reask or card.drill  # re-asks and drills never move the schedule
            shown = self.clock()
            console.front(card, Progress(len(self.outcome.graded), self._left() + 1, shown - started, reask,
                                         self._minutes_left(card, reask)))
            revealed = False
            while True:
                action = console.read(revealed)
                if action is None or action == QUIT:
                    self._put_back(card, reask)
                    self.outcome.quit_early = True
                    return
                if action == REVEAL and not revealed:
                    console.back(card)
                    revealed = True
                elif action == EDIT:
                    console.say(f"card {card.card_id} in {self.where(card)}")
                elif action == SUSPEND:
                    self._suspend(console, card, reask)
                    break
                elif action == UNDO:
                    if self._undo(console, card, reask):
                        break
                elif action.isdigit() and len(action) == 1 and int(action) <= 5:
                    if not revealed:
                        console.back(card)
                    self._grade(console, card, int(action), practice, self.clock() - shown)
                    break

    def _put_back(self, card: QueueCard, reask: bool) -> None:
        (self.reasks if reask else self.pending).appendleft(card)

    def _not_saved(self, exc: NotSaved, what: str) -> NotSaved:
        """The database refused *what*: say exactly what was and was not saved."""
        saved = len(self.outcome.graded)
        where = "went to the file that was replaced" if isinstance(exc, DatabaseReplaced) else "are saved"
        return NotSaved(exc.where, exc.reason, f"{what} was NOT saved; the session stops; "
                        f"the {saved} grade(s) before it in this session {where}")

    def _grade(self, console: Console, card: QueueCard, grade: int, practice: bool, seconds: float) -> None:
        try:
            with self.grade_transaction() as db:
                result = grade_card(db, self.learner_id, card, grade, self.now(), self.today, seconds, practice,
                                    drill=card.drill)
        except NotSaved as exc:
            raise self._not_saved(exc, f"grade {grade} of card {card.card_id}") from None
        if result.skipped:
            self.outcome.skipped.append(card.card_id)
            console.say(f"{card.card_id}: {result.skipped}; not graded again")
            return
        assert result.log_id is not None  # written, since nothing was skipped
        graded = Graded(card, grade, practice, seconds, result.log_id, result.state)
        self.outcome.graded.append(graded)
        self.undo_stack.append(graded)
        if result.leech:
            self.outcome.leeches.append(card.card_id)
            console.say(f"{card.card_id} is now a leech (failed {LEECH_LAPSES} times): consider rewriting or suspending it")
        again = needs_reask(grade) and not card.drill
        if again:
            self.reasks.append(card)
        console.after(when_back(self.today, result.state.due, again, practice))

    def _suspend(self, console: Console, card: QueueCard, reask: bool) -> None:
        from studyplan.db.reviews import suspend_card

        try:
            with self.transaction() as db:
                suspension = suspend_card(db, self.learner_id, card.card_id, self.today)
        except NotSaved as exc:
            raise self._not_saved(exc, f"the suspend of card {card.card_id}") from None
        dropped = [(i, c) for i, c in enumerate(self.reasks) if c.card_id == card.card_id]
        self.reasks = deque(c for c in self.reasks if c.card_id != card.card_id)
        self.undo_stack.append(Suspended(card, reask, suspension, dropped))
        self.outcome.suspended.append(card.card_id)
        console.say(f"suspended {card.card_id}")

    def _undo(self, console: Console, current: QueueCard, reask: bool) -> bool:
        if not self.undo_stack:
            console.say("nothing to undo")
            return False
        last = self.undo_stack.pop()
        # Grades and suspends enter the stack in the order they enter the outcome's lists,
        # so the newest of each kind is the last of its list.
        try:
            self._undo_in_database(last)
        except NotSaved as exc:
            self.undo_stack.append(last)
            raise self._not_saved(exc, f"the undo of card {last.card.card_id}") from None
        if isinstance(last, Suspended):
            self.outcome.suspended.pop()
            self._put_back(current, reask)
            # With the current card back, the re-asks are as the suspend left them: the ones
            # it dropped go back to their old places, lowest index first.
            for i, card in last.dropped:
                self.reasks.insert(i, card)
            message = f"undid suspend of {last.card.card_id}"
        else:
            self.outcome.graded.pop()
            if needs_reask(last.grade) and not last.card.drill:
                # Drop the re-ask that grade queued (the newest one of that card).
                for i in range(len(self.reasks) - 1, -1, -1):
                    if self.reasks[i].card_id == last.card.card_id:
                        del self.reasks[i]
                        break
            self._put_back(current, reask)
            message = f"undid grade {last.grade} of {last.card.card_id}"
        self._put_back(last.card, last.practice and not last.card.drill)
        console.say(message)
        return True

    def _undo_in_database(self, last: Graded | Suspended) -> None:
        from studyplan.db.reviews import undo_grade, undo_suspend

        with self.transaction() as db:
            if isinstance(last, Suspended):
                undo_suspend(db, self.learner_id, last.suspension)
            else:
                undo_grade(db, self.learner_id, last.log_id)
