"""Sales targets: a manager or an admin sets one per rep (or team) and period, in one currency; attainment is what
counted in that period against it.

What counts is configured ([reports] measure): `payments` (confirmed payments from the rep's customers, on the day
they became money: confirmed, or recorded when no confirmation was needed) or `contracts` (contracts the rep
submitted that were approved in the period, on the day of the decision). Only the target's currency counts: sums
are never added across currencies. Periods are calendar days in the team's time zone, inclusive.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from salesbot.services import audit
from salesbot.services.errors import Invalid, NotAllowed, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import Contract, Customer, Payment, Target, Team, User

ZERO = Decimal(0)


def month_of(day: date) -> tuple[date, date]:
    """The calendar month `day` is in: its first and last day."""
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def quarter_of(day: date) -> tuple[date, date]:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last_month = first.month + 2
    return first, date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])


@dataclass(frozen=True)
class Standing:
    who: str  # a rep's name, or a team's
    starts_on: date
    ends_on: date
    target: Decimal
    done: Decimal
    currency: str
    measure: str

    @property
    def percent(self) -> int:
        return int((self.done * 100 / self.target).to_integral_value()) if self.target else 0

    def as_params(self) -> dict[str, Any]:
        return {
            "who": self.who,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "target": str(self.target),
            "done": str(self.done),
            "currency": self.currency,
            "measure": self.measure,
            "percent": self.percent,
        }


def set_target(
    uow: UnitOfWork,
    actor: Actor,
    *,
    user_handle: str | None = None,
    user_name: str | None = None,
    team_key: str | None = None,
    team_id: int | None = None,
    starts_on: date,
    ends_on: date,
    amount: Decimal,
    currency: str,
) -> Standing:
    """Set (or replace) a target: for a rep, named by handle or name, or for a team. A manager sets their own reps'
    and team's targets, an admin anyone's; actor id 0 is the operator at the command line."""
    if amount <= 0 or ends_on < starts_on:
        raise Invalid("target_invalid")
    user = team = None
    if team_key is not None or team_id is not None:
        team = uow.session.scalar(select(Team).where(Team.key == team_key if team_key else Team.id == team_id))
        if team is None:
            raise NotFound("target_who_unknown", who=team_key or "")
    else:
        user = find_rep(uow, handle=user_handle, name=user_name)
    if actor.id != 0 and actor.role != "admin":
        mine = actor.role == "manager" and (
            (user is not None and user.manager_id == actor.id) or (team is not None and team.id == actor.team_id)
        )
        if not mine:
            raise NotAllowed("target_not_allowed")
    same = select(Target).where(
        Target.archived.is_(False),
        Target.starts_on == starts_on,
        Target.ends_on == ends_on,
        Target.currency == currency,
        Target.user_id == user.id if user is not None else Target.team_id == team.id,  # type: ignore[union-attr]
    )
    for old in uow.session.scalars(same):
        before = audit.snapshot(old)
        old.archived = True
        audit.record(
            uow,
            actor_id=actor.id,
            entity="target",
            entity_id=old.id,
            action="archive",
            before=before,
            after=audit.snapshot(old),
        )
    row = Target(
        user_id=user.id if user is not None else None,
        team_id=team.id if team is not None else None,
        starts_on=starts_on,
        ends_on=ends_on,
        amount=amount,
        currency=currency,
        set_by=actor.id or None,
        archived=False,
        created_at=uow.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    audit.record(
        uow,
        actor_id=actor.id,
        entity="target",
        entity_id=row.id,
        action="create",
        before=None,
        after=audit.snapshot(row),
    )
    return _standing(uow, row)


def find_rep(
    uow: UnitOfWork,
    *,
    handle: str | None,
    name: str | None,
    role: str | None = "rep",
    missing: str = "target_who_unknown",
) -> User:
    """A rep (anyone, with `role` None) by handle, by full name, or by a first name that is theirs alone ("Tom" for
    Tom Lee); NotFound(`missing`) when none or several fit."""
    people = select(User).where(User.active).order_by(User.id)
    reps = uow.session.scalars(people.where(User.role == role) if role else people).all()
    said = (handle or name or "").strip()
    for match in (
        [u for u in reps if u.handle == said] if handle else [],
        [u for u in reps if u.name.lower() == said.lower()],
        [u for u in reps if u.name.split()[0].lower() == said.lower()],
    ):
        if len(match) == 1:
            return match[0]
    raise NotFound(missing, who=said)


def standing(uow: UnitOfWork, *, user_id: int, day: date) -> dict[str, Any] | None:
    """The rep's target covering `day` (the shortest, if a month's and a quarter's both do), with what counted so
    far, as data; None when there is none."""
    row = _covering(uow, Target.user_id == user_id, day)
    return _standing(uow, row).as_params() if row is not None else None


def how_am_i_doing(uow: UnitOfWork, actor: Actor, *, day: date) -> list[Standing]:
    """A rep's own target; a manager's team target and each of their reps' (those who have one)."""
    found = []
    if actor.role == "rep":
        row = _covering(uow, Target.user_id == actor.id, day)
        return [_standing(uow, row)] if row is not None else []
    if actor.team_id is not None:
        row = _covering(uow, Target.team_id == actor.team_id, day)
        if row is not None:
            found.append(_standing(uow, row))
    reps = uow.session.scalars(
        select(User.id).where(User.active, User.role == "rep", User.manager_id == actor.id).order_by(User.name)
    ).all()
    for rep_id in reps:
        row = _covering(uow, Target.user_id == rep_id, day)
        if row is not None:
            found.append(_standing(uow, row))
    return found


