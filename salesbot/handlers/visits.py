"""Logging a visit (on the day it happened), and its follow-up.

```mermaid
stateDiagram-v2
    [*] --> customer: customer unclear
    [*] --> planned: a visit still to come ("明天去拜访华为")
    [*] --> logged: customer known
    planned --> [*]: plan it as a follow-up / cancel
    planned --> logged: "it happened today"
    customer --> logged: picked / typed / created
    logged --> [*]: follow-up date in the message
    logged --> follow_up: no date (or a past one)
    follow_up --> follow_up_date: "another day"
    follow_up --> [*]: tomorrow / next week / none
    follow_up_date --> [*]: a readable future date
```
"""

from __future__ import annotations

from datetime import date, time, timedelta
from enum import StrEnum
from typing import Any

from salesbot.handlers import customers, flows
from salesbot.handlers.turn import Choice, Turn
from salesbot.i18n import fmt_date, fmt_when
from salesbot.nlp import steering
from salesbot.nlp.dates import DateError, DateReading, parse_date
from salesbot.nlp.intents import Understanding
from salesbot.services import reminders, visits
from salesbot.services.errors import Invalid
from salesbot.services.visits import FollowUp, VisitLogged

FLOW = "visit"
PAST = ("past_date", "past_time")


class Awaiting(StrEnum):
    CUSTOMER = customers.AWAITING
    PLANNED = "planned"
    FOLLOW_UP = "follow_up"
    FOLLOW_UP_DATE = "follow_up_date"


def start(turn: Turn, said: Understanding) -> None:
    slots: dict[str, Any] = {"notes": said.text, "next_step": said.next_step}
    if said.date is not None:
        slots["follow_up"] = encode(said.date)
        if steering.plans_visit(said.text) and said.date.date > turn.now_local().date():
            slots["planned"] = True  # not yet happened: asked before anything is logged
    elif said.date_error is not None and said.date_error.code == "past":
        slots["past_date"] = said.date_error.phrase
    if said.occurred_on is not None:
        slots["visited_on"] = said.occurred_on.isoformat()
    customers.begin(turn, FLOW, slots, said)


def advance(turn: Turn) -> None:
    assert turn.form is not None
    slots = turn.form.slots
    if slots.get("planned"):
        _ask_planned(turn, slots)
        return
    if slots.get("plan_only"):
        follow_up = decode(slots["follow_up"])
        assert follow_up is not None
        reminders.remind(
            turn.uow,
            turn.actor,
            on=follow_up.on,
            at=follow_up.at,
            customer_id=int(slots["customer_id"]),
            note=slots.get("next_step"),
            kind="planned_visit",
        )
        when = fmt_when(follow_up.on, follow_up.at, turn.lang)
        note = off_day_note(turn, slots["follow_up"], "off_day.reminder")
        turn.say(turn.t("visit_plan_set", customer=slots["customer"], when=when) + note)
        turn.finish()
        return
    if "visit_id" not in slots:
        _log(turn, slots)
        return
    if "follow_up" in slots:
        _set_follow_up(turn, slots)


def on_text(turn: Turn, text: str, said: Understanding) -> bool:
    assert turn.form is not None
    if turn.form.awaiting in (Awaiting.FOLLOW_UP, Awaiting.FOLLOW_UP_DATE):
        try:
            reading = parse_date(text, now=turn.now_local(), calendar=turn.calendar)
        except DateError as exc:
            if exc.code == "past":
                _ask_follow_up(turn, warning=turn.t("date_past", date=exc.phrase))
                return True
            return False
        turn.form.slots["follow_up"] = encode(reading)
        turn.answered()
        return True
    return False


def _ask_planned(turn: Turn, slots: dict[str, Any]) -> None:
    """"明天去拜访华为": a visit to come is not logged as done; the rep says which they meant."""
    follow_up = decode(slots["follow_up"])
    assert follow_up is not None
    when = fmt_when(follow_up.on, follow_up.at, turn.lang)
    turn.ask(
        turn.t("visit_planned", customer=slots["customer"], when=when),
        [
            [Choice(turn.t("btn_plan_visit", when=when), {"set": {"planned": False, "plan_only": True}})],
            [Choice(turn.t("btn_visited_today"), {"set": {"planned": False, "follow_up": None}})],
            [turn.cancel_choice()],
        ],
        awaiting=Awaiting.PLANNED,
    )


