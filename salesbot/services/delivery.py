"""Where an outbox message goes: the recipient's reachable chat, language and zone, and the claim on the row."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update

from salesbot.services.uow import UnitOfWork
from salesbot.store.models import ChatIdentity, Group, OutboxMessage, Team, User


@dataclass(frozen=True)
class Address:
    platform: str
    chat_id: str
    label: str  # how logs and the console name the recipient: a handle or "group:<handle>"
    lang: str
    timezone: str
    kind: str = "private"  # "private" | "group": platforms pace the two differently


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
    when the lease runs out, so nothing is lost (a message may go twice; its dedupe key shows it).

    A row waits while an earlier row to the same recipient is in someone's hands or waiting for its retry,
    so one chat's messages go out in the order they were queued, whatever failed in between."""
    now = uow.now()
    rows = list(
        uow.session.scalars(
            _not_held(select(OutboxMessage), now)
            .where(OutboxMessage.state == "pending", OutboxMessage.not_before <= now)
            # In the order queued: a retry that has come due goes before what was queued behind it.
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=OutboxMessage)
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


def retry_later(uow: UnitOfWork, outbox_id: int, *, at: datetime, error: str, tried: bool = True) -> None:
    """Try again at `at`. `tried=False` when the platform said plainly it took nothing (a 429): that claim is
    not an attempt, so waiting out rate limits never uses up the attempts that park a message as dead."""
    values: dict[str, Any] = {"not_before": at, "last_error": error[:2000]}
    if not tried:
        values["attempts"] = OutboxMessage.attempts - 1
    uow.session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(**values))


def sent_in_part(uow: UnitOfWork, outbox_id: int, *, payload: dict[str, Any], parts: int) -> None:
    """The first `parts` parts of this message went out before it failed: its next try starts after them."""
    uow.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(payload={**payload, "sent_parts": parts})
    )


def release(uow: UnitOfWork, outbox_ids: Collection[int]) -> None:
    """Hand back claimed rows that were not tried (more than could go before the lease ran out, or queued
    behind a message that must wait): due at once, for whoever claims next, and not counted as an attempt."""
    if outbox_ids:
        uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(list(outbox_ids)), OutboxMessage.state == "pending")
            .values(not_before=uow.now(), attempts=OutboxMessage.attempts - 1)
        )


def mark_dead(uow: UnitOfWork, outbox_id: int, *, error: str) -> None:
    uow.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(state="dead", last_error=error[:2000])
    )


def next_due(uow: UnitOfWork) -> datetime | None:
    """When a row can next be claimed: now, if one can; None when nothing is pending. Never a time gone by, which
    a caller would sleep no time for and ask again, in a loop: a row due long ago but held back behind another
    one's retry counts from that retry's time."""
    now = uow.now()
    due = uow.session.scalar(
        _not_held(select(func.min(OutboxMessage.not_before)).select_from(OutboxMessage), now).where(
            OutboxMessage.state == "pending"
        )
    )
    return None if due is None else max(due, now)


def _not_held(query: Select, now: datetime) -> Select:
    """`query` over the outbox, less the rows held back: those queued behind an earlier row to the same recipient
    that is in someone's hands or waiting for its retry."""
    # The recipients held back, and from which row on: one pass over the few rows not yet due (index on
    # state, not_before), instead of a look-up per candidate row.
    held = (
        select(
            OutboxMessage.target_type,
            OutboxMessage.target_id,
            func.min(OutboxMessage.id).label("first_id"),
        )
        .where(
            OutboxMessage.state == "pending",
            OutboxMessage.not_before > now,
            # Claimed (attempts) or failed (last_error): not merely queued for later, like a scheduled reminder.
            or_(OutboxMessage.attempts > 0, OutboxMessage.last_error.is_not(None)),
        )
        .group_by(OutboxMessage.target_type, OutboxMessage.target_id)
        .subquery()
    )
    return query.outerjoin(
        held, and_(held.c.target_type == OutboxMessage.target_type, held.c.target_id == OutboxMessage.target_id)
    ).where(or_(held.c.first_id.is_(None), OutboxMessage.id <= held.c.first_id))  # the one holding back stays


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
            label = f"group:{group.handle}"
            return Address(group.platform, group.platform_chat_id, label, group.lang, timezone, "group")
        if "console" in platforms:
            label = f"group:{group.handle}"
            return Address("console", label, label, group.lang, timezone, "group")
        return None
    user = uow.session.get(User, target_id)
    if user is None or not user.active:
        return None
    # The account they used last is the one they are most likely to read.
    identity = uow.session.scalar(
        select(ChatIdentity)
        .where(
            ChatIdentity.user_id == user.id, ChatIdentity.platform.in_(platforms), ChatIdentity.unlinked_at.is_(None)
        )
        .order_by(or_(ChatIdentity.last_seen_at.is_(None)), ChatIdentity.last_seen_at.desc(), ChatIdentity.id)
    )
    if identity is None:
        return None
    timezone = user.team.timezone if user.team else settings.timezone
    return Address(identity.platform, identity.platform_user_id, user.handle, user.lang, timezone)
