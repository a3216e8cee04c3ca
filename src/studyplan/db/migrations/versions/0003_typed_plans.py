"""Typed plan tasks, plan options, course progress, drills told apart from re-asks.

Plan tasks gain ``course_id``, ``module`` and ``continued`` (a task no longer carries its
meaning in its title); plans keep their long days, card limit, skipped courses and
notes; ``course_log`` records course minutes and practice exams checked off with
``studyplan done``; ``review_log.drill`` marks final-week drills among practice rows.
Tasks of plans stored before this revision keep their title and get their kind fixed:
drills, days off and free days had kinds shared with other tasks.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_task") as batch:
        batch.add_column(sa.Column("course_id", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("module", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("continued", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("plan") as batch:
        batch.add_column(sa.Column("long_days", sa.String(40), nullable=False, server_default=""))
        batch.add_column(sa.Column("new_cards_limit", sa.Integer, nullable=True))
        batch.add_column(sa.Column("skip_courses", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("notes", sa.Text, nullable=False, server_default=""))
    with op.batch_alter_table("review_log") as batch:
        batch.add_column(sa.Column("drill", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "course_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learner.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("course_id", sa.String(64), nullable=False),
        sa.Column("module", sa.Integer, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.UniqueConstraint("learner_id", "day", "course_id", "module"),
    )
    task = sa.table("plan_task", sa.column("kind", sa.String), sa.column("title", sa.String))
    op.execute(task.update().where(task.c.kind == "reviews", task.c.title.like("Drill:%")).values(kind="drill"))
    op.execute(task.update().where(task.c.kind == "rest", task.c.title == "Day off").values(kind="day_off"))
    op.execute(task.update().where(task.c.kind == "rest", task.c.title == "Nothing due: free day").values(kind="free"))


def downgrade() -> None:
    op.drop_table("course_log")
    with op.batch_alter_table("review_log") as batch:
        batch.drop_column("drill")
    with op.batch_alter_table("plan") as batch:
        for name in ("notes", "skip_courses", "new_cards_limit", "long_days"):
            batch.drop_column(name)
    with op.batch_alter_table("plan_task") as batch:
        for name in ("continued", "module", "course_id"):
            batch.drop_column(name)
