"""What a message is, and which capability answers it: a button, a command, an answer to the open question, or
a new request. The tables come from the capabilities' own declarations (`handlers/flows.py`).

A new request while a question is open (a question, another intent, a command) is taken as that request; the
open question is parked and asked again once the request is done (`Turn.park` / `Turn.settle`). Text becomes an
answer only when it reads as one: a sentence or a question is never taken for a customer's name.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from salesbot.handlers import customers, fieldwork, flows, groups, receivables
from salesbot.handlers.lexicons import customer_index, reason_lexicon, stage_lexicon
from salesbot.handlers.turn import Choice, Turn
from salesbot.nlp import steering
from salesbot.nlp.intents import Understanding, understand
from salesbot.services import cards, limits

log = logging.getLogger(__name__)


def dispatch(turn: Turn) -> None:
    incoming = turn.incoming
    limits.message(incoming.text)  # before anything reads it: too long or with control characters, refused
    text = incoming.text.strip()
    if text.startswith("/") and groups.is_group_command(text):
        groups.command(turn, text)
        return
    if incoming.chat_type == "group" and not groups.may_answer(turn):
        return
    _take_parked(turn)
    if incoming.button is not None:
        press(turn, incoming.button)
        return
    if text.startswith("/"):
        _command(turn, text)
        return
    carries = bool(incoming.attachments or incoming.location)
    if text:
        _converse(turn, text, caption=carries)
    elif not carries:
        turn.say(turn.t("not_understood"))  # a sticker, a poll: nothing we keep
    if carries:
        fieldwork.keep(turn)


def read(turn: Turn, text: str, intent: str | None = None) -> Understanding:
    settings = turn.settings
    return understand(
        text,
        now=turn.now_local(),
        customers=customer_index(turn.uow),
        stages=stage_lexicon(settings),
        reasons=reason_lexicon(settings),
        calendar=turn.calendar,
        intent=intent,
    )


def _take_parked(turn: Turn) -> None:
    """The question a form parked beneath the current one is the turn's to offer again when it is done."""
    if turn.form is not None and turn.form.parked is not None:
        turn.parked, turn.form.parked = turn.form.parked, None


def _converse(turn: Turn, text: str, *, caption: bool = False) -> None:
    """A sentence: the answer to the open question, or a new request. A caption the bot cannot read is only a
    caption: the photo it came with is still kept, without a "not understood"."""
    said = read(turn, text)
    form = turn.form
    if form is not None and form.awaiting:
        if _answers(turn, text, said):
            return
        if said.intent == "unknown" and not steering.is_question(text):
            # Not an answer and not a new request: ask the same question again rather than drop the form.
            if not caption:
                turn.reask(turn.t("answer_not_understood"))
            return
    if caption and said.intent == "unknown":
        return
    if said.intent == "export":
        receivables.export(turn)  # what was just shown: the form says, so it is neither parked nor dropped
        return
    if said.runner_up is not None and flows.intents().get(said.runner_up) is not None:
        _ask_which(turn, said)
        return
    new_request(turn, said)


# ---- two close readings (issue 17, item 5): "你是想…?" with one button per action, and 取消


class Which(StrEnum):
    INTENT = "intent"


def _ask_which(turn: Turn, said: Understanding) -> None:
    """Ask which of two close readings was meant; the pressed one goes on with the same sentence, read that way."""
    turn.start("which", {"text": said.text})
    rows = [[Choice(turn.t(f"intent_{i}"), {"set": {"intent": i}})] for i in (said.intent, said.runner_up)]
    turn.ask(turn.t("which_intent", text=said.text), [*rows, [turn.cancel_choice()]], awaiting=Which.INTENT)


def _go_on_as_picked(turn: Turn) -> None:
    assert turn.form is not None
    text, intent = turn.form.slots["text"], turn.form.slots["intent"]
    turn.finish()
    new_request(turn, read(turn, text, intent))


