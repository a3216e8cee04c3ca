"""Text views of a plan and of today's report: pure functions returning strings."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from tabulate import tabulate


def task_summary(task) -> str:
    """One short phrase for a task: 'Regression: Week 1 (30 min)', '12 new monitoring (18 min)'."""
    if task.kind == "new_cards":
        return f"{task.count} new {task.domain} ({task.minutes} min)"
    if task.kind == "reviews":
        what = f"{task.count} reviews" + (f" {task.domain}" if task.domain else "")
        return f"{what} ({task.minutes} min)"
    if task.kind in ("rest", "exam"):
        return task.title
    return f"{task.title} ({task.minutes} min)"


def select_days(plan, start: date | None, end: date | None):
    return [d for d in plan.days if (start is None or d.date >= start) and (end is None or d.date <= end)]


def plan_text(plan, fmt: str, start: date | None = None, end: date | None = None) -> str:
    """The plan as table | md | csv | json, limited to [start, end]."""
    days = select_days(plan, start, end)
    if fmt == "json":
        data = plan.to_dict()
        data["days"] = [d.to_dict() for d in days]
        return json.dumps(data, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["date", "phase", "kind", "title", "domain", "count", "minutes"])
        for d in days:
            for t in d.tasks:
                writer.writerow([d.date.isoformat(), d.phase, t.kind, t.title, t.domain, t.count, t.minutes])
        return out.getvalue().rstrip("\n")
    rows = [[d.date.isoformat(), f"{d.date:%a}", d.phase, d.minutes, "; ".join(task_summary(t) for t in d.tasks)]
            for d in days]
    head = (f"{plan.exam} plan ({plan.background}): {plan.start} to exam on {plan.exam_date}, "
            f"{plan.minutes_per_day} min a day")
    table = tabulate(rows, headers=["date", "day", "phase", "min", "tasks"],
                     tablefmt="github" if fmt == "md" else "simple", maxcolwidths=[None, None, None, None, 90])
    return f"{head}\n\n{table}"


def today_text(report) -> str:
    """Today's tasks for the terminal."""
    lines = [f"{report.date:%A %Y-%m-%d} · {report.exam} · {report.phase} · "
             f"{report.days_left} day(s) to the exam on {report.exam_date}"]
    if report.planned:
        lines.append("Planned:")
        lines.extend(f"  - {task_summary(t)}" for t in report.planned)
    lines.append(f"Now: {report.due_now} card(s) due, {report.new_left} new card(s) left today, "
                 f"about {report.minutes} min")
    if report.ahead_by > 0:
        lines.append(f"Ahead of the plan by {report.ahead_by} new card(s).")
    elif report.ahead_by < 0:
        lines.append(f"Behind the plan by {-report.ahead_by} new card(s): run 'studyplan replan' to spread them "
                     "over the days left.")
    else:
        lines.append("On track with the plan.")
    return "\n".join(lines)
