"""Text views of a plan and of today's report: pure functions returning strings."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from studyplan.layout import DEFAULT_WIDTH, fit_table, plural, wrap
from studyplan.plan import Day, Plan, Task, TaskKind
from studyplan.text import one_line, safe_rows, terminal

if TYPE_CHECKING:
    from studyplan.study import PlanReport, TodayReport


@dataclass(frozen=True)
class PlanLabels:
    """The names a plan's typed tasks are shown with (from the catalog)."""

    exam_name: str = ""
    domains: Mapping[str, str] = field(default_factory=dict)
    courses: Mapping[str, str] = field(default_factory=dict)
    modules: Mapping[tuple[str, int], str] = field(default_factory=dict)
    providers: Mapping[str, str] = field(default_factory=dict)
    urls: Mapping[str, str] = field(default_factory=dict)

    def domain(self, domain_id: str) -> str:
        return self.domains.get(domain_id, domain_id)

    def module(self, course_id: str, number: int) -> str:
        course = self.courses.get(course_id, course_id)
        module = self.modules.get((course_id, number), f"module {number}")
        return f"{course}: {module}"

    def course_line(self, course_id: str) -> str:
        """'Course title (provider): url', leaving out what the catalog does not give."""
        provider = self.providers.get(course_id, "")
        url = self.urls.get(course_id, "")
        return (self.courses.get(course_id, course_id) + (f" ({provider})" if provider else "")
                + (f": {url}" if url else ""))


def task_title(task: Task, labels: PlanLabels) -> str:
    """The words a learner reads for a task ('Production ML Systems: Summary (continued)')."""
    kind = task.kind
    if task.label and not task.course_id:
        return task.label  # a task stored before tasks were typed
    if kind == TaskKind.COURSE:
        return labels.module(task.course_id, task.module) + (" (continued)" if task.continued else "")
    if kind == TaskKind.NEW_CARDS:
        return f"New cards: {labels.domain(task.domain)}"
    if kind == TaskKind.REVIEWS:
        return f"Reviews: about {plural(task.count, 'card')} due"
    if kind == TaskKind.DRILL:
        return f"Drill: {labels.domain(task.domain)}"
    if kind == TaskKind.PRACTICE_EXAM:
        return f"Timed practice exam ({task.minutes} min, in one sitting)"
    if kind == TaskKind.REST:
        return "Rest day (not a study day)"
    if kind == TaskKind.DAY_OFF:
        return "Day off"
    if kind == TaskKind.FREE:
        return "Nothing planned: free day"
    return f"Exam: {labels.exam_name}" + (f" ({task.count} min)" if task.count else "")


def task_summary(task: Task, labels: PlanLabels) -> str:
    """One short phrase for a task: 'Regression: Week 1 (30 min)', '12 new: Monitoring (18 min)'."""
    if task.kind == TaskKind.NEW_CARDS:
        return f"{task.count} new: {labels.domain(task.domain)} ({task.minutes} min)"
    if task.kind == TaskKind.REVIEWS:
        return f"about {plural(task.count, 'review')} ({task.minutes} min)"
    if task.kind == TaskKind.DRILL:
        return f"drill {task.count}: {labels.domain(task.domain)} ({task.minutes} min)"
    if task.kind in (TaskKind.REST, TaskKind.DAY_OFF, TaskKind.FREE, TaskKind.EXAM):
        return task_title(task, labels)
    return f"{task_title(task, labels)} ({task.minutes} min)"


def task_dict(task: Task, labels: PlanLabels) -> dict[str, Any]:
    """A task as JSON: its typed fields and its title."""
    return {**task.to_dict(), "title": task_title(task, labels)}


def plan_dict(plan: Plan, labels: PlanLabels, days: list[Day] | None = None) -> dict[str, Any]:
    """The plan as the JSON contract of `plan show --format json`."""
    return {
        "exam": plan.exam, "background": plan.background, "start": plan.start.isoformat(),
        "exam_date": plan.exam_date.isoformat(), "minutes_per_day": plan.minutes_per_day,
        "long_days": list(plan.long_days), "new_cards_limit": plan.new_cards_limit,
        "skip_courses": list(plan.skip_courses), "notes": list(plan.notes),
        "days": [{"date": d.date.isoformat(), "phase": d.phase, "minutes": d.minutes,
                  "tasks": [task_dict(t, labels) for t in d.tasks]} for d in (plan.days if days is None else days)],
    }


def select_days(plan: Plan, start: date | None, end: date | None) -> list[Day]:
    return [d for d in plan.days if (start is None or d.date >= start) and (end is None or d.date <= end)]


