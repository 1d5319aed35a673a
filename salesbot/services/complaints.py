"""Complaints and needs a customer raised (issue 20), tracked until handled: who owns each, when it is due (two
working days of the owner's team's calendar by default), the manager told at once of a key customer's complaint
and reminded of any item left overdue (a reminder row, as approvals escalate), and how the customer took the
answer. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from salesbot.calendars import next_working_day, team_calendar, working_days_after
from salesbot.services import audit, outbox, permissions, retention
from salesbot.services.errors import Invalid, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import Customer, CustomerItem, Reminder, User

KINDS = ("complaint", "need")
REACTIONS = ("satisfied", "neutral", "unsatisfied")


@dataclass(frozen=True)
class Item:
    id: int
    kind: str
    customer: str
    text: str
    category: str | None
    due_on: date
    key_customer: bool
    manager_told: bool


def open_item(
    uow: UnitOfWork, actor: Actor, *, customer_id: int, kind: str, text: str, category: str | None = None
) -> Item:
    if kind not in KINDS:
        raise Invalid("not_allowed")
    if category is not None and category not in uow.settings.lost_reasons:
        raise Invalid("not_allowed")
    customer = _customer(uow, actor, customer_id)
    now = uow.now()
    today = now.astimezone(actor.tz).date()
    owner_id = customer.owner_id or actor.id
    owner = uow.session.get_one(User, owner_id)
    # Due and overdue on the owner's team's working days (China's 调休 included), not only skipping weekends.
    calendar = team_calendar(uow.settings, owner.team.key if owner.team else actor.team_key)
    key = customer.id in retention.key_customers(
        uow, today=today, team_id=customer.owner.team_id if customer.owner else None
    )
    due_on = working_days_after(calendar, today, uow.settings.retention.item_due_days)
    item = CustomerItem(
        kind=kind, customer_id=customer.id, text=text, category=category, owner_id=owner_id, created_by=actor.id,
        due_on=due_on, status="open", key_customer=key,
        opened_at=now,
    )  # fmt: skip
    uow.session.add(item)
    uow.session.flush()
    audit.record(
        uow, actor_id=actor.id, entity="customer_item", entity_id=item.id, action="create", before=None,
        after=audit.snapshot(item),
    )  # fmt: skip
    managers = _managers(uow, owner_id)
    told = kind == "complaint" and key and bool(managers)
    params = _params(item, customer.name, owner)
    # Overdue from the day after it was due; a nudge waits for a working day unless [digests] on_days_off.
    overdue_on = item.due_on + timedelta(days=1)
    if not uow.settings.digests.on_days_off:
        overdue_on = next_working_day(calendar, overdue_on)
    for manager_id in managers:
        if told:
            # A key customer's complaint cannot wait for the digest: the manager hears of it in this transaction.
            outbox.notify_user(uow, manager_id, "retention.key_complaint", params, dedupe_key=f"item:{item.id}:key")
        overdue = datetime.combine(overdue_on, time(uow.settings.morning_hour), tzinfo=actor.tz)
        uow.session.add(
            Reminder(
                user_id=manager_id, kind="item_overdue", subject_type="customer_item", subject_id=item.id,
                customer_id=customer.id, due_at=overdue.astimezone(ZoneInfo("UTC")), state="pending", created_at=now,
            )
        )  # fmt: skip
    return Item(item.id, kind, customer.name, text, category, item.due_on, key, told)


def close_item(uow: UnitOfWork, actor: Actor, *, customer_id: int, kind: str | None = None) -> Item:
    """The customer's newest open item (of `kind`, when said) is handled; its escalation will not fire."""
    customer = _customer(uow, actor, customer_id)
    query = select(CustomerItem).where(CustomerItem.customer_id == customer.id, CustomerItem.status == "open")
    if kind is not None:
        query = query.where(CustomerItem.kind == kind)
    item = uow.session.scalar(query.order_by(CustomerItem.opened_at.desc(), CustomerItem.id.desc()).limit(1))
    if item is None:
        raise NotFound("item_none_open", customer=customer.name)
    before = audit.snapshot(item)
    item.status, item.closed_at = "closed", uow.now()
    uow.session.execute(
        update(Reminder)
        .where(Reminder.subject_type == "customer_item", Reminder.subject_id == item.id, Reminder.state == "pending")
        .values(state="cancelled")
    )
    audit.record(
        uow, actor_id=actor.id, entity="customer_item", entity_id=item.id, action="close", before=before,
        after=audit.snapshot(item),
    )  # fmt: skip
    return Item(item.id, item.kind, customer.name, item.text, item.category, item.due_on, item.key_customer, False)


def react(uow: UnitOfWork, actor: Actor, *, item_id: int, reaction: str) -> None:
    """How the customer took the answer: satisfied, neutral or unsatisfied."""
    if reaction not in REACTIONS:
        raise Invalid("not_allowed")
    item = uow.session.get(CustomerItem, item_id)
    if item is None:
        raise NotFound("not_allowed")
    _customer(uow, actor, item.customer_id)
    before = audit.snapshot(item)
    item.reaction = reaction
    audit.record(
        uow, actor_id=actor.id, entity="customer_item", entity_id=item.id, action="reaction", before=before,
        after=audit.snapshot(item),
    )  # fmt: skip


def _customer(uow: UnitOfWork, actor: Actor, customer_id: int) -> Customer:
    customer = uow.session.get(Customer, customer_id)
    if customer is None or customer.archived:
        raise NotFound("customer_not_found")
    permissions.require_change(actor, customer)
    return customer


def _managers(uow: UnitOfWork, owner_id: int | None) -> list[int]:
    owner = uow.session.get(User, owner_id) if owner_id is not None else None
    return retention.managers_of(uow, owner.team_id if owner else None, owner)


def _params(item: CustomerItem, customer: str, owner: User | None) -> dict[str, object]:
    return {
        "customer": customer,
        "text": item.text,
        "kind": item.kind,
        "reason": item.category,  # "reason": worded as the lost reasons are, in the reader's language
        "rep": owner.name if owner else "-",
        "due_on": item.due_on.isoformat(),
    }


def params_of(uow: UnitOfWork, item_id: int) -> dict[str, object]:
    """What an escalation reminder says of its item."""
    item = uow.session.get_one(CustomerItem, item_id)
    owner = uow.session.get(User, item.owner_id) if item.owner_id else None
    return _params(item, item.customer.name, owner)
