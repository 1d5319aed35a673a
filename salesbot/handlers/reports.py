"""Work reports (日报, issue 21): the rep's draft card (Send / Add a line / Skip) and the manager's summary card
(Comment on a rep's report / Nudge those who have not sent theirs), and the report asked for in chat ("写日报").

```mermaid
stateDiagram-v2
    [*] --> sent: Send pressed
    [*] --> skipped: Skip pressed
    [*] --> lines: Add a line pressed
    lines --> sent: the rep's next message, kept as typed under the report
    [*] --> comment: the manager presses Comment on a rep's report
    comment --> [*]: the manager's next message; the rep is told
    [*] --> nudged: the manager presses Nudge
```
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from salesbot.handlers import flows
from salesbot.handlers.turn import Turn
from salesbot.i18n import reports as wording
from salesbot.nlp import targets as said
from salesbot.nlp.intents import Understanding
from salesbot.services import reports

FLOW = reports.FLOW


class Awaiting(StrEnum):
    LINES = "lines"
    COMMENT = "comment"


def on_card(turn: Turn, action: dict[str, Any]) -> None:
    """A button of a report card, already known to be this user's; the service checks the report still waits."""
    do = action["do"]
    if do == "send":
        _sent(turn, reports.send(turn.uow, turn.actor, report_id=int(action["report_id"])))
    elif do == "skip":
        done = reports.skip(turn.uow, turn.actor, report_id=int(action["report_id"]))
        turn.say(turn.t(reports.wording_key(done.kind, "skipped_reply")))
    elif do == "add":
        reports.ensure_drafted(turn.uow, turn.actor, report_id=int(action["report_id"]))
        turn.start(FLOW, {"do": "add", "report_id": int(action["report_id"])})
        turn.ask(turn.t("report.ask_lines"), [[turn.cancel_choice()]], awaiting=Awaiting.LINES)
    elif do == "comment":
        rep = reports.ensure_commentable(turn.uow, turn.actor, report_id=int(action["report_id"]))
        turn.start(FLOW, {"do": "comment", "report_id": int(action["report_id"])})
        turn.ask(turn.t("report.ask_comment", rep=rep), [[turn.cancel_choice()]], awaiting=Awaiting.COMMENT)
    elif do == "nudge":
        names = reports.nudge(turn.uow, turn.actor, day=date.fromisoformat(action["day"]))
        turn.say(turn.t("report.nudge_done", names=", ".join(names)) if names else turn.t("report.nudge_nobody"))


def on_text(turn: Turn, text: str, said: Understanding) -> bool:
    """The lines to add (kept exactly as typed), or the manager's comment."""
    assert turn.form is not None
    slots = turn.form.slots
    if turn.form.awaiting == Awaiting.LINES:
        turn.finish()
        _sent(turn, reports.send(turn.uow, turn.actor, report_id=int(slots["report_id"]), added=text))
        return True
    if turn.form.awaiting == Awaiting.COMMENT:
        turn.finish()
        rep = reports.comment(turn.uow, turn.actor, report_id=int(slots["report_id"]), text=text)
        turn.say(turn.t("report.comment_sent", rep=rep))
        return True
    return False


def _sent(turn: Turn, done: reports.Sent) -> None:
    text = wording.report(done.facts, done.added, lang=turn.lang, settings=turn.settings)
    manager = reports.manager_name(turn.uow, turn.actor)
    if manager:
        turn.say(turn.t(reports.wording_key(done.kind, "sent_reply"), manager=manager, report=text))
    else:
        turn.say(turn.t(reports.wording_key(done.kind, "sent_reply_nobody"), report=text))


def comment_typed(turn: Turn, understood: Understanding) -> None:
    """"点评张伟:方案周四前给我看" / "comment on Tom's report: good call": on that rep's latest sent report."""
    found = said.comment(understood.text)
    if found is None:
        turn.say(turn.t("not_understood"))
        return
    rep = reports.comment_latest(turn.uow, turn.actor, rep_name=found[0], text=found[1])
    turn.say(turn.t("report.comment_sent", rep=rep))


def asked(turn: Turn, understood: Understanding) -> None:
    """"写日报" / "my daily report": a rep's report drafted now, the same card as at the hour (it is the answer);
    a manager's: the team's summary so far."""
    weekly = said.weekly_asked(understood.text)
    if turn.actor.role in ("manager", "admin"):
        params = reports.summary(turn.uow, turn.actor.id, turn.now_local().date())
        if params is None:
            turn.say(turn.t("report.summary_nothing"))
        else:
            turn.say(wording.render("report.summary", params, lang=turn.lang, settings=turn.settings))
        return
    done = reports.draft_now(turn.uow, turn.actor, weekly=weekly)
    if done.state != "drafted":
        turn.say(turn.t(reports.wording_key(done.kind, f"asked_{done.state}")))


flows.declare_answer(start=asked, intents=("report_draft",))
flows.declare_flow(
    FLOW,
    states=Awaiting,
    start=comment_typed,
    on_text=on_text,
    on_card=on_card,
    intents=("report_comment",),
    topic="topic_report",
)
