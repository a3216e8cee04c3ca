"""`review --format jsonl`: the review session as one JSON event per line, driven by scripts."""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
import time
from datetime import date

import pytest
from conftest import rows

from studyplan.session_jsonl import parse_action

TODAY = date(2026, 12, 1)


def events(run, actions, *extra):
    """Drive `review --exam tiny --format jsonl` with one line per action; every output line parsed."""
    result = run("review", "--exam", "tiny", "--format", "jsonl", *extra, input="".join(a + "\n" for a in actions),
                 today=TODAY.isoformat())
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_session_reads_as_card_answer_graded_events_and_ends_with_a_summary(run, db_path):
    out = events(run, ["reveal", "5", "", '{"action": "grade", "grade": 2}', "q"])
    assert [e["event"] for e in out] == ["card", "answer", "graded", "card", "answer", "graded", "card", "summary"]
    assert out[0] == {"event": "card", "id": "tiny-alpha-001", "exam": "tiny", "domain": "alpha", "kind": "new",
                      "front": "Question 1 about alpha?", "done": 0, "left": 10, "minutes_left": 15}
    assert out[1] == {"event": "answer", "id": "tiny-alpha-001", "back": "Answer 1."}
    assert out[2] == {"event": "graded", "id": "tiny-alpha-001", "grade": 5, "practice": False, "again": False,
                      "next_due": "2026-12-02", "interval_days": 1, "message": "back tomorrow, Wed 2 Dec"}
    assert out[5] == {"event": "graded", "id": "tiny-beta-001", "grade": 2, "practice": False, "again": True,
                      "next_due": "2026-12-02", "interval_days": 1,
                      "message": "again at the end of this session; then back tomorrow, Wed 2 Dec"}
    assert out[6]["id"] == "tiny-alpha-002" and out[6]["left"] == 9  # 8 queued and the re-ask
    summary = out[-1]
    assert summary == {
        "event": "summary", "complete": False, "cards": 2, "correct": 1, "practice": 0,
        "by_domain": [{"domain": "alpha", "cards": 1, "correct": 1, "practice": 0},
                      {"domain": "beta", "cards": 1, "correct": 0, "practice": 0}],
        "suspended": [], "leeches": [], "skipped": [], "minutes": 0, "due_next_7_days": {"2026-12-02": 2},
        "streak": 1}
    assert rows(db_path, "select card_id, grade, practice, due from review_log order by id") == [
        ("tiny-alpha-001", 5, 0, "2026-12-02"), ("tiny-beta-001", 2, 0, "2026-12-02")]


def test_every_line_that_is_not_an_action_is_answered_with_an_error_and_grades_wait_for_the_reveal(run, db_path):
    out = events(run, ["4", '{"action": "grade", "grade": 4}', "hello", "{not json", '{"action": "grade", "grade": 6}',
                       '{"action": "grade", "grade": true}', '["reveal"]', "reveal", "reveal", "4", "q"])
    assert [e["event"] for e in out] == ["card"] + ["error"] * 7 + ["answer", "error", "graded", "card", "summary"]
    messages = [e["message"] for e in out if e["event"] == "error"]
    assert messages[0] == messages[1] == "grade before reveal: send reveal (or an empty line) first"
    assert messages[2].startswith("unknown action 'hello': send reveal (or an empty line), 0-5, u, s, e or q")
    assert messages[3].startswith("not valid JSON (Expecting property name enclosed in double quotes)")
    assert messages[4:6] == ["grade must be a whole number 0-5, got 6", "grade must be a whole number 0-5, got true"]
    assert messages[6].startswith("unknown action '[\"reveal\"]':")
    assert messages[7] == "the answer is already revealed: grade it 0-5"
    assert rows(db_path, "select card_id, grade from review_log") == [("tiny-alpha-001", 4)]


