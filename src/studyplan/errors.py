"""The one exception type a user can cause; the CLI prints it as a single line."""

from __future__ import annotations

from collections.abc import Iterable


class StudyplanError(Exception):
    """A problem the user can fix: bad input, a missing file, an unknown exam.

    The message is one plain sentence naming the file, line or value that is wrong.
    """


class NotSaved(StudyplanError):
    """A change the database refused (disk full, locked, read-only, file replaced).

    `where` names the database, `reason` says why in a few words ("the disk is full"); the
    message says the change was not saved. A caller that knows which change it was (the
    review session: this grade of this card) words it exactly with `where` and `reason`.
    """

    def __init__(self, where: str, reason: str, tail: str = "this change was not saved"):
        super().__init__(f"{where}: {reason}; {tail}")
        self.where = where
        self.reason = reason


class DatabaseReplaced(NotSaved):
    """The database file was replaced (a restore, a copy) while this process had it open:
    writing on would go to the file that is no longer the database."""
def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """The phrase ": did you mean 'x'?" naming the choice closest to a mistyped *value*, or ''.

    Close spelling first (difflib); else the only choice that contains *value* ('pmle').
    """
    from difflib import get_close_matches

    known = sorted(choices)
    close = get_close_matches(value, known, n=1, cutoff=0.6)
    if not close and value:
        close = [c for c in known if value.lower() in c.lower()]
    return f": did you mean '{close[0]}'?" if len(close) == 1 else ""
