"""From an incoming message to the replies: one transaction a message.

The order of a turn: recognise a replayed update, find the user, take their form (locked), then a
command, a button, an answer to the question in the form, or a new sentence. The form, the business
change and any notifications are committed together, or not at all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from types import ModuleType

from salesbot import logs, metrics
from salesbot.handlers import (
    admin,
    approvals,
    contracts,
    customers,
    fieldwork,
    groups,
    payments,
    pipeline,
    receivables,
    schedules,
    visits,
)
from salesbot.handlers.lexicons import customer_index, reason_lexicon, stage_lexicon
from salesbot.handlers.messages import Incoming, Reply
from salesbot.handlers.turn import Turn
from salesbot.i18n import LANGS, t
from salesbot.nlp.contracts import asks_my_approvals
from salesbot.nlp.intents import Understanding, understand
from salesbot.services import cards, conversations, invites, updates, users
from salesbot.services.errors import Conflict, ServiceError
from salesbot.services.uow import UnitOfWork

log = logging.getLogger(__name__)

# How long a replay waits for the first handling of its update to send the replies before taking them over: a
# turn and its sends take well under a second, and Telegram waits far longer for a webhook's answer.
SEND_LEASE = timedelta(seconds=15)
REPLAY_POLL = 0.1

FLOWS: dict[str, ModuleType] = {
    visits.FLOW: visits,
    pipeline.FLOW: pipeline,
    contracts.FLOW: contracts,
    approvals.FLOW: approvals,
    receivables.FLOW: receivables,
    payments.FLOW: payments,
    schedules.FLOW: schedules,
}


class Router:
    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow = uow_factory

    def handle(self, incoming: Incoming) -> list[Reply]:
        started = time.perf_counter()
        with logs.context(update_id=incoming.update_id, platform=incoming.platform, sender=incoming.sender_id):
            try:
                try:
                    replies, outcome = self._handle(incoming)
                except Conflict:
                    # Two first messages of one conversation raced to create its form row; the loser's
                    # transaction was rolled back whole, so it is safe to run it again, now that the row exists.
                    replies, outcome = self._handle(incoming)
            except Exception:
                log.exception("handling %s failed", incoming)
                metrics.update_handled(incoming.platform, time.perf_counter() - started, outcome="error")
                return [Reply(t("zh", "error_generic") + "\n" + t("en", "error_generic"))]
            elapsed = time.perf_counter() - started
            metrics.update_handled(incoming.platform, elapsed, outcome=outcome)
            log.debug("handled in %.1f ms, %d replies", elapsed * 1000, len(replies))
        return replies

    def replied(self, platform: str, update_ids: list[str]) -> None:
        """The channel sent these updates' replies: a replay of them now answers nothing."""
        with self._uow() as uow:
            updates.replied(uow, platform=platform, update_ids=update_ids)
            uow.commit()

    def release(self, incoming: Incoming) -> None:
        """The channel could not send this update's replies: the platform's retry may send them at once."""
        if incoming.update_id is None:
            return
        with self._uow() as uow:
            updates.release(uow, platform=incoming.platform, update_id=incoming.update_id, lease=SEND_LEASE)
            uow.commit()

    def _handle(self, incoming: Incoming) -> tuple[list[Reply], str]:
        """The replies, and the outcome for the metrics: handled, replayed (nothing to do) or resent."""
        with self._uow() as uow:
            if incoming.update_id is None or updates.first_time(
                uow, platform=incoming.platform, update_id=incoming.update_id
            ):
                replies = self._turn(uow, incoming)
                if replies and incoming.update_id is not None:
                    kept = [reply.as_json() for reply in replies]
                    updates.keep_replies(
                        uow,
                        platform=incoming.platform,
                        update_id=incoming.update_id,
                        replies=kept,
                        chat_id=incoming.chat_id,
                    )
                uow.commit()
                return replies, "handled"
        # A replay, outside the transaction that found it (SQLite would hold its write lock while we wait).
        unsent = self._unsent(incoming)
        return unsent, "resent" if unsent else "replayed"

    def _unsent(self, incoming: Incoming) -> list[Reply]:
        """A replay's answer: the first handling's replies if that worker died before sending them, else
        nothing. While its claim holds it may still be sending, so we look again until the claim runs out."""
        assert incoming.update_id is not None
        give_up = time.monotonic() + SEND_LEASE.total_seconds() + 1
        while True:
            with self._uow() as uow:
                kept = updates.unsent_replies(
                    uow, platform=incoming.platform, update_id=incoming.update_id, lease=SEND_LEASE
                )
                uow.commit()
            if kept is not updates.Wait.WAIT:
                if kept:
                    log.info("a replay of %s sends the replies its first handling never sent", incoming.update_id)
                return [Reply.from_json(reply) for reply in kept]
            if time.monotonic() > give_up:
                return []
            time.sleep(REPLAY_POLL)

    def _turn(self, uow: UnitOfWork, incoming: Incoming) -> list[Reply]:
        """The turn itself, in the caller's transaction (which it may commit early, and the caller commits)."""
        if incoming.event is not None:
            return groups.on_event(uow, incoming)
        actor = users.identify(uow, incoming.platform, incoming.sender_id)
        if actor is not None:
            logs.bind(user_id=actor.id, user=actor.handle)
        if incoming.chat_type == "group":
            # Strangers, guests and chatter not meant for the bot get silence: nothing is learnt by asking.
            if actor is None or not actor.active or not incoming.addressed:
                return []
        elif actor is None:
            actor = _redeem_invite(uow, incoming)
            if actor is None:
                return [Reply(t(uow.settings.language, "stranger"))]
            return [Reply(t(actor.lang, "welcome", name=actor.name) + "\n\n" + t(actor.lang, "help"))]
        if not actor.active:
            return [Reply(t(actor.lang, "user_left"))]
        form = conversations.load_form(uow, user_id=actor.id, chat_key=incoming.chat_key)
        turn = Turn(uow=uow, actor=actor, incoming=incoming, form=form)
        savepoint = uow.session.begin_nested()
        try:
            _dispatch(turn)
            savepoint.commit()
        except ServiceError as refusal:
            # The refused change is undone; the conversation ends with a clear answer, not a half state.
            savepoint.rollback()
            turn.replies.append(Reply(_word_refusal(turn, refusal)))
            turn.form = None
        conversations.save_form(uow, user_id=actor.id, chat_key=incoming.chat_key, form=turn.form)
        return turn.replies


