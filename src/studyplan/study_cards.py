"""Use cases for single cards: suspended cards, unsuspending them, and today's pending re-asks.

Kept apart from `study` (being rewritten) so the two change independently; each function
is one transaction and returns typed values, like the functions of `study`.
"""

from __future__ import annotations

from dataclasses import dataclass

from studyplan.db.reviews import QueueCard, SuspendedCard
from studyplan.errors import StudyplanError


@dataclass(frozen=True)
class SuspendedReport:
    cards: list[SuspendedCard]

    def to_list(self) -> list[dict]:
        """The cards as JSON-ready records (front in full)."""
        return [{"id": c.card_id, "exam": c.exam, "domain": c.domain, "front": c.front} for c in self.cards]


@dataclass(frozen=True)
class UnsuspendReport:
    card_ids: list[str]


def suspended(ws) -> SuspendedReport:
    """The learner's suspended cards (none for a learner not on the database yet)."""
    from studyplan.db.reviews import suspended_cards

    learner = ws.existing_learner_id()
    if learner is None:
        return SuspendedReport([])
    with ws.transaction() as db:
        return SuspendedReport(suspended_cards(db, learner))


def unsuspend(ws, card_ids: list[str]) -> UnsuspendReport:
    """Put suspended cards back in the queues, all or none: an unknown or unsuspended id changes nothing."""
    from studyplan.db.reviews import suspension_status, unsuspend_card

    ids = list(dict.fromkeys(card_ids))
    learner = ws.existing_learner_id()  # None: nothing is suspended, so every id is refused below
    with ws.transaction() as db:
        status = suspension_status(db, learner, ids)
        problems = [f"unknown card '{cid}'" if found is None else f"card '{cid}' is not suspended"
                    for cid, found in status.items() if not found]
        if problems:
            raise StudyplanError("; ".join(problems) + "; nothing changed")
        for cid in ids:
            unsuspend_card(db, learner, cid)
    return UnsuspendReport(ids)


# Issue 10: re-asks survive a restart of `review` on the same day. The review command calls
# this beside `study.review_queue` (left untouched while it is being rewritten).
def pending_reasks(ws, domain: str | None = None, new_only: bool = False) -> list[QueueCard]:
    """Today's cards still waiting for a re-ask (last graded below 4 today), for `review`.

    None with --new-only (re-asks are not new cards); --domain keeps that domain's only.
    """
    from studyplan.db.reviews import pending_reasks as query

    learner = ws.existing_learner_id()
    if new_only or learner is None:
        return []
    with ws.transaction() as db:
        cards = query(db, learner, ws.today)
    from studyplan.study import shown_with_current_names

    return shown_with_current_names(ws, [c for c in cards if domain is None or c.domain == domain])


def suspended_text(report: SuspendedReport, width: int = 80) -> str:
    """One line per card: id, exam, domain, and the front cut to fit *width* columns."""
    from studyplan.decks import one_line

    if not report.cards:
        return "No suspended cards."
    cols = [["card", "exam", "domain"]] + [[one_line(c.card_id), one_line(c.exam), one_line(c.domain)]
                                           for c in report.cards]
    fronts = ["front"] + [one_line(" ".join(c.front.split())) for c in report.cards]
    widths = [max(len(row[i]) for row in cols) for i in range(3)]
    lines = []
    for row, front in zip(cols, fronts):
        head = "  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  "
        room = max(width - len(head), 10)
        if len(front) > room:
            front = front[: room - 1] + "…"
        lines.append(head + front)
    return "\n".join(lines)
