"""An outbox payload worded for its recipient, as a Reply any channel can show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from salesbot.config import Settings
from salesbot.handlers.messages import Attachment, Button, File, Reply
from salesbot.i18n import render_notification, t
from salesbot.i18n.digests import chart_labels
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
        # A label is a catalogue key, with its parameters where it names someone ("点评 张伟").
        buttons = tuple(
            tuple(Button(key=b["key"], label=t(lang, b["label"], **b.get("params", {}))) for b in row)
            for row in payload.get("buttons", [])
        )
        files = payload.get("params", {}).get("files", [])
        # A file id is only good on the platform that issued it; elsewhere the card names the file in its text.
        forwards = tuple(
            Attachment(kind=f["kind"], file_id=f["file_id"], name=f.get("name"))
            for f in files
            if f.get("platform") == address.platform
        )
        charts = payload.get("params", {}).get("charts", [])
        return Reply(text=text, buttons=buttons, forwards=forwards, files=_charts(charts, payload, lang, settings))

    return render


def _charts(charts: list[dict[str, Any]], payload: dict[str, Any], lang: str, settings: Settings) -> tuple[File, ...]:
    """A digest carries its charts' data; the PNGs are drawn now, labelled in the reader's language."""
    if not charts:
        return ()
    from salesbot import charts as drawing  # matplotlib comes in with the first chart, not before

    files = []
    team = payload["params"].get("team", "")
    for chart in charts:
        name, title, panels = chart_labels(chart, team=team, lang=lang, settings=settings)
        bars = [
            drawing.Panel(panel, [drawing.Bar(label, length, text) for label, length, text in rows])
            for panel, rows in panels
        ]
        if chart["kind"] == "funnel":
            png = drawing.funnel(title, bars[0].bars)
        elif chart["kind"] == "aging":
            png = drawing.aging(title, bars)
        else:
            png = drawing.bars(title, bars)
        files.append(File(name=name, mime=drawing.PNG_MIME, data=png))
    return tuple(files)
