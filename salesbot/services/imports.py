"""Bringing in what a team already has: signed contracts with their schedules, and open invoices.

`salesbot seed` (TOML) and `salesbot import` (CSV or XLSX) both come through here, so a row means the same from
either. Each is found again by its reference (the contract or invoice number) on the same customer, so running an
import twice adds nothing the second time. What was already paid before the bot is written on the installment,
not as a payment: the bot did not see that money arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from salesbot.services import audit, contracts, limits, payments
from salesbot.services.contracts import PaymentTerms
from salesbot.services.errors import Invalid
from salesbot.services.uow import UnitOfWork
from salesbot.store.models import Contract, Customer, CustomerAlias, Installment, User

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Imported:
    added: int
    unchanged: int


KINDS = ("customers", "contracts", "invoices")


def rows(uow: UnitOfWork, kind: str, specs: list[dict[str, Any]]) -> Imported:
    """A whole file, in the caller's transaction: one bad row refuses the file, naming the row (header is row 1)."""
    settings = uow.settings
    tz = ZoneInfo(settings.timezone)
    bring = {"customers": _customer_row, "contracts": contract, "invoices": invoice}[kind]
    added = unchanged = 0
    for n, spec in enumerate(specs, start=2):
        try:
            if bring(uow, spec, default_currency=settings.currency, tz=tz):
                added += 1
            else:
                unchanged += 1
        except Invalid as exc:
            raise Invalid(exc.code, row=n, **exc.params) from exc
    return Imported(added, unchanged)


def _customer_row(uow: UnitOfWork, spec: dict[str, Any], *, default_currency: str, tz: ZoneInfo) -> bool:
    """A customer, with its owner (a user handle) and aliases (separated by ; or 、). A known name only gains the
    aliases it lacks: an import never takes a customer from its rep."""
    name = _text(spec, "name") or _text(spec, "customer")
    if not name:
        raise Invalid("import_missing_field", field="name")
    aliases = [a.strip() for a in _text(spec, "aliases").replace("、", ";").replace(",", ";").split(";") if a.strip()]
    customer = uow.session.scalar(select(Customer).where(Customer.name == name))
    if customer is not None:
        known = {a.alias for a in customer.aliases}
        new = [a for a in aliases if a not in known]
        customer.aliases.extend(CustomerAlias(alias=a) for a in new)
        return bool(new)
    customer = Customer(name=name, owner_id=_owner_id(uow, spec), archived=False, created_at=uow.now())
    customer.aliases.extend(CustomerAlias(alias=a) for a in aliases)
    uow.session.add(customer)
    uow.session.flush()
    audit.record(
        uow, actor_id=None, entity="customer", entity_id=customer.id, action="import", before=None,
        after=audit.snapshot(customer),
    )  # fmt: skip
    return True


def contract(uow: UnitOfWork, spec: dict[str, Any], *, default_currency: str, tz: ZoneInfo) -> bool:
    """An active contract and its installments; False when the customer already has one with this reference."""
    customer = _customer(uow, spec)
    reference = _text(spec, "reference") or _text(spec, "number")
    if reference and _find_contract(uow, customer.id, reference) is not None:
        return False
    amount = _money(spec, "amount", required=True)
    assert amount is not None
    currency = (_text(spec, "currency") or default_currency).upper()
    signed = _day(spec, "signed_on", required=True)
    assert signed is not None
    terms = PaymentTerms(
        installments=_int(spec, "installments"),
        upfront_percent=_money(spec, "upfront_percent"),
        net_days=_int(spec, "net_days"),
        on_delivery=str(spec.get("on_delivery", "")).lower() in ("1", "true", "yes"),
    )
    row = _contract_row(uow, customer, spec, reference, amount, currency, terms, signed, tz)
    given = spec.get("schedule") or spec.get("installments_due") or []
    if given:
        parts = [(_day(p, "due", required=True), _money(p, "amount", required=True), _money(p, "paid")) for p in given]
    else:
        interval = uow.settings.approvals.installment_interval_days
        parts = [(d, a, None) for d, a in contracts.schedule(amount, terms, start=signed, interval_days=interval)]
    paid_total = _money(spec, "paid") or Decimal(0)
    for seq, (due, part, paid) in enumerate(parts, start=1):
        assert due is not None and part is not None
        if paid is None:  # a contract-level "paid" settles its installments oldest first
            paid, paid_total = min(paid_total, part), paid_total - min(paid_total, part)
        _installment(uow, row, seq=seq, due=due, amount=part, paid=paid, reference=None)
    uow.session.flush()
    payments.apply_credit(uow, customer_id=customer.id, currency=currency, actor_id=None)
    return True


