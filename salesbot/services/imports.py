"""Bringing in what a team already has: signed contracts with their schedules, and open invoices.

`salesbot seed` (TOML) and `salesbot import` (CSV or XLSX) both come through here, so a row means the same from
either. Each is found again by its reference (the contract or invoice number) on the same customer, so running an
import twice adds nothing the second time. What was already paid before the bot is written on the installment,
not as a payment: the bot did not see that money arrive.
"""

from __future__ import annotations

import re
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


@dataclass(frozen=True)
class Outcome:
    """What one row did (or, in a dry run, would do): `action` is added, changed or unchanged; `facts` name it."""

    row: int
    action: str
    facts: dict[str, str]


@dataclass(frozen=True)
class Imported:
    added: int
    unchanged: int
    changed: int = 0
    outcomes: tuple[Outcome, ...] = ()


KINDS = ("customers", "contracts", "invoices")

# The column names each import understands, beside the English keys (which are also the seed file's): what Excel
# sheets kept by Chinese teams call them. Matched after trimming, case-insensitively; the first name is the one a
# refusal shows for a column the file lacks.
_CUSTOMER = ("客户名称", "客户", "客户名", "公司名称", "customer")
_OWNER = ("负责人", "销售", "业务员", "客户经理", "owner")
_PAID = ("已付金额", "已付", "已回款", "已收金额", "paid")
_NOTE = ("备注", "说明", "note")
_CURRENCY = ("币种", "货币", "currency")
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "customers": {
        "customer": ("客户名称", "客户", "客户名", "公司名称", "名称", "name", "customer"),
        "owner": _OWNER,
        "aliases": ("别名", "简称", "aliases", "alias"),
    },
    "contracts": {
        "customer": _CUSTOMER,
        "reference": ("合同编号", "合同号", "编号", "reference", "number"),
        "amount": ("合同金额", "金额", "amount"),
        "currency": _CURRENCY,
        "signed_on": ("签约日期", "签订日期", "签约日", "signed_on", "signed"),
        "installments": ("期数", "分期数", "分期", "installments"),
        "upfront_percent": ("首付比例", "预付比例", "预付款比例", "upfront_percent"),
        "net_days": ("账期", "账期天数", "net_days"),
        "on_delivery": ("货到付款", "on_delivery"),
        "paid": _PAID,
        "owner": _OWNER,
        "note": _NOTE,
    },
    "invoices": {
        "customer": _CUSTOMER,
        "number": ("发票号", "发票编号", "发票号码", "单号", "number", "reference"),
        "amount": ("发票金额", "应收金额", "金额", "amount"),
        "currency": _CURRENCY,
        "due": ("到期日", "到期日期", "应收日期", "due", "due_on"),
        "issued_on": ("开票日期", "开票日", "issued_on"),
        "contract": ("合同编号", "合同号", "contract"),
        "paid": _PAID,
        "owner": _OWNER,
        "note": _NOTE,
    },
}
REQUIRED = {
    "customers": ("customer",),
    "contracts": ("customer", "amount", "signed_on"),
    "invoices": ("customer", "number", "amount", "due"),
}


@dataclass(frozen=True)
class Columns:
    """How a file's header maps onto an import's keys: the file's own name for each key it has, the keys it lacks
    that the import needs, and the columns it has that the import does not read."""

    names: dict[str, str]
    missing: tuple[str, ...]
    ignored: tuple[str, ...]

    def rename(self, row: dict[str, str]) -> dict[str, str]:
        by_name = {name.lower(): key for key, name in self.names.items()}
        return {by_name[k]: v for k, v in row.items() if k in by_name}


def columns(kind: str, header: list[str] | tuple[str, ...]) -> Columns:
    names: dict[str, str] = {}
    ignored = []
    for name in header:
        key = next((k for k, known in HEADERS[kind].items() if name.lower() in known), None)
        if key is None or key in names:
            ignored.append(name)
        else:
            names[key] = name
    missing = tuple(k for k in REQUIRED[kind] if k not in names)
    return Columns(names=names, missing=missing, ignored=tuple(ignored))


