"""Use cases of the review session: today's queue, the session itself, its summary.

`start_review` reads the queue (on the fastest door, `Workspace.reading`) and hands back
a `ReviewSession` that saves every grade in its own short transaction (a grade is never
lost to a crash); `finish_report` summarises the sitting.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from studyplan import metrics
from studyplan.errors import StudyplanError, did_you_mean
from studyplan.plan import TaskKind
from studyplan.queue import QueueCard
from studyplan.session import Outcome, ReviewSession
from studyplan.study import FOUNDATIONS, plan_exams

if TYPE_CHECKING:
    from studyplan.db.queue_reads import PlanToday
    from studyplan.workspace import Reading, Unit, Workspace

DEFAULT_NEW_PER_DAY = 20   # without a plan; Anki's default too
DEFAULT_DRILLS = 20        # `review --drill` on a day the plan has no drills


@dataclass(frozen=True)
class ReviewOptions:
    """What `review` asks for: a card limit, one domain, only new or only due cards,
    another exam than the plan's, or drills."""

    max_cards: int | None = None
    domain: str | None = None
    new_only: bool = False
    reviews_only: bool = False
    exam: str | None = None
    drill: bool = False


@dataclass
class ReviewStart:
    """A session ready to run, or (session None) the line that says why there is nothing."""

    session: ReviewSession | None
    nothing: str = ""


def start_review(ws: Workspace, options: ReviewOptions) -> ReviewStart:
    """Today's queue and any re-asks left from an earlier sitting today, as a session."""
    o = options
    if sum((o.new_only, o.reviews_only, o.drill)) > 1:
        raise StudyplanError("--new-only, --reviews-only and --drill exclude each other")
    with ws.reading() as r:  # a learner on the database: read only, on the fastest door
        found = None if r.learner_id is None else _queue_of(ws, r, o)
    if found is None:
        with ws.unit() as u:  # a learner's first review adds them
            found = _queue_of(ws, u, o)
    learner, plan, queue, reasks = found
    queue, reasks = shown_with_current_names(ws, queue), shown_with_current_names(ws, reasks)
    if not queue and not reasks:
        if o.exam or plan is None:
            hint = "" if o.exam else " No plan yet: run 'studyplan plan create', or pass --exam to study new cards."
        else:
            hint = f" To get ahead of the plan: studyplan review --exam {plan.exam}; to drill: studyplan review --drill"
        return ReviewStart(None, "Nothing to review now." + hint)
    session = ReviewSession(ws.transaction, learner, queue, ws.today, ws.now,
                            where=lambda card: card_location(ws, card), reasks=reasks,
                            grade_transaction=ws.grade_transaction)
    return ReviewStart(session)


def _queue_of(ws: Workspace, u: Unit | Reading, o: ReviewOptions
              ) -> tuple[int, PlanToday | None, list[QueueCard], list[QueueCard]]:
    """(learner, today's plan, queue, re-asks) as *u* reads them."""
    from studyplan.db.queue_reads import pending_reasks, plan_today

    assert u.learner_id is not None
    plan = plan_today(u.rows, u.learner_id, ws.today)  # the plan's exam and today's tasks only
    queue = review_queue(ws, u, plan, o.max_cards, o.domain, o.new_only, o.reviews_only, o.exam, o.drill)
    # Re-asks of cards graded below 4 today come back after the queue, even after a restart.
    reasks = [] if o.drill or o.new_only else [
        c for c in pending_reasks(u.rows, u.learner_id, ws.today) if o.domain is None or c.domain == o.domain]
    return u.learner_id, plan, queue, reasks


def shown_with_current_names(ws: Workspace, cards: list[QueueCard]) -> list[QueueCard]:
    """The cards as the review screen shows them: a renamed product's old name as "NEW (OLD)"."""
    from studyplan.renames import with_current_names

    return with_current_names(cards, {e.id: e.renames for e in ws.catalog.exams.values()}, ws.today)


def _domain_owner(ws: Workspace, plan: PlanToday, domain: str) -> str:
    exam = ws.exam(plan.exam)
    if domain in {d.id for d in exam.domains}:
        return exam.id
    if FOUNDATIONS in ws.catalog.exams:
        return FOUNDATIONS
    return exam.id


def _all_domains(ws: Workspace, plan: PlanToday | None, exam_id: str) -> set[str]:
    domains = {d.id for d in ws.exam(exam_id).domains}
    if plan is not None and plan.background == "pivoting" and FOUNDATIONS in ws.catalog.exams:
        domains |= {d.id for d in ws.catalog.exam(FOUNDATIONS).domains}
    return domains


