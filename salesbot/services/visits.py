"""Logging a visit and setting its follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import make_transient_to_detached

from salesbot.services import attachments, audit, customers, limits
from salesbot.services.dates import due_instant
from salesbot.services.errors import Invalid, NotAllowed, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store import activity
from salesbot.store.models import Attachment, Reminder, Visit

_VISITS = Visit.__table__
_ATTACHMENTS = Attachment.__table__
# Built once, so SQLAlchemy compiles each once.
_INSERT_VISIT = _VISITS.insert()
_INSERT_REMINDER = Reminder.__table__.insert()
_LOOSE = (
    select(_ATTACHMENTS.c.id)
    .where(
        _ATTACHMENTS.c.user_id == bindparam("user_id"),
        _ATTACHMENTS.c.subject_id.is_(None),
        _ATTACHMENTS.c.created_at >= bindparam("since"),
    )
    .limit(1)
)


@dataclass(frozen=True)
class FollowUp:
    on: date
    at: time | None = None


@dataclass(frozen=True)
class VisitLogged:
    visit_id: int
    customer: str
    visited_on: date
    next_step: str | None
    follow_up: FollowUp | None
    attachments: int = 0  # photos, files and locations sent before the visit was logged, now joined to it


def log_visit(
    uow: UnitOfWork,
    actor: Actor,
    *,
    customer_id: int,
    notes: str,
    next_step: str | None = None,
    follow_up: FollowUp | None = None,
    visited_on: date | None = None,
) -> VisitLogged:
    """Record a visit, now or on the past day it happened; with a follow-up, also the reminder that will bring
    it back.

    The follow-up is checked before anything is written, so a date in the past refuses the whole
    message and the rep can say it again with a better date.
    """
    customer = customers.get_for_change(uow, actor, customer_id)
    notes, next_step = limits.note(notes) or "", limits.note(next_step)
    now = uow.now()
    at = now
    if visited_on is not None and visited_on != now.astimezone(actor.tz).date():
        if visited_on > now.astimezone(actor.tz).date():
            raise Invalid("visit_in_future", date=visited_on.isoformat())
        # The hour is not known: the time of day it is now, on that day, keeps the day right in any zone.
        at = datetime.combine(visited_on, now.astimezone(actor.tz).timetz())
    due = None
    if follow_up is not None:
        due = due_instant(follow_up.on, follow_up.at, tz=actor.tz, now=now, morning_hour=uow.settings.morning_hour)
    values = {
        "user_id": actor.id,
        "customer_id": customer.id,
        "contact_id": None,
        "at": at,
        "notes": notes,
        "next_step": next_step or None,
        "follow_up_on": follow_up.on if follow_up else None,
        "follow_up_at": due if follow_up and follow_up.at else None,
        "archived": False,  # written, so the audit's snapshot of the row says so (as the ORM's would)
    }
    # Core, not a new Visit added and flushed: that costs ~0.3 ms more (unit of work, state tracking, a
    # flush for the id) and nothing in this turn needs the object unless loose attachments join it.
    visit_id = uow.session.connection().execute(_INSERT_VISIT, values).inserted_primary_key[0]
    activity.touched(uow.session, customer.id)  # a Core insert: the kept last activity is told (issue 20)
    audit.record(
        uow,
        actor_id=actor.id,
        entity="visit",
        entity_id=visit_id,
        action="create",
        before=None,
        after=audit.snapshot_values(_VISITS, {"id": visit_id, **values}),
    )
    if follow_up is not None and due is not None:
        _schedule(uow, actor, visit_id=visit_id, customer_id=customer.id, due=due)
    adopted = 0
    if _has_loose(uow, actor):
        adopted = attachments.adopt_loose(uow, actor, _as_loaded(uow, visit_id, values))
    return VisitLogged(
        visit_id=visit_id,
        customer=customer.name,
        visited_on=at.astimezone(actor.tz).date(),
        next_step=values["next_step"],
        follow_up=follow_up,
        attachments=adopted,
    )


def _has_loose(uow: UnitOfWork, actor: Actor) -> bool:
    """Whether `attachments.adopt_loose` would find anything: the same condition, in a statement built once.

    adopt_loose builds its ORM query on every call (~0.6 ms), and most visits have no loose items waiting.
    """
    since = uow.now() - attachments.WAITS_FOR_VISIT
    return uow.session.connection().execute(_LOOSE, {"user_id": actor.id, "since": since}).first() is not None


def _as_loaded(uow: UnitOfWork, visit_id: int, values: dict[str, Any]) -> Visit:
    """The Visit object for a row just written with Core, in the session as if it had been loaded."""
    visit = Visit(id=visit_id, **values)
    make_transient_to_detached(visit)
    uow.session.add(visit)
    return visit


def set_follow_up(uow: UnitOfWork, actor: Actor, *, visit_id: int, follow_up: FollowUp | None) -> VisitLogged:
    """Set, move or (with None) clear a visit's follow-up; the old reminder is cancelled, never deleted."""
    visit = _own_visit(uow, actor, visit_id)
    due = None
    if follow_up is not None:
        due = due_instant(
            follow_up.on, follow_up.at, tz=actor.tz, now=uow.now(), morning_hour=uow.settings.morning_hour
        )
    before = audit.snapshot(visit)
    _cancel_reminders(uow, visit.id)
    visit.follow_up_on = follow_up.on if follow_up else None
    visit.follow_up_at = due if follow_up and follow_up.at else None
    audit.record(
        uow,
        actor_id=actor.id,
        entity="visit",
        entity_id=visit.id,
        action="follow_up",
        before=before,
        after=audit.snapshot(visit),
    )
    if due is not None:
        _schedule(uow, actor, visit_id=visit.id, customer_id=visit.customer_id, due=due)
    return _logged(visit, actor, follow_up)


