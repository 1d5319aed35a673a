"""Due reminders become outbox messages; the scheduler calls this, it never holds reminders itself."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import func, select

from salesbot.services import asking, audit, complaints, customers, outbox, permissions
from salesbot.services.dates import due_instant
from salesbot.services.errors import NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import ApprovalStep, Contract, Customer, Reminder, User, Visit


def fire_due(uow: UnitOfWork, *, limit: int = 500) -> int:
    """Queue every reminder due by now, marking each sent in the same transaction (so it fires exactly once)."""
    now = uow.now()
    due = list(
        uow.session.scalars(
            select(Reminder)
            .where(Reminder.state == "pending", Reminder.due_at <= now)
            .order_by(Reminder.due_at, Reminder.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for reminder in due:
        if reminder.subject_type == "approval_step" and not _still_deciding(uow, reminder.subject_id):
            reminder.state = "cancelled"  # decided or withdrawn in the meantime
            continue
        recipient = _recipient(uow, reminder)
        if recipient is None:
            reminder.state = "cancelled"
            continue
        outbox.notify_user(
            uow,
            recipient,
            f"reminder.{reminder.kind}",
            _params(uow, reminder),
            dedupe_key=f"reminder:{reminder.id}",
        )
        reminder.state = "sent"
        reminder.sent_at = now
    return len(due)


def remind(
    uow: UnitOfWork,
    actor: Actor,
    *,
    on: date,
    at: time | None,
    customer_id: int | None,
    note: str | None,
    kind: str = "note",
) -> int:
    """A reminder the rep asked for ("提醒我周五找京东收20万", "明天去拜访华为"): on the day at the team's morning hour,
    or at the time said. Audited, so "撤销" takes it back."""
    permissions.require_active(actor)
    if customer_id is not None:
        customers.get_for_change(uow, actor, customer_id)
    due = due_instant(on, at, tz=actor.tz, now=uow.now(), morning_hour=uow.settings.morning_hour)
    reminder = Reminder(
        user_id=actor.id,
        kind=kind,
        subject_type="customer" if customer_id is not None else "user",
        subject_id=customer_id if customer_id is not None else actor.id,
        customer_id=customer_id,
        due_at=due,
        state="pending",
        created_at=uow.now(),
        note=note,
    )
    uow.session.add(reminder)
    uow.session.flush()
    audit.record(
        uow,
        actor_id=actor.id,
        entity="reminder",
        entity_id=reminder.id,
        action="plan",
        before=None,
        after=audit.snapshot(reminder),
    )
    return reminder.id


def cancel(uow: UnitOfWork, actor: Actor, *, reminder_id: int) -> str | None:
    """Take back a reminder the actor asked for (undo); returns its customer's name, if it has one."""
    reminder = uow.session.get(Reminder, reminder_id)
    if reminder is None or reminder.user_id != actor.id or reminder.state != "pending":
        raise NotFound("undo_nothing", minutes=0)
    before = audit.snapshot(reminder)
    reminder.state = "cancelled"
    audit.record(
        uow,
        actor_id=actor.id,
        entity="reminder",
        entity_id=reminder.id,
        action="cancel",
        before=before,
        after=audit.snapshot(reminder),
    )
    customer = uow.session.get(Customer, reminder.customer_id) if reminder.customer_id else None
    return customer.name if customer is not None else None


def next_due(uow: UnitOfWork) -> datetime | None:
    return uow.session.scalar(select(func.min(Reminder.due_at)).where(Reminder.state == "pending"))


def _still_deciding(uow: UnitOfWork, step_id: int) -> bool:
    step = uow.session.get(ApprovalStep, step_id)
    return step is not None and step.state == "deciding"


def _recipient(uow: UnitOfWork, reminder: Reminder) -> int | None:
    """The rep who asked, or, if they have left, whoever owns the customer now."""
    user = uow.session.get(User, reminder.user_id)
    if user is not None and user.active:
        return user.id
    if reminder.subject_type == "approval_step":
        return None
    customer = uow.session.get(Customer, reminder.customer_id) if reminder.customer_id else None
    if customer is not None and customer.owner is not None and customer.owner.active:
        return customer.owner_id
    return None


def _params(uow: UnitOfWork, reminder: Reminder) -> dict[str, object]:
    params: dict[str, object] = {"due_at": reminder.due_at.isoformat()}
    if reminder.subject_type == "visit":
        visit = uow.session.get_one(Visit, reminder.subject_id)
        params |= {
            "customer": visit.customer.name,
            "next_step": visit.next_step,
            "visited_at": visit.at.isoformat(),
            "notes": visit.notes,
        }
        deals = asking.open_deals_of(uow, [visit.customer_id]).get(visit.customer_id)
        if deals:
            params["open_deal"] = asking.deal_params(deals[0])  # the customer's story in a line, before the visit
    elif reminder.subject_type == "customer":
        params |= {"customer": uow.session.get_one(Customer, reminder.subject_id).name, "note": reminder.note or ""}
    elif reminder.subject_type == "user":
        params["note"] = reminder.note or ""
    elif reminder.subject_type == "customer_item":
        params |= complaints.params_of(uow, reminder.subject_id)
    elif reminder.subject_type == "approval_step":
        step = uow.session.get_one(ApprovalStep, reminder.subject_id)
        contract = uow.session.get_one(Contract, step.contract_id)
        params |= {
            "customer": contract.customer.name,
            "amount": str(contract.amount),
            "currency": contract.currency,
            "approver": uow.session.get_one(User, step.approver_id).name,
            "rep": uow.session.get_one(User, contract.owner_id).name,
            "waiting_at": step.started_at.isoformat() if step.started_at else None,
        }
    return params
