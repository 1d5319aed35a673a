"""Callbacks kept before they are acknowledged, and handed out to be handled after.

WeCom drops a callback it has not had an answer to in 5 seconds and sends it again, up to three times; a turn
that waits on the database and a send could take longer. So a callback is written here and answered at once,
and handled after: by the worker that took it, or, if that one dies, by whichever claims it once its lease runs
out. The (platform, update_id) key makes a retried callback a no-op, and the router's own once-only record
(`services.updates`) keeps a row handled twice after a lost lease from acting twice; that record also keeps the
turn's replies until the row is done, so a row handled again after a failed send answers what it answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from salesbot.services import updates
from salesbot.services.uow import UnitOfWork, UnitOfWorkFactory
from salesbot.store.inserts import insert_once
from salesbot.store.models import InboxMessage

# A kept update is tried again with a growing wait, never more than `MAX_WAIT` apart, and given up (kept as dead,
# counted in /metrics, listed by `salesbot inbox --dead`) only when it is still failing `GIVE_UP` after it came:
# a platform down for an hour, or a night, loses nothing (issue 18).
FIRST_WAIT = timedelta(seconds=10)
MAX_WAIT = timedelta(minutes=10)
GIVE_UP = timedelta(hours=24)
_INSERT_ONCE = insert_once(InboxMessage.__table__, ("platform", "update_id"))


@dataclass(frozen=True)
class Claimed:
    id: int
    update_id: str
    payload: dict[str, Any]
    attempts: int
    received_at: datetime | None = None


def accept(uow: UnitOfWork, *, platform: str, update_id: str, payload: dict[str, Any]) -> bool:
    """Keep a callback; False when it was kept before (the platform retried it), and then it is ignored."""
    now = uow.now()
    values = {
        "platform": platform,
        "update_id": update_id,
        "payload": payload,
        "state": "pending",
        "attempts": 0,
        "not_before": now,
        "received_at": now,
    }
    connection = uow.session.connection()
    return connection.execute(_INSERT_ONCE[connection.dialect.name], values).rowcount == 1


def claim(uow: UnitOfWork, *, platform: str, lease: timedelta, limit: int = 50) -> list[Claimed]:
    """Take due rows, oldest first, for `lease`; another worker's claim is skipped, not waited for."""
    now = uow.now()
    rows = list(
        uow.session.scalars(
            select(InboxMessage)
            .where(InboxMessage.platform == platform, InboxMessage.state == "pending", InboxMessage.not_before <= now)
            .order_by(InboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for row in rows:
        row.attempts += 1
        row.not_before = now + lease
    return [Claimed(row.id, row.update_id, dict(row.payload), row.attempts, row.received_at) for row in rows]


def done(uow: UnitOfWork, row: Claimed, *, platform: str) -> None:
    """Handled and answered: the row is done, and the turn's kept replies (`services.updates`) are sent."""
    uow.session.execute(
        update(InboxMessage).where(InboxMessage.id == row.id).values(state="done", done_at=uow.now(), last_error=None)
    )
    updates.replied(uow, platform=platform, update_ids=[row.update_id])


def failed(uow: UnitOfWork, row: Claimed, *, error: str, retry_in: timedelta | None = None) -> None:
    """Try again later (`retry_in`, else `backoff`), or give up once it has failed for `GIVE_UP` since it came
    (kept as dead with the reason, never deleted)."""
    now = uow.now()
    wait = retry_in if retry_in is not None else backoff(row.attempts)
    values: dict[str, Any] = {"last_error": error[:2000], "not_before": now + wait}
    received = uow.session.scalar(select(InboxMessage.received_at).where(InboxMessage.id == row.id))
    if received is not None and now - received >= GIVE_UP:
        values["state"] = "dead"
    uow.session.execute(update(InboxMessage).where(InboxMessage.id == row.id).values(**values))


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s… up to `MAX_WAIT`."""
    return min(FIRST_WAIT * 2 ** min(max(attempts - 1, 0), 20), MAX_WAIT)


def keep_many(uow: UnitOfWork, *, platform: str, updates: list[tuple[str, dict[str, Any]]]) -> int:
    """Keep a batch (Telegram's getUpdates) in one transaction; returns how many were new."""
    return sum(accept(uow, platform=platform, update_id=uid, payload=payload) for uid, payload in updates)


def dead(uow: UnitOfWork, *, limit: int = 100) -> list[InboxMessage]:
    """Kept updates given up on, newest first."""
    return list(
        uow.session.scalars(
            select(InboxMessage).where(InboxMessage.state == "dead").order_by(InboxMessage.id.desc()).limit(limit)
        )
    )


def dead_count(uow: UnitOfWork) -> dict[str, int]:
    """Given-up rows by platform, for /metrics."""
    rows = uow.session.execute(
        select(InboxMessage.platform, func.count()).where(InboxMessage.state == "dead").group_by(InboxMessage.platform)
    )
    return {platform: n for platform, n in rows}


def pending(uow: UnitOfWork, *, platform: str) -> int:
    """How many callbacks wait to be handled (kept, not yet done)."""
    return (
        uow.session.scalar(
            select(func.count()).where(InboxMessage.platform == platform, InboxMessage.state == "pending")
        )
        or 0
    )


class Inbox:
    """The inbox as a channel uses it: each call its own short transaction, safe from any thread."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow = uow_factory

    def keep(self, platform: str, update_id: str, payload: dict[str, Any]) -> bool:
        with self._uow() as uow:
            kept = accept(uow, platform=platform, update_id=update_id, payload=payload)
            uow.commit()
        return kept

    def claim(self, platform: str, *, lease_seconds: float, limit: int) -> list[Claimed]:
        with self._uow() as uow:
            rows = claim(uow, platform=platform, lease=timedelta(seconds=lease_seconds), limit=limit)
            uow.commit()
        return rows

    def done(self, platform: str, row: Claimed) -> None:
        with self._uow() as uow:
            done(uow, row, platform=platform)
            uow.commit()

    def keep_many(self, platform: str, updates: list[tuple[str, dict[str, Any]]]) -> int:
        with self._uow() as uow:
            kept = keep_many(uow, platform=platform, updates=updates)
            uow.commit()
        return kept

    def failed(self, row: Claimed, error: str, retry_after: float | None = None) -> None:
        """Back off as the attempts grow (`backoff`), or as the platform asked."""
        with self._uow() as uow:
            retry_in = timedelta(seconds=retry_after) if retry_after is not None else None
            failed(uow, row, error=error, retry_in=retry_in)
            uow.commit()
