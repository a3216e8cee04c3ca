"""Backups of a SQLite database, restoring one, and the copy taken before a migration.

Every copy goes through SQLite's online backup API (`sqlite3.Connection.backup`), so it is
consistent even while a review session is writing: the copy is taken in one step under a
read lock and sees every committed grade, WAL included. A copy is first written to a
temporary file next to its destination and then renamed over it, so a crash or a full
disk never leaves a half-written backup (or a half-restored database) under the real name.

Backups are stored in rollback-journal mode (one self-contained file, no -wal beside it).
"""

from __future__ import annotations

import errno
import os
import re
import signal
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from studyplan.db.filelock import acquire, held_by_nobody, hold_exclusively
from studyplan.db.migrations import MIGRATIONS
from studyplan.errors import StudyplanError
from studyplan.layout import plural

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0
# Tables every studyplan database has had since the first migration.
CORE_TABLES = frozenset({"alembic_version", "learner", "exam", "domain", "card", "card_state", "review_log"})
COUNTED_TABLES = ("learner", "card", "review_log", "plan")


@dataclass(frozen=True)
class Snapshot:
    """What a database file holds: its schema revision and a few row counts."""

    path: Path
    revision: str
    counts: dict[str, int]

    def describe(self) -> str:
        c = self.counts
        return (f"schema {self.revision}, {plural(c.get('learner', 0), 'learner')}, {plural(c.get('card', 0), 'card')}, "
                f"{plural(c.get('review_log', 0), 'review')}, {plural(c.get('plan', 0), 'plan')}")


def default_backup_path(db: Path, now: datetime) -> Path:
    """`<name>-YYYYmmdd-HHMMSS.db` next to the database; a counter keeps earlier backups."""
    stem, suffix = db.stem, db.suffix or ".db"
    base = db.with_name(f"{stem}-{now:%Y%m%d-%H%M%S}{suffix}")
    candidate, n = base, 1
    while candidate.exists():
        candidate = base.with_name(f"{base.stem}-{n}{suffix}")
        n += 1
    return candidate


def _connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    else:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
    conn.isolation_level = None
    return conn


class _Busy(Exception):
    """The source stayed locked for longer than the busy timeout."""


def _online_backup(src: sqlite3.Connection, out: sqlite3.Connection) -> None:
    """`src.backup(out)`, giving up after BUSY_TIMEOUT_S while the source stays locked.

    Python retries a busy backup step forever (SQLite's busy handler does not cover it):
    a database held in exclusive locking mode would hang `backup` and `restore`.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise _Busy

    src.backup(out, progress=progress)  # pages=-1: the whole database in one step, a consistent snapshot


BUSY_MESSAGE = "the database is locked by another program (busy for {:g} s)"


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask  # what a plain open() would give; mkstemp's 0600 would be a surprise


# Temporary copies are named `.<name>.studyplan-<random>.tmp` beside their destination and
# held under an exclusive flock by the process writing them: one whose lock is free belongs
# to a process that was killed, and the next backup, restore or command removes it.
TEMP_MARK = ".studyplan-"
_LEFTOVER = re.compile(r"^\..*\.studyplan-[A-Za-z0-9_]+\.tmp(-journal|-wal|-shm)?$")
# Test hook: stop at a named point (see `_pause`) so a fault test can kill the process
# exactly there. Only the fault tests set it; never set it in real use.
TEST_PAUSE_ENV = "STUDYPLAN_TEST_PAUSE_AT"


def _pause(point: str) -> None:
    if os.environ.get(TEST_PAUSE_ENV) == point:
        print(f"studyplan paused at {point}", file=sys.stderr, flush=True)
        while True:
            signal.pause()


def _temp_file(folder: Path, stem: str) -> tuple[int, Path]:
    """A new empty temporary file in *folder* for a copy, locked by this process: (fd, path).

    Keep the descriptor open until the file is renamed or removed."""
    while True:
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{stem}{TEMP_MARK}", suffix=".tmp")
        hold_exclusively(fd)
        try:  # a cleaner may have taken it for a leftover between mkstemp and the lock
            if os.stat(name).st_ino == os.fstat(fd).st_ino:
                return fd, Path(name)
        except FileNotFoundError:
            pass
        os.close(fd)


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary copies (and their -journal/-wal/-shm) that killed backups and
    restores left in *folder*; a copy another process is still writing stays. Returns
    what was removed."""
    try:
        names = [entry.name for entry in os.scandir(folder) if _LEFTOVER.match(entry.name)]
    except OSError:
        return []
    removed = []
    for name in sorted(names, key=len):  # a copy before its sidecars
        path = folder / name
        base = folder / re.sub(r"(-journal|-wal|-shm)$", "", name)
        if base != path and base.exists():
            continue  # a sidecar goes with its copy, below
        if base == path and not held_by_nobody(path):
            continue
        for victim in (path, *(Path(f"{path}{s}") for s in ("-journal", "-wal", "-shm"))):
            try:
                victim.unlink()
                removed.append(victim)
            except OSError:
                pass
    return removed


