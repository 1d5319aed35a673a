"""The outbox's claims on a real database (SQLite, and PostgreSQL when it is under test): leases, the order of one
recipient's messages across retries, rows handed back, and 429s that do not use up attempts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from salesbot.bootstrap import App
from salesbot.clock import FrozenClock
from salesbot.services import delivery, outbox, users
from salesbot.store.models import OutboxMessage

LEASE = timedelta(seconds=30)


def queue(app: App, *handles: str) -> list[int]:
    """One message per handle, in this order; returns their ids."""
    ids = []
    with app.uow() as uow:
        for n, handle in enumerate(handles):
            user = users.by_handle(uow, handle)
            row = outbox.notify_user(uow, user.id, "reminder.follow_up", {"customer": f"m{n}", "next_step": ""})
            uow.session.flush()
            ids.append(row.id)
        uow.commit()
    return ids


def claim(app: App, limit: int = 100) -> list[int]:
    with app.uow() as uow:
        rows = delivery.claim(uow, platforms=["console"], lease=LEASE, limit=limit)
        uow.commit()
    return [row.id for row in rows]


def change(app: App, fn: object) -> None:
    with app.uow() as uow:
        fn(uow)  # type: ignore[operator]
        uow.commit()


def row(app: App, outbox_id: int) -> tuple[str, int]:
    """(state, attempts)"""
    with app.uow() as uow:
        found = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.id == outbox_id)).one()
        return found.state, found.attempts


def test_a_claim_is_a_lease_that_runs_out(app: App, clock: FrozenClock) -> None:
    [a] = queue(app, "rep1")
    assert claim(app) == [a]
    assert claim(app) == [], "in someone's hands"
    clock.advance(LEASE - timedelta(seconds=1))
    assert claim(app) == []
    clock.advance(timedelta(seconds=1))
    assert claim(app) == [a], "the claimer died: the row comes back when the lease runs out"
    assert row(app, a) == ("pending", 2), "a second claim may be a resend"


def test_a_recipients_later_message_waits_behind_one_being_retried(app: App, clock: FrozenClock) -> None:
    a, b, c = queue(app, "rep1", "rep1", "rep2")
    assert claim(app, limit=1) == [a]
    assert claim(app) == [c], "rep1's next message waits while the first is in hand; rep2's does not"
    change(app, lambda uow: delivery.retry_later(uow, a, at=uow.now() + timedelta(seconds=10), error="429"))
    [d] = queue(app, "rep1")  # queued after the failure, due at once
    assert claim(app) == [], "b and d must not overtake a"
    clock.advance(timedelta(seconds=10))
    assert claim(app) == [a, b, d], "the retry first, then the rest in the order queued"


def test_a_message_scheduled_for_later_holds_back_nothing(app: App, clock: FrozenClock) -> None:
    with app.uow() as uow:
        rep1 = users.by_handle(uow, "rep1")
        outbox.notify_user(uow, rep1.id, "reminder.follow_up", {"customer": "x"}, not_before=uow.now() + LEASE)
        uow.commit()
    [b] = queue(app, "rep1")
    assert claim(app) == [b]


def test_released_rows_are_not_attempts_and_keep_their_place(app: App) -> None:
    a, b = queue(app, "rep1", "rep1")
    assert claim(app) == [a, b]
    change(app, lambda uow: delivery.release(uow, [b]))
    assert row(app, b) == ("pending", 0)
    assert claim(app) == [], "b waits until a is done"
    change(app, lambda uow: delivery.mark_sent(uow, a))
    assert claim(app) == [b]
    assert row(app, b) == ("pending", 1)


def test_a_429_is_not_an_attempt(app: App, clock: FrozenClock) -> None:
    [a] = queue(app, "rep1")
    for _ in range(20):  # far more than MAX_ATTEMPTS
        assert claim(app) == [a]
        change(
            app,
            lambda uow: delivery.retry_later(uow, a, at=uow.now() + timedelta(seconds=1), error="429", tried=False),
        )
        clock.advance(timedelta(seconds=1))
    assert row(app, a) == ("pending", 0)


def test_next_due_is_never_in_the_past(app: App, clock: FrozenClock) -> None:
    """Callers sleep until next_due: a time gone by would be no sleep at all, asked again and again."""
    with app.uow() as uow:
        assert delivery.next_due(uow) is None, "nothing pending"
    a, b = queue(app, "rep1", "rep1")
    clock.advance(timedelta(minutes=5))
    with app.uow() as uow:
        assert delivery.next_due(uow) == uow.now(), "due five minutes ago: now"
    assert claim(app, limit=1) == [a]
    retry_at = clock.now() + timedelta(seconds=10)
    change(app, lambda uow: delivery.retry_later(uow, a, at=retry_at, error="429"))
    with app.uow() as uow:
        assert delivery.next_due(uow) == retry_at, "b is due but held behind a's retry: next is that retry"
    clock.advance(timedelta(seconds=10))
    assert claim(app) == [a, b]
    with app.uow() as uow:
        assert delivery.next_due(uow) == uow.now() + LEASE, "both in hand: when their lease runs out"
