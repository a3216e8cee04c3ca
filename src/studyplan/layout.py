"""Fitting text to the terminal's width: tables whose long columns wrap, and wrapped prose.

Pure functions of the text and a width; the command line reads the width from the terminal.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

DEFAULT_WIDTH = 80
# Below this a wrapped column reads as a word list; a table that still does not fit keeps it.
NARROWEST = 8


def wrap(text: str, width: int = DEFAULT_WIDTH, first: str = "", rest: str | None = None) -> str:
    """*text* wrapped to *width* at spaces only (no word or hyphenated name is cut).

    *first* starts the first line and *rest* (by default as many spaces) the others;
    line breaks in *text* start new paragraphs.
    """
    rest = " " * len(first) if rest is None else rest
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lead = first if not lines else rest
        for line in textwrap.wrap(paragraph, width, initial_indent=lead, subsequent_indent=rest,
                                  break_long_words=False, break_on_hyphens=False) or [lead.rstrip()]:
            # A word too long for the indented room (a URL) starts at the margin instead.
            lines.append(line.lstrip() if len(line) > width and line.startswith(rest) and " " not in line.strip()
                         else line)
    return "\n".join(lines)


def _widest(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


def _words_wrapped(cell: str, width: int) -> str:
    # In a cell of several lines (a list), a wrapped line's continuation is indented.
    more = "  " if "\n" in cell else ""
    return "\n".join(textwrap.fill(p, width, subsequent_indent=more, break_long_words=False,
                                   break_on_hyphens=False) or "" for p in cell.splitlines() or [""])


def _tabulate(rows: list[list[str]], headers: list[str], options: dict[str, Any]) -> str:
    # tabulate pads every header by MIN_PADDING; the two-space column gap is enough here.
    import tabulate as module  # here, not at the top: most commands print no table (start-up time)

    saved, module.MIN_PADDING = module.MIN_PADDING, 0
    try:
        return str(module.tabulate(rows, headers=headers, **options))
    finally:
        module.MIN_PADDING = saved


def fit_table(rows: Sequence[Sequence[Any]], headers: Sequence[str], width: int = DEFAULT_WIDTH,
              wrap_columns: Sequence[int] = (), **options: Any) -> str:
    """A tabulate table whose *wrap_columns* are narrowed, widest first, until every line
    fits *width*; cells wrap at spaces only. Other *options* go to tabulate."""
    options.setdefault("disable_numparse", True)
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    natural = {i: max([len(line) for row in cells for line in row[i].splitlines()] + [len(headers[i]), 1])
               for i in wrap_columns}
    limits = dict(natural)
    while True:
        shown = [[_words_wrapped(v, limits[i]) if i in limits else v for i, v in enumerate(row)] for row in cells]
        heads = [_words_wrapped(h, limits[i]) if i in limits else h for i, h in enumerate(headers)]
        text = _tabulate(shown, heads, options)
        over = _widest(text) - width
        if over <= 0:
            return text
        widest = max(limits, key=lambda i: limits[i], default=None)
        if widest is None or limits[widest] <= NARROWEST:
            return text
        others = sorted((v for i, v in limits.items() if i != widest), reverse=True)
        step = max(1, min(over, limits[widest] - (others[0] if others else 0)))
        limits[widest] = max(NARROWEST, limits[widest] - step)


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 card', '2 cards' ('1 day off', '2 days off' with *many*)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
