"""Benchmark: twenty learners grading at once on one database (a cohort), SQLite and PostgreSQL.

Each learner is its own process with its own engine, and grades cards through
`studyplan.db.reviews.grade_card`, one transaction per grade, as a review session does:
first its new cards (day 1), then the same cards again as due reviews (day 2). All
learners start together at a barrier. For each backend it prints grades per second and the
median and 99th-percentile grade latency, beside a baseline measured in the same run: one
learner grading alone on the same database. Nothing is asserted on time.

PostgreSQL runs on a throw-away cluster (tests/pgserver.py; durable settings: fsync and
synchronous commit on); where it cannot be started the reason is printed and only SQLite
is measured. SQLite runs in WAL mode with studyplan's own pragmas (synchronous=FULL).

Run: python benchmarks/bench_concurrency.py [--learners 20] [--cards 50]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

DAY1 = date(2027, 1, 4)
EXAM = """\
id = "bench"
kind = "exam"
name = "Benchmark Exam"
provider = "Example"
duration_minutes = 60
card_prefix = "bench"
[[domains]]
id = "alpha"
name = "Alpha"
weight = 0.5
[[domains]]
id = "beta"
name = "Beta"
weight = 0.5
"""


def write_decks(root: Path, per_domain: int) -> Path:
    folder = root / "decks" / "bench"
    folder.mkdir(parents=True)
    (folder / "exam.toml").write_text(EXAM)
    for n, domain in enumerate(("alpha", "beta"), 1):
        cards = "".join(f'\n[[cards]]\nid = "bench-{domain}-{i:04d}"\nfront = "Q{i} {domain}?"\nback = "A{i}."\n'
                        for i in range(1, per_domain + 1))
        (folder / f"0{n}-{domain}.toml").write_text(f'domain = "{domain}"\n{cards}')
    return root / "decks"


def prepare(url: str, decks: Path, learners: int) -> list[int]:
    from studyplan.db.cards import sync_catalog
    from studyplan.db.engine import open_database
    from studyplan.db.learners import learner_id
    from studyplan.decks import load_catalog

    engine, Session = open_database(url)
    catalog, problems = load_catalog(decks)
    assert not problems, problems
    with Session.begin() as session:
        sync_catalog(session, catalog, datetime(2027, 1, 1))
        ids = [learner_id(session, f"learner-{i:02d}", datetime(2027, 1, 1)) for i in range(learners)]
    engine.dispose()
    return ids


def worker(url: str, lid: int, cards: int, barrier, results) -> None:
    from studyplan.db.engine import open_database
    from studyplan.db.queue_reads import due_cards, new_cards
    from studyplan.db.reviews import grade_card
    from studyplan.db.sql import session_rows

    engine, Session = open_database(url, migrate=False)
    latencies: list[float] = []
    try:
        with Session() as session:
            fresh = new_cards(session_rows(session), lid, "bench", {"alpha": cards // 2, "beta": cards - cards // 2})
        barrier.wait()
        for day, queue in ((DAY1, fresh), (DAY1 + timedelta(days=1), None)):
            if queue is None:
                with Session() as session:
                    queue = due_cards(session_rows(session), lid, day)
            now = datetime.combine(day, datetime.min.time())
            for card in queue:
                started = time.perf_counter()
                with Session.begin() as session:
                    grade_card(session, lid, card, 4, now, day, 3.0)
                latencies.append(time.perf_counter() - started)
        results.put((lid, latencies, None))
    except Exception as exc:  # report, never hang the barrier or the parent
        barrier.abort()
        results.put((lid, latencies, f"{type(exc).__name__}: {exc}"))
    finally:
        engine.dispose()


def measure(url: str, ids: list[int], cards: int) -> dict:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(len(ids) + 1)
    results = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(url, lid, cards, barrier, results)) for lid in ids]
    for p in procs:
        p.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    collected = [results.get(timeout=600) for _ in procs]
    wall = time.perf_counter() - started
    for p in procs:
        p.join(timeout=60)
    errors = [e for _, _, e in collected if e]
    if errors:
        raise RuntimeError(errors[0])
    latencies = sorted(x for _, lat, _ in collected for x in lat)
    return {"grades": len(latencies), "wall": wall, "per_s": len(latencies) / wall,
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000}


def run_backend(name: str, url: str, decks: Path, learners: int, cards: int) -> None:
    ids = prepare(url, decks, learners + 1)
    alone = measure(url, ids[:1], cards)
    cohort = measure(url, ids[1:], cards)
    print(f"{name}:")
    print(f"  1 learner alone:   {alone['grades']:5d} grades in {alone['wall']:6.2f} s = {alone['per_s']:7.0f} grades/s, "
          f"latency p50 {alone['p50_ms']:6.2f} ms, p99 {alone['p99_ms']:6.2f} ms")
    print(f"  {learners} learners at once: {cohort['grades']:5d} grades in {cohort['wall']:6.2f} s = "
          f"{cohort['per_s']:7.0f} grades/s, latency p50 {cohort['p50_ms']:6.2f} ms, p99 {cohort['p99_ms']:6.2f} ms")
    print(f"  ratios, cohort / alone: throughput x{cohort['per_s'] / alone['per_s']:.2f}, "
          f"p99 latency x{cohort['p99_ms'] / alone['p99_ms']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--cards", type=int, default=50, help="new cards each learner grades (then again as reviews)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="studyplan-bench-") as tmp:
        root = Path(tmp)
        decks = write_decks(root, max(args.cards, 2))
        print(f"bench_concurrency: {args.learners} learners, {args.cards} new cards each then the same as reviews, "
              f"one transaction per grade_card; {mp.cpu_count()} CPU(s)")
        run_backend("SQLite (WAL, one file)", str(root / "cohort.db"), decks, args.learners, args.cards)
        from pgserver import PgServer

        server = PgServer(fast=False).start()
        try:
            if server.error:
                print(f"PostgreSQL: skipped: {server.error}")
            else:
                run_backend("PostgreSQL (throw-away cluster, unix socket)", server.create_database("bench"), decks,
                            args.learners, args.cards)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
