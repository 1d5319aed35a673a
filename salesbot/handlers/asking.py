"""Asking what you need to know (issue 19): the agenda, a customer's story, how the team is doing.

- **agenda** ("这周要跟进哪些客户", "my follow-ups this week", `/agenda`): follow-ups, planned visits, installments,
  complaints and needs due, with two buttons for each of the first follow-ups and installments: a follow-up is marked
  done or moved (the follow-up flow, `handlers/follow_ups.py`); an installment is paid (the payment flow,
  `handlers/payments.py`, its amount filled in) or its due date moved (the schedule flow, `handlers/schedules.py`).
  The asker's target's attainment closes it. The morning brief is the same answer (`services/digests.py`).
- **brief** ("华为的情况", "tell me about Acme", `/brief 华为`): asks "which customer?" when none is named.
- answers: the team's period (`/team`; with the targets' attainment, and for a month or longer the trend and the
  team's attainment as PNGs), the silent reps, one rep's activity, the funnel with its chart (`/funnel`), the
  weighted forecast (`/forecast`).

```mermaid
stateDiagram-v2
    [*] --> listed: agenda with follow-ups or installments (buttons, nothing awaited)
    listed --> [*]: done pressed: the follow-up is closed
    listed --> follow_up: move pressed: the follow-up flow asks the day
    listed --> payment: paid pressed: the payment flow previews the installment's amount
    listed --> schedule: move pressed on an installment: the schedule flow asks the new due day
    [*] --> customer: brief, customer unclear
    customer --> [*]: the story
```

What each answer covers is decided in `services/asking.py` (the scope); this module only words it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from salesbot.handlers import customers, flows, follow_ups, payments, pipeline, schedules
from salesbot.handlers.lexicons import customer_index
from salesbot.handlers.messages import File, Reply
from salesbot.handlers.turn import Choice, Turn
from salesbot.i18n import cut, fmt_date, fmt_money, fmt_totals
from salesbot.i18n.digests import chart_labels
from salesbot.i18n.reports import standing_line
from salesbot.nlp import questions
from salesbot.nlp.intents import Understanding
from salesbot.services import asking, permissions, targets
from salesbot.services import customers as customer_service
from salesbot.services import visits as visit_service
from salesbot.services.errors import ServiceError

AGENDA, BRIEF = "agenda", "brief"
WITH_BUTTONS = 3  # follow-ups and installments offered as buttons (two each): a WeCom card shows at most six
PRESSABLE = ("follow_up", "installment")
LINES = 15  # lines of a list before "… and N more"


class AgendaState(StrEnum):
    CUSTOMER = customers.AWAITING  # never asked: every flow's enum has it


class BriefState(StrEnum):
    CUSTOMER = customers.AWAITING


def _today(turn: Turn) -> date:
    return turn.now_local().date()


def _period(turn: Turn, text: str, default: str) -> questions.Period:
    today = _today(turn)
    found = questions.period(text, today=today)
    if found is not None:
        return found
    if default == "coming":
        return questions.Period("coming", today, today + timedelta(days=7))
    period = questions.period({"this_week": "this week", "today": "today"}[default], today=today)
    assert period is not None
    return period


def _period_text(turn: Turn, period: questions.Period) -> str:
    last = period.end - timedelta(days=1)
    days = (
        fmt_date(period.start, turn.lang)
        if last == period.start
        else (f"{fmt_date(period.start, turn.lang)} – {fmt_date(last, turn.lang)}")
    )
    return turn.t("ask_period", name=turn.t(f"period_{period.key}"), days=days)


def _money(turn: Turn, amount: Decimal, currency: str) -> str:
    return fmt_money(amount, currency, turn.lang)


# --- the agenda ----------------------------------------------------------------------------------------------------


def agenda_start(turn: Turn, said: Understanding) -> None:
    show_agenda(turn, said.text)


def agenda_command(turn: Turn, args: str) -> None:
    show_agenda(turn, args)


def show_agenda(turn: Turn, text: str) -> None:
    period = _period(turn, text, "coming")
    late_only = questions.overdue_only(text)
    found = asking.agenda(turn.uow, turn.actor, start=period.start, end=period.end, overdue_only=late_only)
    if turn.scope.group:  # the asker's own agenda, but in a group only what the group's team may see
        shown = customer_service.shown_here(turn.uow, turn.scope, [item.customer_id for item in found.items])
        found = replace(found, items=tuple(item for item in found.items if item.customer_id in shown))
    head = turn.t("ask_overdue_head" if late_only else "ask_agenda_head", period=_period_text(turn, period))
    standing = _own_target(turn, found.today)
    if not found.items:
        turn.say("\n".join([head, turn.t("ask_agenda_empty"), *standing]))
        return
    lines = [_agenda_line(turn, item, found.today) for item in found.items]
    late = sum(item.overdue for item in found.items)
    text = "\n".join(
        [head, turn.t("ask_agenda_count", n=len(found.items), late=late), *cut(lines, LINES, turn.lang), *standing]
    )
    offered = [item for item in found.items if item.kind in PRESSABLE][:WITH_BUTTONS]
    if not offered:
        turn.say(text)
        return
    turn.start(AGENDA, {})
    rows = [_buttons(turn, item) for item in offered]
    turn.ask(text, rows, awaiting=None)  # a list, not a question: anything else said next simply moves on


def _own_target(turn: Turn, today: date) -> list[str]:
    """The asker's target and how much of it is done (issue 21), under the agenda."""
    mine = asking.attainment(turn.uow, turn.actor, asking.Scope("own", (turn.actor.id,)), day=today)
    return [standing_line(s, turn.lang) for s in mine]


