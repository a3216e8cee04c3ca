"""The store and the CLI on both backends: a SQLite file and a real PostgreSQL server.

Every test takes `db_url` and runs twice, once per backend; PostgreSQL is a throw-away
cluster (tests/pgserver.py), and where it cannot be started the PostgreSQL half is skipped
with the reason (shown by `pytest -ra`).
"""

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta

from pgserver import db_url, pg_url, query  # noqa: F401  (fixtures)
from sqlalchemy import func, select, text

from studyplan.db.engine import (
    current_revision,
    database_url,
    head_revision,
    make_engine,
    open_database,
    upgrade,
)
from studyplan.db.models import ReviewLog
from studyplan.sm2 import Sm2State, review

TODAY = date(2026, 12, 1)


def cli_env(url, decks, learner="default", today=TODAY):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYPLAN_")}
    env.update({"STUDYPLAN_DB": url, "STUDYPLAN_DECKS": str(decks), "STUDYPLAN_TODAY": today.isoformat(),
                "STUDYPLAN_LEARNER": learner})
    return env


def pipe_session(url, decks, grades, learner="default", today=TODAY, extra=()):
    """A review session in a real process, graded one line per card through a pipe."""
    proc = subprocess.run([sys.executable, "-m", "studyplan", "review", "--exam", "tiny", *extra],
                          input="".join(f"{g}\n" for g in grades), capture_output=True, text=True, timeout=120,
                          env=cli_env(url, decks, learner, today))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def test_open_creates_the_schema_at_head_and_reopening_changes_nothing(db_url):
    engine, Session = open_database(db_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()
    tables = {"learner", "exam", "domain", "card", "card_state", "review_log", "plan", "plan_day", "plan_task"}
    from sqlalchemy import inspect

    engine, _ = open_database(db_url)
    assert tables <= set(inspect(engine).get_table_names())
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_upgrade_from_the_first_revision_keeps_the_data(db_url):
    engine = make_engine(database_url(db_url))
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO learner (id, name, created_at) VALUES (1, 'ada', '2026-01-01 00:00:00')"))
    engine.dispose()
    engine, _ = open_database(db_url)
    assert current_revision(engine) == "0007"
    engine.dispose()
    assert query(db_url, "SELECT name FROM learner") == [("ada",)]
    assert query(db_url, "SELECT count(*) FROM plan") == [(0,)]


def test_decks_sync_is_idempotent_and_edits_keep_history(run, db_url, tiny_decks):
    first = run("decks", "sync", db=db_url)
    assert first.exit_code == 0, first.output
    assert "10 added, 0 updated, 0 retired, 0 restored, 0 unchanged" in first.stdout
    again = run("decks", "sync", db=db_url)
    assert "0 added, 0 updated, 0 retired, 0 restored, 10 unchanged" in again.stdout
    alpha = tiny_decks / "tiny" / "01-alpha.toml"
    alpha.write_text(alpha.read_text().replace("Question 2 about alpha?", "Question 2, reworded?")
                     .split('\n[[cards]]\nid = "tiny-alpha-006"')[0])
    edited = run("decks", "sync", db=db_url)
    assert "0 added, 1 updated, 1 retired, 0 restored, 8 unchanged" in edited.stdout
    assert query(db_url, "SELECT front FROM card WHERE id = 'tiny-alpha-002'") == [("Question 2, reworded?",)]
    assert query(db_url, "SELECT count(*) FROM card WHERE retired_at IS NULL") == [(9,)]


def test_plan_create_then_today(run, db_url):
    created = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "2027-01-05",
                  db=db_url)
    assert created.exit_code == 0, created.output
    assert "Plan for tiny (experienced): 2026-12-01 to the exam on 2027-01-05" in created.stdout
    shown = json.loads(run("plan", "show", "--format", "json", db=db_url).stdout)
    assert shown["days"][0]["date"] == "2026-12-01" and shown["days"][-1]["date"] == "2027-01-05"
    today = run("today", "--format", "json", db=db_url)
    assert today.exit_code == 0, today.output
    report = json.loads(today.stdout)
    assert (report["exam"], report["days_left"], report["date"]) == ("tiny", 35, "2026-12-01")
    replaced = run("plan", "create", "--exam", "tiny", "--background", "experienced", "--yes", db=db_url)
    assert replaced.exit_code == 0
    assert query(db_url, "SELECT count(*) FROM plan WHERE active") == [(1,)]