def rows(uow: UnitOfWork, kind: str, specs: list[dict[str, Any]], *, lines: list[int] | None = None) -> Imported:
    """A whole file, in the caller's transaction: one bad row refuses the file, naming the row (header is row 1,
    or the file's own line numbers in `lines`) and the key of the column at fault. The caller commits, or does not
    (a dry run): either way `outcomes` says what each row did."""
    settings = uow.settings
    tz = ZoneInfo(settings.timezone)
    bring = {"customers": _customer_row, "contracts": _contract_row_outcome, "invoices": _invoice_row_outcome}[kind]
    outcomes = []
    for i, spec in enumerate(specs):
        n = lines[i] if lines else i + 2
        try:
            action, facts = bring(uow, spec, default_currency=settings.currency, tz=tz)
        except Invalid as exc:
            raise Invalid(exc.code, row=n, **exc.params) from exc
        outcomes.append(Outcome(row=n, action=action, facts=facts))
    count = {a: sum(1 for o in outcomes if o.action == a) for a in ("added", "changed", "unchanged")}
    return Imported(count["added"], count["unchanged"], count["changed"], tuple(outcomes))


def _contract_row_outcome(
    uow: UnitOfWork, spec: dict[str, Any], *, default_currency: str, tz: ZoneInfo
) -> tuple[str, dict[str, str]]:
    added = contract(uow, spec, default_currency=default_currency, tz=tz)
    facts = {
        "customer": _text(spec, "customer"),
        "reference": _text(spec, "reference") or _text(spec, "number"),
        "amount": str(_money(spec, "amount")),
        "currency": (_text(spec, "currency") or default_currency).upper(),
        "date": str(_day(spec, "signed_on")),
    }
    return ("added" if added else "unchanged"), facts


def _invoice_row_outcome(
    uow: UnitOfWork, spec: dict[str, Any], *, default_currency: str, tz: ZoneInfo
) -> tuple[str, dict[str, str]]:
    added = invoice(uow, spec, default_currency=default_currency, tz=tz)
    facts = {
        "customer": _text(spec, "customer"),
        "reference": _text(spec, "number") or _text(spec, "reference"),
        "amount": str(_money(spec, "amount")),
        "currency": (_text(spec, "currency") or default_currency).upper(),
        "date": str(_day(spec, "due") or _day(spec, "due_on")),
    }
    return ("added" if added else "unchanged"), facts


def _customer_row(
    uow: UnitOfWork, spec: dict[str, Any], *, default_currency: str, tz: ZoneInfo
) -> tuple[str, dict[str, str]]:
    """A customer, with its owner (a user handle) and aliases (separated by ; 、 or ,). A known name only gains the
    aliases it lacks: an import never takes a customer from its rep."""
    name = _text(spec, "name") or _text(spec, "customer")
    if not name:
        raise Invalid("import_missing_field", field="customer")
    aliases = [a.strip() for a in re.split(r"[;；、,，]", _text(spec, "aliases")) if a.strip()]
    customer = uow.session.scalar(select(Customer).where(Customer.name == name))
    if customer is not None:
        known = {a.alias for a in customer.aliases}
        new = list(dict.fromkeys(a for a in aliases if a not in known))
        customer.aliases.extend(CustomerAlias(alias=a) for a in new)
        uow.session.flush()
        return ("changed" if new else "unchanged"), {"customer": name, "aliases": "、".join(new)}
    aliases = list(dict.fromkeys(aliases))
    customer = Customer(name=name, owner_id=_owner_id(uow, spec), archived=False, created_at=uow.now())
    customer.aliases.extend(CustomerAlias(alias=a) for a in aliases)
    uow.session.add(customer)
    uow.session.flush()
    audit.record(
        uow, actor_id=None, entity="customer", entity_id=customer.id, action="import", before=None,
        after=audit.snapshot(customer),
    )  # fmt: skip
    return "added", {"customer": name, "owner": _text(spec, "owner"), "aliases": "、".join(aliases)}


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
        on_delivery=_text(spec, "on_delivery").lower() in ("1", "true", "yes", "y", "是", "√", "✓"),
    )
    row = _contract_row(uow, customer, spec, reference, amount, currency, terms, signed, tz)
    given = spec.get("schedule") or spec.get("installments_due") or []
    if given:
        parts = [(_day(p, "due", required=True), _money(p, "amount", required=True), _money(p, "paid")) for p in given]
    else:
        interval = uow.settings.approvals.installment_interval_days
        parts = [
            (d, a, None)
            for d, a in contracts.schedule(amount, terms, start=signed, interval_days=interval, currency=currency)
        ]
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
    due = _day(spec, "due") or _day(spec, "due_on")
    if due is None:
        raise Invalid("import_missing_field", field="due")
    assert amount is not None
    currency = (_text(spec, "currency") or default_currency).upper()
    paid = _money(spec, "paid") or Decimal(0)
    under = _text(spec, "contract")
    if under:
        row = _find_contract(uow, customer.id, under)
        if row is None:
            raise Invalid("import_unknown_contract", field="contract", contract=under, customer=customer.name)
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
        raise Invalid("import_no_owner", field="owner", customer=customer.name)
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
        raise Invalid("seed_unknown_user", field="owner", handle=handle, as_="owner")
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
        raise Invalid("seed_unknown_customer", field="customer", customer=name)
    return customer


