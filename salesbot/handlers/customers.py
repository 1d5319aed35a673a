"""Which customer a message is about: the opening every flow shares, and the customer list.

A flow starts with `begin`: the customer the sentence named goes into the form, or the rep is asked (with
buttons when several match). The answer to "which customer?" is read here for every flow: a name is looked up;
an unknown name becomes a new customer only when it reads as a name and the rep taps to confirm it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from salesbot.handlers import flows
from salesbot.handlers.lexicons import customer_index
from salesbot.handlers.turn import Choice, Turn
from salesbot.nlp import steering
from salesbot.nlp.customers import Resolution
from salesbot.nlp.intents import Understanding
from salesbot.services import customers, limits
from salesbot.services.errors import NotAllowed

AWAITING = "customer"  # the state every flow's enum shares for this question


def begin(turn: Turn, flow: str, slots: dict[str, Any], said: Understanding) -> None:
    """Start a form of `flow`; once its customer is known (now or after asking), the flow moves on."""
    turn.start(flow, slots)
    if offer(turn, said.customer):
        flows.flow(flow).advance(turn)


def offer(turn: Turn, resolution: Resolution) -> bool:
    """Put the customer into the form if the text named exactly one; otherwise ask. True when known."""
    form = turn.form
    assert form is not None
    resolution = _shown_here(turn, resolution)
    if resolution.slipped and resolution.match is not None:
        _confirm_slip(turn, resolution)
        return False
    if resolution.kind == "one" and resolution.match is not None:
        form.slots["customer_id"] = resolution.match.customer.id
        form.slots["customer"] = resolution.match.customer.name
        return True
    if resolution.kind == "choose":
        rows = [
            [Choice(m.customer.name, {"set": {"customer_id": m.customer.id, "customer": m.customer.name}})]
            for m in resolution.matches
        ]
        turn.ask(turn.t("choose_customer"), [*rows, [turn.cancel_choice()]], awaiting=AWAITING)
        return False
    # Issue 17: a look-alike (华为云 with 华为 known) asks: the guess, the name as a new customer, or cancel; a name
    # no customer has is offered as a new customer with one tap.
    name = resolution.unknown_name
    if resolution.kind == "confirm" and resolution.matches and name:
        guess = resolution.matches[0].customer
        rows = [
            [Choice(guess.name, {"set": {"customer_id": guess.id, "customer": guess.name}})],
            [Choice(turn.t("btn_create_customer", query=name), {"do": "create_customer", "name": name})],
            [turn.cancel_choice()],
        ]
        turn.ask(turn.t("confirm_customer", name=name, guess=guess.name), rows, awaiting=AWAITING)
        return False
    if resolution.kind == "none" and name:
        create = Choice(turn.t("btn_create_customer", query=name), {"do": "create_customer", "name": name})
        turn.ask(turn.t("no_customer_match", query=name), [[create], [turn.cancel_choice()]], awaiting=AWAITING)
        return False
    ask(turn)
    return False


def _shown_here(turn: Turn, resolution: Resolution) -> Resolution:
    """In a group, the customers of other teams are neither named nor offered as picks, whoever asks (issue 18):
    everyone in the chat reads the answer. A sentence that named only such a customer is refused, in words."""
    scope = turn.scope
    if not scope.group or not resolution.matches:
        return resolution
    shown = customers.shown_here(turn.uow, scope, [m.customer.id for m in resolution.matches])
    kept = tuple(m for m in resolution.matches if m.customer.id in shown)
    if len(kept) == len(resolution.matches):
        return resolution
    if not kept:
        if resolution.kind == "confirm":  # a look-alike's guess is not shown; the name may still be a new customer
            return replace(resolution, kind="none", matches=())
        raise NotAllowed("customer_not_for_this_group", customer=resolution.matches[0].customer.name)
    if resolution.kind == "choose" and len(kept) == 1:
        return replace(resolution, kind="one", matches=kept)
    return replace(resolution, matches=kept)


def _confirm_slip(turn: Turn, resolution: Resolution) -> None:
    """A customer guessed through a slip (华闰 for 华润, Initec for Initech) is asked about, never taken: the guess,
    the name as written as a new customer, or cancel."""
    match = resolution.match
    assert match is not None
    guess, name = match.customer, resolution.unknown_name
    rows = [[Choice(guess.name, {"set": {"customer_id": guess.id, "customer": guess.name}})]]
    if name and name.casefold() != guess.name.casefold():
        rows.append([Choice(turn.t("btn_create_customer", query=name), {"do": "create_customer", "name": name})])
    rows.append([turn.cancel_choice()])
    turn.ask(turn.t("confirm_slip", guess=guess.name, name=name or guess.name), rows, awaiting=AWAITING)


def ask(turn: Turn) -> None:
    turn.ask(turn.t("ask_customer"), [[turn.cancel_choice()]], awaiting=AWAITING)


def answer(turn: Turn, text: str, said: Understanding) -> bool:
    """A typed answer to "which customer?": a name, looked up; an unknown one may become a new customer.

    A whole new request ("京东赢单了") or a question is not a name: False lets the dispatcher take it as such.
    """
    resolution = customer_index(turn.uow).lookup(text)
    named_exactly = resolution.match is not None and resolution.match.how in ("exact", "alias")
    if said.intent != "unknown" and not named_exactly:
        return False
    if resolution.kind == "none":
        query = text.strip()
        if not steering.looks_like_name(query):
            return False
        query = limits.name(query)  # a name too long is refused in words, before it is offered
        turn.ask(
            turn.t("no_customer_match", query=query),
            [
                [Choice(turn.t("btn_create_customer", query=query), {"do": "create_customer", "name": query})],
                [turn.cancel_choice()],
            ],
            awaiting=AWAITING,
        )
        return True
    if resolution.match is not None and resolution.match.how in ("typo", "homophone"):
        # A name typed alone that only sounds or spells like a customer's (阿丽 for 阿里) may be a new one: asked.
        _confirm_slip(turn, replace(resolution, unknown_name=limits.name(text.strip())))
        return True
    if offer(turn, resolution) and turn.form is not None:
        turn.answered()
    return True


def create_from_choice(turn: Turn, name: str) -> None:
    ref = customers.create(turn.uow, turn.actor, name=name)
    assert turn.form is not None
    turn.form.slots["customer_id"] = ref.id
    turn.form.slots["customer"] = ref.name
    turn.say(turn.t("customer_created", customer=ref.name))


def list_mine(turn: Turn, said: object = None) -> None:
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


flows.declare_answer(start=list_mine, intents=("my_customers",), commands={"/customers": list_mine})
