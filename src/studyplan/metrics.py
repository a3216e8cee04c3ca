"""The rules several parts share, each written once: readiness, maturity, leeches,
re-asks and splitting by exam weight. Pure functions over plain values.

Readiness is the predicted recall on a day (the exam day when there is one), weighted by
the exam guide's domains. The forgetting model: a card's recall decays exponentially
since its last review, and its SM-2 interval is the point where recall has fallen to the
learner's retention at due time (:data:`TARGET_RETENTION`, 0.9, until the learner's own
reviews say otherwise):

    recall(t) = retention ** (t / interval),   t = days since the last review

So a card reviewed yesterday with a 30-day interval counts about 1.0, a card due today
about 0.9, a card twice its interval overdue about 0.81. A card never introduced counts 0.
The learner's retention is the share of their last :data:`RETENTION_WINDOW` reviews of
learned cards passed (grade >= 3), shrunk toward 0.9 by :data:`RETENTION_PRIOR_WEIGHT`
pseudo-reviews: recent reviews say how the learner remembers now, and a bounded window
keeps the figure a few milliseconds at a million logged reviews.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

MATURE_DAYS = 21          # Anki's threshold: an interval of 21 days or more is mature
LEECH_LAPSES = 8          # Anki's default leech threshold
REASK_BELOW = 4           # SM-2: grades below 4 are asked again the same day
PASS_GRADE = 3
TARGET_RETENTION = 0.9
RETENTION_PRIOR_WEIGHT = 20
RETENTION_WINDOW = 5000    # reviews of learned cards the retention is measured over

K = TypeVar("K", str, int)  # what a weight split is keyed by: domain ids or slot numbers


def is_mature(interval: int) -> bool:
    """True for an SM-2 interval of 21 days or more."""
    return interval >= MATURE_DAYS


def is_leech(lapses: int) -> bool:
    """True once a card has lapsed (graded below 3) eight times."""
    return lapses >= LEECH_LAPSES


def needs_reask(grade: int) -> bool:
    """True when a grade asks for the card again at the end of the same day's session."""
    return grade < REASK_BELOW


def retention(reviews: int, passed: int) -> float:
    """The learner's recall at due time, from reviews of learned cards, shrunk to 0.9."""
    return (passed + RETENTION_PRIOR_WEIGHT * TARGET_RETENTION) / (reviews + RETENTION_PRIOR_WEIGHT)


def card_recall(interval: int, due: date | None, on: date, base: float = TARGET_RETENTION) -> float:
    """Predicted recall on day *on* of a card with SM-2 *interval* and *due* day (1 before
    its last review is over, 0 for a card with no interval yet).

    The store sums this same curve per domain in SQL (``db.history.recall_by_domain``);
    a test holds the two equal."""
    if due is None or interval <= 0:
        return 0.0
    last = due.toordinal() - interval
    elapsed = max(0, on.toordinal() - last)
    return float(base ** (elapsed / interval))


@dataclass(frozen=True, slots=True)
class DomainRecall:
    """A domain's active cards (suspended and retired left out) and the sum of their
    predicted recall on the readiness day (never-introduced cards add 0)."""

    cards: int
    recall: float


_NO_CARDS = DomainRecall(0, 0.0)


def readiness(domains: Mapping[str, DomainRecall], weights: Mapping[str, float]) -> tuple[float, dict[str, float]]:
    """(exam readiness, per-domain readiness) over the domains *weights* names: mean
    predicted recall over each domain's cards, weighted by the exam guide's weights (a
    domain with no cards, or none in *domains*, does not count)."""
    found = {d: domains.get(d, _NO_CARDS) for d in weights}
    per_domain = {d: (r.recall / r.cards) if r.cards else 0.0 for d, r in found.items()}
    counted = [d for d, r in found.items() if r.cards]
    weight = sum(weights.get(d, 0.0) for d in counted)
    if weight <= 0:
        return 0.0, per_domain
    return sum(weights.get(d, 0.0) * per_domain[d] for d in counted) / weight, per_domain


def split_by_weight(total: int, weights: Mapping[K, float]) -> dict[K, int]:
    """Split *total* over keys in proportion to weights (largest remainder, ties to the heavier)."""
    if not weights or total <= 0:
        return {k: 0 for k in weights}
    whole = sum(weights.values())
    if whole <= 0:
        weights = {k: 1.0 for k in weights}
        whole = float(len(weights))
    raw = {k: total * w / whole for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    order = sorted(weights, key=lambda k: (raw[k] - out[k], weights[k]), reverse=True)
    for k in order[: total - sum(out.values())]:
        out[k] += 1
    return out


def split_with_credit(n: int, left: Sequence[int], weights: Sequence[float], credit: list[float]) -> list[int]:
    """Share *n* items among slots with items *left*, by weight, carrying fractions.

    *credit* (one float per slot, updated in place) keeps what a slot was owed but not
    given, so over many days each slot gets its weight's share even when *n* is small.
    """
    active = [i for i, k in enumerate(left) if k > 0]
    give = [0] * len(left)
    if not active or n <= 0:
        return give
    n = min(n, sum(left))
    total_w = sum(weights[i] for i in active) or float(len(active))
    for i in active:
        share = (weights[i] / total_w) if total_w else 1 / len(active)
        credit[i] += n * share
    for _ in range(n):
        # The slot owed most (ties: the heavier, then the first), as max() over the slots with room.
        best, owed, weight = -1, 0.0, 0.0
        for i in active:
            if give[i] < left[i]:
                o = credit[i] - give[i]
                if best < 0 or o > owed or (o == owed and weights[i] > weight):
                    best, owed, weight = i, o, weights[i]
        give[best] += 1
    for i in active:
        credit[i] -= give[i]
        if left[i] - give[i] == 0:
            credit[i] = 0.0
    return give


def weight_quota(limit: int, counts: Mapping[str, int], weights: Mapping[str, float]) -> dict[str, int]:
    """At most *limit* cards over domains with *counts* cards, each domain's share as close
    to its weight as its cards allow (water-filling: a domain with too few cards gives its
    remainder to the others)."""
    quota = {d: 0 for d in counts}
    left = min(max(0, limit), sum(counts.values()))
    open_ = {d for d in counts if counts[d] > 0}
    while left > 0 and open_:
        whole = sum(max(weights.get(d, 0.0), 1e-9) for d in open_)
        share = {d: left * max(weights.get(d, 0.0), 1e-9) / whole for d in open_}
        full = {d for d in open_ if quota[d] + share[d] >= counts[d]}
        if full:
            for d in full:
                left -= counts[d] - quota[d]
                quota[d] = counts[d]
            open_ -= full
            continue
        extra = split_by_weight(left, {d: max(weights.get(d, 0.0), 1e-9) for d in open_})
        for d, k in extra.items():
            quota[d] += k
        left = 0
    return quota


def streak(days_reviewed: set[date], today: date) -> int:
    """Consecutive days with at least one review, ending today (or yesterday if none yet today)."""
    day = today if today in days_reviewed else today - timedelta(days=1)
    count = 0
    while day in days_reviewed:
        count += 1
        day -= timedelta(days=1)
    return count
