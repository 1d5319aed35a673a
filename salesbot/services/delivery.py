"""Where an outbox message goes: the recipient's reachable chat, language and zone, and the claim on the row."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from salesbot.services.uow import UnitOfWork
from salesbot.store.models import ChatIdentity, Group, OutboxMessage, Team, User


@dataclass(frozen=True)
class Address:
    platform: str
    chat_id: str
    label: str  # how logs and the console name the recipient: a handle or "group:<handle>"
    lang: str
    timezone: str


@dataclass(frozen=True)
class Claimed:
    id: int
    payload: dict[str, Any]
    attempts: int
    dedupe_key: str | None
    address: Address | None
    edits: str | None = None  # the platform id of the sent message this one rewrites, if it can be rewritten


def claim(uow: UnitOfWork, *, platforms: Collection[str], lease: timedelta, limit: int) -> list[Claimed]:
    """Take up to `limit` due rows for a while: a dispatcher that dies mid-send leaves them to come back
    when the lease runs out, so nothing is lost (a message may go twice; its dedupe key shows it)."""
    now = uow.now()
    rows = list(
        uow.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.state == "pending", OutboxMessage.not_before <= now)
            .order_by(OutboxMessage.not_before, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    claimed = []
    for row in rows:
        row.attempts += 1
        row.not_before = now + lease
        edits = None
        if row.payload.get("edit_of") is not None:
            edits = uow.session.scalar(
                select(OutboxMessage.message_ref).where(OutboxMessage.id == row.payload["edit_of"])
            )
        claimed.append(
            Claimed(
                row.id,
                dict(row.payload),
                row.attempts,
                row.dedupe_key,
                _address(uow, row.target_type, row.target_id, platforms),
                edits,
            )
        )
    return claimed


def mark_sent(uow: UnitOfWork, outbox_id: int, *, message_ref: str | None = None) -> None:
    uow.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .values(state="sent", sent_at=uow.now(), last_error=None, message_ref=message_ref)
    )


def retry_later(uow: UnitOfWork, outbox_id: int, *, at: datetime, error: str) -> None:
    uow.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(not_before=at, last_error=error[:2000])
    )


def mark_dead(uow: UnitOfWork, outbox_id: int, *, error: str) -> None:
    uow.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(state="dead", last_error=error[:2000])
    )


def next_due(uow: UnitOfWork) -> datetime | None:
    return uow.session.scalar(select(func.min(OutboxMessage.not_before)).where(OutboxMessage.state == "pending"))


def dead_letters(uow: UnitOfWork, *, limit: int = 100) -> list[OutboxMessage]:
    return list(
        uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.state == "dead").order_by(OutboxMessage.id.desc()).limit(limit)
        )
    )


def _address(uow: UnitOfWork, target_type: str, target_id: int, platforms: Collection[str]) -> Address | None:
    settings = uow.settings
    if target_type == "group":
        group = uow.session.get(Group, target_id)
        if group is None:
            return None
        team = uow.session.get(Team, group.team_id) if group.team_id else None
        timezone = team.timezone if team else settings.timezone
        if group.platform in platforms and group.platform_chat_id:
            return Address(group.platform, group.platform_chat_id, f"group:{group.handle}", group.lang, timezone)
        if "console" in platforms:
            return Address("console", f"group:{group.handle}", f"group:{group.handle}", group.lang, timezone)
        return None
    user = uow.session.get(User, target_id)
    if user is None or not user.active:
        return None
    # The account they used last is the one they are most likely to read.
    identity = uow.session.scalar(
        select(ChatIdentity)
        .where(ChatIdentity.user_id == user.id, ChatIdentity.platform.in_(platforms))
        .order_by(or_(ChatIdentity.last_seen_at.is_(None)), ChatIdentity.last_seen_at.desc(), ChatIdentity.id)
    )
    if identity is None:
        return None
    timezone = user.team.timezone if user.team else settings.timezone
    return Address(identity.platform, identity.platform_user_id, user.handle, user.lang, timezone)
