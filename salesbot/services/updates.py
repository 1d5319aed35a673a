"""Exactly-once intake: a platform update id is recorded in the transaction that handles it, with its replies.

One statement a turn: `INSERT … ON CONFLICT DO NOTHING` on the (platform, update_id) primary key. It inserts
for the first delivery and does nothing for a replay; under a race on PostgreSQL the second insert waits for
the first transaction and then does nothing if it committed (or inserts if it rolled back), so exactly one
of them goes on to handle the update. SQLite serialises writers (BEGIN IMMEDIATE), so it cannot race at all.

Doing nothing for a replay is right for the turn but not for its answer: a worker that dies between its commit
and its send leaves the platform's retry with nothing to say. So the replies are kept on the row in the turn's
own transaction and cleared once sent (`replied`). A replay that finds them unsent takes them over, but only
once the first handling's claim (`at`, the time it started or last took them) is older than a lease: until
then the first worker may still be sending, and a retry posted at the same time must not answer twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Any

from sqlalchemy import bindparam, select, update

from salesbot.services.uow import UnitOfWork
from salesbot.store.inserts import insert_once
from salesbot.store.models import ProcessedUpdate

# Built once, on the table rather than the ORM class: a turn only binds values (these run for every update).
_TABLE = ProcessedUpdate.__table__
_INSERT_ONCE = insert_once(_TABLE, ("platform", "update_id"))
_KEEP = (
    _TABLE.update()
    .where(_TABLE.c.platform == bindparam("key_platform"), _TABLE.c.update_id == bindparam("key_update_id"))
    .values(replies=bindparam("replies"), chat_id=bindparam("chat_id"))
)
_REPLIED = (
    _TABLE.update()
    .where(_TABLE.c.platform == bindparam("key_platform"), _TABLE.c.update_id.in_(bindparam("ids", expanding=True)))
    .values(replied_at=bindparam("sent_at"), replies=None)
)


class Wait(Enum):
    """The replies are unsent but the first handling may still be sending them: ask again shortly."""

    WAIT = "wait"


def first_time(uow: UnitOfWork, *, platform: str, update_id: str) -> bool:
    """True the first time an update is seen; False for a retry or a replay (then handle nothing)."""
    values = {"platform": platform, "update_id": update_id, "at": uow.now()}
    connection = uow.session.connection()
    return connection.execute(_INSERT_ONCE[connection.dialect.name], values).rowcount == 1


def keep_replies(
    uow: UnitOfWork, *, platform: str, update_id: str, replies: list[dict[str, Any]], chat_id: str | None = None
) -> None:
    """In the turn's transaction: what to answer, and where, until it is known to be sent."""
    values = {"key_platform": platform, "key_update_id": update_id, "replies": replies, "chat_id": chat_id}
    uow.session.connection().execute(_KEEP, values)


def unsent_replies(uow: UnitOfWork, *, platform: str, update_id: str, lease: timedelta) -> list[dict[str, Any]] | Wait:
    """For a replay: the first handling's replies if they were never sent and its claim has run out (they are
    then this caller's to send), `Wait.WAIT` while the claim holds, and [] when there is nothing to send."""
    row = uow.session.execute(
        select(ProcessedUpdate.replies, ProcessedUpdate.replied_at, ProcessedUpdate.at).where(
            ProcessedUpdate.platform == platform, ProcessedUpdate.update_id == update_id
        )
    ).one_or_none()
    if row is None or not row.replies or row.replied_at is not None:
        return []
    now = uow.now()
    if row.at > now - lease:
        return Wait.WAIT
    taken = uow.session.execute(
        update(ProcessedUpdate)
        .where(
            ProcessedUpdate.platform == platform,
            ProcessedUpdate.update_id == update_id,
            ProcessedUpdate.at == row.at,
            ProcessedUpdate.replied_at.is_(None),
        )
        .values(at=now)
    ).rowcount
    return list(row.replies) if taken == 1 else Wait.WAIT


def replied(uow: UnitOfWork, *, platform: str, update_ids: Iterable[str]) -> None:
    """The replies of these updates went out: forget them (a replay now answers nothing)."""
    ids = list(update_ids)
    if ids:
        uow.session.connection().execute(_REPLIED, {"key_platform": platform, "ids": ids, "sent_at": uow.now()})


def release(uow: UnitOfWork, *, platform: str, update_id: str, lease: timedelta) -> None:
    """Sending failed and will not be tried here again: the platform's retry may take the replies at once."""
    uow.session.execute(
        update(ProcessedUpdate)
        .where(
            ProcessedUpdate.platform == platform,
            ProcessedUpdate.update_id == update_id,
            ProcessedUpdate.replied_at.is_(None),
        )
        .values(at=uow.now() - lease)
    )


@dataclass(frozen=True)
class Stale:
    """Kept replies nobody sent: the platform, the update, the chat and the replies themselves."""

    platform: str
    update_id: str
    chat_id: str
    replies: list[dict[str, Any]]


def stale_replies(
    uow: UnitOfWork, *, platforms: Iterable[str], older_than: timedelta, limit: int = 50
) -> list[Stale]:
    """Take over kept replies whose claim ran out `older_than` ago with no retry to send them (the platform gave
    up, a send failed past its tries, the worker died with no retry to come): the sweeper sends them. Each is
    taken as a replay takes it, by moving its claim on, so a retry arriving meanwhile waits instead of sending too."""
    now = uow.now()
    rows = uow.session.execute(
        select(ProcessedUpdate.platform, ProcessedUpdate.update_id, ProcessedUpdate.at)
        .where(
            ProcessedUpdate.replied_at.is_(None),
            ProcessedUpdate.at <= now - older_than,
            ProcessedUpdate.replies.is_not(None),
            ProcessedUpdate.chat_id.is_not(None),
            ProcessedUpdate.platform.in_(list(platforms)),
        )
        .order_by(ProcessedUpdate.at)
        .limit(limit)
    ).all()
    taken = []
    for row in rows:
        claimed = uow.session.execute(
            update(ProcessedUpdate)
            .where(
                ProcessedUpdate.platform == row.platform,
                ProcessedUpdate.update_id == row.update_id,
                ProcessedUpdate.at == row.at,
                ProcessedUpdate.replied_at.is_(None),
            )
            .values(at=now)
            .returning(ProcessedUpdate.chat_id, ProcessedUpdate.replies)
        ).one_or_none()
        if claimed is not None and claimed.replies:
            taken.append(Stale(row.platform, row.update_id, str(claimed.chat_id), list(claimed.replies)))
    return taken
