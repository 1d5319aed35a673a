"""Issue 18, item 9, with two webhook workers on one database (SQLite, and PostgreSQL when it is under test): a press
delivered to both is answered once and takes the keyboard away once, and no edit is one Telegram refuses as
"message is not modified" (the fake refuses those, and second answers to a query, as Telegram does)."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from salesbot.bootstrap import App, build
from salesbot.channels.telegram import TelegramChannel
from salesbot.clock import FrozenClock
from salesbot.config import settings_from
from salesbot.handlers.messages import Reply
from salesbot.services.shared_values import SharedValues
from salesbot.store.models import Visit
from tests.conftest import SHANGHAI
from tests.fakes.telegram_api import NOT_MODIFIED, FakeBotApi
from tests.telegram.support import FIXTURES, feed, link

REP1 = 3001


@pytest.fixture
async def two(db_url: str) -> AsyncIterator[tuple[list[tuple[App, TelegramChannel]], FakeBotApi]]:
    clock = FrozenClock(datetime(2026, 3, 11, 10, tzinfo=SHANGHAI))
    async with FakeBotApi() as api:
        workers = []
        for n in range(2):
            app = build(settings_from({}, env={}), clock=clock, database_url=db_url)
            if n == 0:
                app.seed(FIXTURES / "team.toml")
                link(app, "rep1", REP1)
            channel = TelegramChannel(
                token=api.token, router=app.router, base_url=api.url, prompts=SharedValues(app.uow)
            )
            app.attach("telegram", channel)
            await channel.start()
            workers.append((app, channel))
        yield workers, api
        for app, channel in workers:
            await channel.stop()
            app.close()


def _calls(api: FakeBotApi, method: str) -> list[int | None]:
    return [c.status for c in api.calls if c.method == method]


def _refused_edits(api: FakeBotApi) -> list[str]:
    return [
        c.method
        for c in api.calls
        if c.method.startswith("editMessage") and c.response and NOT_MODIFIED in str(c.response.get("description"))
    ]


async def _asked(api: FakeBotApi, channel: TelegramChannel) -> dict:  # type: ignore[type-arg]
    await feed(channel, api.text_update(user_id=REP1, text="今天拜访了阿里"))
    prompt = api.last_message(REP1)
    assert prompt is not None and prompt.get("reply_markup"), "the bot asked with buttons"
    return prompt


async def test_a_press_delivered_to_two_workers_is_answered_once(two) -> None:  # type: ignore[no-untyped-def]
    workers, api = two
    (app, first), (_, second) = workers
    prompt = await _asked(api, first)
    key = prompt["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    press = api.callback_update(user_id=REP1, data=key, message_id=prompt["message_id"], update_id=900_001)
    before = len([c for c in api.calls if c.method == "sendMessage"])
    # Telegram retried the webhook (the first answer was slow) and the balancer sent it to the other worker.
    await asyncio.gather(first.process(copy.deepcopy(press)), second.process(copy.deepcopy(press)))
    assert _calls(api, "answerCallbackQuery") == [200], "answered once, by one worker"
    assert _calls(api, "editMessageReplyMarkup") == [200], "the keyboard taken away once"
    assert "reply_markup" not in api.message(REP1, prompt["message_id"])
    assert len([c for c in api.calls if c.method == "sendMessage"]) - before == 1, "one reply"
    with app.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Visit)) == 1
    assert _refused_edits(api) == []


async def test_two_presses_on_one_card_edit_it_once(two) -> None:  # type: ignore[no-untyped-def]
    workers, api = two
    (_, first), (_, second) = workers
    prompt = await _asked(api, first)
    key = prompt["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    # A double tap: two queries, each with the card as it was (keyboard and all), one on each worker.
    taps = [
        api.callback_update(user_id=REP1, data=key, message_id=prompt["message_id"], update_id=900_100 + n)
        for n in range(2)
    ]
    await asyncio.gather(first.process(taps[0]), second.process(taps[1]))
    assert _calls(api, "answerCallbackQuery") == [200, 200], "each press answered, once"
    assert _calls(api, "editMessageReplyMarkup") == [200], "no second edit of a keyboard already gone"
    assert _refused_edits(api) == []


async def test_a_retried_card_edit_is_not_sent_again(two) -> None:  # type: ignore[no-untyped-def]
    workers, api = two
    (_, first), (_, second) = workers
    prompt = await _asked(api, first)
    address = SimpleNamespace(chat_id=str(REP1))
    outcome = Reply(text="已批准 / approved")
    await first.edit(address, str(prompt["message_id"]), outcome)
    # The outbox did not learn the edit went through and tries it again, on the other worker.
    await second.edit(address, str(prompt["message_id"]), outcome)
    assert _calls(api, "editMessageText") == [200]
    assert api.message(REP1, prompt["message_id"])["text"] == outcome.text
    await second.edit(address, str(prompt["message_id"]), Reply(text="已撤回 / withdrawn"))  # a new outcome is sent
    assert _calls(api, "editMessageText") == [200, 200]
    assert _refused_edits(api) == []
