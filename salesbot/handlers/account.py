"""The user's own account in chat: hello, help for their role, and the language they are answered in."""

from __future__ import annotations

from salesbot.handlers import flows
from salesbot.handlers.turn import Turn
from salesbot.i18n import LANGS
from salesbot.services import users


def help_text(turn: Turn, said: object = None) -> None:
    """What this user can say, for their role: a rep's examples, and a manager's, finance's or an admin's own."""
    role = turn.actor.role
    text = turn.t("help")
    if role != "rep":
        text = turn.t(f"help_{role}") + "\n\n" + text if role != "finance" else turn.t("help_finance")
    turn.say(text)


def hello(turn: Turn, args: str) -> None:
    turn.say(turn.t("hello", name=turn.actor.name))


def language(turn: Turn, args: str) -> None:
    if args not in LANGS:
        turn.say(turn.t("lang_usage"))
        return
    users.set_language(turn.uow, turn.actor, lang=args)
    turn.actor = users.by_handle(turn.uow, turn.actor.handle)
    turn.say(turn.t("lang_set"))


flows.declare_answer(
    start=help_text,
    intents=("help",),
    commands={"/help": lambda turn, args: help_text(turn), "/start": hello, "/lang": language},
)
