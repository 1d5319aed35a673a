"""Every sentence the bot says, in zh and en side by side, and how dates look to a reader.

A leaf module: the conversation layer words replies with it and the dispatcher words notifications
with it, in the recipient's language, at the moment they go out.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from salesbot.config import Settings
from salesbot.i18n.catalog import MESSAGES

LANGS = ("zh", "en")
_LOCALES = {"zh": "zh_CN", "en": "en_US"}
_WEEKDAYS = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def lang_of(lang: str | None) -> str:
    return lang if lang in LANGS else "zh"


def t(lang: str, key: str, **params: Any) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        raise KeyError(f"no message {key!r} in the catalogue")
    template = entry.get(lang_of(lang)) or entry["en"]
    return template.format(**params)


def fmt_date(d: date, lang: str) -> str:
    """ISO date with the weekday: unambiguous in both languages, and what a rep checks against a calendar."""
    if lang_of(lang) == "zh":
        return f"{d.isoformat()}(周{_WEEKDAYS['zh'][d.weekday()]})"
    return f"{_WEEKDAYS['en'][d.weekday()]} {d.isoformat()}"


def fmt_when(d: date, at: time | None, lang: str) -> str:
    return fmt_date(d, lang) + (f" {at.strftime('%H:%M')}" if at else "")


def fmt_money(amount: Decimal | str, currency: str, lang: str) -> str:
    """Money as a reader of that language writes it (¥1,200,000.00 / US$8,500.00), through babel's CLDR data."""
    from babel.numbers import format_currency

    return format_currency(Decimal(amount), currency, locale=_LOCALES[lang_of(lang)])


def render_notification(key: str, params: dict[str, Any], *, lang: str, tz: ZoneInfo, settings: Settings) -> str:
    """Word an outbox payload for its recipient: instants become local dates in their zone, keys become labels."""
    shown = dict(params)
    if params.get("stage"):
        shown["stage"] = settings.stage_label(params["stage"], lang)
    if params.get("reason"):
        shown["reason"] = settings.lost_reason_label(params["reason"], lang)
    for name, value in params.items():
        if name.endswith("_at") and isinstance(value, str):
            local = datetime.fromisoformat(value).astimezone(tz)
            shown[name] = fmt_when(local.date(), local.time(), lang)
            shown[name.removesuffix("_at") + "_on"] = fmt_date(local.date(), lang)
    if "next_step" in shown:
        shown["next_step_line"] = (
            t(lang, "reminder.next_step", next_step=shown["next_step"]) if shown["next_step"] else ""
        )
    if "amount" in params:
        amount = params["amount"]
        shown["amount_line"] = (
            t(lang, "amount_line", amount=fmt_money(amount, params["currency"], lang)) if amount is not None else ""
        )
    if "reason" in shown:
        shown["reason_line"] = t(lang, "deal.reason", reason=shown["reason"]) if shown.get("reason") else ""
    return t(lang, key, **shown)
