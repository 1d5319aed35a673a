"""Quiet customers (issue 20): who has had no visit, call, payment or contract for too long, and the ladder that
follows — named to the rep, then to the rep and the manager, then released to the team's pool (公海), where the
manager hands the customer to a rep with one tap or a rep of the team claims it.

The days are counted from the customer's last activity, kept in `customer_activity` (`salesbot.store.activity`),
or from the day it was handed to its present rep, whichever is later: a customer taken from the pool gives its
new rep the whole ladder again. The key customers (the 80/20 by revenue signed in the last year, per team and
currency, as "二八客户" ranks them) climb a shorter ladder. Archived customers and customers with a follow-up
planned are never named.

Once a day, at each person's morning hour, the team's ladder is climbed (`QuietFlag` keeps how far each customer
got, so a step is taken once) and each person gets one message bundling what climbed since their last one; a
`QuietNotice` row a person a day keeps a second worker or a restart from sending twice, as for collections.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true
from sqlalchemy.exc import IntegrityError

from salesbot.services import audit, cards, collections, losses, outbox, users
from salesbot.services.cards import CardButton
from salesbot.services.errors import Invalid, NotAllowed, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import (
    Contract,
    Customer,
    CustomerActivity,
    CustomerItem,
    Installment,
    QuietFlag,
    QuietNotice,
    QuietScan,
    Reminder,
    User,
)

TOP_SHARE = Decimal("0.8")
REVENUE_WINDOW_DAYS = 365
LIST_LIMIT = 20  # customers named in an answer; the count takes in all
FULL_SCAN_DAYS = 7  # the daily scan reads a team in full this often, and in between only what may have climbed
POOL_BUTTONS = 6  # reps offered on a released customer's card (WeCom shows at most 6 buttons)


@dataclass(frozen=True)
class Quiet:
    customer_id: int
    customer: str
    days: int
    level: int  # 1 rep, 2 rep and manager, 3 in the pool
    key: bool
    owner_id: int | None
    team_id: int | None


# ------------------------------------------------------------------------------------------------ key customers


def key_customers(uow: UnitOfWork, *, today: date, team_id: int | None = None) -> set[int]:
    """The 80/20 customers: per team and currency, the fewest that together bring 80% of the revenue signed
    (contracts approved) in the last year. `team_id`: only that team's."""
    since = datetime.combine(today - timedelta(days=REVENUE_WINDOW_DAYS), time(0), tzinfo=ZoneInfo("UTC"))
    query = (
        select(CustomerActivity.team_id, Contract.currency, Contract.customer_id, func.sum(Contract.amount))
        .join(CustomerActivity, CustomerActivity.customer_id == Contract.customer_id)
        .where(Contract.status == "active", Contract.decided_at >= since, CustomerActivity.archived == false())
        .group_by(CustomerActivity.team_id, Contract.currency, Contract.customer_id)
    )
    if team_id is not None:
        query = query.where(CustomerActivity.team_id == team_id)
    revenue: dict[tuple[int | None, str], list[tuple[int, Decimal]]] = defaultdict(list)
    for team, currency, customer_id, amount in uow.session.execute(query):
        revenue[(team, currency)].append((customer_id, Decimal(amount)))
    chosen: set[int] = set()
    for per_customer in revenue.values():
        total = sum((amount for _, amount in per_customer), Decimal(0))
        running = Decimal(0)
        for customer_id, amount in sorted(per_customer, key=lambda kv: (-kv[1], kv[0])):
            if total > 0 and running / total >= TOP_SHARE:
                break
            running += amount
            chosen.add(customer_id)
    return chosen


# ------------------------------------------------------------------------------------------------ the scan