def _buttons(turn: Turn, item: asking.AgendaItem) -> list[Choice]:
    """A follow-up: done, or move it. An installment: paid (the payment flow, its amount filled in), or move its
    due date (the schedule flow, which holds the rules of who may move it and how far)."""
    if item.kind == "installment":
        label = {"customer": item.customer, "seq": item.seq}
        return [
            Choice(turn.t("btn_installment_paid", **label), {"set": _pick(item, "paid")}),
            Choice(turn.t("btn_installment_move", **label), {"set": _pick(item, "move_due")}),
        ]
    return [
        Choice(turn.t("btn_follow_up_done", customer=item.customer), {"set": _pick(item, "done")}),
        Choice(turn.t("btn_follow_up_move", customer=item.customer), {"set": _pick(item, "move")}),
    ]


def _pick(item: asking.AgendaItem, act: str) -> dict[str, Any]:
    picked: dict[str, Any] = {
        "act": act,
        "visit_id": item.visit_id,
        "customer_id": item.customer_id,
        "customer": item.customer,
    }
    if item.kind == "installment":
        assert item.amount is not None
        picked.update(installment_id=item.installment_id, amount=str(item.amount), currency=item.currency)
    return picked


def _agenda_line(turn: Turn, item: asking.AgendaItem, today: date) -> str:
    when = turn.t("ask_late", days=(today - item.on).days) if item.overdue else fmt_date(item.on, turn.lang)
    if item.at:
        when += f" {item.at}"
    if item.kind == "installment":
        assert item.amount is not None and item.currency is not None
        return turn.t(
            "ask_agenda_installment",
            when=when,
            customer=item.customer,
            seq=item.seq,
            money=_money(turn, item.amount, item.currency),
        )
    if item.kind == "planned":
        return turn.t("ask_agenda_planned", when=when, customer=item.customer)
    if item.kind in ("complaint", "need"):
        return turn.t(
            "ask_agenda_item",
            when=when,
            customer=item.customer,
            kind_word=turn.t(f"item.kind_{item.kind}"),
            reason=_reason(turn, item.category),
            text=item.text or "",
        )
    step = turn.t("ask_next_step", step=item.next_step) if item.next_step else ""
    return turn.t("ask_agenda_follow_up", when=when, customer=item.customer, step=step)


