"""The decks folder brought into the store, re-reading only the deck files that changed.

The database remembers every deck file it read (`deck_file`): its size, modification
time and content hash, and what the catalog needs from it (domain, `verified`, first
card position, card counts). A command lists the folder and stats each file; a file
whose stat changed is hashed, and only a file whose content changed is parsed and its
cards synced. An exam whose exam.toml changed is read whole (its domains or card prefix
may no longer fit the other files). The decks installed inside the package are not even
stat'ed: they count as unchanged until the package version changes.

exam.toml and courses.toml are small and always parsed: the catalog's exam facts,
domains, renames and courses come from them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from studyplan import __version__
from studyplan.db.reads import DECK_SOURCE, RememberedFile, deck_files, imported_tally
from studyplan.decks import (
    ExamFolder,
    KnownFile,
    Problem,
    ReadFile,
    as_roots,
    installed_decks_dir,
    label_of,
    list_decks,
    read_decks,
)
from studyplan.errors import StudyplanError
from studyplan.files import InputRefused, read_input
from studyplan.progress import steps

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from studyplan.catalog import Card, Catalog
    from studyplan.db.cards import SyncResult
    from studyplan.db.sql import Rows


@dataclass(frozen=True, slots=True)
class _Stamp:
    size: int
    mtime_ns: int
    version: str


def _stamp(path: Path, version: str) -> _Stamp:
    if version:  # installed with the package: trusted until the version changes
        return _Stamp(0, 0, version)
    info = os.stat(path)
    return _Stamp(info.st_size, info.st_mtime_ns, "")


def _digest(path: Path) -> str:
    """The content hash; "" for a file we will not read (a FIFO, a device, too big, gone),
    which then counts as changed so the parser reports it as a deck problem."""
    try:
        return hashlib.sha256(read_input(path)).hexdigest()
    except (InputRefused, OSError):
        return ""


def refuse(problems: list[Problem]) -> None:
    """Raise the first problem (and how many more) as the command's error; nothing if none."""
    if problems:
        more = f" (and {len(problems) - 1} more; run 'studyplan decks check')" if len(problems) > 1 else ""
        raise StudyplanError(f"{problems[0]}{more}")


@dataclass
class _Survey:
    """The decks folder against what the store remembers of it: the files' stamps and
    digests, the card files known unchanged, and what a sync must read."""

    roots: tuple[Path, ...]
    listing: list[ExamFolder]
    problems: list[Problem]
    remembered: dict[str, RememberedFile]
    known: dict[Path, KnownFile]
    stamps: dict[Path, tuple[_Stamp, str]]  # every listed file: its stamp and digest
    restamped: list[Path]  # stat changed, content did not
    whole: set[str]  # exams read whole
    scopes: dict[str, set[str]]  # exam -> card sources re-read (changed or deleted files)

    @property
    def unchanged(self) -> bool:
        return not (self.problems or self.restamped or self.whole or self.scopes)


def _survey(db: Rows, root: Path | Sequence[Path]) -> _Survey:
    roots = as_roots(root)
    listing, problems = list_decks(roots)
    installed = installed_decks_dir()
    trusted = [r for r in roots if installed is not None and r.resolve() == installed]
    remembered = {row.path: row for row in deck_files(db)}

    known: dict[Path, KnownFile] = {}
    stamps: dict[Path, tuple[_Stamp, str]] = {}
    restamped: list[Path] = []
    whole: set[str] = set()
    scopes: dict[str, set[str]] = {}
    for entry in listing:
        exam_id = entry.folder.name
        changed: list[Path] = []
        for path in (entry.exam_file, *entry.card_files):
            stamp = _stamp(path, __version__ if any(path.is_relative_to(r) for r in trusted) else "")
            row = remembered.get(str(path))
            if row is not None and row.exam_id == exam_id and (row.size, row.mtime_ns, row.version) == (
                    stamp.size, stamp.mtime_ns, stamp.version):
                stamps[path] = (stamp, row.digest)
                continue
            digest = _digest(path)
            stamps[path] = (stamp, digest)
            if row is not None and row.exam_id == exam_id and row.digest == digest:
                restamped.append(path)
            else:
                changed.append(path)
        listed = {str(p) for p in entry.card_files}
        deleted = [row.label for row in remembered.values()
                   if row.exam_id == exam_id and row.role == "cards" and row.path not in listed]
        if entry.exam_file in changed:
            whole.add(exam_id)
            continue
        for path in entry.card_files:
            if path not in changed:
                row = remembered[str(path)]
                known[path] = KnownFile(row.domain, row.label, row.verified, row.line,
                                        row.cards - row.scenarios, row.scenarios)
        if changed or deleted:
            labels = [label_of(p, roots) for p in changed] + deleted
            scopes[exam_id] = {DECK_SOURCE + label for label in labels}

    return _Survey(roots, listing, problems, remembered, known, stamps, restamped, whole, scopes)


def unchanged_catalog(db: Rows, root: Path | Sequence[Path], fallback_courses: Path | None) -> Catalog | None:
    """The catalog when no deck file changed since the store last read them (a stat per
    file; only the exam and course files are parsed), else None: a sync is due
    (`sync_decks`), and it reports any problem."""
    survey = _survey(db, root)
    if not survey.unchanged:
        return None
    catalog, problems, _read = read_decks(survey.roots, survey.listing, survey.known, fallback_courses)
    return None if problems else _with_imported(db, catalog)


