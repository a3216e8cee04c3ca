"""Progress of long bulk work (a first deck sync, an import), for whoever shows it.

The use cases and the store report steps through `steps`; by default nothing is shown.
The command line installs a reporter (`reporting`) only when stderr is a terminal, so
piped and JSON output never carry a bar. Only the outermost `steps` reports: work nested
inside another's steps stays silent, so two bars never interleave.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar

Advance = Callable[[int], None]
# (total steps, label) -> a context whose value is the function to call with each step done
Reporter = Callable[[int, str], AbstractContextManager[Advance]]

_reporter: ContextVar[Reporter | None] = ContextVar("studyplan_progress", default=None)


def _ignore(n: int) -> None:
    """Steps nobody watches."""


@contextmanager
def steps(total: int, label: str) -> Iterator[Advance]:
    """A function to call with the number of steps done each time some are, out of *total*."""
    reporter = _reporter.get()
    if reporter is None or total <= 0:
        yield _ignore
        return
    token = _reporter.set(None)  # nested work reports nothing
    try:
        with reporter(total, label) as advance:
            yield advance
    finally:
        _reporter.reset(token)


@contextmanager
def reporting(reporter: Reporter | None) -> Iterator[None]:
    """Show the steps of the work done inside with *reporter* (None: show nothing)."""
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)
