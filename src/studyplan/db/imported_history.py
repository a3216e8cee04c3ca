"""Review history brought in from elsewhere (Anki's revlog): log rows and card states.

Idempotent: a review is known by (learner, card, reviewed at), so importing the same
history again adds nothing. A card's state is taken from the imported history only when
its last imported review is at least as recent as every review already logged for the
card, so a learner's later studyplan reviews are never overwritten by an older export.
The caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from studyplan.anki_history import CardHistory
from studyplan.db.models import CardState, Learner, ReviewLog
from studyplan.metrics import is_leech

_IN_CHUNK = 500  # card ids per IN (...): under SQLite's oldest variable limit
_LOG = cast(Table, ReviewLog.__table__)


def _logged_times(session: Session, learner_id: int, card_ids: list[str]) -> dict[str, set[datetime]]:
    found: dict[str, set[datetime]] = {}
    for start in range(0, len(card_ids), _IN_CHUNK):
        rows = session.execute(select(ReviewLog.card_id, ReviewLog.reviewed_at).where(
            ReviewLog.learner_id == learner_id, ReviewLog.card_id.in_(card_ids[start:start + _IN_CHUNK])))
        for card_id, at in rows:
            found.setdefault(card_id, set()).add(at)
    return found


def record_history(session: Session, learner_id: int, histories: list[CardHistory]) -> tuple[int, int]:
    """Log the reviews of *histories* not logged yet and schedule their cards from them.

    Returns (reviews added, reviews already there).
    """
    if session.get_bind().dialect.name != "sqlite":  # a review session of this learner waits, as for a grade
        session.execute(select(Learner.id).where(Learner.id == learner_id).with_for_update())
    logged = _logged_times(session, learner_id, [h.card_id for h in histories])
    states = {s.card_id: s for start in range(0, len(histories), _IN_CHUNK)
              for s in session.scalars(select(CardState).where(
                  CardState.learner_id == learner_id,
                  CardState.card_id.in_([h.card_id for h in histories[start:start + _IN_CHUNK]])))}
    rows: list[dict] = []
    present = 0
    for history in histories:
        known = logged.get(history.card_id, set())
        fresh = [r for r in history.reviews if r.reviewed_at not in known]
        present += len(history.reviews) - len(fresh)
        for r in fresh:
            before = r.before
            rows.append(dict(
                learner_id=learner_id, card_id=history.card_id, reviewed_at=r.reviewed_at, review_day=r.review_day,
                grade=r.grade, practice=r.practice, easiness=r.state.easiness, interval=r.state.interval,
                repetitions=r.state.repetitions, due=r.state.due,
                prev_easiness=before.easiness if before else None, prev_interval=before.interval if before else None,
                prev_repetitions=before.repetitions if before else None, prev_due=before.due if before else None,
                prev_lapses=r.lapses_before if before else None,
                prev_introduced_on=r.introduced_before if before else None,
                seconds=r.seconds, drill=False))
        new_lapses = sum(1 for r in fresh if not r.practice and r.grade < 3)
        _schedule(session, learner_id, history, states.get(history.card_id), known, new_lapses)
    rows.sort(key=lambda row: row["reviewed_at"])  # log ids in the order the reviews happened
    if rows:
        session.execute(insert(_LOG), rows)
    return len(rows), present


def _schedule(session: Session, learner_id: int, history: CardHistory, row: CardState | None,
              known: set[datetime], new_lapses: int) -> None:
    state = history.state
    values = dict(easiness=state.easiness, interval=state.interval, repetitions=state.repetitions, due=state.due)
    if row is None:
        session.add(CardState(learner_id=learner_id, card_id=history.card_id, suspended=False,
                              lapses=history.lapses, leech=is_leech(history.lapses),
                              introduced_on=history.introduced_on, **values))
        return
    last_imported = history.reviews[-1].reviewed_at
    if known and max(known) > last_imported:
        values = {}  # the learner reviewed it here after Anki did: this state stands
    lapses = row.lapses + new_lapses
    introduced = min(filter(None, (row.introduced_on, history.introduced_on)))
    session.execute(update(CardState).where(CardState.learner_id == learner_id,
                                            CardState.card_id == history.card_id)
                    .values(lapses=lapses, leech=row.leech or is_leech(lapses), introduced_on=introduced, **values))


def review_count(session: Session, learner_id: int) -> int:
    """How many reviews the learner has logged (practice included)."""
    return session.scalar(select(func.count()).select_from(ReviewLog).where(ReviewLog.learner_id == learner_id)) or 0
