"""Anki packages as people (and attackers) send them: not a zip, no collection inside, a
corrupt collection, bad zstd, zip and zstd bombs, a file too large, a FIFO. Each is one
line on stderr naming the file, exit 1, and the database unchanged."""

from __future__ import annotations

import os
import sqlite3
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import zstandard
from conftest import db_digest, error_line
from pgserver import db_url, pg_url  # noqa: F401  (fixtures)
from sqlalchemy import create_engine, text

from studyplan import anki_collection
from studyplan.db.engine import database_url
from studyplan.study_anki import import_package
from studyplan.workspace import Workspace


@pytest.fixture
def synced(run, db_path):
    assert run("decks", "sync").exit_code == 0
    return db_digest(db_path)


def _package(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _collection(tmp_path: Path, notes: int = 0, days: int = 0) -> bytes:
    """A minimal old-schema collection: one note, its card, no reviews; and *notes* more
    notes in "beta", each answered Good once a day for *days* days from 2026-11-01."""
    path = tmp_path / "col.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE col (decks TEXT);
        CREATE TABLE notes (id INTEGER, guid TEXT, mid INTEGER, tags TEXT, flds TEXT);
        CREATE TABLE cards (id INTEGER, nid INTEGER, did INTEGER, odid INTEGER, ord INTEGER);
        CREATE TABLE revlog (id INTEGER, cid INTEGER, ease INTEGER, ivl INTEGER, factor INTEGER, time INTEGER,
                             type INTEGER);
        INSERT INTO col VALUES ('{"5": {"name": "Alpha things"}}');
        INSERT INTO notes VALUES (1, 'g1', 1, ' a ', 'front' || char(31) || 'back');
        INSERT INTO cards VALUES (10, 1, 5, 0, 0);
    """)
    conn.execute("""UPDATE col SET decks = '{"5": {"name": "Alpha things"}, "6": {"name": "X::beta"}}'""")
    conn.executemany("INSERT INTO notes VALUES (?, ?, 1, '', ?)",
                     [(100 + n, f"n{n}", f"front {n}\x1fback {n}") for n in range(notes)])
    conn.executemany("INSERT INTO cards VALUES (?, ?, 6, 0, 0)", [(10_000 + n, 100 + n) for n in range(notes)])
    start = int(datetime(2026, 11, 1, 9).timestamp() * 1000)
    conn.executemany("INSERT INTO revlog VALUES (?, ?, 3, ?, 2500, 5000, 1)",
                     [(start + d * 86_400_000 + n, 10_000 + n, d + 1) for n in range(notes) for d in range(days)])
    conn.commit()
    conn.close()
    return path.read_bytes()


def _refused(run, package: Path, *needles: str) -> None:
    result = run("import", "anki", str(package), "--exam", "tiny")
    assert result.exit_code == 1, result.output
    error_line(result.stderr, str(package), *needles)


def test_the_minimal_collection_imports(run, db_path, tmp_path, synced):
    """The fixture the faults below break is itself good."""
    package = _package(tmp_path / "good.apkg", {"collection.anki2": _collection(tmp_path)})
    result = run("import", "anki", str(package), "--exam", "tiny")
    assert result.output == ("imported good.apkg (collection.anki2): 1 note\n"
                             "  1 card added to tiny/alpha; 0 already present\n"
                             "  0 reviews added, 0 already present; 0 cards scheduled\n")


@pytest.mark.parametrize("name, members, needle", [
    ("notzip.apkg", None, "not a zip file, so not an Anki package"),
    ("empty.colpkg", {"media": b"{}"}, "no Anki collection inside (expected one of collection.anki21b"),
    ("corrupt.apkg", {"collection.anki21": b"SQLite format 3\x00" + b"\xff" * 4000},
     "collection.anki21 is not a readable Anki collection"),
    ("text.apkg", {"collection.anki2": b"front\tback\n" * 100}, "collection.anki2 is not a readable Anki collection"),
    ("badzstd.apkg", {"collection.anki21b": b"\x28\xb5\x2f\xfd garbage"}, "collection.anki21b is not valid zstd data"),
    ("tables.apkg", "no-tables", "is not a readable Anki collection (no such table"),
])
def test_broken_packages_are_one_line_and_change_nothing(run, db_path, tmp_path, synced, name, members, needle):
    path = tmp_path / name
    if members is None:
        path.write_bytes(b"PK\x03\x04 not really a zip")
    elif members == "no-tables":
        sqlite3.connect(tmp_path / "empty.sqlite").execute("CREATE TABLE t (x)").connection.commit()
        _package(path, {"collection.anki21": (tmp_path / "empty.sqlite").read_bytes()})
    else:
        _package(path, members)
    _refused(run, path, needle)
    assert db_digest(db_path) == synced


def test_a_zip_bomb_is_refused_before_it_is_extracted(run, db_path, tmp_path, synced, monkeypatch):
    monkeypatch.setattr(anki_collection, "MAX_COLLECTION_BYTES", 1024 * 1024)
    bomb = _package(tmp_path / "bomb.apkg", {"collection.anki21": bytes(4 * 1024 * 1024)}, zipfile.ZIP_DEFLATED)
    assert bomb.stat().st_size < 20_000
    _refused(run, bomb, "collection.anki21 is too large (4,194,304 bytes; the limit is 1 MiB); not read")
    assert db_digest(db_path) == synced


def test_a_zstd_bomb_stops_at_the_limit(run, db_path, tmp_path, synced, monkeypatch):
    monkeypatch.setattr(anki_collection, "MAX_COLLECTION_BYTES", 1024 * 1024)
    data = zstandard.ZstdCompressor().compress(bytes(64 * 1024 * 1024))
    bomb = _package(tmp_path / "bomb.colpkg", {"collection.anki21b": data})
    assert bomb.stat().st_size < 20_000
    _refused(run, bomb, "collection.anki21b grows past 1 MiB when extracted; not read")
    assert db_digest(db_path) == synced


def test_a_package_over_the_size_limit_is_not_read(run, db_path, tmp_path, synced, monkeypatch):
    monkeypatch.setattr(anki_collection, "MAX_PACKAGE_BYTES", 1000)
    package = _package(tmp_path / "big.apkg", {"collection.anki2": _collection(tmp_path)})
    _refused(run, package, f"file too large ({package.stat().st_size:,} bytes; the limit is 0 MiB); not read")
    assert db_digest(db_path) == synced


def test_a_fifo_named_like_a_package_is_not_read(run, db_path, tmp_path, synced):
    fifo = tmp_path / "pipe.apkg"
    os.mkfifo(fifo)
    _refused(run, fifo, "not a regular file")
    assert db_digest(db_path) == synced


def test_the_package_file_is_never_written(run, tmp_path, synced):
    package = _package(tmp_path / "good.apkg", {"collection.anki2": _collection(tmp_path)})
    before = (package.read_bytes(), package.stat().st_mtime_ns)
    assert run("import", "anki", str(package), "--exam", "tiny").exit_code == 0
    assert (package.read_bytes(), package.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("good")) == ["good.apkg"]


def test_a_large_history_imports_once_on_both_backends(db_url, tiny_decks, tmp_path):
    package = _package(tmp_path / "big.colpkg", {"collection.anki21": _collection(tmp_path, notes=1500, days=10)},
                       zipfile.ZIP_DEFLATED)
    ws = Workspace(db=db_url, decks=str(tiny_decks))
    try:
        first = import_package(ws, package, "tiny", None)
        again = import_package(ws, package, "tiny", None)
    finally:
        ws.close()
    assert (first.added, first.present, first.reviews_added, first.reviews_present, first.scheduled) == (
        1501, 0, 15_000, 0, 1500)
    assert (again.added, again.present, again.reviews_added, again.reviews_present, again.scheduled) == (
        0, 1501, 0, 15_000, 1500)
    engine = create_engine(database_url(db_url))
    try:
        with engine.connect() as conn:
            logged = conn.execute(text("SELECT count(*), count(DISTINCT card_key), sum(CASE WHEN practice THEN 1 "
                                       "ELSE 0 END) FROM review_log")).one()
            state = conn.execute(text("SELECT interval, repetitions, due FROM card_state cs JOIN card c "
                                      "ON c.key = cs.card_key WHERE c.front = 'front 7'")).one()
    finally:
        engine.dispose()
    assert tuple(logged) == (15_000, 1500, 0)
    # due as card_state holds it since migration 0005: days since 1970-01-01
    assert (state[0], state[1], state[2]) == (10, 10, (date(2026, 11, 20) - date(1970, 1, 1)).days)
