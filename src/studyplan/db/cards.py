"""Cards and decks in the store: the catalog synced into the database, and Anki imports.

The caller owns the transaction; nothing here commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring as _encode_string
from typing import cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from studyplan.catalog import Card, Catalog, Exam
from studyplan.db.models import CardRow, DeckFileRow, DomainRow, ExamRow
from studyplan.db.reads import ANKI_SOURCE, DECK_SOURCE
from studyplan.progress import Advance, steps


@dataclass(frozen=True, slots=True)
class SyncResult:
    added: int = 0
    updated: int = 0
    retired: int = 0
    restored: int = 0
    unchanged: int = 0

    def __add__(self, other: SyncResult) -> SyncResult:
        return SyncResult(self.added + other.added, self.updated + other.updated, self.retired + other.retired,
                          self.restored + other.restored, self.unchanged + other.unchanged)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired or self.restored)


def _card_hash(*parts: str | Sequence[str]) -> str:
    """SHA-256 of `json.dumps(parts, ensure_ascii=False)` for strings and lists of strings,
    the JSON written by hand: json.dumps' per-call setup cost a first sync of 50,000 cards
    1 s and an import of 100,000 notes twice that (tests check the text is json.dumps')."""
    text = "[" + ", ".join(_encode_string(part) if isinstance(part, str)
                           else "[" + ", ".join(map(_encode_string, part)) + "]" for part in parts) + "]"
    return hashlib.sha256(text.encode()).hexdigest()


def _import_id_key(front: str, guid: str) -> str:
    """An imported note's identity: its Anki guid, or its front without one."""
    return _card_hash("guid", guid) if guid else _card_hash(front)


def _deck_card_hash(card: Card, source: str) -> str:
    """A deck card's content hash: a change to any field the store keeps is an edit."""
    return _card_hash(card.domain, card.front, card.back, card.style, card.tags, card.ref, source)


def _import_content_hash(front: str, back: str, tags: list[str]) -> str:
    """An imported note's content hash."""
    return _card_hash(front, back, tags)


def _upsert_exam(session: Session, exam: Exam) -> dict[str, int]:
    row = session.get(ExamRow, exam.id)
    if row is None:
        row = ExamRow(id=exam.id, name=exam.name, provider=exam.provider, kind=exam.kind, status=exam.status)
        session.add(row)
    else:
        row.name, row.provider, row.kind, row.status = exam.name, exam.provider, exam.kind, exam.status
    existing = {d.slug: d for d in session.scalars(select(DomainRow).where(DomainRow.exam_id == exam.id))}
    for position, domain in enumerate(exam.domains):
        drow = existing.get(domain.id)
        if drow is None:
            drow = DomainRow(exam_id=exam.id, slug=domain.id, name=domain.name, weight=domain.weight, position=position)
            session.add(drow)
            existing[domain.id] = drow
        elif (drow.name, drow.weight, drow.position) != (domain.name, domain.weight, position):
            drow.name, drow.weight, drow.position = domain.name, domain.weight, position
    session.flush()
    return {slug: d.id for slug, d in existing.items()}


_IN_CHUNK = 500  # ids per IN (...) query: well under SQLite's oldest variable limit (999)


def _cards_by_id(session: Session, ids: list[str]) -> dict[str, CardRow]:
    """The cards among *ids* that exist, as ORM rows, in one query per 500 ids."""
    found: dict[str, CardRow] = {}
    if ids and len(ids) >= _IN_CHUNK and (session.scalar(select(func.count()).select_from(CardRow)) or 0) <= len(ids):
        # Fewer cards stored than asked for (a first sync): one query for every stored id
        # finds the few that exist; a hundred IN (...) queries would find nothing.
        wanted = set(ids)
        ids = [card_id for card_id in session.scalars(select(CardRow.id)) if card_id in wanted]
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start:start + _IN_CHUNK]
        found.update((row.id, row) for row in session.scalars(select(CardRow).where(CardRow.id.in_(chunk))))
    return found


def sync_catalog(session: Session, catalog: Catalog, now: datetime) -> SyncResult:
    """Bring the database's exams, domains and cards in line with *catalog*.

    Idempotent. A changed card keeps its id and so its history; a card gone from its
    exam's files is retired (never deleted); a card that comes back is restored. Only the
    exams in *catalog* are touched, so a learner's own decks folder does not retire the
    shipped ones. The caller owns the transaction.
    """
    total = SyncResult()
    for exam in catalog.exams.values():
        total = total + sync_exam(session, exam, list(enumerate(exam.cards)), None, now)
    session.flush()
    return total


