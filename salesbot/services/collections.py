"""Collection reminders: before, on and after each due date, by the configured policy, one message a day a person.

Once a day, at the collection hour of each person's own day, every open installment is held against the policy:
a step falling on that day names who hears of it (the rep who owns the customer, the rep's manager, finance,
admins). All of a person's items go out together as one message, worded in their language when it is sent.
Whether an item is still owed is looked up at that moment, so a paid installment is never chased.

A row in `collection_notices` marks each person's day as done (even when nothing was due): the unique key on it
keeps a second worker or a restart from sending twice. A day the job missed (the bot was down) is caught up the
next time, back to `catch_up_days`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from salesbot.calendars import MonFri, next_working_day, team_calendar
from salesbot.services import outbox, payments
from salesbot.services.uow import UnitOfWork
from salesbot.store.models import CollectionNotice, Contract, Customer, Installment, User


@dataclass(frozen=True)
class _Item:
    installment_id: int
    customer: str
    contract: str
    seq: int
    due_on: date
    outstanding: Decimal
    currency: str
    owner_id: int | None
    team_id: int | None


def run_due(uow: UnitOfWork) -> int:
    """Send today's collection message to everyone whose collection hour has come; returns how many were sent."""
    people = [p for p in _people(uow) if p.due(uow.now())]
    if not people:
        return 0
    items = _open_items(uow)
    circle = _Circle(uow)
    sent = 0
    for person in people:
        today = person.today(uow.now())
        bundle = _bundle(uow, person, today, items, circle)
        if not _mark_done(uow, person.user.id, today, bundle):
            continue  # another worker did this person's day first
        if bundle:
            outbox.notify_user(
                uow,
                person.user.id,
                "collections.daily",
                {"items": bundle, "day": today.isoformat()},
                dedupe_key=f"collect:{person.user.id}:{today.isoformat()}",
            )
            sent += 1
    return sent


def next_due(uow: UnitOfWork) -> datetime | None:
    """When the next person's collection hour comes (now, if someone's has come and their day is not done)."""
    return soonest_hour(_people(uow), uow.now())


def soonest_hour(people: Iterable[Person], now: datetime) -> datetime | None:
    """When the first of these people's daily hour comes (now, if someone's has come and their day is not done)."""
    soonest: datetime | None = None
    for person in people:
        at = now if person.due(now) else person.next_hour(now)
        soonest = at if soonest is None else min(soonest, at)
    return soonest


@dataclass
class Person:
    user: User
    tz: ZoneInfo
    hour: int
    last_on: date | None
    calendar: MonFri | None = None  # set: no collection message on its days off (issue 17)

    def today(self, now: datetime) -> date:
        return now.astimezone(self.tz).date()

    def due(self, now: datetime) -> bool:
        local = now.astimezone(self.tz)
        if self.calendar is not None and not self.calendar.is_working_day(local.date()):
            return False
        return local.hour >= self.hour and (self.last_on is None or self.last_on < local.date())

    def next_hour(self, now: datetime) -> datetime:
        local = now.astimezone(self.tz)
        day = local.date() if local.hour < self.hour else local.date() + timedelta(days=1)
        if self.calendar is not None:
            day = next_working_day(self.calendar, day)
        return datetime.combine(day, time(self.hour), tzinfo=self.tz)

    def window(self, today: date, catch_up_days: int) -> list[date]:
        """The days this message covers: today, and the days missed since the last one (within the catch-up)."""
        first = today
        if self.last_on is not None:
            first = max(self.last_on + timedelta(days=1), today - timedelta(days=catch_up_days))
        return [first + timedelta(days=n) for n in range((today - first).days + 1)]


def _people(uow: UnitOfWork) -> list[Person]:
    settings = uow.settings
    roles = {role for step in settings.collections.steps for role in step.to}
    if not roles:
        return []
    hour = settings.collections.hour if settings.collections.hour is not None else settings.morning_hour
    last = (
        select(CollectionNotice.user_id, func.max(CollectionNotice.on).label("last_on"))
        .group_by(CollectionNotice.user_id)
        .subquery()
    )
    rows = uow.session.execute(
        select(User, last.c.last_on)
        .outerjoin(last, last.c.user_id == User.id)
        .where(User.active.is_(True), User.role.in_(roles))
        .order_by(User.id)
    ).all()

    return [
        Person(
            user, ZoneInfo(user.team.timezone if user.team else settings.timezone), hour, last_on, days_off(uow, user)
        )
        for user, last_on in rows
    ]


