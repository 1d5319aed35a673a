"""the board's indexes: a team's visits over a period, read from the index by person and time

Revision ID: 0014
Revises: 0015
Create Date: 2026-12-07 19:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_visits_user_at", "visits", ["user_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_visits_user_at", table_name="visits")
