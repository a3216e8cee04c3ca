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
        """The catalog; refuses decks with problems, naming the first and the count."""
        catalog, problems = self.load_catalog()
        if problems:
            more = f" (and {len(problems) - 1} more; run 'studyplan decks check')" if len(problems) > 1 else ""
            raise StudyplanError(f"{problems[0]}{more}")
        return catalog

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
        from studyplan.db.engine import open_database

        self._engine, sessions = open_database(self.db_location)
        return sessions

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits as a whole or not at all (one review grade, say)."""
        from studyplan.db.engine import translate_errors

        with translate_errors(self.db_location):
            with self._sessions.begin() as session:
                yield session

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

        from studyplan.db.cards import sync_catalog
        from studyplan.db.engine import translate_errors
        from studyplan.db.learners import existing_learner_id, learner_id

        catalog = self.catalog if sync else None
        with translate_errors(self.db_location):
            for attempt in range(SYNC_ATTEMPTS):
                session = self._sessions()
                try:
                    session.begin()
                    synced = sync_catalog(session, catalog, self.now()) if catalog is not None else None
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
            try:
                yield Unit(session, learner, synced)
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    def now(self) -> datetime:
        """The current time, on the workspace's day when `--today` moved it."""
        current = datetime.now()
        return current if current.date() == self.today else datetime.combine(self.today, current.time())

    def close(self) -> None:
        """Release the database's connections."""
        if "_sessions" in self.__dict__:
            self._engine.dispose()
