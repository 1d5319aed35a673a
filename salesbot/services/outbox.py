"""Queue a notification in the caller's transaction; the dispatcher is the only code that sends.

A payload names a message in the catalogue (`key`) and its parameters; it is worded in the recipient's
language when it goes out, so a service never formats a chat message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from salesbot.services.uow import UnitOfWork
from salesbot.store.models import OutboxMessage


def notify_user(
    uow: UnitOfWork,
    user_id: int,
    key: str,
    params: dict[str, Any],
    *,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
    buttons: list[list[dict[str, Any]]] | None = None,
    edit_of: int | None = None,
) -> OutboxMessage:
    """`buttons` ({key, label} rows, labels as catalogue keys) make it a card; `edit_of` rewrites a sent message."""
    extra: dict[str, Any] = {}
    if buttons:
        extra["buttons"] = buttons
    if edit_of is not None:
        extra["edit_of"] = edit_of
    return _queue(uow, "user", user_id, key, params, dedupe_key=dedupe_key, not_before=not_before, extra=extra)


def notify_group(
    uow: UnitOfWork,
    group_id: int,
    key: str,
    params: dict[str, Any],
    *,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
) -> OutboxMessage:
    return _queue(uow, "group", group_id, key, params, dedupe_key=dedupe_key, not_before=not_before)


def _queue(
    uow: UnitOfWork,
    target_type: str,
    target_id: int,
    key: str,
    params: dict[str, Any],
    *,
    dedupe_key: str | None,
    not_before: datetime | None,
    extra: dict[str, Any] | None = None,
) -> OutboxMessage:
    now = uow.now()
    row = OutboxMessage(
        target_type=target_type,
        target_id=target_id,
        payload={"key": key, "params": params, **(extra or {})},
        state="pending",
        attempts=0,
        not_before=not_before or now,
        dedupe_key=dedupe_key,
        created_at=now,
    )
    uow.session.add(row)
    return row
