"""money exact on SQLite: amounts kept as whole cents

Revision ID: 0012
Revises: 0014
Create Date: 2026-12-07 19:00:00

SQLite has no decimal type: its NUMERIC columns kept money with cents as floats, so 99999999999999999 came back as
100000000000000000 and sums drifted. From now on the money columns hold a whole number of cents there (the `Money`
column type in salesbot.store.types reads and writes them); this converts what is stored. The columns' declared
type stays NUMERIC(18, 2), whose affinity keeps an integer exactly. PostgreSQL's numeric was exact all along: nothing
changes there.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0014"
branch_labels = None
depends_on = None

MONEY = (
    ("deals", "amount"),
    ("contracts", "amount"),
    ("installments", "amount"),
    ("installments", "paid"),
    ("balances", "outstanding"),
    ("receivable_days", "outstanding"),
    ("payments", "amount"),
    ("payment_allocations", "amount"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, column in MONEY:
        op.execute(f"UPDATE {table} SET {column} = CAST(ROUND({column} * 100) AS INTEGER) WHERE {column} IS NOT NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, column in MONEY:
        op.execute(f"UPDATE {table} SET {column} = {column} / 100.0 WHERE {column} IS NOT NULL")
