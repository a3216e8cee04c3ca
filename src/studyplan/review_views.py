"""Views of the review session's results: the end-of-session summary and suspended cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from studyplan.layout import DEFAULT_WIDTH, fit_table, plural, wrap
from studyplan.text import one_line, safe_rows, terminal

if TYPE_CHECKING:
    from studyplan.study_cards import SuspendedReport
    from studyplan.study_review import SessionReport


def summary_text(report: SessionReport, width: int = DEFAULT_WIDTH) -> str:
    """The end-of-session summary: cards and correct by domain, time, forecast, streak,
    fitted to *width* columns."""
    outcome = report.outcome
    scheduled = outcome.scheduled
    rows = [[d, n, c, f"{c / n:.0%}" if n else "-", r] for d, n, c, r in report.by_domain]
    rows.append(["total", len(scheduled), sum(g.grade >= 3 for g in scheduled),
                 f"{sum(g.grade >= 3 for g in scheduled) / len(scheduled):.0%}" if scheduled else "-",
                 len(outcome.graded) - len(scheduled)])
    minutes, seconds = divmod(int(outcome.seconds), 60)
    lines = ["", "Session " + ("stopped early" if outcome.quit_early else "complete")
             + f": {plural(len(scheduled), 'card')} in {minutes} min {seconds:02d} s",
             fit_table(safe_rows(rows), ["domain", "cards", "correct", "rate", "re-asks"], width, wrap_columns=(0,),
                       colalign=("left", "right", "right", "right", "right"))]
    if outcome.suspended:
        lines.append(wrap(", ".join(outcome.suspended), width, "suspended: "))
    if outcome.leeches:
        lines.append(wrap(", ".join(outcome.leeches), width, "new leeches: "))
    forecast = ", ".join(f"{d:%a} {d.day} {d:%b}: {n}" for d, n in sorted(report.forecast.items()) if n) or "none"
    lines.append(wrap(forecast, width, "Due in the next 7 days: "))
    lines.append(f"Streak: {plural(report.streak, 'day')} in a row")
    return terminal("\n".join(lines))


def suspended_text(report: SuspendedReport, width: int = 80) -> str:
    """One line per card: id, exam, domain, and the front cut to fit *width* columns."""
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
    return terminal("\n".join(lines))
