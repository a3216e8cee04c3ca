"""Cohort queries: every learner's plan progress and readiness in a handful of grouped
queries (not one per learner), so the team lead's view stays fast for a cohort of any size."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from studyplan.cohort import LearnerProgress
from studyplan.db.models import (
    CardRow,
    CardState,
    DomainRow,
    Learner,
    PlanDay,
    PlanRow,
    PlanTask,
    ReviewLog,
)
from studyplan.db.reads import domain_slugs, exam_recall
from studyplan.db.sql import session_rows
from studyplan.metrics import readiness

FOUNDATIONS = "foundations"


def cohort_progress(session: Session, today: date, exam: str | None = None) -> list[LearnerProgress]:
    """Every learner on the database (or those whose plan is for *exam*), by name."""
    learners = session.execute(select(Learner.id, Learner.name).order_by(Learner.name)).all()
    plans = {}
    for plan_id, learner_id, exam_id, background, exam_date in session.execute(
        select(PlanRow.id, PlanRow.learner_id, PlanRow.exam_id, PlanRow.background, PlanRow.exam_date)
        .where(PlanRow.active.is_(True)).order_by(PlanRow.id)
    ):
        plans[learner_id] = (plan_id, exam_id, background, exam_date)  # the newest active plan wins

    planned = dict(session.execute(
        select(PlanDay.plan_id, func.sum(PlanTask.count))
        .join(PlanTask, PlanTask.plan_day_id == PlanDay.id)
        .join(PlanRow, PlanRow.id == PlanDay.plan_id)
        .where(PlanRow.active.is_(True), PlanTask.kind == "new_cards", PlanDay.day < today)
        .group_by(PlanDay.plan_id)
    ).all())

    live = and_(CardState.suspended.is_(False), CardRow.retired_at.is_(None))
    introduced: dict[tuple[int, str], int] = {
        (lid, exam_id): n for lid, exam_id, n in session.execute(
            select(CardState.learner_id, CardRow.exam_id, func.count())
            .join(CardRow, CardRow.key == CardState.card_key)
            .where(CardState.introduced_on < today, live)
            .group_by(CardState.learner_id, CardRow.exam_id)
        )
    }
    domains: dict[str, list[tuple[int, float, int]]] = {}
    for domain_id, exam_id, weight, total in session.execute(
        select(DomainRow.id, DomainRow.exam_id, DomainRow.weight, func.count(CardRow.id))
        .outerjoin(CardRow, and_(CardRow.domain_id == DomainRow.id, CardRow.retired_at.is_(None)))
        .group_by(DomainRow.id, DomainRow.exam_id, DomainRow.weight)
    ):
        domains.setdefault(exam_id, []).append((domain_id, weight, total))

    week_ago = today - timedelta(days=6)
    reviews = {
        lid: (n, int(recent or 0), last) for lid, n, recent, last in session.execute(
            select(ReviewLog.learner_id, func.count(), func.sum(case((ReviewLog.review_day >= week_ago, 1), else_=0)),
                   func.max(ReviewLog.review_day))
            .where(ReviewLog.practice.is_(False), ReviewLog.review_day <= today)
            .group_by(ReviewLog.learner_id)
        )
    }

    out = []
    for lid, name in learners:
        n_reviews, n_recent, last = reviews.get(lid, (0, 0, None))
        plan = plans.get(lid)
        if plan is None:
            if exam is None:
                out.append(LearnerProgress(name, reviews=n_reviews, reviews_7d=n_recent, last_review=last))
            continue
        plan_id, exam_id, background, exam_date = plan
        if exam is not None and exam_id != exam:
            continue
        exams = [exam_id, FOUNDATIONS] if background == "pivoting" and exam_id != FOUNDATIONS else [exam_id]
        out.append(LearnerProgress(
            learner=name, exam=exam_id, background=background, exam_date=exam_date,
            days_to_exam=(exam_date - today).days,
            new_done=sum(introduced.get((lid, e), 0) for e in exams),
            new_planned=int(planned.get(plan_id) or 0),
            reviews=n_reviews, reviews_7d=n_recent, last_review=last,
            readiness=_readiness(session, lid, exam_id, max(today, exam_date), domains.get(exam_id, [])),
        ))
    return out


def _readiness(session: Session, learner_id: int, exam_id: str, on: date,
               domains: list[tuple[int, float, int]]) -> float:
    """The learner's predicted recall on *on*, weighted by the guide (metrics.readiness)."""
    rows = session_rows(session)
    slugs = domain_slugs(rows, exam_id)
    weights = {slugs.get(domain_id, str(domain_id)): float(weight) for domain_id, weight, _total in domains}
    return readiness(exam_recall(rows, learner_id, exam_id, on), weights)[0]
