"""money to the thousandth: currencies whose minor unit has three digits (KWD, BHD, JOD, OMR, TND, IQD, LYD) are kept
exactly (issue 18)

Revision ID: 0019rel
Revises: 0019_perf
Create Date: 2026-12-07 22:00:00

PostgreSQL: the money columns become numeric(18, 3) (exact; a value with two decimals is the same value). SQLite: the
columns hold whole thousandths instead of whole cents (the `Money` type in salesbot.store.types reads and writes
them), so what is stored is multiplied by 10; the declared type follows the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019rel"
down_revision = "0019_perf"
branch_labels = None
depends_on = None

MONEY = (
    ("deals", "amount", True),
    ("contracts", "amount", False),
    ("installments", "amount", False),
    ("installments", "paid", False),
    ("balances", "outstanding", False),
    ("receivable_days", "outstanding", False),
    ("payments", "amount", False),
    ("payment_allocations", "amount", False),
    ("targets", "amount", False),
)


def upgrade() -> None:
    _retype(sa.Numeric(18, 2), sa.Numeric(18, 3))
    if op.get_bind().dialect.name == "sqlite":
        for table, column, _ in MONEY:
            op.execute(f"UPDATE {table} SET {column} = {column} * 10 WHERE {column} IS NOT NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, column, _ in MONEY:
            op.execute(f"UPDATE {table} SET {column} = {column} / 10 WHERE {column} IS NOT NULL")
    _retype(sa.Numeric(18, 3), sa.Numeric(18, 2))


def _retype(was: sa.Numeric, now: sa.Numeric) -> None:  # type: ignore[type-arg]
    # SQLite's batch mode copies each table, and Alembic cannot reflect expression indexes there
    # (ix_payments_counted, ix_deals_biggest): they would be lost with the old table, so their DDL is kept and
    # replayed.
    bind = op.get_bind()
    kept: list[str] = []
    if bind.dialect.name == "sqlite":
        tables = tuple(dict.fromkeys(t for t, _, _ in MONEY))
        marks = ", ".join("?" for _ in tables)
        kept = [
            sql
            for (sql,) in bind.exec_driver_sql(
                f"SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
                tables,
            )
        ]
    for table in dict.fromkeys(t for t, _, _ in MONEY):
        with op.batch_alter_table(table) as batch:
            for name, column, nullable in MONEY:
                if name == table:
                    batch.alter_column(column, existing_type=was, type_=now, existing_nullable=nullable)
    for sql in kept:
        bind.exec_driver_sql(
            sql.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1).replace(
                "CREATE UNIQUE INDEX", "CREATE UNIQUE INDEX IF NOT EXISTS", 1
            )
        )