def _log(turn: Turn, slots: dict[str, Any]) -> None:
    """Record the visit; a follow-up date in the past is refused on its own, and asked for again."""
    past = slots.pop("past_date", None)
    warning = turn.t("date_past", date=past) if past else None
    visited_on = date.fromisoformat(slots["visited_on"]) if slots.get("visited_on") else None

    def log(follow_up: FollowUp | None) -> VisitLogged:
        return visits.log_visit(
            turn.uow,
            turn.actor,
            customer_id=int(slots["customer_id"]),
            notes=str(slots["notes"]),
            next_step=slots.get("next_step"),
            follow_up=follow_up,
            visited_on=visited_on,
        )

    said = slots.pop("follow_up", None)
    try:
        logged = log(decode(said))
    except Invalid as exc:
        if exc.code not in PAST:
            raise
        logged = log(None)  # the visit happened whatever the date: keep it
        warning = turn.t("date_past", date=exc.params["date"])
    slots["visit_id"] = logged.visit_id
    turn.say(_logged_text(turn, logged, said))
    if logged.follow_up is not None:
        turn.finish()
        return
    _ask_follow_up(turn, warning=warning)


def _ask_follow_up(turn: Turn, *, warning: str | None = None) -> None:
    today = turn.now_local().date()
    question = turn.t("ask_follow_up")
    turn.ask(
        f"{warning}\n{question}" if warning else question,
        [
            [
                Choice(
                    turn.t("btn_tomorrow"),
                    {"set": {"follow_up": {"on": (today + timedelta(days=1)).isoformat()}}},
                ),
                Choice(
                    turn.t("btn_next_week"),
                    {"set": {"follow_up": {"on": (today + timedelta(days=7)).isoformat()}}},
                ),
            ],
            [
                Choice(turn.t("btn_other_day"), {"await": Awaiting.FOLLOW_UP_DATE, "question": "ask_follow_up_date"}),
                Choice(turn.t("btn_no_follow_up"), {"set": {"follow_up": None}}),
            ],
        ],
        awaiting=Awaiting.FOLLOW_UP,
    )


def _set_follow_up(turn: Turn, slots: dict[str, Any]) -> None:
    follow_up_said = slots.get("follow_up")
    follow_up = decode(follow_up_said)
    if follow_up is None:
        turn.say(turn.t("follow_up_none"))
        turn.finish()
        return
    try:
        logged = visits.set_follow_up(turn.uow, turn.actor, visit_id=int(slots["visit_id"]), follow_up=follow_up)
    except Invalid as exc:
        if exc.code not in PAST:
            raise
        slots.pop("follow_up")
        _ask_follow_up(turn, warning=turn.t("date_past", date=exc.params["date"]))
        return
    turn.say(follow_up_text(turn, logged, follow_up_said))
    turn.finish()


def _logged_text(turn: Turn, logged: VisitLogged, said: object = None) -> str:
    text = turn.t("visit_logged", customer=logged.customer, visited_on=fmt_date(logged.visited_on, turn.lang))
    if logged.attachments:
        text += "\n" + turn.t("visit_attachments", n=logged.attachments)
    if logged.follow_up is not None:
        text += "\n" + follow_up_text(turn, logged, said)
    return text


def follow_up_text(turn: Turn, logged: VisitLogged, said: object = None) -> str:
    """The follow-up set, and why its day is not the one counted to when a relative phrase (`said`, as `encode`
    keeps it) fell on a day off."""
    assert logged.follow_up is not None
    step = turn.t("visit_next_step", next_step=logged.next_step) if logged.next_step else ""
    when = fmt_when(logged.follow_up.on, logged.follow_up.at, turn.lang)
    return turn.t("visit_follow_up", when=when, next_step=step) + off_day_note(turn, said)


def encode(reading: DateReading) -> dict[str, str | None]:
    value = {"on": reading.date.isoformat(), "at": reading.time.strftime("%H:%M") if reading.time else None}
    if reading.moved_from is not None:
        # Kept so the reply can say why the day is not the one the phrase counts to.
        value |= {"moved_from": reading.moved_from.isoformat(), "phrase": reading.phrase}
    return value


def off_day_note(turn: Turn, value: object, key: str = "off_day.follow_up") -> str:
    """A line saying why the day is not the one a relative phrase counted to (三天后是 2026-12-12(周六),休息日,
    跟进改到 2026-12-14(周一)。) when that was a day off of the team's calendar; else ""."""
    if not isinstance(value, dict) or not value.get("moved_from"):
        return ""
    day, moved = date.fromisoformat(value["moved_from"]), date.fromisoformat(value["on"])
    return "\n" + turn.t(key, phrase=value["phrase"], day=fmt_date(day, turn.lang), moved=fmt_date(moved, turn.lang))


def decode(value: object) -> FollowUp | None:
    if not isinstance(value, dict):
        return None
    at = value.get("at")
    return FollowUp(on=date.fromisoformat(value["on"]), at=time.fromisoformat(at) if at else None)


flows.declare_flow(
    FLOW,
    states=Awaiting,
    start=start,
    advance=advance,
    on_text=on_text,
    intents=("visit",),
    topic="topic_visit",
)
