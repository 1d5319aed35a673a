"""Values every worker shares until they expire, in the database they already share: a platform's access
token is fetched by one worker and used by all, never one per process (WeCom counts and limits the fetches)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from salesbot.services.uow import UnitOfWorkFactory
from salesbot.store.inserts import insert_for
from salesbot.store.models import SharedValue


class SharedValues:
    """get/set/expire by key, each its own short transaction; `set` with a ttl in seconds expires the value."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow = uow_factory

    def get(self, key: str, default: str | None = None) -> str | None:
        with self._uow() as uow:
            row = uow.session.execute(
                select(SharedValue.value, SharedValue.expires_at).where(SharedValue.key == key)
            ).first()
            if row is None or (row.expires_at is not None and row.expires_at <= uow.now()):
                return default
            return str(row.value)

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        with self._uow() as uow:
            expires = uow.now() + timedelta(seconds=ttl) if ttl else None
            insert = insert_for(uow.dialect)(SharedValue).values(key=key, value=value, expires_at=expires)
            uow.session.execute(
                insert.on_conflict_do_update(index_elements=["key"], set_={"value": value, "expires_at": expires})
            )
            uow.commit()

    def expire(self, key: str) -> None:
        """Expire the value now (the house keeps rows, even a token's)."""
        with self._uow() as uow:
            uow.session.execute(update(SharedValue).where(SharedValue.key == key).values(expires_at=uow.now()))
            uow.commit()

    def claim(self, key: str, value: str, ttl: float | None = None) -> bool:
        """Set the key to `value` unless it already holds it: True for the one caller that changed it, False for
        every other, whichever worker they run in. One upsert, so two workers racing on PostgreSQL meet on the row
        lock and the second finds the value already there. An expired value counts as absent."""
        with self._uow() as uow:
            now = uow.now()
            expires = now + timedelta(seconds=ttl) if ttl else None
            insert = insert_for(uow.dialect)(SharedValue).values(key=key, value=value, expires_at=expires)
            current = SharedValue.__table__.c
            changed = uow.session.execute(
                insert.on_conflict_do_update(
                    index_elements=["key"],
                    set_={"value": value, "expires_at": expires},
                    where=(current.value != value) | (current.expires_at <= now),
                ).execution_options(preserve_rowcount=True)
            ).rowcount
            uow.commit()
            return changed == 1
