"""Recording a payment in one sentence ("收到美的回款30万", "Acme paid 20k today"), confirmed with one tap.

```mermaid
stateDiagram-v2
    [*] --> customer: customer unclear
    [*] --> amount: no amount
    [*] --> confirm: customer and amount known
    customer --> amount
    customer --> confirm
    amount --> currency: no currency said, the customer's contracts in several
    currency --> confirm
    amount --> confirm: a readable amount
    confirm --> recorded: the rep confirms (button, or "确认" / "yes")
    recorded --> [*]: settled now, or sent to finance to confirm
```

The rep sees what the payment will settle (which installments, what is left, any credit) before anything is
written, so a wrong customer or a mistyped amount is caught while it costs nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from salesbot.handlers import customers, flows, money
from salesbot.handlers.turn import Choice, Turn
from salesbot.i18n import fmt_date, fmt_money
from salesbot.nlp.amounts import parse_amount
from salesbot.nlp.dates import DateError
from salesbot.nlp.intents import Understanding
from salesbot.nlp.receivables import is_yes, payment_day
from salesbot.services import payments
from salesbot.services.payments import Plan

FLOW = "payment"


class Awaiting(StrEnum):
    CUSTOMER = customers.AWAITING
    AMOUNT = "amount"
    CURRENCY = money.AWAITING
    CONFIRM = "confirm"


def start(turn: Turn, said: Understanding) -> None:
    try:
        day = payment_day(said.text, now=turn.now_local())
    except DateError:
        turn.say(turn.t("payment_in_future_said"))
        return
    slots: dict[str, Any] = {"day": day.isoformat()}
    if said.amount is not None:
        slots["amount"] = str(said.amount.amount)
        slots["currency"] = said.amount.currency  # None: the customer's own currency, worked out once known
    customers.begin(turn, FLOW, slots, said)


def advance(turn: Turn) -> None:
    assert turn.form is not None
    slots = turn.form.slots
    if "amount" not in slots:
        turn.ask(
            turn.t("ask_payment_amount", customer=slots["customer"]),
            [[turn.cancel_choice()]],
            awaiting=Awaiting.AMOUNT,
        )
        return
    if not money.currency_known(turn, slots):
        return
    kwargs = {
        "customer_id": int(slots["customer_id"]),
        "amount": Decimal(slots["amount"]),
        "currency": slots["currency"],
        "received_on": date.fromisoformat(slots["day"]),
    }
    if not slots.get("confirmed"):
        plan = payments.preview(turn.uow, turn.actor, **kwargs)
        text = _plan_text(turn, plan, "payment_preview")
        if plan.same_day_twin:
            text = turn.t("payment_twin_warning", customer=plan.customer) + "\n" + text
        turn.ask(
            text,
            [[Choice(turn.t("btn_record_payment"), {"set": {"confirmed": True}}), turn.cancel_choice()]],
            awaiting=Awaiting.CONFIRM,
        )
        return
    done = payments.record(turn.uow, turn.actor, **kwargs)
    key = "payment_pending" if done.state == "pending" else "payment_recorded"
    turn.say(_plan_text(turn, done.plan, key))
    turn.finish()


def on_text(turn: Turn, text: str, said: Understanding) -> bool:
    assert turn.form is not None
    awaiting = turn.form.awaiting
    slots = turn.form.slots
    if awaiting == Awaiting.AMOUNT or (awaiting == Awaiting.CONFIRM and (said.amount or parse_amount(text))):
        # "不对,是25万" (or just "25万") before the tap: the amount is replaced and the preview shown again.
        amount = turn.amount_answer(text, said)
        if amount is None:
            return True
        slots["amount"], slots["currency"] = str(amount.amount), amount.currency or slots.get("currency")
        turn.answered()
        return True
    if awaiting == Awaiting.CURRENCY:
        return money.currency_answer(turn, text)
    if awaiting == Awaiting.CONFIRM and is_yes(text):
        slots["confirmed"] = True
        turn.answered()
        return True
    return False


def on_card(turn: Turn, action: dict[str, Any]) -> None:
    """Finance's Confirm / Reject on a payment a rep recorded."""
    done = payments.decide(turn.uow, turn.actor, payment_id=int(action["id"]), confirm=action["decision"] == "confirm")
    key = "payment_confirmed_done" if done.state == "confirmed" else "payment_rejected_done"
    turn.say(_plan_text(turn, done.plan, key))


def _plan_text(turn: Turn, plan: Plan, key: str) -> str:
    lang = turn.lang
    lines = [
        turn.t(
            key,
            customer=plan.customer,
            money=fmt_money(plan.amount, plan.currency, lang),
            day=fmt_date(plan.received_on, lang),
        )
    ]
    for share in plan.shares:
        left = (
            turn.t("share_left", money=fmt_money(share.left, plan.currency, lang))
            if share.left > 0
            else turn.t("share_settled")
        )
        lines.append(
            turn.t(
                "share_line",
                contract=share.contract,
                seq=share.seq,
                due=fmt_date(share.due_on, lang),
                money=fmt_money(share.amount, plan.currency, lang),
                left=left,
            )
        )
    if plan.credit > 0 and key != "payment_rejected_done":
        credit_key = "share_credit" if plan.shares else "share_all_credit"
        lines.append(turn.t(credit_key, money=fmt_money(plan.credit, plan.currency, lang), currency=plan.currency))
    return "\n".join(lines)


flows.declare_flow(
    FLOW,
    states=Awaiting,
    start=start,
    advance=advance,
    on_text=on_text,
    on_card=on_card,
    intents=("payment",),
    topic="topic_payment",
)
