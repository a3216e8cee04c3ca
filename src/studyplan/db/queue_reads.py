"""What a review session reads to build today's queue, in plain SQL (`db.sql`): the plan's
tasks for the day, the due cards, new cards, re-asks and drills. A review started on a
SQLite file runs these on the driver alone (`Workspace.reading`); any other database
runs the same statements through its session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from studyplan.db.reads import task_kind
from studyplan.db.sql import Rows, as_day, day_number, scalar
from studyplan.plan import Task
from studyplan.queue import QueueCard, interleave


@dataclass(frozen=True, slots=True)
class PlanToday:
    """What the queue needs of the learner's active plan: its exam, background and the
    tasks planned on one day (none outside the plan)."""
    exam: str
    background: str
    tasks: tuple[Task, ...]


def plan_today(db: Rows, learner_id: int, day: date) -> PlanToday | None:
    """The active plan's exam and background with the tasks of *day*, or None without a
    plan; one indexed read of the plan row, its day and that day's tasks (not the plan)."""
    rows = db.rows(
        'SELECT p.exam_id, p.background, t.kind, t.domain, t."count" FROM plan p '
        "LEFT JOIN plan_day d ON d.plan_id = p.id AND d.day = :day LEFT JOIN plan_task t ON t.plan_day_id = d.id "
        "WHERE p.id = (SELECT max(id) FROM plan WHERE learner_id = :learner AND active = :yes) ORDER BY t.position",
        {"learner": learner_id, "day": day, "yes": True})
    if not rows:
        return None
    tasks = tuple(Task(kind=task_kind(kind), count=count, domain=domain) for _e, _b, kind, domain, count in rows
                  if kind is not None)
    return PlanToday(rows[0][0], rows[0][1], tasks)


# The due cards, only what orders them: the (learner, due) index, then each card's row by
# its key. They are read in runs of whole due days, most overdue first: a queue with a limit
# stops once every domain has its share of it (see `due_cards`), so a learner with thousands
# of cards due reads a few hundred. The texts are read afterwards for the cards kept.
_DUE = ('SELECT s.card_key, s.due, d.slug FROM card_state s JOIN card c ON c."key" = s.card_key '
        "JOIN domain d ON d.id = c.domain_id "
        "WHERE s.learner_id = :learner AND s.due > :after AND s.due <= :upto AND s.suspended = :no "
        "AND c.retired_at IS NULL")
_DUE_ORDER = " ORDER BY s.due, c.position, s.card_key"
# The last due day of the next run: the day of the run_size-th due card after *after*.
_RUN_END = ("SELECT due FROM card_state WHERE learner_id = :learner AND due > :after AND due <= :today "
            "AND suspended = :no ORDER BY due LIMIT 1 OFFSET :skip")
DUE_RUN = 500  # due cards (of any exam) in the first run, before its last day is completed
_TEXT_BATCH = 500  # keys per IN list: well under every driver's parameter limit


