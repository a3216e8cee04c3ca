"""What the daily commands read, in plain SQL (`db.sql`): the learner, the active plan, what
is due and introduced, the course log, readiness, the stats counts, the remembered deck
files and imported cards. `today`, `stats` and a review run these on SQLite's own driver
without importing SQLAlchemy (`Workspace.reading`); every other caller runs the same
statements through its session.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from studyplan.db.sql import Rows, as_date, as_datetime, as_day, day_number, scalar
from studyplan.metrics import MATURE_DAYS, PASS_GRADE, RETENTION_WINDOW, DomainRecall, retention
from studyplan.plan import Day, Plan, Task, TaskKind

DECK_SOURCE = "deck:"
ANKI_SOURCE = "anki:"


def existing_learner_id(db: Rows, name: str) -> int | None:
    """The learner's id, or None when the name is not on the database (never creates one)."""
    return scalar(db, "SELECT id FROM learner WHERE name = :name", {"name": name})


# --------------------------------------------------------------------------- the plan

_ACTIVE = "FROM plan WHERE learner_id = :learner AND active = :yes ORDER BY id DESC LIMIT 1"  # the newest, should a race leave two


def task_kind(value: str) -> TaskKind:
    """A stored task kind; FREE for one this release does not know."""
    try:
        return TaskKind(value)
    except ValueError:
        return TaskKind.FREE


def active_plan_exam(db: Rows, learner_id: int) -> tuple[str, date] | None:
    """(exam, exam date) of the learner's active plan, or None, without reading its days."""
    found = db.rows(f"SELECT exam_id, exam_date {_ACTIVE}", {"learner": learner_id, "yes": True})
    return None if not found else (found[0][0], as_date(found[0][1]))  # type: ignore[return-value]


def plan_made_on(db: Rows, learner_id: int) -> date | None:
    """The day the learner's active plan was made (created or replanned)."""
    made = as_datetime(scalar(db, f"SELECT created_at {_ACTIVE}", {"learner": learner_id, "yes": True}))
    return made.date() if made is not None else None


def active_plan(db: Rows, learner_id: int) -> Plan | None:
    """The learner's active plan, or None (three reads of plain rows: no objects for the
    thousands of tasks of a long plan, which every `today` reads)."""
    found = db.rows("SELECT id, exam_id, background, start, exam_date, minutes_per_day, study_days, days_off, "
                    f"long_days, new_cards_limit, skip_courses, notes {_ACTIVE}", {"learner": learner_id, "yes": True})
    if not found:
        return None
    plan_id, exam, background, start, exam_date, minutes, study_days, days_off, long_days, limit, skip, notes = found[0]
    tasks: dict[int, list[Task]] = {}
    for day_id, kind, task_minutes, count, domain, course_id, module, continued, title in db.rows(
            'SELECT t.plan_day_id, t.kind, t.minutes, t."count", t.domain, t.course_id, t.module, t.continued, t.title '
            "FROM plan_task t JOIN plan_day d ON d.id = t.plan_day_id WHERE d.plan_id = :plan "
            "ORDER BY t.plan_day_id, t.position", {"plan": plan_id}):
        tasks.setdefault(day_id, []).append(Task(
            kind=task_kind(kind), minutes=task_minutes, count=count, domain=domain, course_id=course_id,
            module=module, continued=bool(continued), label="" if course_id else title))
    days = tuple(Day(date=as_date(day), phase=phase, tasks=tuple(tasks.get(day_id, ())))  # type: ignore[arg-type]
                 for day_id, day, phase in db.rows(
                     "SELECT id, day, phase FROM plan_day WHERE plan_id = :plan ORDER BY day", {"plan": plan_id}))
    return Plan(
        exam=exam, background=background, start=as_date(start), exam_date=as_date(exam_date),  # type: ignore[arg-type]
        minutes_per_day=minutes,
        study_weekdays=tuple(int(x) for x in study_days.split(",") if x),
        days_off=tuple(date.fromisoformat(x) for x in days_off.split(",") if x),
        days=days, long_days=tuple(int(x) for x in long_days.split(",") if x),
        new_cards_limit=limit, skip_courses=tuple(x for x in skip.split(",") if x),
        notes=tuple(x for x in notes.split("\n") if x),
    )


def course_days(db: Rows, learner_id: int, start: date, end: date) -> dict[date, int]:
    """Minutes of course work and practice exams checked off per day in [start, end]."""
    rows = db.rows("SELECT day, SUM(minutes) FROM course_log WHERE learner_id = :learner AND day >= :start "
                   "AND day <= :end GROUP BY day", {"learner": learner_id, "start": start, "end": end})
    return {as_date(day): int(n or 0) for day, n in rows}  # type: ignore[misc]


# --------------------------------------------------------------------------- cards studied

_STATE_OF_EXAMS = ('FROM card_state s JOIN card c ON c."key" = s.card_key '
                   "WHERE s.learner_id = :learner AND c.exam_id IN :exams")


