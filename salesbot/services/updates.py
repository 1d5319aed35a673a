"""Exactly-once intake: a platform update id is recorded in the transaction that handles it."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from salesbot.services.uow import UnitOfWork
from salesbot.store.models import ProcessedUpdate


def first_time(uow: UnitOfWork, *, platform: str, update_id: str) -> bool:
    """True the first time an update is seen; False for a retry or a replay (then handle nothing)."""
    if uow.session.get(ProcessedUpdate, (platform, update_id)) is not None:
        return False
    try:
        with uow.session.begin_nested():
            uow.session.add(ProcessedUpdate(platform=platform, update_id=update_id, at=uow.now()))
    except IntegrityError:
        return False
    return True
