"""Digests: the team group's daily digest and weekly summary, and each person's morning brief.

What each digest says is gathered here as plain data (names, stage keys, amounts as decimal strings, ISO dates)
and queued through the outbox; it is worded in the reader's language, and its charts drawn, when it is sent.

When, in each team's own time zone ([digests] in salesbot.toml):
- daily, at the group's time (18:00 by default): the 24 hours up to that time; precisely, everything since the
  previous daily digest's end, so an event is reported once, whatever the hour. Then what waits: follow-ups due
  that day, approvals waiting, the biggest overdue debts. Sent only when something happened in the window or
  something waits to be done; overdue money alone does not make a digest (the collection messages chase it).
- weekly, on the configured weekday (Monday 09:00): last calendar week, Monday to Sunday, with totals per
  currency and the funnel and aging charts.
- brief, at the morning hour: each person's follow-ups of the day. A follow-up set for a day with no time would
  remind at that same hour: the brief carries it instead (its reminder is marked sent in the same transaction), so
  the rep gets one message, not two. Timed follow-ups are listed as the day's agenda and still remind at their
  time. Money is left to the collection message (services/collections.py), which goes at the same hour: a sum
  is never mentioned in both.

A `digest_runs` row per kind, target and day (written even when nothing was sent) is the once-only guard, as in
collections: a second worker or a restart finds it and moves on. A digest missed while the bot was down is sent
later that same day (a weekly one, later that week), never for a day gone by.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from salesbot.config import DigestTime
from salesbot.services import outbox
from salesbot.services.uow import UnitOfWork
from salesbot.store.models import (
    ApprovalStep,
    Contract,
    Customer,
    Deal,
    DigestRun,
    Group,
    Installment,
    Payment,
    Reminder,
    StageChange,
    Team,
    User,
    Visit,
)

ZERO = Decimal(0)
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
CATCH_UP = timedelta(days=7)  # a daily digest reports at most this far back, after a long outage
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Slot:
    """One digest due for one target: its kind, the day it is for, and when it falls."""

    kind: str  # daily | weekly | brief
    target_type: str  # group | user
    target_id: int
    team_id: int | None
    tz: ZoneInfo
    on: date  # the local day (weekly: the first day of the week it is sent in)
    at: datetime  # the instant it falls, aware
    last_until: datetime | None  # where the previous run of this kind and target ended


def run_due(uow: UnitOfWork) -> int:
    """Send every digest and brief whose time has come and that has not been done; returns how many were sent."""
    if not uow.settings.digests.enabled:
        return 0
    now = uow.now()
    sent = 0
    for slot in _slots(uow, now):
        if slot.at > now:
            continue
        since, until = _window(slot)
        params = _gather(uow, slot, since, until)
        if not _mark_done(uow, slot, since, until, sent=params is not None):
            continue  # another worker did this one first
        if params is None:
            continue  # nothing to say
        key = f"digest.{slot.kind}"
        dedupe = f"digest:{slot.kind}:{slot.target_type}:{slot.target_id}:{slot.on.isoformat()}"
        if slot.target_type == "group":
            outbox.notify_group(uow, slot.target_id, key, params, dedupe_key=dedupe)
        else:
            outbox.notify_user(uow, slot.target_id, key, params, dedupe_key=dedupe)
        sent += 1
    return sent


def next_due(uow: UnitOfWork) -> datetime | None:
    """When the next digest or brief falls (now, if one is due and not done)."""
    if not uow.settings.digests.enabled:
        return None
    now = uow.now()
    return min((max(slot.at, now) for slot in _slots(uow, now)), default=None)


# --- what each digest says ---------------------------------------------------------------------------------------


def daily(uow: UnitOfWork, team_id: int, *, since: datetime, until: datetime, today: date, tz: ZoneInfo) -> dict:
    """The daily digest's facts for a team: what happened in [since, until), and what waits on `today`."""
    members = select(User.id).where(User.team_id == team_id)
    names = _names(uow)
    visits = uow.session.execute(
        select(Visit.user_id, func.count())
        .where(Visit.user_id.in_(members), Visit.at >= since, Visit.at < until)
        .group_by(Visit.user_id)
    ).all()
    moves = uow.session.execute(
        select(Customer.name, Deal.title, StageChange.from_stage, StageChange.to_stage, Deal.owner_id)
        .join(Deal, Deal.id == StageChange.deal_id)
        .join(Customer, Customer.id == Deal.customer_id)
        .where(StageChange.from_stage.is_not(None), StageChange.at >= since, StageChange.at < until)
        .order_by(StageChange.at, StageChange.id)
    ).all()
    # The team is picked out here, not in SQL: given both, SQLite walks the team's deals instead of the window.
    team = set(uow.session.scalars(members))
    moves = [row for row in moves if row.owner_id in team]
    submitted = uow.session.execute(
        _contracts(members).where(Contract.submitted_at >= since, Contract.submitted_at < until)
    ).all()
    approved = uow.session.execute(
        _contracts(members).where(
            Contract.status == "active", Contract.decided_at >= since, Contract.decided_at < until
        )
    ).all()
    payments = uow.session.execute(
        _payments(members, since, until).with_only_columns(Customer.name, Payment.amount, Payment.currency)
    ).all()
    follow_ups = uow.session.execute(
        select(Visit.user_id, Customer.name, Visit.follow_up_at)
        .join(Customer, Customer.id == Visit.customer_id)
        .where(Visit.user_id.in_(members), Visit.follow_up_on == today)
        .order_by(Visit.user_id, Visit.follow_up_at, Visit.id)
    ).all()
    approver = aliased(User)
    waiting = uow.session.execute(
        select(Customer.name, Contract.amount, Contract.currency, approver.name, ApprovalStep.started_at)
        .join(Contract, Contract.id == ApprovalStep.contract_id)
        .join(Customer, Customer.id == Contract.customer_id)
        .join(approver, approver.id == ApprovalStep.approver_id)
        .where(ApprovalStep.state == "deciding", Contract.owner_id.in_(members))
        .order_by(ApprovalStep.started_at, ApprovalStep.id)
    ).all()
    facts: dict[str, Any] = {
        "visits": sorted(
            ({"rep": names.get(user_id, "-"), "count": n} for user_id, n in visits),
            key=lambda v: (-v["count"], v["rep"]),
        ),
        "moves": [
            {"customer": c, "deal": title, "from": old, "to": new, "rep": names.get(owner, "-")}
            for c, title, old, new, owner in moves
        ],
        "submitted": [_money_line(c, amount, cur, names.get(owner, "-")) for c, amount, cur, owner in submitted],
        "approved": [_money_line(c, amount, cur, names.get(owner, "-")) for c, amount, cur, owner in approved],
        "payments": [_money_line(c, amount, cur) for c, amount, cur in payments],
        "follow_ups": [
            {
                "rep": names.get(user_id, "-"),
                "customer": c,
                "time": at.astimezone(tz).strftime("%H:%M") if at else None,
            }
            for user_id, c, at in follow_ups
        ],
        "approvals": [
            {
                **_money_line(c, amount, cur),
                "approver": who,
                "since_on": (started or until).astimezone(tz).date().isoformat(),
            }
            for c, amount, cur, who, started in waiting
        ],
    }
    if not any(facts.values()):
        return {}
    facts["overdue"] = overdue(uow, team_id, today=today, limit=uow.settings.digests.top)
    return facts


