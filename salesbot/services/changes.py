"""A user's own recent changes, read back from the audit: what "不对,是下周三" corrects and what "撤销" takes back.

The audit already records every change with who made it, so "the last change" needs no state of its own, works
across chats and workers, and cannot drift. An undo is itself audited (action "undo", naming the audit row it
took back); the rows from that row on belong to the undone change or to the undo, so the next "撤销" goes one
change further back. Nothing is deleted: a visit is archived, a stage move is moved back, a follow-up restored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from salesbot.services import audit, customers, pipeline, reminders, visits
from salesbot.services.errors import Invalid, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import AuditEntry, Deal

# The changes a rep makes in one message, as the audit names them. Rows of other kinds (an attachment joined,
# an installment paid) are parts of one of these, or not a rep's entry at all.
ENTRIES = {
    ("visit", "create"),
    ("visit", "follow_up"),
    ("visit", "follow_up_done"),
    ("deal", "stage"),
    ("deal", "create"),
    ("deal", "amount"),
    ("customer", "create"),
    ("contract", "submit"),
    ("contract", "resubmit"),
    ("payment", "record"),
    ("reminder", "plan"),
}
# Taken back elsewhere: a contract is withdrawn, a payment is rejected at its confirmation.
OWN_WAY_BACK = {"contract", "payment"}
_LOOK_BACK = 200  # audit rows read at most: a rep's last half hour, many times over


@dataclass(frozen=True)
class Change:
    audit_id: int
    entity: str
    entity_id: int
    action: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class Undone:
    change: Change
    customer: str
    what: str  # visit | follow_up | stage | deal | customer | amount
    detail: dict[str, Any]


def last_change(uow: UnitOfWork, actor: Actor, *, window: timedelta) -> Change | None:
    """The actor's newest entry within the window that has not been undone, or None."""
    rows = uow.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.actor_id == actor.id, AuditEntry.at >= uow.now() - window)
        .order_by(AuditEntry.id.desc())
        .limit(_LOOK_BACK)
    )
    skip_from: int | None = None
    for row in rows:
        if row.action == "undo":
            undid = int((row.after or {}).get("undid", row.id))
            skip_from = undid if skip_from is None else min(skip_from, undid)
            continue
        if skip_from is not None and row.id >= skip_from:
            continue
        if (row.entity, row.action) in ENTRIES:
            return Change(row.id, row.entity, row.entity_id, row.action, row.at, row.before, row.after)
    return None


def undo_last(uow: UnitOfWork, actor: Actor, *, window: timedelta) -> Undone:
    """Take back the actor's last entry. Raises NotFound when there is none within the window, and Invalid for
    a contract or a payment, which have their own ways back."""
    change = last_change(uow, actor, window=window)
    if change is None:
        raise NotFound("undo_nothing", minutes=int(window.total_seconds() // 60))
    if change.entity in OWN_WAY_BACK:
        raise Invalid(f"undo_{change.entity}")
    undone = _UNDO[(change.entity, change.action)](uow, actor, change)
    audit.record(
        uow,
        actor_id=actor.id,
        entity=change.entity,
        entity_id=change.entity_id,
        action="undo",
        before=None,
        after={"undid": change.audit_id, "what": undone.what},
    )
    return undone


def _undo_visit(uow: UnitOfWork, actor: Actor, change: Change) -> Undone:
    archived = visits.archive(uow, actor, visit_id=change.entity_id)
    return Undone(change, archived.customer, "visit", {"visited_on": archived.visited_on})


def _undo_follow_up(uow: UnitOfWork, actor: Actor, change: Change) -> Undone:
    """The follow-up as it was before the change: the old day again if it is still ahead, else none."""
    before = change.before or {}
    previous = _follow_up_of(before.get("follow_up_on"), before.get("follow_up_at"), actor)
    if previous is not None and previous.on < uow.now().astimezone(actor.tz).date():
        previous = None
    restored = visits.set_follow_up(uow, actor, visit_id=change.entity_id, follow_up=previous)
    return Undone(change, restored.customer, "follow_up", {"restored": previous})


def _undo_stage(uow: UnitOfWork, actor: Actor, change: Change) -> Undone:
    before = change.before or {}
    deal = uow.session.get(Deal, change.entity_id)
    if deal is None or "stage" not in before:
        raise NotFound("undo_nothing", minutes=0)
    moved = pipeline.move_back(uow, actor, deal_id=deal.id, stage=before["stage"], reason=before.get("lost_reason"))
    return Undone(change, moved.deal.customer, "stage", {"from_stage": moved.from_stage, "to_stage": before["stage"]})


def _undo_deal(uow: UnitOfWork, actor: Actor, change: Change) -> Undone:
    customer = pipeline.archive_deal(uow, actor, deal_id=change.entity_id)
    return Undone(change, customer, "deal", {})


def _undo_amount(uow: UnitOfWork, actor: Actor, change: Change) -> Undone:
    before = change.before or {}
    amount = before.get("amount")
    deal = pipeline.set_amount(
        uow, actor, deal_id=change.entity_id, amount=None if amount is None else Decimal(str(amount)), currency=None
    )
    return Undone(change, deal.customer, "amount", {"amount": deal.amount, "currency": deal.currency})


def _undo_customer(uow: UnitOfWork, actor: Actor, change: Change) -> Undone:
    name = customers.archive_new(uow, actor, customer_id=change.entity_id)
    return Undone(change, name, "customer", {})


def _undo_plan(uow: UnitOfWork, actor: Actor, change: Change) -> Undone:
    customer = reminders.cancel(uow, actor, reminder_id=change.entity_id)
    return Undone(change, customer or "", "plan", {"note": (change.after or {}).get("note") or ""})


_UNDO = {
    ("reminder", "plan"): _undo_plan,
    ("visit", "create"): _undo_visit,
    ("visit", "follow_up"): _undo_follow_up,
    ("visit", "follow_up_done"): _undo_follow_up,
    ("deal", "stage"): _undo_stage,
    ("deal", "create"): _undo_deal,
    ("deal", "amount"): _undo_amount,
    ("customer", "create"): _undo_customer,
}


def _follow_up_of(on: str | None, at: str | None, actor: Actor) -> visits.FollowUp | None:
    if not on:
        return None
    when = datetime.fromisoformat(at).astimezone(actor.tz).time() if at else None
    return visits.FollowUp(on=date.fromisoformat(on), at=when.replace(second=0, microsecond=0) if when else None)