def count_due(db: Rows, learner_id: int, today: date, exams: list[str]) -> int:
    """Cards due today or earlier among *exams* (suspended and retired excluded)."""
    return int(scalar(db, f"SELECT COUNT(*) {_STATE_OF_EXAMS} AND s.due <= :today AND s.suspended = :no "
                          "AND c.retired_at IS NULL",
                      {"learner": learner_id, "exams": exams, "today": day_number(today), "no": False}) or 0)


def introduced_between(db: Rows, learner_id: int, start: date, end: date, exams: list[str]) -> int:
    """Cards of *exams* first introduced on a day in [start, end] (suspended ones included:
    they were studied)."""
    if end < start:
        return 0
    return int(scalar(db, f"SELECT COUNT(*) {_STATE_OF_EXAMS} AND s.introduced_on >= :start "
                          "AND s.introduced_on <= :end",
                      {"learner": learner_id, "exams": exams, "start": day_number(start),
                       "end": day_number(end)}) or 0)


def reviews_per_day(db: Rows, learner_id: int, start: date, end: date) -> dict[date, int]:
    """Graded reviews (practice excluded) per day in [start, end]."""
    rows = db.rows("SELECT review_day, COUNT(*) FROM review_log WHERE learner_id = :learner AND practice = :no "
                   "AND review_day >= :start AND review_day <= :end GROUP BY review_day",
                   {"learner": learner_id, "no": False, "start": day_number(start), "end": day_number(end)})
    return {as_day(day): int(n) for day, n in rows if day is not None}  # type: ignore[misc]


def due_forecast(db: Rows, learner_id: int, start: date, end: date) -> dict[date, int]:
    """Cards falling due on each day in [start, end]; overdue cards count on *start*."""
    rows = db.rows('SELECT s.due, COUNT(*) FROM card_state s JOIN card c ON c."key" = s.card_key '
                   "WHERE s.learner_id = :learner AND s.suspended = :no AND c.retired_at IS NULL "
                   "AND s.due IS NOT NULL AND s.due <= :end GROUP BY s.due",
                   {"learner": learner_id, "no": False, "end": day_number(end)})
    out: dict[date, int] = {}
    for due, n in rows:
        key = max(as_day(due) or start, start)
        out[key] = out.get(key, 0) + int(n)
    return out


# --------------------------------------------------------------------------- readiness

def domain_slugs(db: Rows, exam: str) -> dict[int, str]:
    """Domain id -> slug for *exam*."""
    return dict(db.rows("SELECT id, slug FROM domain WHERE exam_id = :exam", {"exam": exam}))


def review_outcomes(db: Rows, learner_id: int) -> tuple[int, int]:
    """(reviews of learned cards, of which passed with grade >= 3) over the learner's last
    metrics.RETENTION_WINDOW such reviews: the learner's retention."""
    n, ok = db.rows(
        "SELECT COUNT(*), SUM(CASE WHEN grade >= :pass THEN 1 ELSE 0 END) FROM (SELECT grade FROM review_log "
        "WHERE learner_id = :learner AND practice = :no AND prev_repetitions > 0 "
        "ORDER BY review_day DESC LIMIT :window) recent",
        {"learner": learner_id, "no": False, "pass": PASS_GRADE, "window": RETENTION_WINDOW})[0]
    return int(n or 0), int(ok or 0)


def recall_by_domain(db: Rows, learner_id: int, exam: str, on: date, base: float) -> dict[str, DomainRecall]:
    """Per domain slug of *exam*: its active cards (suspended and retired left out) and the
    sum of their predicted recall on *on* (metrics.card_recall, summed in SQL: one pass over
    the exam's cards, however many the learner has studied)."""
    rows = db.rows(
        'SELECT c.domain_id, COUNT(*), COUNT(CASE WHEN s.suspended = :yes THEN 1 END), '
        'SUM(CASE WHEN s.suspended = :no AND s.introduced_on IS NOT NULL AND s."interval" > 0 AND s.due IS NOT NULL '
        'THEN power(CAST(:base AS FLOAT), CAST(CASE WHEN s.due - s."interval" > :on THEN 0 '
        'ELSE :on - (s.due - s."interval") END AS FLOAT) / s."interval") END) '
        'FROM card c LEFT OUTER JOIN card_state s ON s.card_key = c."key" AND s.learner_id = :learner '
        "WHERE c.exam_id = :exam AND c.retired_at IS NULL GROUP BY c.domain_id",
        {"learner": learner_id, "exam": exam, "on": day_number(on), "base": base, "yes": True, "no": False})
    slugs = domain_slugs(db, exam)
    return {slugs[domain]: DomainRecall(int(n) - int(suspended), float(total or 0.0))
            for domain, n, suspended, total in rows if domain in slugs}


def exam_recall(db: Rows, learner_id: int, exam: str, on: date) -> dict[str, DomainRecall]:
    """recall_by_domain at the learner's own retention (metrics.retention of their
    review_outcomes): what metrics.readiness weighs, for `today`, `stats` and `cohort`."""
    return recall_by_domain(db, learner_id, exam, on, retention(*review_outcomes(db, learner_id)))


# --------------------------------------------------------------------------- stats

