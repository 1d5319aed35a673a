"""WeCom end to end: callbacks built by the tests' own encryptor (tests/wecom/callbacks.py, from WeCom's published
algorithm) are POSTed to `salesbot run`'s web server; the real wechatpy answers through a fake WeCom API
(tests/fakes/wecom_api.py) that keeps what it was sent. Verification, a rep logging a visit, a manager approving
on a template card and the card updated, a retried callback ignored, forgeries refused, digests to a group robot,
one access token for every worker, and the per-member pacing that is the only protection from WeCom's silent drops.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiohttp import web
from sqlalchemy import func, select

from salesbot.bootstrap import App, build
from salesbot.channels.wecom import MEMBER_RATES, MemberLimits, WeComChannel, WeComConfig
from salesbot.clock import FrozenClock
from salesbot.config import settings_from
from salesbot.handlers.notifications import renderer
from salesbot.run import _start_web
from salesbot.scheduler.dispatcher import Dispatcher
from salesbot.services import groups, inbox, invites, outbox, users
from salesbot.services.inbox import Inbox
from salesbot.services.shared_values import SharedValues
from salesbot.store.models import Attachment, Contract, InboxMessage, Visit
from tests.conftest import NO_REPORTS
from tests.fakes.virtual_time import VirtualTime
from tests.fakes.wecom_api import FakeWeComApi
from tests.wecom.callbacks import (
    WeComCallbacks,
    image_message,
    location_message,
    random_encoding_aes_key,
    template_card_event,
    text_message,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
SHANGHAI = ZoneInfo("Asia/Shanghai")
TOKEN = "salesbotCallbackToken"
ROBOT = "test-robot-key"
REP1, MGR1 = "zhangwei", "lina"


@dataclass
class World:
    app: App
    clock: FrozenClock
    channel: WeComChannel
    api: FakeWeComApi
    wecom: WeComCallbacks
    http: httpx.AsyncClient
    url: str
    msg_ids: Any

    async def post(self, xml: str) -> httpx.Response:
        query, body = self.wecom.post(xml)
        return await self.http.post(self.url, params=query, content=body)

    async def says(self, user: str, text: str) -> httpx.Response:
        """`user` types `text` in the app: the callback WeCom would POST."""
        return await self.post(text_message(user, text, next(self.msg_ids), int(time.time())))

    async def settle(self) -> None:
        """Until every kept callback is handled and its replies sent."""
        for _ in range(500):
            with self.app.uow() as uow:
                waiting = inbox.pending(uow, platform="wecom")
            if not waiting:
                return
            await asyncio.sleep(0.01)
        raise AssertionError("callbacks still waiting after 5 s")

    def texts(self, user: str) -> list[str]:
        """What the user read, message by message: a text's content, a card's title and subtitle."""
        return [_words(m) for m in self.api.received(user) if m.msgtype in ("text", "template_card")]

    def cards(self, user: str) -> list[Any]:
        return [m for m in self.api.received(user) if m.msgtype == "template_card"]


def _words(message: Any) -> str:
    if message.msgtype == "text":
        return str(message.body["text"]["content"])
    card = message.body["template_card"]
    return "\n".join(x for x in (card.get("main_title", {}).get("title"), card.get("sub_title_text")) if x)


def wecom_config(api: FakeWeComApi, aes_key: str) -> WeComConfig:
    return WeComConfig(
        corp_id=api.corp_id,
        agent_id=api.agent_id,
        secret=api.secret,
        token=TOKEN,
        aes_key=aes_key,
        api_base_url=f"{api.url}/cgi-bin/",
    )


def link(app: App, handle: str, wecom_user: str) -> None:
    with app.uow() as uow:
        users.link_account(
            uow, users.by_handle(uow, "admin"), handle=handle, platform="wecom", platform_user_id=wecom_user
        )
        uow.commit()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    clock = FrozenClock(datetime(2026, 3, 11, 10, tzinfo=SHANGHAI))
    async with FakeWeComApi() as api:
        settings = settings_from({**NO_REPORTS, "server": {"port": 0}}, env={})
        app = build(settings, clock=clock, database_url=f"sqlite:///{tmp_path / 'wecom.db'}")
        app.seed(FIXTURES / "team.toml")
        aes_key = random_encoding_aes_key()
        channel = WeComChannel(
            wecom_config(api, aes_key), router=app.router, inbox=Inbox(app.uow), tokens=SharedValues(app.uow)
        )
        app.attach("wecom", channel)
        await channel.start()
        runner: web.AppRunner = await _start_web(settings, app, {"wecom": channel})
        port = runner.addresses[0][1]
        async with httpx.AsyncClient(timeout=5) as http:
            yield World(
                app,
                clock,
                channel,
                api,
                WeComCallbacks(TOKEN, aes_key, api.corp_id, api.agent_id),
                http,
                f"http://127.0.0.1:{port}/wecom/callback",
                iter(range(7_000_000_001, 7_000_100_000)),
            )
        await runner.cleanup()
        await channel.stop()
        app.close()


def count(app: App, model: Any) -> int:
    with app.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_callback_url_is_verified_and_forgeries_are_refused(world: World) -> None:
    good = await world.http.get(world.url, params=world.wecom.verify_url("8397120938475"))
    assert (good.status_code, good.text) == (200, "8397120938475"), "the decrypted echostr, as plain text"
    for kind in ("bad_signature", "stale_timestamp"):
        forged = await world.http.get(world.url, params=world.wecom.forge_verify_url("8397120938475", kind))
        assert forged.status_code == 403 and "8397120938475" not in forged.text, kind


async def test_a_rep_links_with_an_invite_code_and_logs_a_visit(world: World) -> None:
    with world.app.uow() as uow:
        code = invites.create(uow, users.by_handle(uow, "admin"), handle="rep1")
        uow.commit()
    answer = await world.says(REP1, code)  # WeCom has no start links: the code is pasted as it is
    assert (answer.status_code, answer.text) == (200, ""), "WeCom wants an empty 200"
    await world.settle()
    assert "欢迎" in world.texts(REP1)[-1]

    await world.says(REP1, "上午去了阿里,见了技术总监,下周三给方案")
    await world.settle()
    reply = world.texts(REP1)[-1]
    assert "阿里巴巴" in reply and "2026-03-18" in reply and "给方案" in reply
    assert count(world.app, Visit) == 1


async def test_a_photo_and_a_location_after_a_visit_join_it(world: World) -> None:
    link(world.app, "rep1", REP1)
    await world.says(REP1, "今天拜访了阿里")
    await world.post(
        image_message(REP1, "https://wework.qpic.cn/p/1", "MEDIA-photo-1", 7_300_000_001, int(time.time()))
    )
    await world.post(location_message(REP1, 31.2304, 121.4737, 7_300_000_002, int(time.time()), label="上海"))
    await world.settle()
    with world.app.uow() as uow:
        visit_id = uow.session.scalar(select(Visit.id))
        kept = {(a.kind, a.file_id, a.subject_type, a.subject_id) for a in uow.session.scalars(select(Attachment))}
    assert ("photo", "MEDIA-photo-1", "visit", visit_id) in kept, "the photo, by its WeCom media id, on the visit"
    assert ("location", None, "visit", visit_id) in kept, "the check-in"


async def test_the_answer_comes_before_the_work(world: World) -> None:
    """WeCom gives up after 5 seconds: a slow turn must not hold the 200 back, and its reply still comes."""
    link(world.app, "rep1", REP1)
    handle = world.app.router.handle
    release = asyncio.Event()

    def slow(incoming: Any) -> Any:
        asyncio.run_coroutine_threadsafe(release.wait(), loop).result(timeout=10)
        return handle(incoming)

    loop = asyncio.get_running_loop()
    world.app.router.handle = slow
    started = time.monotonic()
    answer = await world.says(REP1, "今天拜访了阿里")
    assert answer.status_code == 200 and time.monotonic() - started < 1
    with world.app.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(InboxMessage)) == 1, "kept before the answer"
    assert world.texts(REP1) == [], "the turn has not run yet"
    release.set()
    await world.settle()
    assert "阿里巴巴" in world.texts(REP1)[0]


async def test_a_reply_wecom_cannot_take_now_goes_later_and_the_turn_runs_once(world: World) -> None:
    link(world.app, "rep1", REP1)
    world.api.http_error_next("message/send", 500, times=3)  # WeCom (or the way to it) down for a while
    await world.says(REP1, "今天拜访了阿里,下周二再跟进")
    for _ in range(800):
        with world.app.uow() as uow:
            failed = uow.session.scalar(select(InboxMessage.last_error))
        if failed:
            break
        await asyncio.sleep(0.01)
    assert failed and "500" in failed and world.texts(REP1) == []
    world.clock.advance(timedelta(seconds=11))  # the row's retry comes due
    world.channel._wake.set()
    await world.settle()
    assert len(world.texts(REP1)) == 1 and "阿里巴巴" in world.texts(REP1)[0]
    assert count(world.app, Visit) == 1, "the reply was kept; the turn did not run again"


async def test_a_retried_callback_is_handled_once(world: World) -> None:
    link(world.app, "rep1", REP1)
    xml = text_message(REP1, "今天拜访了阿里,下周二再跟进", 7_100_000_001, int(time.time()))
    query, body = world.wecom.post(xml)
    first = await world.http.post(world.url, params=query, content=body)
    again = await world.http.post(world.url, params=query, content=body)  # WeCom's retry after a lost answer
    signed_anew = await world.post(xml)  # the same message under a new nonce and signature
    assert [r.status_code for r in (first, again, signed_anew)] == [200, 200, 200]
    await world.settle()
    assert count(world.app, Visit) == 1
    assert len(world.texts(REP1)) == 1, "one reply"
    assert count(world.app, InboxMessage) == 1


@pytest.mark.parametrize(
    ("kind", "status"),
    [("bad_signature", 403), ("stale_timestamp", 403), ("other_key", 400), ("other_corp", 400)],
)
async def test_forged_and_unreadable_callbacks_change_nothing(world: World, kind: str, status: int) -> None:
    link(world.app, "rep1", REP1)
    query, body = world.wecom.forge(text_message(REP1, "今天拜访了阿里", 7_200_000_001, int(time.time())), kind)
    answer = await world.http.post(world.url, params=query, content=body)
    assert answer.status_code == status
    await asyncio.sleep(0.05)
    assert count(world.app, InboxMessage) == 0 and count(world.app, Visit) == 0
    assert world.api.received(REP1) == []


async def test_a_manager_approves_on_a_card_and_the_card_shows_the_outcome(world: World) -> None:
    link(world.app, "rep1", REP1)
    link(world.app, "mgr1", MGR1)
    await world.says(REP1, "提交比亚迪合同 9万,分三期")
    await world.settle()
    assert "李娜" in world.texts(REP1)[-1]
    assert world.app.dispatcher is not None
    await world.app.dispatcher.run_once()

    [card_message] = world.cards(MGR1)
    card = card_message.body["template_card"]
    assert card["card_type"] == "button_interaction" and 1 <= len(card["button_list"]) <= 6
    shown = " ".join([*world.texts(MGR1), card["main_title"]["title"], card.get("sub_title_text", "")])
    assert "¥90,000.00" in shown and "分3期" in shown
    keys = {b["text"]: b["key"] for b in card["button_list"]}
    task_id = card["task_id"]

    # A rep who got hold of the key presses it from their own chat: refused, nothing changes.
    press = template_card_event(REP1, keys["✅ 批准"], task_id, "not-a-code", int(time.time()))
    await world.post(press)
    await world.settle()
    assert "不是给你的" in world.texts(REP1)[-1]

    code = world.api.card_click(task_id, MGR1, keys["✅ 批准"])
    await world.post(template_card_event(MGR1, keys["✅ 批准"], task_id, code, int(time.time())))
    await world.settle()
    assert "生效" in world.texts(MGR1)[-1]
    pressed = [u for u in world.api.card_updates if u.response_code == code]
    assert [u.replace_name for u in pressed] == ["✓"], "the pressed card is greyed out at once"

    await world.app.dispatcher.run_once()
    [outcome] = [u for u in world.api.card_updates if u.response_code == card_message.response_code]
    assert outcome.userids == [MGR1] and outcome.template_card is not None
    updated = outcome.template_card
    assert "已批准" in updated["main_title"]["title"] + updated.get("sub_title_text", "")
    assert updated["replace_text"] == "已处理", "its buttons are gone for good"
    assert "回款计划" in world.texts(REP1)[-1]

    code = world.api.card_click(task_id, MGR1, keys["❌ 驳回"])
    await world.post(template_card_event(MGR1, keys["❌ 驳回"], task_id, code, int(time.time())))
    await world.settle()
    assert "过期" in world.texts(MGR1)[-1], "a press on the decided card changes nothing"
    with world.app.uow() as uow:
        assert uow.session.scalar(select(Contract.status)) == "active"


async def test_a_used_response_code_gets_the_outcome_as_a_message(world: World) -> None:
    """A code WeCom no longer takes (used, or past 72 hours): the recipient still learns the outcome."""
    link(world.app, "mgr1", MGR1)
    with world.app.uow() as uow:
        mgr1 = users.by_handle(uow, "mgr1")
        first = outbox.notify_user(
            uow, mgr1.id, "reminder.follow_up", {"customer": "阿里巴巴", "next_step": "", "visited_on": "2026-03-10"}
        )
        uow.session.flush()
        first_id = first.id
        uow.commit()
    assert world.app.dispatcher is not None
    await world.app.dispatcher.run_once()
    with world.app.uow() as uow:
        # Pretend it was a card whose code is already spent.
        row = uow.session.get_one(type(first), first_id)
        row.message_ref = "sb0123456789abcdef:spent-code"
        outbox.notify_user(
            uow,
            mgr1.id,
            "reminder.follow_up",
            {"customer": "比亚迪", "next_step": "", "visited_on": "2026-03-10"},
            edit_of=row.id,
        )
        uow.commit()
    await world.app.dispatcher.run_once()
    assert "比亚迪" in world.texts(MGR1)[-1]


async def test_digests_go_to_the_group_robot_with_their_charts(world: World) -> None:
    link(world.app, "rep1", REP1)
    with world.app.uow() as uow:
        groups.link(uow, users.by_handle(uow, "admin"), name="east", platform="wecom", chat_id=ROBOT, title="")
        uow.commit()
    await world.says(REP1, "今天拜访了阿里,下周二再跟进")
    await world.settle()
    world.clock.set(datetime(2026, 3, 16, 9, 0, tzinfo=SHANGHAI))  # Monday: last week's summary, with charts
    assert world.app.scan() > 0
    assert world.app.dispatcher is not None
    await world.app.dispatcher.drain()
    sent = world.api.robot_messages[ROBOT]
    markdown = [m["markdown"]["content"] for m in sent if m["msgtype"] == "markdown"]
    images = [m for m in sent if m["msgtype"] == "image"]
    assert any("张伟" in text for text in markdown), "the daily digest names who visited"
    assert all(len(text.encode()) <= 4096 for text in markdown)
    assert len(images) >= 2, "the weekly funnel and aging charts, inline (the fake checked each md5)"
    assert world.api.received(REP1)[-1].msgtype == "text", "and the rep's morning brief goes to the rep"


async def test_one_access_token_serves_every_worker_and_is_renewed_before_it_expires(world: World) -> None:
    link(world.app, "rep1", REP1)
    other_worker = WeComChannel(
        world.channel.config,
        router=world.app.router,
        inbox=Inbox(world.app.uow),
        tokens=SharedValues(world.app.uow),
    )
    address = _address(world.app, "rep1")
    await world.channel.send(address, _reply("one"))
    await other_worker.send(address, _reply("two"))
    assert world.api.token_fetches == 1, "the second worker found the first one's token"
    world.clock.advance(timedelta(seconds=7200 - 299))  # within five minutes of WeCom's expiry
    await other_worker.send(address, _reply("three"))
    assert world.api.token_fetches == 2
    assert world.texts(REP1) == ["one", "two", "three"]


def _address(app: App, handle: str) -> Any:
    from salesbot.services.delivery import Address

    with app.uow() as uow:
        user = users.by_handle(uow, handle)
        return Address("wecom", REP1, handle, user.lang, user.timezone)


def _reply(text: str) -> Any:
    from salesbot.handlers.messages import Reply

    return Reply(text)


async def _paced_run(tmp_path: Path, *, paced: bool) -> tuple[FakeWeComApi, float]:
    """45 messages to one member and 25 to a group robot through the dispatcher, on virtual time."""
    clock = FrozenClock(datetime(2026, 3, 11, 10, tzinfo=SHANGHAI))
    virtual = VirtualTime(clock)
    async with FakeWeComApi(clock=virtual.monotonic) as api:
        # wechatpy's calls run in threads, in real time, while virtual time may run ahead: a long lease keeps a
        # slow real send from looking like a dead dispatcher's (which would send it again, as it should).
        settings = settings_from({**NO_REPORTS, "outbox": {"lease_seconds": 3600}}, env={})
        app = build(settings, clock=clock, database_url=f"sqlite:///{tmp_path / f'paced{paced}.db'}")
        app.seed(FIXTURES / "team.toml")
        link(app, "rep1", REP1)
        with app.uow() as uow:
            groups.link(uow, users.by_handle(uow, "admin"), name="east", platform="wecom", chat_id=ROBOT, title="")
            rep1 = users.by_handle(uow, "rep1")
            for n in range(45):
                outbox.notify_user(
                    uow,
                    rep1.id,
                    "reminder.follow_up",
                    {"customer": f"客户{n}", "next_step": "", "visited_on": "2026-03-10"},
                )
            [east] = groups.linked_to_team(uow, rep1.team_id)  # type: ignore[arg-type]
            for n in range(25):
                outbox.notify_group(
                    uow,
                    east.id,
                    "reminder.follow_up",
                    {"customer": f"群{n}", "next_step": "", "visited_on": "2026-03-10"},
                )
            uow.commit()
        channel = WeComChannel(
            wecom_config(api, random_encoding_aes_key()),
            router=app.router,
            inbox=Inbox(app.uow),
            tokens=SharedValues(app.uow),
            # Unpaced: neither the dispatcher's pacing nor the channel's own count of each member's messages.
            members=MemberLimits(virtual.monotonic, MEMBER_RATES if paced else ()),
        )
        dispatcher = Dispatcher(
            app.uow,
            {"wecom": channel},
            renderer(settings),
            clock=virtual.monotonic,
            sleep=virtual.sleep,
            limits=None if paced else {},
        )
        started = virtual.monotonic()
        while True:
            await dispatcher.drain()
            with app.uow() as uow:
                from salesbot.services import delivery

                due = delivery.next_due(uow)
            if due is None:
                break
            await virtual.sleep(max((due - clock.now()).total_seconds(), 1.0))
        elapsed = virtual.monotonic() - started
        await channel.stop()
        app.close()
        return api, elapsed


async def test_member_and_robot_sends_are_paced_so_wecom_drops_nothing(tmp_path: Path) -> None:
    api, elapsed = await _paced_run(tmp_path, paced=True)
    assert api.dropped == [], "WeCom drops a member's 31st message in a minute without a word"
    assert len(api.received(REP1)) == 45
    assert len(api.robot_messages[ROBOT]) == 25
    assert not [c for c in api.requests if (c.response or {}).get("errcode") == 45009]
    assert elapsed >= 60, "45 to one member take over a minute at 30 a minute"

    unpaced, _ = await _paced_run(tmp_path, paced=False)
    assert unpaced.dropped, "the fake does drop what comes too fast: the pacing above is what saved them"


async def test_salesbot_run_serves_the_callback_url_with_only_wecom_configured(tmp_path: Path) -> None:
    """The production entry point, composed from configuration alone: WeCom on, Telegram off."""
    import socket

    from salesbot.run import serve

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    aes_key = random_encoding_aes_key()
    async with FakeWeComApi() as api:
        settings = settings_from(
            {
                **NO_REPORTS,
                "database": {"url": f"sqlite:///{tmp_path / 'run.db'}"},
                "server": {"host": "127.0.0.1", "port": port},
                "wecom": {"corp_id": api.corp_id, "agent_id": api.agent_id, "api_base_url": f"{api.url}/cgi-bin/"},
            },
            env={"SALESBOT_WECOM_SECRET": api.secret, "SALESBOT_WECOM_TOKEN": TOKEN, "SALESBOT_WECOM_AES_KEY": aes_key},
        )
        stop = asyncio.Event()
        running = asyncio.create_task(serve(settings, stop=stop))
        try:
            url = f"http://127.0.0.1:{port}/wecom/callback"
            callbacks = WeComCallbacks(TOKEN, aes_key, api.corp_id, api.agent_id)
            async with httpx.AsyncClient(timeout=5) as http:
                for _ in range(200):
                    try:
                        answer = await http.get(url, params=callbacks.verify_url("1234567"))
                        break
                    except httpx.ConnectError:
                        await asyncio.sleep(0.05)
                assert (answer.status_code, answer.text) == (200, "1234567")
                assert (await http.get(f"http://127.0.0.1:{port}/telegram/webhook")).status_code in (404, 405)
        finally:
            stop.set()
            await asyncio.wait_for(running, 10)


def test_a_half_configured_wecom_says_what_is_missing() -> None:
    settings = settings_from({"wecom": {"corp_id": "ww1", "agent_id": 1000002}}, env={"SALESBOT_WECOM_TOKEN": "t"})
    with pytest.raises(ValueError, match="SALESBOT_WECOM_SECRET, SALESBOT_WECOM_AES_KEY"):
        WeComConfig.from_settings(settings.section("wecom"))


async def test_charts_and_files_are_uploaded_as_media(world: World) -> None:
    from salesbot.handlers.messages import File, Reply

    link(world.app, "rep1", REP1)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    xlsx = b"PK\x03\x04" + b"sheet" * 100
    files = (File("funnel.png", "image/png", png), File("receivables.xlsx", "application/vnd.ms-excel", xlsx))
    await world.channel.send(_address(world.app, "rep1"), Reply("导出完成", files=files))
    kinds = [m.msgtype for m in world.api.received(REP1)]
    assert kinds == ["image", "file", "text"]
    media = {m.body[m.msgtype]["media_id"] for m in world.api.received(REP1) if m.msgtype in ("image", "file")}
    assert sorted(world.api.media[m] for m in media) == [("funnel.png", png), ("receivables.xlsx", xlsx)]


async def test_stopping_finishes_the_callbacks_in_hand(world: World) -> None:
    """A graceful stop (SIGTERM) lets a turn under way answer before the worker goes."""
    link(world.app, "rep1", REP1)
    handle = world.app.router.handle

    def slow(incoming: Any) -> Any:
        time.sleep(0.5)
        return handle(incoming)

    world.app.router.handle = slow
    await world.says(REP1, "今天拜访了阿里,下周二再跟进")
    for _ in range(200):  # until the turn is under way
        with world.app.uow() as uow:
            if uow.session.scalar(select(InboxMessage.attempts)):
                break
        await asyncio.sleep(0.01)
    await world.channel.stop()
    assert "阿里巴巴" in world.texts(REP1)[0]
    with world.app.uow() as uow:
        assert uow.session.scalar(select(InboxMessage.state)) == "done"
