"""Text for one line of a terminal: the only place that decides how hostile text is shown."""

from __future__ import annotations


def one_line(text: str) -> str:
    """*text* with line breaks and other control characters escaped, so a message stays one line."""
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text)
