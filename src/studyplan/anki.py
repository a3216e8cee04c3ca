"""Reading Anki's plain-text export ("Notes in Plain Text"): pure, no database.

Handles tab, comma, semicolon, pipe and space separators, quoted fields (a quoted field
may hold the separator, newlines and doubled quotes), HTML and entities, and the file
headers Anki writes and reads: `#separator:`, `#html:`, `#tags:` (tags for every note),
`#columns:`, and the columns that are not fields, `#tags column:`, `#guid column:`,
`#notetype column:` and `#deck column:` (1-based). Those columns are taken out of each
row before the first two remaining fields become front and back.

A quote that is never closed (or text after a closing quote, the sign that one quote
paired with the wrong other) is an error naming the line where the quote opened, instead
of one field swallowing the lines after it.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import re
from dataclasses import dataclass

SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " "}
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>|</div>|</p>", re.IGNORECASE)
# Headers that name a column holding something other than a field.
_SPECIAL_COLUMNS = {"tags column": "tags", "guid column": "guid", "notetype column": "notetype",
                    "deck column": "deck"}


_NO_VALUES: dict[str, str] = {}


@dataclass(frozen=True, slots=True)
class Note:
    front: str
    back: str
    tags: tuple[str, ...]
    line: int
    guid: str = ""       # Anki's unique id of the note, when the file has a guid column
    notetype: str = ""   # from the notetype column or `#notetype:`
    deck: str = ""       # from the deck column or `#deck:`


class AnkiFormatError(ValueError):
    """A line that cannot be read; carries the 1-based line number."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


_HIDDEN = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def html_to_text(field: str) -> str:
    """An Anki note field (HTML) as plain text: scripts and styles dropped with their
    content, line breaks kept, other tags removed, entities decoded, ends trimmed."""
    return _clean(_HIDDEN.sub("", field), True).replace("\xa0", " ")


def _clean(text: str, is_html: bool) -> str:
    if is_html and "<" in text:  # most fields have no markup: skip the two regexes
        text = _BREAK.sub("\n", text)
        text = _TAG.sub("", text)
    return html.unescape(text).strip()


@dataclass
class _Headers:
    separator: str
    is_html: bool = True
    tags: tuple[str, ...] = ()
    notetype: str = ""
    deck: str = ""
    columns: dict[str, int] | None = None  # kind -> 0-based column

    def set_column(self, kind: str, value: str, line: int) -> None:
        if not re.fullmatch(r"[0-9]+", value) or int(value) < 1:
            raise AnkiFormatError(line, f"{kind} column must be a number from 1, not {value!r}")
        columns = self.columns if self.columns is not None else {}
        taken = {c: k for k, c in columns.items()}
        if int(value) - 1 in taken:
            raise AnkiFormatError(line, f"{kind} column {value} is already the {taken[int(value) - 1]} column")
        columns[kind] = int(value) - 1
        self.columns = columns


def _read_header(headers: _Headers, line: str, number: int) -> None:
    key, _, value = line[1:].partition(":")
    key, value = key.strip().lower(), value.strip()
    if key == "separator":
        separator = SEPARATORS.get(value.lower(), value)
        if len(separator) != 1:
            raise AnkiFormatError(number, f"unknown separator {value!r}")
        headers.separator = separator
    elif key == "html":
        headers.is_html = value.lower() == "true"
    elif key == "tags":
        headers.tags = tuple(value.split())
    elif key == "notetype":
        headers.notetype = value
    elif key == "deck":
        headers.deck = value
    elif key in _SPECIAL_COLUMNS:
        headers.set_column(_SPECIAL_COLUMNS[key], value, number)
    # `#columns:` (field names) and unknown headers change nothing here.


def parse_anki_text(text: str, default_separator: str = "\t") -> list[Note]:
    """Parse an Anki text export into notes (front, back, tags, guid, notetype, deck).

    Raises AnkiFormatError naming the first line that has fewer than two fields, an empty
    front, or a quote that is never closed (the line where it opened).
    """
    headers = _Headers(default_separator)
    stream = io.StringIO(text, newline="")  # only \n, \r\n and \r end a line, as for csv
    body_start = 0
    first_body_line: list[str] = []
    for line in stream:
        if not line.startswith("#"):
            first_body_line = [line]
            break
        body_start += 1
        _read_header(headers, line.rstrip("\r\n"), body_start)
    special = headers.columns or {}
    skip = sorted(special.values(), reverse=True)
    is_html = headers.is_html
    reader = csv.reader(itertools.chain(first_body_line, stream), delimiter=headers.separator, quotechar='"',
                        strict=True)
    notes = []
    ended = 0  # the physical line the previous row ended on
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _row_error(exc, body_start + ended + 1, body_start + reader.line_num) from None
        number = body_start + reader.line_num
        started, ended = body_start + ended + 1, reader.line_num
        if not fields or not fields[0].strip() and all(not f.strip() for f in fields):
            continue  # a blank line, or one of separators only
        if special:
            count = len(fields)
            values = {kind: fields[col].strip() if col < count else "" for kind, col in special.items()}
            for col in skip:
                if col < len(fields):
                    del fields[col]
        else:
            values = _NO_VALUES
        if len(fields) < 2:
            raise AnkiFormatError(number, f"expected front and back separated by {headers.separator!r}, "
                                          "found one field")
        front, back = _clean(fields[0], is_html), _clean(fields[1], is_html)
        if not front:
            raise AnkiFormatError(number, "empty front")
        tags = headers.tags + tuple(values["tags"].split()) if "tags" in values else headers.tags
        notes.append(Note(front, back, tags, started, values.get("guid", ""),
                          values.get("notetype") or headers.notetype, values.get("deck") or headers.deck))
    return notes


def _row_error(exc: csv.Error, started: int, at: int) -> AnkiFormatError:
    message = str(exc)
    if "field limit" in message:  # a field over csv's limit (128 KiB)
        return AnkiFormatError(started, f"a field is longer than {csv.field_size_limit() // 1024} KiB")
    if "unexpected end of data" in message:
        return AnkiFormatError(started, "unbalanced quote: the quote opened on this line is never closed "
                                        "(write a quote inside a quoted field as \"\")")
    if "expected after" in message:
        return AnkiFormatError(started, f"unbalanced quote: text follows a closing quote on line {at}; "
                                        "a quote opened on this line pairs with the wrong one "
                                        "(write a quote inside a quoted field as \"\")")
    return AnkiFormatError(at, f"cannot read the line: {message}")
