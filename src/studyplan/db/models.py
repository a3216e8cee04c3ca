"""SQLAlchemy 2.x typed models: the schema that Alembic migrations create and upgrade.

Decks (exams, domains, cards) are shared; everything a learner does (card state, the
review log, plans) is keyed by learner, so one PostgreSQL database can hold a cohort.
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
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


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
    domains: Mapped[list[DomainRow]] = relationship(back_populates="exam", order_by="DomainRow.position")


class DomainRow(Base):
    __tablename__ = "domain"
    __table_args__ = (UniqueConstraint("exam_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[str] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)
    exam: Mapped[ExamRow] = relationship(back_populates="domains")


class CardRow(Base):
    __tablename__ = "card"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    exam_id: Mapped[str] = mapped_column(ForeignKey("exam.id"), index=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("domain.id"), index=True)
    front: Mapped[str] = mapped_column(Text)
    back: Mapped[str] = mapped_column(Text)
    style: Mapped[str] = mapped_column(String(16), default="recall")
    tags: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
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
    card_id: Mapped[str] = mapped_column(ForeignKey("card.id"), primary_key=True)
    easiness: Mapped[float] = mapped_column(Float, default=2.5)
    interval: Mapped[int] = mapped_column(Integer, default=0)
    repetitions: Mapped[int] = mapped_column(Integer, default=0)
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    leech: Mapped[bool] = mapped_column(Boolean, default=False)
    introduced_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class ReviewLog(Base):
    """Append-only: one row per graded review, with the state the grade produced.

    The `prev_*` columns hold the state before the grade, so an undo restores it exactly.
    Practice rows (same-day re-asks) record the grade but never change the schedule.
    """

    __tablename__ = "review_log"
    __table_args__ = (Index("ix_review_log_learner_day", "learner_id", "review_day"),
                      # covers reviews per day (practice left out: `stats`, the streak after `review`),
                      # the learner's retention and retention per domain (`stats`, `today`'s readiness)
                      Index("ix_review_log_learner_practice_day", "learner_id", "practice", "review_day",
                            "prev_repetitions", "grade", "card_id"))

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id", ondelete="CASCADE"))
    card_id: Mapped[str] = mapped_column(ForeignKey("card.id"), index=True)
    reviewed_at: Mapped[datetime] = mapped_column(DateTime)
    review_day: Mapped[date] = mapped_column(Date)
    grade: Mapped[int] = mapped_column(Integer)
    practice: Mapped[bool] = mapped_column(Boolean, default=False)
    easiness: Mapped[float] = mapped_column(Float)
    interval: Mapped[int] = mapped_column(Integer)
    repetitions: Mapped[int] = mapped_column(Integer)
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    prev_easiness: Mapped[float | None] = mapped_column(Float, nullable=True)
    prev_interval: Mapped[int | None] = mapped_column(Integer, nullable=True)
    prev_repetitions: Mapped[int | None] = mapped_column(Integer, nullable=True)
    prev_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    prev_lapses: Mapped[int | None] = mapped_column(Integer, nullable=True)
    prev_introduced_on: Mapped[date | None] = mapped_column(Date, nullable=True)
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
    days: Mapped[list[PlanDay]] = relationship(
        back_populates="plan", order_by="PlanDay.day", cascade="all, delete-orphan"
    )


class PlanDay(Base):
    __tablename__ = "plan_day"
    __table_args__ = (UniqueConstraint("plan_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    phase: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int] = mapped_column(Integer)
    plan: Mapped[PlanRow] = relationship(back_populates="days")
    tasks: Mapped[list[PlanTask]] = relationship(
        back_populates="plan_day", order_by="PlanTask.position", cascade="all, delete-orphan"
    )


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
    plan_day: Mapped[PlanDay] = relationship(back_populates="tasks")


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
