"""Who owes us what, since when: the open installments an actor may see, and the answers built on them.

Every figure is per currency: amounts in different currencies are never added together. "Today" is the asker's
own calendar day, so "3 days overdue" means the same to a rep in Shanghai and one in Berlin.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import lazyload

from salesbot.services import payments, permissions
from salesbot.services.errors import NotAllowed, NotFound
from salesbot.services.permissions import Scope
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import Balance, Contract, Customer, Installment, ReceivableDay, User

ZERO = Decimal(0)
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
TOP_SHARE = Decimal("0.8")  # the customers that bring this share of revenue are the ones to guard
REVENUE_WINDOW_DAYS = 365


@dataclass(frozen=True)
class Owed:
    """One installment with money still outstanding."""

    installment_id: int
    contract_id: int
    contract: str
    customer_id: int
    customer: str
    owner_id: int | None
    owner: str
    seq: int
    due_on: date
    amount: Decimal
    paid: Decimal
    currency: str
    days_overdue: int  # 0 or less: not yet late

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid

    @property
    def bucket(self) -> str:
        d = self.days_overdue
        if d <= 0:
            return "current"
        if d <= 30:
            return "1-30"
        if d <= 60:
            return "31-60"
        return "61-90" if d <= 90 else "90+"


@dataclass(frozen=True)
class Debtor:
    """One customer's debt in one currency (a customer owing in two currencies is two debtors)."""

    customer_id: int
    customer: str
    owner: str
    currency: str
    outstanding: Decimal
    overdue: Decimal
    oldest_overdue_days: int  # 0: nothing late yet
    items: int


@dataclass(frozen=True)
class Book:
    """An answer over many customers: ranked debtors and totals per currency, and how far the asker sees."""

    scope: str  # own | team | all
    today: date
    debtors: tuple[Debtor, ...]
    totals: dict[str, Decimal]
    overdue: dict[str, Decimal]
    due_soon: dict[str, Decimal] = field(default_factory=dict)  # falling due within 30 days
    count: int = 0  # debtors in all (`debtors` may be one page of them)
    first: int = 0  # how many debtors rank before the first of `debtors`


@dataclass(frozen=True)
class Statement:
    """One customer: what is open, per contract and installment, and any credit."""

    customer_id: int
    customer: str
    today: date
    items: tuple[Owed, ...]
    totals: dict[str, Decimal]
    credit: dict[str, Decimal]


@dataclass(frozen=True)
class Aging:
    """Outstanding per bucket, per rep and for the whole scope, each per currency."""

    scope: str
    today: date
    by_rep: dict[str, dict[str, dict[str, Decimal]]]  # rep -> currency -> bucket -> amount
    total: dict[str, dict[str, Decimal]]  # currency -> bucket -> amount


@dataclass(frozen=True)
class Earner:
    customer_id: int
    customer: str
    revenue: Decimal
    share: Decimal  # of the currency's revenue, 0..1
    cumulative: Decimal
    outstanding: Decimal


@dataclass(frozen=True)
class TopCustomers:
    """Per currency, the fewest customers that together bring 80% of the revenue signed in the window."""

    scope: str
    since: date
    by_currency: dict[str, tuple[Earner, ...]]
    customers: dict[str, int]  # how many customers had revenue, per currency
    revenue: dict[str, Decimal]


def today_of(uow: UnitOfWork, actor: Actor) -> date:
    return uow.now().astimezone(actor.tz).date()


def open_items(
    uow: UnitOfWork, actor: Actor, *, customer_id: int | None = None, scope: Scope | None = None
) -> list[Owed]:
    """Every open installment the actor may see (in `scope`: where the answer goes), oldest due first."""
    today = today_of(uow, actor)
    query = _open_query(scope or actor)
    if customer_id is not None:
        query = query.where(Customer.id == customer_id)
    items = []
    for installment, contract, customer, owner in uow.session.execute(query):
        if installment.amount - installment.paid <= 0:
            continue
        items.append(
            Owed(
                installment_id=installment.id,
                contract_id=contract.id,
                contract=payments.contract_label(contract),
                customer_id=customer.id,
                customer=customer.name,
                owner_id=customer.owner_id,
                owner=owner.name if owner is not None else "-",
                seq=installment.seq,
                due_on=installment.due_on,
                amount=installment.amount,
                paid=installment.paid,
                currency=installment.currency,
                days_overdue=(today - installment.due_on).days,
            )
        )
    return items