def scan(
    uow: UnitOfWork,
    where: ColumnElement[bool],
    *,
    today: date,
    keys: set[int],
    last: QuietScan | None = None,
) -> list[Quiet]:
    """The quiet customers among the kept rows `where` selects, in no order: walked on the (team or owner, last
    activity) index up to each tier's first step, then held against each customer's own ladder.

    `last` (the team's previous scan): only those that may have climbed since, which is what the daily ladder needs
    — the customers whose days crossed a step of either ladder since that day (a window of the index per step), the
    customers handed on (counted from `QuietFlag.since`) whose days crossed a step, and those whose planned
    follow-up fell due or was cancelled since (no longer planned). A team's 10,000 customers cost the few hundred
    rows of a day's windows instead of all the quiet ones; what no window shows (a customer unarchived, or become a
    key customer without any activity) is caught by the weekly full scan (`climb`)."""
    policy = uow.settings.retention
    now = uow.now()
    # Days are counted in calendar days, so an activity late on the first day counts: a day of slack on the index.
    normal_cutoff = now - timedelta(days=policy.normal.rep - 1)
    key_cutoff = now - timedelta(days=policy.key.rep - 1)
    planned = exists().where(
        Reminder.customer_id == CustomerActivity.customer_id,
        Reminder.state == "pending",
        Reminder.kind == "follow_up",
    )
    columns = select(
        CustomerActivity.customer_id,
        CustomerActivity.customer,
        CustomerActivity.last_at,
        CustomerActivity.owner_id,
        CustomerActivity.team_id,
        QuietFlag.level,
        QuietFlag.since,
    ).outerjoin(QuietFlag, QuietFlag.customer_id == CustomerActivity.customer_id)
    # `== false()`, as the partial indexes' predicate is written, so PostgreSQL and SQLite use them.
    shown = (where, CustomerActivity.archived == false(), ~planned)
    ids = sorted(keys)
    key_chunks = [ids[n : n + 500] for n in range(0, len(ids), 500)]
    if last is None:
        # Two ranges on the (team or owner, last activity) index: every customer past the normal first step, and
        # the key customers (a few hundred a team) past theirs, which a single range would read with all the others.
        ranges = [columns.where(*shown, CustomerActivity.last_at <= normal_cutoff)]
        if key_cutoff > normal_cutoff:
            ranges.extend(
                columns.where(
                    *shown,
                    CustomerActivity.last_at > normal_cutoff,
                    CustomerActivity.last_at <= key_cutoff,
                    CustomerActivity.customer_id.in_(chunk),
                )
                for chunk in key_chunks
            )
    else:
        windows = _crossed(policy, last.scanned_on, today)
        ranges = [
            columns.where(*shown, CustomerActivity.last_at >= low, CustomerActivity.last_at < high)
            for low, high in windows
        ]
        # The handed-on customers, from the flags' own index first (SQLite would otherwise walk the team's rows once
        # a window): those whose ladder starts at `since` are held against the windows like the others.
        handed = sorted(
            uow.session.scalars(
                select(QuietFlag.customer_id).where(
                    or_(*(and_(QuietFlag.since >= low, QuietFlag.since < high) for low, high in windows))
                )
            )
            if windows
            else []
        )
        ranges.extend(
            columns.where(*shown, QuietFlag.since > CustomerActivity.last_at, CustomerActivity.customer_id.in_(chunk))
            for chunk in (handed[n : n + 500] for n in range(0, len(handed), 500))
        )
        # A day back from the last scan: a follow-up due at the morning hour is sent by the reminder scan, which may
        # run just after the ladder's own run at that same hour.
        no_longer_planned = select(Reminder.customer_id).where(
            Reminder.state.in_(("sent", "cancelled")),
            Reminder.due_at > last.at - timedelta(days=1),
            Reminder.kind == "follow_up",
        )
        ranges.append(
            columns.where(
                *shown, CustomerActivity.last_at <= normal_cutoff, CustomerActivity.customer_id.in_(no_longer_planned)
            )
        )
    found: dict[int, Quiet] = {}
    connection = uow.session.connection()  # Core rows: thousands of them, and no objects wanted
    level = policy.level
    for query in ranges:
        for customer_id, name, last_at, owner_id, team_id, step, since in connection.execute(query):
            start = max(last_at, since) if since is not None else last_at  # handed over since: counted from then
            days = (today - start.date()).days
            key = customer_id in keys
            climbed = level(days, key=key)
            if owner_id is None and step == 3:
                climbed = 3  # in the pool: stays there whatever the ladder says now
            if climbed:
                found[customer_id] = Quiet(customer_id, name, days, climbed, key, owner_id, team_id)
    return list(found.values())


