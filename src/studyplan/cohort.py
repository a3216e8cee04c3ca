"""The cohort view for a team lead: every learner's plan progress and readiness on one database.

`cohort_progress` runs a handful of grouped queries (not one per learner), so it stays fast
for a cohort of any size; the renderers below it are pure functions of its result.

Definitions, the same for every learner:
- new cards done: cards of the plan's exams (plus foundations for a pivoting learner)
  introduced to the learner before today, suspended and retired cards excluded;
- new cards planned: new cards the learner's active plan schedules before today;
- reviews: graded reviews up to today, same-day re-asks (practice) excluded;
- readiness: :func:`studyplan.metrics.readiness`, the predicted recall on the learner's
  exam day, weighted by the exam guide's domains (the same figure `today` and `stats` show).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from studyplan.db.models import CardRow, CardState, DomainRow, Learner, PlanDay, PlanRow, PlanTask, ReviewLog

FOUNDATIONS = "foundations"


@dataclass(frozen=True)
class LearnerProgress:
    learner: str
    exam: str | None = None
    background: str | None = None
    exam_date: date | None = None
    days_to_exam: int | None = None
    new_done: int = 0
    new_planned: int | None = None
    reviews: int = 0
    reviews_7d: int = 0
    last_review: date | None = None
    readiness: float | None = None

    @property
    def ahead_by(self) -> int | None:
        return None if self.new_planned is None else self.new_done - self.new_planned

    @property
    def status(self) -> str:
        ahead = self.ahead_by
        if ahead is None:
            return "no plan"
        return "ahead" if ahead > 0 else "behind" if ahead < 0 else "on track"

    def to_dict(self) -> dict:
        return {
            "learner": self.learner, "exam": self.exam, "background": self.background,
            "exam_date": self.exam_date.isoformat() if self.exam_date else None,
            "days_to_exam": self.days_to_exam, "new_cards_done": self.new_done,
            "new_cards_planned_to_date": self.new_planned, "ahead_by": self.ahead_by, "status": self.status,
            "reviews": self.reviews, "reviews_7d": self.reviews_7d,
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "readiness": None if self.readiness is None else round(self.readiness, 4),
        }


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
            .join(CardRow, CardRow.id == CardState.card_id)
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
    from studyplan.db.reviews import card_memories, review_outcomes
    from studyplan.metrics import readiness, retention

    memories, totals = card_memories(session, learner_id, exam_id)
    weights = {}
    slugs = dict(session.execute(select(DomainRow.id, DomainRow.slug).where(DomainRow.exam_id == exam_id)).all())
    for domain_id, weight, _total in domains:
        weights[slugs.get(domain_id, str(domain_id))] = float(weight)
    return readiness(memories, {d: totals.get(d, 0) for d in weights}, weights, on,
                     retention(*review_outcomes(session, learner_id)))[0]


# ---------------------------------------------------------------- pure rendering

COLUMNS = ("learner", "exam", "exam date", "days left", "new cards", "vs plan", "reviews", "last 7 days",
           "last review", "readiness")


def _row(p: LearnerProgress) -> list:
    dash = "-"
    ahead = p.ahead_by
    return [
        p.learner, p.exam or dash, p.exam_date.isoformat() if p.exam_date else dash,
        dash if p.days_to_exam is None else p.days_to_exam,
        f"{p.new_done}" if p.new_planned is None else f"{p.new_done}/{p.new_planned}",
        dash if ahead is None else ("on track" if ahead == 0 else f"{ahead:+d}"),
        p.reviews, p.reviews_7d, p.last_review.isoformat() if p.last_review else dash,
        dash if p.readiness is None else f"{p.readiness:.0%}",
    ]


def render_table(rows: list[LearnerProgress], today: date) -> str:
    from tabulate import tabulate

    if not rows:
        return f"No learners on this database yet (as of {today})."
    with_plan = [r for r in rows if r.exam]
    behind = sum(1 for r in with_plan if (r.ahead_by or 0) < 0)
    head = (f"Cohort on {today}: {len(rows)} learner(s), {len(with_plan)} with a plan, {behind} behind it")
    if with_plan:
        mean = sum(r.readiness or 0 for r in with_plan) / len(with_plan)
        head += f"; mean readiness {mean:.0%}"
    table = tabulate([_row(r) for r in rows], headers=COLUMNS, disable_numparse=True,
                     colalign=("left", "left", "left", "right", "right", "right", "right", "right", "left", "right"))
    note = ("new cards: introduced / planned before today; readiness: predicted recall on the exam day, "
            "weighted by domain weight")
    return "\n".join([head, "", table, "", note])


def render_json(rows: list[LearnerProgress], today: date) -> str:
    return json.dumps({"date": today.isoformat(), "learners": [r.to_dict() for r in rows]}, indent=2)


CSV_FIELDS = ("learner", "exam", "background", "exam_date", "days_to_exam", "new_cards_done",
              "new_cards_planned_to_date", "ahead_by", "status", "reviews", "reviews_7d", "last_review", "readiness")


def render_csv(rows: list[LearnerProgress], today: date) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in r.to_dict().items()})
    return buffer.getvalue().rstrip("\n")


RENDERERS = {"table": render_table, "json": render_json, "csv": render_csv}


def render(rows: list[LearnerProgress], today: date, fmt: str = "table") -> str:
    return RENDERERS[fmt](rows, today)
