"""Reading an Anki package (.apkg or .colpkg): its notes, decks, tags and review history.

A package is a zip holding one SQLite collection: `collection.anki21b` (Anki 2.1.50 and
later, zstd-compressed), else `collection.anki21` or `collection.anki2` (plain SQLite; a
new package also carries a stub `collection.anki2` that only says "please update Anki",
so the newest one present is read). Media are not read.

The package is hostile input: the file is bounded, a member's uncompressed size is checked
before it is extracted and counted while it is (a zip or zstd bomb stops at the limit),
and the collection is copied into a temporary folder and opened read-only there, so
nothing is ever written to the learner's file. Every problem is one `StudyplanError`
naming the file.

A note's studyplan card is its first card (the lowest template ordinal): front and back
are the note's first two fields, and the review history is that card's revlog.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from studyplan.anki import html_to_text
from studyplan.anki_history import AnkiReview
from studyplan.errors import StudyplanError
from studyplan.text import strip_controls

MAX_PACKAGE_BYTES = 1024 * 1024 * 1024     # the .apkg/.colpkg file, media included
MAX_COLLECTION_BYTES = 512 * 1024 * 1024  # the SQLite collection once extracted and decompressed
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")  # newest first
PACKAGE_SUFFIXES = (".apkg", ".colpkg")
_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class PackageNote:
    guid: str
    front: str
    back: str
    tags: tuple[str, ...]
    deck: str                         # "Parent::Child", as Anki shows it
    reviews: tuple[AnkiReview, ...]   # of the note's first card, oldest first


@dataclass(frozen=True)
class AnkiPackage:
    member: str               # the collection file that was read
    notes: list[PackageNote]


def is_package(path: Path) -> bool:
    """Whether *path* is named like an Anki package (.apkg or .colpkg)."""
    return path.suffix.lower() in PACKAGE_SUFFIXES


def read_package(path: Path) -> AnkiPackage:
    """The notes (with decks, tags and review history) of the Anki package at *path*."""
    with tempfile.TemporaryDirectory(prefix="studyplan-anki-") as folder:
        copy = Path(folder) / "collection.db"
        member = _extract_collection(path, copy)
        try:
            return AnkiPackage(member, _read_collection(copy))
        except sqlite3.DatabaseError as exc:
            raise StudyplanError(f"{path}: {member} is not a readable Anki collection ({exc})") from None


def _open_regular(path: Path) -> IO[bytes]:
    """*path* opened for reading, refusing FIFOs, devices and files over the limit."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise StudyplanError(f"{path}: cannot read: {exc.strerror or exc}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PACKAGE_BYTES:
        os.close(fd)
        reason = ("not a regular file (a FIFO, device or socket)" if not stat.S_ISREG(info.st_mode) else
                  f"file too large ({info.st_size:,} bytes; the limit is {MAX_PACKAGE_BYTES // 1048576:,} MiB)")
        raise StudyplanError(f"{path}: {reason}; not read")
    return os.fdopen(fd, "rb")


def _extract_collection(path: Path, target: Path) -> str:
    """Write the package's collection, decompressed, to *target*; return its member name."""
    with _open_regular(path) as fh:
        try:
            archive = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, OSError):
            raise StudyplanError(f"{path}: not a zip file, so not an Anki package (.apkg or .colpkg)") from None
        with archive:
            names = set(archive.namelist())
            member = next((m for m in COLLECTIONS if m in names), None)
            if member is None:
                raise StudyplanError(f"{path}: no Anki collection inside (expected one of {', '.join(COLLECTIONS)})")
            info = archive.getinfo(member)
            if info.file_size > MAX_COLLECTION_BYTES:
                raise StudyplanError(f"{path}: {member} is too large ({info.file_size:,} bytes; the limit is "
                                     f"{MAX_COLLECTION_BYTES // 1048576:,} MiB); not read")
            try:
                with archive.open(info) as source, open(target, "wb") as out:
                    if member.endswith("b"):
                        _unzstd(source, out, path, member)
                    else:
                        _copy_bounded(source, out, path, member)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise StudyplanError(f"{path}: {member} cannot be extracted ({exc})") from None
            except NotImplementedError:  # a compression method zipfile lacks
                raise StudyplanError(f"{path}: {member} is compressed in a way that cannot be read") from None
    return member