def who_owes(
    uow: UnitOfWork,
    actor: Actor,
    *,
    default_currency: str | None = None,
    page: int = 1,
    per_page: int | None = None,
    scope: Scope | None = None,
) -> Book:
    """Customers ranked by what they owe, biggest first; the asker's own currency leads. This is also "my
    receivables": the actor's scope (own, team, all) already makes it theirs.

    With `per_page`, only that page of debtors (the last one, if `page` is past it), and `count` says how many
    there are. The sums are kept (`balances` and `receivable_days`, see `salesbot.store.balances`): a manager of 100
    reps, or an admin, asks over tens of thousands of open installments, too many to add up at each question. The
    debtors are counted per currency first, which tells which currencies' rankings the page takes its rows from;
    a team's or the company's totals come from the day cells, and only the page's debtors' installments are read."""
    today = today_of(uow, actor)
    lead = default_currency or actor.currency
    view = scope or Scope.private(actor)
    shown = permissions.visible_balances(view)
    counting = select(Balance.currency, func.count()).where(shown).group_by(Balance.currency)
    per_currency: dict[str, int] = {currency: n for currency, n in uow.session.execute(counting)}
    count = sum(per_currency.values())
    first = 0 if per_page is None else (max(page, 1) - 1) * per_page
    if per_page is not None and 0 < count <= first:
        first = (count - 1) // per_page * per_page  # past the end (the list got shorter since it was asked): the last
    rows: list[Any] = []
    skip, wanted = first, per_page
    for currency in sorted(per_currency, key=lambda c: (c != lead, c)):
        in_currency = per_currency[currency]
        if skip >= in_currency:
            skip -= in_currency
            continue
        # One currency's ranking, read in the order of its index: the page's rows, not the whole ranking sorted.
        ranking = (
            select(
                Balance.customer_id,
                Balance.customer,
                User.name,
                Balance.currency,
                Balance.outstanding,
                Balance.first_due,
                Balance.installments,
            )
            .outerjoin(User, User.id == Balance.owner_id)
            .where(shown, Balance.currency == currency)
            .order_by(Balance.outstanding.desc(), Balance.customer)
            .offset(skip)
        )
        if wanted is not None:
            ranking = ranking.limit(wanted)
        rows += uow.session.execute(ranking).all()
        skip = 0
        if per_page is not None:
            wanted = per_page - len(rows)
            if not wanted:
                break
    late = _overdue_per_debtor(uow, view, today, [r for r in rows if r.first_due < today], whole=per_page is None)
    totals, overdue, due_soon = _sums(uow, view, today)
    ranked = sorted(rows, key=lambda r: (r.currency != lead, r.currency, -_money(r.outstanding), r.customer))
    return Book(
        scope=view.kind,
        today=today,
        debtors=tuple(
            Debtor(
                customer_id=r.customer_id,
                customer=r.customer,
                owner=r.name or "-",
                currency=r.currency,
                outstanding=_money(r.outstanding),
                overdue=late.get((r.customer_id, r.currency), ZERO),
                oldest_overdue_days=max((today - r.first_due).days, 0),
                items=int(r.installments),
            )
            for r in ranked
        ),
        totals=totals,
        overdue=overdue,
        due_soon=due_soon,
        count=count,
        first=first,
    )


def _overdue_per_debtor(
    uow: UnitOfWork, view: Scope, today: date, rows: list[Any], *, whole: bool
) -> dict[tuple[int, str], Decimal]:
    """What each of `rows` (debtors with something due before today) has overdue, from their installments: a page's
    ten customers are read by their ids; the whole ranking (an export) by the actor's scope."""
    if not rows:
        return {}
    query = (
        select(Contract.customer_id, Installment.currency, func.sum(Installment.amount - Installment.paid))
        .join(Contract, Contract.id == Installment.contract_id)
        .where(*OPEN, Installment.due_on < today)
        .group_by(Contract.customer_id, Installment.currency)
    )
    if whole:
        visible = permissions.visible_customer(uow, view)
        query = query.join(Customer, Customer.id == Contract.customer_id).where(visible)
    else:
        query = query.where(Contract.customer_id.in_({r.customer_id for r in rows}))
    return {(customer_id, currency): _money(amount) for customer_id, currency, amount in uow.session.execute(query)}


