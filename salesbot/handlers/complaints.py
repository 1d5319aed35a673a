"""Complaints and needs (issue 20): "华为投诉交货延迟了" / "Acme complained about support response times" /
"美的提了个需求:要和他们的ERP对接" opens an item; which of the eight reasons a complaint is about is read from the
sentence, or asked with a button each. "华为的投诉处理完了" closes it, and the rep taps how the customer took it.

```mermaid
stateDiagram-v2
    [*] --> customer: customer unclear
    customer --> category: a complaint whose reason the sentence does not say
    [*] --> category: a complaint whose reason the sentence does not say
    category --> [*]: opened
    customer --> [*]: opened
    [*] --> reaction: closed
    customer --> reaction: closed
    reaction --> [*]: 满意 / 一般 / 不满意
```
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from salesbot.handlers import customers, flows
from salesbot.handlers.turn import Choice, Turn
from salesbot.nlp import retention as reading
from salesbot.nlp.intents import Understanding
from salesbot.services import complaints

FLOW = "item"


class Awaiting(StrEnum):
    CUSTOMER = customers.AWAITING
    CATEGORY = "category"
    REACTION = "reaction"


_REACTION_WORDS = (
    ("unsatisfied", re.compile(r"不满意|不满|\bunsatisfied\b|\bunhappy\b|\bdissatisfied\b|\bnot\s+happy\b", re.I)),
    ("neutral", re.compile(r"一般|还行|凑合|\bneutral\b|\bso-so\b|\bokay\b|\bok\b", re.I)),
    ("satisfied", re.compile(r"满意|挺好|很好|\bsatisfied\b|\bhappy\b|\bpleased\b", re.I)),
)
_KIND_WORDS = (("complaint", re.compile(r"投诉|complain", re.I)), ("need", re.compile(r"需求|request|need", re.I)))


def start(turn: Turn, said: Understanding) -> None:
    if said.intent == "item_close":
        kind = next((k for k, pattern in _KIND_WORDS if pattern.search(said.text)), None)
        customers.begin(turn, FLOW, {"close": True, "kind": kind}, said)
        return
    slots: dict[str, Any] = {"kind": said.intent, "text": reading.what_was_said(said.text)}
    if said.intent == "complaint":
        slots["category"] = reading.reason(said.text)
    customers.begin(turn, FLOW, slots, said)


def advance(turn: Turn) -> None:
    assert turn.form is not None
    slots = turn.form.slots
    if slots.get("close"):
        _advance_close(turn, slots)
        return
    if slots["kind"] == "complaint" and not slots.get("category"):
        reasons = turn.settings.lost_reasons
        rows = [
            [
                Choice(turn.settings.lost_reason_label(r, turn.lang), {"set": {"category": r}})
                for r in reasons[i : i + 2]
            ]
            for i in range(0, len(reasons), 2)
        ]
        turn.ask(turn.t("item.ask_category", customer=slots["customer"]), [*rows, [turn.cancel_choice()]],
                 awaiting=Awaiting.CATEGORY)  # fmt: skip
        return
    item = complaints.open_item(
        turn.uow, turn.actor, customer_id=int(slots["customer_id"]), kind=slots["kind"], text=slots["text"],
        category=slots.get("category"),
    )  # fmt: skip
    said = turn.t(
        f"item.opened_{item.kind}",
        customer=item.customer,
        text=item.text,
        reason=turn.settings.lost_reason_label(item.category, turn.lang) if item.category else "",
        due=turn.t("item.due", due=item.due_on.isoformat()),
    )
    turn.say(said + (("\n" + turn.t("item.manager_told")) if item.manager_told else ""))
    turn.finish()


def _advance_close(turn: Turn, slots: dict[str, Any]) -> None:
    if "item_id" not in slots:
        item = complaints.close_item(turn.uow, turn.actor, customer_id=int(slots["customer_id"]), kind=slots["kind"])
        slots["item_id"] = item.id
        choices = [[Choice(turn.t(f"item.reaction_{r}"), {"set": {"reaction": r}}) for r in complaints.REACTIONS]]
        turn.ask(turn.t(f"item.closed_{item.kind}", customer=item.customer), choices, awaiting=Awaiting.REACTION)
        return
    complaints.react(turn.uow, turn.actor, item_id=int(slots["item_id"]), reaction=slots["reaction"])
    turn.say(
        turn.t("item.reaction_kept", customer=slots["customer"], reaction=turn.t(f"item.reaction_{slots['reaction']}"))
    )
    turn.finish()


def on_text(turn: Turn, text: str, said: Understanding) -> bool:
    assert turn.form is not None
    if turn.form.awaiting == Awaiting.CATEGORY:
        category = reading.reason(text) or next(
            (r for r in turn.settings.lost_reasons if text.strip() == turn.settings.lost_reason_label(r, turn.lang)),
            None,
        )
        if category is None:
            return False
        turn.form.slots["category"] = category
    elif turn.form.awaiting == Awaiting.REACTION:
        reaction = next((r for r, pattern in _REACTION_WORDS if pattern.search(text)), None)
        if reaction is None:
            return False
        turn.form.slots["reaction"] = reaction
    else:
        return False
    turn.answered()
    return True


flows.declare_flow(
    FLOW, states=Awaiting, start=start, advance=advance, on_text=on_text,
    intents=("complaint", "need", "item_close"), topic="topic_item",
)  # fmt: skip
