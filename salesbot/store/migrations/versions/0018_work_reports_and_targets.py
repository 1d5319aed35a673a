"""work reports (日报 / 周报) drafted by the bot, sales targets per rep or team and period, and each chat account's
messages per day (adoption) (issue 21)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from salesbot.store.types import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("added", sa.Text(), nullable=True),
        sa.Column("drafted_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("commented_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("commented_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("user_id", "kind", "on"),
    )
    op.create_index("ix_work_reports_on", "work_reports", ["on"])
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id"), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("set_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_targets_user_id", "targets", ["user_id"])
    op.create_index("ix_targets_team_id", "targets", ["team_id"])
    with op.batch_alter_table("chat_identities") as batch:
        batch.add_column(sa.Column("active_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("active_messages", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.create_table(
        "activity_days",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("identity_id", sa.Integer(), sa.ForeignKey("chat_identities.id"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.UniqueConstraint("identity_id", "on"),
    )
    op.create_index("ix_activity_days_user_id", "activity_days", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_activity_days_user_id", "activity_days")
    op.drop_table("activity_days")
    with op.batch_alter_table("chat_identities") as batch:
        batch.drop_column("active_messages")
        batch.drop_column("active_on")
    op.drop_index("ix_targets_team_id", "targets")
    op.drop_index("ix_targets_user_id", "targets")
    op.drop_table("targets")
    op.drop_index("ix_work_reports_on", "work_reports")
    op.drop_table("work_reports")
