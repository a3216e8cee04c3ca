"""Text views of the catalog for the terminal: pure functions returning strings."""

from __future__ import annotations

from datetime import date

from studyplan.advice import Advice
from studyplan.catalog import Catalog, Exam
from studyplan.deck_rules import StaleDomain
from studyplan.layout import DEFAULT_WIDTH, fit_table, plural, wrap
from studyplan.text import one_line, safe_rows, terminal


def exam_status(exam: Exam, today: date) -> str:
    """'active', 'retiring 2026-06-30' or 'retired 2026-03-31 -> successor'."""
    if exam.retirement_date is None:
        return exam.status if exam.status != "retired" else "retired"
    if exam.retired_by(today):
        text = f"retired {exam.retirement_date.isoformat()}"
    else:
        text = f"retires {exam.retirement_date.isoformat()}"
    return f"{text} -> {exam.successor}" if exam.successor else text


def exam_format(exam: Exam) -> str:
    """'130 min, 65 questions, $150, pass 720/1000': the sitting's facts in one phrase."""
    return ", ".join(x for x in (
        f"{exam.duration_minutes} min" if exam.duration_minutes else "",
        f"{exam.questions} questions" if exam.questions else "",
        f"${exam.price_usd:g}" if exam.price_usd else "",
        f"pass {exam.passing_score}" if exam.passing_score else "",
    ) if x) or "-"


def exams_table(catalog: Catalog, today: date, width: int = DEFAULT_WIDTH) -> str:
    """One row per exam: facts, status and card counts, wrapped to *width* columns."""
    rows = []
    for exam in sorted(catalog.exams.values(), key=lambda e: (e.kind != "exam", e.id)):
        rows.append([exam.id, exam.name, exam_status(exam, today), exam_format(exam), len(exam.domains),
                     exam.card_total])
    return fit_table(safe_rows(rows), ["exam", "name", "status", "format", "domains", "cards"], width, wrap_columns=(1, 2, 3),
                     colalign=("left", "left", "left", "left", "right", "right"))


def exam_record(exam: Exam, today: date, domains: bool = False) -> dict[str, object]:
    """An exam's facts and card counts as a JSON-ready record; with *domains*, each
    domain's weight, card counts and verified date too (deck text as data, unescaped)."""
    record: dict[str, object] = {
        "id": exam.id, "name": exam.name, "provider": exam.provider, "code": exam.code, "kind": exam.kind,
        "status": exam_status(exam, today), "duration_minutes": exam.duration_minutes, "questions": exam.questions,
        "price_usd": exam.price_usd, "passing_score": exam.passing_score, "guide_version": exam.guide_version,
        "guide_date": exam.guide_date.isoformat() if exam.guide_date else None, "guide_url": exam.guide_url,
        "domains": len(exam.domains), "cards": exam.card_total,
    }
    if domains:
        counts, scenarios = exam.card_counts(), exam.card_counts("scenario")
        record["domains"] = [{
            "id": d.id, "name": d.name, "weight": d.weight, "cards": counts.get(d.id, 0),
            "scenario": scenarios.get(d.id, 0),
            "verified": v.isoformat() if (v := exam.verified(d.id)) else None,
        } for d in exam.domains]
        record["renames"] = [{"old": r.old, "new": r.new, "date": r.date.isoformat()} for r in exam.renames]
    return record


def exam_detail(exam: Exam, today: date, width: int = DEFAULT_WIDTH) -> str:
    """One exam's facts and its domains with weights and card counts, wrapped to *width* columns."""
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
    head = "\n".join(wrap(v, width, f"{k:>9}: " if k else " " * 11, " " * 11) for k, v in facts)
    table = fit_table(safe_rows(rows), ["domain", "name", "weight", "guide", "cards", "scenario", "verified"], width,
                      wrap_columns=(1, 3), colalign=("left", "left", "right", "left", "right", "right", "left"))
    return terminal(f"{head}\n\n{table}")


def stale_text(stale: list[StaleDomain], days: int, width: int = DEFAULT_WIDTH) -> str:
    """The domain files verified more than *days* days ago or never, one row each."""
    if not stale:
        return f"stale: none (every exam domain file was verified in the last {days} days)"
    rows = [[one_line(s.exam), one_line(s.domain), one_line(s.file), s.verified.isoformat() if s.verified else "never",
             f"{s.age_days} days" if s.age_days is not None else "-"] for s in stale]
    title = f"stale: {plural(len(stale), 'domain file')} verified more than {days} days ago or never"
    return title + "\n" + fit_table(rows, ["exam", "domain", "file", "verified", "age"], width, wrap_columns=(2,))


def advice_text(advice: Advice, exam_name: str, width: int = DEFAULT_WIDTH) -> str:
    """What `advise` prints: the recommendation, why, the courses and the next command,
    wrapped to *width* columns at spaces (never inside a word)."""
    if advice.certify:
        head = (f"Recommendation: {exam_name} ({advice.exam}), background '{advice.background}', "
                f"prepare {advice.prep}.")
    else:
        head = "Recommendation: skip certification for now and build a portfolio project instead."
    lines = [wrap(head, width), "Why:"]
    lines.extend(wrap(reason, width, "  - ") for reason in advice.reasons)
    lines.append("Courses, in order:")
    lines.extend(wrap(course, width, "  - ") for course in advice.courses)
    if advice.certify:
        lines.append(wrap(f"studyplan plan create --exam {advice.exam} --background {advice.background}", width,
                          "Next: ", " " * 6))
    return "\n".join(lines)
