"""SIGKILL at random points of `review`, `decks sync`, `plan create` and `replan`.

Each kill is followed by the same checks: `PRAGMA integrity_check` is ok; every grade that
was acknowledged (the next card's header was printed) is in the log, and each card's state
is the one its last logged grade produced; nothing half-written is visible (a sync is fully
applied or not at all, a plan is the previous one or the new one with all its days and
tasks); and the next command works on the database.

The random delays come from a fixed seed (SEED below), so a failure replays exactly; each
test reports how many kills hit a process that was still running. The delays are spread
over the whole life of each command (startup, migration, reading, writing), measured from
an uninterrupted run of the same command, half of them near its end, where it writes.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from cli.test_review import read_until
from click.testing import CliRunner
from conftest import COURSES, TINY_EXAM, deck_file, history_views

from studyplan.cli import cli

SEED = 20261201
TODAY = date(2026, 12, 1)
KILLS = {"review": 40, "sync": 20, "plan": 20, "replan": 20}  # 100 in all
KILLED: dict[str, int] = {}


def make_decks(root: Path, alpha: int, beta: int, edit: bool = False) -> Path:
    (root / "tiny").mkdir(parents=True)
    (root / "tiny" / "exam.toml").write_text(TINY_EXAM)
    alpha_text = deck_file("alpha", range(1, alpha + 1))
    if edit:  # v2 edits the first ten alpha cards and drops beta-001..005
        for i in range(1, 11):
            alpha_text = alpha_text.replace(f"Question {i} about alpha?", f"Question {i} about alpha, v2?")
    (root / "tiny" / "01-alpha.toml").write_text(alpha_text)
    (root / "tiny" / "02-beta.toml").write_text(deck_file("beta", range(6 if edit else 1, beta + 1)))
    (root / "courses.toml").write_text(COURSES)
    return root


def env_for(db: Path, decks: Path, today: date = TODAY) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYPLAN_")}
    env.update({"STUDYPLAN_DB": str(db), "STUDYPLAN_DECKS": str(decks), "STUDYPLAN_TODAY": today.isoformat(),
                "NO_COLOR": "1"})
    return env


def studyplan(db: Path, decks: Path, *args, today: date = TODAY, input: str | None = None):
    proc = subprocess.run([sys.executable, "-m", "studyplan", *args], env=env_for(db, decks, today), input=input,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc


def in_process(db: Path, decks: Path, *args, today: date = TODAY, input: str | None = None):
    """The next command after a kill, run in this process (fast): it must work."""
    result = CliRunner(env={"STUDYPLAN_LEARNER": None}).invoke(
        cli, ["--db", str(db), "--decks", str(decks), "--today", today.isoformat(), *args],
        input=input, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def rows(db: Path, sql: str, *args):
    conn = sqlite3.connect(db)
    try:
        return history_views(conn).execute(sql, args).fetchall()
    finally:
        conn.close()


def fresh_copy(template: Path, folder: Path, n: int) -> Path:
    db = folder / f"kill-{n:03d}.db"
    shutil.copyfile(template, db)
    return db


def assert_intact(db: Path) -> None:
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "PRAGMA foreign_key_check") == []


def random_delay(rng: random.Random, full: float) -> float:
    """Anywhere in the command's life, or (every other kill) near its end, where it writes."""
    return full * (rng.uniform(0.05, 1.0) if rng.random() < 0.5 else rng.uniform(0.7, 0.98))


