"""Fixtures for talking to Telegram without Telegram: a fake Bot API server and a real PTB Bot pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from tests.fakes.telegram_api import FakeBotApi


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
