"""Use cases that join the workspace, the store and the pure core: one function per command.

The CLI calls one of these and renders what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from studyplan.errors import StudyplanError


def active_plan(ws):
    """The learner's active plan, or None."""
    from studyplan.db.plans import active_plan as load

    with ws.transaction() as db:
        return load(db, ws.learner_id)


def _domain_owner(ws, plan, domain: str) -> str:
    exam = ws.exam(plan.exam)
    if domain in {d.id for d in exam.domains}:
        return exam.id
    if "foundations" in ws.catalog.exams:
        return "foundations"
    return exam.id


def review_queue(ws, max_cards: int | None = None, domain: str | None = None, new_only: bool = False,
                 reviews_only: bool = False, exam: str | None = None):
    """Today's queue: due cards (most overdue first, domains interleaved), then today's new cards.

    New cards come from the active plan's day; without a plan, from a daily limit over
    *exam*'s domains by weight.
    """
    from studyplan.db.reviews import due_cards, interleave, introduced_on, new_cards
    from studyplan.session import DEFAULT_NEW_PER_DAY, planned_new_cards, split_by_weight

    ws.sync()
    plan = active_plan(ws)
    exam_id = exam or (plan.exam if plan else None)
    if exam_id:
        ws.exam(exam_id)  # a clear error for an unknown exam
    if domain and exam_id and domain not in _all_domains(ws, plan, exam_id):
        raise StudyplanError(f"unknown domain '{domain}' for exam '{exam_id}'")
    lid = ws.learner_id
    with ws.transaction() as db:
        due = [] if new_only else due_cards(db, lid, ws.today, domain=domain)
        if plan is not None:
            exams_in_plan = {plan.exam, "foundations"}
            due = [c for c in due if c.exam in exams_in_plan]
        fresh = []
        if not reviews_only and exam_id:
            if plan is not None and not exam:
                wanted: dict[tuple[str, str], int] = {}
                for dom, count in planned_new_cards(plan, ws.today).items():
                    wanted[(_domain_owner(ws, plan, dom), dom)] = count
            else:
                weights = {d.id: d.weight for d in ws.exam(exam_id).domains}
                wanted = {(exam_id, d): n for d, n in split_by_weight(DEFAULT_NEW_PER_DAY, weights).items()}
            for owner in sorted({o for o, _ in wanted}):
                done = introduced_on(db, lid, ws.today, owner)
                per_domain = {d: max(0, n - done.get(d, 0)) for (o, d), n in wanted.items()
                              if o == owner and (domain is None or d == domain)}
                fresh.extend(new_cards(db, lid, owner, per_domain))
    queue = due + interleave(fresh)
    return queue[:max_cards] if max_cards is not None else queue


def _all_domains(ws, plan, exam_id) -> set[str]:
    domains = {d.id for d in ws.exam(exam_id).domains}
    if plan is not None and plan.background == "pivoting" and "foundations" in ws.catalog.exams:
        domains |= {d.id for d in ws.catalog.exam("foundations").domains}
    return domains


def card_location(ws, card) -> str:
    """Where a card comes from, for the learner who wants to fix it."""
    source = card.source
    if source.startswith("deck:"):
        return str((ws.decks_dir.parent / source[len("deck:"):]).resolve())
    if source.startswith("anki:"):
        return f"imported from {source[len('anki:'):]} (edit it in the database or re-import)"
    return source or "unknown"


@dataclass
class SessionReport:
    outcome: object
    by_domain: list[tuple[str, int, int, int]]
    forecast: dict[date, int]
    streak: int


def finish_report(ws, outcome) -> SessionReport:
    """The end-of-session summary: by domain, the next week's due forecast and the streak."""
    from datetime import timedelta

    from studyplan.db.reviews import due_forecast, reviews_per_day
    from studyplan.session import streak

    rows: dict[str, list[int]] = {}
    for g in outcome.graded:
        r = rows.setdefault(g.card.domain, [0, 0, 0])
        if g.practice:
            r[2] += 1
        else:
            r[0] += 1
            r[1] += g.grade >= 3
    with ws.transaction() as db:
        forecast = due_forecast(db, ws.learner_id, ws.today + timedelta(days=1), ws.today + timedelta(days=7))
        days = reviews_per_day(db, ws.learner_id, ws.today - timedelta(days=400), ws.today)
    return SessionReport(outcome, [(d, *v) for d, v in rows.items()], forecast, streak(set(days), ws.today))
