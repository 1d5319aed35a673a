"""Payments: money a customer paid, settling their open installments oldest first, the rest kept as credit.

```mermaid
stateDiagram-v2
    [*] --> confirmed: recorded (the rep confirmed the preview)
    [*] --> pending: recorded, and the config has finance confirm what reps record
    pending --> confirmed: finance confirms
    pending --> rejected: finance rejects
    confirmed --> [*]: allocated to installments; any remainder is credit
```

Only a confirmed payment settles anything. Installments in one currency are settled only by payments in that
currency: amounts in different currencies are never added together. Credit left on a customer settles the next
installments they owe in that currency as soon as there are any (a contract approved, an invoice imported).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from salesbot.services import audit, cards, customers, limits, outbox, permissions
from salesbot.services.cards import CardButton
from salesbot.services.errors import Invalid, NotAllowed, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import Contract, Customer, Installment, Payment, PaymentAllocation, User

ZERO = Decimal(0)


@dataclass(frozen=True)
class Share:
    """The part of a payment that goes to one installment."""

    installment_id: int
    contract: str  # how the rep knows the contract: its reference, else "#id"
    seq: int
    due_on: date
    amount: Decimal
    left: Decimal  # what is still owed on the installment afterwards


@dataclass(frozen=True)
class Plan:
    """What recording a payment would do (shown to the rep before they confirm), or what it did."""

    customer_id: int
    customer: str
    amount: Decimal
    currency: str
    received_on: date
    shares: tuple[Share, ...]
    credit: Decimal  # the part no open installment takes
    same_day_twin: bool = False  # a payment of this amount from this customer was already recorded that day


@dataclass(frozen=True)
class Recorded:
    payment_id: int
    state: str  # confirmed | pending
    plan: Plan


def preview(
    uow: UnitOfWork, actor: Actor, *, customer_id: int, amount: Decimal, currency: str, received_on: date
) -> Plan:
    """How a payment would be allocated, changing nothing."""
    customer = customers.get_for_collection(uow, actor, customer_id)
    _check(uow, actor, customer_id, amount, currency, received_on)
    shares, credit = _split(_open(uow, customer_id, currency, lock=False), amount)
    twin = uow.session.scalar(
        select(func.count(Payment.id)).where(
            Payment.customer_id == customer_id,
            Payment.amount == amount,
            Payment.currency == currency,
            Payment.received_on == received_on,
            Payment.state != "rejected",
        )
    )
    return Plan(customer_id, customer.name, amount, currency, received_on, tuple(shares), credit, bool(twin))


def record(
    uow: UnitOfWork,
    actor: Actor,
    *,
    customer_id: int,
    amount: Decimal,
    currency: str,
    received_on: date,
    note: str | None = None,
) -> Recorded:
    """Record a payment the rep has confirmed. Settles at once, or waits for finance when the config says so."""
    customer = customers.get_for_collection(uow, actor, customer_id)
    _check(uow, actor, customer_id, amount, currency, received_on)
    note = limits.note(note)
    waits = uow.settings.collections.finance_confirms and actor.role not in ("finance", "admin")
    now = uow.now()
    payment = Payment(
        customer_id=customer_id,
        amount=amount,  # checked: a whole number of the currency's unit, never rounded
        currency=currency,
        received_on=received_on,
        state="pending" if waits else "confirmed",
        recorded_by=actor.id,
        confirmed_by=None if waits else actor.id,
        confirmed_at=None if waits else now,
        note=note,
        created_at=now,
    )
    uow.session.add(payment)
    uow.session.flush()
    audit.record(
        uow, actor_id=actor.id, entity="payment", entity_id=payment.id, action="record", before=None,
        after=audit.snapshot(payment),
    )  # fmt: skip
    if waits:
        shares, credit = _split(_open(uow, customer_id, currency, lock=False), payment.amount)
        plan = Plan(customer_id, customer.name, payment.amount, currency, received_on, tuple(shares), credit)
        _ask_finance(uow, actor, payment, customer)
        return Recorded(payment.id, "pending", plan)
    return Recorded(payment.id, "confirmed", _settle(uow, actor, payment, customer))


def decide(uow: UnitOfWork, actor: Actor, *, payment_id: int, confirm: bool) -> Recorded:
    """Finance confirms (it settles now) or rejects (it settles nothing) a payment a rep recorded."""
    permissions.require_active(actor)
    if actor.role not in ("finance", "admin"):
        raise NotAllowed("finance_only")
    payment = uow.session.scalar(select(Payment).where(Payment.id == payment_id).with_for_update(of=Payment))
    if payment is None:
        raise NotFound("payment_not_found")
    if payment.state != "pending":
        raise Invalid("payment_already_decided", customer=payment.customer.name)
    before = audit.snapshot(payment)
    payment.state = "confirmed" if confirm else "rejected"
    payment.confirmed_by, payment.confirmed_at = actor.id, uow.now()
    audit.record(
        uow, actor_id=actor.id, entity="payment", entity_id=payment.id, action="confirm" if confirm else "reject",
        before=before, after=audit.snapshot(payment),
    )  # fmt: skip
    customer = payment.customer
    if confirm:
        plan = _settle(uow, actor, payment, customer)
    else:
        plan = Plan(customer.id, customer.name, payment.amount, payment.currency, payment.received_on, (), ZERO)
    outcome = {
        "customer": customer.name,
        "amount": str(payment.amount),
        "currency": payment.currency,
        "received_on": payment.received_on.isoformat(),
        "by": actor.name,
    }
    cards.close(uow, card=_card(payment.id), key=f"card.payment_{payment.state}", params=outcome)
    if payment.recorded_by is not None and payment.recorded_by != actor.id:
        outbox.notify_user(uow, payment.recorded_by, f"payment.{payment.state}", outcome)
    return Recorded(payment.id, payment.state, plan)


def apply_credit(uow: UnitOfWork, *, customer_id: int, currency: str, actor_id: int | None) -> Decimal:
    """Settle newly owed installments from credit the customer already has; returns how much was used."""
    used = ZERO
    for payment, remaining in _with_remainder(uow, customer_id, currency):
        open_rows = _open(uow, customer_id, currency, lock=True)
        if not open_rows:
            break
        before = used
        for share in _allocate(uow, actor_id, payment, open_rows, remaining):
            used += share.amount
        if used == before:
            break
    return used


def credit_of(uow: UnitOfWork, customer_ids: list[int] | None = None) -> dict[int, dict[str, Decimal]]:
    """Per customer and currency, what confirmed payments left over after settling installments."""
    allocated = (
        select(PaymentAllocation.payment_id, func.sum(PaymentAllocation.amount).label("used"))
        .group_by(PaymentAllocation.payment_id)
        .subquery()
    )
    query = (
        select(Payment.customer_id, Payment.currency, func.sum(Payment.amount - func.coalesce(allocated.c.used, 0)))
        .outerjoin(allocated, allocated.c.payment_id == Payment.id)
        .where(Payment.state == "confirmed")
        .group_by(Payment.customer_id, Payment.currency)
    )
    if customer_ids is not None:
        query = query.where(Payment.customer_id.in_(customer_ids))
    credit: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for customer_id, currency, left in uow.session.execute(query):
        if left is not None and money(left) > 0:
            credit[customer_id][currency] = money(left)
    return dict(credit)


def _settle(uow: UnitOfWork, actor: Actor, payment: Payment, customer: Customer) -> Plan:
    open_rows = _open(uow, customer.id, payment.currency, lock=True)
    shares = _allocate(uow, actor.id, payment, open_rows, payment.amount)
    credit = payment.amount - sum((s.amount for s in shares), ZERO)
    return Plan(
        customer.id, customer.name, payment.amount, payment.currency, payment.received_on, tuple(shares), credit
    )


def _allocate(
    uow: UnitOfWork, actor_id: int | None, payment: Payment, open_rows: list[Installment], money: Decimal
) -> list[Share]:
    """Write the allocation `_split` plans: the same walk, so the preview and the record cannot disagree."""
    shares, _credit = _split(open_rows, money)
    by_id = {installment.id: installment for installment in open_rows}
    for share in shares:
        installment = by_id[share.installment_id]
        before = audit.snapshot(installment)
        installment.paid += share.amount
        if installment.paid >= installment.amount:
            installment.state = "paid"
        uow.session.add(
            PaymentAllocation(
                payment_id=payment.id, installment_id=installment.id, amount=share.amount, created_at=uow.now()
            )
        )
        audit.record(
            uow, actor_id=actor_id, entity="installment", entity_id=installment.id, action="paid",
            before=before, after=audit.snapshot(installment),
        )  # fmt: skip
    uow.session.flush()
    return shares


def _split(open_rows: list[Installment], money: Decimal) -> tuple[list[Share], Decimal]:
    """The allocation without writing it: oldest due first, each installment up to what it still owes."""
    shares = []
    for installment in open_rows:
        if money <= 0:
            break
        take = min(money, installment.amount - installment.paid)
        if take > 0:
            shares.append(_share(installment, take, paid=installment.paid + take))
            money -= take
    return shares, max(money, ZERO)


def _share(installment: Installment, take: Decimal, *, paid: Decimal) -> Share:
    return Share(
        installment_id=installment.id,
        contract=contract_label(installment.contract),
        seq=installment.seq,
        due_on=installment.due_on,
        amount=take,
        left=installment.amount - paid,
    )


def contract_label(contract: Contract) -> str:
    return contract.reference or f"#{contract.id}"


def _open(uow: UnitOfWork, customer_id: int, currency: str, *, lock: bool) -> list[Installment]:
    """The customer's open installments in this currency, in the order a payment settles them."""
    query = (
        select(Installment)
        .join(Contract, Contract.id == Installment.contract_id)
        .where(
            Contract.customer_id == customer_id,
            Contract.status == "active",
            Installment.currency == currency,
            Installment.state == "open",
        )
        .order_by(Installment.due_on, Installment.contract_id, Installment.seq)
    )
    if lock:
        query = query.with_for_update(of=Installment)
    return list(uow.session.scalars(query).unique())


