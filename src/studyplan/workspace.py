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

from studyplan.errors import StudyplanError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from studyplan.catalog import Catalog, Exam
    from studyplan.db.cards import SyncResult
    from studyplan.decks import Problem

SYNC_ATTEMPTS = 3


def default_db_path() -> Path:
    """`studyplan.db` in the per-user application folder (created on first use)."""
    import click

    folder = Path(click.get_app_dir("studyplan"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "studyplan.db"


def describe_error(exc: BaseException) -> str:
    """One line for a failure no use case expected (the CLI's last guard)."""
    from studyplan.db.engine import describe_error as describe

    return describe(exc)


@dataclass
class Unit:
    """One use case's transaction: the session, the learner (None if not on the database
    and not created) and what the deck sync changed (None when not synced)."""

    db: Session
    learner_id: int | None
    synced: SyncResult | None


@dataclass
class Workspace:
    db: str | None = None
    decks: str | None = None
    today: date = field(default_factory=date.today)
    learner: str = "default"

    @cached_property
    def decks_dir(self) -> Path:
        from studyplan.decks import shipped_decks_dir

        return Path(self.decks).expanduser() if self.decks else shipped_decks_dir()

    @cached_property
    def db_location(self) -> str:
        return self.db or str(default_db_path())

    def load_catalog(self) -> tuple[Catalog, list[Problem]]:
        """The catalog and every problem found in the decks folder."""
        from studyplan.decks import COURSES_FILE, load_catalog, shipped_decks_dir

        return load_catalog(self.decks_dir, fallback_courses=shipped_decks_dir() / COURSES_FILE)

    @cached_property
    def catalog(self) -> Catalog:
        """The catalog as synced into the database (reading only the deck files that
        changed); refuses decks with problems, naming the first and the count.

        Without a database yet, the decks are read in full and no database is made: a
        command that then fails on its input leaves nothing behind.
        """
        from studyplan.db.engine import database_url, sqlite_path

        path = sqlite_path(database_url(self.db_location))
        if path is not None and not path.exists():
            from studyplan.deck_sync import refuse

            catalog, problems = self.load_catalog()
            refuse(problems)
            return catalog
        current = self.__dict__.get("_current")
        if current is not None:  # asked inside a unit: sync in its transaction (a second would wait on it)
            self._sync(current)
        else:
            with self.unit(create_learner=False):
                pass  # the sync sets it
        return self.__dict__["catalog"]

    def _sync(self, session: Session) -> SyncResult:
        from studyplan.deck_sync import sync_decks
        from studyplan.decks import COURSES_FILE, shipped_decks_dir

        catalog, synced = sync_decks(session, self.decks_dir, shipped_decks_dir() / COURSES_FILE, self.now())
        self.__dict__.setdefault("catalog", catalog)
        return synced

    def exam(self, exam_id: str) -> Exam:
        """The exam with this id, or a clear error listing the known ones."""
        try:
            return self.catalog.exam(exam_id)
        except KeyError:
            known = ", ".join(sorted(self.catalog.exams)) or "none"
            raise StudyplanError(f"unknown exam '{exam_id}' (known exams: {known})") from None

    @cached_property
    def _sessions(self) -> sessionmaker[Session]:
        from studyplan.db.engine import open_database

        self._engine, sessions = open_database(self.db_location)
        return sessions

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits as a whole or not at all (one review grade, say)."""
        from studyplan.db.engine import translate_errors

        with translate_errors(self.db_location):
            with self._sessions.begin() as session:
                self.__dict__["_current"] = session
                try:
                    yield session
                finally:
                    self.__dict__["_current"] = None

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
        from studyplan.db.learners import existing_learner_id, learner_id

        with translate_errors(self.db_location):
            for attempt in range(SYNC_ATTEMPTS):
                session = self._sessions()
                try:
                    session.begin()
                    synced = self._sync(session) if sync else None
                    learner = (learner_id(session, self.learner, self.now()) if create_learner
                               else existing_learner_id(session, self.learner))
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
                yield Unit(session, learner, synced)
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                self.__dict__["_current"] = None
                session.close()

    def now(self) -> datetime:
        """The current time, on the workspace's day when `--today` moved it."""
        current = datetime.now()
        return current if current.date() == self.today else datetime.combine(self.today, current.time())

    def close(self) -> None:
        """Release the database's connections."""
        if "_sessions" in self.__dict__:
            self._engine.dispose()