def invoice(uow: UnitOfWork, spec: dict[str, Any], *, default_currency: str, tz: ZoneInfo) -> bool:
    """An invoice owed: one installment, on the contract it names or on its own. False if already there."""
    customer = _customer(uow, spec)
    number = _text(spec, "number") or _text(spec, "reference")
    if not number:
        raise Invalid("import_missing_field", field="number")
    already = uow.session.scalar(
        select(Installment.id)
        .join(Contract, Contract.id == Installment.contract_id)
        .where(Contract.customer_id == customer.id, Installment.reference == number)
    )
    if already is not None:
        return False
    amount = _money(spec, "amount", required=True)
    due = _day(spec, "due") or _day(spec, "due_on", required=True)
    assert amount is not None and due is not None
    currency = (_text(spec, "currency") or default_currency).upper()
    paid = _money(spec, "paid") or Decimal(0)
    under = _text(spec, "contract")
    if under:
        row = _find_contract(uow, customer.id, under)
        if row is None:
            raise Invalid("import_unknown_contract", contract=under, customer=customer.name)
        seq = (uow.session.scalar(select(func.max(Installment.seq)).where(Installment.contract_id == row.id)) or 0) + 1
    else:
        issued = _day(spec, "issued_on") or due
        row = _contract_row(uow, customer, spec, number, amount, currency, PaymentTerms(), issued, tz)
        seq = 1
    _installment(uow, row, seq=seq, due=due, amount=amount, paid=paid, reference=number)
    uow.session.flush()
    payments.apply_credit(uow, customer_id=customer.id, currency=currency, actor_id=None)
    return True


def _contract_row(
    uow: UnitOfWork,
    customer: Customer,
    spec: dict[str, Any],
    reference: str | None,
    amount: Decimal,
    currency: str,
    terms: PaymentTerms,
    signed: date,
    tz: ZoneInfo,
) -> Contract:
    limits.money(amount, currency)
    limits.installments(terms.installments)
    limits.upfront_percent(terms.upfront_percent)
    limits.net_days(terms.net_days)
    owner_id = _owner_id(uow, spec) or customer.owner_id
    if owner_id is None:
        raise Invalid("import_no_owner", customer=customer.name)
    at = datetime.combine(signed, time(0), tzinfo=tz)
    row = Contract(
        customer_id=customer.id,
        deal_id=None,
        owner_id=owner_id,
        previous_id=None,
        version=1,
        amount=amount,
        currency=currency,
        terms=terms.as_json(),
        note=_text(spec, "note") or None,
        reference=reference,
        status="active",
        step=0,
        submitted_at=at,
        decided_at=at,
        updated_at=uow.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    audit.record(
        uow, actor_id=None, entity="contract", entity_id=row.id, action="import", before=None,
        after=audit.snapshot(row),
    )  # fmt: skip
    return row


def _installment(
    uow: UnitOfWork, row: Contract, *, seq: int, due: date, amount: Decimal, paid: Decimal | None, reference: str | None
) -> None:
    limits.money(amount, row.currency)
    if paid:
        limits.money(paid, row.currency)
    paid = min(paid or Decimal(0), amount)
    item = Installment(
        contract_id=row.id,
        seq=seq,
        due_on=due,
        amount=amount,
        currency=row.currency,
        paid=paid,
        state="paid" if paid >= amount else "open",
        reference=reference,
        created_at=uow.now(),
    )
    uow.session.add(item)
    uow.session.flush()
    audit.record(
        uow, actor_id=None, entity="installment", entity_id=item.id, action="import", before=None,
        after=audit.snapshot(item),
    )  # fmt: skip


def _owner_id(uow: UnitOfWork, spec: dict[str, Any]) -> int | None:
    """The user a row's `owner` handle names (None when the row names nobody)."""
    handle = _text(spec, "owner")
    if not handle:
        return None
    owner_id = uow.session.scalar(select(User.id).where(User.handle == handle))
    if owner_id is None:
        raise Invalid("seed_unknown_user", handle=handle, as_="owner")
    return owner_id


def _find_contract(uow: UnitOfWork, customer_id: int, reference: str) -> Contract | None:
    return uow.session.scalar(
        select(Contract).where(Contract.customer_id == customer_id, Contract.reference == reference).limit(1)
    )


def _customer(uow: UnitOfWork, spec: dict[str, Any]) -> Customer:
    name = _text(spec, "customer")
    if not name:
        raise Invalid("import_missing_field", field="customer")
    customer = uow.session.scalar(select(Customer).where(Customer.name == name))
    if customer is None:
        raise Invalid("seed_unknown_customer", customer=name)
    return customer


def _text(spec: dict[str, Any], key: str) -> str:
    value = spec.get(key)
    return "" if value is None else str(value).strip()


def _int(spec: dict[str, Any], key: str) -> int | None:
    value = _text(spec, key)
    try:
        return int(value) if value else None
    except ValueError as exc:
        raise Invalid("import_bad_number", field=key, value=value) from exc


def _money(spec: dict[str, Any], key: str, *, required: bool = False) -> Decimal | None:
    value = _text(spec, key).replace(",", "")
    if not value:
        if required:
            raise Invalid("import_missing_field", field=key)
        return None
    try:
        amount = Decimal(value)  # as written: too many decimals are refused where the currency is known, not rounded
    except InvalidOperation as exc:
        raise Invalid("bad_amount", amount=value[:40]) from exc
    if not amount.is_finite():
        raise Invalid("bad_amount", amount=value[:40])
    return amount


def _day(spec: dict[str, Any], key: str, *, required: bool = False) -> date | None:
    value = spec.get(key)
    if isinstance(value, date):
        return value
    text = _text(spec, key)
    if not text:
        if required:
            raise Invalid("import_missing_field", field=key)
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise Invalid("import_bad_date", field=key, value=text) from exc
