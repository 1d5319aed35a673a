"""What admins and managers do in chat: hand a rep's accounts to another."""

from __future__ import annotations

from salesbot.handlers import flows
from salesbot.handlers.turn import Turn
from salesbot.services import users


def handover(turn: Turn, args: str) -> None:
    handles = args.split()
    if len(handles) != 2:
        turn.say(turn.t("handover_usage"))
        return
    moved = users.hand_over(turn.uow, turn.actor, from_handle=handles[0], to_handle=handles[1])
    turn.say(turn.t("handover_done", from_handle=handles[0], to_handle=handles[1], **moved))


flows.declare_answer(commands={"/handover": handover})