def _text(spec: dict[str, Any], key: str) -> str:
    value = spec.get(key)
    return "" if value is None else str(value).strip()


def _int(spec: dict[str, Any], key: str) -> int | None:
    value = _text(spec, key).removesuffix("天").removesuffix("期").removesuffix("days").strip()
    try:
        return int(value) if value else None
    except ValueError as exc:
        raise Invalid("import_bad_number", field=key, value=_text(spec, key)) from exc


# How money is written in a cell: ¥1,200,000.00, 1 200 000, 120万, 1.2亿, RMB 5000, 5000元 (the currency, if any,
# is its own column: a symbol here is only decoration).
_MONEY_NOISE = re.compile(r"[\s,，¥￥$]|^(?:RMB|CNY|USD|US\$)|元$", re.IGNORECASE)
_UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}


def _money(spec: dict[str, Any], key: str, *, required: bool = False) -> Decimal | None:
    raw = _text(spec, key)
    value = _MONEY_NOISE.sub("", raw)
    if not value:
        if required:
            raise Invalid("import_missing_field", field=key)
        return None
    unit = _UNITS.get(value[-1], Decimal(1))
    try:
        amount = Decimal(value[:-1] if unit != 1 else value) * unit
    except InvalidOperation as exc:
        raise Invalid("import_bad_amount", field=key, value=raw) from exc
    if not amount.is_finite():
        raise Invalid("import_bad_amount", field=key, value=raw)
    # Never rounded: too many decimals (or digits) are refused where the currency is known (services/limits.py).
    try:
        for step in (Decimal("0.01"), limits.STORED_UNIT):  # as the columns give it back: 12.50, 10.125
            shown = amount.quantize(step)
            if shown == amount:
                return shown
    except InvalidOperation:
        pass
    return amount


# How a day is written in a cell that is text: 2026-03-11, 2026/3/11, 2026.3.11, 2026年3月11日, 20260311 (a date
# cell arrives as a date already).
_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$|^(\d{4})(\d{2})(\d{2})$")


def _day(spec: dict[str, Any], key: str, *, required: bool = False) -> date | None:
    value = spec.get(key)
    if isinstance(value, date):
        return value
    text = _text(spec, key)
    if not text:
        if required:
            raise Invalid("import_missing_field", field=key)
        return None
    match = _DAY.match(text)
    try:
        if match is None:
            raise ValueError(text)
        y, m, d = (int(g) for g in match.groups() if g is not None)
        return date(y, m, d)
    except ValueError as exc:
        raise Invalid("import_bad_date", field=key, value=text) from exc
