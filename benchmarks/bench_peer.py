"""Benchmark: studyplan beside Anki's own backend on the same large collection (issue 15).

Builds one collection twice, in a temporary folder:

- a decks folder of one exam (10 domains, 50,000 cards; `--quick`: 2,000), synced into a
  fresh studyplan database by `studyplan decks sync` (that sync is the "first sync" row),
  then a learner's history written with raw sqlite3 (40,000 cards introduced, 25 logged
  reviews each: 1,000,000 rows; about 13% of the introduced cards due today or before),
  and a plan made by `studyplan plan create`;
- an Anki collection (the `anki` package from PyPI, in a venv this script makes under
  the cache folder, never in the project's environment) with the same cards added as
  Basic notes (the "Anki adds the notes" row), then the same states and review log
  written with Anki's own `db.executemany`.

Then it measures, medians of `--runs` runs (each cold command a fresh process):

  cold `today` (process start to exit)      vs Anki: open + `sched.counts()`
  cold `stats`                              vs Anki: open + graphs (365 days) + counts
  the review queue (first 200 cards)        vs Anki: `get_queued_cards(200)` (both after open: for
                                            studyplan the database opened and the decks checked,
                                            as Anki's open reads its decks and note types)
  grade + next card, per card               vs Anki: `answerCard` + `getCard` (both pragmas shown)
  no-op `decks sync` (CLI, and in process)  (Anki has no such step)
  first `decks sync`                        vs Anki: new collection + `add_notes` + close
  database size on disk, peak memory (ru_maxrss of the cold `today` / open + counts)

and prints them side by side with the ratio and whether studyplan is at or under Anki.
Times nothing into assertions.

Run: python benchmarks/bench_peer.py [--quick] [--runs N] [--anki-python PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

EXAM = "peer"
DOMAINS = 10
TODAY = date.today()


@dataclass
class Size:
    cards: int
    introduced: int
    reviews_per_card: int
    grades: int


FULL = Size(50_000, 40_000, 25, 200)
QUICK = Size(2_000, 1_600, 25, 50)


# ---------------------------------------------------------------- the collection

def card_text(domain: int, n: int) -> tuple[str, str]:
    front = (f"Card {n} of domain {domain}: a model's precision drops a week after launch while recall holds. "
             "Which monitoring signal do you check first, and why?")
    back = (f"Training-serving skew on the changed features ({n}) first, then input drift. Skew is a pipeline "
            "difference at the same time; drift is a change of the serving distribution over time.")
    return front, back


def write_decks(root: Path, size: Size) -> Path:
    decks = root / "decks"
    folder = decks / EXAM
    folder.mkdir(parents=True)
    exam = textwrap.dedent(f"""\
        id = "{EXAM}"
        kind = "exam"
        name = "Peer benchmark exam"
        provider = "Benchmark"
        duration_minutes = 120
        questions = "50-60"
        price_usd = 200
        card_prefix = "{EXAM}"
        """)
    for d in range(DOMAINS):
        exam += f'\n[[domains]]\nid = "d{d:02d}"\nname = "Domain {d}"\nweight = {1 / DOMAINS}\n'
    (folder / "exam.toml").write_text(exam, encoding="utf-8")
    per = size.cards // DOMAINS
    for d in range(DOMAINS):
        parts = [f'domain = "d{d:02d}"\n']
        for n in range(1, per + 1):
            front, back = card_text(d, n)
            parts.append(f'\n[[cards]]\nid = "{EXAM}-d{d:02d}-{n:05d}"\nstyle = "{"scenario" if n % 3 == 0 else "recall"}"\n'
                         f'front = "{front}"\nback = "{back}"\ntags = ["d{d:02d}", "monitoring"]\n'
                         f'ref = "https://example.invalid/docs/{d}/{n}"\n')
        (folder / f"{d + 1:02d}-d{d:02d}.toml").write_text("".join(parts), encoding="utf-8")
    return decks


@dataclass
class History:
    """One introduced card's state and its reviews (shared by both sides)."""

    index: int          # position among all cards (domain-major)
    due: date
    interval: int
    ease: float
    reps: int
    lapses: int
    intro: date
    reviews: list[tuple[date, int, int]]  # (day, grade 0-5, interval after)


