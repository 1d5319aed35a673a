"""The inbox on a real database (SQLite, and PostgreSQL when it is under test): a retried callback is kept once,
a claim is a lease that another worker skips and takes over when it runs out, and a callback that keeps failing is
parked, never lost or deleted. And the shared values that carry one access token for every worker."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from salesbot.bootstrap import App
from salesbot.clock import FrozenClock
from salesbot.services import inbox
from salesbot.services.inbox import Inbox
from salesbot.services.shared_values import SharedValues
from salesbot.store.models import InboxMessage

LEASE = 60.0


def test_a_retried_callback_is_kept_once(app: App) -> None:
    box = Inbox(app.uow)
    assert box.keep("wecom", "msg:1", {"xml": "<xml/>"}) is True
    assert box.keep("wecom", "msg:1", {"xml": "<xml/>"}) is False
    assert box.keep("telegram", "msg:1", {"xml": "<xml/>"}) is True, "ids are per platform"
    with app.uow() as uow:
        assert inbox.pending(uow, platform="wecom") == 1


def test_a_claim_is_a_lease_the_next_worker_takes_over_when_it_runs_out(app: App, clock: FrozenClock) -> None:
    box = Inbox(app.uow)
    for n in range(3):
        box.keep("wecom", f"msg:{n}", {"n": n})
    first = box.claim("wecom", lease_seconds=LEASE, limit=2)
    assert [r.payload["n"] for r in first] == [0, 1], "oldest first"
    second = box.claim("wecom", lease_seconds=LEASE, limit=10)
    assert [r.payload["n"] for r in second] == [2], "another worker skips what is held"
    box.done("wecom", first[0])
    clock.advance(timedelta(seconds=LEASE + 1))  # the first worker died holding msg:1
    again = box.claim("wecom", lease_seconds=LEASE, limit=10)
    assert sorted(r.payload["n"] for r in again) == [1, 2]
    assert {r.attempts for r in again} == {2}


def test_a_callback_that_keeps_failing_is_parked_with_its_reason_only_after_a_day(
    app: App, clock: FrozenClock
) -> None:
    # Issue 18: an outage of hours loses nothing; a row is given up only when it has failed for 24 hours.
    box = Inbox(app.uow)
    box.keep("wecom", "msg:9", {"n": 9})
    for _ in range(23):
        [row] = box.claim("wecom", lease_seconds=LEASE, limit=10)
        box.failed(row, "OperationalError: database is locked")
        clock.advance(timedelta(hours=1))
    with app.uow() as uow:
        assert uow.session.scalars(select(InboxMessage)).one().state == "pending", "23 hours: still tried"
    [row] = box.claim("wecom", lease_seconds=LEASE, limit=10)
    clock.advance(timedelta(hours=1))
    box.failed(row, "OperationalError: database is locked")
    clock.advance(timedelta(hours=1))
    assert box.claim("wecom", lease_seconds=LEASE, limit=10) == []
    with app.uow() as uow:
        parked = uow.session.scalars(select(InboxMessage)).one()
        assert parked.state == "dead" and "database is locked" in (parked.last_error or "")
        assert inbox.dead_count(uow) == {"wecom": 1}
        assert [r.update_id for r in inbox.dead(uow)] == ["msg:9"]


def test_the_wait_between_tries_grows_to_a_cap(app: App, clock: FrozenClock) -> None:
    waits = [inbox.backoff(n).total_seconds() for n in range(1, 12)]
    assert waits[:4] == [10, 20, 40, 80]
    assert max(waits) == inbox.MAX_WAIT.total_seconds() == waits[-1], "never more than ten minutes apart"


def test_a_failed_callback_waits_longer_each_time(app: App, clock: FrozenClock) -> None:
    box = Inbox(app.uow)
    box.keep("wecom", "msg:7", {"n": 7})
    [row] = box.claim("wecom", lease_seconds=LEASE, limit=10)
    box.failed(row, "boom")
    assert box.claim("wecom", lease_seconds=LEASE, limit=10) == []
    clock.advance(timedelta(seconds=11))
    [row] = box.claim("wecom", lease_seconds=LEASE, limit=10)
    box.failed(row, "boom")
    clock.advance(timedelta(seconds=11))
    assert box.claim("wecom", lease_seconds=LEASE, limit=10) == [], "20 s the second time"


def test_shared_values_expire_and_are_overwritten(app: App, clock: FrozenClock) -> None:
    values = SharedValues(app.uow)
    assert values.get("token") is None
    values.set("token", "a", ttl=100)
    values.set("token", "b", ttl=100)
    assert SharedValues(app.uow).get("token") == "b", "another worker sees the same value"
    clock.advance(timedelta(seconds=101))
    assert values.get("token", "gone") == "gone"
    values.set("token", "c")
    values.expire("token")
    assert values.get("token") is None
