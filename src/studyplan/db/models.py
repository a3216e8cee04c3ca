"""SQLAlchemy 2.x typed models: the schema that Alembic migrations create and upgrade.

Decks (exams, domains, cards) are shared; everything a learner does (card state, the
review log, plans) is keyed by learner, so one PostgreSQL database can hold a cohort.
There are no ORM relationships: the store reads with explicit selects and the database's
ON DELETE CASCADE removes children, which keeps mapper set-up short on every command.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from studyplan.db.sql import as_day, day_number, epoch_millis, from_epoch_millis, from_per_mille, per_mille


class DayNumber(TypeDecorator):
    """A `date` stored as its day number since 1970-01-01 (2 bytes in SQLite, not 10 of text).

    Comparisons with dates bind through the same conversion, so queries read as before.
    """

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else day_number(value)

    def process_result_value(self, value, dialect):
        return as_day(value)


class EpochMillis(TypeDecorator):
    """A naive `datetime` stored as whole milliseconds since 1970-01-01 00:00 of the same clock
    (no time zone is implied or converted: the value read back is the value written, to the
    millisecond)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else epoch_millis(value)

    def process_result_value(self, value, dialect):
        return None if value is None else from_epoch_millis(value)


class PerMille(TypeDecorator):
    """An SM-2 E-Factor stored as a whole number of thousandths.

    Exact for every E-Factor studyplan makes: 2.5 moved by SM-2's steps (multiples of 0.02,
    floored at 1.3) or an Anki ease factor (itself in thousandths). The float read back is
    the nearest double to that decimal, so it can differ from a float sum of the steps in
    the last bit only; SM-2 rounds interval products to 9 decimals before ceil, so no
    interval changes.
    """

    impl = SmallInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else per_mille(value)

    def process_result_value(self, value, dialect):
        return None if value is None else from_per_mille(value)


class Base(DeclarativeBase):
    pass


class Learner(Base):
    __tablename__ = "learner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ExamRow(Base):
    __tablename__ = "exam"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="exam")
    status: Mapped[str] = mapped_column(String(16), default="active")


class DomainRow(Base):
    __tablename__ = "domain"
    __table_args__ = (UniqueConstraint("exam_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[str] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)


class CardRow(Base):
    """A card of the decks. *key* is the integer the learner tables refer to it by; *id* is
    the card id people and deck files use."""

    __tablename__ = "card"
    # An exam's live cards by domain, read from the index alone (readiness, totals).
    __table_args__ = (Index("ix_card_exam_live", "exam_id", "retired_at", "domain_id"),)

    key: Mapped[int] = mapped_column(primary_key=True)
    id: Mapped[str] = mapped_column(String(120), unique=True)
    exam_id: Mapped[str] = mapped_column(ForeignKey("exam.id"))
    domain_id: Mapped[int] = mapped_column(ForeignKey("domain.id"), index=True)
    front: Mapped[str] = mapped_column(Text)
    back: Mapped[str] = mapped_column(Text)
    style: Mapped[str] = mapped_column(String(16), default="recall")
    tags: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="", index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    retired_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class DeckFileRow(Base):
    """A deck file as last read: its stat and hash, and what the catalog needs from it.

    *role* is "exam" (an exam.toml) or "cards" (an NN-<domain>.toml). *version* is the
    package version for the shipped decks, which are trusted unchanged until it changes.
    """

    __tablename__ = "deck_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(1000), unique=True)
    exam_id: Mapped[str] = mapped_column(String(64), index=True)
    label: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(8))
    domain: Mapped[str] = mapped_column(String(64), default="", server_default="")
    verified: Mapped[date | None] = mapped_column(Date, nullable=True)
    line: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    digest: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(40), default="", server_default="")
    first_position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cards: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    scenarios: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CardState(Base):
    """One learner's SM-2 state of one card; absent until the card is first introduced."""

    __tablename__ = "card_state"
    __table_args__ = (Index("ix_card_state_due", "learner_id", "due"),
                      Index("ix_card_state_introduced", "learner_id", "introduced_on"))

    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id", ondelete="CASCADE"), primary_key=True)
    card_key: Mapped[int] = mapped_column(ForeignKey("card.key"), primary_key=True)
    easiness: Mapped[float] = mapped_column(PerMille, default=2.5)
    interval: Mapped[int] = mapped_column(Integer, default=0)
    repetitions: Mapped[int] = mapped_column(Integer, default=0)
    due: Mapped[date | None] = mapped_column(DayNumber, nullable=True)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    leech: Mapped[bool] = mapped_column(Boolean, default=False)
    introduced_on: Mapped[date | None] = mapped_column(DayNumber, nullable=True)


