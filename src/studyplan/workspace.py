"""The workspace a command runs in: which database, which decks, which day, which learner.

It opens the database and reads the decks lazily, once per command, and keeps the
database in step with the decks before any command that reads cards.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Iterator

from studyplan.errors import StudyplanError


SYNC_ATTEMPTS = 3


def default_db_path() -> Path:
    """`studyplan.db` in the per-user application folder (created on first use)."""
    import click

    folder = Path(click.get_app_dir("studyplan"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "studyplan.db"


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

    def load_catalog(self):
        """The catalog and every problem found in the decks folder."""
        from studyplan.decks import COURSES_FILE, load_catalog, shipped_decks_dir

        return load_catalog(self.decks_dir, fallback_courses=shipped_decks_dir() / COURSES_FILE)

    @cached_property
    def catalog(self):
        """The catalog; refuses decks with problems, naming the first and the count."""
        catalog, problems = self.load_catalog()
        if problems:
            more = f" (and {len(problems) - 1} more; run 'studyplan decks check')" if len(problems) > 1 else ""
            raise StudyplanError(f"{problems[0]}{more}")
        return catalog

    def exam(self, exam_id: str):
        """The exam with this id, or a clear error listing the known ones."""
        try:
            return self.catalog.exam(exam_id)
        except KeyError:
            known = ", ".join(sorted(self.catalog.exams)) or "none"
            raise StudyplanError(f"unknown exam '{exam_id}' (known exams: {known})") from None

    @cached_property
    def _database(self):
        from studyplan.db.engine import open_database

        return open_database(self.db_location)

    @property
    def engine(self):
        return self._database[0]

    @contextmanager
    def transaction(self) -> Iterator:
        """A session whose work commits as a whole or not at all."""
        from studyplan.db.engine import translate_errors

        with translate_errors(self.db_location):
            with self._database[1].begin() as session:
                yield session

    def existing_learner_id(self) -> int | None:
        """The learner's id if the learner is already on the database; never creates one.

        Reads that fail for a new name (no plan yet) must leave the database unchanged.
        """
        if "learner_id" in self.__dict__:
            return self.learner_id
        from sqlalchemy import select

        from studyplan.db.models import Learner

        with self.transaction() as session:
            return session.scalar(select(Learner.id).where(Learner.name == self.learner))

    @cached_property
    def learner_id(self) -> int:
        from studyplan.db.store import learner_id

        with self.transaction() as session:
            return learner_id(session, self.learner, self.now())

    def now(self) -> datetime:
        """The current time, on the workspace's day when `--today` moved it."""
        current = datetime.now()
        return current if current.date() == self.today else datetime.combine(self.today, current.time())

    def sync(self):
        """Bring the database in line with the decks; returns the SyncResult.

        On a shared server database several learners' commands may sync changed decks at
        once: the first commits, the others hit its new rows' unique keys, roll back, and
        sync again, finding the work done. (SQLite serialises writers, so it never retries.)
        """
        from sqlalchemy.exc import IntegrityError

        from studyplan.db.engine import translate_errors
        from studyplan.db.store import sync_catalog

        catalog = self.catalog
        with translate_errors(self.db_location):
            for attempt in range(SYNC_ATTEMPTS):
                try:
                    with self._database[1].begin() as session:
                        return sync_catalog(session, catalog, self.now())
                except IntegrityError:
                    if attempt == SYNC_ATTEMPTS - 1:
                        raise

    def close(self) -> None:
        if "_database" in self.__dict__:
            self._database[0].dispose()
