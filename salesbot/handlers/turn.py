"""One incoming message being handled: who sent it, their half-filled form (`handlers/form.py`), and what we
answer. Flows talk to the user only through a turn: `say`, `ask` (a question whose answer the form awaits),
`reask`, `start` and `finish`."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Any

from salesbot.calendars import MonFri, team_calendar
from salesbot.config import Settings
from salesbot.handlers.flows import topic_of
from salesbot.handlers.form import Form
from salesbot.handlers.messages import Button, Incoming, Reply
from salesbot.i18n import t
from salesbot.nlp.amounts import Money, parse_amount
from salesbot.nlp.dates import DateError, DateReading, parse_date
from salesbot.nlp.intents import Understanding
from salesbot.services import groups
from salesbot.services.errors import ServiceError
from salesbot.services.permissions import Scope
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor

log = logging.getLogger(__name__)


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
    # A question left open when a new request came in: offered again once the new request is done.
    parked: Form | None = None
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

    @cached_property
    def calendar(self) -> MonFri:
        """The speaker's team's working days: 节后 and N个工作日后 count on them, and a follow-up read from a relative
        phrase (三天后) moves off a day off."""
        return team_calendar(self.settings, self.actor.team_key)

    def now_local(self) -> datetime:
        return self.uow.now().astimezone(self.actor.tz)

    def t(self, key: str, **params: Any) -> str:
        return t(self.lang, key, **params)

    def say(self, text: str) -> None:
        self.replies.append(Reply(text=text))

    def start(self, flow: str, slots: dict[str, Any]) -> Form:
        """A new form; a question still open is parked, to be asked again when this one is done."""
        if self.form is not None and self.form.awaiting:
            self.park()
        self.form = Form(flow=flow, slots=slots)
        return self.form

    def finish(self) -> None:
        self.form = None

    def ask(self, text: str, choices: Sequence[Sequence[Choice]] = (), *, awaiting: StrEnum | None = None) -> None:
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
        self.form.buttons = buttons
        self.form.rows = [[{"key": b.key, "label": b.label} for b in row] for row in rows]
        self.form.awaiting = str(awaiting) if awaiting is not None else None
        self.form.question = text
        self.replies.append(Reply(text=text, buttons=tuple(rows)))

    def reask(self, preface: str) -> None:
        """The last question again, with the same buttons (their keys still valid)."""
        assert self.form is not None
        rows = tuple(tuple(Button(**b) for b in row) for row in self.form.rows)
        self.replies.append(Reply(text=f"{preface}\n{self.form.question or ''}".strip(), buttons=rows))

    def answered(self) -> None:
        """The awaited answer is in the form: nothing is asked until the flow asks again."""
        assert self.form is not None
        self.form.awaiting = None

    def amount_answer(self, text: str, said: Understanding) -> Money | None:
        """The answer to "how much?": the amount in it, or None once the question has been asked again. (An answer
        that is only an amount, "50000", is read even where a sentence's bare number would not count as money.)"""
        money = said.amount or parse_amount(text)
        if money is None:
            self.reask(self.t("amount_unreadable"))
        return money

    def refused(self, refusal: ServiceError) -> None:
        """A service said no: the answer in the user's words, and the form it was for is over."""
        params = dict(refusal.params)
        if "stage" in params:
            params["stage"] = self.settings.stage_label(params["stage"], self.lang)
        try:
            text = self.t(refusal.code, **params)
        except (KeyError, IndexError):
            log.warning("no wording for refusal %s", refusal.code)
            text = self.t("not_allowed")
        self.replies.append(Reply(text))
        self.form = None

    def park(self) -> None:
        """A new request came in while a question was open: the question waits for it (one deep; an older
        waiting question is dropped, and the user is told)."""
        if self.form is None:
            return
        if self.parked is not None:
            self.say(self.t("form_dropped", topic=topic_of(self, self.parked)))
        self.parked, self.form = self.form, None

    def drop_parked(self) -> None:
        if self.parked is not None:
            self.say(self.t("form_dropped", topic=topic_of(self, self.parked)))
            self.parked = None

    def settle(self) -> None:
        """At the end of the turn: a waiting question comes back once nothing else is being asked."""
        if self.parked is None:
            return
        if self.form is not None and self.form.awaiting is not None:
            self.form.parked, self.parked = self.parked, None
            return
        self.form, self.parked = self.parked, None
        self.reask(self.t("form_resumed", topic=topic_of(self, self.form)))
        # Said under the answer that interrupted it, in one message, unless that answer has buttons of its own.
        if len(self.replies) > 1 and not self.replies[-2].buttons and not self.replies[-2].files:
            resumed = self.replies.pop()
            last = self.replies.pop()
            self.replies.append(replace(last, text=f"{last.text}\n\n{resumed.text}", buttons=resumed.buttons))

    def date_answer(self, text: str, *, past: str = "date_past") -> DateReading | None:
        """The answer to "which day?": a day not in the past, or None once the question has been asked again (with
        `past`, the catalogue key that says why a past day will not do)."""
        try:
            return parse_date(text, now=self.now_local(), calendar=self.calendar)
        except DateError as exc:
            self.reask(self.t(past, date=exc.phrase) if exc.code == "past" else self.t("date_unreadable", phrase=text))
            return None

    def cancel_choice(self) -> Choice:
        return Choice(self.t("btn_cancel"), {"do": "cancel"})
