"""An outbox payload worded for its recipient, as a Reply any channel can show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from salesbot.config import Settings
from salesbot.handlers.messages import Reply
from salesbot.i18n import render_notification
from salesbot.services.delivery import Address


def renderer(settings: Settings) -> Callable[[dict[str, Any], Address], Reply]:
    def render(payload: dict[str, Any], address: Address) -> Reply:
        text = render_notification(
            payload["key"],
            payload.get("params", {}),
            lang=address.lang,
            tz=ZoneInfo(address.timezone),
            settings=settings,
        )
        return Reply(text=text)

    return render
