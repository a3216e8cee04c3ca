"""Migration 0005 (compact history) carries a database at 0004 over with nothing lost, on
SQLite and PostgreSQL: every review, state and date reads the same through the store and
`export reviews`, and downgrading gives the old tables back."""

import io
from datetime import date, datetime, timedelta

from pgserver import db_url, pg_url  # noqa: F401  (fixtures: SQLite and PostgreSQL)
from sqlalchemy import MetaData, insert, select

from studyplan.db.engine import current_revision, database_url, head_revision, make_engine, open_database, upgrade
from studyplan.db.history import review_history
from studyplan.db.models import CardRow, CardState, ReviewLog
from studyplan.exporting import write_reviews
from studyplan.metrics import is_leech
from studyplan.sm2 import Sm2State, review

START = date(2026, 9, 1)
# Cards inserted out of id order, so keys (given in deck order) differ from insertion order.
CARDS = [("tiny-beta-002", "beta", 1), ("tiny-alpha-001", "alpha", 0), ("tiny-beta-001", "beta", 0),
         ("tiny-alpha-003", "alpha", 2), ("tiny-alpha-002", "alpha", 1)]
GRADES = (5, 3, 4, 2, 4, 5, 1, 3, 4, 4, 0, 5, 3)


def _history():
    """(card_state rows, review_log rows) as studyplan 0004 wrote them: SM-2 states from a
    run of grades per card, same-day practice re-asks, a drill, and float E-Factors."""
    states, logs = [], []
    for n, (card, _, _) in enumerate(CARDS[:4]):
        state, lapses, day, intro = Sm2State(), 0, START + timedelta(days=n), None
        for k in range(len(GRADES) - n):
            grade = GRADES[(k + n) % len(GRADES)]
            at = datetime.combine(day, datetime.min.time()) + timedelta(hours=9, seconds=37 * k + n,
                                                                        microseconds=123457 * (k + 1) % 1_000_000)
            after = review(state, grade, day)
            first = intro is None
            intro = intro or day
            logs.append(dict(learner_id=1, card_id=card, reviewed_at=at, review_day=day, grade=grade, practice=False,
                             easiness=after.easiness, interval=after.interval, repetitions=after.repetitions,
                             due=after.due, prev_easiness=None if first else state.easiness,
                             prev_interval=None if first else state.interval,
                             prev_repetitions=None if first else state.repetitions,
                             prev_due=None if first else state.due, prev_lapses=None if first else lapses,
                             prev_introduced_on=None if first else intro, seconds=4.25 + k, drill=False))
            lapses += grade < 3
            if grade < 4:  # the same day's re-ask: practice, the state unchanged
                logs.append({**logs[-1], "reviewed_at": at + timedelta(minutes=3), "grade": 4, "practice": True,
                             "prev_easiness": after.easiness, "prev_interval": after.interval,
                             "prev_repetitions": after.repetitions, "prev_due": after.due, "prev_lapses": lapses,
                             "prev_introduced_on": intro, "seconds": 2.5})
            state, day = after, after.due
        states.append(dict(learner_id=1, card_id=card, easiness=state.easiness, interval=state.interval,
                           repetitions=state.repetitions, due=state.due, lapses=lapses, suspended=card.endswith("3"),
                           leech=is_leech(lapses), introduced_on=intro))
    drilled = states[0]
    logs.append(dict(learner_id=1, card_id=drilled["card_id"], reviewed_at=datetime(2026, 11, 30, 21, 5, 1, 999999),
                     review_day=date(2026, 11, 30), grade=2, practice=True, easiness=drilled["easiness"],
                     interval=drilled["interval"], repetitions=drilled["repetitions"], due=drilled["due"],
                     prev_easiness=drilled["easiness"], prev_interval=drilled["interval"],
                     prev_repetitions=drilled["repetitions"], prev_due=drilled["due"], prev_lapses=drilled["lapses"],
                     prev_introduced_on=drilled["introduced_on"], seconds=0.0, drill=True))
    # bob suspended a card he never studied: a state row that only holds the flag
    states.append(dict(learner_id=2, card_id="tiny-alpha-002", easiness=2.5, interval=0, repetitions=0, due=None,
                       lapses=0, suspended=True, leech=False, introduced_on=None))
    return states, logs


def _database_at_0004(url):
    engine = make_engine(database_url(url))
    upgrade(engine, "0004")
    old = MetaData()
    with engine.begin() as conn:
        old.reflect(conn)  # the 0004 tables, with their types: dates are written as 0004 wrote them
        t = old.tables
        conn.execute(insert(t["learner"]), [dict(id=1, name="ada", created_at=datetime(2026, 8, 1)),
                                            dict(id=2, name="bob", created_at=datetime(2026, 8, 2))])
        conn.execute(insert(t["exam"]), [dict(id="tiny", name="Tiny", provider="Ex", kind="exam", status="active")])
        conn.execute(insert(t["domain"]), [dict(id=1, exam_id="tiny", slug="alpha", name="Alpha", weight=0.5,
                                                position=0),
                                           dict(id=2, exam_id="tiny", slug="beta", name="Beta", weight=0.5,
                                                position=1)])
        conn.execute(insert(t["card"]), [dict(id=card, exam_id="tiny", domain_id=1 if slug == "alpha" else 2,
                                              front=f"front of {card}", back="back", style="recall", tags="a,b",
                                              source="deck:tiny/x.toml", position=position, content_hash="h" * 64,
                                              retired_at=datetime(2026, 10, 1, 8) if card == "tiny-beta-002" else None)
                                         for card, slug, position in CARDS])
        states, logs = _history()
        conn.execute(insert(t["card_state"]), states)
        conn.execute(insert(t["review_log"]), logs)
    return engine, old


