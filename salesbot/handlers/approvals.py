"""An approver's side: the card's buttons, the comment a rejection or a question needs, and "my approvals".

```mermaid
stateDiagram-v2
    [*] --> decided: Approve pressed, or "批准" / "approve" typed
    [*] --> which: typed, and several cards wait
    which --> decided: one picked (button or "第二个")
    which --> comment
    [*] --> comment: Reject / Ask pressed, or "驳回" typed with no reason
    comment --> decided: the approver's next message
    decided --> [*]: requester told, next approver's card sent, old cards edited
```
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from salesbot.handlers import flows
from salesbot.handlers.turn import Choice, Turn
from salesbot.i18n import fmt_money
from salesbot.nlp import steering
from salesbot.nlp.intents import Understanding
from salesbot.services import contracts

FLOW = "approval"


class Awaiting(StrEnum):
    COMMENT = "comment"
    WHICH = "which"


def on_card(turn: Turn, action: dict[str, Any]) -> None:
    """A card's button, already known to be this user's; whether the contract still waits is checked here."""
    key = {k: int(action[k]) for k in ("contract_id", "version", "seq")}
    decision = action["decision"]
    if decision == "approve":
        _decide(turn, key, "approve", None)
        return
    if decision == "answer":
        turn.start(FLOW, {**key, "decision": decision})
        turn.ask(turn.t("ask_answer"), [[turn.cancel_choice()]], awaiting=Awaiting.COMMENT)
        return
    waiting = contracts.ensure_deciding(turn.uow, turn.actor, **key)
    turn.start(FLOW, {**key, "decision": decision})
    question = "ask_reject_comment" if decision == "reject" else "ask_question_comment"
    turn.ask(turn.t(question, rep=waiting.owner), [[turn.cancel_choice()]], awaiting=Awaiting.COMMENT)


def on_text(turn: Turn, text: str, said: Understanding) -> bool:
    assert turn.form is not None
    if turn.form.awaiting != Awaiting.COMMENT:
        return False
    slots = turn.form.slots
    key = {k: int(slots[k]) for k in ("contract_id", "version", "seq")}
    if slots["decision"] == "answer":
        approver = contracts.answer_question(turn.uow, turn.actor, text=text.strip(), **key)
        turn.say(turn.t("answer_sent", approver=approver))
        turn.finish()
        return True
    _decide(turn, key, slots["decision"], text.strip())
    return True


def decide_typed(turn: Turn, said: Understanding) -> None:
    """"批准" / "驳回,币种错了" typed instead of tapped: the card waiting for this user, or the one they pick."""
    decision, comment = steering.decision(said.text) or ("approve", None)
    waiting = contracts.waiting_for(turn.uow, turn.actor)
    if not waiting:
        turn.say(turn.t("decide_nothing"))
        return
    turn.start(FLOW, {"decision": decision, "comment": comment})
    if len(waiting) == 1:
        turn.form.slots.update(_key(waiting[0]))  # type: ignore[union-attr]
        advance(turn)
        return
    rows = [
        [Choice(f"{c.customer} · {fmt_money(c.amount, c.currency, turn.lang)} · {c.owner}", {"set": _key(c)})]
        for c in waiting
    ]
    turn.ask(turn.t("ask_which_card", n=len(waiting)), [*rows, [turn.cancel_choice()]], awaiting=Awaiting.WHICH)


def _key(c: contracts.ContractView) -> dict[str, int]:
    return {"contract_id": c.id, "version": c.version, "seq": c.step}


def advance(turn: Turn) -> None:
    assert turn.form is not None
    slots = turn.form.slots
    if "contract_id" not in slots:
        turn.finish()
        return
    key = {k: int(slots[k]) for k in ("contract_id", "version", "seq")}
    decision, comment = slots["decision"], slots.get("comment")
    if decision == "approve" or comment:
        _decide(turn, key, decision, comment)
        return
    waiting = contracts.ensure_deciding(turn.uow, turn.actor, **key)
    turn.ask(turn.t("ask_reject_comment", rep=waiting.owner), [[turn.cancel_choice()]], awaiting=Awaiting.COMMENT)


def list_waiting(turn: Turn, said: object = None) -> None:
    waiting = contracts.waiting_for(turn.uow, turn.actor, scope=turn.scope)
    if not waiting:
        turn.say(turn.t("approvals_empty"))
        return
    lines = [
        turn.t("approvals_line", customer=c.customer, money=fmt_money(c.amount, c.currency, turn.lang), rep=c.owner)
        for c in waiting
    ]
    turn.say(turn.t("approvals_list", count=len(waiting), lines="\n".join(lines)))
    # The cards themselves are the place to decide: each is sent again, with fresh buttons.
    for c in waiting:
        contracts.resend_card(turn.uow, turn.actor, contract_id=c.id)


def _decide(turn: Turn, key: dict[str, int], decision: str, comment: str | None) -> None:
    done = contracts.decide(turn.uow, turn.actor, decision=decision, comment=comment, **key)
    c = done.contract
    if decision == "ask":
        turn.say(turn.t("asked_done", rep=c.owner))
    elif decision == "reject":
        turn.say(turn.t("rejected_done", customer=c.customer, rep=c.owner))
    elif c.status == "active":
        turn.say(turn.t("approved_done", customer=c.customer))
    else:
        turn.say(turn.t("approved_step_done", customer=c.customer, next=c.approver))
    if turn.form is not None and turn.form.flow == FLOW:
        turn.finish()  # an Approve pressed mid-way through something else leaves that where it was


flows.declare_flow(
    FLOW,
    states=Awaiting,
    start=decide_typed,
    advance=advance,
    on_text=on_text,
    intents=("decide",),
    on_card=on_card,
    topic="topic_approval",
)
flows.declare_answer(start=list_waiting, intents=("my_approvals",), commands={"/approvals": list_waiting})
