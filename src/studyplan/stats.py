"""Progress figures and their terminal charts: pure functions over plain values.

Readiness is :func:`studyplan.metrics.readiness`: the predicted recall on the exam day
(today without a plan), weighted by the exam guide's domains.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from studyplan.layout import DEFAULT_WIDTH, fit_table, plural, wrap
from studyplan.text import safe_rows, terminal

if TYPE_CHECKING:
    from studyplan.study_reports import StatsReport

BAR = "█"
SHADES = " ░▒▓█"


@dataclass
class DomainStats:
    domain: str
    weight: float
    total: int
    new: int
    learning: int
    mature: int
    suspended: int
    leeches: int
    reviewed_30d: int
    passed_30d: int
    readiness: float = 0.0

    @property
    def retention(self) -> float | None:
        return self.passed_30d / self.reviewed_30d if self.reviewed_30d else None



def bar_chart(counts: dict[date, int], start: date, days: int, width: int = 40) -> list[str]:
    """One line per day: weekday, date, a bar scaled to the largest count, the count."""
    values = [counts.get(start + timedelta(days=i), 0) for i in range(days)]
    top = max(values, default=0) or 1
    return [f"{_day(start + timedelta(days=i))} {BAR * round(v / top * width):<{width}} {v}"
            for i, v in enumerate(values)]


def _day(d: date) -> str:
    """'Tue  8 Dec': a date that reads as one, in a fixed width for columns."""
    return f"{d:%a} {d.day:>2} {d:%b}"


def heatmap(counts: dict[date, int], today: date, weeks: int = 12) -> list[str]:
    """Reviews per day over the last *weeks* weeks: rows Monday-Sunday, one column per week."""
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    top = max(counts.values(), default=0) or 1
    lines = []
    for weekday in range(7):
        cells = []
        for week in range(weeks):
            day = first_monday + timedelta(weeks=week, days=weekday)
            if day > today:
                cells.append(" ")
                continue
            n = counts.get(day, 0)
            cells.append("·" if n == 0 else SHADES[max(1, round(n / top * 4))])
        # Days after today are blank; the line ends at the last shown day (no trailing spaces).
        lines.append(f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[weekday]} {' '.join(cells)}".rstrip())
    lines.append(f"    from {first_monday} to {today}; · none, ░▒▓█ more (max {top} a day)")
    return lines


def pct(x: float | None) -> str:
    """A share as a whole percentage, or a dash when there is none."""
    return "-" if x is None else f"{x:.0%}"


def stats_json(report: StatsReport) -> dict[str, Any]:
    """The stats report as the JSON contract of `stats --format json`."""
    return {
        "exam": report.exam, "date": report.date.isoformat(),
        "exam_date": report.exam_date.isoformat() if report.exam_date else None,
        "readiness": round(report.readiness, 4), "readiness_on": report.readiness_on.isoformat(),
        "retention_30d": None if report.retention_30d is None else round(report.retention_30d, 4),
        "domains": [{"domain": d.domain, "weight": d.weight, "total": d.total, "new": d.new, "learning": d.learning,
                     "mature": d.mature, "suspended": d.suspended, "leeches": d.leeches,
                     "retention_30d": None if d.retention is None else round(d.retention, 4),
                     "readiness": round(d.readiness, 4)} for d in report.domains],
        "forecast": {day.isoformat(): n for day, n in sorted(report.forecast.items())},
        "leeches": [card_id for card_id, _ in report.leeches],
    }


def stats_text(report: StatsReport, width: int = DEFAULT_WIDTH) -> str:
    """The stats report for the terminal, fitted to *width* columns: table, forecast bars,
    heatmap, leeches."""
    rows = [[d.domain, f"{d.weight:.0%}", d.total, d.new, d.learning, d.mature, f"{d.suspended} ({d.leeches})",
             pct(d.retention), pct(d.readiness)] for d in report.domains]
    head = (f"{report.exam} on {report.date}: readiness {report.readiness:.0%} (predicted recall on "
            f"{report.readiness_on}), retention (30 days) {pct(report.retention_30d)}")
    if report.exam_date:
        head += f", {plural((report.exam_date - report.date).days, 'day')} to the exam"
    table = fit_table(safe_rows(rows), ["domain", "weight", "cards", "new", "learning", "mature", "suspended (leeches)",
                             "retention (30 days)", "ready"], width, wrap_columns=(0, 6, 7),
                      colalign=("left",) + ("right",) * 8)
    bars = max(10, min(40, width - 20))
    out = [wrap(head, width), "", table, "",
           "Due reviews, next 14 days:", *bar_chart(report.forecast, report.date, 14, bars), "",
           "Reviews, last 12 weeks:", *heatmap(report.history, report.date)]
    if report.leeches:
        out += ["", wrap("Leeches (failed 8 times; rewrite or suspend them):", width)]
        for card_id, front in report.leeches:
            line = f"  {card_id}: {' '.join(front.split())}"
            out.append(line if len(line) <= width else line[: width - 1] + "…")
    return terminal("\n".join(out))
