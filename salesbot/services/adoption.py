"""Who is using the bot (issue 21): per rep, over a period, the days they were active, the messages they sent, the
visits they logged and the reports they sent. A manager sees their own reps; an admin every rep.

Messages are counted as they arrive (`services/users.identify` bumps the account's count for its local day with
the statement that notes when it was last seen; a finished day is kept as an `activity_days` row).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from salesbot.services.errors import NotAllowed
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import ActivityDay, ChatIdentity, User, Visit, WorkReport


@dataclass(frozen=True)
class Usage:
    rep: str
    days_active: int
    messages: int
    visits: int
    reports: int

    def as_params(self) -> dict[str, object]:
        return {
            "rep": self.rep,
            "days": self.days_active,
            "messages": self.messages,
            "visits": self.visits,
            "reports": self.reports,
        }


def usage(uow: UnitOfWork, actor: Actor, *, since: date, until: date, team_id: int | None = None) -> list[Usage]:
    """Each of the actor's reps over [since, until] (calendar days in the actor's zone), busiest first; `team_id`
    (the team of the group asked in) narrows it to that team."""
    if actor.role not in ("manager", "admin"):
        raise NotAllowed("adoption_not_allowed")
    reps = select(User.id, User.name).where(User.active, User.role == "rep")
    if actor.role == "manager":
        reps = reps.where(User.manager_id == actor.id)
    if team_id is not None:
        reps = reps.where(User.team_id == team_id)
    names = dict(uow.session.execute(reps.order_by(User.name)).all())
    return for_reps(uow, names, since=since, until=until, tz=actor.tz)


def for_reps(uow: UnitOfWork, names: dict[int, str], *, since: date, until: date, tz: object) -> list[Usage]:
    if not names:
        return []
    ids = list(names)
    per_day: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for user_id, on, n in uow.session.execute(
        select(ActivityDay.user_id, ActivityDay.on, ActivityDay.messages).where(
            ActivityDay.user_id.in_(ids), ActivityDay.on >= since, ActivityDay.on <= until
        )
    ):
        per_day[user_id][on] += n
    for user_id, on, n in uow.session.execute(
        select(ChatIdentity.user_id, ChatIdentity.active_on, ChatIdentity.active_messages).where(
            ChatIdentity.user_id.in_(ids), ChatIdentity.active_on >= since, ChatIdentity.active_on <= until
        )
    ):
        per_day[user_id][on] += n
    start = datetime.combine(since, time(0), tzinfo=tz)  # type: ignore[arg-type]
    end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=tz)  # type: ignore[arg-type]
    visits = dict(
        uow.session.execute(
            select(Visit.user_id, func.count())
            .where(Visit.user_id.in_(ids), Visit.at >= start, Visit.at < end, Visit.archived.is_(False))
            .group_by(Visit.user_id)
        ).all()
    )
    reports = dict(
        uow.session.execute(
            select(WorkReport.user_id, func.count())
            .where(
                WorkReport.user_id.in_(ids),
                WorkReport.kind == "daily",
                WorkReport.state == "sent",
                WorkReport.on >= since,
                WorkReport.on <= until,
            )
            .group_by(WorkReport.user_id)
        ).all()
    )
    found = [
        Usage(
            rep=name,
            days_active=sum(1 for n in per_day[user_id].values() if n),
            messages=sum(per_day[user_id].values()),
            visits=visits.get(user_id, 0),
            reports=reports.get(user_id, 0),
        )
        for user_id, name in names.items()
    ]
    return sorted(found, key=lambda u: (-u.days_active, -u.messages, u.rep))