def _with_remainder(uow: UnitOfWork, customer_id: int, currency: str) -> list[tuple[Payment, Decimal]]:
    used = (
        select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
        .where(PaymentAllocation.payment_id == Payment.id)
        .scalar_subquery()
    )
    rows = uow.session.execute(
        select(Payment, Payment.amount - used)
        .where(Payment.customer_id == customer_id, Payment.currency == currency, Payment.state == "confirmed")
        .order_by(Payment.received_on, Payment.id)
        .with_for_update(of=Payment)
    ).all()
    return [(payment, money(left)) for payment, left in rows if money(left) > 0]


def money(value: object) -> Decimal:
    """A sum the database computed (SQLite may hand back a float) as the exact thousandths the columns keep."""
    return Decimal(str(value)).quantize(limits.STORED_UNIT)


def _ask_finance(uow: UnitOfWork, actor: Actor, payment: Payment, customer: Customer) -> None:
    finance = uow.session.scalars(
        select(User.id).where(User.role == "finance", User.active.is_(True)).order_by(User.id)
    ).all()
    if not finance:
        finance = uow.session.scalars(
            select(User.id).where(User.role == "admin", User.active.is_(True)).order_by(User.id)
        ).all()
    params = {
        "customer": customer.name,
        "amount": str(payment.amount),
        "currency": payment.currency,
        "received_on": payment.received_on.isoformat(),
        "rep": actor.name,
    }
    for user_id in finance:
        cards.send(
            uow,
            user_id,
            card=_card(payment.id),
            key="payment.confirm_card",
            params=params,
            buttons=[
                [
                    CardButton("btn_payment_confirm", {"flow": "payment", "decision": "confirm", "id": payment.id}),
                    CardButton("btn_payment_reject", {"flow": "payment", "decision": "reject", "id": payment.id}),
                ]
            ],
        )


def _check(uow: UnitOfWork, actor: Actor, customer_id: int, amount: Decimal, currency: str, received_on: date) -> None:
    limits.money(amount, currency)
    if received_on > uow.now().astimezone(actor.tz).date():
        raise Invalid("payment_in_future", day=received_on.isoformat())
    # Money for a contract does not arrive before the contract: the customer's first one submitted in chat sets the
    # earliest day (an imported invoice's row carries no signing day we know, only its due day; it has no deal).
    first = uow.session.scalar(
        select(func.min(Contract.submitted_at)).where(
            Contract.customer_id == customer_id, Contract.deal_id.is_not(None)
        )
    )
    if first is not None and received_on < first.astimezone(actor.tz).date():
        raise Invalid("payment_before_contract", day=received_on.isoformat(), first=first.astimezone(actor.tz).date())


def _card(payment_id: int) -> str:
    return f"payment:{payment_id}"
