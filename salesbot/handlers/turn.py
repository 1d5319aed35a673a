"""One incoming message being handled: who sent it, their half-filled form, and what we answer.

A form is a plain dict saved as a row between messages:
    {"flow": "visit", "slots": {...}, "awaiting": "customer" | None, "buttons": {key: action}}
Buttons carry only a short random key; what a press means lives in the form, so a press that is not
in the current form (old, foreign, replayed) is recognised and refused.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from salesbot.config import Settings
from salesbot.handlers.messages import Button, Incoming, Reply
from salesbot.i18n import t
from salesbot.nlp.amounts import Money, parse_amount
from salesbot.nlp.intents import Understanding
from salesbot.services import groups
from salesbot.services.permissions import Scope
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor

Form = dict[str, Any]


@dataclass(frozen=True)
class Choice:
    label: str
    action: dict[str, Any]  # {"set": {slot: value}} or {"do": "cancel"} or {"await": slot}


@dataclass
class Turn:
    uow: UnitOfWork
    actor: Actor
    incoming: Incoming
    form: Form | None
    replies: list[Reply] = field(default_factory=list)
    # The message's files went with what it created (a contract), so they are not kept again on their own.
    files_taken: bool = False

    @property
    def settings(self) -> Settings:
        return self.uow.settings

    @property
    def lang(self) -> str:
        return self.actor.lang

    @cached_property
    def scope(self) -> Scope:
        """How far an answer here may reach (a group's answers never go past its team): the read services take it."""
        incoming = self.incoming
        return groups.scope_for(
            self.uow, self.actor, platform=incoming.platform, chat_id=incoming.chat_id, chat_type=incoming.chat_type
        )

    def now_local(self) -> datetime:
        return self.uow.now().astimezone(self.actor.tz)

    def t(self, key: str, **params: Any) -> str:
        return t(self.lang, key, **params)

    def say(self, text: str) -> None:
        self.replies.append(Reply(text=text))

    def start(self, flow: str, slots: dict[str, Any]) -> Form:
        self.form = {"flow": flow, "slots": slots, "awaiting": None, "buttons": {}, "question": None}
        return self.form

    def finish(self) -> None:
        self.form = None

    def ask(self, text: str, choices: Sequence[Sequence[Choice]] = (), *, awaiting: str | None = None) -> None:
        """Ask the user one thing; the form remembers what the answer (typed or pressed) will fill."""
        assert self.form is not None, "ask() needs a form in progress"
        buttons: dict[str, Any] = {}
        rows = []
        for row in choices:
            keys = []
            for choice in row:
                key = secrets.token_urlsafe(6)
                buttons[key] = choice.action
                keys.append(Button(key=key, label=choice.label))
            rows.append(tuple(keys))
        self.form["buttons"] = buttons
        self.form["rows"] = [[{"key": b.key, "label": b.label} for b in row] for row in rows]
        self.form["awaiting"] = awaiting
        self.form["question"] = text
        self.replies.append(Reply(text=text, buttons=tuple(rows)))

    def reask(self, preface: str) -> None:
        """The last question again, with the same buttons (their keys still valid)."""
        assert self.form is not None
        rows = tuple(tuple(Button(**b) for b in row) for row in self.form.get("rows", []))
        self.replies.append(Reply(text=f"{preface}\n{self.form.get('question') or ''}".strip(), buttons=rows))

    def amount_answer(self, text: str, said: Understanding) -> Money | None:
        """The answer to "how much?": the amount in it, or None once the question has been asked again. (An answer
        that is only an amount, "50000", is read even where a sentence's bare number would not count as money.)"""
        money = said.amount or parse_amount(text)
        if money is None:
            self.reask(self.t("amount_unreadable"))
        return money

    def cancel_choice(self) -> Choice:
        return Choice(self.t("btn_cancel"), {"do": "cancel"})
