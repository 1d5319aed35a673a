"""The outbox dispatcher through the real python-telegram-bot to the fake Bot API: pacing to Telegram's limits,
429s waited out (one chat, a flood, the server's own enforcement), dead letters, and per-chat order.

Time is virtual: one clock serves the app (when a retry is due) and the dispatcher's pacing, and moves only
when the dispatcher sleeps, so a minute of pacing takes no minute to test. What the dispatcher did is read
from a record of when it handed each message to the channel, in that time.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from salesbot.bootstrap import App, build
from salesbot.channels.telegram import TelegramChannel
from salesbot.clock import FrozenClock
from salesbot.config import settings_from
from salesbot.handlers.notifications import renderer
from salesbot.scheduler.dispatcher import Dispatcher
from salesbot.scheduler.pacing import TELEGRAM
from salesbot.services import outbox, users
from salesbot.services.delivery import Address
from salesbot.store.models import Group, OutboxMessage
from tests.conftest import NO_REPORTS
from tests.fakes.telegram_api import FakeBotApi, TelegramLimits
from tests.fakes.virtual_time import VirtualTime

GROUP_CHAT = -1001234567890


@dataclass(frozen=True)
class Handed:
    at: float
    chat: str
    text: str


class Recorded:
    """The real Telegram channel, noting when (virtual time) each message was handed to it."""

    def __init__(self, channel: TelegramChannel, time: VirtualTime) -> None:
        self.channel = channel
        self.time = time
        self.log: list[Handed] = []

    async def send(self, address: Address, message: Any) -> str | None:
        self.log.append(Handed(self.time.monotonic(), address.chat_id, message.text))
        self.time.in_flight += 1
        try:
            return await self.channel.send(address, message)
        finally:
            self.time.in_flight -= 1

    def to(self, chat: int | str) -> list[Handed]:
        return [h for h in self.log if h.chat == str(chat)]


@dataclass
class World:
    app: App
    api: FakeBotApi
    time: VirtualTime
    channel: Recorded
    user_ids: list[int]
    group_id: int

    def dispatcher(self, **kwargs: Any) -> Dispatcher:
        return Dispatcher(
            self.app.uow,
            {"telegram": self.channel},
            renderer(self.app.settings),
            clock=self.time.monotonic,
            sleep=self.time.sleep,
            **kwargs,
        )

    def queue(self, *targets: int | str) -> None:
        """One message per target (a user's index, or "group"); message n reads m<n>."""
        with self.app.uow() as uow:
            for n, target in enumerate(targets, start=self.queued()):
                params = {"customer": f"m{n}", "next_step": "", "visited_on": "2026-03-10"}
                if target == "group":
                    outbox.notify_group(uow, self.group_id, "reminder.follow_up", params)
                else:
                    outbox.notify_user(uow, self.user_ids[int(target)], "reminder.follow_up", params)
            uow.commit()

    def queued(self) -> int:
        with self.app.uow() as uow:
            return int(uow.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)

    async def deliver(self, dispatcher: Dispatcher) -> None:
        """What the scheduler does: drain, and again when the next retry is due, until nothing is pending."""
        for _ in range(100):
            await dispatcher.drain()
            if "pending" not in self.states():
                return
            with self.app.uow() as uow:  # the next retry (rows queued behind it are due, but wait for it)
                due = uow.session.scalar(
                    select(func.min(OutboxMessage.not_before)).where(
                        OutboxMessage.state == "pending", OutboxMessage.not_before > uow.now()
                    )
                )
            await self.time.sleep((due - self.time.clock.now()).total_seconds() if due else 1.0)
        raise AssertionError("the outbox never emptied")

    def states(self) -> dict[str, int]:
        with self.app.uow() as uow:
            rows = uow.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state))
            return {state: n for state, n in rows}

    def accepted(self, chat: int | str | None = None) -> list[str]:
        """Texts the server took (status 200), in order of arrival."""
        return [
            c.params["text"]
            for c in self.api.calls
            if c.method == "sendMessage" and c.status == 200 and (chat is None or str(c.params["chat_id"]) == str(chat))
        ]


