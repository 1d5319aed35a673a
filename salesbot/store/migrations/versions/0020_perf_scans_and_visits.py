"""the quiet-customer scan made daily and incremental: when each team was last scanned (and last in full), and the
handed-on customers' ladder start indexed (issue 20, item 5); a person's visits not taken back, by time, counted
from the index alone (issue 19, item 5); each stage's biggest open deals walked from the top (the board, issue 22)

Revision ID: 0019_perf
Revises: 0019_rep_leave
Create Date: 2026-12-07 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from salesbot.store.types import UTCDateTime

revision = "0019_perf"
down_revision = "0019_rep_leave"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quiet_scans",
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id"), primary_key=True),
        sa.Column("scanned_on", sa.Date(), nullable=False),
        sa.Column("full_on", sa.Date(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_quiet_flags_since", "quiet_flags", ["since"])
    op.create_index(
        "ix_visits_user_at_live",
        "visits",
        ["user_id", "at"],
        postgresql_where=sa.text("NOT archived"),
        sqlite_where=sa.text("archived = 0"),
    )
    op.create_index(
        "ix_deals_biggest",
        "deals",
        [sa.text("stage"), sa.text("coalesce(amount, 0) DESC"), sa.text("id")],
        postgresql_include=["owner_id", "customer_id"],
        postgresql_where=sa.text("NOT archived"),
        sqlite_where=sa.text("archived = 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_deals_biggest", "deals")
    op.drop_index("ix_visits_user_at_live", "visits")
    op.drop_index("ix_quiet_flags_since", "quiet_flags")
    op.drop_table("quiet_scans")
