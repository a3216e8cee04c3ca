"""The workspace a command runs in: which database, which decks, which day, which learner.

It opens the database and reads the decks lazily, once per command. A use case runs in
one unit of work (`Workspace.unit`): one transaction in which the database is first
brought in line with the decks and the learner is looked up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from studyplan.errors import StudyplanError, did_you_mean

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from studyplan.catalog import Catalog, Exam
    from studyplan.db.cards import SyncResult
    from studyplan.db.fast import SqliteGrading
    from studyplan.db.grading import Transaction
    from studyplan.db.sql import Rows
    from studyplan.decks import Problem

SYNC_ATTEMPTS = 3


def default_db_path() -> Path:
    """`studyplan.db` in the per-user application folder (created on first use)."""
    import click

    folder = Path(click.get_app_dir("studyplan"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "studyplan.db"


def my_decks_dir() -> Path:
    """The learner's own decks folder, `my-decks` in the per-user application folder: its
    files overlay the shipped decks and survive a reinstall (not created here)."""
    import click

    return Path(click.get_app_dir("studyplan")) / "my-decks"


def describe_error(exc: BaseException, location: str | None = None) -> str:
    """One line for a failure no use case expected (the CLI's last guard), with the
    password of the database at *location* (and any other) masked."""
    from studyplan.db.engine import describe_error as describe

    return describe(exc, location)


def display_location(location: str) -> str:
    """The database at *location* as people see it, its password masked."""
    from studyplan.db.location import display_location as display

    return display(location)


@dataclass
class Unit:
    """One use case's transaction: the session, the learner (None if not on the database
    and not created), what the deck sync changed (None when not synced), and the plain-SQL
    door onto the same transaction (`db.reads`)."""

    db: Session
    learner_id: int | None
    synced: SyncResult | None
    rows: Rows


@dataclass
class Reading:
    """A unit of work that only reads (`Workspace.reading`): plain-SQL statements
    (`db.reads`) and the learner (None when not on the database)."""

    rows: Rows
    learner_id: int | None


@dataclass
class Workspace:
    db: str | None = None
    decks: str | None = None
    today: date = field(default_factory=date.today)
    learner: str = "default"

    @cached_property
    def decks_roots(self) -> tuple[Path, ...]:
        """The decks folders read, in overlay order: `--decks` alone, or else the shipped
        decks overlaid by the learner's own decks folder (see `decks.list_decks`)."""
        from studyplan.decks import shipped_decks_dir

        if self.decks:
            return (Path(self.decks).expanduser(),)
        return (shipped_decks_dir(), my_decks_dir())

    @cached_property
    def decks_dir(self) -> Path:
        """The decks folder a learner edits: `--decks`, or their own decks folder."""
        return self.decks_roots[-1]

    @property
    def decks_label(self) -> str:
        """The decks read, as messages name them: the `--decks` folder, or the shipped decks
        and the learner's own folder when it exists."""
        if self.decks:
            return str(self.decks_dir)
        mine = self.decks_dir
        return f"the shipped decks and {mine}" if mine.is_dir() else "the shipped decks"

    def editable_path(self, label: str) -> tuple[Path, Path | None]:
        """The deck file a card source *label* names, and where a learner's own copy of it
        goes when it is a shipped file (None when it already is theirs)."""
        *shipped, mine = self.decks_roots
        for root in (mine, *shipped):
            if label.startswith(root.name + "/"):
                path = root.parent / label
                return path, (None if root == mine else mine / label.split("/", 1)[1])
        return Path(label), None

    @cached_property
    def db_location(self) -> str:
        if self.db is not None and not self.db.strip():
            raise StudyplanError("--db is empty: give a database file or URL, or leave --db out for the default")
        return self.db or str(default_db_path())

    def load_catalog(self) -> tuple[Catalog, list[Problem]]:
        """The catalog and every problem found in the decks folder."""
        from studyplan.decks import COURSES_FILE, load_catalog, shipped_decks_dir

        return load_catalog(self.decks_roots, fallback_courses=shipped_decks_dir() / COURSES_FILE)

    @cached_property
    def catalog(self) -> Catalog:
        """The catalog as synced into the database (reading only the deck files that
        changed); refuses decks with problems, naming the first and the count.

        Without a database yet, the decks are read in full and no database is made: a
        command that then fails on its input leaves nothing behind. A database we may only
        read is not synced either: its commands see the decks read in full.
        """
        from studyplan.db.location import database_url, sqlite_path

        path = sqlite_path(database_url(self.db_location))
        if path is not None and (not path.exists() or self._read_only):
            from studyplan.deck_sync import refuse

            catalog, problems = self.load_catalog()
            refuse(problems)
            return catalog
        current = self.__dict__.get("_current")
        if current is not None:  # asked inside a unit: sync in its transaction (a second would wait on it)
            self._sync(current)
        else:
            with self.reading():
                pass  # the deck check (or the sync, when a deck file changed) sets it
        return self.__dict__["catalog"]

    def _sync(self, session: Session) -> SyncResult:
        from studyplan.deck_sync import sync_decks
        from studyplan.decks import COURSES_FILE, shipped_decks_dir

        catalog, synced = sync_decks(session, self.decks_roots, shipped_decks_dir() / COURSES_FILE, self.now())
        self.__dict__.setdefault("catalog", catalog)
        return synced

    def exam(self, exam_id: str) -> Exam:
        """The exam with this id, or a clear error listing the known ones."""
        try:
            return self.catalog.exam(exam_id)
        except KeyError:
            known = ", ".join(sorted(self.catalog.exams)) or "none"
            hint = did_you_mean(exam_id, self.catalog.exams)
            raise StudyplanError(f"unknown exam '{exam_id}'{hint} (known exams: {known})") from None

    @cached_property
    def _sessions(self) -> sessionmaker[Session]:
        """The database opened (and migrated) once per command. A SQLite file is held
        under a shared lock for as long as the workspace is open, so `restore` waits for
        (or refuses) a review session instead of swapping the file under it."""
        from studyplan.db.engine import database_url, open_database, sqlite_path

        path = sqlite_path(database_url(self.db_location))
        if path is not None:
            self._hold_lock(path)
        try:
            # A grading connection open on the file means it was read as a database already.
            self._engine, sessions = open_database(self.db_location,
                                                   check_file=self.__dict__.get("_sqlite_grading") is None)
        except BaseException:
            self._release(forget=True)  # refused before anything was written: no lock file left either
            raise
        if path is not None:
            self._remember_file(path)
        return sessions

    def _hold_lock(self, path: Path) -> None:
        """Hold the SQLite file *path* under a shared lock until `close` (once per command)."""
        from studyplan.db.filelock import acquire
        from studyplan.db.location import display_location

        if "_lock" not in self.__dict__ and path.parent.is_dir():
            self._lock = acquire(path, exclusive=False, refusal=(
                f"{display_location(self.db_location)}: a restore is replacing the database; nothing was "
                "changed; try again when it has finished"))

    def _release(self, forget: bool = False) -> None:
        lock = self.__dict__.pop("_lock", None)
        if lock is not None:
            lock.release(forget)

    def _check_same_file(self) -> None:
        """Refuse to write on when the database file was replaced under this process (by a
        restore that did not wait for the lock, or a copy): our connections still point at
        the old file, which is no longer the database."""
        path = self.__dict__.get("_file")
        if path is None:
            return
        if _identity(path) != self._identity:
            from studyplan.db.location import display_location
            from studyplan.errors import DatabaseReplaced

            raise DatabaseReplaced(display_location(self.db_location),
                                   "the database file was replaced (restored or copied over) while this command "
                                   "had it open", "this change was not saved; run the command again")

    @cached_property
    def _read_only(self) -> bool:
        from studyplan.db.location import database_url, is_read_only, sqlite_path

        path = sqlite_path(database_url(self.db_location))
        return path is not None and is_read_only(path)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits as a whole or not at all (one review grade, say)."""
        from studyplan.db.engine import translate_errors

        sessions = self._sessions
        self._check_same_file()
        with translate_errors(self.db_location):
            with sessions.begin() as session:
                self.__dict__["_current"] = session
                try:
                    yield session
                finally:
                    self.__dict__["_current"] = None

    @cached_property
    def _sqlite_grading(self) -> SqliteGrading | None:
        """The grading connection of a writable SQLite file (None for other databases)."""
        from studyplan.db.fast import SqliteGrading, servable
        from studyplan.db.location import database_url, sqlite_path

        path = sqlite_path(database_url(self.db_location))
        if path is None or not path.is_file() or not servable(path):
            return None
        self._hold_lock(path)
        self._remember_file(path)
        return SqliteGrading(path, self.db_location)

    def _remember_file(self, path: Path) -> None:
        """Which file the database is (see `_check_same_file`), and the hidden copies a
        backup or restore killed earlier removed from its folder: once per command."""
        from studyplan.db.backup import clean_leftovers

        if "_file" not in self.__dict__:
            self._file = path
            self._identity = _identity(path)
            clean_leftovers(path.parent)

    @contextmanager
    def grade_transaction(self) -> Iterator[Transaction]:
        """A short transaction on a database driver's connection, without an ORM session:
        the review screen's one grade per card (see `db.grading.grade`). It commits as a
        whole or not at all, like `transaction`."""
        grading = self._sqlite_grading
        if grading is not None:  # a SQLite file: on the driver alone
            self._check_same_file()
            with grading.transaction() as tx:
                yield tx
            return
        from studyplan.db.engine import driver_transaction, translate_errors

        _ = self._sessions  # opened (and migrated) once
        self._check_same_file()
        with translate_errors(self.db_location), driver_transaction(self._engine) as tx:
            yield tx

    @contextmanager
    def unit(self, sync: bool = True, create_learner: bool = True) -> Iterator[Unit]:
        """One use case's unit of work: a transaction in which the decks are synced first
        (*sync*) and the learner is found, or created (*create_learner*).

        On a shared server database several learners' commands may sync changed decks (or
        add the same new learner) at once: the first commits, the others hit its new rows'
        unique keys, roll back and start again, finding the work done. SQLite serialises
        writers, so it never retries. Nothing of a unit is kept if the use case fails.
        """
        from sqlalchemy.exc import IntegrityError

        from studyplan.db.engine import translate_errors
        from studyplan.db.learners import learner_id
        from studyplan.db.reads import existing_learner_id
        from studyplan.db.sql import session_rows

        sessions = self._sessions
        self._check_same_file()
        with translate_errors(self.db_location):
            for attempt in range(SYNC_ATTEMPTS):
                session = sessions()
                try:
                    session.begin()
                    # A database file we may only read serves reading commands as it stands: the
                    # deck sync (a write) is left out; a use case that must write still fails.
                    synced = self._sync(session) if sync and not self._read_only else None
                    learner = (learner_id(session, self.learner, self.now()) if create_learner
                               else existing_learner_id(session_rows(session), self.learner))
                    break
                except IntegrityError:
                    session.rollback()
                    session.close()
                    if attempt == SYNC_ATTEMPTS - 1:
                        raise
                except BaseException:
                    session.rollback()
                    session.close()
                    raise
            self.__dict__["_current"] = session
            try:
                yield Unit(session, learner, synced, session_rows(session))
                session.commit()
                if synced is not None:
                    self.__dict__["_synced"] = True  # the store holds the decks: later readings need not check
            except BaseException:
                session.rollback()
                raise
            finally:
                self.__dict__["_current"] = None
                session.close()

    @contextmanager
    def reading(self) -> Iterator[Reading]:
        """A unit of work that only reads, for the commands a learner runs every day.

        When the database is a SQLite file at the schema head and no deck file changed
        since the last sync, it runs on SQLite's own driver (`db.fast`) and SQLAlchemy is
        never imported; otherwise it is a `unit` (which syncs the decks, or migrates, or
        refuses) without creating the learner. Both run the same statements.
        """
        from studyplan.db.location import database_url, sqlite_path

        path = sqlite_path(database_url(self.db_location))
        if path is not None and path.is_file():
            from studyplan.db.fast import sqlite_reading
            from studyplan.db.reads import existing_learner_id

            self._hold_lock(path)
            self._remember_file(path)
            with sqlite_reading(path, self.db_location) as rows:
                if rows is not None and self._decks_checked(rows):
                    yield Reading(rows, existing_learner_id(rows, self.learner))
                    return
        with self.unit(create_learner=False) as u:
            yield Reading(u.rows, u.learner_id)

    def _decks_checked(self, rows: Rows) -> bool:
        """True when the store holds the decks as they are: a unit of this command synced
        them, or no deck file changed since the last sync (the catalog is then read here)."""
        if self.__dict__.get("_synced"):
            return True
        from studyplan.deck_sync import unchanged_catalog
        from studyplan.decks import COURSES_FILE, shipped_decks_dir

        catalog = unchanged_catalog(rows, self.decks_roots, shipped_decks_dir() / COURSES_FILE)
        if catalog is None:
            return False
        self.__dict__.setdefault("catalog", catalog)
        self.__dict__["_synced"] = True
        return True

    def now(self) -> datetime:
        """The current time, on the workspace's day when `--today` moved it."""
        current = datetime.now()
        return current if current.date() == self.today else datetime.combine(self.today, current.time())

    def close(self) -> None:
        """Release the database's connections."""
        grading = self.__dict__.get("_sqlite_grading")
        if grading is not None:
            grading.close()
        if "_sessions" in self.__dict__:
            self._engine.dispose()
        self._release()


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file is at *path* (device, inode), None when nothing is."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino
