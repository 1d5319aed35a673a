"""An existing follow-up, moved or closed in one sentence: "小米的跟进改到下周三" / "push Acme's follow-up to
Friday" moves it (no new visit is logged, and the old reminder will not fire); "华为的跟进做完了" / "done with
the Acme follow-up" closes it.

```mermaid
stateDiagram-v2
    [*] --> customer: customer unclear
    [*] --> day: a move with no day
    customer --> day: a move with no day
    customer --> [*]: moved / closed
    day --> [*]: a readable future day
```
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from salesbot.handlers import customers, flows, visits
from salesbot.handlers.turn import Turn
from salesbot.nlp.intents import Understanding
from salesbot.services import visits as visit_service

FLOW = "follow_up"


class Awaiting(StrEnum):
    CUSTOMER = customers.AWAITING
    DAY = "day"


def start(turn: Turn, said: Understanding) -> None:
    slots: dict[str, Any] = {"done": said.intent == "follow_up_done"}
    if said.date is not None:
        slots["follow_up"] = visits.encode(said.date)
    elif said.date_error is not None and said.date_error.code == "past":
        turn.say(turn.t("date_past", date=said.date_error.phrase))
        return
    customers.begin(turn, FLOW, slots, said)


def advance(turn: Turn) -> None:
    assert turn.form is not None
    slots = turn.form.slots
    current = visit_service.follow_up_of(turn.uow, turn.actor, customer_id=int(slots["customer_id"]))
    if slots["done"]:
        visit_service.close_follow_up(turn.uow, turn.actor, visit_id=current.visit_id)
        turn.say(turn.t("follow_up_closed", customer=current.customer))
        turn.finish()
        return
    if "follow_up" not in slots:
        turn.ask(
            turn.t("ask_follow_up_move", customer=current.customer),
            [[turn.cancel_choice()]],
            awaiting=Awaiting.DAY,
        )
        return
    moved = visit_service.set_follow_up(
        turn.uow, turn.actor, visit_id=current.visit_id, follow_up=visits.decode(slots["follow_up"])
    )
    turn.say(
        turn.t("follow_up_moved", customer=moved.customer) + visits.follow_up_text(turn, moved, slots["follow_up"])
    )
    turn.finish()


def on_text(turn: Turn, text: str, said: Understanding) -> bool:
    assert turn.form is not None
    if turn.form.awaiting != Awaiting.DAY:
        return False
    reading = turn.date_answer(text)
    if reading is None:
        return True
    turn.form.slots["follow_up"] = visits.encode(reading)
    turn.answered()
    return True


flows.declare_flow(
    FLOW,
    states=Awaiting,
    start=start,
    advance=advance,
    on_text=on_text,
    intents=("follow_up_move", "follow_up_done"),
    topic="topic_follow_up",
)