def follow_up_of(uow: UnitOfWork, actor: Actor, *, customer_id: int) -> VisitLogged:
    """The customer's follow-up the actor would mean: the latest visit with one set (their own, for a rep)."""
    customer = customers.get_for_change(uow, actor, customer_id)
    query = (
        select(Visit)
        .where(Visit.customer_id == customer.id, Visit.follow_up_on.is_not(None), Visit.archived.is_(False))
        .order_by(Visit.at.desc(), Visit.id.desc())
        .limit(1)
    )
    if actor.role == "rep":
        query = query.where(Visit.user_id == actor.id)
    visit = uow.session.scalar(query)
    if visit is None:
        raise NotFound("no_follow_up", customer=customer.name)
    return _logged(visit, actor, _follow_up(visit, actor))


def close_follow_up(uow: UnitOfWork, actor: Actor, *, visit_id: int) -> VisitLogged:
    """The follow-up is done: its reminder will not fire, and the visit keeps no open follow-up (audited)."""
    visit = _own_visit(uow, actor, visit_id)
    done = _follow_up(visit, actor)
    before = audit.snapshot(visit)
    _cancel_reminders(uow, visit.id)
    visit.follow_up_on, visit.follow_up_at = None, None
    audit.record(
        uow,
        actor_id=actor.id,
        entity="visit",
        entity_id=visit.id,
        action="follow_up_done",
        before=before,
        after=audit.snapshot(visit),
    )
    return _logged(visit, actor, done)


def archive(uow: UnitOfWork, actor: Actor, *, visit_id: int) -> VisitLogged:
    """Take a visit back (undo): archived, never deleted, and its follow-up will not fire."""
    visit = _own_visit(uow, actor, visit_id)
    before = audit.snapshot(visit)
    visit.archived = True
    _cancel_reminders(uow, visit.id)
    audit.record(
        uow,
        actor_id=actor.id,
        entity="visit",
        entity_id=visit.id,
        action="archive",
        before=before,
        after=audit.snapshot(visit),
    )
    return _logged(visit, actor, _follow_up(visit, actor))


def _own_visit(uow: UnitOfWork, actor: Actor, visit_id: int) -> Visit:
    visit = uow.session.get(Visit, visit_id)
    if visit is None or visit.archived:
        raise NotFound("visit_not_found", visit_id=visit_id)
    customers.get_for_change(uow, actor, visit.customer_id)
    if visit.user_id != actor.id and actor.role == "rep":
        raise NotAllowed("visit_not_yours")
    return visit


def _cancel_reminders(uow: UnitOfWork, visit_id: int) -> None:
    for old in uow.session.scalars(
        select(Reminder).where(
            Reminder.subject_type == "visit", Reminder.subject_id == visit_id, Reminder.state == "pending"
        )
    ):
        old.state = "cancelled"


def _follow_up(visit: Visit, actor: Actor) -> FollowUp | None:
    if visit.follow_up_on is None:
        return None
    at = visit.follow_up_at.astimezone(actor.tz).time() if visit.follow_up_at else None
    return FollowUp(on=visit.follow_up_on, at=at)


def _logged(visit: Visit, actor: Actor, follow_up: FollowUp | None) -> VisitLogged:
    return VisitLogged(
        visit_id=visit.id,
        customer=visit.customer.name,
        visited_on=visit.at.astimezone(actor.tz).date(),
        next_step=visit.next_step,
        follow_up=follow_up,
    )


def _schedule(
    uow: UnitOfWork,
    actor: Actor,
    *,
    visit_id: int,
    customer_id: int,
    due: datetime,
    kind: str = "follow_up",
    subject: str = "visit",
) -> int:
    # Core, like the visit: nothing reads the reminder back in this turn (the scheduler scans for it later).
    values = {
        "user_id": actor.id,
        "kind": kind,
        "subject_type": subject,
        "subject_id": visit_id,
        "customer_id": customer_id,
        "due_at": due,
        "state": "pending",
        "created_at": uow.now(),
        "sent_at": None,
    }
    return int(uow.session.connection().execute(_INSERT_REMINDER, values).inserted_primary_key[0])