def _crossed(policy: Any, after: date, today: date) -> list[tuple[datetime, datetime]]:
    """The instants a customer's ladder (either tier's) must have started at for its days to cross a step after the
    day `after` and by `today`: fewer than `step` days on `after`, at least `step` on `today`, counted as the scan
    counts them (from the UTC day of the start); merged where they overlap."""
    if today <= after:
        return []
    steps = {
        step
        for ladder in (policy.normal, policy.key)
        for step in (ladder.rep, ladder.manager, *([ladder.pool] if policy.release and ladder.pool else []))
    }
    utc = ZoneInfo("UTC")
    spans = sorted(
        (
            datetime.combine(after - timedelta(days=step - 1), time(0), tzinfo=utc),
            datetime.combine(today - timedelta(days=step - 1), time(0), tzinfo=utc),
        )
        for step in steps
    )
    merged: list[tuple[datetime, datetime]] = []
    for low, high in spans:
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return merged


def visible(uow: UnitOfWork, actor: Actor, *, team_id: int | None = None) -> ColumnElement[bool]:
    """The kept rows the actor may see: a rep's own, a manager's team (and its pool), everyone's for an admin.
    `team_id`: the team of the group chat asked in, which narrows an admin's answer to it."""
    if actor.role == "rep":
        return CustomerActivity.owner_id == actor.id
    if actor.role == "manager":
        return CustomerActivity.team_id == actor.team_id
    if actor.role in ("admin", "finance"):
        return CustomerActivity.team_id == team_id if team_id is not None else true()
    raise NotAllowed("not_allowed")


def quiet_customers(uow: UnitOfWork, actor: Actor, *, team_id: int | None = None) -> list[Quiet]:
    """ "哪些客户很久没联系了" / "quiet accounts": the quiet customers the actor sees, most quiet first."""
    today = uow.now().astimezone(actor.tz).date()
    keys = key_customers(uow, today=today, team_id=actor.team_id if actor.role != "admin" else team_id)
    found = scan(uow, visible(uow, actor, team_id=team_id), today=today, keys=keys)
    return sorted(found, key=lambda q: (not q.key, -q.days, q.customer))


# ------------------------------------------------------------------------------------------------ the weekly summary


