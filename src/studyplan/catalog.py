"""The catalog: exams, their domains and cards, and the courses a plan schedules.

Plain frozen dataclasses with no I/O; `decks` builds them from files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

BACKGROUNDS = ("experienced", "pivoting")
STATUSES = ("active", "retiring", "retired")
CARD_STYLES = ("scenario", "recall")


@dataclass(frozen=True, slots=True)
class Domain:
    id: str
    name: str
    weight: float
    weight_range: tuple[float, float] | None = None
    line: int = 0  # of its `id` in exam.toml, for problems about the domain


@dataclass(frozen=True, slots=True)
class Rename:
    """A product the provider renamed: cards should say *new* from *date* on."""

    old: str
    new: str
    date: date
    ref: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class DeckFile:
    """One NN-<domain>.toml file and the day its cards were last checked against the sources."""

    domain: str
    file: str
    verified: date | None = None
    line: int = 0  # of `verified`, or of `domain` when it has none


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    exam: str
    domain: str
    front: str
    back: str
    style: str = "recall"
    tags: tuple[str, ...] = ()
    ref: str = ""
    file: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Exam:
    id: str
    name: str
    provider: str
    domains: tuple[Domain, ...]
    kind: str = "exam"
    short_name: str = ""
    code: str = ""
    duration_minutes: int = 0
    questions: str = ""
    price_usd: float = 0
    passing_score: str = ""
    guide_version: str = ""
    guide_date: date | None = None
    guide_url: str = ""
    status: str = "active"
    retirement_date: date | None = None
    successor: str = ""
    card_prefix: str = ""
    notes: str = ""
    cards: tuple[Card, ...] = ()
    renames: tuple[Rename, ...] = ()
    deck_files: tuple[DeckFile, ...] = ()
    file: str = ""  # exam.toml as `decks check` names it
    # (domain id, style, cards): the counts when the cards themselves were not read (a
    # catalog rebuilt from the deck files remembered in the database carries no cards).
    tally: tuple[tuple[str, str, int], ...] = ()
    # (domain id, style, cards) imported from Anki: held in the database, not in deck files,
    # but the exam's cards all the same (counted, planned and reviewed).
    imported: tuple[tuple[str, str, int], ...] = ()

    def domain(self, domain_id: str) -> Domain:
        """The domain with this id; KeyError if the exam has none."""
        for d in self.domains:
            if d.id == domain_id:
                return d
        raise KeyError(domain_id)

    def _tally(self) -> tuple[tuple[str, str, int], ...]:
        if self.cards or not self.tally:
            return tuple((c.domain, c.style, 1) for c in self.cards) + self.imported
        return self.tally + self.imported

    def card_counts(self, style: str | None = None) -> dict[str, int]:
        """Cards (of *style*, or all) per domain id, in the guide's order, zeros included."""
        counts = {d.id: 0 for d in self.domains}
        for domain, card_style, n in self._tally():
            if style is None or card_style == style:
                counts[domain] = counts.get(domain, 0) + n
        return counts

    @property
    def card_total(self) -> int:
        """How many cards the exam has (read or tallied)."""
        return sum(n for _, _, n in self._tally())

    def verified(self, domain_id: str) -> date | None:
        """When every file of the domain was last checked: the oldest date, None if one has none."""
        dates = [f.verified for f in self.deck_files if f.domain == domain_id]
        if not dates or None in dates:
            return None
        return min(d for d in dates if d is not None)

    def retired_by(self, day: date) -> bool:
        """True when the exam can no longer be sat on *day*."""
        if self.status == "retired" and self.retirement_date is None:
            return True
        return self.retirement_date is not None and day > self.retirement_date


@dataclass(frozen=True, slots=True)
class Module:
    title: str
    hours: float
    teaches: tuple[str, ...] = ()  # "exam-id/domain-id" of the exam domains it teaches

    @property
    def minutes(self) -> int:
        """The module's length in whole minutes, rounded up (float noise adds none)."""
        return math.ceil(round(self.hours * 60, 9))


@dataclass(frozen=True, slots=True)
class Course:
    id: str
    title: str
    provider: str
    phase: str
    order: int
    backgrounds: tuple[str, ...]
    hours: float
    url: str = ""
    modules: tuple[Module, ...] = ()


@dataclass(frozen=True, slots=True)
class Catalog:
    exams: dict[str, Exam] = field(default_factory=dict)
    courses: tuple[Course, ...] = ()

    def exam(self, exam_id: str) -> Exam:
        """The exam with this id, or KeyError."""
        return self.exams[exam_id]

    def courses_for(self, background: str) -> tuple[Course, ...]:
        """The courses a learner with *background* takes, in the article's order."""
        return tuple(sorted((c for c in self.courses if background in c.backgrounds), key=lambda c: c.order))
