"""Changing a payment schedule after the contract is approved: moving a due date, splitting an installment.

The rep who owns the customer, their manager, finance and admins may do it; each change is audited, and a
paid installment stays as it was paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from salesbot.services import audit, customers, limits, payments
from salesbot.services.errors import Invalid, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import Contract, Installment


@dataclass(frozen=True)
class InstallmentView:
    id: int
    contract: str
    customer: str
    seq: int
    due_on: date
    amount: Decimal
    paid: Decimal
    currency: str
    state: str


def find(uow: UnitOfWork, actor: Actor, *, customer_id: int, seq: int | None) -> list[InstallmentView]:
    """The customer's open installments with that number (several contracts may each have a second one);
    with no number, every open one."""
    customer = customers.get_for_collection(uow, actor, customer_id)
    limits.sequence(seq)
    query = (
        select(Installment)
        .join(Contract, Contract.id == Installment.contract_id)
        .where(Contract.customer_id == customer.id, Contract.status == "active", Installment.state == "open")
        .order_by(Installment.due_on, Installment.contract_id, Installment.seq)
    )
    if seq is not None:
        query = query.where(Installment.seq == seq)
    return [view(row) for row in uow.session.scalars(query).unique()]


def move_due(uow: UnitOfWork, actor: Actor, *, installment_id: int, due_on: date) -> InstallmentView:
    installment = _open_installment(uow, actor, installment_id)
    _check_due(uow, actor, installment, due_on)
    before = audit.snapshot(installment)
    installment.due_on = due_on
    audit.record(
        uow, actor_id=actor.id, entity="installment", entity_id=installment.id, action="move_due",
        before=before, after=audit.snapshot(installment),
    )  # fmt: skip
    return view(installment)


def split(
    uow: UnitOfWork, actor: Actor, *, installment_id: int, amount: Decimal, due_on: date
) -> tuple[InstallmentView, InstallmentView]:
    """Take `amount` out of an installment as a new one due on `due_on`; the rest keeps its date."""
    installment = _open_installment(uow, actor, installment_id)
    _check_due(uow, actor, installment, due_on)
    limits.money(amount, installment.currency)  # a whole number of the currency's unit, or refused
    unpaid = installment.amount - installment.paid
    if not 0 < amount < unpaid:
        raise Invalid("split_amount", amount=str(amount), unpaid=str(unpaid), currency=installment.currency)
    before = audit.snapshot(installment)
    installment.amount -= amount
    last = uow.session.scalar(
        select(func.max(Installment.seq)).where(Installment.contract_id == installment.contract_id)
    )
    part = Installment(
        contract_id=installment.contract_id,
        seq=(last or 0) + 1,
        due_on=due_on,
        amount=amount,
        currency=installment.currency,
        paid=Decimal(0),
        state="open",
        created_at=uow.now(),
    )
    uow.session.add(part)
    uow.session.flush()
    audit.record(
        uow, actor_id=actor.id, entity="installment", entity_id=installment.id, action="split",
        before=before, after=audit.snapshot(installment),
    )  # fmt: skip
    audit.record(
        uow, actor_id=actor.id, entity="installment", entity_id=part.id, action="split_from",
        before=None, after={**audit.snapshot(part), "split_from": installment.id},
    )  # fmt: skip
    return view(installment), view(part)


def _check_due(uow: UnitOfWork, actor: Actor, installment: Installment, due_on: date) -> None:
    """A new due day: not past, within the two years ahead a date may be, and moved by at most the limit."""
    today = uow.now().astimezone(actor.tz).date()
    if due_on < today:
        raise Invalid("due_in_past", day=due_on.isoformat())
    limits.ahead(due_on, today=today)
    limits.moved(due_on, was=installment.due_on)


def view(installment: Installment) -> InstallmentView:
    contract = installment.contract
    return InstallmentView(
        id=installment.id,
        contract=payments.contract_label(contract),
        customer=contract.customer.name,
        seq=installment.seq,
        due_on=installment.due_on,
        amount=installment.amount,
        paid=installment.paid,
        currency=installment.currency,
        state=installment.state,
    )


def _open_installment(uow: UnitOfWork, actor: Actor, installment_id: int) -> Installment:
    installment = uow.session.scalar(
        select(Installment).where(Installment.id == installment_id).with_for_update(of=Installment)
    )
    if installment is None:
        raise NotFound("installment_not_found")
    customers.get_for_collection(uow, actor, installment.contract.customer_id)
    if installment.state != "open":
        raise Invalid("installment_settled", seq=installment.seq)
    return installment
