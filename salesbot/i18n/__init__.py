"""Every sentence the bot says, in zh and en side by side, and how dates look to a reader.

A leaf module: the conversation layer words replies with it and the dispatcher words notifications
with it, in the recipient's language, at the moment they go out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from salesbot.config import Settings
from salesbot.i18n.catalog import MESSAGES

LANGS = ("zh", "en")
# A private message's text: Telegram takes 4096 characters; the rest is room to spare.
MAX_CHARS = 4000
COLLECTION_LIMITS = (30, 20, 10, 5, 1)  # items listed, tried in turn, when all of them do not fit
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
    """Money as a reader of that language writes it (¥1,200,000.00 / US$8,500.00), through babel's CLDR data. Never
    rounded: an amount with more decimals than CLDR gives its currency (10.125 IQD, whose fils CLDR does not count)
    is shown with them all."""
    from babel.numbers import format_currency

    return format_currency(Decimal(amount), currency, locale=_locale(lang_of(lang)), decimal_quantization=False)


@cache
def _locale(lang: str) -> Any:
    """babel's Locale, parsed once: given a locale's name, babel parses and normalises it on every call, ~90 µs
    of the ~100 µs an amount took to word."""
    from babel import Locale

    return Locale.parse(_LOCALES[lang])


def fmt_totals(totals: dict[str, Decimal], lang: str) -> str:
    """Sums in several currencies side by side (¥1,200.00 + US$80.00), never added together."""
    return " + ".join(fmt_money(amount, currency, lang) for currency, amount in totals.items()) or fmt_money(
        0, "CNY", lang
    )


def cut(lines: Sequence[str], limit: int, lang: str) -> list[str]:
    """The first `limit` lines, and one "… and N more" line for the rest."""
    if len(lines) <= limit:
        return list(lines)
    return [*lines[:limit], t(lang, "more", n=len(lines) - limit)]


def fit(compose: Callable[[int], str], limits: Iterable[int], *, most: int, size: Callable[[str], int] = len) -> str:
    """The text `compose(limit)` makes with the first of `limits` (lines per list, for `cut`) whose text is at
    most `most` long, as `size` measures it. When none fits, the last one's text cut at a character boundary."""
    text = ""
    for limit in limits:
        text = compose(limit)
        if size(text) <= most:
            return text
    # Still too long with the fewest lines (a thousand long names?): the longest start that fits, and "…".
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if size(text[:middle] + "…") <= most:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "…"


def fmt_terms(terms: dict[str, Any] | None, lang: str) -> str:
    """Payment terms as a short phrase: "首付30% · 分3期 · 账期60天" / "30% upfront · 3 installments · net 60"."""
    terms = terms or {}
    parts = []
    if terms.get("upfront_percent"):
        parts.append(t(lang, "terms_upfront", percent=f"{Decimal(terms['upfront_percent']).normalize():f}"))
    if (terms.get("installments") or 1) > 1:
        parts.append(t(lang, "terms_installments", n=terms["installments"]))
    if terms.get("net_days"):
        parts.append(t(lang, "terms_net", days=terms["net_days"]))
    if terms.get("on_delivery"):
        parts.append(t(lang, "terms_on_delivery"))
    return " · ".join(parts) or t(lang, "terms_once")


def render_notification(key: str, params: dict[str, Any], *, lang: str, tz: ZoneInfo, settings: Settings) -> str:
    """Word an outbox payload for its recipient: instants become local dates in their zone, keys become labels."""
    if key.startswith("digest."):
        from salesbot.i18n import digests  # imported here: it builds on this module's helpers

        return digests.render(key, params, lang=lang, tz=tz, settings=settings)
    if key in ("report.draft", "report.summary"):
        from salesbot.i18n import reports  # issue 21: a work report and the manager's summary

        return reports.render(key, params, lang=lang, settings=settings)
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
    for name, value in params.items():
        if name.endswith("_on") and isinstance(value, str) and len(value) == 10:
            shown[name] = fmt_date(date.fromisoformat(value), lang)  # a calendar day, no zone to convert
    if "next_step" in shown:
        shown["next_step_line"] = (
            t(lang, "reminder.next_step", next_step=shown["next_step"]) if shown["next_step"] else ""
        )
    _contract_lines(shown, params, lang)
    if key == "collections.daily":
        return _collection_lines(key, shown, params, lang)
    if key == "retention.daily":
        return _quiet_lines(key, shown, params, lang)
    if params.get("kind") in ("complaint", "need"):  # a complaint or a need (issue 20)
        shown["kind_word"] = t(lang, f"item.kind_{params['kind']}")
        shown["reason_paren"] = t(lang, "item.reason_paren", reason=shown["reason"]) if params.get("reason") else ""
    if "amount" in params:
        amount = params["amount"]
        shown["amount_line"] = (
            t(lang, "amount_line", amount=fmt_money(amount, params["currency"], lang)) if amount is not None else ""
        )
    if "reason" in shown:
        shown["reason_line"] = t(lang, "deal.reason", reason=shown["reason"]) if shown.get("reason") else ""
    text = t(lang, key, **shown)
    if params.get("open_deal"):  # a follow-up's reminder carries its customer's open deal (issue 19)
        text += "\n" + deal_line(params["open_deal"], lang=lang, tz=tz, settings=settings)
    return text


