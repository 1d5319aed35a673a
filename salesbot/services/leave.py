"""Leave (请假, issue 21): the days a person is off work, so the bot drafts no 日报 and sends no nudge for them, and
their manager's summary says "on leave" rather than "not sent".

Anyone records their own leave; a manager records it for their reps, an admin for anyone, the operator (actor 0)
from the command line or a seed file. Days are whole local days, inclusive. Nothing is deleted: a cancelled leave is
a state, and taking back part of a leave cancels it and writes what remains as new rows, each change audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from salesbot.calendars import MonFri, team_calendar
from salesbot.services import audit, outbox, targets
from salesbot.services.errors import Invalid, NotAllowed, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import Leave, Team, User

DAY = timedelta(days=1)
MAX_DAYS = 366  # a longer range is a misreading, not a leave


@dataclass(frozen=True)
class Period:
    id: int
    who: str
    starts_on: date
    ends_on: date
    working_days: int  # the working days it takes off, on the person's team calendar
    note: str | None

    def as_params(self) -> dict[str, object]:
        return {
            "who": self.who,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "days": self.working_days,
            "note": self.note,
        }


def calendar_of(uow: UnitOfWork, user_id: int) -> MonFri:
    """The working-day calendar of the person's team ([team] working_days, by team key)."""
    key = uow.session.scalar(select(Team.key).join(User, User.team_id == Team.id).where(User.id == user_id))
    return team_calendar(uow.settings, key)


def take(
    uow: UnitOfWork,
    actor: Actor,
    *,
    starts_on: date,
    ends_on: date,
    user_name: str | None = None,
    user_handle: str | None = None,
    note: str | None = None,
) -> Period:
    """Record leave for the actor, or for the person named (by name, first name or handle)."""
    user = _whose(uow, actor, user_name=user_name, user_handle=user_handle)
    if ends_on < starts_on:
        raise Invalid("leave_backwards")
    if (ends_on - starts_on).days >= MAX_DAYS:
        raise Invalid("leave_too_long")
    calendar = calendar_of(uow, user.id)
    if not any(calendar.is_working_day(d) for d in _days(starts_on, ends_on)):
        raise Invalid("leave_no_working_day")
    for old in _active(uow, [user.id], starts_on, ends_on):
        if old.starts_on <= starts_on and old.ends_on >= ends_on:
            raise NotAllowed("leave_already", who=user.name, since=old.starts_on.isoformat(),
                             until=old.ends_on.isoformat())  # fmt: skip
    row = _write(uow, actor, user.id, starts_on, ends_on, note)
    _tell(uow, actor, user, "leave.set_for_you", row.starts_on, row.ends_on)
    return _period(uow, row, user.name)


def _tell(uow: UnitOfWork, actor: Actor, user: User, key: str, first: date, last: date) -> None:
    """Leave someone else recorded or cancelled (their manager, an admin) is told to its person."""
    if actor.id in (0, user.id):
        return
    params = {"manager": actor.name, "starts_on": first.isoformat(), "ends_on": last.isoformat()}
    outbox.notify_user(uow, user.id, key, params)


def cancel(
    uow: UnitOfWork,
    actor: Actor,
    *,
    today: date,
    on: date | None = None,
    user_name: str | None = None,
    user_handle: str | None = None,
) -> tuple[str, list[Period], list[Period]]:
    """Take leave back: the day `on` out of the leave that holds it, or, with no day, the whole of the person's
    current or next leave. Returns (whose, the leave cancelled, what remains of it)."""
    user = _whose(uow, actor, user_name=user_name, user_handle=user_handle)
    # A day named: the leave holding it. None: the current or next one.
    rows = _active(uow, [user.id], on, on) if on is not None else _active(uow, [user.id], today, date.max)[:1]
    if not rows:
        raise NotFound("leave_none", who=user.name)
    cancelled, kept = [], []
    for row in rows:
        before = audit.snapshot(row)
        row.state, row.cancelled_at, row.cancelled_by = "cancelled", uow.now(), actor.id or None
        audit.record(uow, actor_id=actor.id, entity="leave", entity_id=row.id, action="cancel", before=before,
                     after=audit.snapshot(row))  # fmt: skip
        cancelled.append(_period(uow, row, user.name))
        _tell(uow, actor, user, "leave.cancelled_for_you", on or row.starts_on, on or row.ends_on)
        if on is None:
            continue
        for first, last in ((row.starts_on, on - DAY), (on + DAY, row.ends_on)):
            if first <= last:
                kept.append(_period(uow, _write(uow, actor, user.id, first, last, row.note), user.name))
    return user.name, cancelled, kept