def days_off(uow: UnitOfWork, user: User) -> MonFri | None:
    """The calendar whose days off a person's daily message skips; None when [digests] on_days_off sends every day."""
    if uow.settings.digests.on_days_off:
        return None
    return team_calendar(uow.settings, user.team.key if user.team else None)


def _open_items(uow: UnitOfWork) -> list[_Item]:
    rows = uow.session.execute(
        select(Installment, Contract, Customer)
        .join(Contract, Contract.id == Installment.contract_id)
        .join(Customer, Customer.id == Contract.customer_id)
        .where(Installment.state == "open", Contract.status == "active", Customer.archived.is_(False))
        .order_by(Installment.due_on, Installment.id)
        .options(lazyload(Installment.contract), lazyload(Contract.customer), lazyload(Customer.aliases))
    ).all()
    return [
        _Item(
            installment_id=installment.id,
            customer=customer.name,
            contract=payments.contract_label(contract),
            seq=installment.seq,
            due_on=installment.due_on,
            outstanding=installment.amount - installment.paid,
            currency=installment.currency,
            owner_id=customer.owner_id,
            team_id=customer.owner.team_id if customer.owner else None,
        )
        for installment, contract, customer in rows
        if installment.amount > installment.paid
    ]


class _Circle:
    """Who "rep", "manager", "finance" and "admin" are for an item: looked up once per run."""

    def __init__(self, uow: UnitOfWork) -> None:
        users = uow.session.scalars(select(User).where(User.active.is_(True)).options(lazyload(User.team))).all()
        self._active = {u.id: u for u in users}
        self._managers: dict[int | None, list[int]] = defaultdict(list)
        self._finance: dict[int | None, list[int]] = defaultdict(list)
        self._admins = [u.id for u in users if u.role == "admin"]
        for u in users:
            if u.role == "manager":
                self._managers[u.team_id].append(u.id)
            elif u.role == "finance":
                self._finance[u.team_id].append(u.id)
        self._all_finance = [u.id for u in users if u.role == "finance"]

    def user(self, user_id: int | None) -> User | None:
        return self._active.get(user_id) if user_id is not None else None

    def of(self, item: _Item, role: str) -> list[int]:
        if role == "rep":
            # A customer whose rep has left (and was not handed over) is chased by the manager instead.
            return [item.owner_id] if item.owner_id in self._active else self.of(item, "manager")
        if role == "manager":
            owner = self.user(item.owner_id)
            if owner is not None and owner.manager_id is not None and owner.manager_id in self._active:
                return [owner.manager_id]
            return self._managers.get(item.team_id) or self._admins
        if role == "finance":
            return self._finance.get(item.team_id) or self._all_finance
        return self._admins


def _bundle(uow: UnitOfWork, person: Person, today: date, items: list[_Item], circle: _Circle) -> list[dict[str, Any]]:
    policy = uow.settings.collections
    days = person.window(today, policy.catch_up_days)
    bundle: list[dict[str, Any]] = []
    for item in items:
        for day in days:
            roles = {role for step in policy.steps_on((day - item.due_on).days) for role in step.to}
            if any(person.user.id in circle.of(item, role) for role in roles):
                owner = circle.user(item.owner_id)
                bundle.append(
                    {
                        "customer": item.customer,
                        "contract": item.contract,
                        "seq": item.seq,
                        "due_on": item.due_on.isoformat(),
                        "days": (today - item.due_on).days,
                        "amount": str(item.outstanding),
                        "currency": item.currency,
                        # Someone chasing another rep's customer needs to know whose it is.
                        "rep": owner.name if owner is not None and owner.id != person.user.id else None,
                        "installment_id": item.installment_id,
                    }
                )
                break
    bundle.sort(key=lambda b: (-b["days"], b["customer"], b["seq"]))
    return bundle


def _mark_done(uow: UnitOfWork, user_id: int, today: date, bundle: list[dict[str, Any]]) -> bool:
    savepoint = uow.session.begin_nested()
    try:
        uow.session.add(
            CollectionNotice(
                user_id=user_id,
                on=today,
                items=[{"installment_id": b["installment_id"], "days": b["days"]} for b in bundle],
                created_at=uow.now(),
            )
        )
        uow.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True