def agenda_advance(turn: Turn) -> None:
    """A button of the agenda was pressed: the follow-up is closed, or the follow-up flow asks its new day."""
    assert turn.form is not None
    slots = turn.form.slots
    act = slots.get("act")
    if act == "done":
        closed = visit_service.close_follow_up(turn.uow, turn.actor, visit_id=int(slots["visit_id"]))
        turn.say(turn.t("follow_up_closed", customer=closed.customer))
        turn.finish()
        return
    turn.finish()
    customer = {"customer_id": slots["customer_id"], "customer": slots["customer"]}
    if act == "paid":
        # The payment flow as if the rep had said "收到X回款" with the installment's amount: it shows what the
        # money settles and records it on the tap (or sends it to finance), as always.
        day = turn.now_local().date().isoformat()
        turn.start(payments.FLOW, {"day": day, "amount": slots["amount"], "currency": slots["currency"], **customer})
        flows.flow(payments.FLOW).advance(turn)
        return
    if act == "move_due":
        schedules.move_installment(turn, installment_id=int(slots["installment_id"]), **customer)
        return
    turn.start(follow_ups.FLOW, {"done": False, "customer_id": slots["customer_id"], "customer": slots["customer"]})
    flows.flow(follow_ups.FLOW).advance(turn)


# --- a customer's story --------------------------------------------------------------------------------------------


def brief_start(turn: Turn, said: Understanding) -> None:
    customers.begin(turn, BRIEF, {}, said)


def brief_command(turn: Turn, args: str) -> None:
    turn.start(BRIEF, {})
    if not args:
        customers.ask(turn)
        return
    if customers.offer(turn, customer_index(turn.uow).lookup(args)):
        brief_advance(turn)


def brief_advance(turn: Turn) -> None:
    assert turn.form is not None
    customer_id = int(turn.form.slots["customer_id"])
    turn.finish()
    turn.say(story_text(turn, asking.story(turn.uow, turn.actor, customer_id=customer_id)))


def story_text(turn: Turn, story: asking.Story) -> str:
    t, lang, settings = turn.t, turn.lang, turn.settings
    lines = [t("ask_story_head", customer=story.customer, owner=story.owner or "-")]
    for deal in story.deals:
        lines.append(
            t(
                "ask_story_deal",
                deal=deal.title,
                stage=settings.stage_label(deal.stage, lang),
                money=_money(turn, deal.amount, deal.currency) if deal.amount is not None else "-",
                days=deal.days_in_stage,
            )
        )
    if not story.deals:
        lines.append(t("ask_story_no_deal"))
    if story.visits:
        lines.append(t("ask_story_visits"))
        for visit in story.visits:
            step = t("ask_next_step", step=visit.next_step) if visit.next_step else ""
            lines.append(
                t("ask_story_visit", on=fmt_date(visit.on, lang), rep=visit.rep, notes=visit.notes or "-", step=step)
            )
    else:
        lines.append(t("ask_story_no_visit"))
    if story.follow_up is not None:
        when = fmt_date(story.follow_up, lang) + (f" {story.follow_up_at}" if story.follow_up_at else "")
        lines.append(t("ask_story_follow_up", when=when))
    for contract in story.contracts:
        money = _money(turn, contract.amount, contract.currency)
        if contract.status == "pending":
            lines.append(
                t("ask_story_pending", money=money, on=fmt_date(contract.on, lang), approver=contract.approver or "-")
            )
        else:
            lines.append(t("ask_story_active", money=money, on=fmt_date(contract.on, lang)))
    if story.owed:
        late = (
            t(
                "ask_story_overdue",
                totals=fmt_totals(story.overdue, lang),
                since=fmt_date(story.oldest_overdue, lang),
            )
            if story.oldest_overdue is not None
            else ""
        )
        lines.append(t("ask_story_owed", totals=fmt_totals(story.owed, lang), late=late))
    for item in story.items:  # issue 20: the open complaints and needs
        lines.append(
            t(
                "ask_story_item",
                kind_word=t(f"item.kind_{item.kind}"),
                reason=_reason(turn, item.category),
                text=item.text,
                due=fmt_date(item.due_on, lang),
                late=t("ask_story_item_late") if item.late else "",
                owner=item.owner or "-",
            )
        )
    return "\n".join(lines)


def _reason(turn: Turn, category: str | None) -> str:
    if not category:
        return ""
    return turn.t("item.reason_paren", reason=turn.settings.lost_reason_label(category, turn.lang))


