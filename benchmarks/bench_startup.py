"""Benchmark: cold start of `studyplan --help` and `studyplan exams` (issue 2).

Each command runs as a fresh subprocess several times (median and best printed) beside
two baselines measured in the same run: the bare interpreter (``python -c pass``) and
``python -c "import click, sqlalchemy.orm"`` (what a command that touches the database
cannot avoid importing). Prints the ratios, and checks with ``python -X importtime`` that
``--help`` (and ``exams``, which reads only the deck files) import neither SQLAlchemy nor
Alembic. Asserts nothing about time.

Run: python benchmarks/bench_startup.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 15
HEAVY = ("sqlalchemy", "alembic", "jinja2", "mako")


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(median, best) wall time of *args* over RUNS cold subprocesses, after one warm-up."""
    subprocess.run(args, capture_output=True, env=env, check=True)  # warm the OS file cache
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        subprocess.run(args, capture_output=True, env=env, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def imported_modules(args: list[str], env: dict[str, str]) -> dict[str, int]:
    """Top-level package -> cumulative import time (us) from ``python -X importtime``.

    A package's time is the sum of its outermost entries (where it was first imported,
    at whatever depth), so nested imports are not counted twice.
    """
    done = subprocess.run([args[0], "-X", "importtime", *args[1:]], capture_output=True, text=True, env=env, check=True)
    outermost: dict[str, tuple[int, int]] = {}
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        raw = parts[2]
        depth = len(raw) - len(raw.lstrip())
        top = raw.strip().split(".")[0]
        cumulative = int(parts[1])
        best = outermost.get(top)
        if best is None or depth < best[0]:
            outermost[top] = (depth, cumulative)
        elif depth == best[0]:
            outermost[top] = (depth, best[1] + cumulative)
    return {top: us for top, (_depth, us) in outermost.items()}


def main() -> int:
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        # --db in a temp folder so nothing touches the learner's own database or app folder.
        env = {**os.environ, "STUDYPLAN_DB": str(Path(tmp) / "bench.db"), "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("STUDYPLAN_DECKS", None)
        commands = {
            "python -c pass": [py, "-c", "pass"],
            "python -c 'import click, sqlalchemy.orm'": [py, "-c", "import click, sqlalchemy.orm"],
            "studyplan --help": [py, "-m", "studyplan", "--help"],
            "studyplan exams": [py, "-m", "studyplan", "exams"],
        }
        figures = {name: timed(args, env) for name, args in commands.items()}
        print(f"cold start, {RUNS} subprocess runs each (python {sys.version.split()[0]}, {py})")
        for name, (median, best) in figures.items():
            print(f"  {name:42s} median {median * 1000:7.1f} ms   best {best * 1000:7.1f} ms")
        bare = figures["python -c pass"][0]
        base = figures["python -c 'import click, sqlalchemy.orm'"][0]
        for name in ("studyplan --help", "studyplan exams"):
            median = figures[name][0]
            print(f"  ratio {name:16s} / import click+sqlalchemy.orm: {median / base:5.2f}x   "
                  f"(above bare python: {(median - bare) * 1000:6.1f} ms vs {(base - bare) * 1000:6.1f} ms)")

        print("\nheavy imports (python -X importtime; cumulative ms of each top-level package)")
        for name in ("studyplan --help", "studyplan exams"):
            modules = imported_modules(commands[name], env)
            heavy = {m: us for m, us in modules.items() if m in HEAVY}
            verdict = "none" if not heavy else ", ".join(f"{m} {us / 1000:.1f} ms" for m, us in sorted(heavy.items()))
            top = sorted(((us, m) for m, us in modules.items()), reverse=True)[:4]
            print(f"  {name:16s} imports SQLAlchemy: {'NO' if 'sqlalchemy' not in modules else 'YES'}; "
                  f"heavy packages: {verdict}")
            print(f"  {'':16s} slowest: " + ", ".join(f"{m} {us / 1000:.1f} ms" for us, m in top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
