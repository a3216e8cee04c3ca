"""Out of space for real: a tiny tmpfs mounted in a private mount namespace (`unshare -rm`,
no root needed where unprivileged user namespaces are allowed; skipped elsewhere).

Each case runs a small Python script inside the namespace (the mount exists only there):
it mounts the tmpfs, runs studyplan as a user would, and prints what it found as JSON.
The write must fail with one line that says the disk is full and what was (not) saved,
and leave no truncated or hidden file and any earlier file unchanged.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import error_line

HARNESS = """\
import json, os, subprocess, sys
disk = sys.argv[1]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + sys.argv[2], "none", disk], check=True)
env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYPLAN_")}
env["NO_COLOR"] = "1"

def studyplan(*args, input=None):
    proc = subprocess.run([sys.executable, "-m", "studyplan", *args], env=env, input=input,
                          capture_output=True, text=True, timeout=300)
    return {"code": proc.returncode, "out": proc.stdout, "err": proc.stderr}

def listing():
    return sorted(os.listdir(disk))

def fill():
    try:
        with open(os.path.join(disk, "filler"), "wb") as fh:
            while True:
                fh.write(b"\\0" * 4096)
                fh.flush()
    except OSError:
        pass

result = {}
"""


def in_small_disk(tmp_path: Path, size: str, body: str) -> dict:
    """Run *body* (Python, after HARNESS) in a new user and mount namespace with a tmpfs
    of *size* at tmp_path/disk; returns the dict `result` it filled."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1)")
    disk = tmp_path / "disk"
    disk.mkdir()
    script = tmp_path / "harness.py"
    script.write_text(HARNESS + textwrap.dedent(body) + "\nprint(json.dumps(result))\n")
    proc = subprocess.run(["unshare", "-rm", sys.executable, str(script), str(disk), size],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 and ("Operation not permitted" in proc.stderr or "mount" in proc.stderr):
        pytest.skip(f"cannot mount a tmpfs in a user namespace here: {proc.stderr.strip()[-200:]}")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def one_line(found: dict, *needles: str) -> str:
    assert found["code"] == 1, found
    return error_line(found["err"], *needles)


@pytest.fixture
def reviewed(run, db_path) -> Path:
    """A database with 2 x 2**9 = 1024 logged grades (a CSV export of about 90 KB)."""
    import sqlite3
    from contextlib import closing

    assert run("review", "--exam", "tiny", input="5\n4\nq\n").exit_code == 0
    cols = ("learner_id, card_key, reviewed_at, review_day, grade, practice, easiness, interval, repetitions, due, "
            "seconds, drill")
    with closing(sqlite3.connect(db_path)) as conn, conn:
        for _ in range(9):
            conn.execute(f"INSERT INTO review_log ({cols}) SELECT {cols} FROM review_log")
    return db_path


def test_export_to_a_full_disk_leaves_the_earlier_file_and_nothing_hidden(reviewed, tiny_decks, tmp_path):
    found = in_small_disk(tmp_path, "16k", f"""
        target = os.path.join(disk, "reviews.csv")
        with open(target, "w") as fh:
            fh.write("last week's export\\n")
        result["run"] = studyplan("--db", {str(reviewed)!r}, "--decks", {str(tiny_decks)!r}, "export", "reviews",
                                  "-o", target)
        result["listing"] = listing()
        result["kept"] = open(target).read()
    """)
    one_line(found["run"], "reviews.csv: the disk is full; nothing was written",
             "an earlier reviews.csv there is unchanged")
    assert found["listing"] == ["reviews.csv"]  # no hidden, truncated temporary file
    assert found["kept"] == "last week's export\n"


def test_export_that_fits_replaces_the_file_whole(reviewed, tiny_decks, tmp_path):
    found = in_small_disk(tmp_path, "512k", f"""
        target = os.path.join(disk, "reviews.json")
        result["run"] = studyplan("--db", {str(reviewed)!r}, "--decks", {str(tiny_decks)!r}, "export", "reviews",
                                  "--format", "json", "-o", target)
        result["listing"] = listing()
        result["rows"] = len(json.load(open(target)))
    """)
    assert found["run"]["code"] == 0, found
    assert found["run"]["err"] == "wrote 1024 reviews to " + str(tmp_path / "disk" / "reviews.json") + "\n"
    assert found["listing"] == ["reviews.json"]
    assert found["rows"] == 1024


def test_calendar_to_a_full_disk_leaves_nothing_hidden(run, db_path, tiny_decks, tmp_path):
    assert run("plan", "create", "--exam", "tiny", "--background", "experienced").exit_code == 0
    found = in_small_disk(tmp_path, "4k", f"""
        result["run"] = studyplan("--db", {str(db_path)!r}, "--decks", {str(tiny_decks)!r}, "--today", "2026-12-01",
                                  "calendar", "-o", os.path.join(disk, "plan.html"))
        result["listing"] = listing()
    """)
    one_line(found["run"], "plan.html: the disk is full; nothing was written")
    assert found["listing"] == []


def test_backup_to_a_full_disk_names_the_cause_and_leaves_no_copy(reviewed, tiny_decks, tmp_path):
    found = in_small_disk(tmp_path, "16k", f"""
        result["run"] = studyplan("--db", {str(reviewed)!r}, "--decks", {str(tiny_decks)!r}, "backup",
                                  os.path.join(disk, "copy.db"))
        result["listing"] = listing()
    """)
    one_line(found["run"], "copy.db", "the disk is full", "nothing was backed up")
    assert found["listing"] == []


def test_a_review_on_a_really_full_disk_says_which_grade_was_not_saved(tiny_decks, tmp_path):
    # The database lives on the tmpfs; the disk fills up while the session waits for a key.
    found = in_small_disk(tmp_path, "2m", f"""
        db = os.path.join(disk, "study.db")
        base = ["--db", db, "--decks", {str(tiny_decks)!r}, "--today", "2026-12-01"]
        result["first"] = studyplan(*base, "review", "--exam", "tiny", input="5\\nq\\n")
        proc = subprocess.Popen([sys.executable, "-m", "studyplan", *base, "review", "--exam", "tiny"], env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def until(text):
            seen = ""
            while text not in seen:
                char = proc.stdout.read(1)
                if not char:
                    break
                seen += char
            return seen

        until("Q: ")
        for grade in "54":
            proc.stdin.write(grade + "\\n")
            proc.stdin.flush()
            until("] tiny")  # the next card: that grade is committed
        fill()
        out, err = proc.communicate("3\\n" * 30, timeout=300)
        result["session"] = {{"code": proc.returncode, "out": out, "err": err}}
        os.remove(os.path.join(disk, "filler"))
        import sqlite3
        conn = sqlite3.connect(db)
        result["logged"] = conn.execute("SELECT c.id, r.grade FROM review_log r JOIN card c ON c.key = r.card_key "
                                        "ORDER BY r.id").fetchall()
        result["integrity"] = conn.execute("PRAGMA integrity_check").fetchone()[0]
        conn.close()
    """)
    assert found["first"]["code"] == 0, found["first"]
    session = found["session"]
    line = one_line(session, "study.db: the disk is full", "was NOT saved", "the session stops")
    import re
    lost = re.search(r"grade 3 of card (\S+) was NOT saved; the session stops; the (\d+) grade\(s\) before it in "
                     r"this session are saved$", line)
    assert lost, line
    logged = found["logged"]
    assert found["integrity"] == "ok"
    saved_in_session = len(logged) - 1  # the first run's one grade
    assert int(lost.group(2)) == saved_in_session
    assert [g for _, g in logged[1:3]] == [5, 4]
    assert lost.group(1) not in [c for c, g in logged[1 + 2:]]  # the refused grade is nowhere