def sync_exam(session: Session, exam: Exam, cards: list[tuple[int, Card]], scope: set[str] | None,
              now: datetime) -> SyncResult:
    """Bring the exam, its domains and the deck cards of *scope* in line with *cards*
    ((position, card) pairs).

    *scope* is the set of card sources (``deck:`` + file label) that were re-read: only
    their cards are compared, and those not in *cards* are retired. None means every deck
    card of the exam (the exam was read whole).

    Fast when nothing changed: the cards already stored are compared by their content
    hash from a light (id, hash, retired, position) query, and only the cards that change
    are loaded as ORM rows, in batches. (Loading every card as an ORM row, and one
    `session.get` per new card, each autoflushing the card added before it, made a no-op
    sync of 50,000 cards hold ~100 MB and a first sync of 5,000 cards take seconds.)
    """
    added = updated = retired = restored = unchanged = 0
    domain_ids = _upsert_exam(session, exam)
    light = select(CardRow.id, CardRow.content_hash, CardRow.retired_at, CardRow.position).where(CardRow.exam_id == exam.id)
    stored = {}
    if scope is None:
        stored = {r.id: r for r in session.execute(light.where(CardRow.source.startswith(DECK_SOURCE)))}
    else:
        sources = sorted(scope)
        for start in range(0, len(sources), _IN_CHUNK):
            stored.update((r.id, r) for r in session.execute(light.where(CardRow.source.in_(sources[start:start + _IN_CHUNK]))))
        missing = [c.id for _, c in cards if c.id not in stored]
        for start in range(0, len(missing), _IN_CHUNK):  # cards moved in from an unread file
            stored.update((r.id, r) for r in session.execute(
                light.where(CardRow.id.in_(missing[start:start + _IN_CHUNK]), CardRow.source.startswith(DECK_SOURCE))))
    changes = []  # (position, card, source, digest) of cards to add, edit or restore
    moved: dict[str, int] = {}  # unchanged cards whose order changed: not an edit
    seen = set()
    for position, card in cards:
        seen.add(card.id)
        source = DECK_SOURCE + card.file
        digest = _deck_card_hash(card, source)
        prior = stored.get(card.id)
        if prior is not None and prior.content_hash == digest and prior.retired_at is None:
            unchanged += 1
            if prior.position != position:
                moved[card.id] = position
            continue
        changes.append((position, card, source, digest))
    gone = [card_id for card_id, prior in stored.items() if card_id not in seen and prior.retired_at is None]
    new_ids = [c.id for _, c, _, _ in changes]
    rows = _cards_by_id(session, new_ids + list(moved) + gone)
    for card_id, position in moved.items():
        rows[card_id].position = position
    fresh = []
    for position, card, source, digest in changes:
        row = rows.get(card.id)
        if row is None:  # inserted in bulk below: no ORM row each
            fresh.append((card.id, exam.id, domain_ids[card.domain], card.front, card.back, card.style,
                          ",".join(card.tags), source, position, digest, None))
            added += 1
            continue
        prior = stored.get(card.id)
        values = dict(exam_id=exam.id, domain_id=domain_ids[card.domain], front=card.front, back=card.back,
                      style=card.style, tags=",".join(card.tags), source=source, position=position,
                      content_hash=digest, retired_at=None)
        if prior is None:
            pass  # an imported card (or another exam's) of the same id: deck files win, history stays
        elif prior.retired_at is not None:
            restored += 1
        else:
            updated += 1
        for key, value in values.items():
            setattr(row, key, value)
    for card_id in gone:
        rows[card_id].retired_at = now
        retired += 1
    session.flush()
    if fresh:
        with steps(len(fresh), "storing cards") as advance:
            _insert_many(session, cast(Table, CardRow.__table__), _CARD_COLUMNS, fresh, advance)
    return SyncResult(added, updated, retired, restored, unchanged)


def shift_positions(session: Session, exam_id: str, source: str, delta: int) -> None:
    """Move the deck order of the cards of *source* by *delta* (a file before it grew or shrank)."""
    session.execute(update(CardRow).where(CardRow.exam_id == exam_id, CardRow.source == source)
                    .values(position=CardRow.position + delta).execution_options(synchronize_session=False))


