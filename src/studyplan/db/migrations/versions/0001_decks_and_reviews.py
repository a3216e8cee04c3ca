"""Decks, learners, card state and the review log.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learner",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "exam",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_table(
        "domain",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("exam_id", sa.String(64), sa.ForeignKey("exam.id", ondelete="CASCADE"), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("exam_id", "slug"),
    )
    op.create_table(
        "card",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("exam_id", sa.String(64), sa.ForeignKey("exam.id"), nullable=False, index=True),
        sa.Column("domain_id", sa.Integer, sa.ForeignKey("domain.id"), nullable=False, index=True),
        sa.Column("front", sa.Text, nullable=False),
        sa.Column("back", sa.Text, nullable=False),
        sa.Column("style", sa.String(16), nullable=False),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("retired_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "card_state",
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learner.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("card_id", sa.String(120), sa.ForeignKey("card.id"), primary_key=True),
        sa.Column("easiness", sa.Float, nullable=False),
        sa.Column("interval", sa.Integer, nullable=False),
        sa.Column("repetitions", sa.Integer, nullable=False),
        sa.Column("due", sa.Date, nullable=True),
        sa.Column("lapses", sa.Integer, nullable=False),
        sa.Column("suspended", sa.Boolean, nullable=False),
        sa.Column("leech", sa.Boolean, nullable=False),
        sa.Column("introduced_on", sa.Date, nullable=True),
    )
    op.create_index("ix_card_state_due", "card_state", ["learner_id", "due"])
    op.create_table(
        "review_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learner.id", ondelete="CASCADE"), nullable=False),
        sa.Column("card_id", sa.String(120), sa.ForeignKey("card.id"), nullable=False, index=True),
        sa.Column("reviewed_at", sa.DateTime, nullable=False),
        sa.Column("review_day", sa.Date, nullable=False),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("practice", sa.Boolean, nullable=False),
        sa.Column("easiness", sa.Float, nullable=False),
        sa.Column("interval", sa.Integer, nullable=False),
        sa.Column("repetitions", sa.Integer, nullable=False),
        sa.Column("due", sa.Date, nullable=True),
        sa.Column("prev_easiness", sa.Float, nullable=True),
        sa.Column("prev_interval", sa.Integer, nullable=True),
        sa.Column("prev_repetitions", sa.Integer, nullable=True),
        sa.Column("prev_due", sa.Date, nullable=True),
        sa.Column("prev_lapses", sa.Integer, nullable=True),
        sa.Column("prev_introduced_on", sa.Date, nullable=True),
        sa.Column("seconds", sa.Float, nullable=False),
    )
    op.create_index("ix_review_log_learner_day", "review_log", ["learner_id", "review_day"])


def downgrade() -> None:
    for table in ("review_log", "card_state", "card", "domain", "exam", "learner"):
        op.drop_table(table)