def _sums(
    uow: UnitOfWork, view: Scope, today: date
) -> tuple[dict[str, Decimal], dict[str, Decimal], dict[str, Decimal]]:
    """Per currency: what is owed in all, what of it is overdue, and what falls due within 30 days. A team's or the
    company's from the kept day cells (a few thousand rows, not every open installment or every debtor); a rep's,
    a few hundred installments at most, from the installments."""
    soon = today + timedelta(days=30)
    if view.kind == "own":
        outstanding, due_on = Installment.amount - Installment.paid, Installment.due_on
        query = (
            select(Installment.currency, func.sum(outstanding))
            .join(Contract, Contract.id == Installment.contract_id)
            .join(Customer, Customer.id == Contract.customer_id)
            .where(*OPEN, permissions.visible_customer(uow, view))
            .group_by(Installment.currency)
        )
    else:
        outstanding, due_on = ReceivableDay.outstanding, ReceivableDay.due_on
        query = (
            select(ReceivableDay.currency, func.sum(outstanding))
            .where(permissions.visible_days(view))
            .group_by(ReceivableDay.currency)
        )
    query = query.add_columns(
        func.sum(outstanding).filter(due_on < today), func.sum(outstanding).filter(due_on >= today, due_on < soon)
    )
    totals: dict[str, Decimal] = {}
    overdue: dict[str, Decimal] = {}
    due_soon: dict[str, Decimal] = {}
    for currency, total, late, coming in uow.session.execute(query):
        if _money(total) > 0:  # a currency whose day cells are all at zero owes nothing
            totals[currency] = _money(total)
        if _money(late) > 0:
            overdue[currency] = _money(late)
        if _money(coming) > 0:
            due_soon[currency] = _money(coming)
    return totals, overdue, due_soon


# An installment still owed: open, not fully paid, under an active contract (the kept balances count the same).
OPEN = (Installment.state == "open", Installment.amount > Installment.paid, Contract.status == "active")


def aging_bucket(due_on: Any, today: date) -> Any:
    """The aging bucket (`BUCKETS`) of a due date as SQL: how late an installment due then is on `today`."""
    return case(
        (due_on >= today, "current"),
        (due_on >= today - timedelta(days=30), "1-30"),
        (due_on >= today - timedelta(days=60), "31-60"),
        (due_on >= today - timedelta(days=90), "61-90"),
        else_="90+",
    )


def _money(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def statement(uow: UnitOfWork, actor: Actor, *, customer_id: int, scope: Scope | None = None) -> Statement:
    customer = uow.session.get(Customer, customer_id)
    if customer is None or customer.archived:
        raise NotFound("customer_not_found")
    if not permissions.can_see(actor, customer):
        raise NotAllowed("customer_not_visible", customer=customer.name)
    if scope is not None and not permissions.in_scope(scope, customer):
        raise NotAllowed("customer_not_for_this_group", customer=customer.name)
    items = sorted(open_items(uow, actor, customer_id=customer_id, scope=scope), key=lambda i: (i.contract_id, i.seq))
    return Statement(
        customer_id=customer.id,
        customer=customer.name,
        today=today_of(uow, actor),
        items=tuple(items),
        totals=_sum(items, lambda i: True),
        credit=payments.credit_of(uow, [customer.id]).get(customer.id, {}),
    )


def aging(uow: UnitOfWork, actor: Actor, *, scope: Scope | None = None) -> Aging:
    items = open_items(uow, actor, scope=scope)
    by_rep: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(_buckets))
    total: dict[str, dict[str, Decimal]] = defaultdict(_buckets)
    for item in items:
        by_rep[item.owner][item.currency][item.bucket] += item.outstanding
        total[item.currency][item.bucket] += item.outstanding
    return Aging(
        scope=permissions.scope_of(scope or actor),
        today=today_of(uow, actor),
        by_rep={rep: dict(per) for rep, per in sorted(by_rep.items())},
        total=dict(total),
    )


