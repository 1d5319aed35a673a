"""kept balances: what each customer owes per currency, and what falls due per team, currency and day

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 09:00:00

"Who owes us" over a big book (100,000 customers, 200,000 open installments) summed every open installment at each
question: 0.4 s for an admin. These tables keep the sums; `salesbot.store.balances` keeps them current in every
transaction that changes installments, contracts, customers or a user's team. The upgrade fills them from what is
there (its own copy of the statements: a migration is a snapshot, the module may change).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The rows "who owes us" reads: something owed, by a customer not archived.
KEPT = {
    "postgresql_where": sa.text("outstanding > 0 AND NOT archived"),
    "sqlite_where": sa.text("outstanding > 0 AND archived = 0"),
}

# An installment is owed while it is open, not fully paid, and its contract active.
OWED = """
    FROM installments i
    JOIN contracts c ON c.id = i.contract_id
    JOIN customers cu ON cu.id = c.customer_id
    LEFT JOIN users u ON u.id = cu.owner_id
    WHERE i.state = 'open' AND i.amount > i.paid AND c.status = 'active'
"""


def upgrade() -> None:
    op.create_table(
        "balances",
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("customer", sa.String(200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("outstanding", sa.Numeric(18, 2), nullable=False),
        sa.Column("first_due", sa.Date(), nullable=True),
        sa.Column("installments", sa.Integer(), nullable=False),
    )
    ranked = ["currency", sa.literal_column("outstanding").desc(), "customer"]
    op.create_index("ix_balances_rank", "balances", ranked, **KEPT)
    op.create_index("ix_balances_team", "balances", ["team_id"], **KEPT)
    op.create_index("ix_balances_owner", "balances", ["owner_id"], **KEPT)
    op.create_table(
        "receivable_days",
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("due_on", sa.Date(), primary_key=True),
        sa.Column("team_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("unowned", sa.Boolean(), primary_key=True),
        sa.Column("outstanding", sa.Numeric(18, 2), nullable=False),
        sa.Column("installments", sa.Integer(), nullable=False),
    )
    op.execute(
        "INSERT INTO balances (customer_id, currency, customer, owner_id, team_id, archived, outstanding, first_due, "
        "installments) SELECT cu.id, i.currency, cu.name, cu.owner_id, u.team_id, cu.archived, "
        "SUM(i.amount - i.paid), MIN(i.due_on), COUNT(*)"
        + OWED
        + "GROUP BY cu.id, i.currency, cu.name, cu.owner_id, u.team_id, cu.archived"
    )
    op.execute(
        "INSERT INTO receivable_days (currency, due_on, team_id, unowned, outstanding, installments) "
        "SELECT i.currency, i.due_on, COALESCE(u.team_id, 0), cu.owner_id IS NULL, SUM(i.amount - i.paid), COUNT(*)"
        + OWED
        + "AND NOT cu.archived GROUP BY i.currency, i.due_on, COALESCE(u.team_id, 0), cu.owner_id IS NULL"
    )


def downgrade() -> None:
    op.drop_table("receivable_days")
    op.drop_index("ix_balances_owner", table_name="balances")
    op.drop_index("ix_balances_team", table_name="balances")
    op.drop_index("ix_balances_rank", table_name="balances")
    op.drop_table("balances")
