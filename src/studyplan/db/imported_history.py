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

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from studyplan.anki_history import CardHistory, ImportedReview
from studyplan.db.models import CardRow, CardState, Learner, ReviewLog
from studyplan.db.reads import DECK_SOURCE
from studyplan.metrics import is_leech

_IN_CHUNK = 500  # card ids per IN (...): under SQLite's oldest variable limit
_LOG = cast(Table, ReviewLog.__table__)
_STATE = cast(Table, CardState.__table__)
_WHERE = (_STATE.c.learner_id == bindparam("lid"), _STATE.c.card_key == bindparam("key"))
_COUNT = update(_STATE).where(*_WHERE).values(lapses=bindparam("lapses"), leech=bindparam("leech"),
                                              introduced_on=bindparam("introduced_on"))
_RESCHEDULE = _COUNT.values(easiness=bindparam("easiness"), interval=bindparam("interval"),
                            repetitions=bindparam("repetitions"), due=bindparam("due"))


def deck_card_ids(session: Session) -> list[str]:
    """The ids of the live cards that come from deck files (the ones `export anki` writes)."""
    return list(session.scalars(select(CardRow.id).where(CardRow.source.startswith(DECK_SOURCE),
                                                         CardRow.retired_at.is_(None))))


def _card_keys(session: Session, card_ids: list[str]) -> dict[str, int]:
    """The integer key of each card id (the history tables refer to cards by it)."""
    keys: dict[str, int] = {}
    for start in range(0, len(card_ids), _IN_CHUNK):
        keys.update((card_id, key) for card_id, key in session.execute(select(CardRow.id, CardRow.key).where(
            CardRow.id.in_(card_ids[start:start + _IN_CHUNK]))))
    return keys


def _logged_times(session: Session, learner_id: int, keys: list[int]) -> dict[int, set[datetime]]:
    found: dict[int, set[datetime]] = {}
    for start in range(0, len(keys), _IN_CHUNK):
        rows = session.execute(select(ReviewLog.card_key, ReviewLog.reviewed_at).where(
            ReviewLog.learner_id == learner_id, ReviewLog.card_key.in_(keys[start:start + _IN_CHUNK])))
        for key, at in rows:
            found.setdefault(key, set()).add(at)
    return found


def record_history(session: Session, learner_id: int, histories: list[CardHistory]) -> tuple[int, int]:
    """Log the reviews of *histories* not logged yet and schedule their cards from them.

    Returns (reviews added, reviews already there). Core statements run as executemany:
    an ORM update per card re-evaluated its WHERE against every loaded state (minutes
    for a few thousand cards).
    """
    if session.get_bind().dialect.name != "sqlite":  # a review session of this learner waits, as for a grade
        session.execute(select(Learner.id).where(Learner.id == learner_id).with_for_update())
    card_keys = _card_keys(session, [h.card_id for h in histories])
    keys = [card_keys[h.card_id] for h in histories]
    logged = _logged_times(session, learner_id, keys)
    states = {row.card_key: row for start in range(0, len(keys), _IN_CHUNK)
              for row in session.execute(select(_STATE.c.card_key, _STATE.c.lapses, _STATE.c.leech,
                                                _STATE.c.introduced_on).where(
                  _STATE.c.learner_id == learner_id, _STATE.c.card_key.in_(keys[start:start + _IN_CHUNK])))}
    log_rows: list[dict] = []
    inserts: list[dict] = []
    rescheduled: list[dict] = []
    counted: list[dict] = []
    present = 0
    for history, key in zip(histories, keys):
        known = logged.get(key, set())
        fresh = [r for r in history.reviews if r.reviewed_at not in known]
        present += len(history.reviews) - len(fresh)
        log_rows.extend(_log_row(learner_id, key, r) for r in fresh)
        state = history.state
        values = dict(easiness=state.easiness, interval=state.interval, repetitions=state.repetitions, due=state.due)
        row = states.get(key)
        if row is None:
            inserts.append(dict(learner_id=learner_id, card_key=key, suspended=False,
                                lapses=history.lapses, leech=is_leech(history.lapses),
                                introduced_on=history.introduced_on, **values))
            continue
        lapses = row.lapses + sum(1 for r in fresh if not r.practice and r.grade < 3)
        counts = dict(lid=learner_id, key=key, lapses=lapses, leech=bool(row.leech or is_leech(lapses)),
                      introduced_on=min(filter(None, (row.introduced_on, history.introduced_on))))
        if known and max(known) > history.reviews[-1].reviewed_at:
            counted.append(counts)  # the learner reviewed it here after Anki did: that state stands
        else:
            rescheduled.append(counts | values)
    if inserts:
        session.execute(insert(_STATE), inserts)
    for statement, params in ((_RESCHEDULE, rescheduled), (_COUNT, counted)):
        if params:
            session.execute(statement, params)
    log_rows.sort(key=lambda row: row["reviewed_at"])  # log ids in the order the reviews happened
    if log_rows:
        session.execute(insert(_LOG), log_rows)
    return len(log_rows), present


def _log_row(learner_id: int, card_key: int, r: ImportedReview) -> dict:
    before = r.before
    return dict(
        learner_id=learner_id, card_key=card_key, reviewed_at=r.reviewed_at, review_day=r.review_day,
        grade=r.grade, practice=r.practice, easiness=r.state.easiness, interval=r.state.interval,
        repetitions=r.state.repetitions, due=r.state.due,
        prev_easiness=before.easiness if before else None, prev_interval=before.interval if before else None,
        prev_repetitions=before.repetitions if before else None, prev_due=before.due if before else None,
        prev_lapses=r.lapses_before if before else None,
        prev_introduced_on=r.introduced_before if before else None,
        seconds=r.seconds, drill=False)
