"""Anki packages as people (and attackers) send them: not a zip, no collection inside, a
corrupt collection, bad zstd, zip and zstd bombs, a file too large, a FIFO. Each is one
line on stderr naming the file, exit 1, and the database unchanged."""

from __future__ import annotations

import os
import sqlite3
import zipfile
from pathlib import Path

import pytest
import zstandard
from conftest import db_digest, error_line

from studyplan import anki_collection


@pytest.fixture
def synced(run, db_path):
    assert run("decks", "sync").exit_code == 0
    return db_digest(db_path)


def _package(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _collection(tmp_path: Path) -> bytes:
    """A minimal old-schema collection: one note, its card, no reviews."""
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
