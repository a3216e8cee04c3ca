"""The cohort view for a team lead: every learner's plan progress and readiness on one database.

`LearnerProgress` is what the store's grouped cohort query (`studyplan.db.cohort`) returns;
the renderers here are pure functions of it.

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
from datetime import date
from typing import Any

from studyplan.layout import DEFAULT_WIDTH, fit_table, plural, wrap
from studyplan.text import one_line, safe_rows, terminal


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "learner": self.learner, "exam": self.exam, "background": self.background,
            "exam_date": self.exam_date.isoformat() if self.exam_date else None,
            "days_to_exam": self.days_to_exam, "new_cards_done": self.new_done,
            "new_cards_planned_to_date": self.new_planned, "ahead_by": self.ahead_by, "status": self.status,
            "reviews": self.reviews, "reviews_7d": self.reviews_7d,
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "readiness": None if self.readiness is None else round(self.readiness, 4),
        }


# ---------------------------------------------------------------- pure rendering

COLUMNS = ("learner", "exam", "exam date", "days left", "new cards", "vs plan", "reviews (7 days)",
           "last review", "readiness")


def _day(d: date | None) -> str:
    """'5 Jan 2027': a date that wraps to two short lines in a narrow column."""
    return "-" if d is None else f"{d.day} {d:%b %Y}"


def _row(p: LearnerProgress) -> list[Any]:
    dash = "-"
    ahead = p.ahead_by
    return [
        p.learner, p.exam or dash, _day(p.exam_date),
        dash if p.days_to_exam is None else p.days_to_exam,
        f"{p.new_done}" if p.new_planned is None else f"{p.new_done}/{p.new_planned}",
        dash if ahead is None else ("on track" if ahead == 0 else f"{ahead:+d}"),
        f"{p.reviews} ({p.reviews_7d})", _day(p.last_review),
        dash if p.readiness is None else f"{p.readiness:.0%}",
    ]


def render_table(rows: list[LearnerProgress], today: date, width: int = DEFAULT_WIDTH) -> str:
    """The cohort as a table that fits *width* columns, with a headline and a note on the figures."""
    if not rows:
        return f"No learners on this database yet (as of {today})."
    with_plan = [r for r in rows if r.exam]
    behind = sum(1 for r in with_plan if (r.ahead_by or 0) < 0)
    head = f"Cohort on {today}: {plural(len(rows), 'learner')}, {len(with_plan)} with a plan, {behind} behind it"
    if with_plan:
        mean = sum(r.readiness or 0 for r in with_plan) / len(with_plan)
        head += f"; mean readiness {mean:.0%}"
    table = fit_table(safe_rows([_row(r) for r in rows]), COLUMNS, width, wrap_columns=range(len(COLUMNS)),
                      colalign=("left", "left", "left", "right", "right", "right", "right", "left", "right"))
    note = ("new cards: introduced / planned before today; reviews: all, and (in the last 7 days); readiness: "
            "predicted recall on the exam day, weighted by domain weight")
    return terminal("\n".join([wrap(head, width), "", table, "", wrap(note, width)]))


def render_json(rows: list[LearnerProgress], today: date, width: int = DEFAULT_WIDTH) -> str:
    return json.dumps({"date": today.isoformat(), "learners": [r.to_dict() for r in rows]}, indent=2)


CSV_FIELDS = ("learner", "exam", "background", "exam_date", "days_to_exam", "new_cards_done",
              "new_cards_planned_to_date", "ahead_by", "status", "reviews", "reviews_7d", "last_review", "readiness")


def render_csv(rows: list[LearnerProgress], today: date, width: int = DEFAULT_WIDTH) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if v is None else one_line(v) if isinstance(v, str) else v)
                         for k, v in r.to_dict().items()})
    return terminal(buffer.getvalue().rstrip("\n"))


RENDERERS = {"table": render_table, "json": render_json, "csv": render_csv}


def render(rows: list[LearnerProgress], today: date, fmt: str = "table", width: int = DEFAULT_WIDTH) -> str:
    """The cohort as table (fitted to *width*), json or csv."""
    return RENDERERS[fmt](rows, today, width)