def weekly(uow: UnitOfWork, team_id: int, *, since: datetime, until: datetime) -> dict:
    """Last week's totals for a team; every sum per currency, never across currencies."""
    members = select(User.id).where(User.team_id == team_id)
    names = _names(uow)
    visits = uow.session.execute(
        select(Visit.user_id, func.count())
        .where(Visit.user_id.in_(members), Visit.at >= since, Visit.at < until)
        .group_by(Visit.user_id)
    ).all()
    settings = uow.settings
    closed = {}
    for outcome, stage in (("won", settings.approvals.won_stage), ("lost", "lost")):
        moved = (
            select(StageChange.deal_id)
            .where(StageChange.to_stage == stage, StageChange.at >= since, StageChange.at < until)
            .distinct()
        )
        rows = uow.session.execute(
            select(Deal.currency, func.count(), func.sum(Deal.amount))
            .where(Deal.id.in_(moved), Deal.owner_id.in_(members), Deal.stage == stage)
            .group_by(Deal.currency)
        ).all()
        closed[outcome] = _totals(rows)
    approved = uow.session.execute(
        select(Contract.currency, func.count(), func.sum(Contract.amount))
        .join(Customer, Customer.id == Contract.customer_id)
        .where(
            Contract.owner_id.in_(members),
            Contract.status == "active",
            Contract.decided_at >= since,
            Contract.decided_at < until,
        )
        .group_by(Contract.currency)
    ).all()
    paid = uow.session.execute(
        _payments(members, since, until)
        .with_only_columns(Payment.currency, func.count(), func.sum(Payment.amount))
        .order_by(None)
        .group_by(Payment.currency)
    ).all()
    facts = {
        "visits": sum(n for _, n in visits),
        "visits_by_rep": sorted(
            ({"rep": names.get(user_id, "-"), "count": n} for user_id, n in visits),
            key=lambda v: (-v["count"], v["rep"]),
        ),
        "won": closed["won"],
        "lost": closed["lost"],
        "approved": _totals(approved),
        "payments": _totals(paid),
    }
    if not (facts["visits"] or any(facts[k]["count"] for k in ("won", "lost", "approved", "payments"))):
        return {}
    return facts


