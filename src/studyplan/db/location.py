"""Where the database is and whether it is ours, without SQLAlchemy: paths and URLs, their
passwords masked, the SQLite file checks, the shipped schema revisions, and the one line a
driver failure becomes, and the pragmas of every writable SQLite connection. `db.engine`
(SQLAlchemy) and `db.fast` (SQLite's own driver) share it.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from urllib.parse import quote, unquote

from studyplan.db.migrations import MIGRATIONS
from studyplan.errors import NotSaved, StudyplanError

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
MASK = "***"


def database_url(value: str) -> str:
    """A SQLAlchemy URL for *value*: a URL is kept, anything else is a SQLite file path."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


# Any "scheme://user:secret@" in free text (up to the last @ of the word: over-masking is
# safe) and any "password=value" (a URL query or a libpq key=value string).
_URL_SECRET = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://[^:@/?#\s]*:)\S*@")
_KEY_SECRET = re.compile(r"(?i)(\b(?:password|passwd|pwd|sslpassword)\s*=\s*)('[^']*'|[^\s&;#'\"]+)")


def _secrets(location: str) -> list[str]:
    """The passwords written in *location* (URL userinfo, `password=` in the query), raw
    and percent-decoded, longest first."""
    found = []
    if "://" in location:
        rest = location.split("://", 1)[1]
        userinfo = rest[: rest.rfind("@")] if "@" in rest else ""
        if ":" in userinfo:
            found.append(userinfo.split(":", 1)[1])
    found += [m.group(2).strip("'") for m in _KEY_SECRET.finditer(location)]
    found += [unquote(f) for f in found] + [quote(f, safe="") for f in found]
    return sorted({f for f in found if f}, key=len, reverse=True)


def redact(text: str, location: str | None = None) -> str:
    """*text* with every password masked: the ones written in *location* wherever they
    appear, and anything that looks like a URL's or a connection string's password."""
    if location:
        for secret in _secrets(location):
            text = text.replace(secret, MASK)
    text = _URL_SECRET.sub(rf"\1{MASK}@", text)
    return _KEY_SECRET.sub(rf"\1{MASK}", text)


def display_location(value: str) -> str:
    """The database *value* (a path or a URL) as people see it, password masked: the one
    way a database is named in messages, whether or not the URL can be parsed."""
    if "://" not in value:
        return str(Path(value).expanduser())
    path = sqlite_path(value)
    if path is not None:
        return str(path)
    if "@" in value.split("://", 1)[1]:
        scheme, rest = value.split("://", 1)
        at = rest.rfind("@")
        user, colon, _secret = rest[:at].partition(":")
        value = f"{scheme}://{user}{colon}{MASK if colon else ''}{rest[at:]}"
    return redact(value)


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[1] if "///" in url else ""
    return Path(path) if path and path != ":memory:" else None


def check_sqlite_file(path: Path) -> None:
    """Refuse a path that cannot hold a database, before anything is written."""
    if path.exists():
        if path.is_dir():
            raise StudyplanError(f"{path}: is a directory, not a database file")
        if not os.access(path, os.R_OK):
            raise StudyplanError(f"{path}: database file is not readable")
        if path.stat().st_size:
            with path.open("rb") as fh:
                if fh.read(16) != SQLITE_HEADER:
                    raise StudyplanError(f"{path}: not a SQLite database (corrupt or another kind of file); nothing was changed")
        return
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise StudyplanError(f"{path}: cannot create the database, {parent} is a file, not a folder")
    if not parent.is_dir():
        raise StudyplanError(f"{path}: cannot create the database, folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StudyplanError(f"{path}: cannot create the database, folder {parent} is not writable")



def is_read_only(path: Path) -> bool:
    """True for an existing database file this process may read but not write."""
    return path.is_file() and os.access(path, os.R_OK) and not os.access(path, os.W_OK)



_REVISION_LINE = re.compile(r"""^(revision|down_revision)\s*=\s*(?:"([^"]*)"|'([^']*)'|None)""", re.M)


@functools.cache
def shipped_revisions() -> tuple[frozenset[str], str]:
    """Every schema revision this release knows, and the newest (read from the migration
    files, without importing Alembic).

    A test checks that the head agrees with Alembic's own ScriptDirectory.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("[0-9]*.py"):
        for key, double, single in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            value = double or single
            if key == "revision":
                revisions.add(value)
            elif value:
                parents.add(value)
    heads = revisions - parents
    if len(heads) != 1:
        raise StudyplanError(f"the shipped migrations have {len(heads)} heads; reinstall studyplan")
    return frozenset(revisions), heads.pop()


def head_revision() -> str:
    """The newest migration shipped with this release."""
    return shipped_revisions()[1]



def first_line(exc: BaseException | None) -> str:
    """The first line of *exc*'s message (its type's name when it has none)."""
    return str(exc).strip().splitlines()[0] if exc and str(exc).strip() else type(exc).__name__


# Test hook: a page limit that makes SQLite report a full disk (SQLITE_FULL) once the
# database would grow past it. Only the fault tests set it; never set it in real use.
TEST_MAX_PAGE_COUNT_ENV = "STUDYPLAN_TEST_MAX_PAGE_COUNT"


# The pragmas of every writable SQLite connection, and why:
# - journal_mode = WAL: a commit appends the transaction's pages to the -wal file, so
#   readers (another `today`, a backup) never block a grade and a grade never waits on
#   them; a commit is one sequential write, not a rollback journal plus database writes.
# - synchronous = FULL: each commit also fsyncs the -wal file before it returns, and
#   the review screen shows the next card only after the commit returned. So a grade
#   acknowledged is on the disk: it survives a SIGKILL (tests/faults/test_kills.py) and
#   also an OS crash or power loss. NORMAL would skip that fsync (WAL is still safe
#   against a killed process, since the kernel holds the written pages, but the last
#   grades could vanish with the machine's power). Anki fsyncs every answer too; the
#   fsync costs a fraction of a millisecond to a few, once per grade (see
#   benchmarks/bench_peer.py, which reports grade + next at both levels).
# - foreign_keys = ON: SQLite leaves them off unless asked; busy_timeout: a writer waits
#   for another's commit instead of failing at once.
SQLITE_SYNCHRONOUS = "FULL"


def sqlite_pragmas(connection) -> None:
    """Set the pragmas above on a writable sqlite3 *connection* (either door's)."""
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA synchronous = {SQLITE_SYNCHRONOUS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    limit = os.environ.get(TEST_MAX_PAGE_COUNT_ENV, "")
    if limit.isdigit():
        cursor.execute(f"PRAGMA max_page_count = {int(limit)}")
    cursor.close()


def driver_failure(location: str, message: str) -> StudyplanError:
    """The one-line error for a driver's failure *message* on the database at *location*
    (the password masked): a busy, full, read-only or failing disk says that nothing was
    saved; anything else is a database error."""
    label = display_location(database_url(location))
    text = redact(message, location)
    if "locked" in text or "busy" in text:
        return NotSaved(label, f"the database stayed busy for {BUSY_TIMEOUT_MS / 1000:g} s (another studyplan "
                               "command is writing)", "this change was not saved; try again")
    if "full" in text:
        return NotSaved(label, "the disk is full", "this change was not saved (everything saved before it is kept)")
    if "readonly" in text or "read-only" in text:
        return NotSaved(label, "the database is read-only")
    if "disk i/o" in text.lower():
        return NotSaved(label, "the disk failed to write (disk I/O error; is it full?)",
                        "this change was not saved (everything saved before it is kept)")
    return StudyplanError(f"{label}: database error: {text}")