def histories(size: Size) -> list[History]:
    rnd = random.Random(20261130)
    per = size.cards // DOMAINS
    introduced_per = size.introduced // DOMAINS
    out = []
    for d in range(DOMAINS):
        for n in range(introduced_per):
            intro = TODAY - timedelta(days=rnd.randint(60, 700))
            due = TODAY - timedelta(days=rnd.randint(0, 6)) if rnd.random() < 0.163 else TODAY + timedelta(days=rnd.randint(1, 240))
            reviews = []
            span = max(1, (min(due, TODAY) - intro).days)
            for k in range(size.reviews_per_card):
                day = intro + timedelta(days=span * k // size.reviews_per_card)
                reviews.append((day, (4, 5, 3, 4, 2, 5, 4, 4, 1, 5)[(n + k) % 10], 1 + k))
            out.append(History(d * per + n, due, max(1, (due - TODAY).days + rnd.randint(1, 60)),
                               round(rnd.uniform(1.3, 2.9), 2), size.reviews_per_card, rnd.choice((0, 0, 1, 2)),
                               intro, reviews))
    return out


def card_id(size: Size, index: int) -> str:
    per = size.cards // DOMAINS
    return f"{EXAM}-d{index // per:02d}-{index % per + 1:05d}"


def write_studyplan_history(db: Path, size: Size, hist: list[History]) -> None:
    """The learner's states and log in the compact layout of migration 0005: cards by integer
    key, days as day numbers, times as epoch milliseconds, E-Factors in thousandths."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT OR IGNORE INTO learner (id, name, created_at) VALUES (1, 'default', ?)",
                 (f"{TODAY - timedelta(days=800)} 09:00:00.000000",))
    keys = dict(conn.execute("SELECT id, key FROM card").fetchall())
    epoch = date(1970, 1, 1)
    states, logs = [], []
    for h in hist:
        key = keys[card_id(size, h.index)]
        ease, intro = round(h.ease * 1000), (h.intro - epoch).days
        states.append((1, key, ease, h.interval, h.reps, (h.due - epoch).days, h.lapses, 0, 0, intro))
        prev = None
        for k, (day, grade, ivl) in enumerate(h.reviews):
            number = (day - epoch).days
            at = (number * 86400 + 9 * 3600 + k % 60 * 60) * 1000
            logs.append((1, key, at, number, grade, 0, ease, ivl, k + 1, number + ivl, *(prev or (None,) * 6), 8.0, 0))
            prev = (ease, ivl, k + 1, number + ivl, 0, intro)
    conn.executemany("INSERT INTO card_state (learner_id, card_key, easiness, interval, repetitions, due, lapses, "
                     "suspended, leech, introduced_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", states)
    conn.executemany("INSERT INTO review_log (learner_id, card_key, reviewed_at, review_day, grade, practice, easiness, "
                     "interval, repetitions, due, prev_easiness, prev_interval, prev_repetitions, prev_due, "
                     "prev_lapses, prev_introduced_on, seconds, drill) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", logs)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


ANKI_BUILD = r"""
import json, sys, time
from datetime import date, datetime
from anki.collection import Collection, AddNoteRequest
spec = json.load(open(sys.argv[1]))
t0 = time.perf_counter()
col = Collection(spec["path"])
model = col.models.by_name("Basic")
requests = []
for front, back in spec["cards"]:
    note = col.new_note(model)
    note["Front"], note["Back"] = front, back
    requests.append(AddNoteRequest(note=note, deck_id=1))
col.add_notes(requests)
col.close()
added = time.perf_counter() - t0
if spec.get("history"):
    col = Collection(spec["path"])
    ids = [r[0] for r in col.db.all("select id from cards order by nid")]
    today = col.sched.today
    base = date.fromisoformat(spec["today"])
    cards, revlog = [], []
    used = {}
    for index, due, ivl, ease, reps, lapses, reviews in spec["history"]:
        cid = ids[index]
        cards.append((today + (date.fromisoformat(due) - base).days, ivl, int(ease * 1000), reps, lapses, cid))
        last = 0
        for day, grade, after in reviews:
            stamp = int(datetime.fromisoformat(day + "T09:00:00").timestamp() * 1000)
            rid = stamp + used.get(stamp, 0)  # revlog ids are unique milliseconds
            used[stamp] = used.get(stamp, 0) + 1
            revlog.append((rid, cid, -1, {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}[grade],
                           after, last, int(ease * 1000), 8000, 1))
            last = after
    col.db.executemany("update cards set type = 2, queue = 2, due = ?, ivl = ?, factor = ?, reps = ?, lapses = ? "
                       "where id = ?", cards)
    col.db.executemany("insert or ignore into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                       "values (?, ?, ?, ?, ?, ?, ?, ?, ?)", revlog)
    col.close()
print(json.dumps({"added": added}))
"""

ANKI_TODAY = r"""
import sys
from anki.collection import Collection
col = Collection(sys.argv[1])
print(col.sched.counts())
col.close()
"""

ANKI_STATS = r"""
import sys
from anki.collection import Collection
col = Collection(sys.argv[1])
graphs = col._backend.graphs(search="", days=365)
print(col.sched.counts(), len(graphs.SerializeToString()))
col.close()
"""

ANKI_QUEUE = r"""
import json, sys, time
from anki.collection import Collection
col = Collection(sys.argv[1])
t0 = time.perf_counter()
queued = col.sched.get_queued_cards(fetch_limit=200)
took = time.perf_counter() - t0
print(json.dumps({"queue": took, "cards": len(queued.cards)}))
col.close()
"""

ANKI_GRADE = r"""
import json, sys, time
from anki.collection import Collection
col = Collection(sys.argv[1])
if sys.argv[3] != "default":
    col.db.execute(f"pragma synchronous = {sys.argv[3]}")
pragmas = {p: col.db.scalar(f"pragma {p}") for p in ("journal_mode", "synchronous")}
n = int(sys.argv[2])
card = col.sched.getCard()
t0 = time.perf_counter()
for _ in range(n):
    col.sched.answerCard(card, 3)
    card = col.sched.getCard()
took = (time.perf_counter() - t0) / n
print(json.dumps({"grade": took, "pragmas": pragmas}))
col.close()
"""

SP_QUEUE = r"""
import json, sys, time
from studyplan.study_review import ReviewOptions, start_review
from studyplan.workspace import Workspace
ws = Workspace(db=sys.argv[1], decks=sys.argv[2])
ws._sessions  # the database opened and the decks checked, as Anki's collection is before its figure
ws.catalog
t0 = time.perf_counter()
start = start_review(ws, ReviewOptions(max_cards=200))
took = time.perf_counter() - t0
print(json.dumps({"queue": took, "cards": len(start.session.pending) if start.session else 0}))
"""

SP_GRADE = r"""
import json, sys, time
if sys.argv[4] != "default":
    try:
        from studyplan.db import location
        location.SQLITE_SYNCHRONOUS = sys.argv[4]  # every writable SQLite connection's level
    except ImportError:  # a release before db.location: the engine's connect hook
        from studyplan.db import engine as store
        real = store._sqlite_pragmas
        def pragmas(conn, record):
            real(conn, record)
            conn.cursor().execute(f"PRAGMA synchronous = {sys.argv[4]}")
        store._sqlite_pragmas = pragmas
from studyplan.db.reviews import grade_card
from studyplan.study_review import ReviewOptions, start_review
from studyplan.workspace import Workspace
ws = Workspace(db=sys.argv[1], decks=sys.argv[2])
start = start_review(ws, ReviewOptions(max_cards=int(sys.argv[3])))
session = start.session
queue = list(session.pending)
grade_transaction = getattr(ws, "grade_transaction", ws.transaction)  # a release before it: the ORM session
with grade_transaction() as s:  # the pragmas of the connection the grades run on
    run = getattr(s, "execute", None) or s.connection().exec_driver_sql
    mode = {p: run(f"PRAGMA {p}").fetchone()[0] for p in ("journal_mode", "synchronous")}
t0 = time.perf_counter()
card = queue.pop(0)
n = 0
while card is not None:
    with grade_transaction() as s:  # one short transaction per grade, as the review screen does
        grade_card(s, session.learner_id, card, 4, ws.now(), ws.today)
    n += 1
    card = queue.pop(0) if queue else None
took = (time.perf_counter() - t0) / n
print(json.dumps({"grade": took, "pragmas": mode}))
"""


SP_NOOP = r"""
import json, sys, time
from studyplan.workspace import Workspace
ws = Workspace(db=sys.argv[1], decks=sys.argv[2])
ws._sessions
try:
    import studyplan.deck_sync  # modules imported: the figure is the sync's own work
except ImportError:
    pass  # a release before deck_sync (a before/after run)
t0 = time.perf_counter()
with ws.unit(create_learner=False) as u:
    synced = u.synced
took = time.perf_counter() - t0
print(json.dumps({"noop": took, "unchanged": synced.unchanged}))
"""


# ---------------------------------------------------------------- running things

def run(args: list[str]) -> tuple[float, int, str]:
    """(wall seconds, 0, stdout) of a fresh process; exits on failure."""
    t0 = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if done.returncode:
        raise SystemExit(f"{' '.join(args[:4])}... failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return took, 0, done.stdout.strip()


def run_rss(args: list[str]) -> tuple[float, int, str]:
    """Like run, but the peak RSS of this one process, read by a tiny wrapper that waits on it."""
    wrapper = ("import os, subprocess, sys, time, json\n"
               "t0 = time.perf_counter()\n"
               "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
               "out, err = p.stdout.read(), p.stderr.read()\n"
               "_, status, usage = os.wait4(p.pid, 0)\n"
               "took = time.perf_counter() - t0\n"
               "sys.stderr.write(err.decode())\n"
               "print(json.dumps({'took': took, 'rss': usage.ru_maxrss, 'status': status, 'out': out.decode()}))\n")
    _, _, out = run([sys.executable, "-c", wrapper, *args])
    result = json.loads(out)
    if result["status"]:
        raise SystemExit(f"{' '.join(args[:4])}... failed: {result['out'][-400:]}")
    return result["took"], result["rss"], result["out"].strip()


def median_grade(runs: int, source: Path, copy: Path, once) -> dict:
    """*once* (a grading run) on a fresh copy of *source*, *runs* times: its output with the
    median per-card time (an fsync's time moves with the shared disk's load between runs)."""
    outs = []
    for _ in range(runs):
        subprocess.run(["cp", str(source), str(copy)], check=True)
        outs.append(once(copy))
        copy.unlink()
    return dict(outs[-1], grade=statistics.median(o["grade"] for o in outs))


def median_of(runs: int, fn) -> tuple[float, int, str]:
    results = [fn() for _ in range(runs)]
    return (statistics.median(r[0] for r in results), max(r[1] for r in results), results[-1][2])


def byte_compile_studyplan() -> None:
    """Compile studyplan's modules as `pip install` does for its users (and did for the
    anki package): a checkout run with PYTHONDONTWRITEBYTECODE set would otherwise compile
    every module from source in each cold process."""
    import compileall

    import studyplan

    compileall.compile_dir(Path(studyplan.__file__).parent, quiet=1)


def anki_python(cache: Path, given: str | None) -> str | None:
    """A Python with the `anki` package: *given*, or a venv made once under *cache*."""
    if given:
        return given
    venv = cache / "anki-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"making a venv with the anki package in {venv} (once)...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "anki"], capture_output=True, text=True)
        if done.returncode:
            print(f"could not install anki: {done.stderr.strip()[-300:]}")
            return None
    return str(python)


# ---------------------------------------------------------------- the table

def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.2f} ms" if seconds < 0.01 else f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_size(n: float | None) -> str:
    return "-" if n is None else f"{n / 2**20:.1f} MiB"


def table(rows: list[tuple[str, float | None, float | None, str]]) -> str:
    lines = [f"| {'operation':<52} | {'studyplan':>11} | {'Anki':>11} | {'ratio':>7} | at or under Anki |",
             f"|{'-' * 54}|{'-' * 13}|{'-' * 13}|{'-' * 9}|{'-' * 18}|"]
    for name, ours, theirs, kind in rows:
        show = fmt_size if kind == "size" else fmt_time
        ratio = f"{ours / theirs:.2f}x" if ours is not None and theirs else "-"
        verdict = "-" if ours is None or not theirs else ("yes" if ours <= theirs else "NO")
        lines.append(f"| {name:<52} | {show(ours):>11} | {show(theirs):>11} | {ratio:>7} | {verdict:<16} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 cards: a smoke run")
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (default 7, quick 3)")
    parser.add_argument("--anki-python", help="a Python that has the anki package (default: a venv in the cache)")
    parser.add_argument("--no-anki", action="store_true", help="studyplan's column only")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    runs = args.runs or (3 if args.quick else 7)
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "studyplan-bench"
    cache.mkdir(parents=True, exist_ok=True)
    anki = None if args.no_anki else anki_python(cache, args.anki_python)
    py = sys.executable
    cli = [py, "-m", "studyplan"]
    byte_compile_studyplan()

    with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp:
        root = Path(tmp)
        decks = write_decks(root, size)
        hist = histories(size)
        reviews = sum(len(h.reviews) for h in hist)
        due = sum(1 for h in hist if h.due <= TODAY)
        print(f"collection: {size.cards:,} cards in 1 exam ({DOMAINS} domains), {size.introduced:,} introduced, "
              f"{reviews:,} logged reviews, {due:,} due today; medians of {runs} runs; today {TODAY}")

        # first sync: each run on a fresh database; the last one is kept
        first_runs = max(1, min(runs, 3))
        db = root / "sp.db"
        firsts = []
        for i in range(first_runs):
            target = root / f"first-{i}.db"
            firsts.append(run_rss([*cli, "--db", str(target), "--decks", str(decks), "decks", "sync"]))
        first = (statistics.median(f[0] for f in firsts), max(f[1] for f in firsts))
        os.replace(root / f"first-{first_runs - 1}.db", db)
        for i in range(first_runs - 1):
            (root / f"first-{i}.db").unlink()
        base = [*cli, "--db", str(db), "--decks", str(decks)]
        # The plan is made before the history goes in: `today` reads the stored plan, and
        # planning over 40,000 studied cards' states is a separate (slow) matter.
        made = subprocess.run([*base, "plan", "create", "--exam", EXAM, "--background", "experienced",
                               "--exam-date", (TODAY + timedelta(days=120)).isoformat(), "--minutes-per-day", "720",
                               "--new-cards", str(size.cards // 10), "--force", "--yes"], capture_output=True, text=True)
        if made.returncode:
            print(f"plan create failed: {made.stderr.strip()}")
        write_studyplan_history(db, size, hist)

        today = median_of(runs, lambda: run_rss([*base, "today"]))
        stats = median_of(runs, lambda: run_rss([*base, "stats"]))
        noop = median_of(runs, lambda: run_rss([*base, "decks", "sync"]))
        noop_in = statistics.median(json.loads(run([py, "-c", SP_NOOP, str(db), str(decks)])[2])["noop"]
                                    for _ in range(runs))
        queue = statistics.median(json.loads(run([py, "-c", SP_QUEUE, str(db), str(decks)])[2])["queue"]
                                  for _ in range(runs))
        graded = {}
        for mode in ("default", "FULL", "NORMAL"):  # ours as shipped, then each level forced
            graded[mode] = median_grade(runs, db, root / f"grade-{mode}.db", lambda copy, mode=mode: json.loads(
                run([py, "-c", SP_GRADE, str(copy), str(decks), str(size.grades), mode])[2]))
        sp_size = db.stat().st_size

        ours_figures = dict(today=today, stats=stats, noop=noop, noop_in=noop_in, queue=queue, graded=graded,
                            first=first, size=sp_size)
        print("studyplan figures:", json.dumps(ours_figures), flush=True)  # kept should the Anki side fail
        theirs: dict = {}
        if anki:
            col = root / "anki" / "collection.anki2"
            col.parent.mkdir()
            spec_cards = [card_text(i // (size.cards // DOMAINS), i % (size.cards // DOMAINS) + 1) for i in range(size.cards)]
            adds = []
            for i in range(first_runs):
                spec = root / "spec.json"
                target = root / "anki" / f"first-{i}.anki2"
                spec.write_text(json.dumps({"path": str(target), "cards": spec_cards}))
                took, rss, _ = run_rss([anki, "-c", ANKI_BUILD, str(spec)])
                adds.append((took, rss))
                target.unlink()
            spec.write_text(json.dumps({"path": str(col), "cards": spec_cards, "today": TODAY.isoformat(), "history": [
                (h.index, h.due.isoformat(), h.interval, h.ease, h.reps, h.lapses,
                 [(d.isoformat(), g, a) for d, g, a in h.reviews]) for h in hist]}))
            run([anki, "-c", ANKI_BUILD, str(spec)])
            theirs["first"] = (statistics.median(a[0] for a in adds), max(a[1] for a in adds))
            theirs["today"] = median_of(runs, lambda: run_rss([anki, "-c", ANKI_TODAY, str(col)]))
            theirs["stats"] = median_of(runs, lambda: run_rss([anki, "-c", ANKI_STATS, str(col)]))
            theirs["queue"] = statistics.median(json.loads(run([anki, "-c", ANKI_QUEUE, str(col)])[2])["queue"]
                                                for _ in range(runs))
            theirs["graded"] = {}
            for mode in ("default", "NORMAL"):
                theirs["graded"][mode] = median_grade(runs, col, root / "anki" / f"grade-{mode}.anki2", lambda copy, mode=mode: (
                    json.loads(run([anki, "-c", ANKI_GRADE, str(copy), str(size.grades), mode])[2])))
            theirs["size"] = col.stat().st_size

    sp, ak = ours_figures, theirs
    g = sp["graded"]
    ag = ak.get("graded", {})
    rows = [
        ("cold `today` (process start to exit)", sp["today"][0], ak.get("today", (None,))[0], "time"),
        ("cold `stats`", sp["stats"][0], ak.get("stats", (None,))[0], "time"),
        ("review queue, first 200 cards (after open)", sp["queue"], ak.get("queue"), "time"),
        (f"grade + next, per card (ours {g['default']['pragmas']['synchronous']} vs Anki default)",
         g["default"]["grade"], ag.get("default", {}).get("grade"), "time"),
        ("grade + next, per card, both synchronous=FULL(2)" if ag else "grade + next, synchronous=FULL",
         g["FULL"]["grade"], ag.get("default", {}).get("grade") if ag.get("default", {}).get("pragmas", {}).get("synchronous") == 2 else None, "time"),
        ("grade + next, per card, both synchronous=NORMAL(1)", g["NORMAL"]["grade"], ag.get("NORMAL", {}).get("grade"), "time"),
        ("no-op `decks sync` (CLI, process)", sp["noop"][0], None, "time"),
        ("no-op deck sync in process (stat, compare, commit)", sp["noop_in"], None, "time"),
        ("first `decks sync` vs Anki adding the notes", sp["first"][0], ak.get("first", (None,))[0], "time"),
        ("database on disk", sp["size"], ak.get("size"), "size"),
        ("peak memory, cold `today` vs open + counts", sp["today"][1] * 1024, ak.get("today", (None, None))[1] and ak["today"][1] * 1024, "size"),
        ("peak memory, cold `stats`", sp["stats"][1] * 1024, ak.get("stats", (None, None))[1] and ak["stats"][1] * 1024, "size"),
        ("peak memory, first sync vs adding the notes", sp["first"][1] * 1024, ak.get("first", (None, None))[1] and ak["first"][1] * 1024, "size"),
    ]
    print()
    print(table(rows))
    print(f"\nstudyplan pragmas: {g['default']['pragmas']}; Anki's: {ag.get('default', {}).get('pragmas', '-')}"
          " (synchronous 1 = NORMAL, 2 = FULL)")
    missed = [name for name, ours, theirs_, _ in rows if ours is not None and theirs_ and ours > theirs_]
    print("rows above Anki: " + (", ".join(missed) if missed else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