flows.declare_flow("which", states=Which, start=_ask_which, advance=_go_on_as_picked, topic="topic_which")


def _answers(turn: Turn, text: str, said: Understanding) -> bool:
    """Whether the text answered the open question (and was taken as its answer)."""
    form = turn.form
    assert form is not None and form.awaiting
    flow = flows.flow(form.flow)
    if said.intent == "pick" and len(form.buttons) > 1:
        n = steering.ordinal(text) or 0
        key = form.ordinal(n if n > 0 else len(form.buttons))
        if key is not None:
            press(turn, key)
            return True
    if said.intent == "correct" and (fix := steering.correction(text)):
        # "不对,是下周三" while asked for a day: the right value is the answer.
        text, said = fix, read(turn, fix)
    answer = customers.answer if form.awaiting == customers.AWAITING else flow.on_text
    taken = answer(turn, text, said)
    if taken and turn.form is not None and not turn.form.awaiting:
        flows.flow(turn.form.flow).advance(turn)
    return taken


def new_request(turn: Turn, said: Understanding) -> None:
    """A request of its own: an open question waits for it, or gives way to a fresh start of the same thing."""
    if turn.form is not None:
        if turn.form.awaiting:
            turn.park()
        else:
            turn.finish()  # a list shown (its More button) is over once something else is asked
    start = flows.intents().get(said.intent)
    if start is None:
        turn.say(turn.t("not_understood"))
        return
    if turn.parked is not None and flows.flow_of(said.intent) == turn.parked.flow:
        turn.drop_parked()  # the same thing said afresh: the half-done one is replaced, and the user told
    start(turn, said)


def press(turn: Turn, key: str) -> None:
    form = turn.form
    if (form is None or key not in form.buttons) and turn.parked is not None and key in turn.parked.buttons:
        # A button of the question set aside: that question comes back, and what was open now waits instead.
        current = turn.form
        turn.form, turn.parked = turn.parked, current if current is not None and current.awaiting else None
        form = turn.form
    action = form.buttons.get(key) if form is not None else None
    if form is None or action is None:
        _press_card(turn, key)
        return
    if action.get("do") == "export":
        receivables.export(turn)  # the list stays as it was, its More button still good
        return
    form.buttons, form.rows = {}, []  # a form's buttons work once: a double tap finds nothing
    flow = flows.flow(form.flow)
    if action.get("do") == "cancel":
        turn.say(turn.t("cancelled"))
        turn.finish()
        return
    if action.get("do") == "create_customer":
        customers.create_from_choice(turn, action["name"])
    elif "await" in action:
        turn.ask(turn.t(action["question"]), [[turn.cancel_choice()]], awaiting=action["await"])
        return
    else:
        form.slots.update(action.get("set", {}))
    form.awaiting = None
    flow.advance(turn)


def _press_card(turn: Turn, key: str) -> None:
    """A button on a card (an approval request), which lives outside any conversation: who may press it and
    what it meant are stored with its key; the flow re-checks that the matter still waits for this press."""
    card = cards.pressed(turn.uow, key)
    if card is None or card.used:
        turn.say(turn.t("button_stale"))
        return
    if card.user_id != turn.actor.id:
        turn.say(turn.t("approval_not_yours"))
        return
    flows.flow(card.action["flow"]).on_card(turn, card.action)


def _command(turn: Turn, text: str) -> None:
    name, _, rest = text.partition(" ")
    name = name.split("@")[0].lower()
    if name == "/cancel":
        turn.say(turn.t("cancelled" if turn.form or turn.parked else "nothing_to_cancel"))
        turn.finish()
        turn.parked = None
        return
    run = flows.commands().get(name)
    if run is None:
        turn.say(turn.t("not_understood"))
        return
    if turn.form is not None and turn.form.awaiting:
        turn.park()
    else:
        turn.finish()
    run(turn, rest.strip())
