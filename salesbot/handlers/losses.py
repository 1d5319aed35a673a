"""Why we lose (issue 20): "丢单原因分析" / "why are we losing deals" answers in one message with a chart: the deals
lost by reason and by rep, the customers gone quiet by rep, and the complaints by category, over a period (the
last 90 days unless the question names this month, last month, this quarter or this year)."""

from __future__ import annotations

from salesbot.handlers import flows
from salesbot.handlers.messages import File, Reply
from salesbot.handlers.turn import Turn
from salesbot.nlp.intents import Understanding
from salesbot.services import losses, permissions


def answer(turn: Turn, said: Understanding) -> None:
    explain(turn, said.text)


def command(turn: Turn, args: str) -> None:
    explain(turn, args)


def explain(turn: Turn, words: str) -> None:
    team_id = permissions.team_here(turn.scope, turn.actor)  # in a group: its team, whoever asks
    since, until = losses.period(turn.now_local().date(), words)
    found = losses.why_we_lose(turn.uow, turn.actor, since=since, until=until, team_id=team_id)
    span = turn.t("losses.span", since=since.isoformat(), until=until.isoformat())
    if found.empty:
        turn.say(turn.t("losses.none", span=span))
        return
    reasons = [(_reason(turn, r), n) for r, n in found.lost_by_reason]
    categories = [(_reason(turn, c), n) for c, n in found.complaints_by_category]
    sections = [
        (turn.t("losses.by_reason"), reasons),
        (turn.t("losses.by_rep"), list(found.lost_by_rep)),
        (turn.t("losses.quiet_by_rep"), list(found.quiet_by_rep)),
        (turn.t("losses.complaints"), categories),
    ]
    lines = [turn.t("losses.title", span=span, lost=sum(n for _, n in found.lost_by_reason))]
    for title, rows in sections:
        lines.append(f"\n{title}")
        lines.extend(f"• {label}: {n}" for label, n in rows) if rows else lines.append(turn.t("losses.nothing"))
    chart = _chart(turn, turn.t("losses.chart", span=span), [(t, rows) for t, rows in sections if rows])
    turn.replies.append(Reply(text="\n".join(lines), files=(File(name="losses.png", mime=chart[0], data=chart[1]),)))


def _reason(turn: Turn, key: str) -> str:
    return turn.settings.lost_reason_label(key, turn.lang) if key else turn.t("losses.no_reason")


def _chart(turn: Turn, title: str, sections: list[tuple[str, list[tuple[str, int]]]]) -> tuple[str, bytes]:
    from salesbot import charts  # matplotlib comes in with the first chart

    panels = [
        charts.Panel(name, [charts.Bar(label, float(n), str(n)) for label, n in rows[:8]]) for name, rows in sections
    ]
    return charts.PNG_MIME, charts.bars(title, panels)


flows.declare_answer(start=answer, intents=("why_lost",), commands={"/losses": command})
