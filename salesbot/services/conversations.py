"""The half-filled form of a conversation, kept as a row so a restart or another worker loses nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from salesbot.services.uow import UnitOfWork
from salesbot.store.models import ConversationState


def load_form(uow: UnitOfWork, *, user_id: int, chat_key: str) -> dict[str, Any] | None:
    """The live form, locked for this transaction (two quick messages queue here instead of racing)."""
    row = _row(uow, user_id, chat_key, lock=True)
    if row is None or row.form is None:
        return None
    if row.expires_at is not None and row.expires_at <= uow.now():
        row.form = None
        return None
    return dict(row.form)


def save_form(uow: UnitOfWork, *, user_id: int, chat_key: str, form: dict[str, Any] | None) -> None:
    row = _row(uow, user_id, chat_key, lock=False)
    now = uow.now()
    expires = now + timedelta(minutes=uow.settings.conversation_ttl_minutes) if form is not None else None
    if row is None:
        if form is None:
            return
        uow.session.add(
            ConversationState(user_id=user_id, chat_key=chat_key, form=form, expires_at=expires, updated_at=now)
        )
        return
    row.form = form
    row.expires_at = expires
    row.updated_at = now


def _row(uow: UnitOfWork, user_id: int, chat_key: str, *, lock: bool) -> ConversationState | None:
    query = select(ConversationState).where(
        ConversationState.user_id == user_id, ConversationState.chat_key == chat_key
    )
    if lock:
        query = query.with_for_update()
    return uow.session.scalar(query)
