"""Fixtures for talking to Telegram without Telegram: a fake Bot API server and a real PTB Bot pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram import Bot

from salesbot.bootstrap import App, build
from salesbot.channels.telegram import TelegramChannel
from salesbot.clock import FrozenClock
from salesbot.config import settings_from
from salesbot.services.inbox import Inbox
from salesbot.services.shared_values import SharedValues
from tests.conftest import NO_REPORTS
from tests.fakes.telegram_api import FakeBotApi
from tests.telegram.support import FIXTURES


@pytest.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def ptb_bot(fake_bot_api: FakeBotApi) -> AsyncIterator[Bot]:
    """An initialized ``telegram.Bot`` whose requests go to ``fake_bot_api``."""
    bot = Bot(
        fake_bot_api.token,
        base_url=f"{fake_bot_api.url}/bot",
        base_file_url=f"{fake_bot_api.url}/file/bot",
    )
    async with bot:
        yield bot


@pytest.fixture
async def bot(fake_bot_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[tuple[App, TelegramChannel]]:
    clock = FrozenClock(datetime(2026, 3, 11, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    app = build(settings_from(NO_REPORTS, env={}), clock=clock, database_url=f"sqlite:///{tmp_path / 'tg.db'}")
    app.seed(FIXTURES / "team.toml")
    channel = TelegramChannel(
        token=fake_bot_api.token,
        router=app.router,
        base_url=fake_bot_api.url,
        inbox=Inbox(app.uow),
        prompts=SharedValues(app.uow),
    )
    app.attach("telegram", channel)
    await channel.start()
    yield app, channel
    await channel.stop()
    app.close()