# --- the team ------------------------------------------------------------------------------------------------------


def _scope(turn: Turn, text: str) -> asking.Scope:
    """The asker's scope, narrowed to the group's team in a team group, or to the team the sentence names."""
    team_id = None
    if turn.scope.group:
        team_id = permissions.team_here(turn.scope, turn.actor)  # a group never hears company-wide figures
    elif turn.actor.role != "rep":
        team_id = asking.team_named(turn.uow, text)
    return asking.scope_for(turn.uow, turn.actor, team_id=team_id)


def _whose(turn: Turn, scope: asking.Scope) -> str:
    if scope.kind == "own":
        return turn.t("ask_scope_own")
    if scope.kind == "team":
        return turn.t("ask_scope_team", team=scope.team or "-")
    return turn.t("ask_scope_all")


def _own_note(turn: Turn, scope: asking.Scope, text: str) -> str:
    """A rep who asked about the team is told why they see their own figures only."""
    return "\n" + turn.t("ask_own_only") if scope.kind == "own" and questions.asks_team(text) else ""


Answer = Callable[[Turn, str, asking.Scope], None]


def _answer(turn: Turn, text: str, answer: Answer) -> None:
    try:
        answer(turn, text, _scope(turn, text))
    except ServiceError as refusal:
        turn.refused(refusal)


def _said(answer: Answer) -> Callable[[Turn, Understanding], None]:
    """The answer to a sentence: its text is read for the period, the team or the person."""
    return lambda turn, said: _answer(turn, said.text, answer)


def _command(answer: Answer) -> Callable[[Turn, str], None]:
    """The answer to a command: its arguments are read as a sentence would be ("/team 上个月")."""
    return lambda turn, args: _answer(turn, args, answer)


def _figures_line(turn: Turn, figures: asking.Figures) -> str:
    lang = turn.lang
    parts = [
        turn.t("ask_fig_visits", n=figures.visits),
        turn.t("ask_fig_new", n=figures.new_deals, totals=_totals(figures.new_value, lang)),
        turn.t("ask_fig_moves", n=figures.moves),
        turn.t("ask_fig_won", n=figures.won, totals=_totals(figures.won_value, lang)),
        turn.t("ask_fig_lost", n=figures.lost),
        turn.t("ask_fig_approved", n=figures.approved, totals=_totals(figures.approved_value, lang)),
        turn.t("ask_fig_paid", totals=fmt_totals(figures.paid, lang) if figures.paid else "0"),
    ]
    return " · ".join(parts)


def _totals(totals: dict[str, Decimal], lang: str) -> str:
    return f" ({fmt_totals(totals, lang)})" if totals else ""


