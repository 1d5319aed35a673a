"""An outbox payload worded for its recipient, as a Reply any channel can show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from salesbot.config import Settings
from salesbot.handlers.messages import Attachment, Button, Reply
from salesbot.i18n import render_notification, t
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
        lang = address.lang
        buttons = tuple(
            tuple(Button(key=b["key"], label=t(lang, b["label"])) for b in row) for row in payload.get("buttons", [])
        )
        files = payload.get("params", {}).get("files", [])
        # A file id is only good on the platform that issued it; elsewhere the card names the file in its text.
        forwards = tuple(
            Attachment(kind=f["kind"], file_id=f["file_id"], name=f.get("name"))
            for f in files
            if f.get("platform") == address.platform
        )
        return Reply(text=text, buttons=buttons, forwards=forwards)

    return render
