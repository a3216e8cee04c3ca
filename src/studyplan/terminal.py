"""Consoles for the review session: single keys on a terminal, one line per action on a pipe."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TextIO

import click

from studyplan.progress import Advance, reporting
from studyplan.queue import (
    EDIT,
    GRADE_HELP,
    KEYS_HELP,
    QUIT,
    REVEAL,
    SUSPEND,
    UNDO,
    Progress,
    QueueCard,
)
from studyplan.text import terminal

KEYS = {" ": REVEAL, "\r": REVEAL, "\n": REVEAL, "": REVEAL, "q": QUIT, "u": UNDO, "s": SUSPEND, "e": EDIT}


def terminal_width() -> int:
    """The terminal's columns (COLUMNS when set), 80 when output is not a terminal."""
    return shutil.get_terminal_size((80, 24)).columns


def use_colour(stream=None) -> bool:
    """Colour only on a terminal and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    stream = stream or sys.stdout
    return hasattr(stream, "isatty") and stream.isatty()


class _Screen:
    def __init__(self, colour: bool):
        self.colour = colour

    @property
    def width(self) -> int:
        return max(20, min(shutil.get_terminal_size((80, 24)).columns, 100))

    def out(self, text: str = "", **style) -> None:
        text = terminal(text)  # card text and names are hostile; styles are added after
        click.echo(click.style(text, **style) if self.colour and style else text, color=self.colour)

    def wrapped(self, label: str, text: str, **style) -> None:
        indent = " " * len(label)
        for i, paragraph in enumerate(text.splitlines() or [""]):
            lines = textwrap.wrap(paragraph, self.width - len(label), break_long_words=False, break_on_hyphens=False) or [""]
            for j, line in enumerate(lines):
                prefix = label if i == 0 and j == 0 else indent
                self.out(prefix + line, **style)

    def front(self, card: QueueCard, progress: Progress) -> None:
        tag = " re-ask" if progress.reask else (" drill" if card.drill else (" new" if card.is_new else ""))
        head = f"[{progress.line()}] {card.exam} › {card.domain}{tag}"
        self.out()
        self.out(head[: self.width], fg="cyan", bold=True)
        self.wrapped("Q: ", card.front, bold=True)

    def back(self, card: QueueCard) -> None:
        self.wrapped("A: ", card.back, fg="green")
        self.wrapped("", GRADE_HELP, dim=True)
        self.wrapped("", KEYS_HELP, dim=True)

    def say(self, text: str) -> None:
        # Wrapped at spaces only: a path the learner copies stays whole on its line.
        self.wrapped("", text, fg="yellow")

    def after(self, text: str) -> None:
        self.wrapped("", text, dim=True)


class TerminalConsole(_Screen):
    """Single keys: space or enter reveals, 0-5 grades, u/s/e/q; Ctrl-D ends like q.

    The terminal stays in cbreak mode for the whole session (set without flushing input),
    so keys typed while a card is being drawn are not lost. Use it as a context manager:
    the terminal's settings come back on every exit, Ctrl-C included.
    """

    def __init__(self, colour: bool, fd: int | None = None):
        super().__init__(colour)
        self.fd = sys.stdin.fileno() if fd is None else fd
        self._saved: list[Any] | None = None

    def __enter__(self) -> TerminalConsole:
        import termios

        self._saved = termios.tcgetattr(self.fd)
        mode = termios.tcgetattr(self.fd)
        mode[3] &= ~(termios.ICANON | termios.ECHO)
        mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
        termios.tcsetattr(self.fd, termios.TCSANOW, mode)
        return self

    def __exit__(self, *exc) -> None:
        import termios

        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSANOW, self._saved)
            self._saved = None

    HINT = "(space, enter or a digit shows the answer · q quits)"

    def front(self, card, progress):
        super().front(card, progress)
        self.out(self.HINT, dim=True)

    def back(self, card):
        # The hint has done its job: erase its line(s) so the grade keys stand alone.
        lines = -(-len(self.HINT) // max(1, shutil.get_terminal_size((80, 24)).columns))
        click.echo("\x1b[1A\x1b[2K" * lines, nl=False)
        super().back(card)

    def read(self, revealed: bool) -> str | None:
        while True:
            data = os.read(self.fd, 1)
            if not data or data == b"\x04":  # end of input or Ctrl-D
                return None
            key = data.decode("latin-1")
            if key in "012345":
                # Grades count only once the answer shows: a digit pressed on the question
                # reveals it (the learner then grades, having seen the answer).
                return key if revealed else REVEAL
            action = KEYS.get(key.lower())
            if action:
                return action


class LineConsole(_Screen):
    """One line per action from a pipe: empty reveals, a digit grades, u, s, e, q; EOF quits.

    A script's digit is deliberate, so here a digit on the question reveals it and grades
    (a single key on a terminal only reveals: see `TerminalConsole.read`)."""

    def __init__(self, colour: bool, stream=None):
        super().__init__(colour)
        self.stream = stream or sys.stdin

    def __enter__(self) -> LineConsole:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def read(self, revealed: bool) -> str | None:
        while True:
            line = self.stream.readline()
            if not line:
                return None
            key = line.strip().lower()
            if key in ("0", "1", "2", "3", "4", "5"):
                return key
            action = KEYS.get(key)
            if action:
                return action
            self.say(f"unknown action {key!r}: empty line reveals, 0-5 grades, u, s, e, q")


PROGRESS_AFTER = 1.0  # seconds of a command before its bulk work shows a bar


def progress_bars(stream: TextIO | None = None, after: float = PROGRESS_AFTER,
                  clock: Callable[[], float] = time.monotonic) -> AbstractContextManager[None]:
    """Around a command: its long bulk work (a first deck sync, an import) shows click's
    progress bar on *stream* (stderr) once the command has run *after* seconds, and only
    when *stream* is a terminal. Elsewhere (a pipe, a file) nothing is shown."""
    out = stream if stream is not None else sys.stderr
    if not out.isatty():
        return reporting(None)
    start = clock()

    @contextmanager
    def bar(total: int, label: str) -> Iterator[Advance]:
        done = 0
        shown: Any = None

        def advance(n: int) -> None:
            nonlocal done, shown
            done += n
            if shown is None:
                if clock() - start < after:
                    return
                shown = click.progressbar(length=total, label=label, file=out)
                shown.__enter__()
                shown.update(done)
            else:
                shown.update(n)

        try:
            yield advance
        finally:
            if shown is not None:
                shown.__exit__(None, None, None)

    return reporting(bar)
