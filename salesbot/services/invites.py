"""One-time invites: an admin makes a code for a user; the first chat account that presents it becomes theirs."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from salesbot.services import audit, users
from salesbot.services.errors import Invalid, NotAllowed
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import Invite, InviteAttempt, User

VALID_FOR = timedelta(days=7)
# Wrong codes from one chat: this many in this long, and that chat's codes are not tried until the window has passed.
WRONG_CODES = 5
WRONG_WINDOW = timedelta(minutes=15)
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
    now = uow.now()
    wrong = uow.session.scalar(
        select(func.count()).where(
            InviteAttempt.platform == platform,
            InviteAttempt.chat_id == platform_user_id,
            InviteAttempt.at > now - WRONG_WINDOW,
        )
    )
    if (wrong or 0) >= WRONG_CODES:
        return None  # guessing: even a right code waits out the window (and the answer says nothing of it)
    invite = uow.session.scalar(select(Invite).where(Invite.code_hash == _hash(code)).with_for_update())
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        uow.session.add(InviteAttempt(platform=platform, chat_id=platform_user_id, at=now))
        return None
    user = uow.session.get_one(User, invite.user_id)
    if not user.active:
        return None
    try:
        users.link_identity(uow, user_id=user.id, platform=platform, platform_user_id=platform_user_id)
    except Invalid:
        return None  # this account already belongs to someone else
    # The user's other account on this platform (a lost or changed phone) is unlinked: the invite said so.
    users.unlink_others(uow, user_id=user.id, platform=platform, keep=platform_user_id)
    invite.used_at = now
    invite.used_platform = platform
    invite.used_platform_user_id = platform_user_id
    return users.actor_of(uow, user)


def looks_like_code(text: str) -> bool:
    """Whether a message is nothing but a code as `create` makes them (16 characters of [A-Za-z0-9_-])."""
    return _CODE.fullmatch(text) is not None


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()
