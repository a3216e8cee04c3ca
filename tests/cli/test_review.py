"""The review session end to end: pipes across simulated days, undo, suspend, re-asks,
leeches, a pseudo-terminal with single keys, SIGKILL mid-session, two sessions at once."""

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

import pytest
from conftest import piped_review, rows

from studyplan.sm2 import Sm2State, review

TODAY = date(2026, 12, 1)


def session(run, actions, today=TODAY, *extra):
    return piped_review(run, actions, today, *extra)


def test_first_session_shows_new_cards_interleaved_and_grades_them(run, db_path):
    result = session(run, ["", "5", "", "4", "q"])
    assert result.exit_code == 0, result.output
    heads = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert heads[0].startswith("[0 done / 10 left · about 15 min] tiny › alpha new")
    assert heads[1].startswith("[1 done / 9 left · about 14 min] tiny › beta new")
    assert "grade: 0 blackout · 1 wrong · 2 almost · 3 hard · 4 hesitant · 5 perfect" in result.stdout
    assert rows(db_path, "select card_id, grade, interval, repetitions, due from review_log order by id") == [
        ("tiny-alpha-001", 5, 1, 1, "2026-12-02"), ("tiny-beta-001", 4, 1, 1, "2026-12-02")]
    assert "Session stopped early: 2 cards" in result.stdout


