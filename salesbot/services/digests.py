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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import aliased

from salesbot.calendars import next_working_day, team_calendar
from salesbot.config import DigestPolicy, DigestTime, Settings
from salesbot.services import asking, outbox, receivables, retention, targets
from salesbot.services import users as user_service
from salesbot.services.uow import UnitOfWork
from salesbot.store.inserts import insert_for
from salesbot.store.models import (
    ApprovalStep,
    Contract,
    Customer,
    CustomerItem,
    Deal,
    DigestRun,
    Group,
    Installment,
    Payment,
    Reminder,
    StageChange,
    Target,
    Team,
    User,
    Visit,
)

ZERO = Decimal(0)
_CHUNK = 500  # ids in an IN list, rows in an INSERT: a bound on a statement's parameters (SQLite's, PostgreSQL's)
BUCKETS = receivables.BUCKETS
CATCH_UP = timedelta(days=7)  # a daily digest reports at most this far back, after a long outage
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Slot:
    """One digest due for one target: its kind, the day it is for, and when it falls."""

    kind: str  # daily | weekly | brief | retention (a manager's weekly retention summary)
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
    due = [slot for slot in _slots(uow, now) if slot.at <= now]
    if not due:
        return 0
    shared = _Shared(uow)
    people = briefs(uow, [(s.target_id, _today(s), s.tz) for s in due if s.kind == "brief"])
    runs = []
    for slot in due:
        since, until = _window(slot)
        params = _gather(uow, shared, people, slot, since, until)
        runs.append((slot, since, until, params))
    claimed = _claim(uow, [(slot, since, until, params is not None) for slot, since, until, params in runs])
    # The day-only follow-ups a brief carries are marked sent with it, so the reminder scan does not send them
    # again; only for the briefs this worker claimed (another worker's brief carries them otherwise).
    folded = [
        reminder_id
        for slot in due
        if slot.kind == "brief" and _key(slot) in claimed
        for reminder_id in people[slot.target_id][1]
    ]
    for n in range(0, len(folded), _CHUNK):
        chunk = folded[n : n + _CHUNK]
        uow.session.execute(update(Reminder).where(Reminder.id.in_(chunk)).values(state="sent", sent_at=now))
    sent = 0
    for slot, _, _, params in runs:
        if params is None or _key(slot) not in claimed:
            continue  # nothing to say, or another worker did this one first
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


def daily(
    uow: UnitOfWork,
    team_id: int,
    *,
    since: datetime,
    until: datetime,
    today: date,
    tz: ZoneInfo,
    names: dict[int, str],
    currency: str,
) -> dict:
    """The daily digest's facts for a team: what happened in [since, until), and what waits on `today`. `names`
    are people's names by id, `currency` the team's own (its debts are listed first)."""
    members = select(User.id).where(User.team_id == team_id)
    visits = uow.session.execute(
        select(Visit.user_id, func.count())
        .where(Visit.user_id.in_(members), Visit.at >= since, Visit.at < until, Visit.archived.is_(False))
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
        .where(Visit.user_id.in_(members), Visit.follow_up_on == today, Visit.archived.is_(False))
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
        "items": open_items(uow, members, due_by=today),  # issue 20: complaints and needs due, as what waits
    }
    if not any(facts.values()):
        return {}
    facts["overdue"] = overdue(uow, team_id, today=today, limit=uow.settings.digests.top, currency=currency)
    standings = targets.team_standings(uow, team_id, day=today)  # issue 21: attainment, beside the day's work
    if standings:
        facts["targets"] = standings
    return facts


def open_items(uow: UnitOfWork, members: Select, *, due_by: date | None = None) -> list[dict[str, Any]]:
    """The team's open complaints and needs (due on or before `due_by`, when given), the soonest due first."""
    query = (
        select(
            CustomerItem.kind, Customer.name, CustomerItem.category, CustomerItem.text, CustomerItem.due_on, User.name
        )
        .join(Customer, Customer.id == CustomerItem.customer_id)
        .join(User, User.id == CustomerItem.owner_id)
        .where(CustomerItem.status == "open", CustomerItem.owner_id.in_(members))
        .order_by(CustomerItem.due_on, CustomerItem.id)
    )
    if due_by is not None:
        query = query.where(CustomerItem.due_on <= due_by)
    return [
        {"kind": kind, "customer": c, "reason": category, "text": text, "due_on": due.isoformat(), "rep": rep}
        for kind, c, category, text, due, rep in uow.session.execute(query)
    ]


