"""A user leaves: access ends, their accounts go to a colleague if one is named, and nothing waits on them.

Kept apart from `users` because it reaches into contracts (which themselves know users): the approval steps
that would otherwise wait forever for someone who will never press a button go to the one above them.
"""

from __future__ import annotations

from salesbot.services import contracts, users
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor


def leave(uow: UnitOfWork, actor: Actor, *, handle: str, hand_to: str | None = None) -> dict[str, int]:
    """Mark the user as left (handing their accounts to `hand_to` if named) and pass on their approval steps; the
    new approvers' cards are outbox rows in this same transaction."""
    moved = users.mark_left(uow, actor, handle=handle, hand_to=hand_to)
    gone = users.by_handle(uow, handle)
    return {**moved, "approvals": contracts.reassign_from(uow, actor, user_id=gone.id)}
