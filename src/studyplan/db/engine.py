"""Opening a database: resolve the path or URL, check it, set SQLite up, migrate to head."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from studyplan.db import location
from studyplan.db.location import TEST_MAX_PAGE_COUNT_ENV as TEST_MAX_PAGE_COUNT_ENV
from studyplan.db.location import check_sqlite_file as check_sqlite_file
from studyplan.db.location import database_url as database_url
from studyplan.db.location import display_location as display_location
from studyplan.db.location import driver_failure
from studyplan.db.location import first_line as _first_line
from studyplan.db.location import head_revision as head_revision
from studyplan.db.location import is_read_only as is_read_only
from studyplan.db.location import redact as redact
from studyplan.db.location import shipped_revisions as shipped_revisions
from studyplan.db.location import sqlite_path as sqlite_path
from studyplan.db.migrations import MIGRATIONS
from studyplan.errors import StudyplanError

# A PostgreSQL server that accepts the connection and never answers must not hang a
# command; a statement stuck behind another session's lock gives up in the end too.
PG_CONNECT_TIMEOUT_S = 10
PG_STATEMENT_TIMEOUT_MS = 60_000

def _sqlite_pragmas(dbapi_connection, _record) -> None:
    location.sqlite_pragmas(dbapi_connection)


def _pg_connect_args(url: str) -> dict[str, object]:
    """libpq's connect timeout and a statement timeout, unless the URL sets its own."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or parsed.get_driver_name() not in ("psycopg", "psycopg2"):
        return {}
    args: dict[str, object] = {}
    if "connect_timeout" not in parsed.query:
        args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    if "options" not in parsed.query:
        args["options"] = f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS}"
    return args


def _read_only_creator(path: Path):
    # immutable: a folder we cannot write holds no -shm we could create, and SQLite would
    # refuse to read a WAL database without one; with no -wal beside it nothing is missed.
    folder_writable = os.access(path.parent, os.W_OK | os.X_OK)
    immutable = not folder_writable and not Path(f"{path}-wal").exists()
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=location.BUSY_TIMEOUT_MS / 1000, check_same_thread=False)

    return connect


def make_engine(url: str, check_file: bool = True) -> Engine:
    """An engine for *url*; SQLite gets WAL, foreign keys and a busy timeout on every connection.

    A SQLite file this process cannot write is opened read-only: reading commands work,
    a change is refused with one line. PostgreSQL gets a connect and a statement timeout.
    Without *check_file* the SQLite file's header is not read: a caller whose own sqlite3
    connection is open on it must not open and close the file beside SQLite (the close
    would drop that connection's POSIX locks).
    """
    path = sqlite_path(url)
    if path is not None and check_file:
        check_sqlite_file(path)
    read_only = path is not None and is_read_only(path)
    try:
        if read_only:
            assert path is not None
            engine = create_engine(url, creator=_read_only_creator(path))
        else:
            engine = create_engine(url, connect_args=_pg_connect_args(url))
    except ImportError as exc:
        if url.startswith("postgres"):
            # The PostgreSQL driver is an optional extra: say how to add it.
            raise StudyplanError(f"cannot use database URL {display_location(url)}: the PostgreSQL driver is not "
                                 f"installed; install it with pip install '.[postgres]' in the project's venv (or: "
                                 f"pipx inject studyplan 'psycopg[binary]')") from None
        raise StudyplanError(f"cannot use database URL {display_location(url)}: "
                             f"{redact(_first_line(exc), url)}") from None
    except (SQLAlchemyError, ValueError) as exc:
        raise StudyplanError(f"cannot use database URL {display_location(url)}: "
                             f"{redact(_first_line(exc), url)}") from None
    if engine.dialect.name == "sqlite":
        # Let SQLite's busy timeout do the waiting; pysqlite's own BEGIN handling would
        # take the write lock late and fail instead of waiting on upgrade from read.
        event.listen(engine, "connect", _sqlite_read_only_pragmas if read_only else _sqlite_pragmas)
        event.listen(engine, "connect", _disable_pysqlite_begin)
        event.listen(engine, "begin", _begin_immediate)
    return engine


