"""Who is using the bot (issue 21): per rep, over a period, the days they were active, the messages they sent, the
visits they logged and the reports they sent. A manager sees their own reps; an admin every rep. And who has gone
silent: working days without a message, on the team's calendar, not counting the rep's leave.

Messages are counted as they arrive (`services/users.identify` bumps the account's count for its local day with
the statement that notes when it was last seen; a finished day is kept as an `activity_days` row).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from salesbot.calendars import MonFri
from salesbot.services import leave
from salesbot.services.errors import NotAllowed
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import ActivityDay, ChatIdentity, Team, User, Visit, WorkReport

DAY = timedelta(days=1)
MAX_SILENT = 60  # working days of silence counted at most (a rep who never began is "60+" silent)


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


def silent(uow: UnitOfWork, reps: dict[int, str], day: date, calendar: MonFri) -> list[dict[str, Any]]:
    """The reps (id: name) who have not used the bot for [reports] silent_days working days or more, by `day`."""
    wanted = uow.settings.reports.silent_days
    if wanted <= 0:
        return []
    found = []
    for user_id, name in sorted(reps.items(), key=lambda item: item[1]):
        days = silent_days(uow, user_id, last_active(uow, user_id), day, calendar)
        if days >= wanted:
            found.append({"rep": name, "days": days})
    return found


def last_active(uow: UnitOfWork, user_id: int) -> date:
    """The last local day the rep sent the bot anything; the day they were added, if never."""
    last = uow.session.scalar(select(func.max(ChatIdentity.active_on)).where(ChatIdentity.user_id == user_id))
    if last is not None:
        return last
    created_at = uow.session.scalar(select(User.created_at).where(User.id == user_id))
    assert created_at is not None
    return created_at.astimezone(zone_of(uow, user_id)).date()


def silent_days(uow: UnitOfWork, user_id: int, last: date, day: date, calendar: MonFri) -> int:
    """Working days after `last` up to `day`, inclusive, on the team's calendar and not on the rep's leave (at most
    MAX_SILENT)."""
    first = last + DAY
    if first > day:
        return 0
    away = leave.days_off(uow, user_id, max(first, day - 4 * MAX_SILENT * DAY), day)
    count, d = 0, first
    while d <= day and count < MAX_SILENT:
        count += calendar.is_working_day(d) and d not in away
        d += DAY
    return count


def zone_of(uow: UnitOfWork, user_id: int) -> ZoneInfo:
    tz = uow.session.scalar(select(Team.timezone).join(User, User.team_id == Team.id).where(User.id == user_id))
    return ZoneInfo(tz or uow.settings.timezone)