def due_cards(db: Rows, learner_id: int, today: date, exams: Sequence[str] | None = None,
              domain: str | None = None, limit: int | None = None) -> list[QueueCard]:
    """Cards due today or earlier, most overdue first, domains interleaved: the first
    *limit* of them (all without one). Only *exams*' cards when given.

    With a limit, the due days are read in runs, oldest first, until every domain the
    queue can hold has ceil(limit / domains) cards: the first *limit* of the interleaving
    of everything due are then among them (each domain gives at most that many, and every
    domain's first card, which sets the order of domains, has been seen). The texts are
    read only for the cards kept.
    """
    if exams is not None and not exams:
        return []
    params: dict = {"learner": learner_id, "today": day_number(today), "no": False}
    sql, lanes = _DUE, "SELECT DISTINCT slug FROM domain"
    if exams is not None:
        sql, params["exams"] = sql + " AND c.exam_id IN :exams", list(exams)
        lanes += " WHERE exam_id IN :exams"
    if domain:
        sql, params["domain"] = sql + " AND d.slug = :domain", domain
    share = None
    if limit is not None:
        slugs = {domain} if domain else {slug for (slug,) in db.rows(lanes, params)}
        share = -(-limit // max(1, len(slugs)))
    found: list[tuple] = []
    per_lane: dict[str, int] = {}
    after, run = -(2**31), DUE_RUN  # before every day number; runs double, so a queue that fills late takes few
    while True:
        end = None if share is None else scalar(db, _RUN_END, dict(params, after=after, skip=run - 1))
        upto = params["today"] if end is None else end
        for row in db.rows(sql + _DUE_ORDER, dict(params, after=after, upto=upto)):
            found.append(row)
            per_lane[row[2]] = per_lane.get(row[2], 0) + 1
        if upto == params["today"] or (share is not None and len(per_lane) >= len(slugs)
                                       and min(per_lane.values()) >= share):
            break
        after, run = upto, run * 2
    kept = interleave(found, lane=lambda row: row[2], limit=limit)
    return _with_texts(db, [(key, slug, False, as_day(due)) for key, due, slug in kept])


def _with_texts(db: Rows, picked: list[tuple[int, str, bool, date | None]]) -> list[QueueCard]:
    """QueueCards of (key, domain slug, new, due), in that order, with their texts read by key."""
    texts: dict[int, tuple] = {}
    keys = [key for key, *_ in picked]
    for i in range(0, len(keys), _TEXT_BATCH):
        texts.update((r[0], r) for r in db.rows('SELECT c."key", c.id, c.exam_id, c.front, c.back, c.source '
                                                'FROM card c WHERE c."key" IN :keys', {"keys": keys[i:i + _TEXT_BATCH]}))
    cards = []
    for key, slug, new, due in picked:
        _k, card_id, exam, front, back, source = texts[key]
        cards.append(QueueCard(card_id, exam, slug, front, back, source, new, due))
    return cards


def new_cards(db: Rows, learner_id: int, exam: str, per_domain: dict[str, int]) -> list[QueueCard]:
    """Cards never introduced to this learner, in deck order, up to a count per domain, interleaved.

    One query for every domain: each new card numbered within its domain (a window
    function), kept while its number is within the domain's count.
    """
    wanted = {slug: count for slug, count in per_domain.items() if count > 0}
    if not wanted:
        return []
    params: dict = {"learner": learner_id, "exam": exam, "slugs": list(wanted)}
    cases = []
    for i, (slug, count) in enumerate(wanted.items()):
        params[f"slug{i}"], params[f"count{i}"] = slug, count
        cases.append(f"WHEN :slug{i} THEN :count{i}")
    rows = db.rows(
        "SELECT id, exam_id, slug, front, back, source FROM ("
        "SELECT c.id, c.exam_id, d.slug, c.front, c.back, c.source, c.position, "
        "row_number() OVER (PARTITION BY c.domain_id ORDER BY c.position) AS numbered, "
        f"CASE d.slug {' '.join(cases)} ELSE 0 END AS wanted "
        "FROM card c JOIN domain d ON c.domain_id = d.id "
        'LEFT OUTER JOIN card_state s ON s.card_key = c."key" AND s.learner_id = :learner '
        "WHERE c.exam_id = :exam AND d.slug IN :slugs AND c.retired_at IS NULL AND s.card_key IS NULL) fresh "
        "WHERE numbered <= wanted ORDER BY slug, position", params)
    by_domain: dict[str, list[QueueCard]] = {slug: [] for slug in wanted}
    for r in rows:
        by_domain[r[2]].append(QueueCard(r[0], r[1], r[2], r[3], r[4], r[5], True))
    return interleave([card for slug in wanted for card in by_domain[slug]])


def introduced_on(db: Rows, learner_id: int, day: date, exam: str) -> dict[str, int]:
    """New cards introduced on *day* per domain slug."""
    return {slug: int(n) for slug, n in db.rows(
        'SELECT d.slug, COUNT(*) FROM card_state s JOIN card c ON c."key" = s.card_key '
        "JOIN domain d ON c.domain_id = d.id "
        "WHERE s.learner_id = :learner AND s.introduced_on = :day AND c.exam_id = :exam GROUP BY d.slug",
        {"learner": learner_id, "day": day_number(day), "exam": exam})}


def pending_reasks(db: Rows, learner_id: int, today: date) -> list[QueueCard]:
    """Cards whose latest grade of *today* (scheduled or practice) is below 4, oldest first.

    SM-2 asks them again the same day until they score 4 or 5; reading the log instead of
    the session's memory lets them survive a quit, Ctrl-C or the end of input. Suspended
    and retired cards are left out.
    """
    # The latest grade of each card today (practice IN (false, true): the log index's both
    # halves for the day), kept when below 4 and the card is neither suspended nor retired.
    rows = db.rows(
        "SELECT c.id, c.exam_id, d.slug, c.front, c.back, c.source, s.due FROM review_log r "
        "JOIN (SELECT max(id) AS id FROM review_log WHERE learner_id = :learner AND practice IN (:no, :yes) "
        "AND review_day = :today GROUP BY card_key) latest ON latest.id = r.id "
        'JOIN card c ON c."key" = r.card_key JOIN domain d ON d.id = c.domain_id '
        'JOIN card_state s ON s.card_key = c."key" AND s.learner_id = :learner '
        "WHERE r.grade < 4 AND s.suspended = :no AND c.retired_at IS NULL ORDER BY r.id",
        {"learner": learner_id, "today": day_number(today), "no": False, "yes": True})
    return [QueueCard(r[0], r[1], r[2], r[3], r[4], r[5], False, as_day(r[6])) for r in rows]


def drill_cards(db: Rows, learner_id: int, exam: str, today: date, per_domain: dict[str, int]) -> list[QueueCard]:
    """Introduced cards of *exam* that are not due and not drilled today, weakest first
    (most lapses, lowest E-Factor), up to a count per domain slug, domains interleaved."""
    picked: list[QueueCard] = []
    for slug, count in per_domain.items():
        if count <= 0:
            continue
        rows = db.rows(
            "SELECT c.id, c.exam_id, d.slug, c.front, c.back, c.source, s.due FROM card c "
            'JOIN card_state s ON s.card_key = c."key" AND s.learner_id = :learner '
            "JOIN domain d ON c.domain_id = d.id "
            "WHERE c.exam_id = :exam AND d.slug = :slug AND c.retired_at IS NULL AND s.suspended = :no "
            # coalesce: not the (learner, due) index, which would walk every card not due; the
            # domain's cards, each with its state, are far fewer
            "AND s.introduced_on IS NOT NULL AND coalesce(s.due, NULL) > :today "
            'AND c."key" NOT IN (SELECT card_key FROM review_log WHERE learner_id = :learner AND practice = :yes '
            "AND review_day = :today AND drill = :yes) "
            "ORDER BY s.lapses DESC, s.easiness, s.due DESC, c.position LIMIT :count",
            {"learner": learner_id, "exam": exam, "slug": slug, "today": day_number(today), "no": False, "yes": True,
             "count": count})
        picked.extend(QueueCard(r[0], r[1], r[2], r[3], r[4], r[5], False, as_day(r[6])) for r in rows)
    return interleave(picked)


def drills_on(db: Rows, learner_id: int, day: date) -> dict[str, int]:
    """Drills graded on *day* per domain slug."""
    return {slug: int(n) for slug, n in db.rows(
        'SELECT d.slug, COUNT(*) FROM review_log r JOIN card c ON c."key" = r.card_key '
        "JOIN domain d ON c.domain_id = d.id WHERE r.learner_id = :learner AND r.practice = :yes "
        "AND r.review_day = :day AND r.drill = :yes GROUP BY d.slug",  # a drill is a practice grade
        {"learner": learner_id, "day": day_number(day), "yes": True})}
