"""Moving a due date or splitting an installment: "华为第二期改到6月30日", "split Acme's 2nd installment: 10k on
Jul 31". Asks only for what the sentence left out: the customer, which installment, the day, the amount split off.

```mermaid
stateDiagram-v2
    [*] --> customer: customer unclear
    [*] --> installment: no number, or several contracts have one
    [*] --> day: no date
    customer --> installment
    installment --> day
    day --> amount: a split with no amount
    day --> done
    amount --> done
    done --> [*]
```
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from salesbot.handlers import customers, flows
from salesbot.handlers.turn import Choice, Turn
from salesbot.i18n import fmt_date, fmt_money
from salesbot.nlp.dates import DateError, DateReading, find_date
from salesbot.nlp.intents import Understanding
from salesbot.nlp.receivables import installment_number, is_split
from salesbot.services import schedules
from salesbot.services.schedules import InstallmentView

FLOW = "schedule"


class Awaiting(StrEnum):
    CUSTOMER = customers.AWAITING
    INSTALLMENT = "installment"
    DAY = "day"
    AMOUNT = "amount"


def start(turn: Turn, said: Understanding) -> None:
    if said.date_error is not None and said.date is None:
        turn.say(_date_problem(turn, said.date_error))
        return
    slots: dict[str, Any] = {"split": is_split(said.text), "seq": installment_number(said.text)}
    if said.date is not None:
        slots["day"] = _due_day(said.date)
    if said.amount is not None and slots["split"]:
        slots["amount"] = str(said.amount.amount)
    customers.begin(turn, FLOW, slots, said)


def _due_day(reading: DateReading) -> str:
    """A due date is a term of the contract, not a follow-up: the day the phrase names stays, even a day off."""
    return (reading.moved_from or reading.date).isoformat()


def advance(turn: Turn) -> None:
    assert turn.form is not None
    slots = turn.form.slots
    if "installment_id" not in slots and not _pick(turn, slots):
        return
    if "day" not in slots:
        turn.ask(turn.t("ask_new_due", label=slots["label"]), [[turn.cancel_choice()]], awaiting=Awaiting.DAY)
        return
    if slots["split"] and "amount" not in slots:
        turn.ask(turn.t("ask_split_amount", label=slots["label"]), [[turn.cancel_choice()]], awaiting=Awaiting.AMOUNT)
        return
    day = date.fromisoformat(slots["day"])
    if slots["split"]:
        kept, part = schedules.split(
            turn.uow,
            turn.actor,
            installment_id=int(slots["installment_id"]),
            amount=Decimal(slots["amount"]),
            due_on=day,
        )
        turn.say(
            turn.t(
                "installment_split",
                customer=kept.customer,
                contract=kept.contract,
                seq=kept.seq,
                kept=_label(turn, kept),
                part=_label(turn, part),
            )
        )
    else:
        moved = schedules.move_due(turn.uow, turn.actor, installment_id=int(slots["installment_id"]), due_on=day)
        turn.say(turn.t("due_moved", customer=moved.customer, label=_label(turn, moved)))
    turn.finish()


def on_text(turn: Turn, text: str, said: Understanding) -> bool:
    assert turn.form is not None
    awaiting = turn.form.awaiting
    slots = turn.form.slots
    if awaiting == Awaiting.DAY:
        try:
            reading = said.date or find_date(text, now=turn.now_local(), calendar=turn.calendar)
        except DateError as exc:
            turn.reask(_date_problem(turn, exc))
            return True
        if reading is None:
            turn.reask(turn.t("date_unreadable", phrase=text.strip()))
            return True
        slots["day"] = _due_day(reading)
        turn.answered()
        return True
    if awaiting == Awaiting.AMOUNT:
        money = turn.amount_answer(text, said)
        if money is None:
            return True
        slots["amount"] = str(money.amount)
        turn.answered()
        return True
    if awaiting == Awaiting.INSTALLMENT and (seq := installment_number(text)) is not None:
        slots["seq"] = seq
        turn.answered()
        return True
    return False


def _pick(turn: Turn, slots: dict[str, Any]) -> bool:
    """Settle which installment: the one the number names, else ask with a button per open installment."""
    customer_id = int(slots["customer_id"])
    found = schedules.find(turn.uow, turn.actor, customer_id=customer_id, seq=slots.get("seq"))
    if len(found) == 1:
        slots["installment_id"], slots["label"] = found[0].id, _label(turn, found[0])
        return True
    question = turn.t("ask_which_installment", customer=slots["customer"])
    if not found:
        every = schedules.find(turn.uow, turn.actor, customer_id=customer_id, seq=None)
        if not every:
            turn.say(turn.t("no_open_installments", customer=slots["customer"]))
            turn.finish()
            return False
        question = turn.t("no_such_installment", customer=slots["customer"], seq=slots["seq"]) + "\n" + question
        found = every
    rows = [[Choice(_label(turn, i), {"set": {"installment_id": i.id, "label": _label(turn, i)}})] for i in found]
    turn.ask(question, [*rows, [turn.cancel_choice()]], awaiting=Awaiting.INSTALLMENT)
    return False


def _date_problem(turn: Turn, error: DateError) -> str:
    return turn.t("due_date_past" if error.code == "past" else "date_unreadable", phrase=error.phrase)


def _label(turn: Turn, i: InstallmentView) -> str:
    return turn.t(
        "installment_label",
        contract=i.contract,
        seq=i.seq,
        due=fmt_date(i.due_on, turn.lang),
        money=fmt_money(i.amount - i.paid, i.currency, turn.lang),
    )


flows.declare_flow(
    FLOW,
    states=Awaiting,
    start=start,
    advance=advance,
    on_text=on_text,
    intents=("schedule",),
    topic="topic_schedule",
)


def move_installment(turn: Turn, *, installment_id: int, customer_id: int, customer: str) -> None:
    """Another flow hands over an installment it has named (the agenda's move button): ask its new due day."""
    turn.start(FLOW, {"split": False, "seq": None, "customer_id": customer_id, "customer": customer})
    assert turn.form is not None
    found = schedules.find(turn.uow, turn.actor, customer_id=customer_id, seq=None)
    for view in found:
        if view.id == installment_id:
            turn.form.slots["installment_id"], turn.form.slots["label"] = view.id, _label(turn, view)
    advance(turn)