def weekly_summary(uow: UnitOfWork, manager: User, *, since: datetime, until: datetime, today: date) -> dict[str, Any]:
    """A manager's weekly retention summary, as plain data: the team's key customers gone quiet and what they owe
    overdue, the open complaints, and the week's deals lost by reason ({} when there is nothing to say)."""
    team_id = manager.team_id
    keys = key_customers(uow, today=today, team_id=team_id)
    found = scan(uow, CustomerActivity.team_id == team_id, today=today, keys=keys)
    quiet = sorted((q for q in found if q.key), key=lambda q: (-q.days, q.customer))
    owed: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    if quiet:
        rows = uow.session.execute(
            select(Contract.customer_id, Installment.currency, func.sum(Installment.amount - Installment.paid))
            .join(Installment, Installment.contract_id == Contract.id)
            .where(
                Contract.customer_id.in_([q.customer_id for q in quiet]), Contract.status == "active",
                Installment.state == "open", Installment.due_on < today,
            )
            .group_by(Contract.customer_id, Installment.currency)
        )  # fmt: skip
        for customer_id, currency, amount in rows:
            if amount and Decimal(amount) > 0:
                owed[customer_id][currency] += Decimal(amount)
    members = select(User.id).where(User.team_id == team_id)
    items = uow.session.execute(
        select(Customer.name, CustomerItem.category, CustomerItem.due_on, User.name)
        .join(Customer, Customer.id == CustomerItem.customer_id)
        .outerjoin(User, User.id == CustomerItem.owner_id)
        .where(CustomerItem.kind == "complaint", CustomerItem.status == "open", CustomerItem.owner_id.in_(members))
        .order_by(CustomerItem.due_on, CustomerItem.id)
    ).all()
    actor = users.actor_of(uow, manager)
    tz = actor.tz
    lost = losses.why_we_lose(
        uow, actor, since=since.astimezone(tz).date(), until=(until - timedelta(seconds=1)).astimezone(tz).date()
    )
    if not (quiet or items or lost.lost_by_reason):
        return {}
    return {
        "quiet": [
            {
                "customer": q.customer,
                "days": q.days,
                "level": q.level,
                "owed": {currency: str(amount) for currency, amount in owed.get(q.customer_id, {}).items()},
            }
            for q in quiet
        ],
        "complaints": [
            {"customer": c, "reason": category, "due_on": due.isoformat(), "late": due < today, "rep": rep or "-"}
            for c, category, due, rep in items
        ],
        "lost": [[reason, n] for reason, n in lost.lost_by_reason],
        "charts": [
            {
                "kind": "losses",
                "reasons": [[reason, n] for reason, n in lost.lost_by_reason],
                "complaints": [[category, n] for category, n in lost.complaints_by_category],
            }
        ]
        if lost.lost_by_reason or lost.complaints_by_category
        else [],
    }


# ------------------------------------------------------------------------------------------------ the pool


def claim(uow: UnitOfWork, actor: Actor, *, customer_id: int) -> str:
    """A rep takes a customer from the team's pool: it is theirs, and its ladder starts again today."""
    customer = _pooled(uow, customer_id)
    if actor.role != "rep" or actor.team_id != customer.pool_team_id:
        raise NotAllowed("retention_not_in_your_pool", customer=customer.name)
    _hand(uow, actor, customer, actor.id)
    return customer.name


def give(uow: UnitOfWork, actor: Actor, *, customer_id: int, to: int) -> tuple[str, str]:
    """The manager hands a pooled customer to a rep of the team (one tap on the release card)."""
    customer = _pooled(uow, customer_id)
    rep = uow.session.get(User, to)
    if actor.role not in ("manager", "admin") or (actor.role == "manager" and actor.team_id != customer.pool_team_id):
        raise NotAllowed("admin_only")
    if rep is None or not rep.active or rep.team_id != customer.pool_team_id:
        raise Invalid("retention_rep_gone")
    _hand(uow, actor, customer, rep.id)
    outbox.notify_user(uow, rep.id, "retention.given", {"customer": customer.name, "by": actor.name})
    return customer.name, rep.name


def _pooled(uow: UnitOfWork, customer_id: int) -> Customer:
    customer = uow.session.get(Customer, customer_id)
    if customer is None or customer.archived:
        raise NotFound("customer_not_found")
    if customer.owner_id is not None or customer.pool_team_id is None:
        raise Invalid("retention_not_pooled", customer=customer.name)
    return customer


def _hand(uow: UnitOfWork, actor: Actor, customer: Customer, to: int) -> None:
    before = {"owner_id": None, "pool_team_id": customer.pool_team_id}
    customer.owner_id, customer.pool_team_id = to, None
    audit.record(
        uow, actor_id=actor.id, entity="customer", entity_id=customer.id, action="claim" if to == actor.id else "give",
        before=before, after={"owner_id": to, "pool_team_id": None},
    )  # fmt: skip
    flag = uow.session.get(QuietFlag, customer.id)
    if flag is None:
        flag = QuietFlag(customer_id=customer.id)
        uow.session.add(flag)
    flag.level, flag.since, flag.rep_id, flag.raised_at = 0, uow.now(), to, uow.now()
    flag.team_id = None
    cards.close(uow, card=f"pool:{customer.id}", key="retention.pool_done", params={"customer": customer.name})