def test_days_of_sessions_replay_exactly_under_sm2(run, db_path):
    """Grade through a pipe on simulated days, export, and replay the export under SM-2."""
    grades = [5, 4, 3, 4, 5, 2, 4, 4, 3, 5]
    day = TODAY
    for _ in range(12):
        result = session(run, [str(grades[i % len(grades)]) for i in range(40)], day)
        assert result.exit_code == 0, result.output
        day += timedelta(days=1)
    exported = json.loads(run("export", "reviews", "--format", "json").stdout)
    assert len(exported) > 40
    states: dict[str, Sm2State] = {}
    for rec in exported:
        reviewed = datetime.fromisoformat(rec["reviewed_at"]).date()
        if rec["practice"]:
            continue
        state = review(states.get(rec["card_id"], Sm2State()), rec["grade"], reviewed)
        states[rec["card_id"]] = state
        assert (round(state.easiness, 6), state.interval, state.repetitions, state.due.isoformat()) == (
            rec["easiness"], rec["interval"], rec["repetitions"], rec["due"])
    csv_lines = run("export", "reviews", "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == "card_id,reviewed_at,grade,practice,easiness,interval,repetitions,due"
    assert len(csv_lines) == len(exported) + 1


def test_grades_below_four_come_back_as_practice_until_four(run, db_path):
    result = session(run, ["2", "3", "4", "4"], TODAY, "--max", "2")
    assert result.exit_code == 0, result.output
    log = rows(db_path, "select card_id, grade, practice, interval, repetitions from review_log order by id")
    assert log == [
        ("tiny-alpha-001", 2, 0, 1, 0),
        ("tiny-beta-001", 3, 0, 1, 1),
        ("tiny-alpha-001", 4, 1, 1, 0),   # re-ask: recorded as practice, schedule unchanged
        ("tiny-beta-001", 4, 1, 1, 1),
    ]
    state = rows(db_path, "select easiness, interval, repetitions, due from card_state where card_id = 'tiny-alpha-001'")
    assert state == [(pytest.approx(2.18), 1, 0, "2026-12-02")]
    assert "re-ask" in result.stdout


def test_undo_restores_log_and_state_exactly(run, db_path):
    session(run, ["5"], TODAY, "--max", "1")
    before_state = rows(db_path, "select * from card_state")
    before_log = rows(db_path, "select card_id, grade from review_log")
    result = session(run, ["1", "u", "q"], TODAY + timedelta(days=1), "--reviews-only")
    assert "undid grade 1 of tiny-alpha-001" in result.stdout
    assert rows(db_path, "select * from card_state") == before_state
    assert rows(db_path, "select card_id, grade from review_log") == before_log
    new = session(run, ["u", "q"], TODAY, "--new-only")
    assert "nothing to undo" in new.stdout


def test_undo_of_a_new_card_removes_its_state(run, db_path):
    session(run, ["4", "u", "q"], TODAY)
    assert rows(db_path, "select count(*) from card_state") == [(0,)]
    assert rows(db_path, "select count(*) from review_log") == [(0,)]


def test_suspend_takes_a_card_out_of_the_queue(run, db_path):
    session(run, ["s", "q"], TODAY)
    assert rows(db_path, "select card_id, suspended from card_state") == [("tiny-alpha-001", 1)]
    again = session(run, ["q"], TODAY)
    assert "Q: Question 2 about alpha?" in again.stdout
    assert "Question 1 about alpha" not in again.stdout


def test_edit_shows_the_card_id_and_file(run, tiny_decks):
    result = session(run, ["e", "q"], TODAY)
    # wrapped at spaces to the terminal: the path stays whole on a line of its own to copy
    assert " ".join(result.stdout.split()).count(f"card tiny-alpha-001 in {tiny_decks / 'tiny' / '01-alpha.toml'}") == 1
    assert any(line.endswith(f" {tiny_decks / 'tiny' / '01-alpha.toml'}") or line == str(tiny_decks / "tiny" / "01-alpha.toml")
               for line in result.stdout.splitlines())


def test_a_card_failed_eight_times_becomes_a_leech(run, db_path):
    day = TODAY
    for _ in range(8):
        session(run, ["0", "4"], day, "--max", "1", "--domain", "alpha")
        day += timedelta(days=1)
    assert rows(db_path, "select lapses, leech from card_state where card_id = 'tiny-alpha-001'") == [(8, 1)]


def test_end_of_input_keeps_every_grade(run, db_path):
    result = session(run, ["5", "4", "3"], TODAY)
    assert result.exit_code == 0
    assert rows(db_path, "select count(*) from review_log where practice = 0") == [(3,)]


def test_summary_reports_forecast_and_streak(run):
    session(run, ["4"] * 10, TODAY)
    result = session(run, ["4"] * 30, TODAY + timedelta(days=1))
    assert "Streak: 2 days in a row" in result.stdout
    due = next(line for line in result.stdout.splitlines() if line.startswith("Due in the next 7 days: "))
    # Dates as dates: weekday, day, month, then the count (2026-12-02 is a Wednesday).
    assert re.fullmatch(r"Due in the next 7 days: ((Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (Nov|Dec): \d+(, |$))+",
                        due), due


def test_bad_options(run):
    assert run("review", "--new-only", "--reviews-only").exit_code == 2
    result = run("review", "--exam", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown exam 'nope'")


# ------------------------------------------------------------------ real processes


def spawn(args, env_db, decks, **kw):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYPLAN_")}
    env.update({"STUDYPLAN_DB": str(env_db), "STUDYPLAN_DECKS": str(decks), "STUDYPLAN_TODAY": TODAY.isoformat()})
    return subprocess.Popen([sys.executable, "-m", "studyplan", *args], env=env, **kw)


def read_until(stream_fd, needle: bytes, timeout=30.0) -> bytes:
    buf = b""
    deadline = time.monotonic() + timeout
    while needle not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out waiting for {needle!r}; got {buf[-500:]!r}")
        ready, _, _ = select.select([stream_fd], [], [], left)
        if ready:
            try:
                chunk = os.read(stream_fd, 4096)
            except OSError:  # a pty whose child has exited
                break
            if not chunk:
                break
            buf += chunk
    return buf


def test_sigkill_mid_session_keeps_every_acknowledged_grade(db_path, tiny_decks):
    proc = spawn(["review", "--exam", "tiny"], db_path, tiny_decks, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE)
    fd = proc.stdout.fileno()
    read_until(fd, b"Q: ")
    acknowledged = 0
    for grade in (5, 4, 3, 5, 2):
        proc.stdin.write(f"{grade}\n".encode())
        proc.stdin.flush()
        read_until(fd, b"] tiny")  # the next card's header: the grade was committed before it
        acknowledged += 1
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    log = rows(db_path, "select grade from review_log where practice = 0 order by id")
    assert [g for (g,) in log] == [5, 4, 3, 5, 2][:acknowledged]
    assert rows(db_path, "pragma integrity_check") == [("ok",)]
    assert rows(db_path, "select count(*) from card_state") == [(acknowledged,)]


def test_single_keys_in_a_pseudo_terminal(db_path, tiny_decks):
    pid, fd = pty.fork()
    if pid == 0:  # child: the real CLI on a terminal
        os.environ.update({"STUDYPLAN_DB": str(db_path), "STUDYPLAN_DECKS": str(tiny_decks),
                           "STUDYPLAN_TODAY": TODAY.isoformat(), "NO_COLOR": "1"})
        os.execv(sys.executable, [sys.executable, "-m", "studyplan", "review", "--exam", "tiny"])
    try:
        shown = read_until(fd, b"(space, enter or a digit shows the answer")
        assert b"[0 done / 10 left \xc2\xb7 about 15 min] tiny \xe2\x80\xba alpha new" in shown
        os.write(fd, b" ")
        revealed = read_until(fd, b"q quit")
        assert b"\x1b[1A\x1b[2KA: Answer 1." in revealed  # the hint's line is erased, the answer takes it
        assert b"grade: 0 blackout" in revealed
        os.write(fd, b"5")
        graded = read_until(fd, b"Question 1 about beta?")
        assert b"back tomorrow, Wed 2 Dec" in graded  # SM-2: a first grade of 5 comes back in 1 day
        os.write(fd, b"3")  # a digit on the question only reveals: no grade for an unseen answer
        read_until(fd, b"A: Answer 1.")
        os.write(fd, b"3")
        again = read_until(fd, b"Question 2 about alpha?")
        assert b"again at the end of this session; then back tomorrow, Wed 2 Dec" in again
        os.write(fd, b"q")
        out = read_until(fd, b"Streak:")
        assert b"Session stopped early: 2 cards" in out
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert rows(db_path, "select card_id, grade from review_log order by id") == [
        ("tiny-alpha-001", 5), ("tiny-beta-001", 3)]


def test_two_sessions_at_once_never_lose_or_double_a_grade(db_path, tiny_decks, run):
    run("decks", "sync")  # create the database first so both sessions open the same schema
    procs = [spawn(["review", "--exam", "tiny"], db_path, tiny_decks, stdin=subprocess.PIPE,
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    grades = "".join("4\n" for _ in range(12)).encode()
    outs = [p.communicate(grades, timeout=60) for p in procs]
    for p, (_out, err) in zip(procs, outs):
        assert p.returncode == 0, err.decode()
        assert b"Traceback" not in err and b"locked" not in err
    graded = rows(db_path, "select card_id, count(*) from review_log where practice = 0 group by card_id")
    assert len(graded) == 10                        # every card graded ...
    assert all(n == 1 for _, n in graded)            # ... exactly once between the two sessions
    skipped = sum(o.count(b"in another session") for o, _ in outs)
    assert skipped == 24 - 10 - (24 - 10 - skipped)  # the rest were skipped, said so, and not written


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_interrupt_signals_end_cleanly_with_every_grade_and_a_summary(db_path, tiny_decks, sig):
    proc = spawn(["review", "--exam", "tiny"], db_path, tiny_decks, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE)
    fd = proc.stdout.fileno()
    read_until(fd, b"Q: ")
    for grade in (5, 3):
        proc.stdin.write(f"{grade}\n".encode())
        proc.stdin.flush()
        read_until(fd, b"] tiny")
    proc.send_signal(sig)
    out = read_until(fd, b"Streak:")
    proc.wait(timeout=10)
    assert proc.returncode == 0
    assert b"Session stopped early: 2 cards" in out
    assert b"Traceback" not in proc.stderr.read()
    assert rows(db_path, "select grade from review_log order by id") == [(5,), (3,)]


def test_narrow_terminal_and_no_color(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("NO_COLOR", "1")
    result = session(run, ["", "q"])
    lines = result.stdout.splitlines()
    card = lines[: next(i for i, line in enumerate(lines) if line.startswith("Session"))]
    assert len(card) > 5 and all(len(line) <= 40 for line in card), card
    assert "\x1b[" not in result.stdout
    assert "grade: 0 blackout" in result.stdout


# ------------------------------------------------------------------ undo of a suspend (issue 10)


def fronts(result):
    return [line for line in result.stdout.splitlines() if line.startswith("Q: ")]


def test_undo_of_a_suspended_new_card_makes_it_new_again_and_shows_it(run, db_path):
    result = session(run, ["s", "u", "q"], TODAY)
    assert result.exit_code == 0, result.output
    assert "suspended tiny-alpha-001" in result.stdout
    assert "undid suspend of tiny-alpha-001" in result.stdout
    assert fronts(result) == ["Q: Question 1 about alpha?", "Q: Question 1 about beta?", "Q: Question 1 about alpha?"]
    assert "suspended:" not in result.stdout  # the summary no longer lists it
    assert rows(db_path, "select count(*) from card_state") == [(0,)]  # the row made to hold the flag is gone
    again = session(run, ["q"], TODAY)
    assert fronts(again) == ["Q: Question 1 about alpha?"]
    assert "tiny › alpha new" in again.stdout


def test_undo_of_a_suspend_restores_a_studied_card_exactly(run, db_path):
    session(run, ["5", "5"], TODAY, "--max", "2")
    before = rows(db_path, "select * from card_state")
    result = session(run, ["s", "u", "q"], TODAY + timedelta(days=1), "--reviews-only")
    assert "undid suspend of tiny-alpha-001" in result.stdout
    assert fronts(result) == ["Q: Question 1 about alpha?", "Q: Question 1 about beta?", "Q: Question 1 about alpha?"]
    assert rows(db_path, "select * from card_state") == before


def test_undo_takes_grades_and_suspends_most_recent_first(run, db_path):
    result = session(run, ["4", "s", "u", "u", "q"], TODAY)
    out = result.stdout
    assert out.index("undid suspend of tiny-beta-001") < out.index("undid grade 4 of tiny-alpha-001")
    assert fronts(result) == ["Q: Question 1 about alpha?", "Q: Question 1 about beta?", "Q: Question 2 about alpha?",
                              "Q: Question 1 about beta?", "Q: Question 1 about alpha?"]
    assert rows(db_path, "select count(*) from card_state") == [(0,)]
    assert rows(db_path, "select count(*) from review_log") == [(0,)]
    assert "nothing to undo" in session(run, ["s", "u", "u", "q"], TODAY).stdout


def test_undo_of_a_suspend_during_re_asks_keeps_the_re_ask(run, db_path):
    # alpha-001 graded 2 waits for its re-ask; beta-001 is suspended, then the suspend undone.
    result = session(run, ["2", "s", "u", "4", "4"], TODAY, "--max", "2")
    assert result.exit_code == 0, result.output
    assert fronts(result) == ["Q: Question 1 about alpha?", "Q: Question 1 about beta?", "Q: Question 1 about alpha?",
                              "Q: Question 1 about beta?", "Q: Question 1 about alpha?"]
    assert rows(db_path, "select card_id, grade, practice from review_log order by id") == [
        ("tiny-alpha-001", 2, 0), ("tiny-beta-001", 4, 0), ("tiny-alpha-001", 4, 1)]
    assert rows(db_path, "select count(*) from card_state where suspended = 1") == [(0,)]
    assert "Session complete" in result.stdout


# ------------------------------------------------------------------ re-asks survive a new session (issue 10)


def log(db_path):
    return rows(db_path, "select card_id, grade, practice from review_log order by id")


def test_re_asks_left_at_end_of_input_come_back_the_same_day_as_practice(run, db_path):
    first = session(run, ["3"], TODAY, "--max", "1")  # end of input before the re-ask is answered
    assert "re-ask" in first.stdout
    state = rows(db_path, "select * from card_state")
    second = session(run, ["2"], TODAY, "--reviews-only")
    assert second.exit_code == 0, second.output
    assert "[0 done / 1 left · about 1 min] tiny › alpha re-ask" in second.stdout
    third = session(run, ["5"], TODAY, "--reviews-only")  # graded below 4 again: still pending
    assert fronts(third) == ["Q: Question 1 about alpha?"]
    assert log(db_path) == [("tiny-alpha-001", 3, 0), ("tiny-alpha-001", 2, 1), ("tiny-alpha-001", 5, 1)]
    assert rows(db_path, "select * from card_state") == state  # practice never moves the schedule
    done = session(run, [], TODAY, "--reviews-only")
    assert done.stdout.startswith("Nothing to review now.")


def test_re_asks_come_after_the_due_and_new_cards_after_a_quit(run, db_path):
    session(run, ["1", "q"], TODAY)
    result = session(run, ["4"] * 10, TODAY)
    heads = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert heads[0].startswith("[0 done / 10 left")  # nine new cards and the re-ask
    assert "re-ask" not in "".join(heads[:-1]) and heads[-1].endswith("tiny › alpha re-ask")
    assert fronts(result)[-1] == "Q: Question 1 about alpha?"
    assert log(db_path)[-1] == ("tiny-alpha-001", 4, 1)
    assert rows(db_path, "select count(*) from review_log where practice = 0") == [(10,)]


def test_pending_re_asks_skip_suspended_undone_and_other_days_and_follow_the_filters(run, db_path):
    session(run, ["2", "q"], TODAY, "--max", "1", "--domain", "alpha")
    session(run, ["2", "u", "q"], TODAY, "--max", "1", "--domain", "beta")  # undone: nothing pending
    assert "re-ask" not in session(run, [], TODAY, "--new-only", "--max", "1").stdout.split("\n", 2)[1]
    assert session(run, ["q"], TODAY, "--reviews-only", "--domain", "beta").stdout.startswith("Nothing to review now.")
    assert "Question 1 about alpha?" in session(run, ["q"], TODAY, "--reviews-only", "--domain", "alpha").stdout
    tomorrow = session(run, ["q"], TODAY + timedelta(days=1), "--reviews-only")
    assert "re-ask" not in tomorrow.stdout.split("\n", 2)[1]  # due tomorrow as a review, not a re-ask
    suspended = session(run, ["s"], TODAY, "--reviews-only")
    assert "suspended tiny-alpha-001" in suspended.stdout
    assert session(run, [], TODAY, "--reviews-only").stdout.startswith("Nothing to review now.")


def test_re_asks_survive_ctrl_c(db_path, tiny_decks, run):
    proc = spawn(["review", "--exam", "tiny"], db_path, tiny_decks, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE)
    fd = proc.stdout.fileno()
    read_until(fd, b"Q: ")
    proc.stdin.write(b"1\n")
    proc.stdin.flush()
    read_until(fd, b"] tiny")
    proc.send_signal(signal.SIGINT)
    read_until(fd, b"Streak:")
    proc.wait(timeout=10)
    assert proc.returncode == 0
    again = session(run, ["5"], TODAY, "--reviews-only")
    assert "tiny › alpha re-ask\nQ: Question 1 about alpha?" in again.stdout
    assert log(db_path) == [("tiny-alpha-001", 1, 0), ("tiny-alpha-001", 5, 1)]
