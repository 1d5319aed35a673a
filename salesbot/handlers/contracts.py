"""Submitting a contract in one sentence, withdrawing it, resubmitting it after a rejection.

```mermaid
stateDiagram-v2
    [*] --> customer: customer unclear
    [*] --> amount: customer known, no amount
    [*] --> submitted: customer and amount in the sentence
    customer --> amount: no amount yet
    customer --> currency: an amount with no currency, the customer's contracts in several
    customer --> submitted
    amount --> currency
    amount --> submitted: a readable amount
    currency --> submitted
    submitted --> [*]: the first approver gets the card (the reply names the chain)
```
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from enum import StrEnum
from typing import Any

from salesbot.handlers import customers, fieldwork, flows, money
from salesbot.handlers.turn import Turn
from salesbot.i18n import fmt_money, fmt_terms
from salesbot.nlp.amounts import Terms
from salesbot.nlp.contracts import contract_action, contract_note
from salesbot.nlp.intents import Understanding
from salesbot.services import contracts
from salesbot.services.attachments import Item
from salesbot.services.contracts import ContractView, PaymentTerms

FLOW = "contract"


class Awaiting(StrEnum):
    CUSTOMER = customers.AWAITING
    AMOUNT = "amount"
    CURRENCY = money.AWAITING


def start(turn: Turn, said: Understanding) -> None:
    slots: dict[str, Any] = {"action": contract_action(said.text), "note": contract_note(said.text)}
    if said.amount is not None:
        slots["amount"] = str(said.amount.amount)
        slots["currency"] = said.amount.currency  # None: the customer's own currency, worked out once known
    if said.terms is not None:
        slots["terms"] = _terms(said.terms).as_json()
    turn.start(FLOW, slots)
    _carry_files(turn)
    if customers.offer(turn, said.customer):
        advance(turn)


def advance(turn: Turn) -> None:
    assert turn.form is not None
    slots = turn.form.slots
    action = slots["action"]
    if action == "withdraw":
        _withdraw(turn, slots)
        return
    previous = None
    if action == "resubmit":
        previous = _latest(turn, slots, ("rejected", "withdrawn"), missing="no_rejected_contract")
        if previous is None:
            return
        # What the message does not change stays as the rejected version had it.
        slots.setdefault("amount", str(previous.amount))
        if not slots.get("currency"):
            slots["currency"] = previous.currency
        slots.setdefault("terms", previous.terms.as_json())
    if "amount" not in slots:
        turn.ask(turn.t("ask_amount", customer=slots["customer"]), [[turn.cancel_choice()]], awaiting=Awaiting.AMOUNT)
        return
    if not money.currency_known(turn, slots):
        return
    submitted = contracts.submit(
        turn.uow,
        turn.actor,
        customer_id=int(slots["customer_id"]),
        amount=Decimal(slots["amount"]),
        currency=slots["currency"],
        terms=PaymentTerms.from_json(slots.get("terms")),
        note=slots.get("note"),
        replaces=previous.id if previous else None,
        files=[Item(**f) for f in slots.get("files", [])],
    )
    turn.say(
        turn.t(
            "contract_submitted",
            customer=submitted.customer,
            version_tag=turn.t("version_tag", version=submitted.version) if submitted.version > 1 else "",
            money=fmt_money(submitted.amount, submitted.currency, turn.lang),
            terms=fmt_terms(submitted.terms.as_json(), turn.lang),
            approver=submitted.approver,
            steps=submitted.steps,
        )
        + "\n"
        + turn.t("contract_chain", chain=" → ".join(contracts.approvers(turn.uow, submitted.id)))
    )
    turn.finish()


def on_text(turn: Turn, text: str, said: Understanding) -> bool:
    assert turn.form is not None
    awaiting = turn.form.awaiting
    if awaiting == Awaiting.AMOUNT:
        _carry_files(turn)
        amount = turn.amount_answer(text, said)
        if amount is None:
            return True
        slots = turn.form.slots
        slots["amount"], slots["currency"] = str(amount.amount), amount.currency
        if said.terms is not None:
            slots["terms"] = _terms(said.terms).as_json()
        turn.answered()
        return True
    if awaiting == Awaiting.CURRENCY:
        return money.currency_answer(turn, text)
    return False


def _carry_files(turn: Turn) -> None:
    """A PDF or photo sent with the contract travels in the form until the contract exists (maybe two
    questions later), then goes with it to the approvers."""
    assert turn.form is not None
    files = [asdict(item) for item in fieldwork.items(turn) if item.kind != "location"]
    if files:
        turn.form.slots.setdefault("files", []).extend(_json_safe(f) for f in files)
        turn.files_taken = True


def _json_safe(item: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in item.items()}


def _withdraw(turn: Turn, slots: dict[str, Any]) -> None:
    pending = _latest(turn, slots, ("pending",), missing="no_pending_contract")
    if pending is None:
        return
    done = contracts.withdraw(turn.uow, turn.actor, contract_id=pending.id)
    turn.say(
        turn.t("contract_withdrawn", customer=done.customer, money=fmt_money(done.amount, done.currency, turn.lang))
    )
    turn.finish()


def _latest(turn: Turn, slots: dict[str, Any], statuses: tuple[str, ...], *, missing: str) -> ContractView | None:
    found = contracts.mine(turn.uow, turn.actor, customer_id=int(slots["customer_id"]), statuses=statuses)
    if not found:
        turn.say(turn.t(missing, customer=slots["customer"]))
        turn.finish()
        return None
    return found[0]


def _terms(terms: Terms) -> PaymentTerms:
    return PaymentTerms(
        installments=terms.installments,
        upfront_percent=terms.upfront_percent,
        net_days=terms.net_days,
        on_delivery=terms.on_delivery,
    )


flows.declare_flow(
    FLOW,
    states=Awaiting,
    start=start,
    advance=advance,
    on_text=on_text,
    intents=("contract",),
    topic="topic_contract",
)
