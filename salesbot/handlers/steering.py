"""Steering what was just done: "撤销" / "undo" takes back the user's last change, "不对,是下周三" /
"no, make it Wednesday" corrects it. Both read the last change from the audit (services/changes.py), so they
work right after the entry in any chat, and only on the user's own changes within the configured window.
A correction while a question is open answers that question instead (handlers/dispatch.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from salesbot.handlers import flows, pipeline, visits
from salesbot.handlers.lexicons import stage_lexicon
from salesbot.handlers.turn import Turn
from salesbot.i18n import fmt_date, fmt_money, fmt_when
from salesbot.nlp import steering
from salesbot.nlp.amounts import parse_amount
from salesbot.nlp.dates import DateError, find_date
from salesbot.nlp.intents import Understanding
from salesbot.services import changes
from salesbot.services import pipeline as deals
from salesbot.services import visits as visit_service
from salesbot.services.changes import Undone
from salesbot.services.visits import FollowUp


def _window(turn: Turn) -> timedelta:
    return timedelta(minutes=turn.settings.undo_minutes)


def undo(turn: Turn, said: Understanding | None = None) -> None:
    undone = changes.undo_last(turn.uow, turn.actor, window=_window(turn))
    turn.say(turn.t(f"undone_{undone.what}", customer=undone.customer, **_shown(turn, undone)))


def _shown(turn: Turn, undone: Undone) -> dict[str, Any]:
    detail = undone.detail
    lang = turn.lang
    if undone.what == "visit":
        return {"day": fmt_date(detail["visited_on"], lang)}
    if undone.what == "follow_up":
        restored = detail["restored"]
        when = fmt_when(restored.on, restored.at, lang) if restored else turn.t("follow_up_none_short")
        return {"when": when}
    if undone.what == "stage":
        return {"stage": turn.settings.stage_label(detail["to_stage"], lang)}
    if undone.what == "plan":
        return {"note": detail["note"] or undone.customer}
    if undone.what == "amount":
        amount = detail["amount"]
        return {"money": fmt_money(amount, detail["currency"], lang) if amount is not None else "—"}
    return {}


def correct(turn: Turn, said: Understanding) -> None:
    """The user's last change, set right by the value the message gives (a day, an amount, a stage)."""
    fix = steering.correction(said.text) or said.text
    change = changes.last_change(turn.uow, turn.actor, window=_window(turn))
    if change is None:
        turn.say(turn.t("correct_nothing"))
        return
    if change.entity in changes.OWN_WAY_BACK:
        turn.say(turn.t(f"undo_{change.entity}"))
        return
    if change.entity == "visit" and _correct_follow_up(turn, change.entity_id, fix):
        return
    if change.entity == "deal" and _correct_deal(turn, change, fix):
        return
    turn.say(turn.t("correct_unclear"))


def _correct_follow_up(turn: Turn, visit_id: int, fix: str) -> bool:
    try:
        reading = find_date(fix, now=turn.now_local(), calendar=turn.calendar)
    except DateError as exc:
        turn.say(turn.t("date_past", date=exc.phrase) if exc.code == "past" else turn.t("correct_unclear"))
        return True
    if reading is None:
        return False
    logged = visit_service.set_follow_up(
        turn.uow, turn.actor, visit_id=visit_id, follow_up=FollowUp(reading.date, reading.time)
    )
    turn.say(turn.t("corrected") + visits.follow_up_text(turn, logged, visits.encode(reading)))
    return True


def _correct_deal(turn: Turn, change: changes.Change, fix: str) -> bool:
    deal_id = change.entity_id
    mention = stage_lexicon(turn.settings).find(fix)
    stage = stage_lexicon(turn.settings).exact(fix) or (mention.stage if mention else None)
    if stage is not None:
        # The move again, to the right stage: through the stage flow, which asks for a reason if it is lost.
        deal = deals.get(turn.uow, turn.actor, deal_id=deal_id)
        turn.start(
            pipeline.FLOW,
            {"customer_id": deal.customer_id, "customer": deal.customer, "deal_id": deal_id, "stage": stage},
        )
        flows.flow(pipeline.FLOW).advance(turn)
        return True
    amount = parse_amount(fix)
    if amount is None:
        return False
    deal = deals.set_amount(turn.uow, turn.actor, deal_id=deal_id, amount=amount.amount, currency=amount.currency)
    assert deal.amount is not None
    turn.say(turn.t("corrected") + turn.t("deal_value", money=fmt_money(deal.amount, deal.currency, turn.lang)))
    return True


def pick_nothing(turn: Turn, said: Understanding) -> None:
    turn.say(turn.t("pick_nothing"))


flows.declare_answer(start=undo, intents=("undo",), commands={"/undo": lambda turn, args: undo(turn)})
flows.declare_answer(start=correct, intents=("correct",))
flows.declare_answer(start=pick_nothing, intents=("pick",))