class ReviewLog(Base):
    """Append-only: one row per graded review, with the state the grade produced.

    The `prev_*` columns hold the state before the grade, so an undo restores it exactly.
    Practice rows (same-day re-asks) record the grade but never change the schedule.
    """

    __tablename__ = "review_log"
    # One index for every history query: reviews per day (practice left out: `stats`, the
    # streak after `review`), the learner's retention and retention per domain (`stats`,
    # `today`'s readiness), today's re-asks and drills (practice IN (false, true) walks
    # both halves). Nothing looks reviews up by card, and cards are never deleted.
    __table_args__ = (Index("ix_review_log_learner_practice_day", "learner_id", "practice", "review_day",
                            "prev_repetitions", "grade", "card_key"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id", ondelete="CASCADE"))
    card_key: Mapped[int] = mapped_column(ForeignKey("card.key"))
    reviewed_at: Mapped[datetime] = mapped_column(EpochMillis)
    review_day: Mapped[date] = mapped_column(DayNumber)
    grade: Mapped[int] = mapped_column(SmallInteger)
    practice: Mapped[bool] = mapped_column(Boolean, default=False)
    easiness: Mapped[float] = mapped_column(PerMille)
    interval: Mapped[int] = mapped_column(Integer)
    repetitions: Mapped[int] = mapped_column(Integer)
    due: Mapped[date | None] = mapped_column(DayNumber, nullable=True)
    prev_easiness: Mapped[float | None] = mapped_column(PerMille, nullable=True)
    prev_interval: Mapped[int | None] = mapped_column(Integer, nullable=True)
    prev_repetitions: Mapped[int | None] = mapped_column(Integer, nullable=True)
    prev_due: Mapped[date | None] = mapped_column(DayNumber, nullable=True)
    prev_lapses: Mapped[int | None] = mapped_column(Integer, nullable=True)
    prev_introduced_on: Mapped[date | None] = mapped_column(DayNumber, nullable=True)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    drill: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class PlanRow(Base):
    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id", ondelete="CASCADE"), index=True)
    exam_id: Mapped[str] = mapped_column(ForeignKey("exam.id"))
    background: Mapped[str] = mapped_column(String(16))
    start: Mapped[date] = mapped_column(Date)
    exam_date: Mapped[date] = mapped_column(Date)
    minutes_per_day: Mapped[int] = mapped_column(Integer)
    study_days: Mapped[str] = mapped_column(String(40))
    days_off: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    long_days: Mapped[str] = mapped_column(String(40), default="", server_default="")
    new_cards_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    skip_courses: Mapped[str] = mapped_column(Text, default="", server_default="")
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")


class PlanDay(Base):
    __tablename__ = "plan_day"
    __table_args__ = (UniqueConstraint("plan_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    phase: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int] = mapped_column(Integer)


class PlanTask(Base):
    __tablename__ = "plan_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_day_id: Mapped[int] = mapped_column(ForeignKey("plan_day.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    domain: Mapped[str] = mapped_column(String(64), default="")
    count: Mapped[int] = mapped_column(Integer, default=0)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    course_id: Mapped[str] = mapped_column(String(64), default="", server_default="")
    module: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    continued: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CourseLog(Base):
    """Course minutes (and practice exams) a learner checked off, one row per day and module."""

    __tablename__ = "course_log"
    __table_args__ = (UniqueConstraint("learner_id", "day", "course_id", "module"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    course_id: Mapped[str] = mapped_column(String(64))
    module: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