def _old_rows(engine, old, table, order):
    with engine.connect() as conn:
        return [r._asdict() for r in conn.execute(select(old.tables[table]).order_by(*order))]


def _export(rows) -> str:
    out = io.StringIO()
    write_reviews(rows, "json", out)
    return out.getvalue()


def _same(before, after):
    """A row as 0004 held it equals the row as the store reads it now: E-Factors to the
    last bit of float noise, times to the millisecond."""
    assert before.keys() == after.keys()
    for key, value in before.items():
        if isinstance(value, float):
            assert round(after[key], 9) == round(value, 9), key
        elif isinstance(value, datetime):
            assert after[key] == value.replace(microsecond=value.microsecond // 1000 * 1000), key
        else:
            assert after[key] == value, key


def test_upgrade_from_0004_keeps_every_review_state_and_date(db_url):
    engine, old = _database_at_0004(db_url)
    logs = _old_rows(engine, old, "review_log", ["id"])
    states = _old_rows(engine, old, "card_state", ["learner_id", "card_id"])
    cards = _old_rows(engine, old, "card", ["id"])
    with engine.connect() as conn:
        exported = _export(conn.execute(select(old.tables["review_log"]).where(old.tables["review_log"].c.learner_id == 1)
                                        .order_by("id")))
    assert len(logs) > 40 and any(r["practice"] for r in logs) and any(r["drill"] for r in logs)
    assert any(r["easiness"] != round(r["easiness"], 3) for r in logs)  # float noise that per-mille drops
    engine.dispose()

    engine, sessions = open_database(db_url)
    assert current_revision(engine) == head_revision()  # through 0005 to the head
    if engine.dialect.name == "sqlite":  # the rebuilt tables' old pages went back to the disk
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA freelist_count").scalar() == 0
    with sessions() as session:
        assert _export(review_history(session, 1)) == exported
        ids = dict(session.execute(select(CardRow.key, CardRow.id)).all())
        assert sorted(ids.values()) == sorted(c for c, _, _ in CARDS)
        order = sorted(CARDS, key=lambda c: (c[2], c[0]))  # deck order: exam, position, id
        assert [ids[key] for key in sorted(ids)] == [card for card, _, _ in order]
        after_logs = [{**{c.name: getattr(r, c.name) for c in ReviewLog.__table__.columns if c.name != "card_key"},
                       "card_id": ids[r.card_key]} for r in session.scalars(select(ReviewLog).order_by(ReviewLog.id))]
        assert len(after_logs) == len(logs)
        for before, after in zip(logs, after_logs):
            _same(before, after)
        after_states = sorted(({**{c.name: getattr(r, c.name) for c in CardState.__table__.columns
                                   if c.name != "card_key"}, "card_id": ids[r.card_key]}
                               for r in session.scalars(select(CardState))),
                              key=lambda r: (r["learner_id"], r["card_id"]))
        assert len(after_states) == len(states)
        for before, after in zip(states, after_states):
            _same(before, after)
        after_cards = sorted(({c.name: getattr(r, c.name) for c in CardRow.__table__.columns if c.name != "key"}
                              for r in session.scalars(select(CardRow))), key=lambda r: r["id"])
        assert after_cards == cards
        # New rows continue after the copied keys and ids (PostgreSQL's sequences moved on).
        session.add(CardRow(id="tiny-alpha-009", exam_id="tiny", domain_id=1, front="f", back="b", position=9))
        session.flush()
        new_key = session.scalar(select(CardRow.key).where(CardRow.id == "tiny-alpha-009"))
        assert new_key == len(CARDS) + 1
        session.add(ReviewLog(learner_id=1, card_key=new_key, reviewed_at=datetime(2026, 12, 1, 9), grade=5,
                              review_day=date(2026, 12, 1), easiness=2.6, interval=1, repetitions=1, seconds=1.0))
        session.flush()
        assert session.scalar(select(ReviewLog.id).where(ReviewLog.card_key == new_key)) == logs[-1]["id"] + 1
        session.rollback()
    engine.dispose()


def test_downgrade_to_0004_gives_the_old_tables_back(db_url):
    engine, old = _database_at_0004(db_url)
    logs = _old_rows(engine, old, "review_log", ["id"])
    states = _old_rows(engine, old, "card_state", ["learner_id", "card_id"])
    upgrade(engine)
    from alembic import command

    from studyplan.db.engine import _alembic_config

    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0004")
    assert current_revision(engine) == "0004"
    for before, after in zip(logs, _old_rows(engine, old, "review_log", ["id"]), strict=True):
        _same(before, after)
    for before, after in zip(states, _old_rows(engine, old, "card_state", ["learner_id", "card_id"]), strict=True):
        _same(before, after)
    engine.dispose()