def _team(turn: Turn, text: str, scope: asking.Scope) -> None:
    period = _period(turn, text, "this_week")
    found = asking.team_period(turn.uow, turn.actor, scope, start=period.start, end=period.end)
    lines = [
        turn.t("ask_team_head", whose=_whose(turn, scope), period=_period_text(turn, period)),
        _figures_line(turn, found.total),
    ]
    if found.lost_reasons:
        reasons = ", ".join(
            f"{turn.settings.lost_reason_label(r, turn.lang) if r else turn.t('ask_no_reason')} {n}"
            for r, n in sorted(found.lost_reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        lines.append(turn.t("ask_lost_reasons", reasons=reasons))
    if scope.kind != "own":
        names = {p.id: p.name for p in found.people}
        ranked = sorted(found.per_person.items(), key=lambda kv: (-kv[1].visits, names.get(kv[0], "")))
        people = [
            turn.t("ask_person_line", rep=names.get(user_id, "-"), figures=_figures_line(turn, figures))
            for user_id, figures in ranked
            if user_id in names
        ]
        if people:
            lines.append(turn.t("ask_by_person"))
            lines.extend(cut(people, LINES, turn.lang))
        silent = found.silent
        if silent:
            lines.append(turn.t("ask_silent_short", n=len(silent), names=_names(turn, silent)))
    today = _today(turn)
    # issue 21: the targets covering the period's last day so far (last month's for 上个月, this month's for 本月)
    standings = asking.attainment(turn.uow, turn.actor, scope, day=min(period.end - timedelta(days=1), today))
    if standings:
        lines.extend(cut([standing_line(s, turn.lang) for s in standings], LINES, turn.lang))
    said = "\n".join(lines) + _own_note(turn, scope, text)
    files = _period_charts(turn, scope, period, standings)
    if files:
        turn.replies.append(Reply(text=said, files=files))
        return
    turn.say(said)


def _period_charts(
    turn: Turn, scope: asking.Scope, period: questions.Period, standings: list[dict[str, Any]]
) -> tuple[File, ...]:
    """The period's trend (a month or longer: visits and payments per day or week, issue 19) and the team's
    attainment (issue 21), as PNGs; none for a short period with no team target."""
    trend = asking.trend(turn.uow, turn.actor, scope, start=period.start, end=period.end)
    drawn = trend is not None and (any(trend.visits) or trend.paid)
    if not drawn and not (standings and scope.kind != "own"):
        return ()
    from salesbot import charts  # matplotlib comes in with the first chart, not before

    files = []
    whose = _whose(turn, scope)
    if trend is not None and drawn:
        lang = turn.lang
        labels = [f"{d.month}/{d.day}" for d in trend.starts]
        series = [
            charts.Series(turn.t(f"chart.trend_visits_{trend.step}", n=sum(trend.visits)), trend.visits, counts=True)
        ]
        for currency, amounts in trend.paid.items():
            total = fmt_money(sum(amounts, Decimal(0)), currency, lang)
            title = turn.t(f"chart.trend_paid_{trend.step}", currency=currency, total=total)
            series.append(charts.Series(title, [charts.as_float(a) for a in amounts]))
        title = turn.t("chart.trend", whose=whose, period=_period_text(turn, period))
        files.append(File("trend.png", charts.PNG_MIME, charts.trend(title, labels, series)))
    if standings and scope.kind != "own":
        name, title, panels = chart_labels(targets.chart(standings), team=whose, lang=turn.lang, settings=turn.settings)
        bars = [charts.Panel(p, [charts.Bar(*row) for row in rows]) for p, rows in panels]
        files.append(File(name, charts.PNG_MIME, charts.bars(title, bars)))
    return tuple(files)


def _names(turn: Turn, people: tuple[asking.Person, ...]) -> str:
    names = [p.name for p in people]
    shown = names[:LINES]
    more = turn.t("more", n=len(names) - LINES) if len(names) > LINES else ""
    return turn.t("ask_list_sep").join(shown) + (f" {more}" if more else "")


def _silent(turn: Turn, text: str, scope: asking.Scope) -> None:
    period = _period(turn, text, "this_week")
    found = asking.team_period(turn.uow, turn.actor, scope, start=period.start, end=period.end)
    if scope.kind == "own":
        mine = found.per_person.get(turn.actor.id, asking.Figures())
        turn.say(
            turn.t("ask_own_visits", period=_period_text(turn, period), n=mine.visits) + _own_note(turn, scope, text)
        )
        return
    silent = found.silent
    reps = sum(1 for p in found.people if p.role == "rep")
    if not silent:
        turn.say(turn.t("ask_silent_none", whose=_whose(turn, scope), period=_period_text(turn, period), reps=reps))
        return
    turn.say(
        turn.t(
            "ask_silent",
            whose=_whose(turn, scope),
            period=_period_text(turn, period),
            n=len(silent),
            reps=reps,
            names=_names(turn, silent),
        )
    )


def _activity(turn: Turn, text: str, scope: asking.Scope) -> None:
    period = _period(turn, text, "this_week")
    person = asking.person_named(turn.uow, scope, text)
    note = ""
    if person is None:
        named = asking.anyone_named(turn.uow, text)
        if named is not None and named.id != turn.actor.id:
            if scope.kind != "own":
                turn.say(turn.t("ask_person_not_yours", rep=named.name))
                return
            note = "\n" + turn.t("ask_own_only")
        elif scope.kind != "own":
            turn.say(turn.t("ask_activity_who"))
            return
        person = asking.Person(turn.actor.id, turn.actor.name, turn.actor.role)
    found = asking.team_period(
        turn.uow,
        turn.actor,
        asking.Scope("own", (person.id,)),
        start=period.start,
        end=period.end,
        customers_of=person.id,
    )
    figures = found.per_person.get(person.id, asking.Figures())
    visited = found.visited.get(person.id, ())
    lines = [
        turn.t(
            "ask_activity_head",
            rep=person.name,
            period=_period_text(turn, period),
            visits=figures.visits,
            customers=figures.customers,
        )
    ]
    if visited:
        lines.append(turn.t("ask_list_sep").join(visited[:LINES]))
    lines.append(_figures_line(turn, figures))
    turn.say("\n".join(lines) + note)


def funnel_start(turn: Turn, said: Understanding) -> None:
    if turn.actor.role == "rep" and questions.period(said.text, today=_today(turn)) is None and _bare(said.text):
        pipeline.list_mine(turn, said)  # "pipeline" alone is a rep's own deals, as it always was
        return
    _answer(turn, said.text, _funnel)


def _bare(text: str) -> bool:
    return text.strip().rstrip("?？").strip().lower() == "pipeline"


def _funnel(turn: Turn, text: str, scope: asking.Scope) -> None:
    found = asking.funnel(turn.uow, turn.actor, scope)
    lang, settings = turn.lang, turn.settings
    lines = [turn.t("ask_funnel_head", whose=_whose(turn, scope), n=found.deals)]
    for row in found.stages:
        lines.append(
            turn.t(
                "ask_funnel_line",
                stage=settings.stage_label(row.stage, lang),
                n=row.deals,
                totals=_totals(row.value, lang),
            )
        )
    if found.deals:
        lines.append(turn.t("ask_funnel_total", totals=fmt_totals(found.total(), lang)))
    text_out = "\n".join(lines) + _own_note(turn, scope, text)
    if not found.deals:
        turn.say(text_out)
        return
    from salesbot import charts  # matplotlib comes in with the first chart, not before

    bars = [charts.Bar(settings.stage_label(r.stage, lang), float(r.deals), str(r.deals)) for r in found.stages]
    title = turn.t("chart.funnel", team=_whose(turn, scope), total=found.deals)
    turn.replies.append(Reply(text=text_out, files=(File("funnel.png", "image/png", charts.funnel(title, bars)),)))


def _forecast(turn: Turn, text: str, scope: asking.Scope) -> None:
    found = asking.funnel(turn.uow, turn.actor, scope)
    lang, settings = turn.lang, turn.settings
    lines = [turn.t("ask_forecast_head", whose=_whose(turn, scope), n=found.deals)]
    for row in found.stages:
        if not row.deals:
            continue
        lines.append(
            turn.t(
                "ask_forecast_line",
                stage=settings.stage_label(row.stage, lang),
                percent=f"{(row.probability * 100).normalize():f}",
                n=row.deals,
                value=fmt_totals(row.value, lang) if row.value else "0",
                weighted=fmt_totals(row.weighted, lang) if row.weighted else "0",
            )
        )
    weighted = found.total(weighted=True)
    lines.append(turn.t("ask_forecast_total", totals=fmt_totals(weighted, lang) if weighted else "0"))
    turn.say("\n".join(lines) + _own_note(turn, scope, text))


flows.declare_flow(
    AGENDA,
    states=AgendaState,
    start=agenda_start,
    advance=agenda_advance,
    intents=("agenda",),
    commands={"/agenda": agenda_command},
    topic="topic_agenda",
)
flows.declare_flow(
    BRIEF,
    states=BriefState,
    start=brief_start,
    advance=brief_advance,
    intents=("customer_brief",),
    commands={"/brief": brief_command},
    topic="topic_brief",
)
flows.declare_answer(start=_said(_team), intents=("team_report",), commands={"/team": _command(_team)})
flows.declare_answer(start=_said(_silent), intents=("silent_reps",))
flows.declare_answer(start=_said(_activity), intents=("rep_activity",))
flows.declare_answer(start=funnel_start, intents=("funnel",), commands={"/funnel": _command(_funnel)})
flows.declare_answer(start=_said(_forecast), intents=("forecast",), commands={"/forecast": _command(_forecast)})
