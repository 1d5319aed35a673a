"""An amount said without a currency takes the customer's: the one their live contracts are in, or, when they are
in several, the rep is asked with a button for each. A customer with none takes the rep's own default."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from salesbot.handlers.turn import Choice, Turn
from salesbot.nlp.amounts import currency_named
from salesbot.services import contracts

AWAITING = "currency"  # the state name every flow with money uses for this question


def currency_known(turn: Turn, slots: dict[str, Any]) -> bool:
    """True once `slots["currency"]` is settled; otherwise the question is asked and False returned."""
    if slots.get("currency"):
        return True
    found = contracts.currencies_of(turn.uow, turn.actor, customer_id=int(slots["customer_id"]))
    if len(found) <= 1:
        slots["currency"] = found[0] if found else turn.actor.currency
        return True
    turn.ask(
        turn.t("ask_currency", customer=slots["customer"], amount=f"{Decimal(slots['amount']):,}"),
        [[Choice(code, {"set": {"currency": code}}) for code in found], [turn.cancel_choice()]],
        awaiting=AWAITING,
    )
    return False


def currency_answer(turn: Turn, text: str) -> bool:
    """A typed answer to "which currency?"."""
    assert turn.form is not None
    code = currency_named(text)
    if code is None:
        return False
    turn.form.slots["currency"] = code
    turn.answered()
    return True