# ------------------------------------------------------------------------------------------------ the daily job


@dataclass
class _Person(collections.Person):
    """A person's daily hour, as for collections, and when their last quiet-customer message was written."""

    last_at: datetime | None = None


def run_due(uow: UnitOfWork) -> int:
    """Climb the ladder of each team whose people's hour has come, and send each of them their one message."""
    people = [p for p in _people(uow) if p.due(uow.now())]
    if not people:
        return 0
    for team_id in sorted({p.user.team_id for p in people if p.user.team_id is not None}):
        tz = next(p.tz for p in people if p.user.team_id == team_id)
        climb(uow, team_id=team_id, today=uow.now().astimezone(tz).date())
    sent = 0
    for person in people:
        bundle = _bundle(uow, person)
        if not _mark_done(uow, person, bundle):
            continue
        if bundle:
            today = person.today(uow.now())
            outbox.notify_user(
                uow,
                person.user.id,
                "retention.daily",
                {"items": bundle, "day": today.isoformat()},
                dedupe_key=f"quiet:{person.user.id}:{today.isoformat()}",
            )
            sent += 1
    return sent


def next_due(uow: UnitOfWork) -> datetime | None:
    return collections.soonest_hour(_people(uow), uow.now())


def climb(uow: UnitOfWork, *, team_id: int, today: date) -> list[Quiet]:
    """Take each quiet customer of the team as far up its ladder as its days say, once a step; returns those that
    climbed. A customer with a new activity since its last step starts again from the bottom.

    Incremental: after the team's first scan, only the customers that may have crossed a step since the last one
    are read (`scan`'s `last`); every `FULL_SCAN_DAYS` the whole team is read again, which catches what no window
    shows. Taking a step is idempotent, so reading a customer twice changes nothing."""
    now = uow.now()
    keys = key_customers(uow, today=today, team_id=team_id)
    mark = uow.session.get(QuietScan, team_id)
    incremental = mark is not None and mark.scanned_on <= today < mark.full_on + timedelta(days=FULL_SCAN_DAYS)
    climbed: list[Quiet] = []
    for quiet in scan(
        uow, CustomerActivity.team_id == team_id, today=today, keys=keys, last=mark if incremental else None
    ):
        flag = uow.session.get(QuietFlag, quiet.customer_id)
        last_at = uow.session.get_one(CustomerActivity, quiet.customer_id).last_at
        if flag is not None and flag.since < last_at:
            flag.level, flag.since = 0, last_at  # in touch since the last step
        if flag is not None and flag.level >= quiet.level:
            continue
        if flag is None:
            flag = QuietFlag(customer_id=quiet.customer_id, since=last_at)
            uow.session.add(flag)
        flag.level, flag.raised_at, flag.team_id = quiet.level, now, team_id
        flag.rep_id = quiet.owner_id if quiet.owner_id is not None else flag.rep_id
        if quiet.level == 3 and quiet.owner_id is not None:
            _release(uow, quiet)
        climbed.append(quiet)
    if mark is None:
        mark = QuietScan(team_id=team_id, full_on=today)
        uow.session.add(mark)
    if not incremental:
        mark.full_on = today
    mark.scanned_on, mark.at = today, now
    return climbed


def _release(uow: UnitOfWork, quiet: Quiet) -> None:
    """To the team's pool: no owner; each manager of the team gets a card to hand it on with one tap."""
    customer = uow.session.get_one(Customer, quiet.customer_id)
    rep = uow.session.get(User, quiet.owner_id)
    customer.owner_id, customer.pool_team_id = None, quiet.team_id
    audit.record(
        uow, actor_id=None, entity="customer", entity_id=customer.id, action="release",
        before={"owner_id": quiet.owner_id, "pool_team_id": None},
        after={"owner_id": None, "pool_team_id": quiet.team_id, "days": quiet.days},
    )  # fmt: skip
    reps = uow.session.scalars(
        select(User)
        .where(User.team_id == quiet.team_id, User.role == "rep", User.active.is_(True))
        .order_by(User.name)
        .limit(POOL_BUTTONS)
    ).all()
    action = {"flow": "retention", "do": "give", "customer_id": customer.id}
    buttons = [
        [CardButton("btn_give_to", {**action, "to": r.id}, {"name": r.name}) for r in reps[i : i + 2]]
        for i in range(0, len(reps), 2)
    ]
    for manager_id in managers_of(uow, quiet.team_id, rep):
        cards.send(
            uow,
            manager_id,
            card=f"pool:{customer.id}",
            key="retention.released",
            params={"customer": customer.name, "days": quiet.days, "rep": rep.name if rep else "-"},
            buttons=buttons,
        )