def _redeem_invite(uow: UnitOfWork, incoming: Incoming) -> users.Actor | None:
    """`/start <code>` (a Telegram invite link sends it), or the code pasted on its own (WeCom has no such link),
    from an account we do not know yet: the one way a stranger becomes a user."""
    if incoming.chat_type != "private":
        return None
    text = incoming.text.strip()
    command, _, code = text.partition(" ")
    if command.split("@")[0].lower() == "/start":
        code = code.strip()
    elif invites.looks_like_code(text):
        code = text
    else:
        return None
    if not code:
        return None
    return invites.redeem(uow, code=code, platform=incoming.platform, platform_user_id=incoming.sender_id)


def _dispatch(turn: Turn) -> None:
    incoming = turn.incoming
    text = incoming.text.strip()
    if text.startswith("/") and groups.is_group_command(text):
        groups.command(turn, text)
        return
    if incoming.chat_type == "group" and not groups.may_answer(turn):
        return
    if incoming.button is not None:
        _press(turn, incoming.button)
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


def _converse(turn: Turn, text: str, *, caption: bool = False) -> None:
    """A sentence: the answer to the open question, or a new request. A caption the bot cannot read is
    only a caption: the photo it came with is still kept, without a "not understood"."""
    said = _understand(turn, text)
    form = turn.form
    if form is not None:
        flow = FLOWS[form["flow"]]
        if form.get("awaiting") and flow.on_text(turn, text, said):
            if turn.form is not None and not turn.form.get("awaiting"):
                flow.advance(turn)
            return
        if said.intent == "unknown" and form.get("awaiting"):
            # Not an answer and not a new request: ask the same question again rather than drop the form.
            if not caption:
                turn.reask(turn.t("answer_not_understood"))
            return
    if caption and said.intent == "unknown":
        return
    if said.intent == "export":
        receivables.export(turn)  # what was just shown: the form says, so it is not dropped
        return
    turn.finish()
    _new_sentence(turn, said)


