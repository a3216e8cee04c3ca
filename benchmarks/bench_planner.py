"""Benchmark: `plan create` for a 10,000-card exam over 26 weeks (issue 10; issue 15 for the CLI).

A decks folder is generated in a temporary directory: a copy of the shipped decks plus a
synthetic exam ``bench`` of 10,000 cards in 8 domains (the weights of a real guide). The
plan asked for is a pivoting learner's 26 weeks (2027-03-01 to 2027-08-30, inside the 3-6
month range), 720 minutes a day, ``--new-cards 7000``: at most 60 new cards a day and the
last new card 21 days before the exam, so the whole 10,000 cannot be introduced in 26
weeks; 7,000 of them can (the refusal of the full deck offers ``--new-cards 7260``).

Measured, each the median of several runs:

(a) the pure planner call, ``planner.build_plan`` on the loaded catalog, with the
    forecaster's cache cleared before each run (a CLI process starts cold);
(b) ``studyplan plan create`` through the CLI in a subprocess, on a temporary SQLite
    database that already holds the cards (one untimed ``decks sync`` first), so the
    figure is what a learner waits for: start-up, reading the decks, planning, storing.

Baseline in the same run: the same two measurements for the shipped Google PMLE deck
(experienced, 56 days at 75 minutes). Also printed once: the pure planner's
refusal of the whole 10,000 cards (the refusal plans every remedy it offers). Prints
figures and ratios, wall clock and CPU time (on a busy machine the wall clock of a run
can be several times its CPU time); asserts nothing about time. Targets (wall clock):
(a) under 1 s, (b) under 1.5 s.

Run: python benchmarks/bench_planner.py
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench_sync import EXAM_TOML as SYNC_EXAM_TOML  # a sibling script: benchmarks/ is on sys.path

from studyplan import planner
from studyplan.decks import load_catalog, shipped_decks_dir
from studyplan.plan import PlanError, Request, TaskKind

CARDS = 10_000
WEIGHTS = {"frame": 0.22, "data": 0.18, "model": 0.15, "scale": 0.13, "serve": 0.12, "pipelines": 0.09,
           "monitor": 0.06, "responsible": 0.05}
START = date(2027, 3, 1)
EXAM_DATE = START + timedelta(weeks=26)
MINUTES = 720
NEW_CARDS = 7000
REPEATS = 5
CLI_REPEATS = 5

BIG = ["--exam", "bench", "--background", "pivoting", "--start", START.isoformat(), "--exam-date",
       EXAM_DATE.isoformat(), "--minutes-per-day", str(MINUTES), "--new-cards", str(NEW_CARDS)]
BASE_START = date(2027, 1, 4)
BASE = ["--exam", "google-pmle", "--background", "experienced", "--start", BASE_START.isoformat(), "--exam-date",
        (BASE_START + timedelta(days=56)).isoformat(), "--minutes-per-day", "75"]

EXAM_TOML = SYNC_EXAM_TOML.format(exam="bench", prefix="bench")  # one exam header for both benchmarks

CARD_TOML = '''
[[cards]]
id = "bench-{domain}-{n:04d}"
style = "scenario"
front = "Card {n} of {domain}: a model's precision drops a week after launch while recall holds. What do you check first?"
back = """Training-serving skew on the features that changed (number {n}), then drift in the inputs."""
ref = "https://example.invalid/docs/{domain}/{n}"
'''


def write_decks(root: Path) -> Path:
    """The shipped decks plus the 10,000-card benchmark exam."""
    decks = root / "decks"
    shutil.copytree(shipped_decks_dir(), decks)
    folder = decks / "bench"
    folder.mkdir()
    text = EXAM_TOML + "".join(f'\n[[domains]]\nid = "{d}"\nname = "Domain {d}"\nweight = {w}\n'
                               for d, w in WEIGHTS.items())
    (folder / "exam.toml").write_text(text, encoding="utf-8")
    per = CARDS // len(WEIGHTS)
    for i, domain in enumerate(WEIGHTS, 1):
        body = f'domain = "{domain}"\n' + "".join(CARD_TOML.format(domain=domain, n=n) for n in range(1, per + 1))
        (folder / f"{i:02d}-{domain}.toml").write_text(body, encoding="utf-8")
    return decks


def request(args: list[str]) -> tuple[str, Request]:
    """The planner's request for the CLI options *args* (the options used here only)."""
    opts = dict(zip(args[::2], args[1::2]))
    return opts["--exam"], Request(
        background=opts["--background"], start=date.fromisoformat(opts["--start"]),
        exam_date=date.fromisoformat(opts["--exam-date"]), minutes_per_day=int(opts["--minutes-per-day"]),
        new_cards_limit=int(opts["--new-cards"]) if "--new-cards" in opts else None)