def test_undo_suspend_and_where_are_events_and_reach_the_database(run, db_path, tiny_decks):
    out = events(run, ["u", "", "3", "u", "s", "u", "e", '{"action": "suspend"}', '{"action": "quit"}'])
    assert [(e["event"], e.get("id")) for e in out] == [
        ("card", "tiny-alpha-001"), ("error", None),                       # nothing to undo yet
        ("answer", "tiny-alpha-001"), ("graded", "tiny-alpha-001"), ("card", "tiny-beta-001"),
        ("undone", "tiny-alpha-001"), ("card", "tiny-alpha-001"),           # the undone card comes back
        ("suspended", "tiny-alpha-001"), ("card", "tiny-beta-001"),
        ("undone", "tiny-alpha-001"), ("card", "tiny-alpha-001"),
        ("where", "tiny-alpha-001"), ("suspended", "tiny-alpha-001"), ("card", "tiny-beta-001"), ("summary", None)]
    assert out[1]["message"] == "nothing to undo"
    assert out[5] == {"event": "undone", "id": "tiny-alpha-001", "undid": "grade", "grade": 3}
    assert out[9] == {"event": "undone", "id": "tiny-alpha-001", "undid": "suspend"}
    assert out[11]["location"] == str((tiny_decks / "tiny" / "01-alpha.toml").resolve())
    assert out[-1]["suspended"] == ["tiny-alpha-001"] and out[-1]["cards"] == 0
    assert rows(db_path, "select count(*) from review_log") == [(0,)]
    assert rows(db_path, "select card_id from card_state where suspended = 1") == [("tiny-alpha-001",)]


def test_re_asks_and_drills_are_named_and_graded_as_practice(run):
    out = events(run, ["", "1", "", "5", "q"], "--max", "1")
    cards = [e for e in out if e["event"] == "card"]
    assert [c["kind"] for c in cards] == ["new", "re-ask"]
    assert out[-2] == {"event": "graded", "id": "tiny-alpha-001", "grade": 5, "practice": True, "again": False,
                       "next_due": "2026-12-02", "interval_days": 1,
                       "message": "practice: the schedule is unchanged (due tomorrow, Wed 2 Dec)"}
    assert out[-1]["cards"] == 1 and out[-1]["practice"] == 1 and out[-1]["complete"] is True
    drills = events(run, ["", "5", "q"], "--drill", "--max", "1")
    assert drills[0]["kind"] == "drill" and drills[0]["id"] == "tiny-alpha-001"
    assert drills[2]["practice"] is True and drills[2]["next_due"] == "2026-12-02"


def test_deck_text_is_data_escaped_by_json(run, tiny_decks):
    deck = tiny_decks / "tiny" / "01-alpha.toml"
    deck.write_text(deck.read_text().replace('front = "Question 1 about alpha?"',
                                             'front = "\\u001b[2J Which\\nmetric \\u009b31m\\u2028?"'))
    result = run("review", "--exam", "tiny", "--format", "jsonl", input="q\n", today=TODAY.isoformat())
    assert "\x1b" not in result.stdout and "\x9b" not in result.stdout and "\u2028" not in result.stdout
    assert len(result.stdout.splitlines()) == 2
    assert json.loads(result.stdout.splitlines()[0])["front"] == "\x1b[2J Which\nmetric \x9b31m\u2028?"


def test_nothing_to_review_is_one_summary_with_the_reason(run):
    result = run("review", "--format", "jsonl", input="")
    assert [json.loads(line) for line in result.stdout.splitlines()] == [{
        "event": "summary", "complete": True, "cards": 0, "correct": 0, "practice": 0, "by_domain": [],
        "suspended": [], "leeches": [], "skipped": [], "minutes": 0, "due_next_7_days": {}, "streak": 0,
        "message": "Nothing to review now. No plan yet: run 'studyplan plan create', or pass --exam to study "
                   "new cards."}]


def test_end_of_input_ends_the_session_like_q(run):
    out = events(run, ["", "4"])
    assert [e["event"] for e in out] == ["card", "answer", "graded", "card", "summary"]
    assert out[-1]["complete"] is False and out[-1]["cards"] == 1


