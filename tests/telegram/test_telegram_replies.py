"""A turn's replies are kept with its update until they are sent: a worker that dies (or whose sends fail) between
the commit and the send leaves Telegram's retry something to answer, and a retry that comes while the first
handling is still sending answers nothing, so nobody is answered twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from telegram import Update

from salesbot.bootstrap import App
from salesbot.channels.telegram import TelegramChannel, to_incoming
from salesbot.handlers.router import SEND_LEASE
from salesbot.store.models import ProcessedUpdate, Visit
from tests.fakes.telegram_api import FakeBotApi
from tests.telegram.support import feed, link, texts

REP1 = 1001


def _visits(app: App) -> int:
    with app.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Visit)) or 0


def _kept(app: App, update_id: int) -> ProcessedUpdate:
    with app.uow() as uow:
        row = uow.session.get_one(ProcessedUpdate, ("telegram", str(update_id)))
        uow.session.expunge(row)
        return row


async def test_replies_that_could_not_be_sent_go_out_with_telegrams_retry(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    update = fake_bot_api.text_update(user_id=REP1, text="今天拜访了阿里巴巴,下周二再跟进")
    fake_bot_api.fail_next("sendMessage", status=502, times=3)  # every quick try fails: Telegram's side is down

    with pytest.raises(Exception):  # noqa: B017 - the webhook must fail, so that Telegram sends the update again
        await feed(channel, update)
    assert texts(fake_bot_api, REP1) == [] and _visits(app) == 1
    assert _kept(app, update["update_id"]).replies, "the replies wait with the update"

    await feed(channel, update)  # Telegram's retry: the turn is not run again, its answer is sent
    assert _visits(app) == 1
    [reply] = texts(fake_bot_api, REP1)
    assert "阿里巴巴" in reply
    kept = _kept(app, update["update_id"])
    assert kept.replies is None and kept.replied_at is not None, "sent: nothing left to send again"

    await feed(channel, update)  # a late duplicate answers nothing
    assert texts(fake_bot_api, REP1) == [reply]


async def test_a_worker_that_died_after_its_commit_leaves_the_replies_to_the_retry(bot, fake_bot_api) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    update = fake_bot_api.text_update(user_id=REP1, text="拜访了比亚迪,明天再联系", update_id=77)
    incoming = to_incoming(_as_update(channel, update))
    assert incoming is not None
    app.router.handle(incoming)  # the turn commits; the worker dies before sending anything
    assert texts(fake_bot_api, REP1) == []

    app.clock.advance(SEND_LEASE + timedelta(seconds=1))  # the dead worker's claim runs out
    await feed(channel, update)
    [reply] = texts(fake_bot_api, REP1)
    assert "比亚迪" in reply and _visits(app) == 1


async def test_a_retry_at_the_same_time_as_the_first_answers_nothing(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    update = fake_bot_api.text_update(user_id=REP1, text="拜访了BYD,下周一再跟进", update_id=78)
    await asyncio.gather(feed(channel, update), feed(channel, dict(update)))
    assert len(texts(fake_bot_api, REP1)) == 1 and _visits(app) == 1


async def test_a_reply_telegram_will_never_deliver_is_given_up(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    update = fake_bot_api.text_update(user_id=REP1, text="拜访了阿里", update_id=79)
    fake_bot_api.fail_next("sendMessage", status=403)  # the rep blocked the bot
    await feed(channel, update)  # no exception: a retry could not do better
    assert _kept(app, 79).replied_at is not None
    assert len(fake_bot_api.sent("sendMessage", chat_id=REP1)) == 1, "tried once, not again"


def _as_update(channel: TelegramChannel, data: dict) -> Update:  # type: ignore[type-arg]
    return Update.de_json(data, channel.bot)
