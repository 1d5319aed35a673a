"""Which process runs the jobs: on PostgreSQL, the one holding an advisory lock; on SQLite, the only one.

Several bot workers may answer messages side by side, but the reminder scan, the daily collections and digests,
and the outbox dispatcher (which paces sends to the platform's limits for the whole bot) must run in one place.
The lock lives on a connection of its own, held for as long as the process leads: if the leader dies, PostgreSQL
ends its session and frees the lock, and the next worker to ask (every `CHECK_SECONDS`) takes over.
"""

from __future__ import annotations

import contextlib
import logging

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

LOCK_KEY = 0x5A1E5B07  # one number for the whole bot: "salesbot" jobs
CHECK_SECONDS = 20  # a follower asks this often, so a dead leader is replaced within a minute


class Leadership:
    def __init__(self, engine: Engine, *, key: int = LOCK_KEY) -> None:
        self._engine = engine
        self._key = key
        self._conn: Connection | None = None
        self._shared = engine.dialect.name == "postgresql"

    @property
    def leading(self) -> bool:
        return not self._shared or self._conn is not None

    def check(self) -> bool:
        """Keep leading if the lock's connection is alive; otherwise try to take the lock. True while leading."""
        if not self._shared:
            return True
        if self._conn is not None and not self._alive():
            log.warning("lost the jobs lock's connection; no longer leading")
            self._drop()
        if self._conn is None:
            self._try_take()
        return self._conn is not None

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(SQLAlchemyError):  # a session that is gone took its lock with it
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
            self._drop()

    def _try_take(self) -> None:
        conn = self._engine.connect()
        try:
            # Autocommit: a session-level lock must not sit inside a transaction that the pool might roll back.
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}).scalar():
                self._conn = conn
                log.info("took the jobs lock: this worker runs the scheduler")
                return
        except SQLAlchemyError:
            log.exception("could not ask for the jobs lock")
        conn.close()

    def _alive(self) -> bool:
        assert self._conn is not None
        try:
            self._conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._conn.invalidate()  # never hand a connection that held the lock back to the pool
                self._conn.close()
        self._conn = None
