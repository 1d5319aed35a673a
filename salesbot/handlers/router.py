"""From an incoming message to the replies: one transaction a message, through a short intake chain.

    replay?  ──▶  who is speaking  ──▶  their form, locked  ──▶  dispatch (in a savepoint)  ──▶  form saved

A replayed update answers with the replies its first handling kept (or nothing); a stranger can only redeem an
invite; the form is read after its row is locked, so two quick messages queue instead of racing. The form, the
business change and any notifications are committed together, or not at all. What a message means, and which
capability answers it, is `handlers/dispatch.py`'s business.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from salesbot import logs, metrics
from salesbot.handlers import dispatch, groups
from salesbot.handlers.form import Form
from salesbot.handlers.messages import Incoming, Reply
from salesbot.handlers.turn import Turn
from salesbot.i18n import t
from salesbot.services import conversations, invites, updates, users
from salesbot.services.errors import Conflict, ServiceError
from salesbot.services.uow import UnitOfWork

log = logging.getLogger(__name__)

# How long a replay waits for the first handling of its update to send the replies before taking them over: a
# turn and its sends take well under a second, and Telegram waits far longer for a webhook's answer.
SEND_LEASE = timedelta(seconds=15)
REPLAY_POLL = 0.1


class Router:
    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow = uow_factory

    def handle(self, incoming: Incoming) -> list[Reply]:
        started = time.perf_counter()
        with logs.context(update_id=incoming.update_id, platform=incoming.platform, sender=incoming.sender_id):
            try:
                replies, outcome = self._once(incoming)
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

    def _once(self, incoming: Incoming) -> tuple[list[Reply], str]:
        try:
            return self._handle(incoming)
        except Conflict:
            # Two first messages of one conversation raced to create its form row; the loser's transaction was
            # rolled back whole, so it is safe to run it again, now that the row exists.
            return self._handle(incoming)

    def _handle(self, incoming: Incoming) -> tuple[list[Reply], str]:
        """The replies, and the outcome for the metrics: handled, replayed (nothing to do) or resent."""
        with self._uow() as uow:
            if incoming.update_id is None or updates.first_time(
                uow, platform=incoming.platform, update_id=incoming.update_id
            ):
                replies = _turn(uow, incoming)
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


def _turn(uow: UnitOfWork, incoming: Incoming) -> list[Reply]:
    """A first-time update, in the caller's transaction: who is speaking, their form, then what they said."""
    if incoming.event is not None:
        return groups.on_event(uow, incoming)
    actor = _speaker(uow, incoming)
    if not isinstance(actor, users.Actor):
        return actor
    turn = Turn(uow=uow, actor=actor, incoming=incoming, form=_load_form(uow, actor, incoming))
    try:
        with uow.savepoint():
            dispatch.dispatch(turn)
    except ServiceError as refusal:
        # The refused change is undone; the conversation ends with a clear answer, not a half state.
        turn.refused(refusal)
    turn.settle()
    form = turn.form.to_json() if turn.form is not None else None
    conversations.save_form(uow, user_id=actor.id, chat_key=incoming.chat_key, form=form)
    return turn.replies


def _speaker(uow: UnitOfWork, incoming: Incoming) -> users.Actor | list[Reply]:
    """The user behind the message, or the answer a stranger, a guest or a departed user gets instead."""
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
    return actor


def _load_form(uow: UnitOfWork, actor: users.Actor, incoming: Incoming) -> Form | None:
    saved = conversations.load_form(uow, user_id=actor.id, chat_key=incoming.chat_key)
    if saved is None:
        return None
    try:
        return Form.from_json(saved)
    except (KeyError, TypeError, ValueError):
        log.warning("a saved form could not be read and was dropped: %r", saved)
        return None


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