def card_sources(session: Session, ids: list[str]) -> dict[str, str]:
    """The source of each live card among *ids* (to find an id already used in another file)."""
    found: dict[str, str] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        found.update((card_id, source) for card_id, source in session.execute(select(CardRow.id, CardRow.source).where(
            CardRow.id.in_(ids[start:start + _IN_CHUNK]), CardRow.retired_at.is_(None))))
    return found


def restamp_deck_files(session: Session, stamps: list[tuple[str, int, int, str]]) -> None:
    """Remember a new (size, mtime_ns, version) for each file path of *stamps* whose content
    did not change."""
    if stamps:
        table = cast(Table, DeckFileRow.__table__)
        session.execute(update(table).where(table.c.path == bindparam("at"))
                        .values(size=bindparam("new_size"), mtime_ns=bindparam("new_mtime"),
                                version=bindparam("new_version")),
                        [dict(at=path, new_size=size, new_mtime=mtime, new_version=version)
                         for path, size, mtime, version in stamps])


def remember_deck_files(session: Session, exam_ids: set[str], files: list[dict]) -> None:
    """Replace the remembered files of *exam_ids* with *files* (DeckFileRow columns each)."""
    if exam_ids:
        session.execute(delete(DeckFileRow).where(DeckFileRow.exam_id.in_(sorted(exam_ids))))
    if files:
        session.execute(insert(DeckFileRow), files)


_INSERT_CHUNK = 5_000  # rows per executemany: bounded memory, few round trips


def _insert_many(session: Session, table: Table, columns: tuple[str, ...], rows: list[tuple],
                 advance: Advance | None = None) -> None:
    """INSERT *rows* (tuples in the order of *columns*) into *table* with the driver's
    executemany in chunks, inside the session's transaction. SQLAlchemy's own executemany
    spends more time per row building parameters than SQLite spends inserting it.
    *advance* is told the rows of each chunk inserted (a progress bar's steps)."""
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"  # sqlite3; psycopg takes %s
    sql = f'INSERT INTO {table.name} ({", ".join(columns)}) VALUES ({", ".join(mark for _ in columns)})'
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for start in range(0, len(rows), _INSERT_CHUNK):
            chunk = rows[start:start + _INSERT_CHUNK]
            cursor.executemany(sql, chunk)
            if advance is not None:
                advance(len(chunk))
    finally:
        cursor.close()


_CARD_COLUMNS = ("id", "exam_id", "domain_id", "front", "back", "style", "tags", "source", "position",
                   "content_hash", "retired_at")


def anki_card_id(exam_id: str, domain_slug: str, front: str, guid: str = "") -> str:
    """The id of an imported note: from Anki's guid when the file has one (an edited note
    keeps its id), else from the front (re-importing the same export adds nothing)."""
    prefix = exam_id.split("-")[-1]
    return f"{prefix}-{domain_slug}-anki-{_import_id_key(front, guid)[:10]}"


def import_cards(session: Session, exam_id: str, domain_slug: str, cards: list[tuple[str, str, list[str], str]],
                 source_name: str) -> tuple[int, int]:
    """Add Anki-exported cards (front, back, tags, guid) to a domain; ids come from
    `anki_card_id`, so re-imports do not duplicate. Returns (added, already present).

    Bulk: one query for the ids already there, then executemany inserts in chunks (a
    100,000-note file is one pass, not a query per note).
    """
    domain = session.scalar(select(DomainRow).where(DomainRow.exam_id == exam_id, DomainRow.slug == domain_slug))
    if domain is None:
        raise LookupError(domain_slug)
    stem = anki_card_id(exam_id, domain_slug, "x")[:-10]
    known = set(session.scalars(select(CardRow.id).where(CardRow.id.startswith(stem, autoescape=True))))
    position = session.scalar(select(func.count()).select_from(CardRow).where(CardRow.domain_id == domain.id)) or 0
    source = ANKI_SOURCE + source_name
    rows: list[tuple] = []
    present = 0
    domain_id = domain.id
    for front, back, tags, guid in cards:
        card_id = stem + _import_id_key(front, guid)[:10]
        if card_id in known:
            present += 1
            continue
        known.add(card_id)
        position += 1
        rows.append((card_id, exam_id, domain_id, front, back, "recall", ",".join(tags), source, position,
                     _import_content_hash(front, back, tags), None))
    rows.sort()  # in key order (the id comes first), the primary key's B-tree grows at one end
    with steps(len(rows), "importing cards") as advance:
        _insert_many(session, cast(Table, CardRow.__table__), _CARD_COLUMNS, rows, advance)
    return len(rows), present
