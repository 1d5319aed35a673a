"""A reminder asked for in a sentence: "提醒我周五找京东收20万" / "remind me to call Initech tomorrow at 3pm". The
customer is optional; the day is asked for when the sentence has none.

```mermaid
stateDiagram-v2
    [*] --> customer: several customers match
    [*] --> when: no day said
    customer --> when: no day said
    customer --> [*]: set
    when --> [*]: a readable future day
```
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from salesbot.handlers import customers, flows, visits
from salesbot.handlers.turn import Turn
from salesbot.i18n import fmt_when
from salesbot.nlp import steering
from salesbot.nlp.intents import Understanding
from salesbot.services import reminders

FLOW = "reminder"


class Awaiting(StrEnum):
    CUSTOMER = customers.AWAITING
    WHEN = "when"


def start(turn: Turn, said: Understanding) -> None:
    slots: dict[str, Any] = {"note": steering.reminder_note(said.next_step or said.text)}
    if said.date is not None:
        slots["on"] = visits.encode(said.date)
    elif said.date_error is not None and said.date_error.code == "past":
        turn.say(turn.t("date_past_reminder", date=said.date_error.phrase))
        return
    if said.customer.kind == "none":
        turn.start(FLOW, slots)  # a reminder about no customer in particular
        advance(turn)
        return
    customers.begin(turn, FLOW, slots, said)


def advance(turn: Turn) -> None:
    assert turn.form is not None
    slots = turn.form.slots
    when = visits.decode(slots.get("on"))
    if when is None:
        turn.ask(turn.t("ask_reminder_when"), [[turn.cancel_choice()]], awaiting=Awaiting.WHEN)
        return
    reminders.remind(
        turn.uow,
        turn.actor,
        on=when.on,
        at=when.at,
        customer_id=int(slots["customer_id"]) if slots.get("customer_id") else None,
        note=slots["note"],
    )
    note = visits.off_day_note(turn, slots["on"], "off_day.reminder")
    turn.say(turn.t("reminder_set", when=fmt_when(when.on, when.at, turn.lang), note=slots["note"]) + note)
    turn.finish()


def on_text(turn: Turn, text: str, said: Understanding) -> bool:
    assert turn.form is not None
    if turn.form.awaiting != Awaiting.WHEN:
        return False
    reading = turn.date_answer(text, past="date_past_reminder")
    if reading is None:
        return True
    turn.form.slots["on"] = visits.encode(reading)
    turn.answered()
    return True


flows.declare_flow(
    FLOW,
    states=Awaiting,
    start=start,
    advance=advance,
    on_text=on_text,
    intents=("reminder",),
    topic="topic_reminder",
)
