"""Benchmark: today's queue and grade-and-next on a big database (issue 5).

The database: 50,000 cards (one exam, 10 domains), one learner with 30,000 cards
introduced (a few hundred due today, the rest due over the next months, 1% suspended)
and 1,000,000 logged reviews. ``open_database`` creates the schema, then the rows go in
with raw ``executemany`` inside one transaction; the built file is kept in a temporary
folder for this run and copied for every measurement that writes.

Measured, each beside raw ``sqlite3`` doing the same reads and writes in the same run,
with the same pragmas (WAL, synchronous FULL, foreign keys, BEGIN IMMEDIATE):

(a) today's queue: ``due_cards`` + ``new_cards`` (the store functions the review command
    uses), against the same two SELECTs (due cards joined to card and domain, ordered by
    due date then deck position; never-introduced cards per domain in deck order), both
    followed by the same round-robin over domains. Also ``study_review.start_review`` end to end.
(b) grade and show the next card, per card: ``grade_card`` inside ``Session.begin()``
    plus the next card's row read in the same transaction, committed; against raw
    ``sqlite3``: BEGIN IMMEDIATE, select the state, update it, insert the log row, select
    the next card's row, COMMIT. Both apply the same ``sm2.review``. Also the product's
    own loop (``ReviewSession`` with a scripted console).
(c) peak memory: tracemalloc peak of a session in a fresh interpreter (imports, queue,
    200 grades, summary), and ru_maxrss of a child process running a scripted 200-card
    ``studyplan review`` through a pipe on a copy of the database.

Targets: (a) and (b) within 5x raw sqlite3, (b) under 2 ms per card, (c) under 100 MB.
Prints figures and ratios; asserts nothing about time.

Run: python benchmarks/bench_review.py
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from studyplan.db.engine import driver_transaction, open_database
from studyplan.db.models import CardRow, DomainRow
from studyplan.db.queue_reads import due_cards, new_cards
from studyplan.db.reviews import grade_card
from studyplan.db.sql import session_rows
from studyplan.metrics import split_by_weight
from studyplan.queue import QueueCard, interleave
from studyplan.sm2 import Sm2State, review
from studyplan.study_review import DEFAULT_NEW_PER_DAY, ReviewOptions, start_review

TODAY = date(2026, 3, 2)
EXAM = "bench"
DOMAINS = 10
CARDS = 50_000
INTRODUCED = 30_000
DUE_TODAY = 450          # due today or overdue (before suspensions)
REVIEWS = 1_000_000
GRADED = 200             # cards graded in (b) and (c)
QUEUE_REPEATS = 7
GRADE_REPEATS = 3
LEARNER = "default"
GRADES = (4, 5, 3, 4, 2, 5, 4, 4, 1, 5)


# ---------------------------------------------------------------- building the database

EPOCH = date(1970, 1, 1)


def _day(day: date) -> int:
    """A date as the history tables hold it (migration 0005): days since 1970-01-01."""
    return (day - EPOCH).days


def _dt(day: date, second: int) -> str:
    return f"{day.isoformat()} {second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d}.000000"


def _millis(day: date, second: int) -> int:
    """A time as review_log holds it: milliseconds since 1970-01-01 00:00."""
    return (_day(day) * 86400 + second) * 1000


def build_database(path: Path) -> dict[str, float]:
    """Schema by open_database, rows by raw executemany in one transaction; returns timings."""
    t0 = time.perf_counter()
    engine, _ = open_database(str(path))
    engine.dispose()
    t1 = time.perf_counter()
    rnd = random.Random(20260302)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO learner (id, name, created_at) VALUES (1, ?, ?)", (LEARNER, _dt(TODAY - timedelta(400), 0)))
    conn.execute("INSERT INTO exam (id, name, provider, kind, status) VALUES (?, 'Benchmark exam', 'bench', 'exam', 'active')",
                 (EXAM,))
    slugs = [f"domain-{d:02d}" for d in range(DOMAINS)]
    conn.executemany("INSERT INTO domain (id, exam_id, slug, name, weight, position) VALUES (?, ?, ?, ?, ?, ?)",
                     [(d + 1, EXAM, slug, f"Domain {d}", 1 / DOMAINS, d) for d, slug in enumerate(slugs)])
    per_domain = CARDS // DOMAINS
    cards = []
    for d, slug in enumerate(slugs):
        for n in range(per_domain):
            card_id = f"{EXAM}-{slug}-{n:05d}"
            front = (f"Card {n} of {slug}: a model's precision drops a week after launch while recall holds. "
                     "Which monitoring signal do you check first, and why?")
            back = (f"Training-serving skew on the changed features ({n}) first, then input drift. Skew is a "
                    "pipeline difference at the same time; drift is a change of the serving distribution over time.")
            cards.append((card_id, EXAM, d + 1, front, back, "scenario" if n % 3 == 0 else "recall",
                          f"{slug},monitoring", f"deck:decks/{EXAM}/{d + 1:02d}-{slug}.toml", n, f"{n:064x}", None))
    conn.executemany("INSERT INTO card (id, exam_id, domain_id, front, back, style, tags, source, position, "
                     "content_hash, retired_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cards)

    # The first 3,000 cards of each domain are introduced, spread over the past year.
    introduced_per_domain = INTRODUCED // DOMAINS
    keys = dict(conn.execute("SELECT id, key FROM card").fetchall())
    introduced = [c[0] for c in cards if c[8] < introduced_per_domain]
    due_now = set(rnd.sample(range(len(introduced)), DUE_TODAY))
    states, logs = [], []
    per_card = REVIEWS // len(introduced)
    extra = REVIEWS - per_card * len(introduced)
    for i, card_id in enumerate(introduced):
        intro = TODAY - timedelta(days=rnd.randint(30, 365))
        if i in due_now:
            due = TODAY - timedelta(days=rnd.randint(0, 6))
        else:
            due = TODAY + timedelta(days=rnd.randint(1, 240))
        easiness = round(rnd.uniform(1.3, 2.9), 2)
        repetitions = rnd.randint(1, 12)
        interval = max(1, (due - TODAY).days + rnd.randint(1, 60))
        lapses = rnd.choice((0, 0, 0, 1, 1, 2, 3))
        suspended = 1 if rnd.random() < 0.01 else 0
        states.append((1, keys[card_id], round(easiness * 1000), interval, repetitions, _day(due), lapses, suspended,
                       0, _day(intro)))
        count = per_card + (1 if i < extra else 0)
        span = max(1, (min(due, TODAY) - intro).days)
        prev = None
        for k in range(count):
            day = intro + timedelta(days=span * k // count)
            grade = GRADES[(i + k) % len(GRADES)]
            ef = round(rnd.uniform(1.3, 2.9) * 1000)
            ivl = 1 + k
            row_due = _day(day) + ivl
            logs.append((1, keys[card_id], _millis(day, 30_000 + k * 7), _day(day), grade, 0, ef, ivl, k + 1, row_due,
                         *(prev or (None,) * 6), rnd.uniform(2, 20)))
            prev = (ef, ivl, k + 1, row_due, 0, _day(intro))
    conn.executemany("INSERT INTO card_state (learner_id, card_key, easiness, interval, repetitions, due, lapses, "
                     "suspended, leech, introduced_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", states)
    conn.executemany("INSERT INTO review_log (learner_id, card_key, reviewed_at, review_day, grade, practice, easiness, "
                     "interval, repetitions, due, prev_easiness, prev_interval, prev_repetitions, prev_due, "
                     "prev_lapses, prev_introduced_on, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     logs)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    t3 = time.perf_counter()
    # The shipped decks, synced once through the real function so a later `review` finds nothing to add.
    from studyplan.study_cards import sync_decks
    from studyplan.workspace import Workspace

    ws = Workspace(db=str(path), today=TODAY)
    sync_decks(ws)
    ws.close()
    return {"schema": t1 - t0, "rows": t3 - t1, "sync": time.perf_counter() - t3}


def copy_database(source: Path, target: Path) -> Path:
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def raw_connect(path: Path) -> sqlite3.Connection:
    """A bare sqlite3 connection with the pragmas studyplan's engine sets."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("busy_timeout = 10000", "journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


