"""keeping the customers (issue 20): each customer's last activity kept, the quiet-customer ladder, the team's pool,
complaints and needs

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from salesbot.store import activity
from salesbot.store.types import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("pool_team_id", sa.Integer(), nullable=True))
    op.create_index("ix_reminders_customer", "reminders", ["customer_id", "state"])
    op.create_table(
        "customer_activity",
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), primary_key=True),
        sa.Column("last_at", UTCDateTime(), nullable=False),
        sa.Column("customer", sa.String(200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
    )
    op.create_index(
        "ix_customer_activity_team",
        "customer_activity",
        ["team_id", "last_at"],
        postgresql_include=["customer_id", "owner_id"],
        postgresql_where=sa.text("NOT archived"),
        sqlite_where=sa.text("archived = 0"),
    )
    op.create_index(
        "ix_customer_activity_owner",
        "customer_activity",
        ["owner_id", "last_at"],
        postgresql_where=sa.text("NOT archived"),
        sqlite_where=sa.text("archived = 0"),
    )
    op.create_table(
        "quiet_flags",
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), primary_key=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("raised_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_quiet_flags_raised_at", "quiet_flags", ["raised_at"])
    op.create_table(
        "quiet_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("user_id", "on"),
    )
    op.create_table(
        "customer_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("key_customer", sa.Boolean(), nullable=False),
        sa.Column("escalated_at", UTCDateTime(), nullable=True),
        sa.Column("reaction", sa.String(16), nullable=True),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_customer_items_open", "customer_items", ["status", "due_on"])
    op.create_index("ix_customer_items_customer_id", "customer_items", ["customer_id"])
    op.create_index("ix_customer_items_owner_id", "customer_items", ["owner_id"])
    # The customers there already: their last activity, from what they have now.
    activity.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table("customer_items")
    op.drop_table("quiet_notices")
    op.drop_index("ix_quiet_flags_raised_at", "quiet_flags")
    op.drop_table("quiet_flags")
    op.drop_table("customer_activity")
    op.drop_index("ix_reminders_customer", "reminders")
    # In place on both (SQLite 3.35+ drops a column): a batch copy of `customers` would trip the keys pointing at it.
    op.execute("ALTER TABLE customers DROP COLUMN pool_team_id")
