"""The bot in a team group: linking the chat to a team, and who it answers there.

An admin or the team's manager adds the bot to the group and sends `/link` (their own team) or
`/link <group or team>`. From then on the group receives the team's notices and digests, and the bot
answers the team's members when they address it; everyone else in the chat gets silence.
"""

from __future__ import annotations

from salesbot.handlers.messages import Incoming, Reply
from salesbot.handlers.turn import Turn
from salesbot.i18n import t
from salesbot.services import groups, users
from salesbot.services.uow import UnitOfWork

COMMANDS = ("/link", "/unlink")


def is_group_command(text: str) -> bool:
    return text.split(maxsplit=1)[0].split("@")[0].lower() in COMMANDS


def command(turn: Turn, text: str) -> None:
    name, _, rest = text.partition(" ")
    incoming = turn.incoming
    if incoming.chat_type != "group":
        turn.say(turn.t("group_only"))
        return
    if name.split("@")[0].lower() == "/unlink":
        group = groups.unlink(turn.uow, turn.actor, platform=incoming.platform, chat_id=incoming.chat_id)
        turn.say(turn.t("group_unlinked", group=group.name))
        return
    linked = groups.link(
        turn.uow,
        turn.actor,
        name=rest.strip() or None,
        platform=incoming.platform,
        chat_id=incoming.chat_id,
        title=incoming.chat_title,
    )
    text = turn.t("group_linked", group=linked.group.name, team=linked.team)
    if linked.moved_from_other_chat:
        text += "\n" + turn.t("group_moved")
    turn.say(text)


def may_answer(turn: Turn) -> bool:
    """Whether the bot answers this member here; a member in a group not yet linked is told how to link it."""
    incoming = turn.incoming
    group = groups.for_chat(turn.uow, incoming.platform, incoming.chat_id)
    if groups.may_answer(turn.actor, group):
        return True
    if group is None:
        turn.say(turn.t("group_not_linked"))
    return False


def on_event(uow: UnitOfWork, incoming: Incoming) -> list[Reply]:
    """The bot was added to a chat, removed from it, or the chat changed its id."""
    if incoming.event == "left":
        groups.chat_gone(uow, platform=incoming.platform, chat_id=incoming.chat_id)
    elif incoming.event == "moved" and incoming.moved_to:
        groups.chat_moved(uow, platform=incoming.platform, chat_id=incoming.chat_id, new_chat_id=incoming.moved_to)
    elif incoming.event == "joined":
        actor = users.identify(uow, incoming.platform, incoming.sender_id)
        if actor is not None and actor.active:  # added by a stranger: say nothing at all
            linked = groups.for_chat(uow, incoming.platform, incoming.chat_id)
            if linked is not None:
                return [Reply(t(actor.lang, "group_hello_linked", group=linked.name))]
            return [Reply(t(actor.lang, "group_hello"))]
    return []