def _check_copy(conn: sqlite3.Connection, what: str) -> None:
    verdict = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if verdict != ["ok"]:
        first = verdict[0].strip().splitlines()[0] if verdict and verdict[0].strip() else "failed"
        raise StudyplanError(f"{what} (integrity check: {first})")


def _copy(src: sqlite3.Connection, dest: Path, label: Path | None = None) -> None:
    """Online-backup *src* into *dest* via a temporary file in dest's folder, check the copy,
    then rename: a damaged copy never takes the name (a source with damaged pages gives one)."""
    folder = dest.parent
    fd, tmp = _temp_file(folder, dest.name)
    try:
        os.chmod(tmp, _default_mode())
        with closing(sqlite3.connect(str(tmp))) as out:
            _online_backup(src, out)
            out.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            out.commit()
            _check_copy(out, f"{label or dest}: the database is damaged, so the copy would be too; "
                             f"nothing was written to {dest}")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        _pause("backup-copied")
        os.replace(tmp, dest)
        _fsync_dir(folder)
    finally:
        _remove_database_files(tmp)
        os.close(fd)


def _remove_database_files(path: Path, sidecars_only: bool = False) -> None:
    """Delete SQLite's -journal/-wal/-shm files beside *path*, and *path* itself unless told not to."""
    files = [Path(f"{path}{suffix}") for suffix in ("-journal", "-wal", "-shm")]
    for name in files if sidecars_only else [path, *files]:
        name.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(16) == SQLITE_HEADER


def _os_error(path: Path, what: str, exc: OSError) -> StudyplanError:
    return StudyplanError(f"{path}: {what}: {exc.strerror or exc}")


def backup_database(db: Path, dest: Path) -> None:
    """Copy the SQLite database *db* to *dest* with the online backup API (atomic at *dest*).

    Used for `studyplan backup` and the automatic copy before a migration.
    """
    if not db.is_file():
        raise StudyplanError(f"{db}: no database there, nothing to back up")
    if not _is_sqlite(db):
        raise StudyplanError(f"{db}: not a SQLite database; nothing was backed up")
    if dest.exists() and dest.is_dir():
        raise StudyplanError(f"{dest}: is a directory; name a file for the backup")
    if not dest.parent.is_dir():
        raise StudyplanError(f"{dest}: folder {dest.parent} does not exist")
    if dest.resolve() == db.resolve():
        raise StudyplanError(f"{dest}: is the database itself; name another file for the backup")
    lock = acquire(db, exclusive=False, refusal=f"{db}: a restore is replacing the database; nothing was backed "
                                                 "up; try again when it has finished")
    try:
        clean_leftovers(dest.parent)
        with closing(_connect(db)) as src:
            _copy(src, dest, label=db)
    except _Busy:
        raise StudyplanError(f"{db}: {BUSY_MESSAGE.format(BUSY_TIMEOUT_S)}; nothing was backed up") from None
    except sqlite3.Error as exc:
        if "full" in str(exc):
            raise StudyplanError(f"{dest}: cannot write the backup: the disk is full; nothing was backed up") from None
        raise StudyplanError(f"{dest}: backup failed: {exc}; nothing was backed up") from None
    except OSError as exc:
        raise _os_error(dest, "cannot write the backup" + (" (the disk is full); nothing was backed up"
                                                          if exc.errno == errno.ENOSPC else ""), exc) from None
    finally:
        lock.release()


