"""An index on card.source: the deck sync looks cards up by the file they come from, and
every command counts the imported (``anki:``) cards by a range of sources, which without
it read the whole card table (0.12 s at 50,000 cards, on every command).

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_card_source", "card", ["source"])


def downgrade() -> None:
    op.drop_index("ix_card_source", table_name="card")