def brief(uow: UnitOfWork, user_id: int, *, today: date, tz: ZoneInfo, fold: bool) -> dict:
    """A person's follow-ups of `today`. With `fold`, the day-only ones are taken from the reminder scan: they are
    marked sent here, in the brief's transaction, so they reach the rep once (in the brief)."""
    start = datetime.combine(today, time(0), tzinfo=tz)
    rows = uow.session.execute(
        select(Reminder.id, Reminder.due_at, Visit.follow_up_at, Visit.next_step, Visit.at, Customer.name)
        .join(Visit, Visit.id == Reminder.subject_id)
        .join(Customer, Customer.id == Visit.customer_id)
        .where(
            Reminder.user_id == user_id,
            Reminder.kind == "follow_up",
            Reminder.subject_type == "visit",
            Reminder.state == "pending",
            Reminder.due_at >= start,
            Reminder.due_at < start + DAY,
        )
        .order_by(Reminder.due_at, Reminder.id)
        # A reminder another worker is sending right now is left to it (and so left out of this brief).
        .with_for_update(of=Reminder, skip_locked=True)
    ).all()
    items, folded = [], []
    for reminder_id, due_at, timed_at, next_step, visited_at, customer in rows:
        if timed_at is None:
            folded.append(reminder_id)
        items.append(
            {
                "customer": customer,
                "next_step": next_step,
                "time": due_at.astimezone(tz).strftime("%H:%M") if timed_at is not None else None,
                "visited_on": visited_at.astimezone(tz).date().isoformat(),
            }
        )
    if fold and folded:
        uow.session.execute(update(Reminder).where(Reminder.id.in_(folded)).values(state="sent", sent_at=uow.now()))
    return {"items": items} if items else {}


def funnel(uow: UnitOfWork, team_id: int) -> dict:
    """Open deals per stage, in the configured order (won and lost are outcomes, not stages of the funnel)."""
    settings = uow.settings
    closed = {"lost", settings.approvals.won_stage}
    counts = dict(
        uow.session.execute(
            select(Deal.stage, func.count())
            .where(
                Deal.owner_id.in_(select(User.id).where(User.team_id == team_id)),
                Deal.archived.is_(False),
                Deal.stage.not_in(closed),
            )
            .group_by(Deal.stage)
        ).all()
    )
    return {
        "kind": "funnel",
        "stages": [[stage, counts.get(stage, 0)] for stage in settings.stages if stage not in closed],
    }


def aging(uow: UnitOfWork, team_id: int, *, today: date) -> dict:
    """What the team's customers owe, per currency and bucket (current, 1–30, 31–60, 61–90, 90+ days late)."""
    outstanding = Installment.amount - Installment.paid
    bucket = case(
        (Installment.due_on >= today, "current"),
        (Installment.due_on >= today - timedelta(days=30), "1-30"),
        (Installment.due_on >= today - timedelta(days=60), "31-60"),
        (Installment.due_on >= today - timedelta(days=90), "61-90"),
        else_="90+",
    )
    rows = uow.session.execute(
        _open_installments(team_id)
        .with_only_columns(Installment.currency, bucket.label("bucket"), func.sum(outstanding))
        .group_by(Installment.currency, bucket)
    ).all()
    per: dict[str, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(BUCKETS, ZERO))
    for currency, name, amount in rows:
        per[currency][name] += Decimal(amount)
    lead = _team_currency(uow, team_id)
    return {
        "kind": "aging",
        "day": today.isoformat(),
        "currencies": {
            currency: {b: str(v) for b, v in buckets.items()}
            for currency, buckets in sorted(per.items(), key=lambda kv: (kv[0] != lead, kv[0]))
        },
    }


