"""indexes for the questions of issue 19: a person's visits, deals opened, stage moves and contracts approved in a
period, the open funnel per owner and stage, and the money counted on the day it came in

Revision ID: 0016
Revises: 0011r2
Create Date: 2026-12-07 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0011r2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_stage_history_moves", "stage_history", ["at"], postgresql_include=["deal_id", "from_stage", "to_stage"]
    )
    op.create_index("ix_customers_owner_ids", "customers", ["owner_id", "id"])
    op.create_index("ix_deals_owner_created", "deals", ["owner_id", "created_at"])
    op.create_index(
        "ix_deals_live",
        "deals",
        ["owner_id", "stage"],
        postgresql_include=["id", "currency", "amount"],
        postgresql_where=sa.text("NOT archived"),
        sqlite_where=sa.text("archived = 0"),
    )
    op.create_index(
        "ix_contracts_approved",
        "contracts",
        ["owner_id", "decided_at"],
        postgresql_where=sa.text("status = 'active'"),
        sqlite_where=sa.text("status = 'active'"),
    )
    op.create_index(
        "ix_payments_counted",
        "payments",
        [sa.text("coalesce(confirmed_at, created_at)")],
        postgresql_include=["confirmed_at", "created_at", "customer_id", "currency", "amount"],
        postgresql_where=sa.text("state = 'confirmed'"),
        sqlite_where=sa.text("state = 'confirmed'"),
    )


def downgrade() -> None:
    op.drop_index("ix_payments_counted", table_name="payments")
    op.drop_index("ix_contracts_approved", table_name="contracts")
    op.drop_index("ix_deals_live", table_name="deals")
    op.drop_index("ix_deals_owner_created", table_name="deals")
    op.drop_index("ix_customers_owner_ids", table_name="customers")
    op.drop_index("ix_stage_history_moves", table_name="stage_history")
