"""An approver's side: the card's buttons, the comment a rejection or a question needs, and "my approvals".

```mermaid
stateDiagram-v2
    [*] --> decided: Approve pressed
    [*] --> comment: Reject / Ask pressed
    comment --> decided: the approver's next message
    decided --> [*]: requester told, next approver's card sent, old cards edited
```
"""

from __future__ import annotations

from typing import Any

from salesbot.handlers.turn import Turn
from salesbot.i18n import fmt_money
from salesbot.nlp.intents import Understanding
from salesbot.services import contracts

FLOW = "approval"


def on_card(turn: Turn, action: dict[str, Any]) -> None:
    """A card's button, already known to be this user's; whether the contract still waits is checked here."""
    key = {k: int(action[k]) for k in ("contract_id", "version", "seq")}
    decision = action["decision"]
    if decision == "approve":
        _decide(turn, key, "approve", None)
        return
    if decision == "answer":
        turn.start(FLOW, {**key, "decision": decision})
        turn.ask(turn.t("ask_answer"), [[turn.cancel_choice()]], awaiting="comment")
        return
    waiting = contracts.ensure_deciding(turn.uow, turn.actor, **key)
    turn.start(FLOW, {**key, "decision": decision})
    question = "ask_reject_comment" if decision == "reject" else "ask_question_comment"
    turn.ask(turn.t(question, rep=waiting.owner), [[turn.cancel_choice()]], awaiting="comment")


def on_text(turn: Turn, text: str, said: Understanding) -> bool:
    assert turn.form is not None
    if turn.form.get("awaiting") != "comment":
        return False
    slots = turn.form["slots"]
    key = {k: int(slots[k]) for k in ("contract_id", "version", "seq")}
    if slots["decision"] == "answer":
        approver = contracts.answer_question(turn.uow, turn.actor, text=text.strip(), **key)
        turn.say(turn.t("answer_sent", approver=approver))
        turn.finish()
        return True
    _decide(turn, key, slots["decision"], text.strip())
    return True


def advance(turn: Turn) -> None:
    turn.finish()


def list_waiting(turn: Turn) -> None:
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
    if turn.form is not None and turn.form["flow"] == FLOW:
        turn.finish()  # an Approve pressed mid-way through something else leaves that where it was