def overdue(uow: UnitOfWork, team_id: int, *, today: date, limit: int) -> list[dict[str, Any]]:
    """The biggest overdue debts (customer and currency), the team's currency first; `limit` of them."""
    outstanding = func.sum(Installment.amount - Installment.paid)
    rows = uow.session.execute(
        _open_installments(team_id)
        .where(Installment.due_on < today)
        .with_only_columns(Customer.name, Installment.currency, outstanding, func.min(Installment.due_on), User.name)
        .group_by(Customer.name, Installment.currency, User.name)
        .order_by(Installment.currency != _team_currency(uow, team_id), outstanding.desc(), Customer.name)
        .limit(limit)
    ).all()
    return [{**_money_line(c, amount, cur, rep), "days": (today - oldest).days} for c, cur, amount, oldest, rep in rows]


# --- when ---------------------------------------------------------------------------------------------------------


def _slots(uow: UnitOfWork, now: datetime) -> list[Slot]:
    policy = uow.settings.digests
    last = {
        (kind, target_type, target_id): (on, until)
        for kind, target_type, target_id, on, until in uow.session.execute(
            select(
                DigestRun.kind,
                DigestRun.target_type,
                DigestRun.target_id,
                func.max(DigestRun.on),
                func.max(DigestRun.until),
            ).group_by(DigestRun.kind, DigestRun.target_type, DigestRun.target_id)
        )
    }
    slots = []
    groups = uow.session.execute(
        select(Group.id, Group.handle, Group.team_id, Team.timezone)
        .join(Team, Team.id == Group.team_id)
        .where(Group.platform_chat_id.is_not(None))
        .order_by(Group.id)
    ).all()
    for group_id, handle, team_id, timezone in groups:
        tz = ZoneInfo(timezone)
        slots.append(_daily_slot("daily", "group", group_id, team_id, tz, policy.daily_for(handle), now, last))
        slots.append(_weekly_slot(group_id, team_id, tz, policy.weekly_weekday, policy.weekly, now, last))
    brief_at = policy.brief or DigestTime(uow.settings.morning_hour)
    users = uow.session.execute(
        select(User.id, User.team_id, Team.timezone).outerjoin(Team, Team.id == User.team_id).where(User.active)
    ).all()
    for user_id, team_id, timezone in users:
        tz = ZoneInfo(timezone or uow.settings.timezone)
        slots.append(_daily_slot("brief", "user", user_id, team_id, tz, brief_at, now, last))
    return slots


def _daily_slot(
    kind: str,
    target_type: str,
    target_id: int,
    team_id: int | None,
    tz: ZoneInfo,
    at: DigestTime,
    now: datetime,
    last: dict[tuple[str, str, int], tuple[date, datetime]],
) -> Slot:
    """Today's slot, or tomorrow's once today's is done. A day the bot slept through is not sent afterwards."""
    on = now.astimezone(tz).date()
    last_on, last_until = last.get((kind, target_type, target_id), (None, None))
    if last_on is not None and last_on >= on:
        on += DAY
    return Slot(kind, target_type, target_id, team_id, tz, on, _at(on, at, tz), last_until)


def _weekly_slot(
    group_id: int,
    team_id: int,
    tz: ZoneInfo,
    weekday: int,
    at: DigestTime,
    now: datetime,
    last: dict[tuple[str, str, int], tuple[date, datetime]],
) -> Slot:
    """This week's slot (due from its day and time until the week ends), or next week's once it is done."""
    local = now.astimezone(tz).date()
    monday = local - timedelta(days=local.weekday())
    last_on, last_until = last.get(("weekly", "group", group_id), (None, None))
    if last_on is not None and last_on >= monday:
        monday += timedelta(days=7)
    return Slot(
        "weekly", "group", group_id, team_id, tz, monday, _at(monday + timedelta(days=weekday - 1), at, tz), last_until
    )


def _at(day: date, at: DigestTime, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(at.hour, at.minute), tzinfo=tz)


def _window(slot: Slot) -> tuple[datetime, datetime]:
    if slot.kind == "weekly":
        monday = datetime.combine(slot.on, time(0), tzinfo=slot.tz)
        return monday - timedelta(days=7), monday
    until = slot.at
    if slot.kind == "daily" and slot.last_until is not None and until - CATCH_UP <= slot.last_until < until:
        return slot.last_until, until
    return until - DAY, until


