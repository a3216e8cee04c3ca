"""Text views of the catalog for the terminal: pure functions returning strings."""

from __future__ import annotations

from datetime import date

from tabulate import tabulate

from studyplan.catalog import Catalog, Exam
from studyplan.deck_rules import StaleDomain
from studyplan.text import one_line


def exam_status(exam: Exam, today: date) -> str:
    """'active', 'retiring 2026-06-30' or 'retired 2026-03-31 -> successor'."""
    if exam.retirement_date is None:
        return exam.status if exam.status != "retired" else "retired"
    if exam.retired_by(today):
        text = f"retired {exam.retirement_date.isoformat()}"
    else:
        text = f"retires {exam.retirement_date.isoformat()}"
    return f"{text} -> {exam.successor}" if exam.successor else text


def exams_table(catalog: Catalog, today: date) -> str:
    """One row per exam: facts, status and card counts."""
    rows = []
    for exam in sorted(catalog.exams.values(), key=lambda e: (e.kind != "exam", e.id)):
        rows.append([
            exam.id,
            exam.name,
            exam_status(exam, today),
            f"{exam.duration_minutes} min" if exam.duration_minutes else "-",
            exam.questions or "-",
            f"${exam.price_usd:g}" if exam.price_usd else "-",
            exam.passing_score or "-",
            len(exam.domains),
            exam.card_total,
        ])
    return str(tabulate(rows, headers=["exam", "name", "status", "time", "questions", "price", "pass", "domains", "cards"],
                    maxcolwidths=[None, 36, 18, None, None, None, None, None, None]))


def exam_detail(exam: Exam, today: date) -> str:
    """One exam's facts and its domains with weights and card counts."""
    facts = [
        ("exam", f"{exam.name} ({exam.id})"),
        ("provider", exam.provider + (f", code {exam.code}" if exam.code else "")),
        ("status", exam_status(exam, today)),
        ("format", ", ".join(x for x in (
            f"{exam.duration_minutes} minutes" if exam.duration_minutes else "",
            f"{exam.questions} questions" if exam.questions else "",
            f"${exam.price_usd:g}" if exam.price_usd else "",
            f"passing score {exam.passing_score}" if exam.passing_score else "passing score not published",
        ) if x)),
        ("guide", ", ".join(x for x in (exam.guide_version, exam.guide_date.isoformat() if exam.guide_date else "", exam.guide_url) if x)),
    ]
    if exam.notes:
        facts.append(("notes", exam.notes))
    for i, r in enumerate(sorted(exam.renames, key=lambda r: (r.date, r.old))):
        facts.append(("renames" if i == 0 else "", f"{one_line(r.old)} -> {one_line(r.new)}, {r.date.isoformat()}"))
    counts, scenarios = exam.card_counts(), exam.card_counts("scenario")
    rows = []
    for d in exam.domains:
        published = f"{d.weight_range[0]:.0%}-{d.weight_range[1]:.0%}" if d.weight_range else ""
        scenario = scenarios.get(d.id, 0)
        verified = exam.verified(d.id)
        rows.append([d.id, d.name, f"{d.weight:.1%}", published, counts.get(d.id, 0), scenario,
                     verified.isoformat() if verified else ("never" if exam.kind == "exam" else "-")])
    rows.append(["", "total", f"{sum(d.weight for d in exam.domains):.0%}", "", exam.card_total,
                 sum(scenarios.values()), ""])
    head = "\n".join(f"{k:>9}: {v}" if k else f"{'':>9}  {v}" for k, v in facts)
    table = tabulate(rows, headers=["domain", "name", "weight", "guide", "cards", "scenario", "verified"])
    return f"{head}\n\n{table}"


def stale_text(stale: list[StaleDomain], days: int) -> str:
    """The domain files verified more than *days* days ago or never, one row each."""
    if not stale:
        return f"stale: none (every exam domain file was verified in the last {days} days)"
    rows = [[one_line(s.exam), one_line(s.domain), one_line(s.file), s.verified.isoformat() if s.verified else "never",
             f"{s.age_days} days" if s.age_days is not None else "-"] for s in stale]
    title = f"stale: {len(stale)} domain file(s) verified more than {days} days ago or never"
    return title + "\n" + str(tabulate(rows, headers=["exam", "domain", "file", "verified", "age"]))