def review_queue(ws: Workspace, u: Unit | Reading, plan: PlanToday | None, max_cards: int | None = None,
                 domain: str | None = None, new_only: bool = False, reviews_only: bool = False,
                 exam: str | None = None, drill: bool = False) -> list[QueueCard]:
    """Today's queue: due cards (most overdue first, domains interleaved), today's new
    cards, then today's planned drills. With *drill*, only drills: introduced cards that
    are not due, weakest first, heavy domains first.

    With *max_cards*, each part reads only what still fits: no new cards or drills are
    looked up once the due cards fill it."""
    from studyplan.db.queue_reads import (
        drill_cards,
        drills_on,
        due_cards,
        introduced_on,
        new_cards,
    )
    from studyplan.queue import interleave

    exam_id = exam or (plan.exam if plan else None)
    if exam_id:
        ws.exam(exam_id)  # a clear error for an unknown exam
    elif drill:
        raise StudyplanError("drills need an exam: pass --exam, or make a plan first")
    if domain and exam_id and domain not in (known := _all_domains(ws, plan, exam_id)):
        raise StudyplanError(f"unknown domain '{domain}' for exam '{exam_id}'{did_you_mean(domain, known)} "
                             f"(domains: {', '.join(sorted(known))})")
    lid = u.learner_id
    assert lid is not None
    db = u.rows
    today_tasks = plan.tasks if plan is not None else ()
    exams = plan_exams(plan.exam, plan.background) if plan is not None else None
    due = [] if (new_only or drill) else due_cards(db, lid, ws.today, exams, domain=domain, limit=max_cards)

    fresh: list[QueueCard] = []

    def room(count: int) -> int:
        """*count* capped at the room left in the queue: the first k cards of an
        interleaving take at most k from each domain."""
        return count if max_cards is None else min(count, max(0, max_cards - len(due) - len(fresh)))

    if not reviews_only and not drill and exam_id and room(1):
        if plan is not None and not exam:
            wanted: dict[tuple[str, str], int] = {}
            for t in today_tasks:
                if t.kind == TaskKind.NEW_CARDS and t.count:
                    key = (_domain_owner(ws, plan, t.domain), t.domain)
                    wanted[key] = wanted.get(key, 0) + t.count
        else:
            weights = {d.id: d.weight for d in ws.exam(exam_id).domains}
            wanted = {(exam_id, d): n for d, n in metrics.split_by_weight(DEFAULT_NEW_PER_DAY, weights).items()}
        found: list[QueueCard] = []  # room() is measured before any: owners' cards interleave at the end
        for owner in sorted({o for o, _ in wanted}):
            done = introduced_on(db, lid, ws.today, owner)
            per_domain = {d: room(max(0, n - done.get(d, 0))) for (o, d), n in wanted.items()
                          if o == owner and (domain is None or d == domain)}
            found.extend(new_cards(db, lid, owner, per_domain))
        fresh = interleave(found)
    drills = []
    if exam_id and (drill or not (new_only or reviews_only)) and room(1):
        planned = {t.domain: t.count for t in today_tasks if t.kind == TaskKind.DRILL} if not exam else {}
        if drill and not planned:
            weights = {d.id: d.weight for d in ws.exam(exam_id).domains}
            planned = metrics.split_by_weight(max_cards or DEFAULT_DRILLS, weights)
        done = drills_on(db, lid, ws.today)
        per_domain = {d: max(0, n - done.get(d, 0)) for d, n in planned.items() if domain is None or d == domain}
        if drill and domain and domain not in per_domain:
            per_domain = {domain: max_cards or DEFAULT_DRILLS}
        order = sorted(per_domain, key=lambda d: -_weight(ws, exam_id, d))
        drills = [replace(c, drill=True) for c in drill_cards(db, lid, exam_id, ws.today,
                                                              {d: room(per_domain[d]) for d in order})]
    queue = due + fresh + drills
    return queue[:max_cards] if max_cards is not None else queue


def _weight(ws: Workspace, exam_id: str, domain: str) -> float:
    try:
        return float(ws.exam(exam_id).domain(domain).weight)
    except KeyError:
        return 0.0


def card_location(ws: Workspace, card: QueueCard) -> str:
    """Where a card comes from, for the learner who wants to fix it."""
    source = card.source
    if source.startswith("deck:"):
        path, copy = ws.editable_path(source[len("deck:"):])
        if copy is None:
            return str(path)
        return f"{path} (shipped; to change it, copy it to {copy}: a file there replaces the shipped one)"
    if source.startswith("anki:"):
        return f"imported from {source[len('anki:'):]} (edit it in the database or re-import)"
    return source or "unknown"


@dataclass
class SessionReport:
    outcome: Outcome
    by_domain: list[tuple[str, int, int, int]]
    forecast: dict[date, int]
    streak: int


def finish_report(ws: Workspace, outcome: Outcome) -> SessionReport:
    """The end-of-session summary: by domain, the next week's due forecast and the streak."""
    from studyplan.db.reads import due_forecast, reviews_per_day

    rows: dict[str, list[int]] = {}
    for g in outcome.graded:
        r = rows.setdefault(g.card.domain, [0, 0, 0])
        if g.practice:
            r[2] += 1
        else:
            r[0] += 1
            r[1] += g.grade >= metrics.PASS_GRADE
    forecast: dict[date, int] = {}
    days: dict[date, int] = {}
    with ws.reading() as u:
        if u.learner_id is not None:  # None: not on the database, so nothing was graded
            forecast = due_forecast(u.rows, u.learner_id, ws.today + timedelta(days=1), ws.today + timedelta(days=7))
            days = reviews_per_day(u.rows, u.learner_id, ws.today - timedelta(days=400), ws.today)
    return SessionReport(outcome, [(d, v[0], v[1], v[2]) for d, v in rows.items()], forecast,
                         metrics.streak(set(days), ws.today))
