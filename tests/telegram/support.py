"""Helpers for the Telegram end-to-end tests: feed an update as a webhook would, link an account, read a chat."""

from __future__ import annotations

import itertools
from pathlib import Path

from salesbot.bootstrap import App
from salesbot.channels.telegram import TelegramChannel
from salesbot.services import users
from tests.fakes.telegram_api import FakeBotApi

FIXTURES = Path(__file__).parent.parent / "fixtures"

_ids = itertools.count(1)


async def feed(channel: TelegramChannel, update: dict) -> None:  # type: ignore[type-arg]
    """Hand an update to the bot as a webhook call would; the same dict fed twice keeps its update_id."""
    update.setdefault("update_id", next(_ids))
    await channel.process(update)


def link(app: App, handle: str, telegram_id: int) -> None:
    with app.uow() as uow:
        users.link_identity(
            uow, user_id=users.by_handle(uow, handle).id, platform="telegram", platform_user_id=str(telegram_id)
        )
        uow.commit()


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    """What a chat actually received: sendMessage calls the server accepted."""
    return [
        c.params["text"]
        for c in api.calls
        if c.method == "sendMessage" and c.status == 200 and str(c.params.get("chat_id")) == str(chat_id)
    ]