def _with_imported(db: Rows, catalog: Catalog) -> Catalog:
    """*catalog* with each exam's tally of live imported (Anki) cards."""
    imported = imported_tally(db)
    if not imported:
        return catalog
    return replace(catalog, exams={k: replace(e, imported=imported.get(k, ())) for k, e in catalog.exams.items()})


def sync_decks(session: Session, root: Path | Sequence[Path], fallback_courses: Path | None,
               now: datetime) -> tuple[Catalog, SyncResult]:
    """Read what changed in the decks root(s) (the shipped decks overlaid by the learner's
    own, see `decks.list_decks`) into the store; return the whole catalog (exams carry a
    card tally, and their cards only when read whole) and what the sync changed.

    Refuses (StudyplanError, nothing written) decks with problems, as a full read would.
    The caller owns the transaction.
    """
    from studyplan.db.cards import SyncResult, remember_deck_files, restamp_deck_files, shift_positions, sync_exam
    from studyplan.db.sql import session_rows

    db = session_rows(session)
    survey = _survey(db, root)
    if not survey.roots[0].is_dir():
        refuse(survey.problems)
    roots, listing, problems, remembered = survey.roots, survey.listing, survey.problems, survey.remembered
    known, stamps, restamped, whole, scopes = survey.known, survey.stamps, survey.restamped, survey.whole, survey.scopes

    unread = sum(1 for entry in listing for path in entry.card_files if path not in known)
    with steps(unread, "reading decks") as advance:
        catalog, more, read = read_decks(roots, listing, known, fallback_courses, advance)
    problems += more
    if known and read:
        problems += _duplicates_of_unread(session, read, {k.label for k in known.values()})
    refuse(problems)

    result = SyncResult(unchanged=sum(k.recall + k.scenario for k in known.values()))
    files: list[dict] = []
    synced: set[str] = set()
    read_by_path = {f.path: f for f in read}
    for entry in listing:
        exam_id = entry.folder.name
        if exam_id not in whole and exam_id not in scopes:
            continue
        exam = catalog.exam(exam_id)
        positioned: list[tuple[int, Card]] = []
        offset = 0
        stamp, digest = stamps[entry.exam_file]
        files.append(_row(entry.exam_file, exam_id, exam.file, "exam", stamp, digest))
        for path in entry.card_files:
            stamp, digest = stamps[path]
            done = read_by_path.get(path)
            if done is not None:
                positioned.extend((offset + i, card) for i, card in enumerate(done.cards))
                scenarios = sum(1 for c in done.cards if c.style == "scenario")
                files.append(_row(path, exam_id, done.deck_file.file, "cards", stamp, digest, done.deck_file.domain,
                                  done.deck_file, offset, len(done.cards), scenarios))
                offset += len(done.cards)
                continue
            prior = remembered[str(path)]
            if prior.first_position != offset:
                shift_positions(session, exam_id, DECK_SOURCE + prior.label, offset - prior.first_position)
            files.append(_row(path, exam_id, prior.label, "cards", stamp, digest, prior.domain, None, offset,
                              prior.cards, prior.scenarios, prior))
            offset += prior.cards
        result = result + sync_exam(session, exam, positioned, None if exam_id in whole else scopes[exam_id], now)
        synced.add(exam_id)
    remember_deck_files(session, synced, files)
    # touched but not edited: remember the new stat, read nothing
    restamp_deck_files(session, [(str(path), stamps[path][0].size, stamps[path][0].mtime_ns, stamps[path][0].version)
                                 for path in restamped if path.parent.name not in synced])
    return _with_imported(db, catalog), result


def _row(path: Path, exam_id: str, label: str, role: str, stamp: _Stamp, digest: str, domain: str = "",
         deck_file=None, first: int = 0, cards: int = 0, scenarios: int = 0, prior=None) -> dict:
    verified = deck_file.verified if deck_file is not None else (prior.verified if prior is not None else None)
    line = deck_file.line if deck_file is not None else (prior.line if prior is not None else 0)
    return dict(path=str(path), exam_id=exam_id, label=label, role=role, domain=domain, verified=verified,
                line=line, size=stamp.size, mtime_ns=stamp.mtime_ns, digest=digest, version=stamp.version,
                first_position=first, cards=cards, scenarios=scenarios)


def _duplicates_of_unread(session: Session, read: list[ReadFile], unread_labels: set[str]) -> list[Problem]:
    """A card id of a file read now that a file not read (unchanged) already holds."""
    from studyplan.db.cards import card_sources

    cards = [card for f in read for card in f.cards]
    holders = card_sources(session, [card.id for card in cards])
    problems = []
    for card in cards:
        source = holders.get(card.id, "")
        label = source.removeprefix(DECK_SOURCE)
        if source.startswith(DECK_SOURCE) and label in unread_labels and label != card.file:
            problems.append(Problem(card.file, card.line, f"duplicate card id '{card.id}' (also in {label})"))
    return problems
