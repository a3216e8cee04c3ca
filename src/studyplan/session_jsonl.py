"""The review session as JSON Lines, for scripts and editor plugins.

Input is one action per line (as from a pipe: `reveal` or an empty line, `0`-`5`, `u`, `s`,
`e`, `q`, or a JSON object such as `{"action": "grade", "grade": 4}`); output is one JSON
object per line, each with an "event". It drives the same `ReviewSession` as the terminal,
so every acknowledged grade is committed before the next event is written. Every input
line gets at least one event back, so a driver can wait for a reply after each line.
"""

from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING, Any

from studyplan.errors import StudyplanError
from studyplan.metrics import PASS_GRADE, needs_reask
from studyplan.queue import EDIT, QUIT, REVEAL, SUSPEND, UNDO, Progress, QueueCard
from studyplan.session import Graded, Outcome, ReviewSession, Suspended

if TYPE_CHECKING:
    from studyplan.study_review import SessionReport

GRADES = ("0", "1", "2", "3", "4", "5")
WORDS = {"": REVEAL, "reveal": REVEAL, "q": QUIT, "quit": QUIT, "u": UNDO, "undo": UNDO,
         "s": SUSPEND, "suspend": SUSPEND, "e": EDIT, "where": EDIT}
JSON_ACTIONS = {"reveal": REVEAL, "undo": UNDO, "suspend": SUSPEND, "quit": QUIT, "where": EDIT}
USAGE = ("send reveal (or an empty line), 0-5, u, s, e or q, "
         'or a JSON object like {"action": "grade", "grade": 4}')


def parse_action(line: str) -> tuple[str | None, str]:
    """One input line as (action, "") or (None, why it is not one)."""
    text = line.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return None, f"not valid JSON ({exc.msg}): {USAGE}"
        action = data.get("action") if isinstance(data, dict) else None
        if action == "grade":
            grade = data.get("grade")
            # bool is an int in Python; true is not a grade.
            if isinstance(grade, int) and not isinstance(grade, bool) and 0 <= grade <= 5:
                return str(grade), ""
            return None, f"grade must be a whole number 0-5, got {json.dumps(grade)}"
        if isinstance(action, str) and action in JSON_ACTIONS:
            return JSON_ACTIONS[action], ""
        return None, f"unknown action {json.dumps(action)}: {USAGE}"
    key = text.lower()
    if key in GRADES:
        return key, ""
    if key in WORDS:
        return WORDS[key], ""
    shown = text if len(text) <= 40 else text[:39] + "…"
    return None, f"unknown action {shown!r}: {USAGE}"


class JsonlConsole:
    """A `Console` that writes events as JSON lines and reads one action per line.

    Grades count only after the answer was revealed (as on a terminal); a grade before
    the reveal, an unknown line or a second reveal is answered with an "error" event and
    the session waits for the next line.
    """

    def __init__(self, session: ReviewSession | None, stdin: IO[str], stdout: IO[str]):
        self.session = session
        self.stdin = stdin
        self.stdout = stdout
        self.card: QueueCard | None = None
        self._action: str | None = None
        self._undo_top: Graded | Suspended | None = None
        self._graded_before = 0

    def emit(self, event: str, **fields: Any) -> None:
        """One event, flushed at once: the driver waits on it."""
        # json.dumps escapes every control character (ESC included) and, with ASCII
        # output, C1 controls and line separators too: deck text is data here.
        self.stdout.write(json.dumps({"event": event, **fields}) + "\n")
        self.stdout.flush()

    def run(self) -> Outcome:
        """Run the session (an empty outcome when there is none); a fatal error is
        written as an event before it propagates."""
        if self.session is None:
            return Outcome()
        try:
            return self.session.run(self)
        except StudyplanError as exc:
            self.emit("error", message=str(exc), fatal=True)
            raise

    # ------------------------------------------------------------ the Console protocol

    def front(self, card: QueueCard, progress: Progress) -> None:
        self.card = card
        kind = "re-ask" if progress.reask else "drill" if card.drill else "new" if card.is_new else "review"
        self.emit("card", id=card.card_id, exam=card.exam, domain=card.domain, kind=kind, front=card.front,
                  done=progress.done, left=progress.left, minutes_left=max(1, round(progress.minutes_left)))

    def back(self, card: QueueCard) -> None:
        self.emit("answer", id=card.card_id, back=card.back)

    def read(self, revealed: bool) -> str | None:
        while True:
            line = self.stdin.readline()
            if not line:
                return None
            action, error = parse_action(line)
            if action is None:
                self.emit("error", message=error)
            elif action in GRADES and not revealed:
                self.emit("error", message="grade before reveal: send reveal (or an empty line) first")
            elif action == REVEAL and revealed:
                self.emit("error", message="the answer is already revealed: grade it 0-5")
            else:
                self._remember(action)
                return action

    def _remember(self, action: str) -> None:
        """What the session is about to do, so its messages can be sent as structured events."""
        assert self.session is not None
        self._action = action
        self._undo_top = self.session.undo_stack[-1] if self.session.undo_stack else None
        self._graded_before = len(self.session.outcome.graded)

    def say(self, text: str) -> None:
        assert self.session is not None and self.card is not None
        card_id, action = self.card.card_id, self._action
        if action == SUSPEND:
            self.emit("suspended", id=card_id)
        elif action == UNDO:
            top = self._undo_top
            if top is None:
                self.emit("error", message=text)
            elif isinstance(top, Graded):
                self.emit("undone", id=top.card.card_id, undid="grade", grade=top.grade)
            else:
                self.emit("undone", id=top.card.card_id, undid="suspend")
        elif action == EDIT:
            self.emit("where", id=card_id, location=self.session.where(self.card))
        elif action in GRADES and len(self.session.outcome.graded) == self._graded_before:
            self.emit("skipped", id=card_id, message=text)  # another session graded it first
        elif action in GRADES:
            self.emit("leech", id=card_id, message=text)
        else:
            self.emit("notice", message=text)

    def after(self, text: str) -> None:
        assert self.session is not None
        graded = self.session.outcome.graded[-1]
        state = graded.state
        self.emit("graded", id=graded.card.card_id, grade=graded.grade, practice=graded.practice,
                  again=needs_reask(graded.grade) and not graded.card.drill,
                  next_due=state.due.isoformat() if state is not None and state.due else None,
                  interval_days=state.interval if state is not None else None, message=text)


def summary_event(report: SessionReport, nothing: str = "") -> dict[str, Any]:
    """The last event's fields: counts by domain, suspends, leeches, the week's forecast."""
    outcome = report.outcome
    scheduled = outcome.scheduled
    fields: dict[str, Any] = {
        "complete": not outcome.quit_early,
        "cards": len(scheduled),
        "correct": sum(g.grade >= PASS_GRADE for g in scheduled),
        "practice": len(outcome.graded) - len(scheduled),
        "by_domain": [{"domain": d, "cards": n, "correct": c, "practice": p} for d, n, c, p in report.by_domain],
        "suspended": list(outcome.suspended),
        "leeches": list(outcome.leeches),
        "skipped": list(outcome.skipped),
        "minutes": int(outcome.seconds // 60),  # whole minutes, as the text summary; a driver has its own clock
        "due_next_7_days": {d.isoformat(): n for d, n in sorted(report.forecast.items()) if n},
        "streak": report.streak,
    }
    if nothing:
        fields["message"] = nothing
    return fields
