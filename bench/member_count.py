"""What WeCom's shared per-member count costs a send (issue 18): `SharedMemberLimits.take` (one transaction on the
database every worker shares) against the per-process `MemberLimits.take` and against the cheapest transaction the
same database runs (`SharedValues.get`), measured in the same run.

A WeCom send is an HTTPS request of some tens of milliseconds; the count should stay a small part of it.

Run:
    .venv/bin/python bench/member_count.py                          # SQLite file
    SALESBOT_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/test .venv/bin/python bench/member_count.py
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text

from salesbot.bootstrap import build
from salesbot.channels.wecom import MemberLimits
from salesbot.clock import FrozenClock
from salesbot.config import settings_from
from salesbot.services.member_limits import SharedMemberLimits
from salesbot.services.shared_values import SharedValues

MEMBERS = 50
ROUNDS = 20  # sends per member: under the minute's 30, so every take counts one


def _per_call(calls: int, call: Callable[[int], object]) -> float:
    start = time.perf_counter()
    for n in range(calls):
        call(n)
    return (time.perf_counter() - start) / calls * 1e6


@contextmanager
def _database() -> Iterator[str]:
    """A SQLite file, or a schema of its own on the PostgreSQL server named, dropped after."""
    base = os.environ.get("SALESBOT_BENCH_DATABASE_URL")
    if not base:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    with _database() as url:
        clock = FrozenClock(datetime(2026, 3, 11, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
        app = build(settings_from({}, env={}), clock=clock, database_url=url)
        try:
            shared, values, local = SharedMemberLimits(app.uow), SharedValues(app.uow), MemberLimits()
            calls = MEMBERS * ROUNDS

            def take_shared(n: int) -> None:
                clock.advance(timedelta(milliseconds=1))
                assert shared.take(f"bench{n % MEMBERS}")[1] is not None

            get = _per_call(calls, lambda n: values.get(f"bench:{n % MEMBERS}"))
            in_process = _per_call(calls, lambda n: local.take(f"bench{n % MEMBERS}"))
            in_db = _per_call(calls, take_shared)
        finally:
            app.close()
    print(f"database: {url.split(':', 1)[0]}, {calls} sends to {MEMBERS} members")
    print(f"  per-process count       {in_process:9.1f} µs a send")
    print(f"  a read transaction      {get:9.1f} µs")
    print(f"  shared count (database) {in_db:9.1f} µs a send  = {in_db / get:.1f}x a read transaction")


if __name__ == "__main__":
    main()