def _understand(turn: Turn, text: str) -> Understanding:
    settings = turn.settings
    return understand(
        text,
        now=turn.now_local(),
        customers=customer_index(turn.uow),
        stages=stage_lexicon(settings),
        reasons=reason_lexicon(settings),
    )


def _new_sentence(turn: Turn, said: Understanding) -> None:
    if said.intent == "visit":
        visits.start(turn, said)
    elif said.intent == "stage":
        pipeline.start(turn, said)
    elif said.intent == "my_customers":
        customers.list_mine(turn)
    elif said.intent == "my_deals":
        pipeline.list_mine(turn)
    elif said.intent == "contract":
        contracts.start(turn, said)
    elif said.intent == "receivables":
        receivables.start(turn, said)
    elif said.intent == "payment":
        payments.start(turn, said)
    elif said.intent == "schedule":
        schedules.start(turn, said)
    elif said.intent == "help":
        turn.say(turn.t("help"))
    elif asks_my_approvals(said.text):
        approvals.list_waiting(turn)
    else:
        turn.say(turn.t("not_understood"))


def _press(turn: Turn, key: str) -> None:
    form = turn.form
    action = form.get("buttons", {}).get(key) if form else None
    if form is None or action is None:
        _press_card(turn, key)
        return
    flow = FLOWS[form["flow"]]
    if action.get("do") == "export":
        receivables.export(turn)  # the list stays as it was, its More button still good
        return
    form["buttons"], form["rows"] = {}, []  # a form's buttons work once: a double tap finds nothing
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
        form["slots"].update(action.get("set", {}))
    form["awaiting"] = None
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
    FLOWS[card.action["flow"]].on_card(turn, card.action)


def _command(turn: Turn, text: str) -> None:
    name, _, rest = text.partition(" ")
    name = name.split("@")[0].lower()
    if name == "/cancel":
        turn.say(turn.t("cancelled" if turn.form else "nothing_to_cancel"))
        turn.finish()
    elif name == "/help":
        turn.say(turn.t("help"))
    elif name == "/start":
        turn.say(turn.t("hello", name=turn.actor.name))
    elif name == "/customers":
        customers.list_mine(turn)
    elif name == "/deals":
        pipeline.list_mine(turn)
    elif name == "/lang" and rest.strip() in LANGS:
        users.set_language(turn.uow, turn.actor, lang=rest.strip())
        turn.actor = users.by_handle(turn.uow, turn.actor.handle)
        turn.say(turn.t("lang_set"))
    elif name == "/approvals":
        approvals.list_waiting(turn)
    elif name == "/receivables":
        turn.start(receivables.FLOW, {"view": "who_owes", "page": 1})
        receivables.advance(turn)
    elif name == "/handover":
        admin.handover(turn, rest.split())
    else:
        turn.say(turn.t("not_understood"))


def _word_refusal(turn: Turn, refusal: ServiceError) -> str:
    params = dict(refusal.params)
    if "stage" in params:
        params["stage"] = turn.settings.stage_label(params["stage"], turn.lang)
    try:
        return turn.t(refusal.code, **params)
    except (KeyError, IndexError):
        log.warning("no wording for refusal %s", refusal.code)
        return turn.t("not_allowed")
