"""Writing an exam's cards as an Anki package (.apkg) with the `genanki` library.

Everything genanki-specific lives here. Ids are fixed or derived from studyplan's own ids,
never random, so exporting again gives the same notes, decks and note type:
- the note type has a fixed id and four fields: Front, Back, Reference (the card's `ref`
  URL, shown under the answer) and Id (the studyplan card id, not shown);
- each note's guid comes from the studyplan card id (`note_guid`), which is what Anki's
  importer matches on, so a re-exported package updates the notes instead of adding them;
- one subdeck per domain, "studyplan::<exam>::<domain>", its id derived from exam and domain.

Deck text is plain text: it is HTML-escaped (Anki renders fields as HTML), line breaks
become <br>, and control characters are dropped (\\x1f separates Anki's fields).
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import genanki

from studyplan.catalog import Exam
from studyplan.text import strip_controls

MODEL_ID = 1_581_220_417  # fixed forever: Anki ties notes to their note type by this id
MODEL_NAME = "studyplan card"
_GUID_NAMESPACE = "studyplan-card"
_CSS = ".card { font-family: sans-serif; font-size: 20px; text-align: left; }\n.ref { font-size: 14px; }\n"
_MODEL = genanki.Model(
    MODEL_ID, MODEL_NAME,
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Reference"}, {"name": "Id"}],
    templates=[{
        "name": "Card 1",
        "qfmt": "{{Front}}",
        "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"
                "{{#Reference}}<div class=ref><br>{{Reference}}</div>{{/Reference}}",
    }],
    css=_CSS,
)


@dataclass(frozen=True)
class PackageSummary:
    notes: int
    decks: list[str]  # the subdeck names, in the exam's domain order


def note_guid(card_id: str) -> str:
    """The Anki guid of the note exported for studyplan card *card_id* (stable forever)."""
    return str(genanki.guid_for(_GUID_NAMESPACE, card_id))


def deck_id(exam_id: str, domain_id: str) -> int:
    """A stable Anki deck id for one exam domain, in the range genanki suggests (2^30..2^31)."""
    digest = hashlib.sha256(f"studyplan-deck/{exam_id}/{domain_id}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def _field(text: str) -> str:
    return html.escape(strip_controls(text, keep="\n\t")).replace("\n", "<br>")


def _deck_part(name: str) -> str:
    # "::" would split a name into deeper subdecks
    return re.sub(r":{2,}", ":", strip_controls(name, keep="")).strip() or "-"


def anki_tag(text: str) -> str:
    """*text* as one Anki tag: no spaces (they separate tags), no control characters."""
    return re.sub(r"\s+", "_", strip_controls(text, keep=" \t\n").strip())


def deck_name(exam: Exam, domain_name: str) -> str:
    """The subdeck of one domain: "studyplan::<exam short name>::<domain name>"."""
    return f"studyplan::{_deck_part(exam.short_name or exam.name)}::{_deck_part(domain_name)}"


def build_package(exam: Exam, timestamp: float) -> tuple[bytes, PackageSummary]:
    """The .apkg bytes of *exam*'s cards, and what it holds. *timestamp* (seconds since the
    epoch) stamps the notes as modified then, so Anki takes a newer export's text."""
    decks = []
    for domain in exam.domains:
        deck = genanki.Deck(deck_id(exam.id, domain.id), deck_name(exam, domain.name))
        for card in (c for c in exam.cards if c.domain == domain.id):
            tags = [anki_tag(t) for t in card.tags] + [f"style::{anki_tag(card.style)}",
                                                       f"domain::{anki_tag(domain.id)}", f"exam::{anki_tag(exam.id)}"]
            deck.add_note(genanki.Note(
                model=_MODEL, guid=note_guid(card.id),
                fields=[_field(card.front), _field(card.back), _field(card.ref), _field(card.id)],
                tags=list(dict.fromkeys(t for t in tags if t))))
        decks.append(deck)
    return _package_bytes(genanki.Package(decks), timestamp), PackageSummary(
        sum(len(d.notes) for d in decks), [d.name for d in decks])


def _package_bytes(package: genanki.Package, timestamp: float) -> bytes:
    """What `Package.write_to_file` writes, built in a temporary folder that is removed
    afterwards (genanki's own method leaves its SQLite file behind in /tmp)."""
    with tempfile.TemporaryDirectory(prefix="studyplan-apkg-") as folder:
        collection = Path(folder) / "collection.anki2"
        conn = sqlite3.connect(collection)
        try:
            package.write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
            conn.commit()
        finally:
            conn.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(collection, "collection.anki2")
            archive.writestr("media", "{}")  # no media files
        return buffer.getvalue()