@pytest.mark.parametrize(("line", "action"), [
    ("\n", "reveal"), ("  reveal \n", "reveal"), ("Q\n", "quit"), ("undo\n", "undo"), ("s\n", "suspend"),
    ("e\n", "edit"), ("3\n", "3"), ('{"action": "grade", "grade": 0}\n', "0"), ('{"action": "reveal"}', "reveal"),
    ('{"action": "where"}', "edit"), ('{"action": "q"}', None), ("35\n", None), ("{}", None), ('{"grade": 4}', None),
])
def test_parse_action(line, action):
    assert parse_action(line)[0] == action


def _read_event(proc, buffer: list[bytes], timeout: float = 60.0) -> dict:
    """The next JSON line from the child's stdout (a guard stops a hung child after *timeout*)."""
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    while b"\n" not in buffer[0]:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise AssertionError(f"no event within {timeout} s; got {buffer[0]!r}")
        chunk = os.read(fd, 4096)
        if not chunk:
            raise AssertionError(f"stdout closed; got {buffer[0]!r}; stderr {proc.stderr.read()!r}")
        buffer[0] += chunk
    line, buffer[0] = buffer[0].split(b"\n", 1)
    return json.loads(line)


def test_a_script_drives_a_real_process_line_by_line(db_path, tiny_decks, run):
    """A driver as an editor plugin would write it: send one action, wait for its events."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYPLAN_")}
    env.update(STUDYPLAN_DB=str(db_path), STUDYPLAN_DECKS=str(tiny_decks), STUDYPLAN_TODAY=TODAY.isoformat())
    proc = subprocess.Popen([sys.executable, "-m", "studyplan", "review", "--exam", "tiny", "--format", "jsonl"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    buffer = [b""]
    seen = []
    try:
        card = _read_event(proc, buffer)
        for grade in (5, 3, 4):
            assert card["event"] == "card"
            proc.stdin.write(b"reveal\n")
            proc.stdin.flush()
            answer = _read_event(proc, buffer)
            assert answer == {"event": "answer", "id": card["id"], "back": answer["back"]}
            proc.stdin.write(json.dumps({"action": "grade", "grade": grade}).encode() + b"\n")
            proc.stdin.flush()
            graded = _read_event(proc, buffer)
            assert (graded["event"], graded["id"], graded["grade"]) == ("graded", card["id"], grade)
            seen.append((card["id"], grade, graded["next_due"]))
            card = _read_event(proc, buffer)
        proc.stdin.write(b"q\n")
        proc.stdin.flush()
        summary = _read_event(proc, buffer)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    rest = proc.stdout.read()
    assert rest == b"" and buffer[0] == b"" and proc.stderr.read() == b""
    assert summary["event"] == "summary" and summary["cards"] == 3 and summary["correct"] == 3
    assert seen == [("tiny-alpha-001", 5, "2026-12-02"), ("tiny-beta-001", 3, "2026-12-02"),
                    ("tiny-alpha-002", 4, "2026-12-02")]
    exported = json.loads(run("export", "reviews", "--format", "json", today=TODAY.isoformat()).stdout)
    assert [(r["card_id"], r["grade"], r["due"]) for r in exported] == seen


def test_a_grade_the_database_refuses_is_a_fatal_error_event_and_the_saved_grades_stay(run, db_path, monkeypatch):
    from faults.test_locked_grades import LockingInput

    from studyplan.db import location as location_module

    monkeypatch.setattr(location_module, "BUSY_TIMEOUT_MS", 200)
    assert run("decks", "sync").exit_code == 0
    stream = LockingInput(["", "5", "", "4"], db_path, 3)  # another program locks the database before the "4"
    try:
        result = run("review", "--exam", "tiny", "--format", "jsonl", input=io.BufferedReader(stream, buffer_size=1),
                     today=TODAY.isoformat())
    finally:
        stream.release()
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["event"] for e in out] == ["card", "answer", "graded", "card", "answer", "error"]
    assert out[-1]["fatal"] is True and "grade 4 of card tiny-beta-001 was NOT saved" in out[-1]["message"]
    assert "the 1 grade(s) before it in this session are saved" in out[-1]["message"]
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert rows(db_path, "select card_id, grade from review_log") == [("tiny-alpha-001", 5)]
