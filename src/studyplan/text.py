"""Hostile text, made safe where it is shown: the only place that decides how.

Deck files, Anki imports, learner names and whatever a database holds may carry control
characters: ESC starts the sequences that set a terminal's title (OSC 0), write its
clipboard (OSC 52), clear the screen (CSI) or hide a link (OSC 8); C1 codes (CSI is also
U+009B) do the same on some terminals; bidirectional overrides make text read backwards.

- `terminal` (and `one_line`, for a single line) shows each of them visibly escaped
  (`\\x1b`, `\\u202e`), for every view printed to a terminal or a pipe;
- `strip_controls` removes them, for formats read by other programs (iCalendar, HTML),
  where an escape would be noise and a raw byte a hazard.
"""

from __future__ import annotations

import re

# Bidirectional embeddings, overrides and isolates (and the marks, which can reorder too).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0 and DEL and C1 (Unicode's Cc), lone surrogates, the line and paragraph separators.
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\u2028\\u2029{_BIDI}]")


def is_unsafe(ch: str) -> bool:
    """True for a character that must never reach a terminal raw: C0, DEL, C1, a lone
    surrogate, a line or paragraph separator, a bidirectional control."""
    return bool(_UNSAFE.fullmatch(ch))


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape", "backslashreplace").decode("ascii")


def terminal(text: str) -> str:
    """*text* for a terminal: line breaks (and tabs) kept, every other control or
    bidirectional character visibly escaped, so nothing in it can drive the terminal."""
    lines = text.split("\n")
    return "\n".join(_UNSAFE.sub(lambda m: "\t" if m.group() == "\t" else _escape(m), line) for line in lines)


def one_line(text: str) -> str:
    """*text* with line breaks and other control characters escaped, so a message stays one line."""
    return _UNSAFE.sub(_escape, text)


def strip_controls(text: str, keep: str = "\n") -> str:
    """*text* without control or bidirectional characters (those in *keep* stay)."""
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else "", text)


def safe_rows(rows: list[list[object]]) -> list[list[object]]:
    """Table rows with every text cell made safe by `one_line`, before a table is laid out
    (tabulate measures, and would carry across wrapped lines, raw escape sequences)."""
    return [[one_line(cell) if isinstance(cell, str) else cell for cell in row] for row in rows]