def upcoming(uow: UnitOfWork, actor: Actor, *, today: date) -> list[Period]:
    """The actor's leave from today on; a manager's also their reps', an admin's everyone's."""
    people = select(User.id, User.name).where(User.active)
    if actor.role == "manager":
        people = people.where((User.manager_id == actor.id) | (User.id == actor.id))
    elif actor.role != "admin":
        people = people.where(User.id == actor.id)
    names = dict(uow.session.execute(people).all())
    rows = _active(uow, list(names), today, date.max)
    return [_period(uow, row, names[row.user_id]) for row in rows]


def on_leave(uow: UnitOfWork, user_ids: Iterable[int], days: Iterable[date]) -> set[tuple[int, date]]:
    """(person, day) for each of these people on active leave on each of these days."""
    ids, wanted = list(user_ids), set(days)
    if not ids or not wanted:
        return set()
    found = set()
    for row in _active(uow, ids, min(wanted), max(wanted)):
        found |= {(row.user_id, d) for d in wanted if row.starts_on <= d <= row.ends_on}
    return found


def days_off(uow: UnitOfWork, user_id: int, since: date, until: date) -> set[date]:
    """The days in [since, until] the person is on active leave."""
    return {d for _, d in on_leave(uow, [user_id], _days(since, until))}


def seed(uow: UnitOfWork, actor: Actor, specs: Iterable[dict[str, object]]) -> int:
    """A seed file's [[leave]] entries: user (a handle), from, to (ISO dates; to defaults to from), note."""
    n = 0
    for spec in specs:
        first = date.fromisoformat(str(spec["from"]))
        last = date.fromisoformat(str(spec.get("to", spec["from"])))
        note = spec.get("note")
        take(uow, actor, starts_on=first, ends_on=last, user_handle=str(spec["user"]),
             note=str(note) if note else None)  # fmt: skip
        n += 1
    return n


def _whose(uow: UnitOfWork, actor: Actor, *, user_name: str | None, user_handle: str | None) -> User:
    if user_name is None and user_handle is None:
        user = uow.session.get(User, actor.id)
        if user is None:
            raise NotFound("leave_who_unknown", who="")
        return user
    user = _find(uow, name=user_name, handle=user_handle)
    if user.id == actor.id or actor.id == 0 or actor.role == "admin":
        return user
    if actor.role == "manager" and user.manager_id == actor.id:
        return user
    raise NotAllowed("leave_not_allowed", who=user.name)


def _find(uow: UnitOfWork, *, name: str | None, handle: str | None) -> User:
    return targets.find_rep(uow, handle=handle, name=name, role=None, missing="leave_who_unknown")


def known(uow: UnitOfWork, name: str) -> bool:
    """Whether a name said is someone's (a sentence's words before 请假 may be a reason, not a name)."""
    try:
        _find(uow, name=name, handle=None)
    except NotFound:
        return False
    return True


def _active(uow: UnitOfWork, user_ids: list[int], since: date, until: date) -> list[Leave]:
    return list(
        uow.session.scalars(
            select(Leave)
            .where(
                Leave.user_id.in_(user_ids),
                Leave.state == "active",
                Leave.ends_on >= since,
                Leave.starts_on <= until,
            )
            .order_by(Leave.starts_on, Leave.id)
        )
    )


def _write(uow: UnitOfWork, actor: Actor, user_id: int, first: date, last: date, note: str | None) -> Leave:
    row = Leave(user_id=user_id, starts_on=first, ends_on=last, state="active", note=note,
                set_by=actor.id or None, created_at=uow.now())  # fmt: skip
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow, actor_id=actor.id, entity="leave", entity_id=row.id, action="create", before=None,
                 after=audit.snapshot(row))  # fmt: skip
    return row


def _period(uow: UnitOfWork, row: Leave, who: str) -> Period:
    calendar = calendar_of(uow, row.user_id)
    working = sum(1 for d in _days(row.starts_on, row.ends_on) if calendar.is_working_day(d))
    return Period(row.id, who, row.starts_on, row.ends_on, working, row.note)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