def team_standings(uow: UnitOfWork, team_id: int, *, day: date) -> list[dict[str, Any]]:
    """The team's own target and each of its reps' targets covering `day`, as data (empty when none is set)."""
    found = []
    row = _covering(uow, Target.team_id == team_id, day)
    if row is not None:
        found.append(_standing(uow, row).as_params())
    reps = uow.session.scalars(
        select(User.id).where(User.active, User.role == "rep", User.team_id == team_id).order_by(User.name)
    ).all()
    for rep_id in reps:
        row = _covering(uow, Target.user_id == rep_id, day)
        if row is not None:
            found.append(_standing(uow, row).as_params())
    return found


def chart(standings: list[dict[str, Any]]) -> dict[str, Any]:
    """A chart of attainment: one bar per target, as a percentage of it (drawn when the message is sent)."""
    return {
        "kind": "targets",
        "bars": [[s["who"], s["percent"], s["done"], s["target"], s["currency"]] for s in standings],
    }


def _covering(uow: UnitOfWork, whose: Any, day: date) -> Target | None:
    return uow.session.scalars(
        select(Target)
        .where(whose, Target.archived.is_(False), Target.starts_on <= day, Target.ends_on >= day)
        .order_by(Target.starts_on.desc(), Target.ends_on, Target.id.desc())
    ).first()


def _standing(uow: UnitOfWork, row: Target) -> Standing:
    if row.user_id is not None:
        user = uow.session.get(User, row.user_id)
        assert user is not None
        members = [user.id]
        who, tz = user.name, _zone(uow, user.team_id)
    else:
        team = uow.session.get(Team, row.team_id)
        assert team is not None
        members = list(uow.session.scalars(select(User.id).where(User.team_id == team.id)))
        who, tz = team.name, ZoneInfo(team.timezone)
    since = datetime.combine(row.starts_on, time(0), tzinfo=tz)
    until = datetime.combine(row.ends_on + timedelta(days=1), time(0), tzinfo=tz)
    measure = uow.settings.reports.measure
    done = counted(uow, members, since=since, until=until, currency=row.currency, measure=measure)
    return Standing(who, row.starts_on, row.ends_on, Decimal(row.amount), done, row.currency, measure)


def counted(
    uow: UnitOfWork, members: list[int], *, since: datetime, until: datetime, currency: str, measure: str
) -> Decimal:
    """What counts against a target for these people in [since, until), in one currency."""
    return sum(counted_by(uow, members, since=since, until=until, currency=currency, measure=measure).values(), ZERO)


def counted_by(
    uow: UnitOfWork, members: list[int], *, since: datetime, until: datetime, currency: str, measure: str
) -> dict[int, Decimal]:
    """What counts for each of these people in [since, until), in one currency (those with nothing are left out)."""
    if measure == "contracts":
        query = (
            select(Contract.owner_id, func.sum(Contract.amount))
            .where(
                Contract.owner_id.in_(members),
                Contract.status == "active",
                Contract.currency == currency,
                Contract.decided_at >= since,
                Contract.decided_at < until,
            )
            .group_by(Contract.owner_id)
        )
    else:
        counted_at = func.coalesce(Payment.confirmed_at, Payment.created_at)
        query = (
            select(Customer.owner_id, func.sum(Payment.amount))
            .join(Customer, Customer.id == Payment.customer_id)
            .where(
                Customer.owner_id.in_(members),
                Payment.state == "confirmed",
                Payment.currency == currency,
                counted_at >= since,
                counted_at < until,
            )
            .group_by(Customer.owner_id)
        )
    return {owner: Decimal(total) for owner, total in uow.session.execute(query) if owner is not None and total}


