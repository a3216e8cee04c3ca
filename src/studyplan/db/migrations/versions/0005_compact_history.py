"""Compact history: cards get an integer key, and card state and the review log refer to
cards by it, with days, times and E-Factors stored as integers.

- ``card.key`` is the card table's integer primary key; the text ``card.id`` stays, unique.
- ``card_state`` and ``review_log`` hold ``card_key`` instead of ``card_id``; their dates
  are day numbers since 1970-01-01, ``reviewed_at`` whole milliseconds since 1970-01-01
  00:00 (of the same naive clock: no time zone conversion), E-Factors whole thousandths
  (every SM-2 E-Factor is a multiple of 0.02 and Anki's are in thousandths). In
  benchmarks/bench_peer.py's collection a review log row shrinks from 128 bytes to 52,
  and the database from 244 MiB to 101 MiB.
- review_log keeps one index, (learner_id, practice, review_day, prev_repetitions, grade,
  card_key), which covers every history query; (learner_id, review_day) and (card_id)
  are gone (nothing looks reviews up by card, and cards are never deleted).

The three tables are rebuilt: each new table is filled from the old one in one
INSERT ... SELECT, the old one dropped and the new one renamed. Every row is kept, log
ids and all; reviewed_at keeps its milliseconds (the microseconds below are dropped: no
command shows or uses them). Rebuilding leaves the old pages free in a SQLite file:
`open_database` runs VACUUM right after this upgrade to give them back to the disk.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_CARD_COLUMNS = ("exam_id", "domain_id", "front", "back", "style", "tags", "source", "position", "content_hash",
                 "retired_at")
_STATE_COLUMNS = ("learner_id", "interval", "repetitions", "lapses", "suspended", "leech")
_LOG_COLUMNS = ("id", "learner_id", "grade", "practice", "interval", "repetitions", "prev_interval",
                "prev_repetitions", "prev_lapses", "seconds", "drill")
_LOG_DAYS = ("review_day", "due", "prev_due", "prev_introduced_on")
_LOG_EASINESS = ("easiness", "prev_easiness")


def _card_table(name: str, compact: bool) -> None:
    key = ([sa.Column("key", sa.Integer, primary_key=True), sa.Column("id", sa.String(120), nullable=False, unique=True)]
           if compact else [sa.Column("id", sa.String(120), primary_key=True)])
    op.create_table(
        name, *key,
        sa.Column("exam_id", sa.String(64), sa.ForeignKey("exam.id"), nullable=False),
        sa.Column("domain_id", sa.Integer, sa.ForeignKey("domain.id"), nullable=False),
        sa.Column("front", sa.Text, nullable=False),
        sa.Column("back", sa.Text, nullable=False),
        sa.Column("style", sa.String(16), nullable=False),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("retired_at", sa.DateTime, nullable=True),
    )


def _state_table(name: str, card: str, compact: bool) -> None:
    day = sa.Integer if compact else sa.Date
    ref = (sa.Column("card_key", sa.Integer, sa.ForeignKey(f"{card}.key"), primary_key=True) if compact
           else sa.Column("card_id", sa.String(120), sa.ForeignKey(f"{card}.id"), primary_key=True))
    op.create_table(
        name,
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learner.id", ondelete="CASCADE"), primary_key=True),
        ref,
        sa.Column("easiness", sa.SmallInteger if compact else sa.Float, nullable=False),
        sa.Column("interval", sa.Integer, nullable=False),
        sa.Column("repetitions", sa.Integer, nullable=False),
        sa.Column("due", day, nullable=True),
        sa.Column("lapses", sa.Integer, nullable=False),
        sa.Column("suspended", sa.Boolean, nullable=False),
        sa.Column("leech", sa.Boolean, nullable=False),
        sa.Column("introduced_on", day, nullable=True),
    )


def _log_table(name: str, card: str, compact: bool) -> None:
    day = sa.Integer if compact else sa.Date
    easiness = sa.SmallInteger if compact else sa.Float
    ref = (sa.Column("card_key", sa.Integer, sa.ForeignKey(f"{card}.key"), nullable=False) if compact
           else sa.Column("card_id", sa.String(120), sa.ForeignKey(f"{card}.id"), nullable=False))
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learner.id", ondelete="CASCADE"), nullable=False),
        ref,
        sa.Column("reviewed_at", sa.BigInteger if compact else sa.DateTime, nullable=False),
        sa.Column("review_day", day, nullable=False),
        sa.Column("grade", sa.SmallInteger if compact else sa.Integer, nullable=False),
        sa.Column("practice", sa.Boolean, nullable=False),
        sa.Column("easiness", easiness, nullable=False),
        sa.Column("interval", sa.Integer, nullable=False),
        sa.Column("repetitions", sa.Integer, nullable=False),
        sa.Column("due", day, nullable=True),
        sa.Column("prev_easiness", easiness, nullable=True),
        sa.Column("prev_interval", sa.Integer, nullable=True),
        sa.Column("prev_repetitions", sa.Integer, nullable=True),
        sa.Column("prev_due", day, nullable=True),
        sa.Column("prev_lapses", sa.Integer, nullable=True),
        sa.Column("prev_introduced_on", day, nullable=True),
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("drill", sa.Boolean, nullable=False, server_default=sa.false()),
    )


class _Sql:
    """The value conversions of one dialect, as SQL expressions of a column *c*."""

    def __init__(self, dialect: str) -> None:
        self.pg = dialect == "postgresql"

    def day(self, c: str) -> str:  # a date -> its day number
        return f"({c} - DATE '1970-01-01')" if self.pg else f"CAST(julianday({c}) - 2440587.5 AS INTEGER)"

    def date(self, c: str) -> str:  # a day number -> a date
        return f"(DATE '1970-01-01' + {c})" if self.pg else f"date({c} * 86400, 'unixepoch')"

    def millis(self, c: str) -> str:  # a timestamp -> whole milliseconds (floored, as the model's type does)
        if self.pg:
            return f"CAST(floor(EXTRACT(EPOCH FROM {c}) * 1000) AS BIGINT)"
        # SQLAlchemy writes 'YYYY-MM-DD HH:MM:SS.ffffff': the whole seconds (cut before SQLite's
        # own parse, which rounds .9995 up), then the first 3 digits of the fraction
        return (f"(CAST(strftime('%s', substr({c}, 1, 19)) AS INTEGER) * 1000 "
                f"+ CAST(substr({c} || '.000', 21, 3) AS INTEGER))")

    def timestamp(self, c: str) -> str:  # whole milliseconds -> a timestamp
        if self.pg:
            return f"(TIMESTAMP '1970-01-01' + {c} * INTERVAL '1 millisecond')"
        return (f"(strftime('%Y-%m-%d %H:%M:%S', {c} / 1000, 'unixepoch') || '.' || "
                f"printf('%03d', {c} % 1000) || '000')")

    def per_mille(self, c: str) -> str:
        return f"CAST(round({c} * 1000) AS {'SMALLINT' if self.pg else 'INTEGER'})"

    def float(self, c: str) -> str:
        return f"({c} / 1000.0)"


def _copy(target: str, columns: list[str], source: str) -> None:
    op.execute(f"INSERT INTO {target} ({', '.join(columns)}) {source}")


def _rebuild(compact: bool) -> None:
    """Build card_new, card_state_new and review_log_new in the other layout from the three
    tables, drop these and take their names."""
    sql = _Sql(op.get_bind().dialect.name)
    day, easiness, stamp = ((sql.day, sql.per_mille, sql.millis) if compact else
                            (sql.date, sql.float, sql.timestamp))
    _card_table("card_new", compact)
    _state_table("card_state_new", "card_new", compact)
    _log_table("review_log_new", "card_new", compact)
    cards = ", ".join(_CARD_COLUMNS)
    if compact:  # keys in deck order, so an exam's cards sit together
        _copy("card_new", ["key", "id", *_CARD_COLUMNS],
              f"SELECT row_number() OVER (ORDER BY exam_id, position, id), id, {cards} FROM card")
        join, ref_new = "JOIN card_new c ON c.id = t.card_id", "c.key"
    else:
        _copy("card_new", ["id", *_CARD_COLUMNS], f"SELECT id, {cards} FROM card")
        join, ref_new = "JOIN card c ON c.key = t.card_key", "c.id"
    ref = "card_key" if compact else "card_id"
    _copy("card_state_new", [*_STATE_COLUMNS, ref, "easiness", "due", "introduced_on"],
          f"SELECT {', '.join('t.' + c for c in _STATE_COLUMNS)}, {ref_new}, {easiness('t.easiness')}, "
          f"{day('t.due')}, {day('t.introduced_on')} FROM card_state t {join}")
    _copy("review_log_new", [*_LOG_COLUMNS, ref, "reviewed_at", *_LOG_DAYS, *_LOG_EASINESS],
          f"SELECT {', '.join('t.' + c for c in _LOG_COLUMNS)}, {ref_new}, {stamp('t.reviewed_at')}, "
          f"{', '.join(day('t.' + c) for c in _LOG_DAYS)}, {', '.join(easiness('t.' + c) for c in _LOG_EASINESS)} "
          f"FROM review_log t {join} ORDER BY t.id")
    for table in ("review_log", "card_state", "card"):  # children first: nothing refers to a dropped table
        op.drop_table(table)
    # SQLite rewrites the new tables' references to card_new when it is renamed
    for table in ("card", "card_state", "review_log"):
        op.rename_table(f"{table}_new", table)
    if sql.pg:
        _tidy_postgresql(compact)
    op.create_index("ix_card_exam_id", "card", ["exam_id"])
    op.create_index("ix_card_domain_id", "card", ["domain_id"])
    op.create_index("ix_card_state_due", "card_state", ["learner_id", "due"])
    op.create_index("ix_card_state_introduced", "card_state", ["learner_id", "introduced_on"])
    if compact:
        op.create_index("ix_review_log_learner_practice_day", "review_log",
                        ["learner_id", "practice", "review_day", "prev_repetitions", "grade", "card_key"])
    else:
        op.create_index("ix_review_log_card_id", "review_log", ["card_id"])
        op.create_index("ix_review_log_learner_day", "review_log", ["learner_id", "review_day"])
        op.create_index("ix_review_log_learner_practice_day", "review_log",
                        ["learner_id", "practice", "review_day", "prev_repetitions", "grade", "card_id"])


def _tidy_postgresql(compact: bool) -> None:
    """Give the renamed tables' constraints and sequences the names a fresh table has,
    and move the sequences past the copied keys."""
    bind = op.get_bind()
    for table in ("card", "card_state", "review_log"):
        names = bind.execute(sa.text(
            "SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass)"), {"t": table}).scalars()
        for name in list(names):
            if name.startswith(f"{table}_new_"):
                op.execute(f'ALTER TABLE {table} RENAME CONSTRAINT "{name}" TO "{table}_{name[len(table) + 5:]}"')
    serial = [("card", "key"), ("review_log", "id")] if compact else [("review_log", "id")]
    for table, column in serial:
        op.execute(f"ALTER SEQUENCE {table}_new_{column}_seq RENAME TO {table}_{column}_seq")
        op.execute(f"SELECT setval('{table}_{column}_seq', COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)")


def upgrade() -> None:
    _rebuild(compact=True)


def downgrade() -> None:
    _rebuild(compact=False)
