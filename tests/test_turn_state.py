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
from salesbot.services import conversations, updates, users
from salesbot.services.errors import Conflict
from salesbot.store.models import ChatIdentity, ConversationState, ProcessedUpdate


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


def load(app: App, chat_key: str = "console:rep1") -> dict[str, Any] | None:
    with app.uow() as uow:
        return conversations.load_form(uow, user_id=1, chat_key=chat_key)


def save(app: App, form: dict[str, Any] | None, chat_key: str = "console:rep1") -> None:
    with app.uow() as uow:
        conversations.load_form(uow, user_id=1, chat_key=chat_key)
        conversations.save_form(uow, user_id=1, chat_key=chat_key, form=form)
        uow.commit()


def state_rows(app: App) -> list[tuple[Any, ...]]:
    with app.uow() as uow:
        return [tuple(r) for r in uow.session.execute(select(ConversationState.form, ConversationState.updated_at))]


def test_a_form_is_kept_replaced_and_cleared(app: App, clock: FrozenClock) -> None:
    assert load(app) is None
    save(app, None)
    assert state_rows(app) == []  # no form and none to keep: no row either
    save(app, {"flow": "visit", "slots": {"notes": "x"}})
    assert load(app) == {"flow": "visit", "slots": {"notes": "x"}}
    clock.advance(timedelta(minutes=1))
    save(app, {"flow": "visit", "slots": {"notes": "y"}})
    assert load(app) == {"flow": "visit", "slots": {"notes": "y"}}
    assert load(app, "console:other") is None
    clock.advance(timedelta(minutes=1))
    save(app, None)
    assert load(app) is None
    assert state_rows(app) == [(None, clock.now())]
    clock.advance(timedelta(minutes=1))
    save(app, None)  # still nothing: the row is left as it was
    assert state_rows(app) == [(None, clock.now() - timedelta(minutes=1))]


def test_save_without_load_and_twice_in_a_turn(app: App) -> None:
    with app.uow() as uow:
        conversations.save_form(uow, user_id=1, chat_key="console:rep1", form={"n": 1})
        conversations.save_form(uow, user_id=1, chat_key="console:rep1", form={"n": 2})
        uow.commit()
    assert load(app) == {"n": 2}


def test_an_expired_form_reads_as_none_and_is_cleared(app: App, clock: FrozenClock) -> None:
    save(app, {"flow": "visit"})
    clock.advance(timedelta(minutes=app.settings.conversation_ttl_minutes))
    assert load(app) is None
    save(app, None)
    assert [form for form, _at in state_rows(app)] == [None]


def test_a_form_row_created_since_we_looked_is_a_conflict(app: App) -> None:
    """The loser of two first messages gets Conflict (the router then runs its turn again), not an error."""
    with app.uow() as uow:
        assert conversations.load_form(uow, user_id=1, chat_key="console:rep1") is None
        uow.session.add(ConversationState(user_id=1, chat_key="console:rep1", form={}, updated_at=uow.now()))
        uow.session.flush()  # what the other worker did meanwhile
        with pytest.raises(Conflict):
            conversations.save_form(uow, user_id=1, chat_key="console:rep1", form={"flow": "visit"})


def test_a_second_message_waits_for_the_form_of_the_first(app: App) -> None:
    """The row lock: the second turn reads the form only after the first has saved it."""
    save(app, {"step": 1})
    with app.uow() as uow:
        assert conversations.load_form(uow, user_id=1, chat_key="console:rep1") == {"step": 1}
        other = in_thread(lambda: load(app))
        time.sleep(0.3)
        conversations.save_form(uow, user_id=1, chat_key="console:rep1", form={"step": 2})
        uow.commit()
    assert other() == {"step": 2}
