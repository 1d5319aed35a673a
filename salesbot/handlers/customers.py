"""Which customer a message is about: the step every flow shares, and the customer list."""

from __future__ import annotations

from salesbot.handlers.lexicons import customer_index
from salesbot.handlers.turn import Choice, Turn
from salesbot.nlp.customers import Resolution
from salesbot.nlp.intents import Understanding
from salesbot.services import customers


def offer(turn: Turn, resolution: Resolution) -> bool:
    """Put the customer into the form if the text named exactly one; otherwise ask. True when known."""
    form = turn.form
    assert form is not None
    if resolution.kind == "one" and resolution.match is not None:
        form["slots"]["customer_id"] = resolution.match.customer.id
        form["slots"]["customer"] = resolution.match.customer.name
        return True
    if resolution.kind == "choose":
        rows = [
            [Choice(m.customer.name, {"set": {"customer_id": m.customer.id, "customer": m.customer.name}})]
            for m in resolution.matches
        ]
        turn.ask(turn.t("choose_customer"), [*rows, [turn.cancel_choice()]], awaiting="customer")
        return False
    ask(turn)
    return False


def ask(turn: Turn) -> None:
    turn.ask(turn.t("ask_customer"), [[turn.cancel_choice()]], awaiting="customer")


def answer(turn: Turn, text: str, said: Understanding) -> bool:
    """A typed answer to "which customer?": a name, looked up; unknown names may become new customers.

    A whole new request ("京东赢单了") is not a name: False lets the router start it instead.
    """
    resolution = customer_index(turn.uow).lookup(text)
    named_exactly = resolution.match is not None and resolution.match.how in ("exact", "alias")
    if said.intent != "unknown" and not named_exactly:
        return False
    if resolution.kind == "none":
        query = text.strip()
        turn.ask(
            turn.t("no_customer_match", query=query),
            [
                [Choice(turn.t("btn_create_customer", query=query), {"do": "create_customer", "name": query})],
                [turn.cancel_choice()],
            ],
            awaiting="customer",
        )
        return True
    if offer(turn, resolution) and turn.form is not None:
        turn.form["awaiting"] = None
    return True


def create_from_choice(turn: Turn, name: str) -> None:
    ref = customers.create(turn.uow, turn.actor, name=name)
    assert turn.form is not None
    turn.form["slots"]["customer_id"] = ref.id
    turn.form["slots"]["customer"] = ref.name
    turn.say(turn.t("customer_created", customer=ref.name))


def list_mine(turn: Turn) -> None:
    rows = customers.list_mine(turn.uow, turn.actor, scope=turn.scope)
    if not rows:
        turn.say(turn.t("customers_empty"))
        return
    lines = [
        turn.t(
            "customers_line",
            customer=c.name,
            deals=turn.t("customers_line_deals", n=c.open_deals) if c.open_deals else "",
        )
        for c in rows
    ]
    turn.say(turn.t("customers_list", count=len(rows), lines="\n".join(lines)))
