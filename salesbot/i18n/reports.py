"""Work reports (日报) and the manager's summary of them, worded for their reader (issue 21).

A report's facts are plain data (`services/reports.py`); here they become sections of lines, each cut to a few
lines with "… and N more" until the whole text fits one message.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from salesbot.config import Settings
from salesbot.i18n import cut, fit, fmt_date, fmt_money, fmt_totals, t

MAX_BYTES = 4096
LIMITS = (20, 10, 5, 3, 1)
COMPOSED = ("report.draft", "report.summary")


def render(key: str, params: dict[str, Any], *, lang: str, settings: Settings) -> str:
    """The draft card (`report.draft`) or the manager's summary (`report.summary`)."""
    if key == "report.summary":
        return fit(lambda limit: summary(params, lang, limit), LIMITS, most=MAX_BYTES, size=_bytes)
    intro = "report.weekly_draft_intro" if params.get("kind") == "weekly" else "report.draft_intro"
    return fit(
        lambda limit: "\n".join([t(lang, intro), body(params, None, lang, settings, limit)]),
        LIMITS,
        most=MAX_BYTES,
        size=_bytes,
    )


def report(facts: dict[str, Any], added: str | None, *, lang: str, settings: Settings) -> str:
    """A report as sent: the drafted facts, and the rep's own lines under them."""
    return fit(lambda limit: body(facts, added, lang, settings, limit), LIMITS, most=MAX_BYTES, size=_bytes)


def body(p: dict[str, Any], added: str | None, lang: str, settings: Settings, limit: int) -> str:
    weekly = p.get("kind") == "weekly"
    day = fmt_date(date.fromisoformat(p["day"]), lang)
    if weekly:
        sections = [t(lang, "report.weekly_head", day=day, until=fmt_date(date.fromisoformat(p["until_on"]), lang))]
    else:
        sections = [t(lang, "report.head", day=day)]

    def section(title: str, lines: list[str]) -> None:
        if lines:
            sections.append("\n".join([title, *cut(lines, limit, lang)]))

    visits = p.get("visits", [])
    section(
        t(lang, "report.visits", n=len(visits)),
        [
            t(lang, "report.visit_line", customer=v["customer"], notes=f":{v['notes']}" if v["notes"] else "")
            + (t(lang, "report.next_step", next_step=v["next_step"]) if v.get("next_step") else "")
            for v in visits
        ],
    )
    moves = p.get("moves", [])
    section(
        t(lang, "report.moves", n=len(moves)),
        [
            t(
                lang,
                "report.move_line",
                customer=m["customer"],
                deal=m["deal"],
                old=settings.stage_label(m["from"], lang),
                new=settings.stage_label(m["to"], lang),
            )
            for m in moves
        ],
    )
    contracts = p.get("contracts", [])
    section(
        t(lang, "report.contracts", n=len(contracts)),
        [
            t(
                lang,
                "report.contract_line",
                customer=c["customer"],
                money=_money(c, lang),
                status=t(lang, f"report.status_{c['status']}"),
            )
            for c in contracts
        ],
    )
    payments = p.get("payments", [])
    section(
        t(lang, "report.payments", n=len(payments)),
        [t(lang, "report.payment_line", customer=x["customer"], money=_money(x, lang)) for x in payments],
    )
    plan = p.get("plan", [])
    plan_on = fmt_date(date.fromisoformat(p["plan_on"]), lang)
    section(
        t(lang, "report.weekly_plan", day=plan_on, until=fmt_date(date.fromisoformat(p["plan_until"]), lang))
        if weekly
        else t(lang, "report.plan", day=plan_on),
        [
            t(
                lang,
                "report.weekly_plan_line" if weekly else "report.plan_line",
                on=fmt_date(date.fromisoformat(i["on"]), lang) if i.get("on") else "",
                time=f"{i['time']} " if i.get("time") else "",
                customer=i["customer"],
                what=f" {i['what']}" if i.get("what") and i.get("customer") else i.get("what") or "",
            )
            for i in plan
        ],
    )
    if p.get("target"):
        sections.append(standing_line(p["target"], lang))
    if added:
        sections.append(t(lang, "report.added", added=added))
    return "\n\n".join(sections)


def standing_line(s: dict[str, Any], lang: str) -> str:
    """ "目标 3月:已完成 ¥300,000.00 / ¥1,000,000.00(30%,按回款)"."""
    return t(
        lang,
        "target.standing",
        who=s["who"],
        since=fmt_date(date.fromisoformat(s["starts_on"]), lang),
        until=fmt_date(date.fromisoformat(s["ends_on"]), lang),
        done=fmt_money(s["done"], s["currency"], lang),
        target=fmt_money(s["target"], s["currency"], lang),
        percent=s["percent"],
        measure=t(lang, f"target.measure_{s['measure']}"),
    )


def summary(p: dict[str, Any], lang: str, limit: int) -> str:
    sections = [t(lang, "report.summary", day=fmt_date(date.fromisoformat(p["day"]), lang))]
    sent = p.get("sent", [])
    if sent:
        lines = []
        for item in sent:
            parts = [t(lang, "report.hl_visits", n=item["visits"])] if item["visits"] else []
            if item["moves"]:
                parts.append(t(lang, "report.hl_moves", n=item["moves"]))
            if item["contracts"]:
                parts.append(t(lang, "report.hl_contracts", money=fmt_totals(_totals(item["contracts"]), lang)))
            if item["payments"]:
                parts.append(t(lang, "report.hl_payments", money=fmt_totals(_totals(item["payments"]), lang)))
            if item["plan"]:
                parts.append(t(lang, "report.hl_plan", n=item["plan"]))
            line = t(lang, "report.sent_line", rep=_who(item, lang), highlights=" · ".join(parts) or "-")
            if item.get("added"):
                line += "\n  " + item["added"].replace("\n", "\n  ")
            lines.append(line)
        sections.append("\n".join([t(lang, "report.summary_sent", n=len(sent)), *cut(lines, limit, lang)]))
    if p.get("missing"):
        names = ", ".join(_who(m, lang) for m in p["missing"])
        sections.append(t(lang, "report.summary_missing", n=len(p["missing"]), names=names))
    if p.get("skipped"):
        sections.append(t(lang, "report.summary_skipped", names=", ".join(_who(s, lang) for s in p["skipped"])))
    if p.get("away"):
        sections.append(t(lang, "report.summary_away", names=", ".join(a["rep"] for a in p["away"])))
    if p.get("silent"):
        names = ", ".join(t(lang, "report.silent_who", **q) for q in p["silent"])
        sections.append(t(lang, "report.summary_silent", names=names))
    if p.get("targets"):
        lines = [standing_line(s, lang) for s in p["targets"]]
        sections.append("\n".join([t(lang, "report.summary_targets"), *cut(lines, limit, lang)]))
    if p.get("usage"):
        lines = [t(lang, "adoption.line", **u) for u in p["usage"]]
        sections.append("\n".join([t(lang, "report.summary_usage"), *cut(lines, limit, lang)]))
    return "\n\n".join(sections)


def _who(item: dict[str, Any], lang: str) -> str:
    """A rep's name, marked when the item is their 周报."""
    return item["rep"] + (t(lang, "report.weekly_tag") if item.get("kind") == "weekly" else "")


def _money(item: dict[str, Any], lang: str) -> str:
    return fmt_money(item["amount"], item["currency"], lang)


def _totals(per: dict[str, str]) -> dict[str, Decimal]:
    return {currency: Decimal(amount) for currency, amount in per.items()}


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))
