"""Opening a database: resolve the path or URL, check it, set SQLite up, migrate to head."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from studyplan.db.migrations import MIGRATIONS
from studyplan.errors import StudyplanError

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def database_url(value: str) -> str:
    """A SQLAlchemy URL for *value*: a URL is kept, anything else is a SQLite file path."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


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
        if not os.access(path, os.R_OK | os.W_OK):
            raise StudyplanError(f"{path}: database file is not readable and writable")
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


# Test hook: a page limit that makes SQLite report a full disk (SQLITE_FULL) once the
# database would grow past it. Only the fault tests set it; never set it in real use.
TEST_MAX_PAGE_COUNT_ENV = "STUDYPLAN_TEST_MAX_PAGE_COUNT"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    limit = os.environ.get(TEST_MAX_PAGE_COUNT_ENV, "")
    if limit.isdigit():
        cursor.execute(f"PRAGMA max_page_count = {int(limit)}")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for *url*; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    path = sqlite_path(url)
    if path is not None:
        check_sqlite_file(path)
    try:
        engine = create_engine(url)
    except ImportError as exc:
        if url.startswith("postgres"):
            # The PostgreSQL driver is an optional extra: say how to add it.
            raise StudyplanError(f"cannot use database URL {url!r}: the PostgreSQL driver is not installed; install "
                                 f"it with pip install '.[postgres]' in the project's venv (or: pipx inject "
                                 f"studyplan 'psycopg[binary]')") from None
        raise StudyplanError(f"cannot use database URL {url!r}: {exc}") from None
    except (SQLAlchemyError, ValueError) as exc:
        raise StudyplanError(f"cannot use database URL {url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        # Let SQLite's busy timeout do the waiting; pysqlite's own BEGIN handling would
        # take the write lock late and fail instead of waiting on upgrade from read.
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "connect", _disable_pysqlite_begin)
        event.listen(engine, "begin", _begin_immediate)
    return engine


def _disable_pysqlite_begin(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None


def _begin_immediate(conn) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _alembic_config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, None for an empty database.

    Read straight from Alembic's version table, so opening an up-to-date database does
    not pay for importing Alembic.
    """
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


_REVISION_LINE = re.compile(r"""^(revision|down_revision)\s*=\s*(?:"([^"]*)"|'([^']*)'|None)""", re.M)


@functools.cache
def head_revision() -> str:
    """The newest migration shipped with this release (read from the migration files).

    A test checks that this agrees with Alembic's own ScriptDirectory.
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
    return heads.pop()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the migrations up to *revision*."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), revision)


def open_database(value: str, migrate: bool = True) -> tuple[Engine, sessionmaker[Session]]:
    """Open the database at *value* (a path or a URL), upgrade its schema, return a sessionmaker.

    Before upgrading an existing SQLite database, a copy is taken with the backup API as
    `<db>.pre-<revision>.bak`. Any failure becomes a StudyplanError naming the database.
    """
    url = database_url(value)
    engine = make_engine(url)
    path = sqlite_path(url)
    label = path or engine.url.render_as_string(hide_password=True)
    try:
        if migrate:
            revision = current_revision(engine)
            if revision != head_revision():
                if revision is not None and path is not None:
                    from studyplan.db.backup import pre_migration_backup

                    engine.dispose()  # our pooled connection must not hold the file during the copy
                    pre_migration_backup(path, revision)
                upgrade(engine)
    except StudyplanError:
        raise
    except DBAPIError as exc:
        engine.dispose()
        raise StudyplanError(f"{label}: cannot open the database: {_first_line(exc.orig)}") from None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StudyplanError(f"{label}: cannot open the database: {_first_line(exc)}") from None
    return engine, sessionmaker(engine, expire_on_commit=False)


def _first_line(exc: BaseException | None) -> str:
    return str(exc).strip().splitlines()[0] if exc and str(exc).strip() else type(exc).__name__


@contextmanager
def translate_errors(label: str) -> Iterator[None]:
    """Turn database failures into one clear StudyplanError naming the database."""
    try:
        yield
    except OperationalError as exc:
        text = _first_line(exc.orig)
        if "locked" in text or "busy" in text:
            raise StudyplanError(f"{label}: the database is busy (another studyplan command is writing); try again") from None
        if "full" in text:
            raise StudyplanError(f"{label}: the disk or database is full; this change was not saved "
                                 "(everything saved before it is kept)") from None
        raise StudyplanError(f"{label}: database error: {text}") from None
    except DBAPIError as exc:
        raise StudyplanError(f"{label}: database error: {_first_line(exc.orig)}") from None


def describe_error(exc: BaseException) -> str:
    """One line for an unexpected failure, without a traceback."""
    if isinstance(exc, OperationalError):
        return f"database error: {_first_line(exc.orig)}"
    if isinstance(exc, OSError):
        return f"{exc.filename or 'file'}: {exc.strerror or exc}"
    return f"unexpected error ({type(exc).__name__}): {_first_line(exc)}"
