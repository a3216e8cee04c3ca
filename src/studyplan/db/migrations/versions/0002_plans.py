"""Stored study plans: the plan, its days and each day's tasks.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learner.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("exam_id", sa.String(64), sa.ForeignKey("exam.id"), nullable=False),
        sa.Column("background", sa.String(16), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("exam_date", sa.Date, nullable=False),
        sa.Column("minutes_per_day", sa.Integer, nullable=False),
        sa.Column("study_days", sa.String(40), nullable=False),
        sa.Column("days_off", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "plan_day",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plan.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.UniqueConstraint("plan_id", "day"),
    )
    op.create_table(
        "plan_task",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_day_id", sa.Integer, sa.ForeignKey("plan_day.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("domain", sa.String(64), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("plan_task", "plan_day", "plan"):
        op.drop_table(table)
