"""Use cases to and from Anki: export an exam as an Anki package, import a package
(.apkg or .colpkg) with its review history, or Anki's plain-text export.

A package's notes that studyplan exported (known by their guid, see `anki_apkg.note_guid`)
are the studyplan cards they came from: their Anki reviews join those cards' history.
Other notes become imported cards of an exam's domain, with the same ids a text import
of the same notes gives (`db.cards.anki_card_id`), so importing again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studyplan.errors import StudyplanError, did_you_mean
from studyplan.study_cards import ImportReport, import_anki

if TYPE_CHECKING:
    from studyplan.anki_collection import PackageNote
    from studyplan.anki_history import CardHistory
    from studyplan.catalog import Exam
    from studyplan.workspace import Workspace

PACKAGE_SUFFIXES = (".apkg", ".colpkg")


def is_package(path: Path) -> bool:
    """Whether *path* is named like an Anki package (.apkg or .colpkg) rather than a text export."""
    return path.suffix.lower() in PACKAGE_SUFFIXES


@dataclass(frozen=True)
class AnkiExportReport:
    path: Path
    notes: int
    decks: list[str]


def export_anki(ws: Workspace, exam_id: str, path: Path) -> AnkiExportReport:
    """Write *exam_id*'s cards to *path* as an Anki package, one subdeck per domain
    (whole or not at all: an earlier file there stays until the new one is complete)."""
    from studyplan.anki_apkg import build_package
    from studyplan.files import write_atomically

    ws.exam(exam_id)  # a known exam, decks without problems
    # The synced catalog may carry counts instead of cards: read the decks in full.
    exam = ws.load_catalog()[0].exams[exam_id]
    if not exam.cards:
        raise StudyplanError(f"exam '{exam_id}' has no cards to export")
    data, summary = build_package(exam, ws.now().timestamp())
    write_atomically(path, data)
    return AnkiExportReport(path, summary.notes, summary.decks)


@dataclass(frozen=True)
class PackageImportReport:
    member: str            # the collection file read inside the package
    notes: int             # notes in the package
    matched: int           # notes that are studyplan's own cards (exported from here)
    added: int             # new cards
    present: int           # imported cards already in the database
    skipped: int           # notes with no text on the front
    targets: list[str]     # "exam/domain" of the imported cards
    reviews_added: int
    reviews_present: int
    scheduled: int         # cards with review history, now scheduled from it


def import_from_anki(ws: Workspace, file: Path, exam_id: str | None, domain: str | None
                     ) -> ImportReport | PackageImportReport:
    """Import *file*: an Anki package with its review history, or (any other name) Anki's
    plain-text export, which needs *exam_id* and *domain*."""
    if not is_package(file):
        if exam_id is None or domain is None:
            raise StudyplanError(f"{file}: a text export needs --exam and --domain (an .apkg or .colpkg does not)")
        return import_anki(ws, file, exam_id, domain)
    return import_package(ws, file, exam_id, domain)


def import_package(ws: Workspace, file: Path, exam_id: str | None, domain: str | None) -> PackageImportReport:
    """Import the notes and review history of an Anki package (.apkg or .colpkg).

    Notes exported by studyplan go back to their cards; the others go to *domain* of
    *exam_id*, or, without *domain*, to the exam's domain their Anki deck is named after.
    Reviews are logged (Anki's buttons mapped as in `anki_history`) and each reviewed
    card is scheduled from its last review. All or nothing; importing again adds nothing.
    """
    from studyplan.anki_apkg import note_guid
    from studyplan.anki_collection import read_package
    from studyplan.db.cards import anki_card_id, import_cards
    from studyplan.db.imported_history import deck_card_ids, record_history
    from studyplan.progress import steps

    if domain is not None and exam_id is None:
        raise StudyplanError("--domain needs --exam")
    exam = _target(ws, exam_id, domain) if exam_id is not None else None
    package = read_package(file)
    if not package.notes:
        raise StudyplanError(f"{file}: no notes found in {package.member}")
    with_text = [n for n in package.notes if n.front]
    added = present = 0
    with ws.unit() as u:
        assert u.learner_id is not None
        own = {note_guid(card_id): card_id for card_id in deck_card_ids(u.db)}
        foreign = [n for n in with_text if n.guid not in own]
        slugs = _domains_of(file, foreign, exam, domain) if foreign else []
        histories: dict[str, CardHistory] = {}
        groups: dict[str, list[tuple[str, str, list[str], str]]] = {}
        for note, slug in zip(foreign, slugs, strict=True):
            assert exam is not None
            groups.setdefault(slug, []).append((note.front, note.back, list(note.tags), note.guid))
            _add_history(histories, anki_card_id(exam.id, slug, note.front, note.guid), note)
        for note in with_text:
            if note.guid in own:
                _add_history(histories, own[note.guid], note)
        with steps(len(groups) + 1, f"importing {len(package.notes)} notes") as advance:
            for slug, cards in groups.items():
                assert exam is not None
                done, there = import_cards(u.db, exam.id, slug, cards, file.name)
                added, present = added + done, present + there
                advance(1)
            reviews_added, reviews_present = record_history(u.db, u.learner_id, list(histories.values()))
            advance(1)
    return PackageImportReport(
        package.member, len(package.notes), len(with_text) - len(foreign), added, present,
        len(package.notes) - len(with_text), [f"{exam.id}/{slug}" for slug in groups] if exam else [],
        reviews_added, reviews_present, len(histories))


def _add_history(histories: dict[str, CardHistory], card_id: str, note: PackageNote) -> None:
    from studyplan.anki_history import card_history

    if card_id not in histories:  # two notes of one card (the same text and no guid): the first counts
        found = card_history(card_id, note.reviews)
        if found is not None:
            histories[card_id] = found


def _target(ws: Workspace, exam_id: str, domain: str | None) -> Exam:
    exam = ws.exam(exam_id)
    if domain is not None and domain not in {d.id for d in exam.domains}:
        hint = did_you_mean(domain, [d.id for d in exam.domains])
        raise StudyplanError(f"unknown domain '{domain}' for exam '{exam_id}'{hint} "
                             f"(domains: {', '.join(d.id for d in exam.domains)})")
    return exam


def _domains_of(file: Path, notes: list[PackageNote], exam: Exam | None, domain: str | None) -> list[str]:
    """The domain slug each of *notes* goes to: *domain*, or the one its deck is named after."""
    if exam is None:
        raise StudyplanError(f"{file}: {len(notes)} of its notes did not come from studyplan; give --exam "
                             "(and --domain, unless their decks are named after the exam's domains)")
    if domain is not None:
        return [domain] * len(notes)
    names = {}
    for d in exam.domains:
        names[d.id.casefold()] = d.id
        names[d.name.casefold()] = d.id
    slugs, unknown = [], []
    for note in notes:
        leaf = note.deck.rsplit("::", 1)[-1].strip().casefold()
        slug = names.get(leaf)
        if slug is None:
            unknown.append(note.deck or "(no deck)")
        slugs.append(slug or "")
    if unknown:
        decks = sorted(set(unknown))
        listed = ", ".join(f"'{d}'" for d in decks[:3]) + (f" and {len(decks) - 3} more" if len(decks) > 3 else "")
        raise StudyplanError(f"{file}: the deck{'s' if len(decks) > 1 else ''} {listed} match no domain of exam "
                             f"'{exam.id}'; give --domain (domains: {', '.join(d.id for d in exam.domains)})")
    return slugs
