"""The half-filled form of a conversation, kept as a row so a restart or another worker loses nothing.

A turn reads the row once, locked (`load_form`), and writes it once (`save_form`), with Core statements built
once: what `load_form` read is remembered in the session, so `save_form` needs no second look.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from salesbot.services.errors import Conflict
from salesbot.services.uow import UnitOfWork
from salesbot.store.models import ConversationState

_STATES = ConversationState.__table__
_READ = select(_STATES.c.id, _STATES.c.form, _STATES.c.expires_at).where(
    _STATES.c.user_id == bindparam("user_id"), _STATES.c.chat_key == bindparam("chat_key")
)
_READ_LOCKED = _READ.with_for_update()
_INSERT = insert(_STATES)
_UPDATE = update(_STATES).where(_STATES.c.id == bindparam("row_id"))
_LOADED = "salesbot.conversations.loaded"  # session.info key: {(user_id, chat_key): the row load_form read}
_UNREAD = object()


def load_form(uow: UnitOfWork, *, user_id: int, chat_key: str) -> dict[str, Any] | None:
    """The live form, locked for this transaction (two quick messages queue here instead of racing).

    An expired form reads as none; the `save_form` that ends the turn clears it in the row.
    """
    row = uow.session.connection().execute(_READ_LOCKED, {"user_id": user_id, "chat_key": chat_key}).first()
    uow.session.info.setdefault(_LOADED, {})[(user_id, chat_key)] = row
    if row is None or row.form is None:
        return None
    if row.expires_at is not None and row.expires_at <= uow.now():
        return None
    return dict(row.form)


def save_form(uow: UnitOfWork, *, user_id: int, chat_key: str, form: dict[str, Any] | None) -> None:
    """Keep the form (None: the conversation is over). A row with no form and none to keep is left alone."""
    connection = uow.session.connection()
    key = {"user_id": user_id, "chat_key": chat_key}
    row = uow.session.info.get(_LOADED, {}).pop((user_id, chat_key), _UNREAD)
    if row is _UNREAD:
        row = connection.execute(_READ, key).first()
    now = uow.now()
    expires = now + timedelta(minutes=uow.settings.conversation_ttl_minutes) if form is not None else None
    values = {"form": form, "expires_at": expires, "updated_at": now}
    if isinstance(row, Row):
        if form is None and row.form is None:
            return
        connection.execute(_UPDATE, {"row_id": row.id, **values})
        return
    if form is None:
        return
    try:
        connection.execute(_INSERT, {**key, **values})
    except IntegrityError as exc:
        # Another worker created this conversation's row since we looked: the router runs the turn again.
        raise Conflict(str(exc.orig)) from exc
