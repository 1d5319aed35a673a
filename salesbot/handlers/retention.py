"""Quiet customers (issue 20): "哪些客户很久没联系了" / "quiet accounts" lists them; "认领华为" / "claim Acme" takes a
customer from the team's pool (公海); the manager's card on a released customer hands it to a rep with one tap.

```mermaid
stateDiagram-v2
    [*] --> customer: a claim naming no customer
    customer --> [*]: claimed
    [*] --> [*]: the quiet list; a rep's button on a release card
```
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from salesbot.handlers import customers, flows
from salesbot.handlers.turn import Turn
from salesbot.nlp.intents import Understanding
from salesbot.services import permissions, retention

FLOW = "retention"


class Awaiting(StrEnum):
    CUSTOMER = customers.AWAITING


def quiet(turn: Turn, said: Understanding) -> None:
    answer_quiet(turn)


def quiet_command(turn: Turn, args: str) -> None:
    answer_quiet(turn)


def answer_quiet(turn: Turn) -> None:
    team_id = permissions.team_here(turn.scope, turn.actor)  # in a group: its team, whoever asks
    found = retention.quiet_customers(turn.uow, turn.actor, team_id=team_id)
    if not found:
        turn.say(turn.t("retention.none_quiet"))
        return
    lines = [line(turn, q) for q in found[: retention.LIST_LIMIT]]
    more = len(found) - len(lines)
    text = turn.t("retention.quiet_list", count=len(found), lines="\n".join(lines))
    turn.say(text + (("\n" + turn.t("retention.more", n=more)) if more > 0 else ""))


def line(turn: Turn, q: retention.Quiet) -> str:
    return turn.t(
        "retention.line",
        customer=q.customer,
        days=q.days,
        star=turn.t("retention.key_mark") if q.key else "",
        step=turn.t(f"retention.level{q.level}"),
    )


def start(turn: Turn, said: Understanding) -> None:
    customers.begin(turn, FLOW, {}, said)


def advance(turn: Turn) -> None:
    assert turn.form is not None
    name = retention.claim(turn.uow, turn.actor, customer_id=int(turn.form.slots["customer_id"]))
    turn.say(turn.t("retention.claimed", customer=name))
    turn.finish()


def on_card(turn: Turn, action: dict[str, Any]) -> None:
    customer, rep = retention.give(turn.uow, turn.actor, customer_id=int(action["customer_id"]), to=int(action["to"]))
    turn.say(turn.t("retention.given_done", customer=customer, rep=rep))


flows.declare_flow(
    FLOW, states=Awaiting, start=start, advance=advance, on_card=on_card, intents=("claim_customer",),
    topic="topic_retention",
)  # fmt: skip
flows.declare_answer(start=quiet, intents=("quiet_accounts",), commands={"/quiet": quiet_command})
