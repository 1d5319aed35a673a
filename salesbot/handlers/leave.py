"""Leave (请假, issue 21): "我明天请假" / "下周一到周三休假" / "I'm off on Friday" / `/leave 明天` records days off;
"张伟下周请假" / "Tom is off on Friday" is a manager recording a rep's; "取消请假" / "明天不请假了" / `/leave cancel`
takes it back; "我的请假" / "who's off" / `/leave` shows what is coming. No 日报 is drafted and no nudge sent on
those days.

```mermaid
stateDiagram-v2
    [*] --> recorded: the days are in the sentence
    [*] --> days: "我要请假" names no day
    days --> recorded: the next message names them
    days --> days: no day in it: asked again
    [*] --> cancelled: 取消请假
    [*] --> listed: 我的请假
```
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from salesbot.handlers import flows
from salesbot.handlers.turn import Turn
from salesbot.i18n import fmt_date
from salesbot.nlp import leave as said_leave
from salesbot.nlp.intents import Understanding
from salesbot.services import leave

FLOW = "leave"


class Awaiting(StrEnum):
    DAYS = "days"


def start(turn: Turn, said: Understanding) -> None:
    _from_text(turn, said.text)


def _from_text(turn: Turn, text: str) -> None:
    asked = said_leave.parse(text, now=turn.now_local(), calendar=leave.calendar_of(turn.uow, turn.actor.id))
    who = _someone(turn, asked.who)
    if asked.starts_on is None or asked.ends_on is None:
        turn.start(FLOW, {"who": who, "note": asked.note})
        turn.ask(turn.t("leave.ask_days"), [[turn.cancel_choice()]], awaiting=Awaiting.DAYS)
        return
    _take(turn, who, asked.starts_on, asked.ends_on, asked.note)


def on_text(turn: Turn, text: str, said: Understanding) -> bool:
    assert turn.form is not None
    if turn.form.awaiting != Awaiting.DAYS:
        return False
    days = said_leave.days_from(text, now=turn.now_local(), calendar=leave.calendar_of(turn.uow, turn.actor.id))
    if days is None:
        if said.intent != "unknown":
            return False  # a new request, not the days: the question waits for it
        turn.reask(turn.t("leave.days_unreadable"))
        return True
    slots = turn.form.slots
    turn.finish()
    _take(turn, slots.get("who"), days[0], days[1], slots.get("note"))
    return True


def _someone(turn: Turn, who: str | None) -> str | None:
    """The name said, when it is a colleague's; words before 请假 that name nobody are a reason ("家里有事")."""
    return who if who is not None and leave.known(turn.uow, who) else None


def _take(turn: Turn, who: str | None, first: date, last: date, note: str | None) -> None:
    done = leave.take(turn.uow, turn.actor, starts_on=first, ends_on=last, user_name=who, note=note)
    params = {"period": period(turn, done), "days": done.working_days, "note": _note(turn, done.note)}
    if done.who == turn.actor.name and who is None:
        turn.say(turn.t("leave.taken_self", **params))
    else:
        turn.say(turn.t("leave.taken_other", who=done.who, **params))


def cancel(turn: Turn, said: Understanding) -> None:
    _cancel(turn, said.text)


def _cancel(turn: Turn, text: str) -> None:
    now = turn.now_local()
    who = _someone(turn, said_leave.who(text, now=now))
    on = said_leave.cancel_day(text, now=now, calendar=leave.calendar_of(turn.uow, turn.actor.id))
    name, cancelled, kept = leave.cancel(turn.uow, turn.actor, today=now.date(), on=on, user_name=who)
    whose = turn.t("leave.you") if who is None else turn.t("leave.whose", who=name)
    text_out = turn.t("leave.cancelled", who=whose, periods=", ".join(period(turn, p) for p in cancelled))
    if kept:
        text_out += "\n" + turn.t("leave.kept", periods=", ".join(period(turn, p) for p in kept))
    turn.say(text_out)


def show(turn: Turn, said: Understanding | None = None) -> None:
    found = leave.upcoming(turn.uow, turn.actor, today=turn.now_local().date())
    if not found:
        turn.say(turn.t("leave.list_none"))
        return
    lines = [
        turn.t("leave.list_line", who=p.who, period=period(turn, p), days=p.working_days, note=_note(turn, p.note))
        for p in found
    ]
    turn.say("\n".join([turn.t("leave.list_head"), *lines]))


def command(turn: Turn, args: str) -> None:
    """/leave: what is coming; /leave cancel [day]: take it back; /leave <days>: record them."""
    word, _, rest = args.partition(" ")
    if not args:
        show(turn)
    elif word.lower() in ("cancel", "取消"):
        _cancel(turn, "取消请假 " + rest)
    else:
        _from_text(turn, args)


def period(turn: Turn, p: leave.Period) -> str:
    if p.starts_on == p.ends_on:
        return turn.t("leave.period_one", day=fmt_date(p.starts_on, turn.lang))
    return turn.t(
        "leave.period_range", since=fmt_date(p.starts_on, turn.lang), until=fmt_date(p.ends_on, turn.lang)
    )


def _note(turn: Turn, note: str | None) -> str:
    return turn.t("leave.note", note=note) if note else ""


flows.declare_flow(
    FLOW,
    states=Awaiting,
    start=start,
    on_text=on_text,
    intents=("leave",),
    commands={"/leave": command},
    topic="topic_leave",
)
flows.declare_answer(start=cancel, intents=("leave_cancel",))
flows.declare_answer(start=show, intents=("leave_list",))