# ---------------------------------------------------------------- (a) today's queue

RAW_DUE = """
SELECT card.id, card.exam_id, domain.slug, card.front, card.back, card.source, card_state.due
FROM card
JOIN card_state ON card_state.card_key = card.key AND card_state.learner_id = ?
JOIN domain ON card.domain_id = domain.id
WHERE card_state.due <= ? AND card_state.suspended = 0 AND card.retired_at IS NULL
ORDER BY card_state.due, card.position
"""

RAW_NEW = """
SELECT card.id, card.exam_id, domain.slug, card.front, card.back, card.source
FROM card
JOIN domain ON card.domain_id = domain.id
LEFT OUTER JOIN card_state ON card_state.card_key = card.key AND card_state.learner_id = ?
WHERE card.exam_id = ? AND domain.slug = ? AND card.retired_at IS NULL AND card_state.card_key IS NULL
ORDER BY card.position
LIMIT ?
"""


def per_domain_new(slugs: list[str]) -> dict[str, int]:
    return split_by_weight(DEFAULT_NEW_PER_DAY, {s: 1 / len(slugs) for s in slugs})


def queue_orm(sessions, lid: int, wanted: dict[str, int]) -> list[QueueCard]:
    with sessions.begin() as db:
        due = due_cards(session_rows(db), lid, TODAY)
        fresh = new_cards(session_rows(db), lid, EXAM, wanted)
    return due + interleave(fresh)


