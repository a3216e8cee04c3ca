"""Benchmark: `decks sync` of 5,000 cards, first sync and a no-op second sync (issue 2).

Generates a decks folder in a temporary directory (one exam, 5 domains x 1,000 cards, the
format of decks/FORMAT.md) and syncs it into a fresh SQLite database twice:

- through the real functions: ``load_catalog`` then ``sync_catalog`` inside one transaction
  (the schema is created by ``open_database`` beforehand and not timed);
- through the CLI: ``python -m studyplan --db X --decks Y decks sync`` as a subprocess
  (the first run also creates the schema; that is what a learner's first sync costs).

The point of issue 2 is "fast when nothing changed": the second sync must be a small
fraction of the first. The floor printed beside them is the same files parsed with bare
``tomllib`` in the same run (``load_catalog`` cannot be faster than that), and for the CLI
the cold start of ``python -c "import click, sqlalchemy.orm"``. Prints figures and ratios;
asserts nothing about time.

Run: python benchmarks/bench_sync.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import datetime
from pathlib import Path

from studyplan.db.cards import sync_catalog
from studyplan.db.engine import open_database
from studyplan.decks import load_catalog

EXAM = "bench-exam"
PREFIX = "bench"
DOMAINS = ("alpha", "beta", "gamma", "delta", "epsilon")
PER_DOMAIN = 1_000
REPEATS = 3       # in-process runs, each on a fresh database
CLI_REPEATS = 3   # CLI runs, each on a fresh database

EXAM_TOML = """id = "{exam}"
kind = "exam"
name = "Benchmark exam"
short_name = "BENCH"
provider = "Benchmark provider"
code = ""
duration_minutes = 120
questions = "50-60"
price_usd = 200
passing_score = ""
guide_version = "benchmark"
guide_date = 2026-01-01
guide_url = "https://example.invalid/guide"
status = "active"
card_prefix = "{prefix}"
"""

CARD_TOML = '''
[[cards]]
id = "{prefix}-{domain}-{n:04d}"
style = "{style}"
front = "Card {n} of {domain}: a model's precision drops a week after launch while recall holds. Which of the monitoring signals do you check first, and why?"
back = """Check for training-serving skew on the features that changed (number {n}), then for drift in the input distribution. Skew is a pipeline difference at the same time; drift is a change over time."""
tags = ["{domain}", "monitoring", "tag-{tag}"]
ref = "https://example.invalid/docs/{domain}/{n}"
'''


def write_decks(root: Path) -> Path:
    decks = root / "decks"
    folder = decks / EXAM
    folder.mkdir(parents=True)
    text = EXAM_TOML.format(exam=EXAM, prefix=PREFIX)
    for domain in DOMAINS:
        text += f'\n[[domains]]\nid = "{domain}"\nname = "Domain {domain}"\nweight = {1 / len(DOMAINS)}\n'
    (folder / "exam.toml").write_text(text, encoding="utf-8")
    for i, domain in enumerate(DOMAINS, 1):
        body = f'domain = "{domain}"\n' + "".join(
            CARD_TOML.format(prefix=PREFIX, domain=domain, n=n, style="scenario" if n % 3 == 0 else "recall", tag=n % 17)
            for n in range(1, PER_DOMAIN + 1))
        (folder / f"{i:02d}-{domain}.toml").write_text(body, encoding="utf-8")
    return decks


def parse_only(decks: Path) -> float:
    t0 = time.perf_counter()
    for path in sorted(decks.rglob("*.toml")):
        tomllib.loads(path.read_text(encoding="utf-8"))
    return time.perf_counter() - t0


def sync_in_process(decks: Path, db: Path) -> tuple[float, float, float, float, object, object]:
    """(load, sync, total) of the first sync, then the same of the second; and both results."""
    engine, sessions = open_database(str(db))
    try:
        figures = []
        results = []
        for _ in range(2):
            t0 = time.perf_counter()
            catalog, problems = load_catalog(decks)
            t1 = time.perf_counter()
            assert not problems, problems[:3]
            with sessions.begin() as session:
                results.append(sync_catalog(session, catalog, datetime(2026, 1, 5, 9, 0)))
            t2 = time.perf_counter()
            figures.append((t1 - t0, t2 - t1))
    finally:
        engine.dispose()
    (l1, s1), (l2, s2) = figures
    return l1, s1, l2, s2, results[0], results[1]


def run(args: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    elapsed = time.perf_counter() - t0
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, done.stdout.strip()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        root = Path(tmp)
        decks = write_decks(root)
        cards = len(DOMAINS) * PER_DOMAIN
        size = sum(p.stat().st_size for p in decks.rglob("*.toml"))
        print(f"decks: 1 exam, {len(DOMAINS)} domains x {PER_DOMAIN} cards = {cards} cards, {size / 1e6:.1f} MB of TOML")

        parse = min(parse_only(decks) for _ in range(REPEATS))
        runs = [sync_in_process(decks, root / f"inproc-{i}.db") for i in range(REPEATS)]
        first_result, second_result = runs[0][4], runs[0][5]
        load1, sync1, load2, sync2 = (statistics.median(r[k] for r in runs) for k in range(4))
        first, second = load1 + sync1, load2 + sync2
        print(f"first sync:  {first_result}")
        print(f"second sync: {second_result}")
        print(f"\nin process (median of {REPEATS}, each on a fresh database; schema creation not timed)")
        print(f"  bare tomllib parse of the files   {ms(parse)}   (floor for load_catalog)")
        print(f"  first  sync: load_catalog {ms(load1)} + sync_catalog {ms(sync1)} = {ms(first)}")
        print(f"  no-op  sync: load_catalog {ms(load2)} + sync_catalog {ms(sync2)} = {ms(second)}")
        print(f"  ratio no-op / first sync:          {second / first:6.2f}x  (sync_catalog alone {sync2 / sync1:.2f}x)")
        print(f"  ratio load_catalog / bare tomllib: {load2 / parse:6.2f}x")
        print(f"  per card: first {first / cards * 1e6:.0f} us, no-op {second / cards * 1e6:.0f} us")

        py = sys.executable
        base = min(run([py, "-c", "import click, sqlalchemy.orm"])[0] for _ in range(CLI_REPEATS))
        cli_first, cli_second = [], []
        out1 = out2 = ""
        for i in range(CLI_REPEATS):
            db = root / f"cli-{i}.db"
            args = [py, "-m", "studyplan", "--db", str(db), "--decks", str(decks), "decks", "sync"]
            t, out1 = run(args)
            cli_first.append(t)
            t, out2 = run(args)
            cli_second.append(t)
        c1, c2 = statistics.median(cli_first), statistics.median(cli_second)
        print(f"\nCLI subprocess (median of {CLI_REPEATS}; the first run also creates the schema)")
        print(f"  python -c 'import click, sqlalchemy.orm' {ms(base)}   (baseline, best of {CLI_REPEATS})")
        print(f"  first  decks sync {ms(c1)}   -> {out1}")
        print(f"  no-op  decks sync {ms(c2)}   -> {out2}")
        print(f"  ratio no-op / first sync:     {c2 / c1:6.2f}x")
        print(f"  ratio no-op / import baseline: {c2 / base:6.2f}x  (no-op minus baseline: {ms(c2 - base).strip()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
