"""Moving a deal to another stage; a lost deal asks why.

```mermaid
stateDiagram-v2
    [*] --> customer: customer unclear
    [*] --> valued: "华为的项目金额改成300万" (a value, no stage)
    valued --> [*]
    [*] --> stage: no stage named
    customer --> stage
    stage --> deal: several open deals
    stage --> reason: lost, no reason given
    deal --> reason: lost, no reason given
    deal --> [*]: moved
    reason --> [*]: moved
    stage --> [*]: moved
```
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from salesbot.handlers import customers, flows
from salesbot.handlers.lexicons import reason_lexicon, stage_lexicon
from salesbot.handlers.turn import Choice, Turn
from salesbot.i18n import fmt_money
from salesbot.nlp.intents import Understanding
from salesbot.services import pipeline

FLOW = "stage"


class Awaiting(StrEnum):
    CUSTOMER = customers.AWAITING
    DEAL = "deal"
    STAGE = "stage"
    REASON = "reason"


def start(turn: Turn, said: Understanding) -> None:
    slots: dict[str, Any] = {"reopen": said.reopen}
    if said.stage is not None:
        slots["stage"] = said.stage.stage
    if said.lost_reason is not None:
        slots["reason"] = said.lost_reason
    if said.amount is not None:
        slots["amount"], slots["currency"] = str(said.amount.amount), said.amount.currency
        if said.stage is None:
            slots["value_only"] = True  # "华为的项目金额改成300万": the value changes, the stage stays
    customers.begin(turn, FLOW, slots, said)


def advance(turn: Turn) -> None:
    assert turn.form is not None
    slots = turn.form.slots
    settings = turn.settings
    customer = slots["customer"]
    if slots.get("value_only"):
        deal = pipeline.set_amount(
            turn.uow,
            turn.actor,
            customer_id=int(slots["customer_id"]),
            deal_id=slots.get("deal_id"),
            amount=Decimal(slots["amount"]),
            currency=slots.get("currency"),
        )
        assert deal.amount is not None
        turn.say(turn.t("deal_valued", customer=deal.customer, money=fmt_money(deal.amount, deal.currency, turn.lang)))
        turn.finish()
        return
    if "deal_id" not in slots:
        # Asking for the open deals first also checks, before any question, that the rep may touch this customer.
        deals = pipeline.open_deals(turn.uow, turn.actor, customer_id=slots["customer_id"])
        if len(deals) > 1:
            rows = [
                [Choice(f"{d.title} · {settings.stage_label(d.stage, turn.lang)}", {"set": {"deal_id": d.id}})]
                for d in deals
            ]
            turn.ask(turn.t("ask_deal", customer=customer), [*rows, [turn.cancel_choice()]], awaiting=Awaiting.DEAL)
            return
        slots["deal_id"] = deals[0].id if deals else None
    if "stage" not in slots:
        labels = [Choice(settings.stage_label(s, turn.lang), {"set": {"stage": s}}) for s in settings.stages]
        rows = [labels[i : i + 3] for i in range(0, len(labels), 3)]
        turn.ask(turn.t("ask_stage", customer=customer), [*rows, [turn.cancel_choice()]], awaiting=Awaiting.STAGE)
        return
    if slots["stage"] == "lost" and not slots.get("reason"):
        reasons = [
            [Choice(settings.lost_reason_label(r, turn.lang), {"set": {"reason": r}})] for r in settings.lost_reasons
        ]
        turn.ask(
            turn.t("ask_lost_reason", customer=customer),
            [*reasons, [turn.cancel_choice()]],
            awaiting=Awaiting.REASON,
        )
        return
    moved = pipeline.move_stage(
        turn.uow,
        turn.actor,
        customer_id=slots["customer_id"],
        stage=slots["stage"],
        deal_id=slots["deal_id"],
        reason=slots.get("reason"),
        note=slots.get("note"),
        amount=Decimal(slots["amount"]) if slots.get("amount") else None,
        currency=slots.get("currency"),
        reopen=bool(slots.get("reopen")),
    )
    to_stage = settings.stage_label(moved.deal.stage, turn.lang)
    if moved.created:
        text = turn.t("stage_created", customer=moved.deal.customer, to_stage=to_stage)
    else:
        text = turn.t(
            "stage_moved",
            customer=moved.deal.customer,
            to_stage=to_stage,
            from_stage=settings.stage_label(moved.from_stage or "", turn.lang),
        )
    if moved.reason:
        text += " " + turn.t("stage_lost_reason", reason=settings.lost_reason_label(moved.reason, turn.lang))
    if slots.get("amount") and moved.deal.amount is not None:
        text += "\n" + turn.t("deal_value", money=fmt_money(moved.deal.amount, moved.deal.currency, turn.lang))
    turn.say(text)
    turn.finish()


def on_text(turn: Turn, text: str, said: Understanding) -> bool:
    assert turn.form is not None
    awaiting = turn.form.awaiting
    slots = turn.form.slots
    if awaiting == Awaiting.STAGE:
        stage = stage_lexicon(turn.settings).exact(text)
        if stage is None:
            mention = stage_lexicon(turn.settings).find(text)
            stage = mention.stage if mention else None
        if stage is None:
            return False
        slots["stage"] = stage
    elif awaiting == Awaiting.REASON:
        reason = reason_lexicon(turn.settings).find(text)
        if reason is None:
            return False
        slots["reason"] = reason
        slots["note"] = text.strip()
    else:
        return False
    turn.answered()
    return True


def list_mine(turn: Turn, said: object = None) -> None:
    deals = pipeline.my_open_deals(turn.uow, turn.actor, scope=turn.scope)
    if not deals:
        turn.say(turn.t("deals_empty"))
        return
    lines = [
        turn.t(
            "deals_line",
            customer=d.customer,
            stage=turn.settings.stage_label(d.stage, turn.lang),
            amount=f" {d.amount:,} {d.currency}" if d.amount is not None else "",
        )
        for d in deals
    ]
    turn.say(turn.t("deals_list", count=len(deals), lines="\n".join(lines)))


flows.declare_flow(
    FLOW,
    states=Awaiting,
    start=start,
    advance=advance,
    on_text=on_text,
    intents=("stage",),
    topic="topic_stage",
)
flows.declare_answer(start=list_mine, intents=("my_deals",), commands={"/deals": list_mine})
