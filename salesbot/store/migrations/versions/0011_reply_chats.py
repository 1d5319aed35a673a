"""a handled update keeps the chat its replies go to, so a sweeper can send the replies nobody sent

Revision ID: 0011r1
Revises: 0012
Create Date: 2026-12-07 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011r1"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("processed_updates") as batch:
        batch.add_column(sa.Column("chat_id", sa.String(length=128), nullable=True))
    # The sweeper looks for kept replies left unsent: few rows, found by their claim time.
    op.create_index("ix_processed_updates_unsent", "processed_updates", ["replied_at", "at"])


def downgrade() -> None:
    op.drop_index("ix_processed_updates_unsent", table_name="processed_updates")
    with op.batch_alter_table("processed_updates") as batch:
        batch.drop_column("chat_id")