def queue_raw(conn: sqlite3.Connection, lid: int, wanted: dict[str, int]) -> list[QueueCard]:
    conn.execute("BEGIN IMMEDIATE")
    due = [QueueCard(r[0], r[1], r[2], r[3], r[4], r[5], False, EPOCH + timedelta(days=r[6]))
           for r in conn.execute(RAW_DUE, (lid, _day(TODAY)))]
    fresh = []
    for slug, count in wanted.items():
        fresh.extend(QueueCard(*r, True) for r in conn.execute(RAW_NEW, (lid, EXAM, slug, count)))
    conn.execute("COMMIT")
    return interleave(due) + interleave(interleave(fresh))


def timed(fn, repeats: int) -> tuple[object, float, float]:
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return result, statistics.median(times), min(times)


# ---------------------------------------------------------------- (b) grade and show the next

def grade_orm(sessions, lid: int, queue: list[QueueCard]) -> float:
    """Seconds per card: grade_card in Session.begin() plus the next card's row, committed."""
    now = datetime.combine(TODAY, datetime.min.time()).replace(hour=9)
    columns = select(CardRow.id, CardRow.exam_id, DomainRow.slug, CardRow.front, CardRow.back, CardRow.source) \
        .join(DomainRow, CardRow.domain_id == DomainRow.id)
    t0 = time.perf_counter()
    for i, card in enumerate(queue):
        with sessions.begin() as db:
            result = grade_card(db, lid, card, GRADES[i % len(GRADES)], now, TODAY, 5.0)
            assert result.log_id is not None, result.skipped
            if i + 1 < len(queue):
                db.execute(columns.where(CardRow.id == queue[i + 1].card_id)).one()
    return (time.perf_counter() - t0) / len(queue)


def on_copy(built: Path, copy: Path, run):
    """*run*(engine, sessions) on a fresh copy of the database *built*, opened and closed around it."""
    engine, sessions = open_database(str(copy_database(built, copy)))
    try:
        return run(engine, sessions)
    finally:
        engine.dispose()


def grade_driver(engine, lid: int, queue: list[QueueCard]) -> float:
    """Seconds per card as the review screen grades on a server database: grade_card in a
    driver_transaction (no ORM session) plus the next card's row, committed."""
    now = datetime.combine(TODAY, datetime.min.time()).replace(hour=9)
    t0 = time.perf_counter()
    for i, card in enumerate(queue):
        with driver_transaction(engine) as tx:
            result = grade_card(tx, lid, card, GRADES[i % len(GRADES)], now, TODAY, 5.0)
            assert result.log_id is not None, result.skipped
            if i + 1 < len(queue):
                tx.execute(RAW_CARD.replace("?", ":id"), {"id": queue[i + 1].card_id}).fetchone()
    return (time.perf_counter() - t0) / len(queue)