def _sqlite_read_only_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {location.BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


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


def sqlite_contents(path: Path, timeout_s: float | None = None) -> tuple[set[str], list[str]]:
    """(tables, alembic revisions) of an existing SQLite file, read without any pragma
    (no journal-mode change) and, for a file we may not write, read-only."""
    if not path.is_file() or not path.stat().st_size:
        return set(), []
    if is_read_only(path):
        conn = _read_only_creator(path)()
    else:
        conn = sqlite3.connect(str(path), timeout=location.BUSY_TIMEOUT_MS / 1000 if timeout_s is None else timeout_s)
    with closing(conn):
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revisions = ([row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
                     if "alembic_version" in tables else [])
    return tables, revisions


def _server_contents(engine: Engine) -> tuple[set[str], list[str]]:
    """(tables, alembic revisions) of a server database's default schema; reads only."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        revisions = ([row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
                     if "alembic_version" in tables else [])
        conn.rollback()
    return tables, revisions


def check_ours(label: str, tables: set[str], revisions: list[str]) -> str | None:
    """The database's revision (None: empty, ready for the schema); refuses, with nothing
    written, another application's database and one newer than this release."""
    ours = tables - {"sqlite_sequence"}
    if ours and "alembic_version" not in tables:
        shown = ", ".join(sorted(ours)[:5]) + (", ..." if len(ours) > 5 else "")
        raise StudyplanError(f"{label}: not a studyplan database (it has tables {shown} and no alembic_version); "
                             "nothing was changed")
    if not revisions:
        return None
    known, head = shipped_revisions()
    if len(revisions) != 1 or revisions[0] not in known:
        raise StudyplanError(f"{label}: the database is at schema revision {', '.join(revisions)}, which this "
                             f"release does not know (it knows up to {head}); upgrade studyplan; nothing was changed")
    return revisions[0]


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the migrations up to *revision*."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), revision)


def create_schema(engine: Engine) -> None:
    """An empty database straight at the head revision: the models' tables, then Alembic's
    version table stamped with the head, in one transaction (Alembic's "create from scratch"
    recipe; tests/test_schema.py holds the result equal to running every migration).
    Running the migrations one by one took 0.36 s, most of a first sync of a small deck."""
    from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table

    from studyplan.db.models import Base

    version = Table("alembic_version", MetaData(), Column("version_num", String(32), nullable=False),
                    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))
    with engine.begin() as conn:
        Base.metadata.create_all(conn)
        version.create(conn)
        conn.execute(version.insert().values(version_num=head_revision()))


def open_database(value: str, migrate: bool = True, check_file: bool = True) -> tuple[Engine, sessionmaker[Session]]:
    """Open the database at *value* (a path or a URL), upgrade its schema, return a sessionmaker
    (*check_file*: see `make_engine`).

    Nothing is written before the database is known to be studyplan's (or empty) and at a
    revision this release knows. Before upgrading an existing SQLite database, a copy is
    taken with the backup API as `<db>.pre-<revision>.bak`. Any failure becomes a
    StudyplanError naming the database (password masked).
    """
    url = database_url(value)
    label = display_location(url)
    path = sqlite_path(url)
    if path is None and url.split("://", 1)[0].startswith("sqlite"):
        raise StudyplanError(f"{label}: an in-memory database keeps nothing; give a database file or a server URL")
    engine = make_engine(url, check_file)
    try:
        if migrate:
            if path is not None:
                revision = check_ours(label, *sqlite_contents(path))
            else:
                revision = check_ours(label, *_server_contents(engine))
            if revision != head_revision():
                if path is not None and is_read_only(path):
                    raise StudyplanError(f"{label}: the database is read-only and at schema revision "
                                         f"{revision or 'none'}; this release needs {head_revision()}: "
                                         "open it once with write access")
                if revision is not None and path is not None:
                    from studyplan.db.backup import pre_migration_backup

                    engine.dispose()  # our pooled connection must not hold the file during the copy
                    pre_migration_backup(path, revision)
                if revision is None:
                    create_schema(engine)
                else:
                    upgrade(engine)
                if revision is not None and path is not None and revision < COMPACT_REVISION:
                    _give_back_free_pages(engine)
    except StudyplanError:
        engine.dispose()
        raise
    except sqlite3.Error as exc:
        engine.dispose()
        raise StudyplanError(f"{label}: cannot open the database: {redact(_first_line(exc), url)}") from None
    except DBAPIError as exc:
        engine.dispose()
        raise StudyplanError(f"{label}: cannot open the database: {redact(_first_line(exc.orig), url)}") from None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StudyplanError(f"{label}: cannot open the database: {redact(_first_line(exc), url)}") from None
    return engine, sessionmaker(engine, expire_on_commit=False)


# Migration 0005 rebuilt the history tables: their old pages are left free in the file
# (a 1,000,000-review database grows from 244 to 321 MiB instead of shrinking to 101).
COMPACT_REVISION = "0005"


def _give_back_free_pages(engine: Engine) -> None:
    """VACUUM once after the upgrade that freed them. It needs the file to itself and free
    space for a copy; when it cannot have them the database is whole as it is, only larger,
    so a failure is passed over (the next upgrade does not retry: `VACUUM` by hand does)."""
    raw = engine.raw_connection()  # the driver's own: SQLAlchemy would BEGIN first, and VACUUM refuses a transaction
    try:
        raw.driver_connection.execute("VACUUM")  # type: ignore[union-attr]
    except sqlite3.Error:
        pass
    finally:
        raw.close()


@contextmanager
def translate_errors(location: str) -> Iterator[None]:
    """Turn database failures into one clear StudyplanError naming the database at
    *location* (a path or URL, shown with its password masked)."""
    try:
        yield
    except OperationalError as exc:
        raise driver_failure(location, _first_line(exc.orig)) from None
    except DBAPIError as exc:
        raise StudyplanError(f"{display_location(database_url(location))}: database error: "
                             f"{redact(_first_line(exc.orig), location)}") from None


def describe_error(exc: BaseException, location: str | None = None) -> str:
    """One line for an unexpected failure, without a traceback (passwords masked)."""
    if isinstance(exc, OperationalError):
        line = f"database error: {_first_line(exc.orig)}"
    elif isinstance(exc, OSError):
        line = f"{exc.filename or 'file'}: {exc.strerror or exc}"
    else:
        line = f"unexpected error ({type(exc).__name__}): {_first_line(exc)}"
    return redact(line, location)


class DriverTransaction:
    """One transaction on a pooled connection's own driver cursor: statements in the
    driver's parameter style (sqlite3 ":name", psycopg "%(name)s"), no ORM session and no
    statement compiled. A driver error is raised as SQLAlchemy's (`translate_errors`
    turns it into one line)."""

    def __init__(self, connection, dialect) -> None:
        self.connection = connection
        self.sqlite = dialect.name == "sqlite"
        self.cursor = connection.cursor()
        self.error = dialect.loaded_dbapi.Error

    def execute(self, sql: str, params: dict | None = None):
        """Run *sql* and return the driver's cursor."""
        try:
            self.cursor.execute(sql, params or {})
        except self.error as exc:
            raise DBAPIError.instance(sql, params, exc, self.error) from exc
        return self.cursor

    def commit(self) -> None:
        try:
            self.connection.commit()
        except self.error as exc:
            raise DBAPIError.instance("COMMIT", None, exc, self.error) from exc


@contextmanager
def driver_transaction(engine: Engine) -> Iterator[DriverTransaction]:
    """A short write transaction on the driver's connection, for the statements run once
    per card shown (a grade). On SQLite it begins IMMEDIATE, as every write here does, so
    it waits on another writer and never fails on upgrading a read lock. It commits when
    the block ends (at synchronous = FULL the commit returns once the WAL is on disk) and
    rolls back on any failure."""
    raw = engine.raw_connection()
    try:
        tx = DriverTransaction(raw.driver_connection, engine.dialect)
        if tx.sqlite:
            tx.execute("BEGIN IMMEDIATE")
        try:
            yield tx
            tx.commit()
        except BaseException:
            try:
                raw.driver_connection.rollback()  # type: ignore[union-attr]
            except tx.error:
                pass  # the connection is gone: nothing of the transaction was kept
            raise
    finally:
        raw.close()  # back to the pool