def weekly(uow: UnitOfWork, team_id: int, *, since: datetime, until: datetime, names: dict[int, str]) -> dict:
    """Last week's totals for a team; every sum per currency, never across currencies."""
    members = select(User.id).where(User.team_id == team_id)
    visits = uow.session.execute(
        select(Visit.user_id, func.count())
        .where(Visit.user_id.in_(members), Visit.at >= since, Visit.at < until, Visit.archived.is_(False))
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
    # issue 20: the complaints and needs still open, counted (the weekly retention summary lists the complaints)
    still_open = open_items(uow, members)
    if still_open:
        late_before = until.date()  # the Monday it is sent on, in the team's zone
        facts["open_items"] = {
            kind: sum(1 for i in still_open if i["kind"] == kind) for kind in ("complaint", "need")
        } | {"late": sum(1 for i in still_open if date.fromisoformat(i["due_on"]) < late_before)}
    return facts


def briefs(uow: UnitOfWork, people: Sequence[tuple[int, date, ZoneInfo]]) -> dict[int, tuple[dict, list[int]]]:
    """Each (person, their today, their zone)'s morning brief: by person, its facts ({} when there is nothing to
    say) and the ids of the day-only follow-up reminders it carries instead (the caller marks them sent once it has
    claimed the brief).

    The brief is the person's agenda for the day, as "我的跟进" / `/agenda` answers it (`asking.agenda`): follow-ups
    due or late, visits planned, complaints and needs due or late; less the installments, whose money the collection
    message at the same hour carries. With [retention] on, their quiet customers come with it (a rep's own; a
    manager's team's that have reached them); and a target's attainment, when one is set."""
    found: dict[int, tuple[dict, list[int]]] = {user_id: ({}, []) for user_id, _, _ in people}
    if not people:
        return found
    ids = sorted(found)
    users = {
        user.id: user
        for chunk in (ids[n : n + _CHUNK] for n in range(0, len(ids), _CHUNK))
        for user in uow.session.scalars(select(User).where(User.id.in_(chunk)))
    }
    keys: dict[int | None, set[int]] = {}  # the key customers of each team, read once a run
    briefed: dict[int, tuple[list[asking.AgendaItem], list[retention.Quiet], ZoneInfo, date]] = {}
    busy = _maybe_busy(uow, ids, until=max(today for _, today, _ in people) + DAY)
    for user_id, today, tz in people:
        user = users.get(user_id)
        if user is None:
            continue
        actor = user_service.actor_of(uow, user)
        agenda = asking.agenda(uow, actor, start=today, end=today + DAY, money=False) if user_id in busy else None
        items = list(agenda.items) if agenda is not None else []
        quiet = _quiet(uow, actor, today, keys) if uow.settings.retention.enabled else []
        if items or quiet:
            briefed[user_id] = (items, quiet, tz, today)
    visit_ids = sorted({i.visit_id for items, *_ in briefed.values() for i in items if i.visit_id is not None})
    visited: dict[int, datetime] = {}
    for chunk in (visit_ids[n : n + _CHUNK] for n in range(0, len(visit_ids), _CHUNK)):
        visited.update(
            (visit_id, at)
            for visit_id, at in uow.session.execute(select(Visit.id, Visit.at).where(Visit.id.in_(chunk)))
        )
    folded = _folded(uow, briefed, visit_ids)
    aimed = _aimed(uow, min(today for _, today, _ in people), max(today for _, today, _ in people))
    # The customer's open deal comes with each follow-up (issue 19: the brief before a planned visit).
    deals = asking.open_deals_of(uow, [i.customer_id for items, *_ in briefed.values() for i in items])
    for user_id, (items, quiet, tz, today) in briefed.items():
        facts: dict[str, Any] = {"items": [_brief_item(i, today, tz, visited, deals) for i in items]}
        if quiet:
            facts["quiet"] = [{"customer": q.customer, "days": q.days, "level": q.level, "key": q.key} for q in quiet]
        user = users[user_id]
        target = None
        if user.role == "rep" and user_id in aimed[0]:
            target = targets.standing(uow, user_id=user_id, day=today)
        elif user.role != "rep" and user.team_id in aimed[1]:
            target = targets.team_standing(uow, user.team_id, day=today)
        if target:
            facts["target"] = target  # issue 21: attainment, with the day's work
        found[user_id] = (facts, folded.get(user_id, []))
    return found


def _maybe_busy(uow: UnitOfWork, ids: list[int], *, until: date) -> set[int]:
    """Of these people, those whose agenda may list something before `until`: a follow-up set on a visit of theirs,
    a visit planned, a complaint or a need of theirs open. The rest have an empty agenda, read in three queries for
    everyone rather than in an agenda each (the agenda itself decides what is listed)."""
    busy: set[int] = set()
    last = datetime.combine(until, time(0), tzinfo=ZoneInfo("UTC")) + DAY  # a day of slack for any zone
    for chunk in (ids[n : n + _CHUNK] for n in range(0, len(ids), _CHUNK)):
        for query in (
            select(Visit.user_id).where(
                Visit.user_id.in_(chunk), Visit.follow_up_on.is_not(None), Visit.follow_up_on < until,
                Visit.archived.is_(False),
            ),
            select(Reminder.user_id).where(
                Reminder.user_id.in_(chunk), Reminder.kind == "planned_visit", Reminder.state == "pending",
                Reminder.due_at < last,
            ),
            select(CustomerItem.owner_id).where(
                CustomerItem.owner_id.in_(chunk), CustomerItem.status == "open", CustomerItem.due_on < until
            ),
        ):  # fmt: skip
            busy.update(uow.session.scalars(query.distinct()))
    return busy


def _aimed(uow: UnitOfWork, first: date, last: date) -> tuple[set[int], set[int]]:
    """The people and the teams with a target covering a day in [first, last]: only theirs are read."""
    rows = uow.session.execute(
        select(Target.user_id, Target.team_id).where(
            Target.archived.is_(False), Target.starts_on <= last, Target.ends_on >= first
        )
    ).all()
    return {u for u, _ in rows if u is not None}, {t for _, t in rows if t is not None}


def _quiet(uow: UnitOfWork, actor: user_service.Actor, today: date, keys: dict[int | None, set[int]]) -> list:
    """The quiet customers a person hears of in their brief: a rep's own, a manager's team's that climbed to them."""
    if actor.role not in ("rep", "manager") or actor.team_id is None:
        return []
    if actor.team_id not in keys:
        keys[actor.team_id] = retention.key_customers(uow, today=today, team_id=actor.team_id)
    found = retention.scan(uow, retention.visible(uow, actor), today=today, keys=keys[actor.team_id])
    if actor.role == "manager":
        found = [q for q in found if q.level >= 2]
    return sorted(found, key=lambda q: (not q.key, -q.days, q.customer))


def _folded(
    uow: UnitOfWork, briefed: dict[int, tuple[list, list, ZoneInfo, date]], visit_ids: list[int]
) -> dict[int, list[int]]:
    """By person, the pending reminders of the day-only follow-ups their brief lists and that fall today: the brief
    carries them instead. A reminder another worker is sending right now is left to it."""
    folded: dict[int, list[int]] = defaultdict(list)
    for chunk in (visit_ids[n : n + _CHUNK] for n in range(0, len(visit_ids), _CHUNK)):
        for user_id, reminder_id, due_at in uow.session.execute(
            select(Reminder.user_id, Reminder.id, Reminder.due_at)
            .join(Visit, Visit.id == Reminder.subject_id)
            .where(
                Reminder.subject_id.in_(chunk),
                Reminder.subject_type == "visit",
                Reminder.kind == "follow_up",
                Reminder.state == "pending",
                Visit.follow_up_at.is_(None),
            )
            .order_by(Reminder.id)
            .with_for_update(of=Reminder, skip_locked=True)
        ):
            if user_id not in briefed:
                continue
            _, _, tz, today = briefed[user_id]
            if due_at.astimezone(tz).date() == today:
                folded[user_id].append(reminder_id)
    return dict(folded)


def _brief_item(
    item: asking.AgendaItem,
    today: date,
    tz: ZoneInfo,
    visited: dict[int, datetime],
    deals: dict[int, list[asking.OpenDeal]],
) -> dict[str, Any]:
    """One line of the brief as data: a follow-up (with the customer's open deal), a planned visit, a complaint or
    a need; `late` days when it is overdue."""
    line: dict[str, Any] = {"kind": item.kind, "customer": item.customer, "time": item.at}
    if item.overdue:
        line["late"] = (today - item.on).days
    if item.kind == "follow_up":
        line["next_step"] = item.next_step
        if item.visit_id in visited:
            line["visited_on"] = visited[item.visit_id].astimezone(tz).date().isoformat()
        if item.customer_id in deals:
            line["open_deal"] = asking.deal_params(deals[item.customer_id][0])
    elif item.kind in ("complaint", "need"):
        line.update(text=item.text, reason=item.category, due_on=item.on.isoformat())
    return line


def funnels(uow: UnitOfWork) -> dict[int, dict]:
    """Open deals per stage for every team, in one pass over the deals, in the configured order (won and lost are
    outcomes, not stages of the funnel); by team id."""
    settings = uow.settings
    closed = {"lost", settings.approvals.won_stage}
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for team_id, stage, n in uow.session.execute(
        select(User.team_id, Deal.stage, func.count())
        .join(User, User.id == Deal.owner_id)
        .where(User.team_id.is_not(None), Deal.archived.is_(False), Deal.stage.not_in(closed))
        .group_by(User.team_id, Deal.stage)
    ):
        counts[team_id][stage] = n
    return {
        team_id: {
            "kind": "funnel",
            "stages": [[stage, per.get(stage, 0)] for stage in settings.stages if stage not in closed],
        }
        for team_id, per in counts.items()
    }


def funnel_of(funnels: dict[int, dict], team_id: int, settings: Settings) -> dict:
    """A team's funnel from `funnels`; a team with no open deal has a row of zeros."""
    closed = {"lost", settings.approvals.won_stage}
    empty = {"kind": "funnel", "stages": [[stage, 0] for stage in settings.stages if stage not in closed]}
    return funnels.get(team_id, empty)


def agings(uow: UnitOfWork, *, today: date, currencies: dict[int, str]) -> dict[int, dict]:
    """What every team's customers owe on `today`, per currency and bucket (current, 1–30, 31–60, 61–90, 90+ days
    late), in one query; by team id, the team's currency (from `currencies`) first."""
    outstanding = Installment.amount - Installment.paid
    bucket = receivables.aging_bucket(Installment.due_on, today)
    rows = uow.session.execute(
        _open_installments()
        .with_only_columns(User.team_id, Installment.currency, bucket.label("bucket"), func.sum(outstanding))
        .group_by(User.team_id, Installment.currency, bucket)
    ).all()
    per: dict[int, dict[str, dict[str, Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: dict.fromkeys(BUCKETS, ZERO))
    )
    for team_id, currency, name, amount in rows:
        per[team_id][currency][name] += Decimal(amount)
    return {team_id: _aging(per.get(team_id, {}), today, currencies.get(team_id)) for team_id in currencies}


def _aging(per: dict[str, dict[str, Decimal]], today: date, lead: str | None) -> dict:
    return {
        "kind": "aging",
        "day": today.isoformat(),
        "currencies": {
            currency: {b: str(v) for b, v in buckets.items()}
            for currency, buckets in sorted(per.items(), key=lambda kv: (kv[0] != lead, kv[0]))
        },
    }


def overdue(uow: UnitOfWork, team_id: int, *, today: date, limit: int, currency: str) -> list[dict[str, Any]]:
    """The biggest overdue debts (customer and currency), the team's `currency` first; `limit` of them."""
    outstanding = func.sum(Installment.amount - Installment.paid)
    rows = uow.session.execute(
        _open_installments()
        .where(User.team_id == team_id, Installment.due_on < today)
        .with_only_columns(Customer.name, Installment.currency, outstanding, func.min(Installment.due_on), User.name)
        .group_by(Customer.name, Installment.currency, User.name)
        .order_by(Installment.currency != currency, outstanding.desc(), Customer.name)
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
        select(Group.id, Group.handle, Group.team_id, Team.timezone, Team.key)
        .join(Team, Team.id == Group.team_id)
        .where(Group.platform_chat_id.is_not(None))
        .order_by(Group.id)
    ).all()
    for group_id, handle, team_id, timezone, team_key in groups:
        tz = ZoneInfo(timezone)
        daily = _daily_slot("daily", "group", group_id, team_id, tz, policy.daily_for(handle), now, last)
        slots.append(_working(uow, daily, team_key, policy.daily_for(handle)))
        weekly = _weekly_slot("weekly", "group", group_id, team_id, tz, policy.weekly, now, last, policy)
        slots.append(_working_week(uow, weekly, team_key, policy.weekly))
    brief_at = policy.brief or DigestTime(uow.settings.morning_hour)
    users = uow.session.execute(
        select(User.id, User.team_id, Team.timezone, Team.key)
        .outerjoin(Team, Team.id == User.team_id)
        .where(User.active)
        .order_by(User.id)  # briefs falling at the same minute are queued in one order on every database
    ).all()
    for user_id, team_id, timezone, team_key in users:
        tz = ZoneInfo(timezone or uow.settings.timezone)
        slots.append(
            _working(uow, _daily_slot("brief", "user", user_id, team_id, tz, brief_at, now, last), team_key, brief_at)
        )
    if uow.settings.retention.enabled:
        # Each manager's weekly retention summary (issue 20), at the weekly summary's time.
        managers = uow.session.execute(
            select(User.id, User.team_id, Team.timezone, Team.key)
            .join(Team, Team.id == User.team_id)
            .where(User.active, User.role == "manager")
        ).all()
        for user_id, team_id, timezone, team_key in managers:
            tz = ZoneInfo(timezone)
            summary = _weekly_slot("retention", "user", user_id, team_id, tz, policy.weekly, now, last, policy)
            slots.append(_working_week(uow, summary, team_key, policy.weekly))
    return slots


def _working(uow: UnitOfWork, slot: Slot, team_key: str | None, at: DigestTime) -> Slot:
    """The slot moved off the team's days off to its next working day, unless [digests] on_days_off (issue 17)."""
    if uow.settings.digests.on_days_off:
        return slot
    on = next_working_day(team_calendar(uow.settings, team_key), slot.on)
    return slot if on == slot.on else replace(slot, on=on, at=_at(on, at, slot.tz))


def _working_week(uow: UnitOfWork, slot: Slot, team_key: str | None, at: DigestTime) -> Slot:
    """A weekly slot whose day is a day off (a Monday in the National Day break) falls on the next working day; it
    stays the summary of the same week (its `on`), unless [digests] on_days_off."""
    if uow.settings.digests.on_days_off:
        return slot
    falls = slot.at.date()
    day = next_working_day(team_calendar(uow.settings, team_key), falls)
    return slot if day == falls else replace(slot, at=_at(day, at, slot.tz))


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
    kind: str,
    target_type: str,
    target_id: int,
    team_id: int,
    tz: ZoneInfo,
    at: DigestTime,
    now: datetime,
    last: dict[tuple[str, str, int], tuple[date, datetime]],
    policy: DigestPolicy,
) -> Slot:
    """This week's slot (due from its day and time until the week ends), or next week's once it is done."""
    local = now.astimezone(tz).date()
    monday = local - timedelta(days=local.weekday())
    last_on, last_until = last.get((kind, target_type, target_id), (None, None))
    if last_on is not None and last_on >= monday:
        monday += timedelta(days=7)
    falls = _at(monday + timedelta(days=policy.weekly_weekday - 1), at, tz)
    return Slot(kind, target_type, target_id, team_id, tz, monday, falls, last_until)


def _at(day: date, at: DigestTime, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(at.hour, at.minute), tzinfo=tz)


def _window(slot: Slot) -> tuple[datetime, datetime]:
    if slot.kind in ("weekly", "retention"):
        monday = datetime.combine(slot.on, time(0), tzinfo=slot.tz)
        return monday - timedelta(days=7), monday
    until = slot.at
    if slot.kind == "daily" and slot.last_until is not None and until - CATCH_UP <= slot.last_until < until:
        return slot.last_until, until
    return until - DAY, until


def _today(slot: Slot) -> date:
    return slot.at.astimezone(slot.tz).date()


def _gather(
    uow: UnitOfWork,
    shared: _Shared,
    people: dict[int, tuple[dict, list[int]]],
    slot: Slot,
    since: datetime,
    until: datetime,
) -> dict | None:
    """The payload's params, or None when there is nothing to say. `people`: the briefs, read for all at once."""
    policy = uow.settings.digests
    today = _today(slot)
    if slot.kind == "brief":
        facts = people[slot.target_id][0]
        return {"day": today.isoformat(), **facts} if facts else None
    if slot.team_id is None:
        return None
    if slot.kind == "retention":
        manager = uow.session.get_one(User, slot.target_id)
        summary = retention.weekly_summary(uow, manager, since=since, until=until, today=today)
        if not summary:
            return None
        team = uow.session.get_one(Team, slot.team_id).name
        return {"team": team, "day": today.isoformat(), "week_on": since.astimezone(slot.tz).date().isoformat(),
                **summary}  # fmt: skip
    if slot.kind == "daily":
        currency = shared.currencies.get(slot.team_id, uow.settings.currency)
        facts = daily(
            uow, slot.team_id, since=since, until=until, today=today, tz=slot.tz, names=shared.names, currency=currency
        )
        kinds = policy.daily_charts
    else:
        facts = weekly(uow, slot.team_id, since=since, until=until, names=shared.names)
        if facts:
            facts["week_on"] = since.astimezone(slot.tz).date().isoformat()
            standings = targets.team_standings(uow, slot.team_id, day=today)  # issue 21: attainment
            if standings:
                facts["targets"] = standings
        kinds = policy.weekly_charts
    if not facts:
        return None
    charts = [
        funnel_of(shared.funnels, slot.team_id, uow.settings) if kind == "funnel" else shared.aging(today)[slot.team_id]
        for kind in kinds
    ]
    if facts.get("targets") and (slot.kind == "weekly" or kinds):  # the team's chart, where the digest has charts
        charts.append(targets.chart(facts["targets"]))
    return {
        "team": shared.groups[slot.target_id],
        "day": today.isoformat(),
        "since_at": since.isoformat(),
        "until_at": until.isoformat(),
        **facts,
        "charts": charts,
    }


def _key(slot: Slot) -> tuple[str, str, int]:
    return slot.kind, slot.target_type, slot.target_id


def _claim(uow: UnitOfWork, runs: Sequence[tuple[Slot, datetime, datetime, bool]]) -> set[tuple[str, str, int]]:
    """Claim these slots (each with its window, and whether a message goes out): the keys of those claimed here;
    a slot with a run row already there (another worker's, or from before a restart) is left out."""
    if not runs:
        return set()
    now = uow.now()
    rows = [
        {
            "kind": slot.kind,
            "target_type": slot.target_type,
            "target_id": slot.target_id,
            "on": slot.on,
            "since": since,
            "until": until,
            "sent": sent,
            "created_at": now,
        }
        # In key order: two workers inserting the same keys in different orders could deadlock on PostgreSQL.
        for slot, since, until, sent in sorted(runs, key=lambda run: _key(run[0]))
    ]
    # One statement per chunk, no savepoint: the unique key decides, and a loser's row does not come back. (Not
    # the row count: on PostgreSQL, through the session, a conflicting insert still reported a true one.)
    insert = insert_for(uow.dialect)
    claimed: set[tuple[str, str, int]] = set()
    for n in range(0, len(rows), _CHUNK):
        returned = uow.session.execute(
            insert(DigestRun)
            .values(rows[n : n + _CHUNK])
            .on_conflict_do_nothing()
            .returning(DigestRun.kind, DigestRun.target_type, DigestRun.target_id)
        )
        claimed.update((kind, target_type, target_id) for kind, target_type, target_id in returned)
    return claimed


class _Shared:
    """What the digests of one run share, read once for all of them rather than once per team: people's names,
    the groups' names, the teams' currencies, and the charts' data (every team's funnel in one pass over the deals,
    every team's receivables aging in one pass over the installments)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._agings: dict[date, dict[int, dict]] = {}

    @cached_property
    def names(self) -> dict[int, str]:
        return dict(self._uow.session.execute(select(User.id, User.name)).all())

    @cached_property
    def groups(self) -> dict[int, str]:
        return dict(self._uow.session.execute(select(Group.id, Group.name)).all())

    @cached_property
    def currencies(self) -> dict[int, str]:
        default = self._uow.settings.currency
        return {
            team_id: currency or default
            for team_id, currency in self._uow.session.execute(select(Team.id, Team.currency))
        }

    @cached_property
    def funnels(self) -> dict[int, dict]:
        return funnels(self._uow)

    def aging(self, today: date) -> dict[int, dict]:
        """Every team's aging on `today` (teams in different zones may be on different days)."""
        if today not in self._agings:
            self._agings[today] = agings(self._uow, today=today, currencies=self.currencies)
        return self._agings[today]


# --- queries -------------------------------------------------------------------------------------------------------


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


def _open_installments() -> Select:
    """Installments still owed on active contracts of customers not archived, joined to the customer's owner (whose
    team the debt is counted in)."""
    return (
        select(Installment)
        .join(Contract, Contract.id == Installment.contract_id)
        .join(Customer, Customer.id == Contract.customer_id)
        .join(User, User.id == Customer.owner_id)
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
