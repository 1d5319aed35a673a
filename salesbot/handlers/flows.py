"""The conversation's capabilities, declared: which intents and commands each answers, and how its form moves.

A capability is one module under `salesbot/handlers/` that declares itself here when imported:

- a **flow** (`declare_flow`) keeps a form between messages: it is started by its intents, waits in one of its
  declared states (an enum), reads typed answers (`on_text`) and button presses, and moves on (`advance`);
- an **answer** (`declare_answer`) replies at once and keeps nothing: a list, a help text, an export.

The router builds its tables from these declarations (`intents()`, `commands()`, `flow(name)`), so adding a
capability is one new module: nothing else names it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from salesbot.handlers.turn import Turn
    from salesbot.nlp.intents import Understanding

Start = Callable[["Turn", "Understanding"], None]
Command = Callable[["Turn", str], None]


class Flow(Protocol):
    """What the router needs of a capability that keeps a form."""

    name: str
    states: type[StrEnum]
    intents: tuple[str, ...]
    topic: str  # catalogue key naming a form of this flow to its user ("your 小米 visit"), with {customer}

    def start(self, turn: Turn, said: Understanding) -> None: ...

    def advance(self, turn: Turn) -> None: ...

    def on_text(self, turn: Turn, text: str, said: Understanding) -> bool: ...

    def on_card(self, turn: Turn, action: dict[str, Any]) -> None: ...


def _nothing_typed(turn: Turn, text: str, said: Understanding) -> bool:
    return False


def _no_cards(turn: Turn, action: dict[str, Any]) -> None:
    raise LookupError("this flow has no cards")


def _done(turn: Turn) -> None:
    turn.finish()


def _done_said(turn: Turn, said: Understanding) -> None:
    turn.finish()


@dataclass(frozen=True)
class DeclaredFlow:
    name: str
    states: type[StrEnum]
    start: Start
    topic: str
    advance: Callable[[Turn], None] = _done
    on_text: Callable[[Turn, str, Understanding], bool] = _nothing_typed
    on_card: Callable[[Turn, dict[str, Any]], None] = _no_cards
    intents: tuple[str, ...] = ()
    commands: Mapping[str, Command] = field(default_factory=dict)


@dataclass(frozen=True)
class DeclaredAnswer:
    start: Start
    intents: tuple[str, ...] = ()
    commands: Mapping[str, Command] = field(default_factory=dict)


_FLOWS: dict[str, DeclaredFlow] = {}
_INTENTS: dict[str, Start] = {}
_COMMANDS: dict[str, Command] = {}
_FLOW_OF_INTENT: dict[str, str] = {}


def declare_flow(
    name: str,
    *,
    states: type[StrEnum],
    start: Start,
    topic: str,
    advance: Callable[[Turn], None] = _done,
    on_text: Callable[[Turn, str, Understanding], bool] = _nothing_typed,
    on_card: Callable[[Turn, dict[str, Any]], None] = _no_cards,
    intents: tuple[str, ...] = (),
    commands: Mapping[str, Command] | None = None,
) -> DeclaredFlow:
    declared = DeclaredFlow(
        name=name,
        states=states,
        start=start,
        topic=topic,
        advance=advance,
        on_text=on_text,
        on_card=on_card,
        intents=intents,
        commands=dict(commands or {}),
    )
    if name in _FLOWS and _FLOWS[name] != declared:
        raise ValueError(f"two flows are called {name!r}")
    _FLOWS[name] = declared
    _FLOW_OF_INTENT.update(dict.fromkeys(intents, name))
    _route(name, intents, start, declared.commands)
    return declared


def declare_answer(
    *, start: Start | None = None, intents: tuple[str, ...] = (), commands: Mapping[str, Command] | None = None
) -> None:
    """An answer that keeps no form: `start` for its intents, a function per command."""
    assert start is not None or not intents, "intents need a start"
    owner = getattr(start, "__qualname__", None) or ",".join(commands or {})
    _route(owner, intents, start or _done_said, dict(commands or {}))


def _route(owner: str, intents: tuple[str, ...], start: Start, commands: Mapping[str, Command]) -> None:
    for intent in intents:
        if _INTENTS.get(intent, start) is not start:
            raise ValueError(f"intent {intent!r} is answered twice ({owner})")
        _INTENTS[intent] = start
    for command, run in commands.items():
        if _COMMANDS.get(command, run) is not run:
            raise ValueError(f"command {command!r} is answered twice ({owner})")
        _COMMANDS[command] = run


@cache
def load() -> None:
    """Import every capability module once, so each declares itself."""
    import salesbot.handlers as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")


def flow(name: str) -> DeclaredFlow:
    load()
    return _FLOWS[name]


def intents() -> Mapping[str, Start]:
    load()
    return _INTENTS


def flow_of(intent: str) -> str | None:
    """The flow an intent starts, if it starts one."""
    load()
    return _FLOW_OF_INTENT.get(intent)


def commands() -> Mapping[str, Command]:
    load()
    return _COMMANDS


def topic_of(turn: Turn, form: Any) -> str:
    """A form named for its user: "your 小米 visit" / "你的小米拜访"."""
    declared = _FLOWS.get(form.flow)
    if declared is None:
        return turn.t("topic_generic")
    customer = form.slots.get("customer")
    return turn.t(declared.topic, customer=customer) if customer else turn.t(f"{declared.topic}_any")


def all_flows() -> Mapping[str, DeclaredFlow]:
    load()
    return _FLOWS
