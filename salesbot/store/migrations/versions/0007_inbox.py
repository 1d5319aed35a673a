"""inbox for acknowledged callbacks, shared values (access tokens), longer message refs

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import salesbot.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("update_id", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", salesbot.store.types.UTCDateTime(), nullable=False),
        sa.Column("received_at", salesbot.store.types.UTCDateTime(), nullable=False),
        sa.Column("done_at", salesbot.store.types.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "update_id"),
    )
    op.create_index("ix_inbox_pending", "inbox", ["state", "not_before"], unique=False)
    op.create_table(
        "shared_values",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("expires_at", salesbot.store.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("message_ref", existing_type=sa.String(length=64), type_=sa.String(length=255))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("message_ref", existing_type=sa.String(length=255), type_=sa.String(length=64))
    op.drop_table("shared_values")
    op.drop_index("ix_inbox_pending", table_name="inbox")
    op.drop_table("inbox")
