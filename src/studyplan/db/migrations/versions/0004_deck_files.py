"""Deck files remembered, so a command re-reads only the deck files that changed; indexes
for the history queries of `stats`, `today` and `review`.

``deck_file`` keeps, per file of a decks folder (an exam's ``exam.toml`` and its card
files), the file's size, modification time and content hash, and what the catalog needs
from it without parsing it again: its exam, domain, ``verified`` date, first card
position and card counts. Existing data is untouched; the table starts empty, so the
first command after the upgrade reads every deck once and fills it.

Two indexes: review_log (learner_id, practice, review_day, prev_repetitions, grade,
card_id) covers reviews per day with practice rows left out and the retention queries
(overall and per domain), and card_state (learner_id, introduced_on) the cards
introduced in a span of days.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deck_file",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path", sa.String(1000), nullable=False, unique=True),
        sa.Column("exam_id", sa.String(64), nullable=False, index=True),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("domain", sa.String(64), nullable=False, server_default=""),
        sa.Column("verified", sa.Date, nullable=True),
        sa.Column("line", sa.Integer, nullable=False, server_default="0"),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("mtime_ns", sa.BigInteger, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("version", sa.String(40), nullable=False, server_default=""),
        sa.Column("first_position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cards", sa.Integer, nullable=False, server_default="0"),
        sa.Column("scenarios", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_review_log_learner_practice_day", "review_log",
                    ["learner_id", "practice", "review_day", "prev_repetitions", "grade", "card_id"])
    op.create_index("ix_card_state_introduced", "card_state", ["learner_id", "introduced_on"])


def downgrade() -> None:
    op.drop_index("ix_card_state_introduced", "card_state")
    op.drop_index("ix_review_log_learner_practice_day", "review_log")
    op.drop_table("deck_file")