def plan_text(plan: Plan, labels: PlanLabels, fmt: str, start: date | None = None, end: date | None = None,
              width: int = DEFAULT_WIDTH) -> str:
    """The plan as table | md | csv | json, limited to [start, end]; the table fits *width* columns."""
    days = select_days(plan, start, end)
    if fmt == "json":
        return json.dumps(plan_dict(plan, labels, days), indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["date", "phase", "kind", "title", "domain", "count", "minutes", "course_id", "module"])
        for d in days:
            for t in d.tasks:
                writer.writerow([d.date.isoformat(), d.phase, str(t.kind), task_title(t, labels), t.domain, t.count,
                                 t.minutes, t.course_id, t.module or ""])
        return terminal(out.getvalue().rstrip("\n"))
    # One task a line on a terminal; a Markdown cell cannot hold line breaks.
    # Each task is made safe on its own, so the line breaks between them stay line breaks.
    joiner = "; " if fmt == "md" else "\n"
    rows = [[d.date.isoformat(), f"{d.date:%a}", one_line(phase_name(d.phase)), d.minutes,
             joiner.join(one_line(task_summary(t, labels)) for t in d.tasks)] for d in days]
    head = (f"{plan.exam} plan ({plan.background}): {plan.start} to exam on {plan.exam_date}, "
            f"{plan.minutes_per_day} min a day")
    if fmt == "md":
        from tabulate import tabulate  # only the markdown table needs it (start-up time)

        table = str(tabulate(safe_rows(rows), headers=["date", "day", "phase", "min", "tasks"], tablefmt="github"))
        notes = "".join(f"\nNote: {n}" for n in plan.notes)
        links = "".join(f"\n- {t}" for t in course_links(days, labels))
        return terminal(f"{head}{notes}\n\n{table}" + (f"\n\nCourses:{links}" if links else ""))
    table = fit_table(rows, ["date", "day", "phase", "min", "tasks"], width, wrap_columns=(2, 4),
                      colalign=("left", "left", "left", "right", "left"))
    notes = "".join("\n" + wrap(n, width, "Note: ") for n in plan.notes)
    links = "".join("\n" + wrap(t, width, "  - ") for t in course_links(days, labels))
    return terminal(f"{wrap(head, width)}{notes}\n\n{table}" + (f"\n\nCourses:{links}" if links else ""))


def phase_name(phase: str) -> str:
    """A phase as words: 'final_review' -> 'final review'."""
    return phase.replace("_", " ")


def course_links(days: list[Day], labels: PlanLabels) -> list[str]:
    """'Production ML Systems (Google Cloud): https://...' for each course the days hold, in order."""
    seen: dict[str, None] = {}
    for d in days:
        for t in d.tasks:
            if t.kind == TaskKind.COURSE and t.course_id:
                seen.setdefault(t.course_id, None)
    return [labels.course_line(c) for c in seen]


def plan_summary(report: PlanReport, width: int = DEFAULT_WIDTH) -> str:
    """What `plan create` and `replan` print: the plan's span and figures, and its notes."""
    plan = report.plan
    lines = [wrap(f"{report.headline}: {plan.start if report.since is None else report.since} to the exam on "
                  f"{plan.exam_date} ({plural(report.study_days, 'study day')}, {plural(report.new_cards, 'new card')}, "
                  f"new cards done by {report.last_new_card}, up to {plan.minutes_per_day} min a day).", width)]
    lines.extend(wrap(n, width, "Note: ") for n in plan.notes)
    return terminal("\n".join(lines))


def today_text(report: TodayReport, width: int = DEFAULT_WIDTH) -> str:
    """Today's tasks for the terminal, wrapped to *width* columns, with today's course links."""
    lines = [wrap(f"{report.date:%A %Y-%m-%d} · {report.exam} · {phase_name(report.phase)} · "
                  f"{plural(report.days_left, 'day')} to the exam on {report.exam_date}", width)]
    if report.planned:
        lines.append("Planned:")
        lines.extend(wrap(task_summary(t, report.labels), width, "  - ") for t in report.planned)
        day = Day(report.date, report.phase, tuple(report.planned))
        lines.extend(wrap(link, width, "  Course: ", " " * 4) for link in course_links([day], report.labels))
    lines.append(wrap(f"Now: {plural(report.due_now, 'card')} due, {plural(report.new_left, 'new card')} and "
                      f"{plural(report.course_left, 'course minute')} left today, about {report.minutes} min", width))
    lines.append(wrap(report.status_line, width))
    return terminal("\n".join(lines))
