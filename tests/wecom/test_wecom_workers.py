"""Two workers behind a load balancer on one database (SQLite, and PostgreSQL when it is under test), each with its
own engine, web server and WeCom channel: callbacks spread over both, some delivered to both (WeCom retrying
after a lost answer), and every message still handled once, answered once, with one access token between them."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiohttp import web
from sqlalchemy import func, select

from salesbot.bootstrap import App, build
from salesbot.channels.wecom import WeComChannel, WeComConfig
from salesbot.clock import FrozenClock
from salesbot.config import settings_from
from salesbot.run import _start_web
from salesbot.services import inbox, users
from salesbot.services.inbox import Inbox
from salesbot.services.shared_values import SharedValues
from salesbot.store.models import Visit
from tests.conftest import NO_REPORTS
from tests.fakes.wecom_api import FakeWeComApi
from tests.wecom.callbacks import WeComCallbacks, random_encoding_aes_key, text_message

FIXTURES = Path(__file__).parent.parent / "fixtures"
TOKEN = "salesbotCallbackToken"
REPS = {
    "rep1": ("zhangwei", "今天拜访了阿里,下周二再跟进"),
    "rep2": ("tomlee", "visited 京东 today, follow up next friday"),
}
MESSAGES = 56  # 28 each: under WeCom's 30 a minute per member, past which it drops replies without a word


@dataclass
class Worker:
    app: App
    channel: WeComChannel
    runner: web.AppRunner
    url: str


@pytest.fixture
async def workers(db_url: str) -> AsyncIterator[tuple[list[Worker], FakeWeComApi, WeComCallbacks]]:
    clock = FrozenClock(datetime(2026, 3, 11, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    aes_key = random_encoding_aes_key()
    async with FakeWeComApi() as api:
        config = WeComConfig(api.corp_id, api.agent_id, api.secret, TOKEN, aes_key, f"{api.url}/cgi-bin/")
        settings = settings_from({**NO_REPORTS, "server": {"port": 0}}, env={})
        started: list[Worker] = []
        for n in range(2):
            app = build(settings, clock=clock, database_url=db_url)
            if n == 0:
                app.seed(FIXTURES / "team.toml")
                with app.uow() as uow:
                    admin = users.by_handle(uow, "admin")
                    for handle, (wecom_id, _) in REPS.items():
                        users.link_account(uow, admin, handle=handle, platform="wecom", platform_user_id=wecom_id)
                    uow.commit()
            channel = WeComChannel(config, router=app.router, inbox=Inbox(app.uow), tokens=SharedValues(app.uow))
            app.attach("wecom", channel)
            await channel.start()
            runner = await _start_web(settings, app, {"wecom": channel})
            started.append(Worker(app, channel, runner, f"http://127.0.0.1:{runner.addresses[0][1]}/wecom/callback"))
        yield started, api, WeComCallbacks(TOKEN, aes_key, api.corp_id, api.agent_id)
        for worker in started:
            await worker.runner.cleanup()
            await worker.channel.stop()
            worker.app.close()


async def test_two_workers_handle_each_message_once_and_share_one_token(workers) -> None:  # type: ignore[no-untyped-def]
    started, api, callbacks = workers
    rng = random.Random(7)
    sent: Counter[str] = Counter()
    posts = []
    for n in range(MESSAGES):
        handle = list(REPS)[n % 2]
        wecom_id, text = REPS[handle]
        query, body = callbacks.post(text_message(wecom_id, text, 8_000_000_000 + n, int(time.time())))
        sent[wecom_id] += 1
        first, other = rng.sample(started, 2)
        posts.append((first.url, query, body))
        if rng.random() < 0.25:  # WeCom did not get the first answer in time and sent it again, elsewhere
            posts.append((other.url, query, body))
    async with httpx.AsyncClient(timeout=10) as http:
        # The first message, alone: its worker fetches the token. (Two workers starting cold at the same instant
        # may both fetch; WeCom gives both the same token.)
        url, query, body = posts.pop(0)
        assert (await http.post(url, params=query, content=body)).status_code == 200
        await _settled(started[0].app)
        answers = await asyncio.gather(*(http.post(url, params=q, content=b) for url, q, b in posts))
    assert {a.status_code for a in answers} == {200}

    app = started[0].app
    await _settled(app)
    with app.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Visit)) == MESSAGES, "each message once, none lost"
    replies = Counter(user for m in api.messages for user in m.touser)
    assert api.dropped == [] and replies == sent, "one reply per message, to its sender"
    assert api.token_fetches == 1, "the second worker used the first one's token"
    assert len(posts) + 1 > MESSAGES, "some callbacks went to both workers"


async def _settled(app: App) -> None:
    for _ in range(1500):
        with app.uow() as uow:
            if inbox.pending(uow, platform="wecom") == 0:
                return
        await asyncio.sleep(0.01)
    raise AssertionError("callbacks still waiting after 15 s")
