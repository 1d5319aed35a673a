"""leave: a person's days off work (请假), so nothing is drafted or nudged for them (issue 21)

Revision ID: 0019_rep_leave
Revises: 0018
Create Date: 2026-12-07 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from salesbot.store.types import UTCDateTime

revision = "0019_rep_leave"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leaves",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("set_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.Column("cancelled_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_leaves_user_id", "leaves", ["user_id"])
    op.create_index("ix_leaves_ends_on", "leaves", ["ends_on"])


def downgrade() -> None:
    op.drop_index("ix_leaves_ends_on", "leaves")
    op.drop_index("ix_leaves_user_id", "leaves")
    op.drop_table("leaves")
