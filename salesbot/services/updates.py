"""Exactly-once intake: a platform update id is recorded in the transaction that handles it.

One statement a turn: `INSERT … ON CONFLICT DO NOTHING` on the (platform, update_id) primary key. It inserts
for the first delivery and does nothing for a replay; under a race on PostgreSQL the second insert waits for
the first transaction and then does nothing if it committed (or inserts if it rolled back), so exactly one
of them goes on to handle the update. SQLite serialises writers (BEGIN IMMEDIATE), so it cannot race at all.
"""

from __future__ import annotations

from salesbot.services.uow import UnitOfWork
from salesbot.store.inserts import insert_once
from salesbot.store.models import ProcessedUpdate

# Built once: a turn only binds three values.
_INSERT_ONCE = insert_once(ProcessedUpdate.__table__, ("platform", "update_id"))


def first_time(uow: UnitOfWork, *, platform: str, update_id: str) -> bool:
    """True the first time an update is seen; False for a retry or a replay (then handle nothing)."""
    values = {"platform": platform, "update_id": update_id, "at": uow.now()}
    connection = uow.session.connection()
    return connection.execute(_INSERT_ONCE[connection.dialect.name], values).rowcount == 1