def kill_after(argv: list[str], env: dict, delay: float) -> bool:
    """Start the command, SIGKILL it after *delay* seconds; True if it was still running."""
    proc = subprocess.Popen([sys.executable, "-m", "studyplan", *argv], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(min(0.005, max(0.0, deadline - time.monotonic())))
    alive = proc.poll() is None
    if alive:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return alive


def timed(argv: list[str], env: dict) -> float:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "studyplan", *argv], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return time.monotonic() - started


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Decks v1 (50 cards) and v2 (700 cards, edits, removals) and template databases."""
    root = tmp_path_factory.mktemp("kills")
    v1 = make_decks(root / "decks-v1", 30, 20)
    v2 = make_decks(root / "decks-v2", 400, 300, edit=True)
    synced = root / "synced.db"
    studyplan(synced, v1, "decks", "sync")
    planned = root / "planned.db"
    shutil.copyfile(synced, planned)
    studyplan(planned, v1, "plan", "create", "--exam", "tiny", "--background", "experienced",
              "--exam-date", "2027-01-05")
    studyplan(planned, v1, "review", input="4\n" * 8, today=date(2026, 12, 4))  # some history for replan
    return {"root": root, "v1": v1, "v2": v2, "synced": synced, "planned": planned}


def report(kind: str, count: int) -> None:
    KILLED[kind] = count
    print(f"\n{kind}: {count} SIGKILLs of a running process (seed {SEED})")


# ------------------------------------------------------------------ review


def test_sigkill_at_random_points_of_review_loses_no_acknowledged_grade(world):
    rng = random.Random(f"{SEED}-review")
    killed = 0
    for n in range(KILLS["review"]):
        db = fresh_copy(world["synced"], world["root"], n)
        proc = subprocess.Popen([sys.executable, "-m", "studyplan", "review", "--exam", "tiny"],
                                env=env_for(db, world["v1"]), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        acknowledged: list[int] = []
        sent: list[int] = []
        try:
            if n % 5 == 0:  # during startup: imports, opening the database, building the queue
                time.sleep(rng.uniform(0.0, 0.6))
            else:
                fd = proc.stdout.fileno()
                read_until(fd, b"Q: ")
                for _ in range(rng.randint(0, 12)):
                    grade = rng.randint(0, 5)
                    proc.stdin.write(f"{grade}\n".encode())
                    proc.stdin.flush()
                    sent.append(grade)
                    read_until(fd, b"] tiny")  # the next card's header: the grade is acknowledged
                    acknowledged.append(grade)
                grade = rng.randint(0, 5)  # one more grade, killed at a random point of its commit
                proc.stdin.write(f"{grade}\n".encode())
                proc.stdin.flush()
                sent.append(grade)
                time.sleep(rng.uniform(0.0, 0.02))
        finally:
            killed += proc.poll() is None
            proc.kill()
            proc.wait(timeout=30)
        assert_intact(db)
        logged = [g for (g,) in rows(db, "SELECT grade FROM review_log ORDER BY id")]
        assert logged[:len(acknowledged)] == acknowledged, (n, logged, acknowledged)
        assert len(logged) <= len(sent)
        # Each grade wrote its log row and the card's state in one transaction.
        last = dict(((c, (e, i, r, d)) for c, e, i, r, d in rows(
            db, "SELECT card_id, easiness, interval, repetitions, due FROM review_log WHERE NOT practice ORDER BY id")))
        states = {c: (e, i, r, d) for c, e, i, r, d in rows(
            db, "SELECT card_id, easiness, interval, repetitions, due FROM card_state")}
        assert states == last, n
        in_process(db, world["v1"], "review", "--exam", "tiny", input="q\n")  # the next session works
    report("review", killed)
    assert killed >= KILLS["review"] * 0.8


# ------------------------------------------------------------------ decks sync


def test_sigkill_at_random_points_of_decks_sync_applies_all_or_nothing(world):
    rng = random.Random(f"{SEED}-sync")
    argv = ["decks", "sync"]
    reference = fresh_copy(world["synced"], world["root"], 999)
    full = timed(argv, env_for(reference, world["v2"]))
    new_count = rows(reference, "SELECT count(*) FROM card WHERE retired_at IS NULL")[0][0]
    assert new_count == 400 + 295
    killed = outcomes_new = n = 0
    while killed < KILLS["sync"] and n < 4 * KILLS["sync"]:  # a run that ended before its kill is retried
        n += 1
        db = fresh_copy(world["synced"], world["root"], 100 + n)
        hit = kill_after(argv, env_for(db, world["v2"]), random_delay(rng, full))
        killed += hit
        full = full if hit else full * 0.85  # the machine got faster than the timed run: aim earlier
        assert_intact(db)
        active = rows(db, "SELECT count(*) FROM card WHERE retired_at IS NULL")[0][0]
        edited = rows(db, "SELECT count(*) FROM card WHERE front LIKE '%v2?'")[0][0]
        retired = rows(db, "SELECT count(*) FROM card WHERE retired_at IS NOT NULL")[0][0]
        assert (active, edited, retired) in {(50, 0, 0), (new_count, 10, 5)}, (n, active, edited, retired)
        outcomes_new += active == new_count
        in_process(db, world["v2"], "decks", "sync")
        assert rows(db, "SELECT count(*) FROM card WHERE retired_at IS NULL")[0][0] == new_count
    print(f"\nsync: {outcomes_new} of {n} runs had committed when killed, the rest had not")
    report("sync", killed)
    assert killed >= KILLS["sync"] * 0.8


# ------------------------------------------------------------------ plan create and replan


def plan_shape(db: Path, plan_id: int) -> tuple[int, int, str, str]:
    days, first, last = rows(db, "SELECT count(*), min(day), max(day) FROM plan_day WHERE plan_id = ?", plan_id)[0]
    tasks = rows(db, "SELECT count(*) FROM plan_task t JOIN plan_day d ON d.id = t.plan_day_id WHERE d.plan_id = ?",
                 plan_id)[0][0]
    return days, tasks, first, last


def check_plans(db: Path, before: tuple[int, tuple], after: tuple[int, tuple], n: int) -> bool:
    """The active plan is the previous one or the complete new one; True if it is the new one."""
    active = rows(db, "SELECT id FROM plan WHERE active")
    assert len(active) == 1, (n, active)
    plan_id = active[0][0]
    all_ids = {i for (i,) in rows(db, "SELECT id FROM plan")}
    orphans = rows(db, "SELECT count(*) FROM plan_day WHERE plan_id NOT IN (SELECT id FROM plan)")[0][0]
    assert orphans == 0
    if plan_id == before[0]:
        assert all_ids == {before[0]}, (n, all_ids)  # nothing of the new plan is visible
        assert plan_shape(db, plan_id) == before[1]
        return False
    assert plan_id == after[0] and all_ids == {before[0], after[0]}, (n, plan_id, all_ids)
    assert plan_shape(db, plan_id) == after[1], n  # every day and task of the new plan
    return True


def kill_plan_command(world, kind: str, argv: list[str], today: date, base: int):
    rng = random.Random(f"{SEED}-{kind}")
    template = world["planned"]
    previous = rows(template, "SELECT id FROM plan WHERE active")[0][0]
    before = (previous, plan_shape(template, previous))
    reference = fresh_copy(template, world["root"], base + 999)
    full = timed(argv, env_for(reference, world["v1"], today))
    new_id = rows(reference, "SELECT id FROM plan WHERE active")[0][0]
    after = (new_id, plan_shape(reference, new_id))
    assert after[1][0] > 1 and after[1] != before[1]
    killed = committed = n = 0
    while killed < KILLS[kind] and n < 4 * KILLS[kind]:  # a run that ended before its kill is retried
        n += 1
        db = fresh_copy(template, world["root"], base + n)
        hit = kill_after(argv, env_for(db, world["v1"], today), random_delay(rng, full))
        killed += hit
        full = full if hit else full * 0.85  # the machine got faster than the timed run: aim earlier
        assert_intact(db)
        committed += check_plans(db, before, after, n)
        in_process(db, world["v1"], "today", today=today)  # the database still serves the day
    print(f"\n{kind}: {committed} of {n} runs had committed the new plan when killed")
    report(kind, killed)
    assert killed >= KILLS[kind] * 0.8


def test_sigkill_at_random_points_of_plan_create_leaves_old_or_complete_new_plan(world):
    kill_plan_command(world, "plan", ["plan", "create", "--yes", "--exam", "tiny", "--background", "pivoting",
                                      "--exam-date", "2027-04-01"], TODAY, 300)


def test_sigkill_at_random_points_of_replan_leaves_old_or_complete_new_plan(world):
    kill_plan_command(world, "replan", ["replan"], date(2026, 12, 12), 600)


def test_kill_count():
    """Runs last in this module: at least 50 kills of a running process in all."""
    if len(KILLED) == len(KILLS):
        total = sum(KILLED.values())
        print(f"\n{total} SIGKILLs in all: {KILLED}")
        assert total >= 50
