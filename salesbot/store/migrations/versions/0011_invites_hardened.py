"""an account can be unlinked (kept, no longer answered), and wrong invite codes are counted per chat

Revision ID: 0011r2
Revises: 0011r1
Create Date: 2026-12-07 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import salesbot.store.types

revision = "0011r2"
down_revision = "0011r1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chat_identities") as batch:
        batch.add_column(sa.Column("unlinked_at", salesbot.store.types.UTCDateTime(), nullable=True))
    op.create_table(
        "invite_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("at", salesbot.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_invite_attempts_chat", "invite_attempts", ["platform", "chat_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_invite_attempts_chat", table_name="invite_attempts")
    op.drop_table("invite_attempts")
    with op.batch_alter_table("chat_identities") as batch:
        batch.drop_column("unlinked_at")