def top_customers(uow: UnitOfWork, actor: Actor, *, scope: Scope | None = None) -> TopCustomers:
    """The 20% to guard: ranked by revenue signed (contracts approved) in the last year, until 80% is covered."""
    today = today_of(uow, actor)
    since = today - timedelta(days=REVENUE_WINDOW_DAYS)
    visible = permissions.visible_customers(scope or actor).with_only_columns(Customer.id)
    rows = uow.session.execute(
        select(Customer.id, Customer.name, Contract.currency, Contract.amount, Contract.decided_at)
        .join(Contract, Contract.customer_id == Customer.id)
        .where(Contract.status == "active", Customer.id.in_(visible))
    ).all()
    revenue: dict[str, dict[tuple[int, str], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for customer_id, name, currency, amount, decided_at in rows:
        if decided_at is not None and decided_at.astimezone(actor.tz).date() >= since:
            revenue[currency][(customer_id, name)] += amount
    owed: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for item in open_items(uow, actor, scope=scope):
        owed[(item.customer_id, item.currency)] += item.outstanding
    by_currency: dict[str, tuple[Earner, ...]] = {}
    for currency, per_customer in revenue.items():
        total = sum(per_customer.values(), ZERO)
        ranked = sorted(per_customer.items(), key=lambda kv: (-kv[1], kv[0][1]))
        chosen: list[Earner] = []
        running = ZERO
        for (customer_id, name), amount in ranked:
            if total > 0 and running / total >= TOP_SHARE:
                break
            running += amount
            chosen.append(
                Earner(
                    customer_id=customer_id,
                    customer=name,
                    revenue=amount,
                    share=amount / total if total else ZERO,
                    cumulative=running / total if total else ZERO,
                    outstanding=owed.get((customer_id, currency), ZERO),
                )
            )
        by_currency[currency] = tuple(chosen)
    return TopCustomers(
        scope=permissions.scope_of(scope or actor),
        since=since,
        by_currency=dict(sorted(by_currency.items(), key=lambda kv: (kv[0] != actor.currency, kv[0]))),
        customers={currency: len(per) for currency, per in revenue.items()},
        revenue={currency: sum(per.values(), ZERO) for currency, per in revenue.items()},
    )


def _open_query(who: Actor | Scope) -> Select[tuple[Installment, Contract, Customer, User]]:
    visible = permissions.visible_customers(who).with_only_columns(Customer.id)
    return (
        select(Installment, Contract, Customer, User)
        .join(Contract, Contract.id == Installment.contract_id)
        .join(Customer, Customer.id == Contract.customer_id)
        .outerjoin(User, User.id == Customer.owner_id)
        .where(
            Installment.state == "open",
            Contract.status == "active",
            Customer.archived.is_(False),
            Customer.id.in_(visible),
        )
        .order_by(Installment.due_on, Installment.contract_id, Installment.seq)
        # The four rows are selected side by side: the models' eager loads would only fetch them again.
        .options(
            lazyload(Installment.contract),
            lazyload(Contract.customer),
            lazyload(Customer.owner),
            lazyload(Customer.aliases),
            lazyload(User.team),
        )
    )


def _debtor(rows: list[Owed]) -> Debtor:
    first = rows[0]
    late = [r for r in rows if r.days_overdue > 0]
    return Debtor(
        customer_id=first.customer_id,
        customer=first.customer,
        owner=first.owner,
        currency=first.currency,
        outstanding=sum((r.outstanding for r in rows), ZERO),
        overdue=sum((r.outstanding for r in late), ZERO),
        oldest_overdue_days=max((r.days_overdue for r in late), default=0),
        items=len(rows),
    )


def _sum(items: list[Owed], keep: Callable[[Owed], bool]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        if keep(item):
            totals[item.currency] += item.outstanding
    return dict(totals)


def _buckets() -> dict[str, Decimal]:
    return dict.fromkeys(BUCKETS, ZERO)
