"""Benchmark: `decks sync` of 5,000 cards (or --cards N), first sync and a no-op second sync
(issues 2 and 15).

Generates a decks folder in a temporary directory (one exam, 5 domains x N/5 cards, the
format of decks/FORMAT.md) and syncs it into a fresh SQLite database twice:

- through the function every command runs: ``deck_sync.sync_decks`` inside one transaction
  (the schema is created by ``open_database`` beforehand and not timed);
- through the CLI: ``python -m studyplan --db X --decks Y decks sync`` as a subprocess
  (the first run also creates the schema; that is what a learner's first sync costs).

The point of issue 2 is "fast when nothing changed": the second sync must be a small
fraction of the first. The floors printed beside them are the same files parsed with bare
``tomllib`` and with ``decks.parse_toml`` (rtoml, tomllib's answers) in the same run, and for
the CLI the cold start of ``python -c "import click, sqlalchemy.orm"``. Prints figures and
ratios and the peak memory of the CLI's first sync; asserts nothing about time.

Run: python benchmarks/bench_sync.py [--cards 50000]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import datetime
from pathlib import Path

from studyplan.db.engine import open_database
from studyplan.deck_sync import sync_decks
from studyplan.decks import parse_toml

EXAM = "bench-exam"
PREFIX = "bench"
DOMAINS = ("alpha", "beta", "gamma", "delta", "epsilon")
PER_DOMAIN = 1_000  # the default; --cards sets it
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


def write_decks(root: Path, per_domain: int = PER_DOMAIN) -> Path:
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
            for n in range(1, per_domain + 1))
        (folder / f"{i:02d}-{domain}.toml").write_text(body, encoding="utf-8")
    return decks


def parse_only(decks: Path, parse=tomllib.loads) -> float:
    t0 = time.perf_counter()
    for path in sorted(decks.rglob("*.toml")):
        parse(path.read_text(encoding="utf-8"))
    return time.perf_counter() - t0


def sync_in_process(decks: Path, db: Path) -> tuple[float, float, object, object]:
    """The time of the first sync and of the second (each one transaction); both results."""
    engine, sessions = open_database(str(db))
    try:
        figures = []
        results = []
        for _ in range(2):
            t0 = time.perf_counter()
            with sessions.begin() as session:
                results.append(sync_decks(session, decks, None, datetime(2026, 1, 5, 9, 0))[1])
            figures.append(time.perf_counter() - t0)
    finally:
        engine.dispose()
    return figures[0], figures[1], results[0], results[1]


def run(args: list[str]) -> tuple[float, str, int]:
    """Elapsed seconds, stdout and the peak resident memory (KiB) of the child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    elapsed = time.perf_counter() - t0
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    # RUSAGE_CHILDREN keeps the largest child's peak: exact for the first (largest) run.
    return elapsed, done.stdout.strip(), max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=len(DOMAINS) * PER_DOMAIN,
                        help="cards in the generated exam (5 domains; 50000 for issue 15)")
    per_domain = max(1, parser.parse_args().cards // len(DOMAINS))
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        root = Path(tmp)
        decks = write_decks(root, per_domain)
        cards = len(DOMAINS) * per_domain
        size = sum(p.stat().st_size for p in decks.rglob("*.toml"))
        print(f"decks: 1 exam, {len(DOMAINS)} domains x {per_domain} cards = {cards} cards, {size / 1e6:.1f} MB of TOML")

        parse = min(parse_only(decks) for _ in range(REPEATS))
        fast = min(parse_only(decks, parse_toml) for _ in range(REPEATS))
        runs = [sync_in_process(decks, root / f"inproc-{i}.db") for i in range(REPEATS)]
        first_result, second_result = runs[0][2], runs[0][3]
        first, second = (statistics.median(r[k] for r in runs) for k in range(2))
        print(f"first sync:  {first_result}")
        print(f"second sync: {second_result}")
        print(f"\nin process (median of {REPEATS}, each on a fresh database; schema creation not timed)")
        print(f"  bare tomllib parse of the files   {ms(parse)}")
        print(f"  parse_toml (rtoml) of the files   {ms(fast)}   (floor for a first sync's reading)")
        print(f"  first  sync (deck_sync.sync_decks) {ms(first)}")
        print(f"  no-op  sync (deck_sync.sync_decks) {ms(second)}")
        print(f"  ratio no-op / first sync:          {second / first:6.3f}x")
        print(f"  per card: first {first / cards * 1e6:.0f} us, no-op {second / cards * 1e6:.2f} us")

        py = sys.executable
        base = min(run([py, "-c", "import click, sqlalchemy.orm"])[0] for _ in range(CLI_REPEATS))
        cli_first, cli_second = [], []
        out1 = out2 = ""
        peak = 0
        for i in range(CLI_REPEATS):
            db = root / f"cli-{i}.db"
            args = [py, "-m", "studyplan", "--db", str(db), "--decks", str(decks), "decks", "sync"]
            t, out1, peak = run(args)
            cli_first.append(t)
            t, out2, _ = run(args)
            cli_second.append(t)
        c1, c2 = statistics.median(cli_first), statistics.median(cli_second)
        print(f"\nCLI subprocess (median of {CLI_REPEATS}; the first run also creates the schema)")
        print(f"  python -c 'import click, sqlalchemy.orm' {ms(base)}   (baseline, best of {CLI_REPEATS})")
        print(f"  first  decks sync {ms(c1)}   -> {out1}  (peak {peak / 1024:.0f} MiB)")
        print(f"  no-op  decks sync {ms(c2)}   -> {out2}")
        print(f"  ratio no-op / first sync:     {c2 / c1:6.2f}x")
        print(f"  ratio no-op / import baseline: {c2 / base:6.2f}x  (no-op minus baseline: {ms(c2 - base).strip()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