def domain_card_stats(db: Rows, learner_id: int | None, exam: str) -> dict[str, dict[str, int]]:
    """Per domain slug of *exam*: total, new, learning, mature, suspended, leeches (for a
    learner not on the database, None: every card new)."""
    studied = "s.card_key IS NOT NULL AND s.suspended = :no AND s.introduced_on IS NOT NULL"
    rows = db.rows(  # grouped by domain id: the exam's cards come from the covering index
        "SELECT c.domain_id, COUNT(*), "
        f'SUM(CASE WHEN {studied} AND s."interval" >= :mature THEN 1 ELSE 0 END), '
        f'SUM(CASE WHEN {studied} AND s."interval" < :mature THEN 1 ELSE 0 END), '
        "SUM(CASE WHEN s.suspended = :yes THEN 1 ELSE 0 END), SUM(CASE WHEN s.leech = :yes THEN 1 ELSE 0 END) "
        'FROM card c LEFT OUTER JOIN card_state s ON s.card_key = c."key" AND s.learner_id = :learner '
        "WHERE c.exam_id = :exam AND c.retired_at IS NULL GROUP BY c.domain_id",
        {"learner": learner_id, "exam": exam, "mature": MATURE_DAYS, "yes": True, "no": False})
    slugs = domain_slugs(db, exam)
    out = {}
    for domain, total, mature, learning, suspended, leeches in rows:
        if domain not in slugs:
            continue
        mature, learning, suspended, leeches = (int(x or 0) for x in (mature, learning, suspended, leeches))
        out[slugs[domain]] = {"total": total, "new": total - mature - learning - suspended, "learning": learning,
                              "mature": mature, "suspended": suspended, "leeches": leeches}
    return out


def retention_by_domain(db: Rows, learner_id: int, exam: str, since: date) -> dict[str, tuple[int, int]]:
    """Per domain slug: (reviews of already-learned cards since *since*, of which passed with >= 3)."""
    rows = db.rows(  # the reviews counted per card first: one card lookup per card, not per review
        "SELECT c.domain_id, SUM(per_card.n), SUM(per_card.ok) FROM card c JOIN ("
        "SELECT card_key, COUNT(*) AS n, SUM(CASE WHEN grade >= :pass THEN 1 ELSE 0 END) AS ok FROM review_log "
        "WHERE learner_id = :learner AND practice = :no AND review_day >= :since AND prev_repetitions > 0 "
        'GROUP BY card_key) per_card ON c."key" = per_card.card_key WHERE c.exam_id = :exam GROUP BY c.domain_id',
        {"learner": learner_id, "exam": exam, "since": day_number(since), "pass": PASS_GRADE, "no": False})
    slugs = domain_slugs(db, exam)
    return {slugs[domain]: (int(n), int(ok or 0)) for domain, n, ok in rows if domain in slugs}


def leech_cards(db: Rows, learner_id: int, exam: str) -> list[tuple[str, str]]:
    """(card id, front) of the learner's leeches in *exam*."""
    return [(i, f) for i, f in db.rows(
        'SELECT c.id, c.front FROM card c JOIN card_state s ON s.card_key = c."key" AND s.learner_id = :learner '
        "WHERE s.leech = :yes AND c.exam_id = :exam ORDER BY c.id", {"learner": learner_id, "exam": exam, "yes": True})]


# --------------------------------------------------------------------------- the decks as last read

class RememberedFile(NamedTuple):
    """A deck file as the store last read it (a `deck_file` row)."""

    path: str
    exam_id: str
    label: str
    role: str
    domain: str
    verified: date | None
    line: int
    size: int
    mtime_ns: int
    digest: str
    version: str
    first_position: int
    cards: int
    scenarios: int


def deck_files(db: Rows) -> list[RememberedFile]:
    """Every deck file remembered, as last read."""
    return [RememberedFile(path, exam_id, label, role, domain, as_date(verified), *rest)
            for path, exam_id, label, role, domain, verified, *rest in db.rows(
                "SELECT path, exam_id, label, role, domain, verified, line, size, mtime_ns, digest, version, "
                "first_position, cards, scenarios FROM deck_file")]


def imported_tally(db: Rows) -> dict[str, tuple[tuple[str, str, int], ...]]:
    """Live imported (Anki) cards per exam: (domain slug, style, count) each."""
    # The card table alone, and a range rather than LIKE: SQLite serves it from the source index.
    rows = db.rows("SELECT exam_id, domain_id, style, COUNT(*) FROM card WHERE source >= :low AND source < :high "
                   "AND retired_at IS NULL GROUP BY exam_id, domain_id, style",
                   {"low": ANKI_SOURCE, "high": ANKI_SOURCE[:-1] + chr(ord(ANKI_SOURCE[-1]) + 1)})
    if not rows:
        return {}
    slugs = dict(db.rows("SELECT id, slug FROM domain WHERE id IN :ids", {"ids": sorted({d for _e, d, _s, _n in rows})}))
    out: dict[str, list[tuple[str, str, int]]] = {}
    for exam_id, domain, style, n in rows:
        out.setdefault(exam_id, []).append((slugs[domain], style, int(n)))
    return {exam_id: tuple(sorted(found)) for exam_id, found in out.items()}
