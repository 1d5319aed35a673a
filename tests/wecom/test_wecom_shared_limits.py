"""Issue 18, item 3, with two workers on one database (SQLite, and PostgreSQL when it is under test): WeCom's
per-member limits (30 a minute, 1000 an hour) hold for what both send together. One worker answers a burst of
callbacks, the other sends notices as the leader's outbox would (cards whose words go as text plus card, two
messages each), all to one member, on virtual time against the fake WeCom, which drops a member's 31st message in a
minute without a word. Counted per process, the two would send 50 in the first minute."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from salesbot.bootstrap import App, build
from salesbot.channels.errors import DeliveryFailed
from salesbot.channels.wecom import WeComChannel
from salesbot.clock import FrozenClock
from salesbot.config import settings_from
from salesbot.handlers.messages import Button, Reply
from salesbot.services.delivery import Address
from salesbot.services.inbox import Inbox
from salesbot.services.member_limits import SharedMemberLimits
from salesbot.services.shared_values import SharedValues
from tests.fakes.virtual_time import VirtualTime
from tests.fakes.wecom_api import FakeWeComApi
from tests.wecom.callbacks import random_encoding_aes_key, text_message
from tests.wecom.test_wecom_e2e import FIXTURES, REP1, SHANGHAI, link, wecom_config

REPLIES = 20  # callbacks answered by the first worker, one message each
NOTICES = 15  # cards sent by the second worker, each as text plus card: 30 messages


@pytest.fixture
async def pair(db_url: str) -> AsyncIterator[tuple[list[WeComChannel], VirtualTime, FakeWeComApi, App]]:
    clock = FrozenClock(datetime(2026, 3, 11, 10, tzinfo=SHANGHAI))
    virtual = VirtualTime(clock)
    counting = threading.Lock()
    async with FakeWeComApi(clock=virtual.monotonic) as api:
        config = wecom_config(api, random_encoding_aes_key())
        settings = settings_from({}, env={})
        apps: list[App] = []
        channels: list[WeComChannel] = []
        for n in range(2):
            app = build(settings, clock=clock, database_url=db_url)
            if n == 0:
                app.seed(FIXTURES / "team.toml")
                link(app, "rep1", REP1)
            channel = WeComChannel(
                config,
                router=app.router,
                inbox=Inbox(app.uow),
                tokens=SharedValues(app.uow),
                members=SharedMemberLimits(app.uow),
                sleep=virtual.sleep,
                intake_lease=3600,
            )
            _in_flight(channel, virtual, counting)
            apps.append(app)
            channels.append(channel)
        yield channels, virtual, api, apps[0]
        for app, channel in zip(apps, channels, strict=True):
            await channel.stop()
            app.close()


def _in_flight(channel: WeComChannel, virtual: VirtualTime, lock: threading.Lock) -> None:
    """Virtual time does not move between a message's count and its arrival at the fake (the network takes no
    time here), whichever worker sends it."""
    send = channel._to_member

    def counted(user_id: str, *args: Any, **kwargs: Any) -> Any:
        with lock:
            virtual.in_flight += 1
        try:
            return send(user_id, *args, **kwargs)
        finally:
            with lock:
                virtual.in_flight -= 1

    channel._to_member = counted  # type: ignore[method-assign]


async def test_two_workers_keep_to_one_members_limit_together(pair) -> None:  # type: ignore[no-untyped-def]
    (answering, notifying), virtual, api, app = pair
    ids = itertools.count(7_400_000_001)
    for _ in range(REPLIES):
        msg_id = next(ids)
        payload = {"xml": text_message(REP1, "/cancel", msg_id, int(time.time()))}
        Inbox(app.uow).keep("wecom", f"msg:{msg_id}", payload)
    card = Reply(text="审批 / approval\n" + "合同金额很长的说明。" * 40, buttons=((Button("ok", "批准"),),))
    address = Address("wecom", REP1, "rep1", "zh", "Asia/Shanghai")
    started = virtual.monotonic()

    async def outbox() -> None:
        """The leader's outbox: a card at the limit waits and is tried again from the part that did not go."""
        for _ in range(NOTICES):
            skip = 0
            while True:
                try:
                    await notifying.send(address, card, skip=skip)
                    break
                except DeliveryFailed as exc:
                    assert exc.chat_limit, exc
                    skip = exc.sent_parts
                    await virtual.sleep(exc.retry_after or 1.0)

    await answering.start()
    await outbox()
    async with asyncio.timeout(120):
        while len(api.received(REP1)) + len(api.dropped) < REPLIES + 2 * NOTICES:  # every message went, or was lost
            await asyncio.sleep(0.02)
    received = api.received(REP1)
    assert api.dropped == [], "WeCom drops a member's 31st message in a minute without a word"
    assert len(received) == REPLIES + 2 * NOTICES
    assert sum(1 for m in received if m.msgtype == "template_card") == NOTICES, "each card once"
    assert virtual.monotonic() - started >= 60, "what went over the minute waited for it"


def test_the_hours_limit_is_kept_in_minute_buckets_and_never_exceeded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    clock = FrozenClock(datetime(2026, 3, 11, 10, 0, 30, tzinfo=SHANGHAI))
    app = build(settings_from({}, env={}), clock=clock, database_url=f"sqlite:///{tmp_path / 'limits.db'}")
    limits = SharedMemberLimits(app.uow)
    try:
        start = clock.now()
        for n in range(1000):  # one every 2.1 s: the minute's limit never bites, the hour's does
            wait, slot = limits.take(REP1)
            assert slot is not None and wait == 0, n
            clock.advance(timedelta(seconds=2.1))
        wait, slot = limits.take(REP1)
        assert slot is None, "the 1001st in an hour waits"
        first = start.timestamp()
        # It may go once the first send's minute bucket has left the hour (at most a minute later than strictly
        # needed), never before the first send has.
        assert first + 3600 <= clock.now().timestamp() + wait <= first + 3600 + 60 + 1
        assert limits.take("someone else")[1] is not None, "each member has a count of their own"
        clock.advance(timedelta(seconds=wait))
        assert limits.take(REP1)[1] is not None
    finally:
        app.close()
