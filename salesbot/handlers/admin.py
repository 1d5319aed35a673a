"""What admins and managers do in chat: hand a rep's accounts to another."""

from __future__ import annotations

from salesbot.handlers.turn import Turn
from salesbot.services import users


def handover(turn: Turn, args: list[str]) -> None:
    if len(args) != 2:
        turn.say(turn.t("handover_usage"))
        return
    moved = users.hand_over(turn.uow, turn.actor, from_handle=args[0], to_handle=args[1])
    turn.say(turn.t("handover_done", from_handle=args[0], to_handle=args[1], **moved))
