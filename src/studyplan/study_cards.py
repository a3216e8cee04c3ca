"""Use cases for decks and single cards: sync, Anki import, suspended cards, unsuspending.

Each function is one unit of work and returns typed values, like the functions of `study`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studyplan.errors import StudyplanError, did_you_mean
from studyplan.queue import SuspendedCard

if TYPE_CHECKING:
    from studyplan.db.cards import SyncResult
    from studyplan.deck_rules import StaleDomain
    from studyplan.decks import Problem
    from studyplan.workspace import Workspace


@dataclass(frozen=True)
class SuspendedReport:
    cards: list[SuspendedCard]

    def to_list(self) -> list[dict]:
        """The cards as JSON-ready records (front in full)."""
        return [{"id": c.card_id, "exam": c.exam, "domain": c.domain, "front": c.front} for c in self.cards]


@dataclass(frozen=True)
class UnsuspendReport:
    card_ids: list[str]


@dataclass(frozen=True)
class CheckReport:
    """What `decks check` found: errors, warnings, stale domains (None unless asked), counts."""

    folder: str
    problems: list[Problem]
    warnings: list[Problem]
    stale: list[StaleDomain] | None
    decks: int
    cards: int
    courses: int


def check_decks(ws: Workspace, stale_days: int | None = None) -> CheckReport:
    """Every problem and warning in the decks folder (no database), and with *stale_days*
    the exam domains verified longer ago than that or never."""
    from studyplan.deck_rules import deck_warnings, stale_domains

    catalog, problems = ws.load_catalog()
    stale = stale_domains(catalog, ws.today, stale_days) if stale_days is not None else None
    return CheckReport(ws.decks_label, problems, deck_warnings(catalog, ws.today), stale, len(catalog.exams),
                       sum(len(e.cards) for e in catalog.exams.values()), len(catalog.courses))


MY_DECKS_README = """Your own studyplan decks. Files here overlay the decks shipped with studyplan:

- a folder with an exam.toml and NN-<domain>.toml card files adds an exam;
- a card file named like a shipped one (google-pmle/03-....toml) replaces it, and a new
  NN-<domain>.toml file in a shipped exam's folder adds cards to that exam.

Every command reads the changes; `studyplan decks check` reports problems as FILE:LINE.
The deck format: decks/FORMAT.md in the studyplan source.
"""


def my_decks_folder(ws: Workspace) -> Path:
    """The decks folder the learner edits, made (with a short README) if missing; with
    `--decks`, that folder as it is."""
    from studyplan.files import write_atomically

    folder = ws.decks_dir
    if ws.decks:
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / "README.txt").exists():
            write_atomically(folder / "README.txt", MY_DECKS_README)
    except OSError as exc:
        raise StudyplanError(f"{folder}: cannot make your decks folder ({exc.strerror or exc})") from None
    return folder


def sync_decks(ws: Workspace) -> SyncResult:
    """Bring the database in line with the decks (idempotent, one transaction)."""
    with ws.unit(create_learner=False) as u:
        assert u.synced is not None
        return u.synced


@dataclass(frozen=True)
class ImportReport:
    added: int
    present: int


def import_anki(ws: Workspace, file: Path, exam_id: str, domain: str) -> ImportReport:
    """Import Anki's plain-text export (tab or comma separated) into an exam's domain."""
    from studyplan.anki import AnkiFormatError, parse_anki_text
    from studyplan.db.cards import import_cards
    from studyplan.files import read_input

    target = ws.exam(exam_id)
    if domain not in {d.id for d in target.domains}:
        hint = did_you_mean(domain, [d.id for d in target.domains])
        raise StudyplanError(f"unknown domain '{domain}' for exam '{exam_id}'{hint} "
                             f"(domains: {', '.join(d.id for d in target.domains)})")
    try:
        text = read_input(file).decode("utf-8-sig")
        notes = parse_anki_text(text, default_separator="," if file.suffix.lower() == ".csv" else "\t")
    except AnkiFormatError as exc:
        raise StudyplanError(f"{file}:{exc.line}: {exc}") from None
    except UnicodeDecodeError:
        raise StudyplanError(f"{file}: not a UTF-8 text file") from None
    except OSError as exc:
        raise StudyplanError(f"{file}: cannot read: {exc.strerror or exc}") from None
    if not notes:
        raise StudyplanError(f"{file}: no notes found")
    with ws.unit(create_learner=False) as u:
        added, present = import_cards(u.db, exam_id, domain, [(n.front, n.back, list(n.tags), n.guid) for n in notes],
                                      file.name)
    return ImportReport(added, present)


def suspended(ws: Workspace) -> SuspendedReport:
    """The learner's suspended cards (none for a learner not on the database yet)."""
    from studyplan.db.reviews import suspended_cards

    with ws.unit(sync=False, create_learner=False) as u:
        return SuspendedReport([] if u.learner_id is None else suspended_cards(u.db, u.learner_id))


def unsuspend(ws: Workspace, card_ids: list[str]) -> UnsuspendReport:
    """Put suspended cards back in the queues, all or none: an unknown or unsuspended id changes nothing."""
    from studyplan.db.reviews import suspension_status, unsuspend_card

    ids = list(dict.fromkeys(card_ids))
    with ws.unit(sync=False, create_learner=False) as u:
        # No learner: nothing is suspended, so every id is refused below.
        status = suspension_status(u.db, u.learner_id, ids)
        problems = [f"unknown card '{cid}'" if found is None else f"card '{cid}' is not suspended"
                    for cid, found in status.items() if not found]
        if problems:
            raise StudyplanError("; ".join(problems) + "; nothing changed")
        assert u.learner_id is not None
        for cid in ids:
            unsuspend_card(u.db, u.learner_id, cid)
    return UnsuspendReport(ids)