def test_a_review_session_through_a_pipe_then_export_replays_under_sm2(run, db_url, tiny_decks):
    run("decks", "sync", db=db_url)
    day = TODAY
    for grades in (["5", "4", "3", "4", "2", "4", "4"], ["4"] * 12, ["5"] * 12):
        out = pipe_session(db_url, tiny_decks, grades, today=day)
        assert "Session" in out.stdout
        day += timedelta(days=1)
    logged = query(db_url, "SELECT grade FROM review_log ORDER BY id")
    assert [g for (g,) in logged][:7] == [5, 4, 3, 4, 2, 4, 4]
    exported = json.loads(run("export", "reviews", "--format", "json", db=db_url).stdout)
    assert len(exported) == len(logged)
    states = {}
    for rec in exported:
        if rec["practice"]:
            continue
        state = review(states.get(rec["card_id"], Sm2State()), rec["grade"],
                       datetime.fromisoformat(rec["reviewed_at"]).date())
        states[rec["card_id"]] = state
        assert (round(state.easiness, 6), state.interval, state.repetitions, state.due.isoformat()) == (
            rec["easiness"], rec["interval"], rec["repetitions"], rec["due"])
    csv_out = run("export", "reviews", "--format", "csv", db=db_url).stdout.splitlines()
    assert len(csv_out) == len(exported) + 1


def test_two_learners_on_one_database_are_isolated(run, db_url, tiny_decks):
    run("decks", "sync", db=db_url)
    pipe_session(db_url, tiny_decks, ["5", "4", "5"], learner="ada")
    bob = run("--learner", "bob", "review", "--exam", "tiny", "--max", "1", input="q\n", db=db_url)
    assert "[0 done / 1 left" in bob.stdout  # bob still starts at the first new card
    assert "Question 1 about alpha?" in bob.stdout
    run("--learner", "bob", "plan", "create", "--exam", "tiny", "--background", "experienced", db=db_url)
    assert run("--learner", "ada", "plan", "show", db=db_url).exit_code == 1  # ada has no plan
    ada_export = json.loads(run("--learner", "ada", "export", "reviews", "--format", "json", db=db_url).stdout)
    bob_export = json.loads(run("--learner", "bob", "export", "reviews", "--format", "json", db=db_url).stdout)
    assert [r["grade"] for r in ada_export] == [5, 4, 5] and bob_export == []
    ada_stats = json.loads(run("--learner", "ada", "stats", "--exam", "tiny", "--format", "json", db=db_url).stdout)
    bob_stats = json.loads(run("--learner", "bob", "stats", "--format", "json", db=db_url).stdout)
    assert sum(d["new"] for d in ada_stats["domains"]) == 7
    assert sum(d["new"] for d in bob_stats["domains"]) == 10
    assert query(db_url, "SELECT count(DISTINCT id) FROM card") == [(10,)]  # the decks are shared


def test_cohort_on_both_backends(run, db_url, tiny_decks):
    for name, date_ in (("ada", "2027-01-05"), ("bob", "2026-12-29")):
        result = run("--learner", name, "plan", "create", "--exam", "tiny", "--background", "experienced",
                     "--exam-date", date_, db=db_url, today="2026-11-20")
        assert result.exit_code == 0, result.output
    pipe_session(db_url, tiny_decks, ["4"] * 6, learner="ada", extra=("--new-only",))
    cohort = run("cohort", "--format", "json", db=db_url)
    assert cohort.exit_code == 0, cohort.output
    data = json.loads(cohort.stdout)
    assert [r["learner"] for r in data["learners"]] == ["ada", "bob"]
    for row in data["learners"]:
        today = json.loads(run("--learner", row["learner"], "today", "--format", "json", db=db_url).stdout)
        assert row["readiness"] == today["readiness"]
        assert row["days_to_exam"] == today["days_left"]
    assert data["learners"][0]["reviews"] == len(query(db_url, "SELECT r.id FROM review_log r JOIN learner l ON "
                                                       "l.id = r.learner_id WHERE l.name = 'ada' AND NOT r.practice"))
    table = run("cohort", db=db_url)
    assert table.exit_code == 0 and "ada" in table.stdout and "bob" in table.stdout
    assert run("cohort", "--format", "csv", db=db_url).stdout.splitlines()[0].startswith("learner,exam,")


