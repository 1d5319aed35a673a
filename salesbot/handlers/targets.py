"""Targets in chat (issue 21): "给张伟定12月目标50万" / "set Tom's December target to 80k USD" (a manager or an admin),
and "我的业绩完成多少了" / "how am I doing against target" (a rep: their own; a manager: the team's and each rep's);
and who is using the bot: "团队使用情况" / "who is using it this week" (a manager or an admin)."""

from __future__ import annotations

from salesbot.handlers import flows
from salesbot.handlers.turn import Turn
from salesbot.i18n import fmt_date
from salesbot.i18n.reports import standing_line
from salesbot.nlp import targets as said_targets
from salesbot.nlp.intents import Understanding
from salesbot.services import adoption, permissions, targets
from salesbot.services.errors import NotAllowed


def set_target(turn: Turn, said: Understanding) -> None:
    today = turn.now_local().date()
    ask = said_targets.parse(said.text, today=today)
    if ask is None:
        turn.say(turn.t("target.ask_amount"))
        return
    done = targets.set_target(
        turn.uow,
        turn.actor,
        user_name=None if ask.team else ask.who,
        team_id=turn.actor.team_id if ask.team else None,
        starts_on=ask.starts_on,
        ends_on=ask.ends_on,
        amount=ask.money.amount,
        currency=ask.money.currency or turn.actor.currency,
    )
    turn.say(turn.t("target.set", standing=standing_line(done.as_params(), turn.lang)))


def attainment(turn: Turn, said: Understanding) -> None:
    team_id = permissions.team_here(turn.scope, turn.actor)
    if turn.scope.group and turn.actor.role != "rep" and team_id != turn.actor.team_id:
        raise NotAllowed("group_private_only")  # the answer is the asker's team's, not this group's
    found = targets.how_am_i_doing(turn.uow, turn.actor, day=turn.now_local().date())
    if not found:
        turn.say(turn.t("target.none"))
        return
    turn.say("\n".join(standing_line(s.as_params(), turn.lang) for s in found))


def usage(turn: Turn, said: Understanding) -> None:
    since, until = said_targets.period(said.text, today=turn.now_local().date())
    team_id = permissions.team_here(turn.scope, turn.actor)
    found = adoption.usage(turn.uow, turn.actor, since=since, until=until, team_id=team_id)
    head = turn.t("adoption.head", since=fmt_date(since, turn.lang), until=fmt_date(until, turn.lang))
    if not found:
        turn.say(turn.t("adoption.none"))
        return
    turn.say("\n".join([head, *(turn.t("adoption.line", **u.as_params()) for u in found)]))


flows.declare_answer(start=usage, intents=("adoption",))
flows.declare_answer(start=set_target, intents=("set_target",))
flows.declare_answer(start=attainment, intents=("attainment",))
