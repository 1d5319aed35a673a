"""Issue 18, item 3: WeCom delivery within its per-member limits and through outages, on virtual time (one clock for
the app, the channel's count of each member's messages and the fake WeCom's limits, moved only when something
waits), against the fake WeCom, which drops a member's 31st message in a minute without a word, as WeCom does.

- every message to a member counts: a burst of 35 replies waits past the minute, none dropped;
- approval cards to one person go out at the limit, 30 a minute, none dropped;
- a 10-minute outage loses nothing: the kept callbacks back off (capped) and are all answered after it;
- one member's slow send does not hold up another member's reply;
- a token WeCom keeps refusing is fetched again a bounded number of times, then the send fails as a passing error.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from salesbot.bootstrap import App, build
from salesbot.channels.errors import DeliveryFailed
from salesbot.channels.wecom import TOKEN_REFETCHES, MemberLimits, WeComChannel
from salesbot.clock import FrozenClock
from salesbot.config import settings_from
from salesbot.handlers.messages import Reply
from salesbot.handlers.notifications import renderer
from salesbot.scheduler.dispatcher import Dispatcher
from salesbot.services import delivery, outbox, users
from salesbot.services.delivery import Address
from salesbot.services.inbox import Inbox
from salesbot.services.shared_values import SharedValues
from salesbot.store.models import InboxMessage
from tests.conftest import NO_REPORTS
from tests.fakes.virtual_time import VirtualTime
from tests.fakes.wecom_api import FakeWeComApi
from tests.wecom.callbacks import random_encoding_aes_key, text_message
from tests.wecom.test_wecom_e2e import FIXTURES, MGR1, REP1, SHANGHAI, link, wecom_config

REP2 = "wangfang"


@dataclass
class Paced:
    app: App
    clock: FrozenClock
    virtual: VirtualTime
    channel: WeComChannel
    api: FakeWeComApi
    inbox: Inbox
    msg_ids: itertools.count  # type: ignore[type-arg]

    def keep(self, user: str, text: str) -> None:
        """A callback kept, as `receive` keeps it before answering WeCom."""
        msg_id = next(self.msg_ids)
        self.inbox.keep("wecom", f"msg:{msg_id}", {"xml": text_message(user, text, msg_id, int(time.time()))})
        self.channel._intake.wake()

    def states(self) -> list[str]:
        with self.app.uow() as uow:
            return list(uow.session.scalars(select(InboxMessage.state).order_by(InboxMessage.id)))


@pytest.fixture
async def paced(tmp_path: Path) -> AsyncIterator[Paced]:
    clock = FrozenClock(datetime(2026, 3, 11, 10, tzinfo=SHANGHAI))
    virtual = VirtualTime(clock)
    async with FakeWeComApi(clock=virtual.monotonic) as api:
        # wechatpy's calls take real time while virtual time may run ahead: long leases keep a slow real send from
        # looking like a dead worker's.
        settings = settings_from({**NO_REPORTS, "outbox": {"lease_seconds": 3600}}, env={})
        app = build(settings, clock=clock, database_url=f"sqlite:///{tmp_path / 'paced.db'}")
        app.seed(FIXTURES / "team.toml")
        for handle, user in (("rep1", REP1), ("rep2", REP2), ("mgr1", MGR1)):
            link(app, handle, user)
        inbox = Inbox(app.uow)
        channel = WeComChannel(
            wecom_config(api, random_encoding_aes_key()),
            router=app.router,
            inbox=inbox,
            tokens=SharedValues(app.uow),
            members=MemberLimits(virtual.monotonic),
            sleep=virtual.sleep,
            intake_lease=3600,
        )
        yield Paced(app, clock, virtual, channel, api, inbox, itertools.count(7_300_000_001))
        await channel.stop()
        app.close()


async def _until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


async def test_a_burst_of_35_replies_waits_past_the_minute_and_none_is_dropped(paced: Paced) -> None:
    for _ in range(35):
        paced.keep(REP1, "/cancel")
    started = paced.virtual.monotonic()
    await paced.channel.start()
    await _until(lambda: len(paced.api.received(REP1)) == 35)
    assert paced.api.dropped == [], "WeCom drops a member's 31st message in a minute without a word"
    assert paced.virtual.monotonic() - started >= 60, "the 31st waited for the minute to pass"
    await _until(lambda: set(paced.states()) == {"done"})


async def test_cards_to_one_person_go_at_30_a_minute_and_none_is_dropped(paced: Paced) -> None:
    with paced.app.uow() as uow:
        mgr1 = users.by_handle(uow, "mgr1")
        for n in range(40):
            params = {"customer": f"客户{n}", "next_step": "", "visited_on": "2026-03-10"}
            outbox.notify_user(
                uow, mgr1.id, "reminder.follow_up", params, buttons=[[{"key": f"k{n}", "label": "btn_cancel"}]]
            )
        uow.commit()
    class Counted:
        """The channel, with its requests counted in flight: virtual time does not move under one."""

        async def send(self, address: Address, message: Reply) -> str | None:
            paced.virtual.in_flight += 1
            try:
                return await paced.channel.send(address, message)
            finally:
                paced.virtual.in_flight -= 1

    dispatcher = Dispatcher(
        paced.app.uow,
        {"wecom": Counted()},  # type: ignore[dict-item]
        renderer(paced.app.settings),
        clock=paced.virtual.monotonic,
        sleep=paced.virtual.sleep,
    )
    started = paced.virtual.monotonic()
    while True:
        await dispatcher.drain()
        with paced.app.uow() as uow:
            due = delivery.next_due(uow)
        if due is None:
            break
        await paced.virtual.sleep(max((due - paced.clock.now()).total_seconds(), 0.5))
    cards = [m for m in paced.api.received(MGR1) if m.msgtype == "template_card"]
    assert len(cards) == 40 and paced.api.dropped == []
    first_minute = [m for m in cards if m.at - cards[0].at < 60]
    assert len(first_minute) >= 28, f"{len(first_minute)} cards in the first minute: up to 30 may go"
    assert paced.virtual.monotonic() - started >= 60


async def test_a_ten_minute_outage_loses_nothing(paced: Paced) -> None:
    paced.api.outage(503)
    for user in (REP1, REP2, MGR1):
        paced.keep(user, "/cancel")
    await paced.channel.start()

    def all_failed() -> bool:
        with paced.app.uow() as uow:
            return all(uow.session.scalars(select(InboxMessage.last_error)))

    await _until(all_failed)
    for _ in range(10):  # ten minutes down: tried again and again, never given up
        paced.clock.advance(timedelta(minutes=1))
        paced.channel._intake.wake()
        await asyncio.sleep(0.3)
        assert "dead" not in paced.states()
    paced.api.restore()
    paced.clock.advance(timedelta(minutes=10))  # the longest wait between tries
    paced.channel._intake.wake()
    await _until(lambda: set(paced.states()) == {"done"})
    assert all(len(paced.api.received(user)) == 1 for user in (REP1, REP2, MGR1)), "every reply, once"


async def test_one_members_slow_send_does_not_hold_up_anothers_reply(paced: Paced) -> None:
    paced.keep(REP1, "/cancel")
    paced.api.stall_next("message/send", 8.0)  # REP1's reply hangs at WeCom for 8 s
    await paced.channel.start()
    await _until(lambda: any(c.path == "message/send" for c in paced.api.requests))
    paced.keep(REP2, "/cancel")
    await _until(lambda: len(paced.api.received(REP2)) == 1, timeout=30)
    assert paced.api.received(REP1) == [], "REP2 was answered while REP1's send still hung"
    await _until(lambda: len(paced.api.received(REP1)) == 1, timeout=30)


async def test_a_token_wecom_keeps_refusing_is_fetched_again_a_bounded_number_of_times(paced: Paced) -> None:
    paced.api.fail_next("message/send", 40014, times=1000)
    address = Address("wecom", REP1, "rep1", "zh", "Asia/Shanghai")
    with pytest.raises(DeliveryFailed) as failed:
        await paced.channel.send(address, Reply("你好"))
    assert not failed.value.permanent, "a passing error: the outbox tries again later"
    sends = [c for c in paced.api.requests if c.path == "message/send"]
    tokens = [c for c in paced.api.requests if c.path == "gettoken"]
    assert len(sends) == 1 + TOKEN_REFETCHES and len(tokens) == 1 + TOKEN_REFETCHES
