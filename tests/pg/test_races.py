"""Races of real concurrent sessions on the throw-away PostgreSQL server (and, for
comparison, a SQLite file): one learner in two sessions suspending and grading the same
new card, and many first commands of a new learner at once.

Each race starts its sides at a threading.Barrier, each side with its own engine and
connections (a Workspace each), so the server sees truly simultaneous transactions.
"""

from __future__ import annotations

import threading
from datetime import date, datetime

from pgserver import db_url, pg_url, query  # noqa: F401  (fixtures)

from studyplan.db.queue_reads import new_cards
from studyplan.db.reviews import grade_card, suspend_card
from studyplan.workspace import Workspace

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 9, 0)


EPOCH = date(1970, 1, 1).toordinal()  # the history tables hold day numbers since then


def race(*sides):
    """Run each callable in its own thread, released together; returns their results
    (or the exception each raised)."""
    barrier = threading.Barrier(len(sides))
    results: list[object] = [None] * len(sides)

    def go(i, fn):
        barrier.wait()
        try:
            results[i] = fn()
        except BaseException as exc:  # reported, not swallowed: the test asserts there is none
            results[i] = exc

    threads = [threading.Thread(target=go, args=(i, fn)) for i, fn in enumerate(sides)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_suspend_against_grade_of_the_same_new_card_has_one_winner_and_tells_the_loser(db_url, tiny_decks):
    a = Workspace(db=db_url, decks=str(tiny_decks), today=TODAY, learner="ada")
    b = Workspace(db=db_url, decks=str(tiny_decks), today=TODAY, learner="ada")
    try:
        with a.unit() as u:
            learner = u.learner_id
            cards = new_cards(u.rows, learner, "tiny", {"alpha": 6, "beta": 4})
        assert len(cards) == 10
        outcomes = {"grade first": 0, "suspend first": 0}
        for card in cards:
            def grade(card=card):
                with b.transaction() as db:
                    return grade_card(db, learner, card, 4, NOW, TODAY)

            def suspend(card=card):
                with a.transaction() as db:
                    return suspend_card(db, learner, card.card_id, TODAY)

            graded, suspended = race(grade, suspend)
            assert not isinstance(graded, BaseException), repr(graded)  # no duplicate key on card_state
            assert not isinstance(suspended, BaseException), repr(suspended)
            key = 'SELECT "key" FROM card WHERE id = :c'
            logged = query(db_url, f"SELECT count(*) FROM review_log WHERE card_key = ({key})", c=card.card_id)[0][0]
            state = [(bool(s), str(date.fromordinal(d + EPOCH)) if d is not None else None) for s, d in query(
                db_url, f"SELECT suspended, introduced_on FROM card_state WHERE card_key = ({key})", c=card.card_id)]
            if graded.skipped:  # the suspend won: the grading session is told, in one line
                assert graded.skipped == "suspended in another session"
                assert suspended.created is True
                assert logged == 0 and state == [(True, None)]
                outcomes["suspend first"] += 1
            else:  # the grade won: the suspend then takes the introduced card out of the queues
                assert suspended.created is False
                assert logged == 1 and state == [(True, TODAY.isoformat())]
                outcomes["grade first"] += 1
        assert sum(outcomes.values()) == 10
        print(f"\n{db_url.split(':')[0]}: {outcomes}")
    finally:
        a.close()
        b.close()


def test_many_simultaneous_first_commands_of_a_new_learner_all_succeed(db_url, tiny_decks):
    setup = Workspace(db=db_url, decks=str(tiny_decks), today=TODAY)
    with setup.unit(create_learner=False):
        pass  # schema and decks in place: the race is about the learner's row
    setup.close()
    workspaces = [Workspace(db=db_url, decks=str(tiny_decks), today=TODAY, learner="newcomer") for _ in range(40)]

    def first_command(ws):
        with ws.unit() as u:
            return u.learner_id

    try:
        results = race(*[lambda ws=ws: first_command(ws) for ws in workspaces])
    finally:
        for ws in workspaces:
            ws.close()
    failures = [r for r in results if isinstance(r, BaseException)]
    assert failures == [], [repr(f) for f in failures[:3]]
    assert len(set(results)) == 1  # all forty found the same learner
    assert query(db_url, "SELECT count(*) FROM learner WHERE name = 'newcomer'") == [(1,)]


def test_simultaneous_first_commands_in_real_processes_all_succeed(pg_url, tiny_decks):
    import os
    import subprocess
    import sys

    setup = Workspace(db=pg_url, decks=str(tiny_decks), today=TODAY)
    with setup.unit(create_learner=False):
        pass
    setup.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYPLAN_")}
    env.update({"STUDYPLAN_DB": pg_url, "STUDYPLAN_DECKS": str(tiny_decks), "STUDYPLAN_TODAY": TODAY.isoformat(),
                "STUDYPLAN_LEARNER": "late-joiner", "NO_COLOR": "1"})
    procs = [subprocess.Popen([sys.executable, "-m", "studyplan", "review", "--exam", "tiny", "--max", "1"], env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(16)]
    results = [p.communicate("q\n", timeout=300) + (p.returncode,) for p in procs]
    failures = [err for _, err, code in results if code != 0]
    assert failures == [], failures[:3]
    assert query(pg_url, "SELECT count(*) FROM learner WHERE name = 'late-joiner'") == [(1,)]