def test_concurrent_sessions_of_different_learners_lose_nothing(run, db_url, tiny_decks):
    """Four learners grade at the same moment; every grade lands, nobody waits long enough to fail."""
    run("decks", "sync", db=db_url)
    learners = ["ann", "ben", "cat", "dan"]
    for name in learners:  # create the learners first: creating one is a one-off write
        run("--learner", name, "exams", db=db_url)
        run("--learner", name, "review", "--max", "1", "--exam", "tiny", input="q\n", db=db_url)
    procs = [subprocess.Popen([sys.executable, "-m", "studyplan", "review", "--exam", "tiny"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=cli_env(db_url, tiny_decks, name)) for name in learners]
    outs = [p.communicate(("4\n" * 10).encode(), timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outs):
        assert p.returncode == 0, err.decode()
        assert b"busy" not in err and b"Traceback" not in err
    for name in learners:
        graded = query(db_url, "SELECT count(*), count(DISTINCT r.card_key) FROM review_log r JOIN learner l "
                       "ON l.id = r.learner_id WHERE l.name = :n", n=name)
        assert graded == [(10, 10)]


def test_two_sessions_of_one_learner_never_double_a_grade(run, db_url, tiny_decks):
    run("decks", "sync", db=db_url)
    run("review", "--exam", "tiny", "--max", "1", input="q\n", db=db_url)
    procs = [subprocess.Popen([sys.executable, "-m", "studyplan", "review", "--exam", "tiny"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=cli_env(db_url, tiny_decks)) for _ in range(2)]
    outs = [p.communicate(b"4\n" * 12, timeout=120) for p in procs]
    for p, (_, err) in zip(procs, outs):
        assert p.returncode == 0, err.decode()
    graded = query(db_url, "SELECT card_key, count(*) FROM review_log WHERE NOT practice GROUP BY card_key")
    assert len(graded) == 10 and all(n == 1 for _, n in graded)


def test_grading_one_learners_cards_from_two_threads_never_doubles_or_fails(db_url, tiny_decks):
    """Both threads grade every card at the same instant: each card is graded exactly once."""
    import threading

    from studyplan.db.cards import sync_catalog
    from studyplan.db.learners import learner_id
    from studyplan.db.queue_reads import due_cards, new_cards
    from studyplan.db.reviews import grade_card
    from studyplan.db.sql import session_rows
    from studyplan.decks import load_catalog

    engine, Session = open_database(db_url)
    catalog, _ = load_catalog(tiny_decks)
    with Session.begin() as s:
        sync_catalog(s, catalog, datetime(2026, 12, 1, 9))
        lid = learner_id(s, "ada")
    barrier, errors = threading.Barrier(2), []

    def grade_all(cards, day):
        for card in cards:
            barrier.wait(timeout=30)
            try:
                with Session.begin() as s:
                    grade_card(s, lid, card, 4, datetime.combine(day, datetime.min.time()), day)
            except Exception as exc:  # noqa: BLE001 - any failure is the bug
                errors.append(repr(exc))

    for day, pick in ((TODAY, lambda s: new_cards(session_rows(s), lid, "tiny", {"alpha": 6, "beta": 4})),
                      (TODAY + timedelta(days=1), lambda s: due_cards(session_rows(s), lid, TODAY + timedelta(days=1)))):
        with Session() as s:
            cards = pick(s)
        assert len(cards) == 10
        threads = [threading.Thread(target=grade_all, args=(cards, day)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        with Session() as s:
            assert s.execute(select(func.count(), func.count(func.distinct(ReviewLog.card_key)))
                             .where(ReviewLog.review_day == day)).one() == (10, 10)
    engine.dispose()


def test_learners_syncing_changed_decks_at_once_all_succeed(db_url, tiny_decks):
    """The first sync of a release's decks, started by several learners at the same moment."""
    engine, _ = open_database(db_url)  # the schema exists; the decks are not synced yet
    engine.dispose()
    procs = [subprocess.Popen([sys.executable, "-m", "studyplan", "decks", "sync"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=cli_env(db_url, tiny_decks, f"learner-{i}"))
             for i in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err.decode() for _, err in outs]
    assert sum(b"10 added" in out for out, _ in outs) == 1  # one applied it; the others found it done
    assert query(db_url, "SELECT count(*) FROM card") == [(10,)]