RAW_STATE = ("SELECT card.key, easiness, interval, repetitions, due, lapses, introduced_on, leech FROM card "
             "JOIN card_state ON card_state.card_key = card.key AND learner_id = ? WHERE card.id = ?")
RAW_UPDATE = ("UPDATE card_state SET easiness = ?, interval = ?, repetitions = ?, due = ?, lapses = ?, leech = ? "
              "WHERE learner_id = ? AND card_key = ?")
RAW_LOG = ("INSERT INTO review_log (learner_id, card_key, reviewed_at, review_day, grade, practice, easiness, interval, "
           "repetitions, due, prev_easiness, prev_interval, prev_repetitions, prev_due, prev_lapses, prev_introduced_on, "
           "seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
RAW_CARD = ("SELECT card.id, card.exam_id, domain.slug, card.front, card.back, card.source FROM card "
            "JOIN domain ON card.domain_id = domain.id WHERE card.id = ?")


def grade_raw(conn: sqlite3.Connection, lid: int, queue: list[QueueCard]) -> float:
    """The same reads and writes with bare sqlite3, one BEGIN IMMEDIATE ... COMMIT per card."""
    today = _day(TODAY)
    at = _millis(TODAY, 9 * 3600)
    t0 = time.perf_counter()
    for i, card in enumerate(queue):
        grade = GRADES[i % len(GRADES)]
        conn.execute("BEGIN IMMEDIATE")
        key, ef, ivl, reps, due, lapses, intro, leech = conn.execute(RAW_STATE, (lid, card.card_id)).fetchone()
        assert due is not None and due <= today
        before = Sm2State(easiness=ef / 1000, interval=ivl, repetitions=reps, due=EPOCH + timedelta(days=due))
        after = review(before, grade, TODAY)
        new_lapses = lapses + (grade < 3)
        after_due, after_ef = _day(after.due), round(after.easiness * 1000)
        conn.execute(RAW_UPDATE, (after_ef, after.interval, after.repetitions, after_due, new_lapses,
                                  int(leech or new_lapses >= 8), lid, key))
        conn.execute(RAW_LOG, (lid, key, at, today, grade, 0, after_ef,
                               after.interval, after.repetitions, after_due, ef, ivl, reps, due, lapses, intro, 5.0))
        if i + 1 < len(queue):
            conn.execute(RAW_CARD, (queue[i + 1].card_id,)).fetchone()
        conn.execute("COMMIT")
    return (time.perf_counter() - t0) / len(queue)


class ScriptedConsole:
    """Reveals every card, then grades 4 or 5 (no re-asks), quietly."""

    def __init__(self):
        self.shown = 0

    def front(self, card, progress):
        self.shown += 1

    def back(self, card):
        pass

    def read(self, revealed):
        if not revealed:
            return "reveal"
        return "5" if self.shown % 2 else "4"

    def say(self, text):
        pass

    def after(self, text):
        pass


def session_loop(db: Path, lid: int) -> tuple[float, int]:
    """Seconds per card of the product's own loop: ReviewSession over the workspace's transactions."""
    from studyplan.workspace import Workspace

    ws = Workspace(db=str(db), today=TODAY)
    try:
        session = start_review(ws, ReviewOptions(max_cards=GRADED)).session
        assert session is not None
        t0 = time.perf_counter()
        outcome = session.run(ScriptedConsole())
        return (time.perf_counter() - t0) / max(1, len(outcome.graded)), len(outcome.graded)
    finally:
        ws.close()


# ---------------------------------------------------------------- (c) memory

def traced_session(db: Path) -> tuple[int, int]:
    """tracemalloc peak (bytes) of queue + 200 graded cards + summary, and the cards graded.

    Called by TRACED in a fresh interpreter, with tracemalloc started before any import.
    """
    from studyplan.study_review import finish_report
    from studyplan.workspace import Workspace

    ws = Workspace(db=str(db), today=TODAY)
    try:
        session = start_review(ws, ReviewOptions(max_cards=GRADED)).session
        assert session is not None
        outcome = session.run(ScriptedConsole())
        finish_report(ws, outcome)
    finally:
        ws.close()
    return tracemalloc.get_traced_memory()[1], len(outcome.graded)


# A fresh interpreter traces from its first import: prints "<bytes after imports> <peak> <graded>".
TRACED = """
import sys, tracemalloc
tracemalloc.start()
sys.path.insert(0, sys.argv[1])
import bench_review
imported = tracemalloc.get_traced_memory()[0]
peak, graded = bench_review.traced_session(bench_review.Path(sys.argv[2]))
print(imported, peak, graded)
"""


def traced_child(db: Path) -> tuple[int, int, int]:
    done = subprocess.run([sys.executable, "-c", TRACED, str(Path(__file__).resolve().parent), str(db)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    if done.returncode:
        raise SystemExit(f"traced session failed:\n{done.stderr[-2000:]}")
    imported, peak, graded = (int(x) for x in done.stdout.split())
    return imported, peak, graded


# Runs the command and writes its ru_maxrss (from wait4) to argv[1]. The command is started
# from this small helper, not from the benchmark: on Linux a child's ru_maxrss also counts
# the memory of the process it was forked from (the high-water mark survives exec), which
# would report the benchmark's own few hundred MB instead of the session's.
RSS_HELPER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def child_review(db: Path, workdir: Path) -> tuple[int, int, str, float]:
    """`studyplan review` grading 200 cards through a pipe: (ru_maxrss bytes, the helper's own
    ru_maxrss bytes, the summary line, seconds)."""
    script = "".join("\n" + ("4" if i % 2 else "5") + "\n" for i in range(GRADED)).encode()
    out_path, rss_path = workdir / "review-out.txt", workdir / "review-rss.txt"
    env = {**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    args = [sys.executable, "-m", "studyplan", "--db", str(db), "--today", TODAY.isoformat(), "review", "--max", str(GRADED)]
    t0 = time.perf_counter()
    with out_path.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", RSS_HELPER, str(rss_path), *args],
                                stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT, env=env)
        proc.stdin.write(script)
        proc.stdin.close()
        _, status, helper = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = out_path.read_text(encoding="utf-8", errors="replace")
    if proc.returncode:
        raise SystemExit(f"studyplan review failed ({proc.returncode}):\n{text[-2000:]}")
    summary = next((line for line in text.splitlines() if line.startswith("Session ")), "?")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return int(rss_path.read_text()) * scale, helper.ru_maxrss * scale, summary, elapsed


# ---------------------------------------------------------------- main

def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        work = Path(tmp)
        built = work / "built.db"
        t = build_database(built)
        size = built.stat().st_size / 1e6
        print(f"database: {CARDS} cards, {INTRODUCED} introduced, {REVIEWS} logged reviews, {size:.0f} MB "
              f"(schema {t['schema']:.1f} s, rows {t['rows']:.1f} s, shipped decks sync {t['sync']:.1f} s)")

        # (a) today's queue ---------------------------------------------------------
        db = copy_database(built, work / "queue.db")
        engine, sessions = open_database(str(db))
        conn = raw_connect(db)
        try:
            slugs = [r[0] for r in conn.execute("SELECT slug FROM domain WHERE exam_id = ? ORDER BY position", (EXAM,))]
            wanted = per_domain_new(slugs)
            lid = 1
            orm_queue, orm_med, orm_best = timed(lambda: queue_orm(sessions, lid, wanted), QUEUE_REPEATS)
            raw_queue, raw_med, raw_best = timed(lambda: queue_raw(conn, lid, wanted), QUEUE_REPEATS)
        finally:
            conn.close()
            engine.dispose()
        same = [c.card_id for c in orm_queue] == [c.card_id for c in raw_queue]
        due_n = sum(not c.is_new for c in orm_queue)
        print(f"\n(a) today's queue: {due_n} due + {len(orm_queue) - due_n} new cards "
              f"(median of {QUEUE_REPEATS}; same queue from both: {'yes' if same else 'NO'})")
        print(f"  due_cards + new_cards (SQLAlchemy) {orm_med * 1000:8.2f} ms   best {orm_best * 1000:8.2f} ms")
        print(f"  raw sqlite3, same SELECTs          {raw_med * 1000:8.2f} ms   best {raw_best * 1000:8.2f} ms")
        print(f"  ratio SQLAlchemy / raw: {orm_med / raw_med:.2f}x  (target <= 5x: {verdict(orm_med <= 5 * raw_med)})")
        from studyplan.study_cards import sync_decks
        from studyplan.workspace import Workspace

        ws = Workspace(db=str(db), today=TODAY)
        try:
            sync_decks(ws)  # warm: open the database and read the shipped decks once, as one command would
            _, rq_med, _ = timed(lambda: start_review(ws, ReviewOptions()), QUEUE_REPEATS)
        finally:
            ws.close()
        print(f"  start_review (the queue) end to end (no plan: due cards only; includes the no-op sync of the shipped "
              f"decks) {rq_med * 1000:.1f} ms")

        # (b) grade and show the next -------------------------------------------------
        queue = [c for c in orm_queue if not c.is_new][:GRADED]
        orm_runs, driver_runs, raw_runs, loop_runs = [], [], [], []
        for r in range(GRADE_REPEATS):
            orm_runs.append(on_copy(built, work / f"grade-orm-{r}.db",
                                    lambda _engine, sessions: grade_orm(sessions, 1, queue)))
            driver_runs.append(on_copy(built, work / f"grade-driver-{r}.db",
                                       lambda engine, _sessions: grade_driver(engine, 1, queue)))
            db = copy_database(built, work / f"grade-raw-{r}.db")
            conn = raw_connect(db)
            try:
                raw_runs.append(grade_raw(conn, 1, queue))
            finally:
                conn.close()
            db = copy_database(built, work / f"grade-loop-{r}.db")
            per_card, graded = session_loop(db, 1)
            loop_runs.append(per_card)
        orm_card, driver_card, raw_card, loop_card = (statistics.median(x) for x in (orm_runs, driver_runs, raw_runs,
                                                                                     loop_runs))
        print(f"\n(b) grade and show the next card: {len(queue)} cards, one committed transaction each "
              f"(median of {GRADE_REPEATS} runs, each on a fresh copy)")
        print(f"  grade_card + next row (SQLAlchemy)  {orm_card * 1000:7.3f} ms/card")
        print(f"  grade_card + next row (driver tx)   {driver_card * 1000:7.3f} ms/card (the review screen on a server database)")
        print(f"  raw sqlite3, same reads and writes  {raw_card * 1000:7.3f} ms/card")
        print(f"  ReviewSession loop (product)        {loop_card * 1000:7.3f} ms/card ({graded} cards graded)")
        print(f"  ratio SQLAlchemy / raw: {orm_card / raw_card:.2f}x  (target <= 5x: {verdict(orm_card <= 5 * raw_card)}); "
              f"under 2 ms/card: {verdict(orm_card < 0.002)} (loop: {verdict(loop_card < 0.002)})")

        # (c) memory -------------------------------------------------------------------
        db = copy_database(built, work / "memory-traced.db")
        imported, peak, traced_n = traced_child(db)
        db = copy_database(built, work / "memory-child.db")
        rss, helper_rss, summary, seconds = child_review(db, work)
        print(f"\n(c) peak memory of a {GRADED}-card session")
        print(f"  tracemalloc peak, fresh interpreter (imports + queue + {traced_n} grades + summary) {peak / 2**20:6.1f} MiB "
              f"(of which held by the imports of the benchmark module: {imported / 2**20:.1f} MiB)")
        print(f"  ru_maxrss of `studyplan review --max {GRADED}` through a pipe        {rss / 2**20:7.1f} MiB "
              f"({seconds:.1f} s; {summary.strip()})")
        print(f"  under 100 MB: tracemalloc {verdict(peak < 100e6)}, child RSS {verdict(rss < 100e6)}  "
              f"(started from a small helper: forked straight from this benchmark it would also count the "
              f"benchmark's own memory, as the helper's figure shows: {helper_rss / 2**20:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
