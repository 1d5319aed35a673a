"""indexes for "who owes us" over many customers: open installments per contract, a customer's contracts by status

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contracts") as batch:
        batch.drop_index("ix_contracts_customer_id")
        batch.create_index("ix_contracts_customer", ["customer_id", "status"], postgresql_include=["id"])
    op.create_index(
        "ix_installments_open",
        "installments",
        ["contract_id"],
        postgresql_include=["currency", "due_on", "amount", "paid"],
        postgresql_where=sa.text("state = 'open'"),
        sqlite_where=sa.text("state = 'open'"),
    )


def downgrade() -> None:
    op.drop_index("ix_installments_open", table_name="installments")
    with op.batch_alter_table("contracts") as batch:
        batch.drop_index("ix_contracts_customer")
        batch.create_index("ix_contracts_customer_id", ["customer_id"])
