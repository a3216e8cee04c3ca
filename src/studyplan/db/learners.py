"""Learners in the store: one row per name on a shared database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyplan.db.models import Learner

DEFAULT_LEARNER = "default"


def learner_id(session: Session, name: str = DEFAULT_LEARNER, now: datetime | None = None) -> int:
    """The id of the learner called *name*, created on first use."""
    found = session.scalar(select(Learner.id).where(Learner.name == name))
    if found is not None:
        return found
    learner = Learner(name=name, created_at=now or datetime.now())
    session.add(learner)
    session.flush()
    return learner.id
