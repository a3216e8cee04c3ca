"""The plan's data: typed tasks, days, the plan, the request and what is already done.

Pure values with no I/O. A task says what to do in typed fields (its kind, domain, course
and module); the words a learner reads are made by the renderers (`plan_views.task_title`)
and never parsed back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from studyplan.errors import StudyplanError
from studyplan.sm2 import Sm2State


class TaskKind(StrEnum):
    """What a planned task asks the learner to do."""

    COURSE = "course"
    NEW_CARDS = "new_cards"
    REVIEWS = "reviews"
    DRILL = "drill"
    PRACTICE_EXAM = "practice_exam"
    REST = "rest"          # not a study weekday
    DAY_OFF = "day_off"    # a study weekday the learner took off
    FREE = "free"          # a study day with nothing planned
    EXAM = "exam"


# Kinds that take study time; the others mark what kind of day it is.
STUDY_KINDS = frozenset({TaskKind.COURSE, TaskKind.NEW_CARDS, TaskKind.REVIEWS, TaskKind.DRILL,
                         TaskKind.PRACTICE_EXAM})
# The order tasks are listed in within a day.
TASK_ORDER = (TaskKind.REVIEWS, TaskKind.COURSE, TaskKind.NEW_CARDS, TaskKind.DRILL, TaskKind.PRACTICE_EXAM,
              TaskKind.REST, TaskKind.DAY_OFF, TaskKind.FREE, TaskKind.EXAM)
PHASES = ("foundations", "core", "domains", "final_review", "exam")

LENGTH_NAMES = {"experienced": "4-8 weeks", "pivoting": "3-6 months"}
LENGTH_REASON = (
    "candidates with working ML knowledge report 4-8 weeks of focused study; pivoting from "
    "non-ML backgrounds takes 3-6 months, including foundations"
)
DEFAULT_MINUTES_PER_DAY = 60
MINUTES_RANGE = (10, 720)
BACKGROUNDS = ("experienced", "pivoting")


@dataclass(frozen=True)
class Task:
    """One planned task. ``module`` is the 1-based module number within ``course_id``;
    ``continued`` marks a module started on an earlier day; ``label`` is kept only for
    tasks of plans stored before tasks were typed (renderers show it as it was)."""

    kind: TaskKind
    minutes: int = 0
    count: int = 0
    domain: str = ""
    course_id: str = ""
    module: int = 0
    continued: bool = False
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": str(self.kind), "minutes": self.minutes, "count": self.count, "domain": self.domain,
                "course_id": self.course_id, "module": self.module, "continued": self.continued}


@dataclass(frozen=True)
class Day:
    date: date
    phase: str
    tasks: tuple[Task, ...]

    @property
    def minutes(self) -> int:
        """The day's total: the sum of its tasks' minutes."""
        return sum(t.minutes for t in self.tasks)

    @property
    def is_study_day(self) -> bool:
        """True for a date the learner studies on (not a rest day, day off or the exam)."""
        return not any(t.kind in (TaskKind.REST, TaskKind.DAY_OFF, TaskKind.EXAM) for t in self.tasks)

    def count(self, kind: TaskKind) -> int:
        """The total ``count`` of the day's tasks of *kind*."""
        return sum(t.count for t in self.tasks if t.kind == kind)


@dataclass(frozen=True)
class Plan:
    exam: str
    background: str
    start: date
    exam_date: date
    minutes_per_day: int
    study_weekdays: tuple[int, ...]
    days_off: tuple[date, ...]
    days: tuple[Day, ...]
    long_days: tuple[int, ...] = ()
    new_cards_limit: int | None = None
    skip_courses: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def day(self, when: date) -> Day | None:
        """The plan's day on *when*, or None outside the plan."""
        index = (when - self.start).days
        if 0 <= index < len(self.days) and self.days[index].date == when:
            return self.days[index]
        return next((d for d in self.days if d.date == when), None)

    def phase_on(self, when: date) -> str:
        """The plan's phase on *when*: before the plan, a phase name, or after the exam."""
        if when < self.start:
            return "before the plan"
        if when > self.exam_date:
            return "after the exam"
        day = self.day(when)
        return day.phase if day is not None and day.phase in PHASES else "domains"

    def total(self, kind: TaskKind, before: date | None = None) -> int:
        """The total count of tasks of *kind*, on days before *before* when given."""
        return sum(d.count(kind) for d in self.days if before is None or d.date < before)


@dataclass(frozen=True)
class Request:
    """What the learner asks for: the plan's options."""

    background: str
    start: date
    exam_date: date | None = None
    minutes_per_day: int = DEFAULT_MINUTES_PER_DAY
    study_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    days_off: tuple[date, ...] = ()
    long_days: tuple[int, ...] = ()
    new_cards_limit: int | None = None
    skip_courses: tuple[str, ...] = ()
    force: bool = False


@dataclass(frozen=True)
class Progress:
    """What is already done, for a replan (empty for a new plan).

    ``introduced``: domain id -> cards introduced (exam and foundations decks; their ids
    differ). ``states``: the SM-2 states of the introduced cards, and ``state_domains``
    the domain of each (so drills go to exam domains only). ``course_minutes``:
    (course id, module number) -> minutes done; a module whose minutes are all done is
    finished. ``practice_exams``: timed practice exams already sat.
    """

    introduced: Mapping[str, int] = field(default_factory=dict)
    states: tuple[Sm2State, ...] = ()
    course_minutes: Mapping[tuple[str, int], int] = field(default_factory=dict)
    practice_exams: int = 0
    state_domains: tuple[str, ...] = ()


class PlanError(StudyplanError):
    """A plan that cannot be made as asked; the message says why and what to do.

    ``remedies`` are changes that were planned and fit, as (option text, description);
    ``reason`` is the message without them, for a caller that words them its own way.
    """

    def __init__(self, message: str, remedies: tuple[tuple[str, str], ...] = (), shortfall: int = 0,
                 reason: str = ""):
        super().__init__(message)
        self.remedies = remedies
        self.shortfall = shortfall
        self.reason = reason or message


class ReplanError(PlanError):
    """What is left cannot fit in the days left before the exam."""
