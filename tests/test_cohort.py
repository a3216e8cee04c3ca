"""The team lead's cohort view: queries on both backends, the readiness formula, the renderers."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from pgserver import db_url, pg_url  # noqa: F401  (fixtures: SQLite and PostgreSQL)
from sqlalchemy import create_engine, text

from studyplan.cohort import LearnerProgress, render
from studyplan.db.cohort import cohort_progress
from studyplan.db.engine import database_url, open_database
from studyplan.metrics import DomainRecall, card_recall, readiness

TODAY = date(2026, 12, 10)


def execute(url, *statements):
    engine = create_engine(database_url(url))
    with engine.begin() as conn:
        for sql, params in statements:
            conn.execute(text(sql), params)
    engine.dispose()


def day(iso):
    """*iso* as the day number the history tables hold (migration 0005)."""
    return (date.fromisoformat(iso) - date(1970, 1, 1)).days


CARD_KEY = "(SELECT key FROM card WHERE id = :card)"


def state(learner, card, interval, suspended=False, introduced="2026-12-01"):
    return ("INSERT INTO card_state (learner_id, card_key, easiness, interval, repetitions, due, lapses, suspended, leech,"
            f" introduced_on) SELECT id, {CARD_KEY}, 2500, :interval, 3, :due, 0, :suspended, :leech, :intro"
            " FROM learner WHERE name = :learner",
            dict(learner=learner, card=card, interval=interval, suspended=suspended, leech=False,
                 intro=day(introduced), due=day("2027-01-30")))


def log(learner, card, when, practice=False):
    return ("INSERT INTO review_log (learner_id, card_key, reviewed_at, review_day, grade, practice, easiness, interval,"
            f" repetitions, due, seconds) SELECT id, {CARD_KEY}, :at, :day, 4, :practice, 2500, 1, 1, :day, 2.0"
            " FROM learner WHERE name = :learner",
            dict(learner=learner, card=card, at=(day(when) * 86400 + 36000) * 1000, day=day(when), practice=practice))


@pytest.fixture
def cohort_db(run, db_url):
    """ada and bob with plans (bob's exam is past), cat without one; states and reviews set by hand."""
    for name, exam_date in (("ada", "2027-01-05"), ("bob", "2026-12-08")):
        result = run("--learner", name, "plan", "create", "--exam", "tiny", "--background", "experienced",
                     "--exam-date", exam_date, "--force", db=db_url, today="2026-11-10")
        assert result.exit_code == 0, result.output
    run("--learner", "cat", "decks", "sync", db=db_url)
    execute(db_url, ("INSERT INTO learner (name, created_at) VALUES ('cat', '2026-12-01 00:00:00')", {}))
    execute(
        db_url,
        # ada: alpha 3 of 6 mature (+1 mature but suspended), beta 1 of 4 mature, 1 learning
        *[state("ada", f"tiny-alpha-00{i}", 30) for i in (1, 2, 3)],
        state("ada", "tiny-alpha-004", 40, suspended=True),
        state("ada", "tiny-beta-001", 21), state("ada", "tiny-beta-002", 6),
        # bob: everything learning
        *[state("bob", f"tiny-beta-00{i}", 1) for i in (1, 2)],
        log("ada", "tiny-alpha-001", "2026-12-01"), log("ada", "tiny-alpha-002", "2026-12-09"),
        log("ada", "tiny-alpha-002", "2026-12-09", practice=True),   # re-asks do not count
        log("ada", "tiny-alpha-003", "2026-12-11"),                   # after "today": not yet
        log("cat", "tiny-alpha-001", "2026-11-01"),
    )
    return db_url


def progress(url, exam=None, today=TODAY):
    engine, Session = open_database(url)
    with Session() as session:
        rows = cohort_progress(session, today, exam)
    engine.dispose()
    return {r.learner: r for r in rows}


def test_progress_of_every_learner(cohort_db, run):
    rows = progress(cohort_db)
    assert list(rows) == ["ada", "bob", "cat"]
    ada, bob, cat = rows["ada"], rows["bob"], rows["cat"]
    assert (ada.exam, ada.exam_date, ada.days_to_exam) == ("tiny", date(2027, 1, 5), 26)
    assert ada.new_done == 5  # introduced, suspended one excluded
    assert (ada.reviews, ada.reviews_7d, ada.last_review) == (2, 1, date(2026, 12, 9))
    assert 0 < ada.readiness < 1
    assert bob.days_to_exam == -2 and bob.new_done == 2
    assert (cat.exam, cat.new_planned, cat.readiness, cat.reviews, cat.status) == (None, None, None, 1, "no plan")
    for name in ("ada", "bob"):
        today = json.loads(run("--learner", name, "today", "--format", "json", db=cohort_db,
                               today=TODAY.isoformat()).stdout)
        stats = json.loads(run("--learner", name, "stats", "--format", "json", db=cohort_db,
                               today=TODAY.isoformat()).stdout)
        # One definition of readiness: the same figure in `cohort`, `today` and `stats`.
        assert round(rows[name].readiness, 4) == today["readiness"] == stats["readiness"]
        assert rows[name].new_planned == today["new_cards_planned_before_today"]


def test_exam_filter_and_the_cli(cohort_db, run):
    assert list(progress(cohort_db, exam="tiny")) == ["ada", "bob"]
    assert progress(cohort_db, exam="other") == {}
    out = run("cohort", "--format", "json", db=cohort_db, today=TODAY.isoformat())
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["date"] == TODAY.isoformat()
    assert [r["learner"] for r in data["learners"]] == ["ada", "bob", "cat"]
    stats = json.loads(run("--learner", "ada", "stats", "--format", "json", db=cohort_db,
                           today=TODAY.isoformat()).stdout)
    assert data["learners"][0]["readiness"] == stats["readiness"]
    unknown = run("cohort", "--exam", "nope", db=cohort_db)
    assert unknown.exit_code == 1 and unknown.stderr.strip() == "Error: no learner has a plan for 'nope'"
    bad = run("cohort", "--format", "xml", db=cohort_db)
    assert bad.exit_code == 2


def test_cohort_does_not_add_a_learner(cohort_db, run):
    run("cohort", db=cohort_db)
    engine = create_engine(database_url(cohort_db))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM learner")).scalar() == 3
    engine.dispose()


def test_readiness_is_predicted_recall_weighted_by_domain():
    on = date(2027, 3, 1)
    # Reviewed today with a 30-day interval: recall 1; due today: 0.9; never introduced: 0.
    assert card_recall(30, on + timedelta(days=30), on) == 1.0
    assert card_recall(10, on, on) == pytest.approx(0.9)
    assert card_recall(10, on - timedelta(days=10), on) == pytest.approx(0.81)
    assert card_recall(0, None, on) == 0.0
    domains = {"a": DomainRecall(1, 1.0), "b": DomainRecall(2, 0.9), "c": DomainRecall(0, 0.0)}
    overall, per = readiness(domains, {"a": 0.6, "b": 0.4, "c": 0.5})
    assert per == pytest.approx({"a": 1.0, "b": 0.45, "c": 0.0})
    assert overall == pytest.approx((0.6 * 1.0 + 0.4 * 0.45) / 1.0)  # an empty domain does not count


ROWS = [
    LearnerProgress("ada", "tiny", "experienced", date(2027, 1, 5), 26, 5, 7, 12, 3, date(2026, 12, 9), 0.4),
    LearnerProgress("bob", "tiny", "pivoting", date(2026, 12, 8), -2, 9, 7, 0, 0, None, 0.0),
    LearnerProgress("cat", reviews=1),
]


def test_table_rendering():
    out = render(ROWS, TODAY, "table")
    lines = out.splitlines()
    assert lines[0] == "Cohort on 2026-12-10: 3 learners, 2 with a plan, 1 behind it; mean readiness 20%"
    assert max(len(line) for line in lines) <= 80
    header = lines[2].split() + lines[3].split()  # headers wrap onto two lines at 80 columns
    for word in ("learner", "exam", "date", "days", "left", "new", "cards", "vs", "plan", "reviews", "(7", "days)",
                 "readiness"):
        assert word in header
    ada = next(line for line in lines if line.startswith("ada"))
    assert "5/7" in ada and "-2" in ada and "40%" in ada and "5 Jan" in ada and "12 (3)" in ada
    assert lines[lines.index(ada) + 1].split() == ["2027", "2026"]  # exam date and last review, wrapped
    bob = next(line for line in lines if line.startswith("bob"))
    assert "9/7" in bob and "+2" in bob
    cat = next(line for line in lines if line.startswith("cat"))
    assert cat.split()[1] == "-"
    assert "predicted recall on the exam day" in lines[-1]
    assert render([], TODAY) == "No learners on this database yet (as of 2026-12-10)."


def test_json_and_csv_rendering():
    data = json.loads(render(ROWS, TODAY, "json"))
    assert data["learners"][0] == {
        "learner": "ada", "exam": "tiny", "background": "experienced", "exam_date": "2027-01-05", "days_to_exam": 26,
        "new_cards_done": 5, "new_cards_planned_to_date": 7, "ahead_by": -2, "status": "behind", "reviews": 12,
        "reviews_7d": 3, "last_review": "2026-12-09", "readiness": 0.4}
    assert data["learners"][2]["status"] == "no plan" and data["learners"][2]["readiness"] is None
    parsed = list(csv.DictReader(io.StringIO(render(ROWS, TODAY, "csv"))))
    assert [r["learner"] for r in parsed] == ["ada", "bob", "cat"]
    assert parsed[1]["status"] == "ahead" and parsed[1]["days_to_exam"] == "-2"
    assert parsed[2]["exam"] == "" and parsed[2]["reviews"] == "1"
