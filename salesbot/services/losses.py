"""Why we lose (issue 20): over a period, the deals lost by reason and by rep, the customers gone quiet by rep, and
the complaints by category beside them — "丢单原因分析" / "why are we losing deals". Scoped as "who owes us" is:
a rep sees their own, a manager the team's, an admin everyone's (or the team of the group asked in)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, select, true

from salesbot.services.errors import NotAllowed
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import CustomerItem, Deal, QuietFlag, StageChange, User

DEFAULT_DAYS = 90


@dataclass(frozen=True)
class Losses:
    since: date
    until: date
    lost_by_reason: tuple[tuple[str, int], ...]  # most first; "" is a deal lost with no reason given
    lost_by_rep: tuple[tuple[str, int], ...]
    quiet_by_rep: tuple[tuple[str, int], ...]  # customers that reached the manager's step or the pool
    complaints_by_category: tuple[tuple[str, int], ...]

    @property
    def empty(self) -> bool:
        return not (self.lost_by_reason or self.quiet_by_rep or self.complaints_by_category)


def period(today: date, words: str) -> tuple[date, date]:
    """The period a question names: this month, last month, this quarter, this year; else the last 90 days."""
    lowered = words.lower()
    if "上个月" in words or "上月" in words or "last month" in lowered:
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if "本月" in words or "这个月" in words or "this month" in lowered:
        return today.replace(day=1), today
    if "本季度" in words or "这个季度" in words or "this quarter" in lowered:
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if "今年" in words or "this year" in lowered:
        return today.replace(month=1, day=1), today
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def why_we_lose(uow: UnitOfWork, actor: Actor, *, since: date, until: date, team_id: int | None = None) -> Losses:
    tz = actor.tz
    start = datetime.combine(since, time(0), tzinfo=tz)
    end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=tz)
    owners = _owners(uow, actor, team_id)
    names = dict(uow.session.execute(select(User.id, User.name)).all())
    lost = uow.session.execute(
        select(Deal.id, Deal.owner_id, StageChange.reason, Deal.lost_reason)
        .join(StageChange, StageChange.deal_id == Deal.id)
        .where(
            StageChange.to_stage == "lost", StageChange.at >= start, StageChange.at < end,
            Deal.stage == "lost", Deal.archived.is_(False), owners(Deal.owner_id),
        )
    ).all()  # fmt: skip
    seen: set[int] = set()
    reasons: Counter[str] = Counter()
    reps: Counter[str] = Counter()
    for deal_id, owner_id, reason, kept_reason in lost:
        if deal_id in seen:  # lost, reopened and lost again in the period: one deal lost
            continue
        seen.add(deal_id)
        reasons[kept_reason or reason or ""] += 1
        reps[names.get(owner_id, "-")] += 1
    quiet = Counter(
        names.get(rep_id, "-")
        for (rep_id,) in uow.session.execute(
            select(QuietFlag.rep_id).where(
                QuietFlag.level >= 2, QuietFlag.raised_at >= start, QuietFlag.raised_at < end, owners(QuietFlag.rep_id)
            )
        )
    )
    complaints = Counter(
        category or ""
        for (category,) in uow.session.execute(
            select(CustomerItem.category).where(
                CustomerItem.kind == "complaint", CustomerItem.opened_at >= start, CustomerItem.opened_at < end,
                owners(CustomerItem.owner_id),
            )
        )
    )  # fmt: skip
    return Losses(
        since=since,
        until=until,
        lost_by_reason=_ranked(reasons),
        lost_by_rep=_ranked(reps),
        quiet_by_rep=_ranked(quiet),
        complaints_by_category=_ranked(complaints),
    )


def _ranked(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _owners(uow: UnitOfWork, actor: Actor, team_id: int | None):  # type: ignore[no-untyped-def]
    """A condition on an owner column for the actor's scope."""
    if actor.role == "rep":
        return lambda column: column == actor.id
    team = actor.team_id if actor.role == "manager" else team_id
    if actor.role not in ("manager", "admin", "finance"):
        raise NotAllowed("not_allowed")
    if team is None and actor.role != "manager":
        return lambda column: true()
    members = list(uow.session.scalars(select(User.id).where(User.team_id == team)))

    def within(column: ColumnElement[int | None]) -> ColumnElement[bool]:
        return column.in_(members)

    return within
