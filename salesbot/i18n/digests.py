"""Digests worded for their reader: sections of lines, trimmed to fit one message, and the labels of their charts.

A message must fit the strictest platform we send to: a WeCom group robot's markdown takes 4096 bytes (Telegram
takes 4096 characters, which 4096 bytes always are). Each list is cut to a few lines with "… and N more", and cut
shorter until the whole text fits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from salesbot.config import Settings
from salesbot.i18n import cut, deal_line, fit, fmt_date, fmt_money, fmt_totals, t

MAX_BYTES = 4096
LIMITS = (10, 5, 3, 1)  # lines per list, tried in turn until the text fits
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
WEEK = timedelta(days=6)  # Monday to Sunday

ChartLabels = tuple[str, str, list[tuple[str, list[tuple[str, float, str]]]]]


def render(key: str, params: dict[str, Any], *, lang: str, tz: ZoneInfo, settings: Settings) -> str:
    return fit(
        lambda limit: _compose(key, params, lang, tz, settings, limit),
        LIMITS,
        most=MAX_BYTES,
        size=lambda text: len(text.encode("utf-8")),
    )


def chart_labels(chart: dict[str, Any], *, team: str, lang: str, settings: Settings) -> ChartLabels:
    """(file name, title, panels of (label, length, text) bars) for one chart of a digest payload."""
    if chart["kind"] == "losses":  # the weekly retention summary's (issue 20)
        panels = [
            (t(lang, f"losses.{name}_panel"), [(_reason(r, lang, settings), float(n), str(n)) for r, n in chart[name]])
            for name in ("reasons", "complaints")
            if chart[name]
        ]
        return "losses.png", t(lang, "losses.chart", span=team), panels
    if chart["kind"] == "targets":  # issue 21: each target's attainment, as a percentage
        rows = [
            (who, float(percent), f"{percent}% · {fmt_money(done, cur, lang)} / {fmt_money(target, cur, lang)}")
            for who, percent, done, target, cur in chart["bars"]
        ]
        return "targets.png", t(lang, "chart.targets", team=team), [("", rows)]
    if chart["kind"] == "funnel":
        stages = chart["stages"]
        bars = [(settings.stage_label(stage, lang), float(n), str(n)) for stage, n in stages]
        title = t(lang, "chart.funnel", team=team, total=sum(n for _, n in stages))
        return "funnel.png", title, [("", bars)]
    panels = []
    for currency, buckets in chart["currencies"].items():
        bars = [
            (t(lang, f"bucket_{b}"), float(Decimal(buckets[b])), fmt_money(buckets[b], currency, lang)) for b in BUCKETS
        ]
        panels.append((currency, bars))
    title = t(lang, "chart.aging", team=team, day=fmt_date(date.fromisoformat(chart["day"]), lang))
    return "aging.png", title, panels


def _compose(key: str, p: dict[str, Any], lang: str, tz: ZoneInfo, settings: Settings, limit: int) -> str:
    if key == "digest.brief":
        return _brief(p, lang, tz, settings, limit)
    if key == "digest.weekly":
        return _weekly(p, lang, limit)
    if key == "digest.retention":
        return _retention(p, lang, settings, limit)
    return _daily(p, lang, tz, settings, limit)


def _brief(p: dict[str, Any], lang: str, tz: ZoneInfo, settings: Settings, limit: int) -> str:
    """A person's morning brief: the day's agenda (late first), their quiet customers, their target."""
    day = fmt_date(date.fromisoformat(p["day"]), lang)
    items = p.get("items", [])
    head = t(lang, "digest.brief", day=day, count=len(items)) if items else t(lang, "digest.brief_none", day=day)
    sections = ["\n".join([head, *cut([_brief_line(i, lang, tz, settings) for i in items], limit * 2, lang)])]
    quiet = p.get("quiet", [])
    if quiet:
        lines = [
            t(
                lang,
                "retention.line",
                star=t(lang, "retention.key_mark") if q["key"] else "",
                customer=q["customer"],
                days=q["days"],
                step=t(lang, f"retention.level{q['level']}"),
            )
            for q in quiet
        ]
        sections.append("\n".join([t(lang, "digest.brief_quiet", n=len(quiet)), *cut(lines, limit, lang)]))
    if p.get("target"):
        from salesbot.i18n.reports import standing_line  # issue 21: attainment against the target

        sections.append(standing_line(p["target"], lang))
    return "\n\n".join(sections)


def _brief_line(i: dict[str, Any], lang: str, tz: ZoneInfo, settings: Settings) -> str:
    late = t(lang, "digest.brief_late", days=i["late"]) if i.get("late") else ""
    kind = i.get("kind", "follow_up")
    if kind in ("complaint", "need"):
        line = _item_line(i, lang, settings)
        return line[:2] + late + line[2:]  # after the bullet
    if kind == "planned":
        return t(lang, "digest.brief_planned", late=late, time=f"{i['time']} " if i.get("time") else "",
                 customer=i["customer"])  # fmt: skip
    visited = (
        t(lang, "digest.brief_visited", on=fmt_date(date.fromisoformat(i["visited_on"]), lang))
        if i.get("visited_on")
        else ""
    )
    line = t(
        lang,
        "digest.brief_line",
        time=late + (f"{i['time']} " if i.get("time") else ""),
        customer=i["customer"],
        next_step=t(lang, "digest.next_step", next_step=i["next_step"]) if i.get("next_step") else "",
        visited=visited,
    )
    return line + (f"\n{deal_line(i['open_deal'], lang=lang, tz=tz, settings=settings)}" if i.get("open_deal") else "")


def _item_line(i: dict[str, Any], lang: str, settings: Settings) -> str:
    """An open complaint or need: "• 「华为」的投诉(交付):交货延迟了 · 期限 03-13(周五)"."""
    reason = t(lang, "item.reason_paren", reason=_reason(i["reason"], lang, settings)) if i.get("reason") else ""
    return t(
        lang,
        "digest.item_line",
        customer=i["customer"],
        kind_word=t(lang, f"item.kind_{i['kind']}"),
        reason=reason,
        text=i["text"],
        due=fmt_date(date.fromisoformat(i["due_on"]), lang),
        rep=t(lang, "digest.item_rep", rep=i["rep"]) if i.get("rep") else "",
    )


def _daily(p: dict[str, Any], lang: str, tz: ZoneInfo, settings: Settings, limit: int) -> str:
    since = datetime.fromisoformat(p["since_at"]).astimezone(tz)
    head = t(
        lang,
        "digest.daily",
        team=p["team"],
        day=fmt_date(date.fromisoformat(p["day"]), lang),
        since=f"{fmt_date(since.date(), lang)} {since:%H:%M}",
    )
    sections = [head]

    def section(title: str, lines: list[str]) -> None:
        if lines:
            sections.append("\n".join([title, *cut(lines, limit, lang)]))

    visits = p.get("visits", [])
    section(
        t(lang, "digest.visits", total=sum(v["count"] for v in visits)),
        [t(lang, "digest.visit_line", rep=v["rep"], count=v["count"]) for v in visits],
    )
    section(
        t(lang, "digest.moves"),
        [
            t(
                lang,
                "digest.move_line",
                customer=m["customer"],
                deal=m["deal"],
                old=settings.stage_label(m["from"], lang),
                new=settings.stage_label(m["to"], lang),
                rep=m["rep"],
            )
            for m in p.get("moves", [])
        ],
    )
    for name in ("submitted", "approved"):
        section(
            t(lang, f"digest.{name}"),
            [
                t(lang, "digest.contract_line", customer=c["customer"], money=_money(c, lang), rep=c["rep"])
                for c in p.get(name, [])
            ],
        )
    payments = p.get("payments", [])
    section(
        t(lang, "digest.payments", totals=fmt_totals(_sum(payments), lang)),
        [t(lang, "digest.payment_line", customer=x["customer"], money=_money(x, lang)) for x in payments],
    )
    section(
        t(lang, "digest.follow_ups"),
        [
            t(
                lang,
                "digest.follow_up_line",
                rep=f["rep"],
                customer=f["customer"],
                time=f" {f['time']}" if f.get("time") else "",
            )
            for f in p.get("follow_ups", [])
        ],
    )
    section(
        t(lang, "digest.approvals"),
        [
            t(
                lang,
                "digest.approval_line",
                customer=a["customer"],
                money=_money(a, lang),
                approver=a["approver"],
                since=fmt_date(date.fromisoformat(a["since_on"]), lang),
            )
            for a in p.get("approvals", [])
        ],
    )
    items = p.get("items", [])
    section(t(lang, "digest.items", n=len(items)), [_item_line(i, lang, settings) for i in items])
    if p.get("targets"):
        from salesbot.i18n.reports import standing_line  # issue 21: attainment against the targets

        section(t(lang, "digest.targets"), [standing_line(s, lang) for s in p["targets"]])
    overdue = p.get("overdue", [])
    section(
        t(lang, "digest.overdue", n=len(overdue)),
        [
            t(lang, "digest.overdue_line", customer=o["customer"], money=_money(o, lang), days=o["days"], rep=o["rep"])
            for o in overdue
        ],
    )
    return "\n\n".join(sections)


def _weekly(p: dict[str, Any], lang: str, limit: int) -> str:
    monday = date.fromisoformat(p["week_on"])
    lines = [
        t(lang, "digest.weekly", team=p["team"], first=fmt_date(monday, lang), last=fmt_date(monday + WEEK, lang)),
        t(lang, "digest.week_visits", count=p["visits"]),
        *cut([t(lang, "digest.visit_line", rep=v["rep"], count=v["count"]) for v in p["visits_by_rep"]], limit, lang),
    ]
    for name in ("won", "lost", "approved", "payments"):
        block = p[name]
        if block["count"]:
            totals = {currency: Decimal(amount) for currency, amount in block["totals"].items()}
            lines.append(t(lang, f"digest.week_{name}", count=block["count"], totals=fmt_totals(totals, lang)))
    if p.get("targets"):
        from salesbot.i18n.reports import standing_line  # issue 21: attainment against the targets

        lines.extend(cut([standing_line(s, lang) for s in p["targets"]], limit, lang))
    if p.get("open_items"):
        lines.append(t(lang, "digest.week_open_items", **p["open_items"]))
    return "\n".join(lines)


def _retention(p: dict[str, Any], lang: str, settings: Settings, limit: int) -> str:
    """A manager's weekly retention summary (issue 20): key customers gone quiet with what they owe overdue, open
    complaints, last week's deals lost by reason."""
    monday = date.fromisoformat(p["week_on"])
    sections = [
        t(lang, "digest.retention", team=p["team"], first=fmt_date(monday, lang), last=fmt_date(monday + WEEK, lang))
    ]
    quiet = [
        t(
            lang,
            "digest.retention_quiet_line",
            customer=q["customer"],
            days=q["days"],
            step=t(lang, f"retention.level{q['level']}"),
            owed=t(lang, "digest.retention_owed", totals=fmt_totals(
                {c: Decimal(a) for c, a in q["owed"].items()}, lang)) if q["owed"] else "",
        )
        for q in p["quiet"]
    ]  # fmt: skip
    complaints = [
        t(
            lang,
            "digest.retention_complaint_line",
            customer=c["customer"],
            reason=_reason(c["reason"] or "", lang, settings),
            due=fmt_date(date.fromisoformat(c["due_on"]), lang),
            late=t(lang, "digest.retention_late") if c["late"] else "",
            rep=c["rep"],
        )
        for c in p["complaints"]
    ]
    lost = [t(lang, "digest.retention_lost_line", reason=_reason(r, lang, settings), n=n) for r, n in p["lost"]]
    for title, lines in (
        (t(lang, "digest.retention_quiet", n=len(quiet)), quiet),
        (t(lang, "digest.retention_complaints", n=len(complaints)), complaints),
        (t(lang, "digest.retention_lost", n=sum(n for _, n in p["lost"])), lost),
    ):
        sections.append("\n".join([title, *(cut(lines, limit, lang) if lines else [t(lang, "losses.nothing")])]))
    return "\n\n".join(sections)


def _reason(key: str, lang: str, settings: Settings) -> str:
    return settings.lost_reason_label(key, lang) if key else t(lang, "losses.no_reason")


def _money(item: dict[str, Any], lang: str) -> str:
    return fmt_money(item["amount"], item["currency"], lang)


def _sum(items: list[dict[str, Any]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for item in items:
        totals[item["currency"]] = totals.get(item["currency"], Decimal(0)) + Decimal(item["amount"])
    return totals