def standings_for(
    uow: UnitOfWork, *, user_ids: list[int] | None, team_ids: list[int] | None, day: date
) -> list[tuple[str, Standing]]:
    """The targets covering `day` of these reps and teams (None: every one), one a rep or team and currency (the
    shortest, as `standing` picks), each as ("team" or "rep", its standing): teams first, then reps by name.

    Counted in one query per period and currency, not one per target: a board shows a team's hundred reps at once."""
    whose = []
    if user_ids is None or user_ids:
        whose.append(Target.user_id.is_not(None) if user_ids is None else Target.user_id.in_(user_ids))
    if team_ids is None or team_ids:
        whose.append(Target.team_id.is_not(None) if team_ids is None else Target.team_id.in_(team_ids))
    if not whose:
        return []
    chosen: dict[tuple[int | None, int | None, str], Target] = {}
    for row in uow.session.scalars(
        select(Target)
        .where(or_(*whose), Target.archived.is_(False), Target.starts_on <= day, Target.ends_on >= day)
        .order_by(Target.starts_on.desc(), Target.ends_on, Target.id.desc())
    ):
        chosen.setdefault((row.user_id, row.team_id, row.currency), row)
    if not chosen:
        return []
    people = {uid for uid, _, _ in chosen if uid is not None}
    teams = {tid for _, tid, _ in chosen if tid is not None}
    names: dict[int, tuple[str, int | None]] = {
        uid: (name, team)
        for uid, name, team in uow.session.execute(
            select(User.id, User.name, User.team_id).where(or_(User.id.in_(people), User.team_id.in_(teams)))
        )
    }
    zones = {
        tid: (name, ZoneInfo(tz)) for tid, name, tz in uow.session.execute(select(Team.id, Team.name, Team.timezone))
    }
    default = ZoneInfo(uow.settings.timezone)
    members: dict[int, list[int]] = {tid: [uid for uid, (_, team) in names.items() if team == tid] for tid in teams}
    measure = uow.settings.reports.measure
    # One grouped sum per period, currency and zone, over everyone those targets take in.
    groups: dict[tuple[date, date, str, ZoneInfo], set[int]] = {}
    plan = []
    for (uid, tid, currency), row in chosen.items():
        if uid is not None:
            who, team = names[uid]
            tz, ids, kind = (zones[team][1] if team in zones else default), [uid], "rep"
        else:
            assert tid is not None
            (who, tz), ids, kind = zones[tid], members[tid], "team"
        key = (row.starts_on, row.ends_on, currency, tz)
        groups.setdefault(key, set()).update(ids)
        plan.append((kind, who, row, ids, key))
    sums = {
        key: counted_by(
            uow,
            sorted(ids),
            since=datetime.combine(key[0], time(0), tzinfo=key[3]),
            until=datetime.combine(key[1] + timedelta(days=1), time(0), tzinfo=key[3]),
            currency=key[2],
            measure=measure,
        )
        for key, ids in groups.items()
    }
    found = [
        (
            kind,
            Standing(
                who,
                row.starts_on,
                row.ends_on,
                Decimal(row.amount),
                sum((sums[key].get(uid, ZERO) for uid in ids), ZERO),
                row.currency,
                measure,
            ),
        )
        for kind, who, row, ids, key in plan
    ]
    return sorted(found, key=lambda f: (f[0] != "team", f[1].who, f[1].currency))


def _zone(uow: UnitOfWork, team_id: int | None) -> ZoneInfo:
    tz = uow.session.scalar(select(Team.timezone).where(Team.id == team_id)) if team_id is not None else None
    return ZoneInfo(tz or uow.settings.timezone)


def team_standing(uow: UnitOfWork, team_id: int, *, day: date) -> dict[str, Any] | None:
    """The team's own target covering `day`, with what counted so far, as data; None when there is none."""
    row = _covering(uow, Target.team_id == team_id, day)
    return _standing(uow, row).as_params() if row is not None else None