def _gather(uow: UnitOfWork, slot: Slot, since: datetime, until: datetime) -> dict | None:
    """The payload's params, or None when there is nothing to say."""
    policy = uow.settings.digests
    today = slot.at.astimezone(slot.tz).date()
    if slot.kind == "brief":
        facts = brief(uow, slot.target_id, today=today, tz=slot.tz, fold=True)
        return {"day": today.isoformat(), **facts} if facts else None
    if slot.team_id is None:
        return None
    group = uow.session.get_one(Group, slot.target_id)
    if slot.kind == "daily":
        facts = daily(uow, slot.team_id, since=since, until=until, today=today, tz=slot.tz)
        kinds = policy.daily_charts
    else:
        facts = weekly(uow, slot.team_id, since=since, until=until)
        if facts:
            facts["week_on"] = since.astimezone(slot.tz).date().isoformat()
        kinds = policy.weekly_charts
    if not facts:
        return None
    charts = [funnel(uow, slot.team_id) if k == "funnel" else aging(uow, slot.team_id, today=today) for k in kinds]
    return {
        "team": group.name,
        "day": today.isoformat(),
        "since_at": since.isoformat(),
        "until_at": until.isoformat(),
        **facts,
        "charts": charts,
    }


def _mark_done(uow: UnitOfWork, slot: Slot, since: datetime, until: datetime, *, sent: bool) -> bool:
    """Claim this slot: False when a run row for it is already there (another worker, or before a restart)."""
    row = {
        "kind": slot.kind,
        "target_type": slot.target_type,
        "target_id": slot.target_id,
        "on": slot.on,
        "since": since,
        "until": until,
        "sent": sent,
        "created_at": uow.now(),
    }
    # One statement, no savepoint: the unique key decides, and the loser gets no id back. (Not the row count: on
    # PostgreSQL, through the session, a conflicting insert still reported a true one.)
    insert = postgresql_insert if uow.dialect == "postgresql" else sqlite_insert
    claimed = uow.session.execute(
        insert(DigestRun).values(**row).on_conflict_do_nothing().returning(DigestRun.id)
    ).first()
    return claimed is not None


# --- queries -------------------------------------------------------------------------------------------------------


def _names(uow: UnitOfWork) -> dict[int, str]:
    return dict(uow.session.execute(select(User.id, User.name)).all())


def _team_currency(uow: UnitOfWork, team_id: int) -> str:
    return uow.session.scalar(select(Team.currency).where(Team.id == team_id)) or uow.settings.currency


def _contracts(members: Select) -> Select:
    return (
        select(Customer.name, Contract.amount, Contract.currency, Contract.owner_id)
        .join(Customer, Customer.id == Contract.customer_id)
        .where(Contract.owner_id.in_(members))
        .order_by(Contract.id)
    )


def _payments(members: Select, since: datetime, until: datetime) -> Select:
    """Confirmed payments from the team's customers that became money in the window: recorded then, or (when
    finance confirms) confirmed then, so a payment is counted on one day only."""
    counted_at = func.coalesce(Payment.confirmed_at, Payment.created_at)
    return (
        select(Payment)
        .join(Customer, Customer.id == Payment.customer_id)
        .where(
            Payment.state == "confirmed",
            Customer.owner_id.in_(members),
            counted_at >= since,
            counted_at < until,
        )
        .order_by(Payment.id)
    )


def _open_installments(team_id: int) -> Select:
    return (
        select(Installment)
        .join(Contract, Contract.id == Installment.contract_id)
        .join(Customer, Customer.id == Contract.customer_id)
        .join(User, and_(User.id == Customer.owner_id, User.team_id == team_id))
        .where(
            Installment.state == "open",
            Installment.amount > Installment.paid,
            Contract.status == "active",
            Customer.archived.is_(False),
        )
    )


def _money_line(customer: str, amount: Decimal | None, currency: str, rep: str | None = None) -> dict[str, Any]:
    line: dict[str, Any] = {"customer": customer, "amount": str(amount or ZERO), "currency": currency}
    if rep is not None:
        line["rep"] = rep
    return line


def _totals(rows: Any) -> dict[str, Any]:
    """count and per-currency sums from (currency, count, sum) rows."""
    return {
        "count": sum(n for _, n, _ in rows),
        "totals": {currency: str(Decimal(amount or 0)) for currency, _, amount in rows},
    }
