"""Issue 18, item 1: a reply whose sends failed is sent later by the worker itself, in polling mode (the kept update is
tried again) and in webhook mode when Telegram never retries (the sweeper); an update fetched by long polling is
kept before its offset is confirmed; a malformed webhook update is taken, logged, and changes nothing."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from salesbot.channels.errors import DeliveryFailed, MalformedUpdate
from salesbot.handlers.messages import Reply
from salesbot.scheduler.sweeper import ReplySweeper
from salesbot.store.models import InboxMessage, Visit
from tests.fakes.telegram_api import FakeBotApi
from tests.telegram.support import feed, link, texts

REP1 = 3001


async def _until(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_polling_keeps_a_fetched_update_before_confirming_it(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    fake_bot_api.push_update(fake_bot_api.text_update(user_id=REP1, text="今天拜访了阿里,下周二再跟进"))
    await channel.start_polling()
    await _until(lambda: len(texts(fake_bot_api, REP1)) == 1)
    await _until(lambda: fake_bot_api.pending_updates() == [])

    def states() -> list[tuple[str, str]]:
        with app.uow() as uow:
            return [(r.platform, r.state) for r in uow.session.scalars(select(InboxMessage))]

    await _until(lambda: states() == [("telegram", "done")])
    assert _count(app, Visit) == 1


async def test_in_polling_mode_a_reply_whose_sends_failed_is_sent_later(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    fake_bot_api.fail_next("sendMessage", status=502, description="Bad Gateway", times=3)
    fake_bot_api.push_update(fake_bot_api.text_update(user_id=REP1, text="今天拜访了阿里,下周二再跟进"))
    await channel.start_polling()

    def failed() -> bool:
        with app.uow() as uow:
            return bool(uow.session.scalar(select(InboxMessage.last_error)))

    await _until(failed, timeout=30)
    assert texts(fake_bot_api, REP1) == []
    app.clock.advance(timedelta(seconds=30))  # type: ignore[attr-defined]  # the kept update's retry comes due
    channel._intake.wake()
    await _until(lambda: len(texts(fake_bot_api, REP1)) == 1, timeout=30)
    assert "阿里巴巴" in texts(fake_bot_api, REP1)[0]
    assert _count(app, Visit) == 1, "the reply was kept; the turn did not run again"


async def test_kept_replies_nobody_sent_are_swept_out_once(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    fake_bot_api.fail_next("sendMessage", status=500, description="Internal Server Error", times=3)
    update = fake_bot_api.text_update(user_id=REP1, text="今天拜访了阿里,下周二再跟进")
    with pytest.raises(DeliveryFailed):
        await feed(channel, update)  # the webhook fails; say Telegram never sends it again
    sweeper = ReplySweeper(app.uow, {"telegram": channel}, decode=Reply.from_json, older_than=timedelta(seconds=60))
    assert await sweeper.sweep() == 0, "not yet: a retry may still come"
    app.clock.advance(timedelta(seconds=61))  # type: ignore[attr-defined]
    assert await sweeper.sweep() == 1
    assert await sweeper.sweep() == 0, "sent once"
    [reply] = texts(fake_bot_api, REP1)
    assert "阿里巴巴" in reply
    await feed(channel, update)  # Telegram's late retry after all: nothing more is said, nothing done again
    assert len(texts(fake_bot_api, REP1)) == 1 and _count(app, Visit) == 1


async def test_a_malformed_update_is_refused_as_such(bot, caplog: pytest.LogCaptureFixture) -> None:
    _, channel = bot
    with pytest.raises(MalformedUpdate):
        await channel.process({"update_id": 5, "message": {"message_id": "x", "chat": 7}})


async def test_failed_polls_are_tried_again(bot, fake_bot_api: FakeBotApi, caplog: pytest.LogCaptureFixture) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    fake_bot_api.fail_next("getUpdates", status=502, description="Bad Gateway", times=1)
    fake_bot_api.push_update(fake_bot_api.text_update(user_id=REP1, text="my customers"))
    with caplog.at_level(logging.WARNING, logger="salesbot.channels.telegram"):
        await channel.start_polling()
        await _until(lambda: len(texts(fake_bot_api, REP1)) == 1, timeout=15)
    assert "polling failed" in caplog.text