def deal_line(deal: dict[str, Any], *, lang: str, tz: ZoneInfo, settings: Settings) -> str:
    """A customer's open deal in one line, from a notification's data: stage, value, and since when."""
    since = datetime.fromisoformat(deal["since_at"]).astimezone(tz).date()
    money = fmt_money(deal["amount"], deal["currency"], lang) if deal.get("amount") is not None else "-"
    return t(
        lang, "ask_deal_line", stage=settings.stage_label(deal["stage"], lang), money=money, since=fmt_date(since, lang)
    )


def _collection_lines(key: str, shown: dict[str, Any], params: dict[str, Any], lang: str) -> str:
    """The collection message: the day's items, most overdue first, and the totals per currency. With too many
    items for one message, the most overdue are listed and "… and N more" stands for the rest; the count and the
    totals still take in every item."""
    lines = []
    totals: dict[str, Decimal] = {}
    for item in params["items"]:
        due = date.fromisoformat(item["due_on"])
        days = item["days"]
        if days > 0:
            when = t(lang, "collections.late", days=days, due=fmt_date(due, lang))
        elif days == 0:
            when = t(lang, "collections.today")
        else:
            when = t(lang, "collections.before", days=-days, due=fmt_date(due, lang))
        lines.append(
            t(
                lang,
                "collections.line",
                customer=item["customer"],
                contract=item["contract"],
                seq=item["seq"],
                money=fmt_money(item["amount"], item["currency"], lang),
                when=when,
                rep=t(lang, "collections.rep", rep=item["rep"]) if item.get("rep") else "",
            )
        )
        totals[item["currency"]] = totals.get(item["currency"], Decimal(0)) + Decimal(item["amount"])
    shown["count"] = len(lines)
    shown["totals"] = fmt_totals(totals, lang)
    shown["example"] = params["items"][0]["customer"] if params["items"] else ""
    return fit(
        lambda limit: t(lang, key, **{**shown, "lines": "\n".join(cut(lines, limit, lang))}),
        (len(lines), *COLLECTION_LIMITS),
        most=MAX_CHARS,
    )


def _quiet_lines(key: str, shown: dict[str, Any], params: dict[str, Any], lang: str) -> str:
    """The quiet-customer message (issue 20): what climbed the ladder since the last one, highest step first."""
    lines = [
        t(
            lang,
            "retention.daily_line",
            star=t(lang, "retention.key_mark") if item.get("key") else "",
            customer=item["customer"],
            days=item["days"],
            rep=t(lang, "retention.daily_rep", rep=item["rep"]) if item.get("rep") else "",
            step=t(lang, f"retention.daily_level{item['level']}") if item["level"] > 1 else "",
        )
        for item in params["items"]
    ]
    shown["count"] = len(lines)
    shown["example"] = params["items"][0]["customer"] if params["items"] else ""
    return fit(
        lambda limit: t(lang, key, **{**shown, "lines": "\n".join(cut(lines, limit, lang))}),
        (len(lines), *COLLECTION_LIMITS),
        most=MAX_CHARS,
    )


def _contract_lines(shown: dict[str, Any], params: dict[str, Any], lang: str) -> None:
    """The optional lines of a contract card or notice, each empty when its facts are absent."""
    if params.get("amount") is not None and params.get("currency"):
        shown["money"] = fmt_money(params["amount"], params["currency"], lang)
    if "terms" in params:
        shown["terms"] = fmt_terms(params["terms"], lang)
    if "version" in params:
        shown["version_tag"] = t(lang, "version_tag", version=params["version"]) if params["version"] > 1 else ""
    if "note" in params:
        shown["note_line"] = t(lang, "note_line", note=params["note"]) if params["note"] else ""
    if "comment" in params:
        shown["comment"] = params["comment"] or "-"
    history = []
    if params.get("deal"):
        history.append(t(lang, "card_deal_line", deal=params["deal"], stage=shown["stage"], since=shown["stage_on"]))
    if params.get("visit_at"):
        history.append(t(lang, "card_visit_line", on=shown["visit_on"], notes=params.get("visit_notes", "")))
    if params.get("files"):
        names = ", ".join(f.get("name") or t(lang, f"kind_{f['kind']}") for f in params["files"])
        history.append(t(lang, "card_files_line", names=names))
    shown["history"] = "\n".join(history)
    if "schedule" in params:
        shown["schedule_lines"] = "\n".join(
            f"• {fmt_date(date.fromisoformat(due), lang)}  {fmt_money(amount, params['currency'], lang)}"
            for due, amount in params["schedule"]
        )