def known_revisions() -> set[str]:
    """Every schema revision this release can open (and upgrade)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def inspect_backup(path: Path) -> Snapshot:
    """Check that *path* is a sound studyplan database; StudyplanError says what is wrong.

    Sound: a SQLite file, `PRAGMA integrity_check` ok, the studyplan tables present and
    `alembic_version` at a revision this release knows. Nothing is written to *path*.
    """
    if not path.exists():
        raise StudyplanError(f"{path}: no such file")
    if path.is_dir():
        raise StudyplanError(f"{path}: is a directory, not a backup file")
    try:
        if not _is_sqlite(path):
            raise StudyplanError(f"{path}: not a SQLite database; nothing was restored")
        with closing(_connect(path, readonly=True)) as conn:
            verdict = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if verdict != ["ok"]:
                problems = [line for row in verdict for line in row.splitlines() if line.strip()]
                more = f" and {len(problems) - 1} more problem(s)" if len(problems) > 1 else ""
                raise StudyplanError(f"{path}: damaged (integrity check: {problems[0].strip()}{more}); "
                                     "nothing was restored")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = sorted(CORE_TABLES - tables)
            if missing:
                raise StudyplanError(f"{path}: not a studyplan database (no table {', '.join(missing)}); "
                                     "nothing was restored")
            revisions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
            counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in COUNTED_TABLES if t in tables}
    except sqlite3.Error as exc:
        raise StudyplanError(f"{path}: cannot read the backup: {exc}; nothing was restored") from None
    except OSError as exc:
        raise _os_error(path, "cannot read the backup", exc) from None
    known = known_revisions()
    if len(revisions) != 1 or revisions[0] not in known:
        found = ", ".join(revisions) or "none"
        raise StudyplanError(f"{path}: schema revision {found} is not one this release knows "
                             f"({', '.join(sorted(known))}); nothing was restored")
    return Snapshot(path, revisions[0], counts)


@dataclass(frozen=True)
class Restored:
    snapshot: Snapshot
    previous: Path | None  # where the replaced database was saved, if there was one


def restore_database(backup: Path, db: Path, now: datetime) -> Restored:
    """Replace the database *db* with *backup*, after checking it; the old one is kept beside it.

    Order: check the backup; copy it (backup API) into a temp file next to *db* and check
    the copy; save the current database as `<db>-before-restore-<time>.db`; checkpoint it
    so its -wal holds nothing; rename the copy over *db*; remove any -wal/-shm left.
    """
    snapshot = inspect_backup(backup)
    if db.exists() and db.resolve() == backup.resolve():
        raise StudyplanError(f"{backup}: is the database itself; nothing to restore")
    if db.exists() and db.is_dir():
        raise StudyplanError(f"{db}: is a directory, not a database file")
    if not db.parent.is_dir():
        raise StudyplanError(f"{db}: folder {db.parent} does not exist")
    previous = None
    lock = acquire(db, exclusive=True, refusal=f"{db}: another studyplan command has the database open (a review "
                                                "session?); finish it, then restore; nothing was restored")
    try:
        clean_leftovers(db.parent)
        fd, tmp = _temp_file(db.parent, f"{db.name}.restore")
        try:
            os.chmod(tmp, db.stat().st_mode & 0o777 if db.exists() else _default_mode())
            with closing(_connect(backup, readonly=True)) as src, closing(sqlite3.connect(str(tmp))) as out:
                _online_backup(src, out)
                _check_copy(out, f"{backup}: the copy failed its integrity check; nothing was restored")
                out.execute("PRAGMA journal_mode = WAL")  # what studyplan sets on every open anyway
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            _pause("restore-copied")
            if db.exists() and db.stat().st_size:
                if not _is_sqlite(db):
                    raise StudyplanError(f"{db}: the current file is not a SQLite database; move it away first")
                previous = default_backup_path(db.with_name(f"{db.stem}-before-restore{db.suffix or '.db'}"), now)
                with closing(_connect(db)) as current:
                    _copy(current, previous, label=db)
                    busy = current.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                if busy or Path(f"{db}-wal").exists() and Path(f"{db}-wal").stat().st_size:
                    # Someone outside studyplan's lock still writes: its -wal would be
                    # replayed over the restored file.
                    raise _Busy
            # The old -wal is empty (checkpointed) or gone: removing it before the swap
            # means a kill after the swap cannot replay it over the restored file.
            _remove_database_files(db, sidecars_only=True)
            _pause("restore-before-swap")
            os.replace(tmp, db)
            _fsync_dir(db.parent)
            _pause("restore-swapped")
        finally:
            _remove_database_files(tmp)
            os.close(fd)
    except _Busy:
        raise StudyplanError(f"{db}: {BUSY_MESSAGE.format(BUSY_TIMEOUT_S)}; nothing was restored") from None
    except sqlite3.Error as exc:
        cause = "the disk is full" if "full" in str(exc) else str(exc)
        raise StudyplanError(f"{db}: restore failed, the database is unchanged: {cause}") from None
    except OSError as exc:
        full = " (the disk is full)" if exc.errno == errno.ENOSPC else ""
        raise _os_error(db, f"restore failed{full}, the database is unchanged", exc) from None
    finally:
        lock.release()
    return Restored(snapshot, previous)


def pre_migration_backup(db: Path, revision: str) -> Path:
    """Copy *db* to `<db>.pre-<revision>.bak` before its schema is upgraded; returns the path."""
    dest = Path(f"{db}.pre-{revision}.bak")
    backup_database(db, dest)
    return dest