def pure(catalog, args: list[str], repeats: int = REPEATS):
    """(plan, median wall seconds, median CPU seconds) of build_plan, cold forecaster each run."""
    exam_id, req = request(args)
    exam = catalog.exam(exam_id)
    foundations = catalog.exams.get("foundations") if req.background == "pivoting" else None
    walls, cpus, plan = [], [], None
    for _ in range(repeats):
        planner._forecaster.cache_clear()
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            plan = planner.build_plan(exam, catalog.courses, req, foundations)
        except PlanError as exc:
            plan = exc
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return plan, statistics.median(walls), statistics.median(cpus)


def cli(db: Path, decks: Path, args: list[str], repeats: int = CLI_REPEATS) -> tuple[float, float]:
    """Median (wall, CPU) seconds of `studyplan plan create ... --yes` in a subprocess."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "STUDYPLAN_LEARNER": "bench"}
    for var in ("STUDYPLAN_DB", "STUDYPLAN_DECKS", "STUDYPLAN_TODAY"):
        env.pop(var, None)
    base = [sys.executable, "-m", "studyplan", "--db", str(db), "--decks", str(decks), "--today", args[5]]
    sync = subprocess.run([*base, "decks", "sync"], capture_output=True, text=True, env=env, check=False)
    if sync.returncode:
        raise SystemExit(f"decks sync failed: {sync.stderr.strip()}")
    times, cpus = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run([*base, "plan", "create", *args, "--yes"], capture_output=True, text=True, env=env, check=False)
        times.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode:
            raise SystemExit(f"plan create {' '.join(args)} failed: {done.stderr.strip()}")
    return statistics.median(times), statistics.median(cpus)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-planner-") as tmp:
        root = Path(tmp)
        decks = write_decks(root)
        catalog, problems = load_catalog(decks)
        if problems:
            raise SystemExit(f"benchmark decks have problems: {[str(p) for p in problems[:3]]}")

        big, big_wall, big_cpu = pure(catalog, BIG)
        base, base_wall, base_cpu = pure(catalog, BASE)
        for name, plan in (("10k", big), ("baseline", base)):
            if isinstance(plan, PlanError):
                raise SystemExit(f"the {name} plan was refused: {plan}")
        intro = big.total(TaskKind.NEW_CARDS)
        print(f"plan: exam 'bench' ({CARDS} cards, {len(WEIGHTS)} domains), pivoting, {START} -> {EXAM_DATE} "
              f"({(EXAM_DATE - START).days} days), {MINUTES} min/day, --new-cards {NEW_CARDS}: {intro} new cards "
              f"(foundations included), {big.total(TaskKind.REVIEWS)} forecast reviews, "
              f"{big.total(TaskKind.DRILL)} drills, busiest day {max(d.minutes for d in big.days)} min")
        pmle = len(catalog.exams["google-pmle"].cards)
        print(f"baseline: google-pmle ({pmle} cards), experienced, 56 days, 75 min/day: "
              f"{base.total(TaskKind.NEW_CARDS)} new cards")

        print(f"\n(a) pure planner call, build_plan (median of {REPEATS}, cold forecaster)")
        print(f"  baseline, google-pmle                {ms(base_wall)}   (CPU {ms(base_cpu).strip()})")
        print(f"  10,000 cards over 26 weeks         {ms(big_wall)}   (CPU {ms(big_cpu).strip()})")
        print(f"  ratio 10k / baseline:              {big_wall / base_wall:6.1f}x")
        print(f"  under 1 s: {'yes' if big_wall < 1 else 'NO'}")

        refused, refuse_wall, _ = pure(catalog, BIG[:-2], repeats=1)
        what = ("refused, offering " + "; ".join(o for o, _ in refused.remedies)
                if isinstance(refused, PlanError) else "planned")
        print(f"  all 10,000 cards (no --new-cards), one run: {ms(refuse_wall).strip()}, {what}")

        cli_base, cli_base_cpu = cli(root / "base.db", decks, BASE)
        cli_big, cli_big_cpu = cli(root / "big.db", decks, BIG)
        print(f"\n(b) studyplan plan create through the CLI, subprocess (median of {CLI_REPEATS}; cards already synced)")
        print(f"  baseline, google-pmle                {ms(cli_base)}   (CPU {ms(cli_base_cpu).strip()})")
        print(f"  10,000 cards over 26 weeks         {ms(cli_big)}   (CPU {ms(cli_big_cpu).strip()})")
        print(f"  ratio 10k / baseline:              {cli_big / cli_base:6.1f}x   "
              f"(10k minus baseline: {ms(cli_big - cli_base).strip()})")
        print(f"  under 1.5 s: {'yes' if cli_big < 1.5 else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
