"""Shared fixtures: a temporary database per test, a small decks folder, the CLI runner."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from studyplan.cli import cli

TINY_EXAM = """\
id = "tiny"
kind = "exam"
name = "Tiny Exam"
short_name = "TINY"
provider = "Example"
duration_minutes = 60
questions = "10"
price_usd = 100
guide_version = "v1"
guide_date = 2025-01-01
guide_url = "https://example.com/guide"
status = "active"
card_prefix = "tiny"

[[domains]]
id = "alpha"
name = "Alpha things"
weight = 0.6

[[domains]]
id = "beta"
name = "Beta things"
weight = 0.4
"""


def deck_file(domain: str, ids: range, prefix: str = "tiny") -> str:
    cards = "".join(
        textwrap.dedent(f"""
        [[cards]]
        id = "{prefix}-{domain}-{i:03d}"
        style = "{'scenario' if i % 2 else 'recall'}"
        front = "Question {i} about {domain}?"
        back = "Answer {i}."
        tags = ["{domain}"]
        """)
        for i in ids
    )
    return f'domain = "{domain}"\n{cards}'


COURSES = """\
[[courses]]
id = "production-ml-systems"
title = "Production Machine Learning Systems"
provider = "Google Cloud"
phase = "core"
order = 4
backgrounds = ["experienced", "pivoting"]
hours = 2
[[courses.modules]]
title = "Serving"
hours = 1
[[courses.modules]]
title = "Monitoring"
hours = 1
"""


@pytest.fixture
def tiny_decks(tmp_path: Path) -> Path:
    """A decks folder with one exam of two domains (6 + 4 cards) and one course."""
    root = tmp_path / "decks"
    exam = root / "tiny"
    exam.mkdir(parents=True)
    (exam / "exam.toml").write_text(TINY_EXAM)
    (exam / "01-alpha.toml").write_text(deck_file("alpha", range(1, 7)))
    (exam / "02-beta.toml").write_text(deck_file("beta", range(1, 5)))
    (root / "courses.toml").write_text(COURSES)
    return root


@pytest.fixture(autouse=True)
def own_app_folder(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets an empty per-user application folder (the default database and the
    learner's own decks folder live there), never the real user's."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder / "studyplan"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "study.db"


@pytest.fixture
def run(db_path, tiny_decks, monkeypatch):
    """Invoke the real CLI in-process against the temp database and tiny decks."""
    for var in ("STUDYPLAN_DB", "STUDYPLAN_DECKS", "STUDYPLAN_TODAY", "STUDYPLAN_LEARNER", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)

    def invoke(*args: str, input: str | None = None, decks: Path | None = tiny_decks, db: Path | str = db_path,
               today: str | None = "2026-12-01"):
        base = ["--db", str(db)]
        if decks is not None:
            base += ["--decks", str(decks)]
        if today is not None:
            base += ["--today", today]
        return CliRunner().invoke(cli, base + list(args), input=input, catch_exceptions=False)

    return invoke


# Since migration 0005, card_state and review_log refer to cards by an integer key and hold
# days, times and E-Factors as integers. Tests read them through temporary views of the same
# names (temp objects come first in name lookup) showing what the store shows: the card's
# text id, ISO dates and times, E-Factors as floats. Writes go to the tables themselves.
_DAY = "date({0} * 86400, 'unixepoch')"
HISTORY_VIEWS = (
    "CREATE TEMP VIEW card_state AS SELECT s.learner_id, c.id AS card_id, s.easiness / 1000.0 AS easiness, "
    f"s.interval, s.repetitions, {_DAY.format('s.due')} AS due, s.lapses, s.suspended, s.leech, "
    f"{_DAY.format('s.introduced_on')} AS introduced_on FROM main.card_state s JOIN main.card c ON c.key = s.card_key",
    "CREATE TEMP VIEW review_log AS SELECT r.id, r.learner_id, c.id AS card_id, "
    "strftime('%Y-%m-%d %H:%M:%S', r.reviewed_at / 1000, 'unixepoch') || printf('.%03d000', r.reviewed_at % 1000) "
    f"AS reviewed_at, {_DAY.format('r.review_day')} AS review_day, r.grade, r.practice, r.easiness / 1000.0 AS easiness, "
    f"r.interval, r.repetitions, {_DAY.format('r.due')} AS due, r.prev_easiness / 1000.0 AS prev_easiness, "
    f"r.prev_interval, r.prev_repetitions, {_DAY.format('r.prev_due')} AS prev_due, r.prev_lapses, "
    f"{_DAY.format('r.prev_introduced_on')} AS prev_introduced_on, r.seconds, r.drill "
    "FROM main.review_log r JOIN main.card c ON c.key = r.card_key",
)


def history_views(conn: sqlite3.Connection) -> sqlite3.Connection:
    """*conn* with the readable history views (on a database at revision 0005 or later)."""
    if any(col[1] == "card_key" for col in conn.execute("PRAGMA main.table_info(review_log)")):
        for sql in HISTORY_VIEWS:
            conn.execute(sql)
    return conn


def rows(db_path, sql, *args):
    """The rows of one query on a database file (history through `history_views`)."""
    with sqlite3.connect(db_path) as conn:
        return history_views(conn).execute(sql, args).fetchall()


def piped_review(run, actions, today, *extra):
    """`review --exam tiny` with one piped line per action (an empty line reveals)."""
    return run("review", "--exam", "tiny", *extra, input="".join(a + "\n" for a in actions), today=today.isoformat())


def seed_before_0005(conn) -> None:
    """Learner 'ada' and card tiny-alpha-001 (exam 'tiny', domain 'alpha') in the schema
    before migration 0005, when cards were keyed by their text id: the rows an upgrade
    test adds its state and history to."""
    from sqlalchemy import text

    conn.execute(text("INSERT INTO learner (id, name, created_at) VALUES (1, 'ada', '2026-01-01 00:00:00')"))
    conn.execute(text("INSERT INTO exam VALUES ('tiny', 'Tiny', 'Ex', 'exam', 'active')"))
    conn.execute(text("INSERT INTO domain VALUES (1, 'tiny', 'alpha', 'Alpha', 1.0, 0)"))
    conn.execute(text("INSERT INTO card VALUES ('tiny-alpha-001', 'tiny', 1, 'f', 'b', 'recall', '', 'deck:x', 0, 'h', NULL)"))


def json_hash(*parts: object) -> str:
    """A card hash as earlier releases stored it (json.dumps of the parts): the store's hand-
    written JSON must give the same, or a synced database would read every card as edited."""
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode()).hexdigest()


def db_digest(path: Path) -> str:
    """A SQLite database's content, row by row (independent of page layout and WAL state)."""
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def run_subprocess(*args: str, env: dict | None = None, input: str | None = None, cwd: Path | None = None, timeout=120):
    """Run `python -m studyplan` in a child process, as a user would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYPLAN_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "studyplan", *args], capture_output=True, text=True,
                          env=full_env, input=input, cwd=cwd, timeout=timeout)


def error_line(stderr: str, *needles: str) -> str:
    """The one `Error: ...` line a refused command writes on stderr, holding each of *needles*."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]