def marker(text: str) -> str:
    return text.split("「")[1].split("」")[0] if "「" in text else text.split()[4]


def user_chat(index: int) -> int:
    return 5000 + index


@pytest.fixture
async def world(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[World]:
    clock = FrozenClock(datetime(2026, 3, 11, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    time = VirtualTime(clock)
    limits = getattr(request, "param", None)
    async with FakeBotApi(limits=limits, clock=time.monotonic) as api:
        app = build(settings_from(NO_REPORTS, env={}), clock=clock, database_url=f"sqlite:///{tmp_path / 'outbox.db'}")
        reps = [{"handle": f"rep{i}", "name": f"rep{i}", "role": "rep", "team": "east"} for i in range(20)]
        app.seed_data({"users": reps, "groups": [{"handle": "east", "name": "East", "team": "east"}]})
        with app.uow() as uow:
            user_ids = [users.by_handle(uow, f"rep{i}").id for i in range(20)]
            for i, user_id in enumerate(user_ids):
                users.link_identity(uow, user_id=user_id, platform="telegram", platform_user_id=str(user_chat(i)))
            group_id = uow.session.scalar(select(Group.id).where(Group.handle == "east"))
            uow.session.execute(
                update(Group).where(Group.id == group_id).values(platform="telegram", platform_chat_id=str(GROUP_CHAT))
            )
            uow.commit()
        channel = TelegramChannel(token=api.token, router=app.router, base_url=api.url)
        await channel.app.initialize()
        yield World(app, api, time, Recorded(channel, time), user_ids, group_id)
        await channel.stop()
        app.close()


def spacing(handed: list[Handed]) -> float:
    return min((b.at - a.at for a, b in itertools.pairwise(handed)), default=float("inf"))


def most_in_any_window(handed: list[Handed], seconds: float) -> int:
    times = sorted(h.at for h in handed)
    return max((sum(1 for t in times[i:] if t < start + seconds) for i, start in enumerate(times)), default=0)


async def test_sends_keep_to_telegrams_limits_and_each_chats_order(world: World) -> None:
    # 45 private messages (3 to each of 15 reps, rep0's three in a row) and 25 to the group, interleaved.
    targets: list[int | str] = [0, 0, 0]
    for _ in range(3):
        targets += [*range(1, 15), *(["group"] * 8)]
    targets += ["group"]
    world.queue(*targets)
    await world.deliver(world.dispatcher())
    assert world.states() == {"sent": len(targets)}
    assert sorted(marker(t) for t in world.accepted()) == sorted(f"m{n}" for n in range(len(targets)))
    for i in range(15):
        handed = world.channel.to(user_chat(i))
        assert len(handed) == 3 and spacing(handed) >= 1.0, f"1 a second in a private chat: {handed}"
        expected = [f"m{n}" for n, t in enumerate(targets) if t == i]
        assert [marker(t) for t in world.accepted(user_chat(i))] == expected, "the order queued"
    group = world.channel.to(GROUP_CHAT)
    assert len(group) == 25 and most_in_any_window(group, 60.0) == 20, "20 a minute in a group, and no fewer"
    assert most_in_any_window(world.channel.log, 1.0) <= 30
    assert [marker(t) for t in world.accepted(GROUP_CHAT)] == [f"m{n}" for n, t in enumerate(targets) if t == "group"]


async def test_a_busy_group_does_not_hold_up_private_chats(world: World) -> None:
    world.queue(*(["group"] * 6), 1, 2, 1)
    await world.deliver(world.dispatcher())
    group = world.channel.to(GROUP_CHAT)
    assert group[-1].at > 10.0, "six group messages take over 10 s at 20 a minute"
    assert all(h.at < 1.5 for h in world.channel.to(user_chat(1)) + world.channel.to(user_chat(2))), (
        "the private chats went at once, not behind the group"
    )


async def test_overall_limit_paces_a_burst_to_many_chats(world: World) -> None:
    world.queue(*(list(range(20)) * 4))  # 80 messages, 4 to each of 20 chats
    await world.deliver(world.dispatcher(limits={"telegram": TELEGRAM.scaled(0.25)}))  # 7.5/s overall
    assert world.states() == {"sent": 80}
    assert most_in_any_window(world.channel.log, 4.0) <= 30, "30 in any 4 s at a quarter of the speed"
    assert world.channel.log[-1].at >= 79 / 7.5, "no faster than the overall limit"


async def test_a_429_holds_back_that_chat_for_its_retry_after_and_no_other(world: World) -> None:
    world.api.fail_next("sendMessage", status=429, retry_after=7)  # the very first send: rep0's m0
    world.queue(0, 0, 1, 2, 1)
    await world.deliver(world.dispatcher())
    assert world.states() == {"sent": 5}
    first = world.channel.to(user_chat(0))
    assert [marker(h.text) for h in first] == ["m0", "m0", "m1"], "refused, then again, then the next"
    assert first[1].at - first[0].at >= 7.0, "retry_after honoured"
    assert [marker(t) for t in world.accepted(user_chat(0))] == ["m0", "m1"]
    others = world.channel.to(user_chat(1)) + world.channel.to(user_chat(2))
    assert len(others) == 3 and all(h.at < 7.0 for h in others), "other chats did not wait for rep0's"
    with world.app.uow() as uow:
        assert max(r.attempts for r in uow.session.scalars(select(OutboxMessage))) == 1, "a 429 is not an attempt"


async def test_429s_from_several_chats_pause_every_send(world: World) -> None:
    world.api.fail_next("sendMessage", status=429, retry_after=5, times=2)  # a flood limit: rep0 and rep1 refused
    world.queue(*range(10))
    await world.deliver(world.dispatcher())
    assert world.states() == {"sent": 10}
    refused = [c.at for c in world.api.calls if c.method == "sendMessage" and c.status == 429]
    assert len(refused) == 2
    later = [h.at for h in world.channel.log if h.at > refused[1]]
    assert later and min(later) >= refused[1] + 5.0, "nothing went during the pause"
    assert sorted(marker(t) for t in world.accepted()) == [f"m{n}" for n in range(10)]


@pytest.mark.parametrize("world", [TelegramLimits()], indirect=True)
async def test_a_server_enforcing_the_limits_sees_a_too_fast_sender_wait_out_every_429(world: World) -> None:
    # The dispatcher is told the limits are 3 times what the server allows: it oversteps, is refused, and must
    # still get every message through, each refused chat waiting its retry_after.
    world.queue(*(list(range(10)) * 3), *(["group"] * 4))
    await world.deliver(world.dispatcher(limits={"telegram": TELEGRAM.scaled(3)}))
    assert world.api.too_many > 0, "the burst was refused"
    assert world.states() == {"sent": 34}
    assert sorted(marker(t) for t in world.accepted()) == sorted(f"m{n}" for n in range(34))
    refusals = [c for c in world.api.calls if c.status == 429]
    for call in refusals:
        chat, wait = str(call.params["chat_id"]), call.response["parameters"]["retry_after"]  # type: ignore[index]
        after = [h.at for h in world.channel.to(chat) if h.at > call.at]
        assert after and min(after) >= call.at + wait, f"chat {chat} sent again before its retry_after"
    for i in range(10):
        expected = [f"m{n}" for n in range(30) if n % 10 == i]
        assert [marker(t) for t in world.accepted(user_chat(i))] == expected


async def test_blocked_and_vanished_chats_are_parked_dead_and_listed(world: World, tmp_path: Path) -> None:
    world.api.fail_next("sendMessage", status=403)
    world.queue(0, 1, 2)
    dispatcher = world.dispatcher()
    await world.deliver(dispatcher)
    world.api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    world.queue(3)
    await world.deliver(dispatcher)
    assert world.states() == {"dead": 2, "sent": 2}
    env = os.environ | {"SALESBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'outbox.db'}"}
    env.pop("SALESBOT_CONFIG", None)
    listed = subprocess.run(
        [sys.executable, "-m", "salesbot.cli", "outbox", "--dead"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
        timeout=120,
    ).stdout.splitlines()
    assert len(listed) == 2
    assert "chat not found" in listed[0].lower() and "blocked" in listed[1], listed  # newest first
    assert all('"attempts": 1' in line for line in listed)
