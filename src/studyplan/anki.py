"""Reading Anki's plain-text export ("Notes in Plain Text"): pure, no database.

Handles tab, comma, semicolon and pipe separators, the `#separator:`, `#html:`,
`#tags column:` and `#columns:` headers, quoted fields, and HTML entities.
"""

from __future__ import annotations

import csv
import html
import re
from dataclasses import dataclass

SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " "}
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>|</div>|</p>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Note:
    front: str
    back: str
    tags: tuple[str, ...]
    line: int


class AnkiFormatError(ValueError):
    """A line that cannot be read; carries the 1-based line number."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def _clean(text: str, is_html: bool) -> str:
    if is_html:
        text = _BREAK.sub("\n", text)
        text = _TAG.sub("", text)
    return html.unescape(text).strip()


def parse_anki_text(text: str, default_separator: str = "\t") -> list[Note]:
    """Parse an Anki text export into notes (front, back, tags).

    Raises AnkiFormatError naming the first line that has fewer than two fields or an
    empty front.
    """
    separator = default_separator
    is_html = True
    tags_column: int | None = None
    lines = text.splitlines()
    body_start = 0
    for i, line in enumerate(lines):
        if not line.startswith("#"):
            break
        body_start = i + 1
        key, _, value = line[1:].partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "separator":
            separator = SEPARATORS.get(value.lower(), value)
            if len(separator) != 1:
                raise AnkiFormatError(i + 1, f"unknown separator {value!r}")
        elif key == "html":
            is_html = value.lower() == "true"
        elif key == "tags column":
            if not re.fullmatch(r"[0-9]+", value) or int(value) < 1:
                raise AnkiFormatError(i + 1, f"tags column must be a number from 1, not {value!r}")
            tags_column = int(value) - 1
    else:
        body_start = len(lines)
    notes = []
    reader = csv.reader(lines[body_start:], delimiter=separator, quotechar='"')
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a field over csv's limit (128 KiB) or a stray NUL
            too_long = "field limit" in str(exc)
            raise AnkiFormatError(body_start + reader.line_num,
                                  f"a field is longer than {csv.field_size_limit() // 1024} KiB" if too_long
                                  else f"cannot read the line: {exc}") from None
        number = body_start + reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue
        tags: tuple[str, ...] = ()
        if tags_column is not None and tags_column < len(fields):
            tags = tuple(fields[tags_column].split())
            fields = fields[:tags_column] + fields[tags_column + 1:]
        if len(fields) < 2:
            raise AnkiFormatError(number, f"expected front and back separated by {separator!r}, found one field")
        front, back = _clean(fields[0], is_html), _clean(fields[1], is_html)
        if not front:
            raise AnkiFormatError(number, "empty front")
        notes.append(Note(front, back, tags, number))
    return notes
