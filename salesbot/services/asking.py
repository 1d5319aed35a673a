"""Answers to what people ask about the work (issue 19): the asker's agenda, a customer's story, and how the team
is doing over a period (its figures per rep, the reps who logged no visit, one rep's activity, the funnel and the
weighted forecast of the open pipeline).

Each answer is plain data (names, stage keys, Decimal amounts per currency, dates); the conversation layer words it.
Who sees what is decided here, once, as a `Scope`: a rep sees their own work, a manager their team's, an admin and
finance everyone's. In a team group the answer is narrowed to the group's team (`team_id`), so a group only ever
hears about its own team.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, case, false, func, literal, null, select, true, union_all
from sqlalchemy.orm import aliased

from salesbot.services import permissions, targets
from salesbot.services.errors import NotAllowed, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import (
    ApprovalStep,
    Contract,
    Customer,
    CustomerItem,
    Deal,
    Installment,
    Payment,
    Reminder,
    StageChange,
    Team,
    User,
    Visit,
)

ZERO = Decimal(0)
Totals = dict[str, Decimal]  # per currency, never added across currencies


# --- scope ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose work an answer covers: `own` (the asker alone), a `team`, or `all`. `user_ids` None: everyone."""

    kind: str
    user_ids: tuple[int, ...] | None
    team: str | None = None
    team_id: int | None = None  # the team, for a team's scope (its targets)

    def owned_by(self, column: ColumnElement) -> ColumnElement[bool]:
        return true() if self.user_ids is None else column.in_(self.user_ids)


def scope_for(uow: UnitOfWork, actor: Actor, *, team_id: int | None = None) -> Scope:
    """The asker's scope; `team_id` narrows it to one team (the team of the group the question was asked in). A
    manager may not look into another team; a rep sees their own work wherever they ask."""
    permissions.require_active(actor)
    if actor.role == "rep":
        return Scope("own", (actor.id,))
    if actor.role == "manager":
        if team_id is not None and team_id != actor.team_id:
            raise NotAllowed("ask_team_not_yours")
        team_id = actor.team_id
        if team_id is None:
            return Scope("own", (actor.id,))
    if team_id is None:
        return Scope("all", None)
    members = tuple(uow.session.scalars(select(User.id).where(User.team_id == team_id).order_by(User.id)))
    return Scope("team", members, uow.session.scalar(select(Team.name).where(Team.id == team_id)), team_id)


def team_named(uow: UnitOfWork, text: str) -> int | None:
    """The team a sentence names by its name or key ("华东团队", "team east"), if any."""
    for team_id, key, name in uow.session.execute(select(Team.id, Team.key, Team.name)):
        if (name and name in text) or (key and f"team {key}".lower() in text.lower()):
            return team_id
    return None