def _too_large(path: Path, member: str) -> StudyplanError:
    return StudyplanError(f"{path}: {member} grows past {MAX_COLLECTION_BYTES // 1048576:,} MiB when "
                          "extracted; not read")


def _copy_bounded(source: IO[bytes], out: IO[bytes], path: Path, member: str) -> None:
    written = 0
    while chunk := source.read(_CHUNK):
        written += len(chunk)
        if written > MAX_COLLECTION_BYTES:
            raise _too_large(path, member)
        out.write(chunk)


def _unzstd(source: IO[bytes], out: IO[bytes], path: Path, member: str) -> None:
    import zstandard

    written = 0
    try:
        with zstandard.ZstdDecompressor().stream_reader(source, read_across_frames=True) as reader:
            while chunk := reader.read(_CHUNK):
                written += len(chunk)
                if written > MAX_COLLECTION_BYTES:
                    raise _too_large(path, member)
                out.write(chunk)
    except zstandard.ZstdError as exc:
        raise StudyplanError(f"{path}: {member} is not valid zstd data ({exc})") from None


def _unicase(a: str, b: str) -> int:
    """Anki's `unicase` collation (its new schema declares it on names), roughly."""
    x, y = a.casefold(), b.casefold()
    return (x > y) - (x < y)


def _read_collection(copy: Path) -> list[PackageNote]:
    conn = sqlite3.connect(f"{copy.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        conn.create_collation("unicase", _unicase)
        conn.execute("PRAGMA query_only = 1")
        decks = _deck_names(conn)
        first_cards: dict[int, tuple[int, int]] = {}  # note id -> (card id, deck id)
        for card_id, note_id, deck, original_deck in conn.execute(
                "SELECT id, nid, did, odid FROM cards ORDER BY nid, ord, id"):
            if note_id not in first_cards:
                # a card in a filtered deck keeps its home deck in odid
                first_cards[note_id] = (card_id, original_deck or deck)
        wanted = {card for card, _ in first_cards.values()}
        reviews: dict[int, list[AnkiReview]] = defaultdict(list)
        for row in conn.execute("SELECT id, cid, ease, ivl, factor, time, type FROM revlog ORDER BY id"):
            if row[1] in wanted and isinstance(row[2], int) and 1 <= row[2] <= 4:  # ease 0: a manual reschedule
                reviews[row[1]].append(AnkiReview(row[0], row[2], int(row[3] or 0), int(row[4] or 0),
                                                  int(row[5] or 0), int(row[6] or 0)))
        notes = []
        for note_id, guid, tags, fields in conn.execute("SELECT id, guid, tags, flds FROM notes ORDER BY id"):
            parts = str(fields).split("\x1f")
            card, deck = first_cards.get(note_id, (None, 0))
            notes.append(PackageNote(
                str(guid), _text(parts[0]), _text(parts[1]) if len(parts) > 1 else "",
                tuple(strip_controls(t, keep="") for t in str(tags).split()), decks.get(deck, ""),
                tuple(reviews.get(card, ())) if card is not None else ()))
        return notes
    finally:
        conn.close()


def _text(field: str) -> str:
    return strip_controls(html_to_text(field), keep="\n\t")


def _deck_names(conn: sqlite3.Connection) -> dict[int, str]:
    """Deck id -> name: the `decks` table of the new schema (levels split by \\x1f), else
    the JSON in `col.decks` of the old one."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'decks'").fetchone():
        return {did: str(name).replace("\x1f", "::") for did, name in conn.execute("SELECT id, name FROM decks")}
    row = conn.execute("SELECT decks FROM col").fetchone()
    try:
        decks = json.loads(row[0]) if row and row[0] else {}
        return {int(did): str(deck.get("name", "")) for did, deck in decks.items() if isinstance(deck, dict)}
    except (ValueError, AttributeError, TypeError):
        raise sqlite3.DatabaseError("its deck list is not valid JSON") from None

