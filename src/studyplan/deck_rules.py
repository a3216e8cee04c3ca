"""The warnings `decks check` gives on decks that loaded: rules about currency and balance.

Errors (decks.load_catalog) stop the decks from loading; these warnings do not: a deck
that names a renamed product or drifts from its guide's weights still teaches. Pure:
no I/O, `today` is an argument.

Rules:
- a card that uses a renamed product's old name without its new one, on or after the
  rename date (front and back together; see `renames` for the matching);
- a card of an exam deck (kind "exam") without a `ref`, or with one that is not an
  https:// URL;
- a domain file of an exam deck without a `verified` date, or with one after today;
- a domain whose share of its exam's cards is more than 5 percentage points from its
  weight (every deck, foundations included: the planner splits work by these weights).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from studyplan.catalog import Catalog, Exam
from studyplan.decks import Problem
from studyplan.renames import outdated

SHARE_TOLERANCE = 0.05   # a domain's share of the cards may differ from its weight by this much
_EPSILON = 1e-9          # so that exactly 5 points (in floating point) is not "more than 5"


def deck_warnings(catalog: Catalog, today: date) -> list[Problem]:
    """Every warning for the catalog's decks, by file and line."""
    found: list[Problem] = []
    for exam in catalog.exams.values():
        found += _share_warnings(exam)
        found += _card_warnings(exam, today)
        if exam.kind == "exam":
            found += _verified_warnings(exam, today)
    return sorted(found, key=lambda p: (p.file, p.line, p.message))


def _warn(file: str, line: int, message: str) -> Problem:
    return Problem(file, line, message, warning=True)


def _card_warnings(exam: Exam, today: date) -> list[Problem]:
    found = []
    for card in exam.cards:
        for r in outdated(f"{card.front}\n{card.back}", exam.renames, today):
            found.append(_warn(card.file, card.line, f"card '{card.id}' says '{r.old}' but not '{r.new}' "
                                                     f"(renamed {r.date.isoformat()})"))
        if exam.kind != "exam":
            continue
        if not card.ref.strip():
            found.append(_warn(card.file, card.line, f"card '{card.id}' has no ref (the provider's page for its claim)"))
        elif not card.ref.startswith("https://"):
            found.append(_warn(card.file, card.line, f"card '{card.id}' ref is not an https:// URL"))
    return found


def _verified_warnings(exam: Exam, today: date) -> list[Problem]:
    found = []
    for f in exam.deck_files:
        if f.verified is None:
            found.append(_warn(f.file, f.line, f"domain '{f.domain}' has no 'verified' date "
                                               f"(the day its cards were last checked against the provider's documentation)"))
        elif f.verified > today:
            found.append(_warn(f.file, f.line, f"verified date {f.verified.isoformat()} is after today ({today.isoformat()})"))
    return found


def _share_warnings(exam: Exam) -> list[Problem]:
    total = len(exam.cards)
    if not total:
        return []
    counts = exam.card_counts()
    found = []
    for d in exam.domains:
        share = counts.get(d.id, 0) / total
        if abs(share - d.weight) > SHARE_TOLERANCE + _EPSILON:
            found.append(_warn(exam.file, d.line, f"domain '{d.id}' has {share:.1%} of the exam's cards "
                                                  f"({counts.get(d.id, 0)} of {total}) against a weight of {d.weight:.1%}: "
                                                  f"more than {round(SHARE_TOLERANCE * 100)} points apart"))
    return found


@dataclass(frozen=True, slots=True)
class StaleDomain:
    exam: str
    domain: str
    file: str
    verified: date | None
    age_days: int | None  # None: never verified


def stale_domains(catalog: Catalog, today: date, days: int) -> list[StaleDomain]:
    """Exam decks' domain files verified more than *days* days before *today*, or never;
    never-verified first, then oldest first."""
    found = []
    for exam in catalog.exams.values():
        if exam.kind != "exam":
            continue
        for f in exam.deck_files:
            age = (today - f.verified).days if f.verified else None
            if age is None or age > days:
                found.append(StaleDomain(exam.id, f.domain, f.file, f.verified, age))
    return sorted(found, key=lambda s: (s.verified or date.min, s.exam, s.file))