def window(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Local calendar days [start, end) as the instants they span."""
    return datetime.combine(start, time(0), tzinfo=tz), datetime.combine(end, time(0), tzinfo=tz)


# --- the agenda ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # follow_up | planned | installment | complaint | need
    on: date
    customer_id: int
    customer: str
    overdue: bool
    visit_id: int | None = None
    at: str | None = None  # HH:MM, local, when a time was set
    next_step: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    seq: int | None = None
    installment_id: int | None = None
    item_id: int | None = None  # a complaint's or a need's
    text: str | None = None  # what the customer said, for a complaint or a need
    category: str | None = None  # a complaint's reason key


@dataclass(frozen=True)
class Agenda:
    start: date
    end: date
    today: date
    items: tuple[AgendaItem, ...]


def agenda(
    uow: UnitOfWork, actor: Actor, *, start: date, end: date, overdue_only: bool = False, money: bool = True
) -> Agenda:
    """The asker's own follow-ups, planned visits and their customers' installments due before `end` (a local day,
    exclusive), what is late first. A follow-up is open while it is on the customer's latest visit by this person:
    a visit logged since it was set is the follow-up done. `start` only names the period: what is late is always
    listed, whenever it fell due. `money` False: without the installments (the morning brief, whose collection
    message of the same hour carries them, so they are not read only to be dropped)."""
    permissions.require_active(actor)
    tz = actor.tz
    today = uow.now().astimezone(tz).date()
    last = today if overdue_only else end
    latest = (
        select(func.max(Visit.id))
        .where(Visit.user_id == actor.id, Visit.archived.is_(False))
        .group_by(Visit.customer_id)
        .scalar_subquery()
    )
    items: list[AgendaItem] = []
    for visit_id, customer_id, name, on, at, step in uow.session.execute(
        select(Visit.id, Customer.id, Customer.name, Visit.follow_up_on, Visit.follow_up_at, Visit.next_step)
        .join(Customer, Customer.id == Visit.customer_id)
        .where(
            Visit.id.in_(latest),
            Visit.follow_up_on.is_not(None),
            Visit.follow_up_on < last,
            Customer.archived.is_(False),
        )
    ):
        items.append(
            AgendaItem(
                "follow_up",
                on,
                customer_id,
                name,
                on < today,
                visit_id=visit_id,
                at=at.astimezone(tz).strftime("%H:%M") if at else None,
                next_step=step,
            )
        )
    if not overdue_only:
        until = window(end, end, tz)[0]
        for customer_id, name, due in uow.session.execute(
            select(Customer.id, Customer.name, Reminder.due_at)
            .join(Customer, Customer.id == Reminder.customer_id)
            .where(
                Reminder.user_id == actor.id,
                Reminder.kind == "planned_visit",
                Reminder.state == "pending",
                Reminder.due_at < until,
            )
        ):
            local = due.astimezone(tz)
            timed = local.time() != time(uow.settings.morning_hour)
            items.append(
                AgendaItem(
                    "planned", local.date(), customer_id, name, False, at=local.strftime("%H:%M") if timed else None
                )
            )
    for customer_id, name, due_on, amount, paid, currency, seq, installment_id in (
        ()
        if not money
        else uow.session.execute(
            select(
                Customer.id,
                Customer.name,
                Installment.due_on,
                Installment.amount,
                Installment.paid,
                Installment.currency,
                Installment.seq,
                Installment.id,
            )
            .join(Contract, Contract.id == Installment.contract_id)
            .join(Customer, Customer.id == Contract.customer_id)
            .where(
                Customer.owner_id == actor.id,
                Customer.archived.is_(False),
                Contract.status == "active",
                Installment.state == "open",
                Installment.amount > Installment.paid,
                Installment.due_on < last,
            )
        )
    ):
        items.append(
            AgendaItem(
                "installment",
                due_on,
                customer_id,
                name,
                due_on < today,
                amount=amount - paid,
                currency=currency,
                seq=seq,
                installment_id=installment_id,
            )
        )
    items.extend(_open_items(uow, actor, before=last, today=today))
    items.sort(key=lambda i: (not i.overdue, i.on, i.at or "", i.kind, i.customer))
    return Agenda(start, end, today, tuple(items))


def _open_items(uow: UnitOfWork, actor: Actor, *, before: date, today: date) -> list[AgendaItem]:
    """The complaints and needs the asker owns that are open and due before `before` (issue 20: open items show
    in the agenda), late ones whenever they fell due."""
    return [
        AgendaItem(kind, due_on, customer_id, name, due_on < today, item_id=item_id, text=text, category=category)
        for item_id, kind, due_on, customer_id, name, text, category in uow.session.execute(
            select(
                CustomerItem.id,
                CustomerItem.kind,
                CustomerItem.due_on,
                Customer.id,
                Customer.name,
                CustomerItem.text,
                CustomerItem.category,
            )
            .join(Customer, Customer.id == CustomerItem.customer_id)
            .where(
                CustomerItem.owner_id == actor.id,
                CustomerItem.status == "open",
                CustomerItem.due_on < before,
                Customer.archived.is_(False),
            )
        )
    ]


# --- a customer's story --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DealLine:
    title: str
    stage: str
    amount: Decimal | None
    currency: str
    days_in_stage: int


@dataclass(frozen=True)
class OpenDeal:
    customer_id: int
    title: str
    stage: str
    amount: Decimal | None
    currency: str
    since: datetime  # when it entered its stage (its last stage change, or when it was opened)


def open_deals_of(uow: UnitOfWork, customer_ids: list[int]) -> dict[int, list[OpenDeal]]:
    """The open deals of these customers, by customer, oldest first: what a customer's story says of its deals,
    and the line a follow-up's reminder and the morning brief carry about it (one reading for both)."""
    if not customer_ids:
        return {}
    closed = ("lost", uow.settings.approvals.won_stage)
    ids = sorted(set(customer_ids))
    live = select(Deal.id).where(Deal.customer_id.in_(ids))
    entered = (
        select(StageChange.deal_id, func.max(StageChange.at).label("at"))
        .where(StageChange.deal_id.in_(live))
        .group_by(StageChange.deal_id)
        .subquery()
    )
    found: dict[int, list[OpenDeal]] = defaultdict(list)
    for customer_id, title, stage, amount, currency, since, created in uow.session.execute(
        select(Deal.customer_id, Deal.title, Deal.stage, Deal.amount, Deal.currency, entered.c.at, Deal.created_at)
        .outerjoin(entered, entered.c.deal_id == Deal.id)
        .where(Deal.customer_id.in_(ids), Deal.archived.is_(False), Deal.stage.not_in(closed))
        .order_by(Deal.id)
    ):
        found[customer_id].append(OpenDeal(customer_id, title, stage, amount, currency, since or created))
    return dict(found)


def deal_params(deal: OpenDeal) -> dict[str, str | None]:
    """An open deal as a notification's plain data (worded when it is sent)."""
    return {
        "stage": deal.stage,
        "amount": str(deal.amount) if deal.amount is not None else None,
        "currency": deal.currency,
        "since_at": deal.since.isoformat(),
    }


@dataclass(frozen=True)
class VisitLine:
    on: date
    rep: str
    notes: str
    next_step: str | None


@dataclass(frozen=True)
class ContractLine:
    status: str  # pending | active
    amount: Decimal
    currency: str
    on: date  # submitted (pending) or approved (active)
    approver: str | None  # who decides now, while pending


@dataclass(frozen=True)
class ItemLine:
    """An open complaint or need, as the customer's story tells it."""

    kind: str  # complaint | need
    text: str
    category: str | None
    due_on: date
    late: bool
    owner: str | None


@dataclass(frozen=True)
class Story:
    customer_id: int
    customer: str
    owner: str | None
    deals: tuple[DealLine, ...]
    visits: tuple[VisitLine, ...]
    follow_up: date | None
    follow_up_at: str | None
    contracts: tuple[ContractLine, ...]
    owed: Totals
    overdue: Totals
    oldest_overdue: date | None
    items: tuple[ItemLine, ...] = ()  # open complaints and needs (issue 20)


def story(uow: UnitOfWork, actor: Actor, *, customer_id: int, visits: int = 3) -> Story:
    """Everything about one customer in one answer: open deals (stage, value, days in the stage), the last visits
    and their notes, the next follow-up, contracts waiting or approved, and what is owed and overdue."""
    permissions.require_active(actor)
    customer = uow.session.get(Customer, customer_id)
    if customer is None or customer.archived:
        raise NotFound("customer_not_found", customer_id=customer_id)
    if not permissions.can_see(actor, customer):
        raise NotAllowed("ask_customer_not_visible", customer=customer.name)
    tz = actor.tz
    now = uow.now()
    today = now.astimezone(tz).date()
    deals = tuple(
        DealLine(d.title, d.stage, d.amount, d.currency, (today - d.since.astimezone(tz).date()).days)
        for d in open_deals_of(uow, [customer_id]).get(customer_id, [])
    )
    rep = aliased(User)
    last_visits = tuple(
        VisitLine(at.astimezone(tz).date(), name, notes, step)
        for at, name, notes, step in uow.session.execute(
            select(Visit.at, rep.name, Visit.notes, Visit.next_step)
            .join(rep, rep.id == Visit.user_id)
            .where(Visit.customer_id == customer_id, Visit.archived.is_(False))
            .order_by(Visit.at.desc(), Visit.id.desc())
            .limit(visits)
        )
    )
    follow = (
        select(Visit.follow_up_on, Visit.follow_up_at)
        .where(Visit.customer_id == customer_id, Visit.follow_up_on.is_not(None), Visit.archived.is_(False))
        .order_by(Visit.at.desc(), Visit.id.desc())
        .limit(1)
    )
    if actor.role == "rep":
        follow = follow.where(Visit.user_id == actor.id)
    next_follow = uow.session.execute(follow).first()
    approver = aliased(User)
    contracts = tuple(
        ContractLine(
            status,
            amount,
            currency,
            ((decided if status == "active" else submitted) or submitted).astimezone(tz).date(),
            who,
        )
        for status, amount, currency, submitted, decided, who in uow.session.execute(
            select(
                Contract.status,
                Contract.amount,
                Contract.currency,
                Contract.submitted_at,
                Contract.decided_at,
                approver.name,
            )
            .outerjoin(
                ApprovalStep,
                (ApprovalStep.contract_id == Contract.id) & (ApprovalStep.state == "deciding"),
            )
            .outerjoin(approver, approver.id == ApprovalStep.approver_id)
            .where(Contract.customer_id == customer_id, Contract.status.in_(("pending", "active")))
            .order_by(Contract.status != "pending", Contract.id.desc())
            .limit(5)
        )
    )
    owed: Totals = defaultdict(lambda: ZERO)
    late: Totals = defaultdict(lambda: ZERO)
    oldest: date | None = None
    for due_on, amount, paid, currency in uow.session.execute(
        select(Installment.due_on, Installment.amount, Installment.paid, Installment.currency)
        .join(Contract, Contract.id == Installment.contract_id)
        .where(
            Contract.customer_id == customer_id,
            Contract.status == "active",
            Installment.state == "open",
            Installment.amount > Installment.paid,
        )
    ):
        owed[currency] += amount - paid
        if due_on < today:
            late[currency] += amount - paid
            oldest = min(oldest or due_on, due_on)
    return Story(
        customer_id=customer.id,
        customer=customer.name,
        owner=customer.owner.name if customer.owner else None,
        deals=deals,
        visits=last_visits,
        follow_up=next_follow.follow_up_on if next_follow else None,
        follow_up_at=next_follow.follow_up_at.astimezone(tz).strftime("%H:%M")
        if next_follow and next_follow.follow_up_at
        else None,
        contracts=contracts,
        owed=dict(sorted(owed.items())),
        overdue=dict(sorted(late.items())),
        oldest_overdue=oldest,
        items=open_items_of(uow, customer_id, today=today),
    )


def open_items_of(uow: UnitOfWork, customer_id: int, *, today: date) -> tuple[ItemLine, ...]:
    """The customer's open complaints and needs, the soonest due first."""
    owner = aliased(User)
    return tuple(
        ItemLine(kind, text, category, due_on, due_on < today, who)
        for kind, text, category, due_on, who in uow.session.execute(
            select(CustomerItem.kind, CustomerItem.text, CustomerItem.category, CustomerItem.due_on, owner.name)
            .outerjoin(owner, owner.id == CustomerItem.owner_id)
            .where(CustomerItem.customer_id == customer_id, CustomerItem.status == "open")
            .order_by(CustomerItem.due_on, CustomerItem.id)
        )
    )


# --- how the team is doing -----------------------------------------------------------------------------------------


@dataclass
class Figures:
    """One rep's figures for a period, or the total of a scope's."""

    visits: int = 0
    customers: int = 0  # distinct customers visited
    new_deals: int = 0
    new_value: Totals = field(default_factory=dict)
    moves: int = 0
    won: int = 0
    won_value: Totals = field(default_factory=dict)
    lost: int = 0
    approved: int = 0
    approved_value: Totals = field(default_factory=dict)
    paid: Totals = field(default_factory=dict)

    def add(self, other: Figures) -> None:
        for name in ("visits", "customers", "new_deals", "moves", "won", "lost", "approved"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("new_value", "won_value", "approved_value", "paid"):
            mine = getattr(self, name)
            for currency, amount in getattr(other, name).items():
                mine[currency] = mine.get(currency, ZERO) + amount

    @property
    def quiet(self) -> bool:
        return not (self.visits or self.new_deals or self.moves or self.won or self.lost or self.approved or self.paid)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: str


@dataclass(frozen=True)
class TeamPeriod:
    scope: Scope
    start: date
    end: date
    people: tuple[Person, ...]  # the reps in scope (and the asker, for a manager's own work)
    per_person: dict[int, Figures]  # only those with something in the period
    total: Figures
    lost_reasons: dict[str, int]  # reason key ("" for none given) → deals lost
    visited: dict[int, tuple[str, ...]]  # per person, the customers visited (for one rep's activity)

    @property
    def silent(self) -> tuple[Person, ...]:
        """The reps in scope who logged no visit in the period."""
        return tuple(p for p in self.people if p.role == "rep" and not self.per_person.get(p.id, Figures()).visits)


def _people(uow: UnitOfWork, scope: Scope) -> tuple[Person, ...]:
    query = select(User.id, User.name, User.role).where(User.active, User.role.in_(("rep", "manager")))
    if scope.user_ids is not None:
        query = query.where(User.id.in_(scope.user_ids))
    return tuple(Person(*row) for row in uow.session.execute(query.order_by(User.name, User.id)))


def team_period(
    uow: UnitOfWork, actor: Actor, scope: Scope, *, start: date, end: date, customers_of: int | None = None
) -> TeamPeriod:
    """The scope's figures for the local days [start, end): visits, new deals, stage moves, deals won and lost
    (with the reasons), contracts approved and payments received, per person and in total, money per currency.
    `customers_of`: also the customers that person visited."""
    since, until = window(start, end, actor.tz)
    per: dict[int, Figures] = defaultdict(Figures)
    session = uow.session

    # Every figure in one statement, a branch a kind, each grouped in the database: on a busy machine each round
    # trip waits for a core, and the year of a team is six of them otherwise. The first branch types the columns
    # (`amount` is Money: SQLite keeps cents).
    won_stage = uow.settings.approvals.won_stage
    text_ = String()
    nothing = null().cast(text_)
    new_deals = (
        select(literal("new", text_), Deal.owner_id, Deal.currency, nothing, func.count(), func.sum(Deal.amount))
        .where(
            scope.owned_by(Deal.owner_id), Deal.created_at >= since, Deal.created_at < until, Deal.archived.is_(False)
        )
        .group_by(Deal.owner_id, Deal.currency)
    )
    # Written as ix_visits_user_at_live's predicate (`= false`), so PostgreSQL counts from the index alone.
    visits = (
        select(literal("visits", text_), Visit.user_id, nothing, nothing, func.count(), null())
        .where(scope.owned_by(Visit.user_id), Visit.at >= since, Visit.at < until, Visit.archived == false())
        .group_by(Visit.user_id)
    )
    in_period = (StageChange.at >= since, StageChange.at < until)
    moves = (
        select(literal("moves", text_), Deal.owner_id, nothing, nothing, func.count(), null())
        .select_from(StageChange)
        .join(Deal, Deal.id == StageChange.deal_id)
        .where(
            scope.owned_by(Deal.owner_id),
            Deal.archived == false(),  # as ix_deals_live says it: a team's deals from the index alone
            StageChange.from_stage.is_not(None),
            *in_period,
        )
        .group_by(Deal.owner_id)
    )
    # Counted as they stand now: a deal won and reopened in the period is not a win. The scope's deals that closed
    # are found as the moves are (from the indexes alone), then each is read by its key (a few hundred of 20,000).
    live = aliased(Deal)
    closing = (
        select(StageChange.deal_id, StageChange.to_stage)
        .join(live, live.id == StageChange.deal_id)
        .where(
            scope.owned_by(live.owner_id),
            live.archived == false(),
            StageChange.to_stage.in_((won_stage, "lost")),
            *in_period,
        )
        .distinct()
        .subquery()
    )
    closed = (
        select(Deal.stage, Deal.owner_id, Deal.currency, Deal.lost_reason, func.count(), func.sum(Deal.amount))
        .select_from(closing)
        .join(Deal, (Deal.id == closing.c.deal_id) & (Deal.stage == closing.c.to_stage))
        .where(Deal.archived == false())
        .group_by(Deal.stage, Deal.owner_id, Deal.currency, Deal.lost_reason)
    )
    approved = (
        select(
            literal("approved", text_), Contract.owner_id, Contract.currency, nothing, func.count(),
            func.sum(Contract.amount),
        )
        .where(
            scope.owned_by(Contract.owner_id),
            Contract.status == "active",
            Contract.decided_at >= since,
            Contract.decided_at < until,
        )
        .group_by(Contract.owner_id, Contract.currency)
    )  # fmt: skip
    # As the digests count them: confirmed money, on the day it was recorded or (finance confirming) confirmed.
    counted_at = func.coalesce(Payment.confirmed_at, Payment.created_at)
    paid = (
        select(
            literal("paid", text_), Customer.owner_id, Payment.currency, nothing, func.count(), func.sum(Payment.amount)
        )
        .join(Customer, Customer.id == Payment.customer_id)
        .where(
            scope.owned_by(Customer.owner_id),
            Payment.state == "confirmed",
            counted_at >= since,
            counted_at < until,
        )
        .group_by(Customer.owner_id, Payment.currency)
    )
    lost_reasons: dict[str, int] = defaultdict(int)
    for kind, owner, currency, reason, n, amount in session.execute(
        union_all(new_deals, visits, moves, closed, approved, paid)
    ):
        mine = per[owner]
        value = Decimal(amount) if amount is not None else None
        if kind == "visits":
            mine.visits = n
        elif kind == "moves":
            mine.moves += n
        elif kind == "new":
            mine.new_deals += n
            if value is not None:
                mine.new_value[currency] = mine.new_value.get(currency, ZERO) + value
        elif kind == "lost":
            mine.lost += n
            lost_reasons[reason or ""] += n
        elif kind == won_stage:
            mine.won += n
            if value is not None:
                mine.won_value[currency] = mine.won_value.get(currency, ZERO) + value
        elif kind == "approved":
            mine.approved += n
            mine.approved_value[currency] = mine.approved_value.get(currency, ZERO) + (value or ZERO)
        elif kind == "paid" and owner is not None:
            mine.paid[currency] = mine.paid.get(currency, ZERO) + (value or ZERO)
    per.pop(None, None)  # type: ignore[call-overload]  # unowned customers' money belongs to no rep
    total = Figures()
    for figures in per.values():
        total.add(figures)
    visited: dict[int, tuple[str, ...]] = {}
    if customers_of is not None:
        visited[customers_of] = names = tuple(
            session.scalars(
                select(Customer.name)
                .join(Visit, Visit.customer_id == Customer.id)
                .where(Visit.user_id == customers_of, Visit.at >= since, Visit.at < until, Visit.archived.is_(False))
                .group_by(Customer.name)
                .order_by(func.count().desc(), Customer.name)
            )
        )
        if names:
            per[customers_of].customers = len(names)
    return TeamPeriod(scope, start, end, _people(uow, scope), dict(per), total, dict(lost_reasons), visited)


def person_named(uow: UnitOfWork, scope: Scope, text: str) -> Person | None:
    """The person in scope a sentence names ("张伟这周拜访了几个客户"), the longest name first; None if none."""
    found = [p for p in _people(uow, scope) if p.name and p.name.lower() in text.lower()]
    return max(found, key=lambda p: len(p.name)) if found else None


def anyone_named(uow: UnitOfWork, text: str) -> Person | None:
    """Anyone the sentence names, in scope or not: to tell a rep or manager that person is not theirs to see."""
    rows = uow.session.execute(select(User.id, User.name, User.role).where(User.active)).all()
    found = [Person(*row) for row in rows if row.name and row.name.lower() in text.lower()]
    return max(found, key=lambda p: len(p.name)) if found else None


# --- the funnel and the forecast -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageRow:
    stage: str
    deals: int
    value: Totals
    probability: Decimal  # 0..1, from [forecast] in the config
    weighted: Totals


@dataclass(frozen=True)
class Funnel:
    scope: Scope
    stages: tuple[StageRow, ...]  # the open stages, in the configured order

    @property
    def deals(self) -> int:
        return sum(s.deals for s in self.stages)

    def total(self, weighted: bool = False) -> Totals:
        out: Totals = {}
        for row in self.stages:
            for currency, amount in (row.weighted if weighted else row.value).items():
                out[currency] = out.get(currency, ZERO) + amount
        return dict(sorted(out.items()))


def funnel(uow: UnitOfWork, actor: Actor, scope: Scope) -> Funnel:
    """The scope's open deals per stage, with their value and the value weighted by the stage's probability."""
    settings = uow.settings
    closed = {"lost", settings.approvals.won_stage}
    counts: dict[str, int] = defaultdict(int)
    values: dict[str, Totals] = defaultdict(dict)
    for stage, currency, n, amount in uow.session.execute(
        select(Deal.stage, Deal.currency, func.count(), func.sum(Deal.amount))
        .where(scope.owned_by(Deal.owner_id), Deal.archived == false(), Deal.stage.not_in(closed))
        .group_by(Deal.stage, Deal.currency)
    ):
        counts[stage] += n
        if amount is not None:
            values[stage][currency] = values[stage].get(currency, ZERO) + Decimal(amount)
    rows = []
    for stage in settings.stages:
        if stage in closed:
            continue
        p = settings.stage_probability(stage)
        value = dict(sorted(values[stage].items()))
        rows.append(
            StageRow(stage, counts[stage], value, p, {c: (a * p).quantize(Decimal("0.01")) for c, a in value.items()})
        )
    return Funnel(scope, tuple(rows))


# --- a period's trend and the targets' attainment (the manager's period answer) ------------------------------------

TREND_FROM_DAYS = 28  # a period this long or longer (a month, a quarter, a year) is answered with its trend
DAILY_UP_TO_DAYS = 31  # up to a month: a bucket a day; longer: a bucket a week (weeks start on Monday)


@dataclass(frozen=True)
class Trend:
    """Visits and payments received per day or week of a period, up to today (a bucket is its first day)."""

    step: str  # day | week
    starts: tuple[date, ...]
    visits: tuple[int, ...]
    paid: dict[str, tuple[Decimal, ...]]  # per currency, never added across currencies


def trend(uow: UnitOfWork, actor: Actor, scope: Scope, *, start: date, end: date) -> Trend | None:
    """The scope's visits and confirmed payments per bucket of [start, end), cut at today; None for a period under
    four weeks (its figures say it all) or one that has not begun."""
    if (end - start).days < TREND_FROM_DAYS:
        return None
    tz = actor.tz
    today = uow.now().astimezone(tz).date()
    last = min(end, today + timedelta(days=1))
    if last <= start:
        return None
    step = "day" if (end - start).days <= DAILY_UP_TO_DAYS else "week"
    starts = [start]
    while True:
        nxt = starts[-1] + timedelta(days=1) if step == "day" else _next_monday(starts[-1])
        if nxt >= last:
            break
        starts.append(nxt)
    # Each bucket's edges are instants worked out in the asker's zone, so a day is a local day even across a
    # change of clocks; one pass over the period's rows puts each in its bucket.
    edges = [window(d, d, tz)[0] for d in [*starts, last]]

    def bucket(column: ColumnElement) -> ColumnElement:
        return case(*((column < edges[n + 1], n) for n in range(len(starts))), else_=len(starts))

    visits = [0] * len(starts)
    at = bucket(Visit.at).label("bucket")
    for n, count in uow.session.execute(
        select(at, func.count())
        .where(scope.owned_by(Visit.user_id), Visit.at >= edges[0], Visit.at < edges[-1], Visit.archived == false())
        .group_by(at)
    ):
        if n < len(starts):
            visits[n] = count
    counted_at = func.coalesce(Payment.confirmed_at, Payment.created_at)
    when = bucket(counted_at).label("bucket")
    paid: dict[str, list[Decimal]] = {}
    for n, currency, amount in uow.session.execute(
        select(when, Payment.currency, func.sum(Payment.amount))
        .join(Customer, Customer.id == Payment.customer_id)
        .where(
            scope.owned_by(Customer.owner_id),
            Customer.owner_id.is_not(None),
            Payment.state == "confirmed",
            counted_at >= edges[0],
            counted_at < edges[-1],
        )
        .group_by(when, Payment.currency)
    ):
        if n < len(starts):
            paid.setdefault(currency, [ZERO] * len(starts))[n] += Decimal(amount)
    return Trend(step, tuple(starts), tuple(visits), {c: tuple(v) for c, v in sorted(paid.items())})


def _next_monday(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


def attainment(uow: UnitOfWork, actor: Actor, scope: Scope, *, day: date) -> list[dict[str, Any]]:
    """The targets covering `day` within the scope (issue 21), as data: a rep's own; a team's target and each of
    its reps'; for everyone, each team's own target."""
    if scope.kind == "own":
        mine = targets.standing(uow, user_id=scope.user_ids[0], day=day) if scope.user_ids else None
        return [mine] if mine else []
    if scope.kind == "team" and scope.team_id is not None:
        return targets.team_standings(uow, scope.team_id, day=day)
    found = []
    for team_id in uow.session.scalars(select(Team.id).order_by(Team.name)):
        standing = targets.team_standing(uow, team_id, day=day)
        if standing is not None:
            found.append(standing)
    return found
