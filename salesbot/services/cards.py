"""Cards: notifications with buttons that outlive a conversation (an approval request), and their closing.

A card's buttons are random keys stored with who may press them and what they mean; the platform carries
only the key. When the matter is decided, every copy of the card already sent is edited to show the
outcome (so nobody presses an old one), and a copy not yet sent is never sent.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from salesbot.services import outbox
from salesbot.services.uow import UnitOfWork
from salesbot.store.models import ActionButton, OutboxMessage


@dataclass(frozen=True)
class CardButton:
    label: str  # a catalogue key, worded for the recipient when the card goes out
    action: dict[str, Any]
    params: dict[str, Any] | None = None  # the label's parameters ("交给{name}")


@dataclass(frozen=True)
class Pressed:
    user_id: int
    action: dict[str, Any]
    used: bool


def send(
    uow: UnitOfWork,
    user_id: int,
    *,
    card: str,
    key: str,
    params: dict[str, Any],
    buttons: Sequence[Sequence[CardButton]],
) -> None:
    """Queue a card for one user; `card` names the matter ("contract:12:v1:0"), so it can be closed later."""
    rows = []
    for row in buttons:
        rows.append(
            [
                {"key": button(uow, user_id, b.action), "label": b.label, **({"params": b.params} if b.params else {})}
                for b in row
            ]
        )
    # One copy waits in the outbox at a time; a card asked for again once the first went out is a new copy.
    waiting = uow.session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.dedupe_key == f"card:{card}:{user_id}", OutboxMessage.state == "pending"
        )
    )
    if waiting is None:
        outbox.notify_user(uow, user_id, key, params, dedupe_key=f"card:{card}:{user_id}", buttons=rows)


def close(uow: UnitOfWork, *, card: str, key: str, params: dict[str, Any]) -> None:
    """The matter is decided: sent copies are edited to say how, unsent ones are cancelled, and the buttons die."""
    copies = uow.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"card:{card}:%"), OutboxMessage.state != "dead")
    ).all()
    for row in copies:
        if row.state == "pending":
            row.state = "cancelled"
        elif row.state == "sent":
            outbox.notify_user(uow, row.target_id, key, params, edit_of=row.id)
        for button_row in row.payload.get("buttons", []):
            keys = [b["key"] for b in button_row]
            uow.session.execute(
                update(ActionButton)
                .where(ActionButton.key.in_(keys), ActionButton.used_at.is_(None))
                .values(used_at=uow.now())
            )


def pressed(uow: UnitOfWork, key: str) -> Pressed | None:
    """What a card's button means, or None for a key we never made. Whether it still applies is the service's
    question: the action names the state it was made for."""
    if len(key) > 64 or not key.isprintable():  # not a key we make: a forged one never reaches the database
        return None
    button = uow.session.get(ActionButton, key)
    if button is None:
        return None
    return Pressed(button.user_id, dict(button.action), button.used_at is not None)


def button(uow: UnitOfWork, user_id: int, action: dict[str, Any]) -> str:
    """A card button's key for `user_id`, meaning `action` when pressed."""
    key = secrets.token_urlsafe(6)
    uow.session.add(ActionButton(key=key, user_id=user_id, action=action, created_at=uow.now()))
    return key
