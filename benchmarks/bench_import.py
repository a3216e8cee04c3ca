"""Benchmark: `decks import` of 100,000 Anki notes (issue 13: it took 80 s; target < 10 s).

Writes a tab-separated Anki export with the headers Anki 2.1.55+ writes (guid, notetype,
deck and tags columns) in a temporary folder, and imports it into a fresh SQLite database:

- through the CLI, `python -m studyplan decks import` as a subprocess (what a learner
  waits for, start-up, schema creation and deck sync included);
- in process, `parse_anki_text` alone and `import_anki` (parse plus store) on a database
  whose schema is already there;
- baseline in the same run: bare `csv.reader` over the same file plus raw `sqlite3`
  `executemany` of the same rows into a table of the same shape.

A second import of the same file (every note already present) is timed too. Prints
figures and ratios; asserts nothing about time.

Run: python benchmarks/bench_import.py [NOTES]
"""

from __future__ import annotations

import csv
import io
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from studyplan.anki import parse_anki_text
from studyplan.study_cards import import_anki
from studyplan.workspace import Workspace

NOTES = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
EXAM = """\
id = "bench"
kind = "exam"
name = "Bench Exam"
short_name = "BENCH"
provider = "Example"
duration_minutes = 60
questions = "10"
price_usd = 100
guide_version = "v1"
guide_date = 2025-01-01
guide_url = "https://example.com/guide"
status = "active"
card_prefix = "bench"

[[domains]]
id = "alpha"
name = "Alpha"
weight = 1.0
"""
DECK = 'domain = "alpha"\n\n[[cards]]\nid = "bench-alpha-001"\nstyle = "recall"\nfront = "Q?"\nback = "A."\n'


def write_export(path: Path, notes: int) -> None:
    lines = ["#separator:tab", "#html:true", "#guid column:1", "#notetype column:2", "#deck column:3",
             "#tags column:6"]
    lines += [f"g{i:07d}\tBasic\tBench::Alpha\tWhat is <b>term {i}</b> &amp; why?\tBecause {i} is how it works."
              f"\ttag{i % 50} bench" for i in range(notes)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def baseline(export: Path, db: Path) -> float:
    def run():
        with open(export, newline="", encoding="utf-8") as fh:
            rows = [r for r in csv.reader(io.StringIO(fh.read(), newline=""), delimiter="\t") if r and r[0][0] != "#"]
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE card (id TEXT PRIMARY KEY, exam_id TEXT, domain_id INT, front TEXT, back TEXT, "
                     "style TEXT, tags TEXT, source TEXT, position INT, content_hash TEXT, retired_at TEXT)")
        with conn:
            conn.executemany("INSERT INTO card VALUES (?,?,?,?,?,?,?,?,?,?,NULL)",
                             ((r[0], "bench", 1, r[3], r[4], "recall", r[5], "anki:x", i, "h" * 64)
                              for i, r in enumerate(rows)))
        conn.close()
    return timed(run)[0]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        decks = root / "decks"
        (decks / "bench").mkdir(parents=True)
        (decks / "bench" / "exam.toml").write_text(EXAM)
        (decks / "bench" / "01-alpha.toml").write_text(DECK)
        export = root / "notes.txt"
        write_export(export, NOTES)
        print(f"{NOTES:,} notes, {export.stat().st_size / 1e6:.1f} MB")

        base = baseline(export, root / "raw.db")
        text = export.read_text(encoding="utf-8")
        parse_s, notes = timed(lambda: parse_anki_text(text))
        assert len(notes) == NOTES

        env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYPLAN_")}
        cli_db = root / "cli.db"
        cmd = [sys.executable, "-m", "studyplan", "--db", str(cli_db), "--decks", str(decks), "decks", "import",
               str(export), "--exam", "bench", "--domain", "alpha"]
        def cpu() -> float:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime

        cpu0 = cpu()
        cli_s, proc = timed(lambda: subprocess.run(cmd, env=env, capture_output=True, text=True))
        assert proc.returncode == 0, proc.stderr
        cpu1 = cpu()
        again_s, proc2 = timed(lambda: subprocess.run(cmd, env=env, capture_output=True, text=True))
        assert proc2.returncode == 0, proc2.stderr
        cpu2 = cpu()

        ws = Workspace(db=str(root / "inproc.db"), decks=str(decks))
        with ws.unit(create_learner=False):
            pass  # schema and deck sync, not timed
        inproc_s, report = timed(lambda: import_anki(ws, export, "bench", "alpha"))
        ws.close()
        assert report.added == NOTES

        print(f"baseline csv + raw sqlite3 executemany: {base:6.2f} s")
        print(f"parse_anki_text alone:                  {parse_s:6.2f} s")
        print(f"import_anki in process (parse + store): {inproc_s:6.2f} s  ({inproc_s / base:.1f}x baseline)")
        print(f"CLI decks import, fresh database:       {cli_s:6.2f} s wall, {cpu1 - cpu0:5.2f} s CPU  "
              f"({proc.stdout.strip()})")
        print(f"CLI decks import again (all present):   {again_s:6.2f} s wall, {cpu2 - cpu1:5.2f} s CPU")
        print(f"target: CLI < 10 s -> {'met' if cli_s < 10 else 'NOT met'} (load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} CPUs: the wall time includes waiting for a CPU)")


if __name__ == "__main__":
    main()
