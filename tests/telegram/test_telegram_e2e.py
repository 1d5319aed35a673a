"""Telegram end to end: the real python-telegram-bot against a local fake Bot API that speaks the wire protocol."""

from __future__ import annotations

import asyncio
import socket
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from salesbot.bootstrap import build
from salesbot.channels.telegram import SECRET_HEADER, webhook_secret
from salesbot.clock import FrozenClock
from salesbot.config import settings_from
from salesbot.services import invites, users
from tests.conftest import NO_REPORTS
from tests.fakes.telegram_api import FakeBotApi
from tests.telegram.support import FIXTURES, feed, link, texts

REP1, MGR1, STRANGER = 1001, 2001, 9999


async def test_a_rep_links_with_an_invite_and_logs_a_visit_with_a_follow_up(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    with app.uow() as uow:
        code = invites.create(uow, users.by_handle(uow, "admin"), handle="rep1")
        uow.commit()
    await feed(channel, fake_bot_api.text_update(user_id=REP1, text=f"/start {code}"))
    assert "欢迎" in texts(fake_bot_api, REP1)[-1]
    await feed(channel, fake_bot_api.text_update(user_id=REP1, text="上午去了阿里,见了技术总监,下周三给方案"))
    reply = texts(fake_bot_api, REP1)[-1]
    assert "阿里巴巴" in reply and "2026-03-18" in reply and "给方案" in reply


async def test_commands_are_registered_in_both_languages(bot, fake_bot_api: FakeBotApi) -> None:
    scope = {"type": "all_private_chats"}
    zh = {c["command"]: c["description"] for c in fake_bot_api.my_commands("zh", scope)}
    en = {c["command"]: c["description"] for c in fake_bot_api.my_commands("en", scope)}
    assert set(zh) == set(en) >= {"help", "customers", "deals", "cancel"}
    assert zh["customers"] == "我的客户" and en["customers"] == "My customers"


async def test_an_inline_button_is_answered_checked_and_taken_away(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    await feed(channel, fake_bot_api.text_update(user_id=REP1, text="今天拜访了华为,下周二再跟进"))
    question = fake_bot_api.last_message(REP1)
    keyboard = question["reply_markup"]["inline_keyboard"]
    labels = {b["text"]: b["callback_data"] for row in keyboard for b in row}
    assert {"华为技术", "华为终端"} <= set(labels)
    assert all(len(data) <= 10 and "华为" not in data for data in labels.values()), "callback data is opaque"

    link(app, "mgr1", MGR1)  # someone else pressing the same button (a forwarded message) changes nothing
    await feed(
        channel,
        fake_bot_api.callback_update(
            user_id=MGR1, data=labels["华为终端"], message_id=question["message_id"], chat_id=REP1
        ),
    )
    assert "过期" in texts(fake_bot_api, REP1)[-1]

    await feed(
        channel, fake_bot_api.callback_update(user_id=REP1, data=labels["华为终端"], message_id=question["message_id"])
    )
    assert len(fake_bot_api.sent("answerCallbackQuery")) == 2, "every press is answered"
    assert "华为终端" in texts(fake_bot_api, REP1)[-1] and "2026-03-17" in texts(fake_bot_api, REP1)[-1]
    assert "reply_markup" not in fake_bot_api.message(REP1, question["message_id"]), "old keyboard removed"

    await feed(
        channel, fake_bot_api.callback_update(user_id=REP1, data=labels["华为技术"], message_id=question["message_id"])
    )
    assert "过期" in texts(fake_bot_api, REP1)[-1], "a second press of an answered question changes nothing"


async def test_a_duplicate_update_is_ignored(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    update = fake_bot_api.text_update(user_id=REP1, text="拜访了比亚迪,明天再联系")
    await feed(channel, update)
    await feed(channel, update)  # Telegram retrying a webhook it thinks failed
    assert len(texts(fake_bot_api, REP1)) == 1


async def test_a_stranger_learns_nothing(bot, fake_bot_api: FakeBotApi) -> None:
    _, channel = bot
    for text in ("我的客户", "/customers", "/start 123456", "阿里进入方案阶段"):
        await feed(channel, fake_bot_api.text_update(user_id=STRANGER, text=text))
    replies = fake_bot_api.sent("sendMessage", chat_id=STRANGER)
    assert len(replies) == 4 and len({r["text"] for r in replies}) == 1
    assert all("reply_markup" not in r and "阿里" not in r["text"] for r in replies)


async def test_polling_delivers_each_update_once(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep2", 3001)
    fake_bot_api.push_update(fake_bot_api.text_update(user_id=3001, text="my customers"))
    await channel.start_polling()
    await fake_bot_api.wait_for("sendMessage", count=1)
    assert "Initech" in texts(fake_bot_api, 3001)[0]


async def test_a_429_is_waited_out_and_the_notice_arrives(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    link(app, "mgr1", MGR1)
    await feed(channel, fake_bot_api.text_update(user_id=REP1, text="比亚迪丢单了,客户嫌价格太贵"))
    assert "价格" in texts(fake_bot_api, REP1)[-1]
    fake_bot_api.fail_next("sendMessage", status=429, retry_after=1)
    assert app.dispatcher is not None
    await app.dispatcher.run_once()
    assert texts(fake_bot_api, MGR1) == [], "refused with 429 first"
    app.clock.advance(timedelta(seconds=1))  # type: ignore[attr-defined]
    await app.dispatcher.run_once()
    [notice] = texts(fake_bot_api, MGR1)
    assert "比亚迪" in notice and "价格" in notice


async def test_a_blocked_bot_parks_the_notice_as_dead(bot, fake_bot_api: FakeBotApi) -> None:
    from salesbot.services import delivery

    app, channel = bot
    link(app, "rep1", REP1)
    link(app, "mgr1", MGR1)
    await feed(channel, fake_bot_api.text_update(user_id=REP1, text="比亚迪丢单了,选了竞争对手"))
    fake_bot_api.fail_next("sendMessage", status=403)
    assert app.dispatcher is not None
    await app.dispatcher.run_once()
    with app.uow() as uow:
        [dead] = delivery.dead_letters(uow)
        assert "blocked" in (dead.last_error or "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_refuses_requests_without_the_secret(fake_bot_api: FakeBotApi, tmp_path: Path) -> None:
    from salesbot.run import serve
    from salesbot.store.db import upgrade

    db = f"sqlite:///{tmp_path / 'hook.db'}"
    port = _free_port()
    settings = settings_from(
        {**NO_REPORTS,
            "database": {"url": db},
            "server": {"port": port},
            "telegram": {"base_url": fake_bot_api.url, "webhook_url": "https://bot.example.test/telegram/webhook"},
        },
        env={"SALESBOT_TELEGRAM_TOKEN": fake_bot_api.token},
    )
    upgrade(db)
    seeded = build(settings, clock=FrozenClock(datetime.now(ZoneInfo("UTC"))), database_url=db)
    seeded.seed(FIXTURES / "team.toml")
    link(seeded, "rep2", 3001)
    seeded.close()
    stop = asyncio.Event()
    server = asyncio.create_task(serve(settings, stop=stop))
    try:
        hook = f"http://127.0.0.1:{port}/telegram/webhook"
        update = fake_bot_api.text_update(user_id=3001, text="my customers", update_id=500)
        async with aiohttp.ClientSession() as http:
            for _ in range(50):  # wait for the server to listen
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            assert fake_bot_api.webhook.secret_token == webhook_secret(fake_bot_api.token)
            async with http.post(hook, json=update) as refused:
                assert refused.status == 403
            async with http.post(hook, json=update, headers={SECRET_HEADER: "wrong"}) as refused:
                assert refused.status == 403
            assert fake_bot_api.sent("sendMessage", chat_id=3001) == [], "a refused request changes nothing"
            async with http.post(hook, json=update, headers={SECRET_HEADER: fake_bot_api.webhook.secret_token}) as ok:
                assert ok.status == 200
        assert "Initech" in texts(fake_bot_api, 3001)[0]
    finally:
        stop.set()
        await server
