"""One-time invites: an admin makes a code for a user; the first chat account that presents it becomes theirs."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import select

from salesbot.services import audit, users
from salesbot.services.errors import Invalid, NotAllowed
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import Invite, User

VALID_FOR = timedelta(days=7)
_CODE = re.compile(r"[A-Za-z0-9_-]{16}")


def create(uow: UnitOfWork, actor: Actor, *, handle: str) -> str:
    """A fresh code for `handle` (earlier unused codes stay valid until they expire). Returned once, stored hashed."""
    if not actor.is_admin:
        raise NotAllowed("admin_only")
    user = uow.session.scalar(select(User).where(User.handle == handle))
    if user is None:
        raise Invalid("user_not_found", handle=handle)
    if not user.active:
        raise Invalid("user_left_target", handle=handle)
    code = secrets.token_urlsafe(12)  # 16 characters of [A-Za-z0-9_-]: what a Telegram start parameter allows
    now = uow.now()
    invite = Invite(
        code_hash=_hash(code), user_id=user.id, created_by=actor.id or None, created_at=now, expires_at=now + VALID_FOR
    )
    uow.session.add(invite)
    uow.session.flush()
    audit.record(
        uow,
        actor_id=actor.id,
        entity="invite",
        entity_id=invite.id,
        action="create",
        before=None,
        after={"user": handle, "expires_at": invite.expires_at.isoformat()},
    )
    return code


def redeem(uow: UnitOfWork, *, code: str, platform: str, platform_user_id: str) -> Actor | None:
    """Link the account to the invite's user; None for a code that is unknown, used, expired or whose user left.

    The caller answers every None the same way, so a stranger learns nothing about which codes exist.
    """
    invite = uow.session.scalar(select(Invite).where(Invite.code_hash == _hash(code)).with_for_update())
    now = uow.now()
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        return None
    user = uow.session.get_one(User, invite.user_id)
    if not user.active:
        return None
    try:
        users.link_identity(uow, user_id=user.id, platform=platform, platform_user_id=platform_user_id)
    except Invalid:
        return None  # this account already belongs to someone else
    invite.used_at = now
    invite.used_platform = platform
    invite.used_platform_user_id = platform_user_id
    return users.actor_of(uow, user)


def looks_like_code(text: str) -> bool:
    """Whether a message is nothing but a code as `create` makes them (16 characters of [A-Za-z0-9_-])."""
    return _CODE.fullmatch(text) is not None


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()