def managers_of(uow: UnitOfWork, team_id: int | None, rep: User | None) -> list[int]:
    if rep is not None and rep.manager_id is not None:
        manager = uow.session.get(User, rep.manager_id)
        if manager is not None and manager.active:
            return [manager.id]
    return list(
        uow.session.scalars(
            select(User.id).where(User.team_id == team_id, User.role == "manager", User.active.is_(True))
        )
    )


def _people(uow: UnitOfWork) -> list[_Person]:
    settings = uow.settings
    if not settings.retention.enabled:
        return []
    hour = settings.retention.hour if settings.retention.hour is not None else settings.morning_hour
    last = (
        select(
            QuietNotice.user_id,
            func.max(QuietNotice.on).label("last_on"),
            func.max(QuietNotice.created_at).label("last_at"),
        )
        .group_by(QuietNotice.user_id)
        .subquery()
    )
    rows = uow.session.execute(
        select(User, last.c.last_on, last.c.last_at)
        .outerjoin(last, last.c.user_id == User.id)
        .where(User.active.is_(True), User.role.in_(("rep", "manager")), User.team_id.is_not(None))
        .order_by(User.id)
    ).all()
    return [
        _Person(
            user,
            ZoneInfo(user.team.timezone if user.team else settings.timezone),
            hour,
            last_on,
            collections.days_off(uow, user),  # no quiet-customer message on a day off: the next working day has it
            last_at=last_at,
        )
        for user, last_on, last_at in rows
    ]


def _bundle(uow: UnitOfWork, person: _Person) -> list[dict[str, Any]]:
    """What climbed since the person's last message and is theirs to hear: level 1 its rep, level 2 the rep and
    the manager, level 3 (released) the manager, and the rep it was taken from."""
    user = person.user
    mine = QuietFlag.rep_id == user.id
    if user.role == "manager":
        team = QuietFlag.team_id == user.team_id
        mine = or_(and_(team, QuietFlag.level >= 2), and_(mine, QuietFlag.level >= 1))
    query = (
        select(QuietFlag, Customer.name, User.name)
        .join(Customer, Customer.id == QuietFlag.customer_id)
        .outerjoin(User, User.id == QuietFlag.rep_id)
        .where(mine, QuietFlag.level > 0, Customer.archived.is_(False))
    )
    if person.last_at is not None:
        query = query.where(QuietFlag.raised_at > person.last_at)
    today = person.today(uow.now())
    bundle = []
    for flag, customer, rep in uow.session.execute(query):
        bundle.append(
            {
                "customer": customer,
                "days": (today - flag.since.astimezone(person.tz).date()).days,
                "level": flag.level,
                "rep": rep if rep and flag.rep_id != user.id else None,
                "customer_id": flag.customer_id,
            }
        )
    bundle.sort(key=lambda b: (-b["level"], -b["days"], b["customer"]))
    return bundle


def _mark_done(uow: UnitOfWork, person: _Person, bundle: list[dict[str, Any]]) -> bool:
    savepoint = uow.session.begin_nested()
    try:
        uow.session.add(
            QuietNotice(
                user_id=person.user.id,
                on=person.today(uow.now()),
                items=[{"customer_id": b["customer_id"], "level": b["level"]} for b in bundle],
                created_at=uow.now(),
            )
        )
        uow.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True
