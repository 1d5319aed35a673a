"""The rows every turn reads and writes (processed updates, identities, forms), under races, on both databases."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from salesbot.bootstrap import App
from salesbot.clock import FrozenClock
from salesbot.services import updates, users
from salesbot.store.models import ChatIdentity, ProcessedUpdate


def in_thread(fn: Callable[[], Any]) -> Callable[[], Any]:
    """Start fn in a thread now; the returned function waits for it and gives its result (or raises its error)."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # handed to the waiting test
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()

    def result() -> Any:
        thread.join(30)
        assert not thread.is_alive(), "the second transaction never finished"
        if "error" in out:
            raise out["error"]
        return out["value"]

    return result


def first_time(app: App, update_id: str, *, commit: bool = True) -> bool:
    with app.uow() as uow:
        seen = updates.first_time(uow, platform="telegram", update_id=update_id)
        if commit:
            uow.commit()
        return seen


def test_an_update_is_first_once_and_per_platform(app: App) -> None:
    assert first_time(app, "1")
    assert not first_time(app, "1")
    assert first_time(app, "2")
    with app.uow() as uow:
        assert updates.first_time(uow, platform="wecom", update_id="1")


def test_an_update_of_a_rolled_back_turn_is_first_again(app: App) -> None:
    assert first_time(app, "1", commit=False)
    assert first_time(app, "1")


@pytest.mark.parametrize("outcome", ["commit", "rollback"])
def test_a_duplicate_racing_an_open_turn_waits_and_is_handled_once(app: App, outcome: str) -> None:
    """Regression guard for the one-statement dedupe: the duplicate waits for the first turn's outcome."""
    with app.uow() as uow:
        assert updates.first_time(uow, platform="telegram", update_id="42")
        other = in_thread(lambda: first_time(app, "42"))
        time.sleep(0.3)  # the other worker is now blocked on our row (PostgreSQL) or our write lock (SQLite)
        if outcome == "commit":
            uow.commit()
    assert other() is (outcome == "rollback")
    with app.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 1


@pytest.mark.parametrize("handle", ["rep1", "rep2", "mgr1", "fin1", "admin"])
def test_identify_gives_the_same_actor_as_the_user_row(app: App, handle: str) -> None:
    """The one-statement look-up agrees with the ORM one, team zone and currency included (admin has no team)."""
    with app.uow() as uow:
        assert users.identify(uow, "console", handle) == users.by_handle(uow, handle)


def test_identify_notes_when_an_account_was_last_seen_and_knows_no_strangers(app: App, clock: FrozenClock) -> None:
    def seen() -> object:
        with app.uow() as uow:
            return uow.session.scalar(select(ChatIdentity.last_seen_at).where(ChatIdentity.platform_user_id == "rep1"))

    for _ in range(2):
        with app.uow() as uow:
            assert users.identify(uow, "console", "rep1") is not None
            assert users.identify(uow, "console", "nobody") is None
            assert users.identify(uow, "telegram", "rep1") is None
            uow.commit()
        assert seen() == clock.now()
        clock.advance(timedelta(minutes=5))
