"""One worker runs the jobs: on PostgreSQL the holder of an advisory lock, taken over when the holder dies."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import create_engine

from salesbot.scheduler.leader import Leadership
from salesbot.store.db import make_engine

from .conftest import PG_ENV


def test_sqlite_has_one_process_and_it_leads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert Leadership(engine).check() and Leadership(engine).leading
    engine.dispose()


@pytest.fixture
def pg_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL not under test: set {PG_ENV}")
    return url


def test_one_leader_and_a_follower_takes_over_when_it_dies(pg_url: str) -> None:
    key = os.getpid()  # a key of this test's own, so a parallel run cannot hold it
    first, second = create_engine(pg_url), create_engine(pg_url)
    a, b = Leadership(first, key=key), Leadership(second, key=key)
    try:
        assert a.check() is True
        assert b.check() is False and not b.leading, "the lock is held: the second worker only follows"
        assert a.check() is True, "the leader keeps leading on its next check"
        first.dispose()  # the leader's process dies: its connections close, and PostgreSQL frees the lock
        a._conn.invalidate()  # type: ignore[union-attr]  # (dispose leaves checked-out connections open)
        # PostgreSQL ends the dead session (and frees its lock) once its backend reads the closed socket: a moment
        # later on a busy machine. A follower asks every 20 s; here it asks every 50 ms, for at most 5 s.
        deadline = time.monotonic() + 5
        while not b.check() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert b.leading, "a follower's next check after the leader's session ended takes over"
        assert a.check() is False, "the old leader, back, finds the lock taken and follows"
    finally:
        a.release()
        b.release()
        first.dispose()
        second.dispose()


def test_a_released_lock_is_taken_at_once(pg_url: str) -> None:
    key = os.getpid() + 1
    engine = create_engine(pg_url)
    a, b = Leadership(engine, key=key), Leadership(engine, key=key)
    try:
        assert a.check() and not b.check()
        a.release()
        assert not a.leading and b.check()
    finally:
        b.release()
        engine.dispose()


def test_how_often_a_follower_asks_is_a_setting(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from salesbot.bootstrap import build
    from salesbot.clock import SystemClock
    from salesbot.config import settings_from
    from salesbot.run import _scheduler
    from salesbot.scheduler.leader import CHECK_SECONDS

    def interval(config: dict) -> float:  # type: ignore[type-arg]
        app = build(settings_from(config, env={}), clock=SystemClock(), database_url=f"sqlite:///{tmp_path / 'l.db'}")
        try:
            return _scheduler(app, Leadership(app.engine)).get_job("leader").trigger.interval.total_seconds()
        finally:
            app.close()

    assert interval({}) == CHECK_SECONDS == 20
    assert interval({"scheduler": {"leader_check_seconds": 5}}) == 5
