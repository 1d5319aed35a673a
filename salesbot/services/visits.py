"""Logging a visit and setting its follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from salesbot.services import attachments, audit, customers
from salesbot.services.dates import due_instant
from salesbot.services.errors import NotAllowed, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import Reminder, Visit


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
) -> VisitLogged:
    """Record a visit now; with a follow-up, also the reminder that will bring it back.

    The follow-up is checked before anything is written, so a date in the past refuses the whole
    message and the rep can say it again with a better date.
    """
    customer = customers.get_for_change(uow, actor, customer_id)
    now = uow.now()
    due = None
    if follow_up is not None:
        due = due_instant(follow_up.on, follow_up.at, tz=actor.tz, now=now, morning_hour=uow.settings.morning_hour)
    visit = Visit(
        user_id=actor.id,
        customer_id=customer.id,
        at=now,
        notes=notes,
        next_step=next_step or None,
        follow_up_on=follow_up.on if follow_up else None,
        follow_up_at=due if follow_up and follow_up.at else None,
    )
    uow.session.add(visit)
    uow.session.flush()
    audit.record(
        uow,
        actor_id=actor.id,
        entity="visit",
        entity_id=visit.id,
        action="create",
        before=None,
        after=audit.snapshot(visit),
    )
    if follow_up is not None and due is not None:
        _schedule(uow, actor, visit, due)
    adopted = attachments.adopt_loose(uow, actor, visit)
    return _logged(visit, actor, follow_up, attachments=adopted)


def set_follow_up(uow: UnitOfWork, actor: Actor, *, visit_id: int, follow_up: FollowUp | None) -> VisitLogged:
    """Set, move or (with None) clear a visit's follow-up; the old reminder is cancelled, never deleted."""
    visit = uow.session.get(Visit, visit_id)
    if visit is None:
        raise NotFound("visit_not_found", visit_id=visit_id)
    customers.get_for_change(uow, actor, visit.customer_id)
    if visit.user_id != actor.id and actor.role == "rep":
        raise NotAllowed("visit_not_yours")
    due = None
    if follow_up is not None:
        due = due_instant(
            follow_up.on, follow_up.at, tz=actor.tz, now=uow.now(), morning_hour=uow.settings.morning_hour
        )
    before = audit.snapshot(visit)
    for old in uow.session.scalars(
        select(Reminder).where(
            Reminder.subject_type == "visit", Reminder.subject_id == visit.id, Reminder.state == "pending"
        )
    ):
        old.state = "cancelled"
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
        _schedule(uow, actor, visit, due)
    return _logged(visit, actor, follow_up)


def _schedule(uow: UnitOfWork, actor: Actor, visit: Visit, due: datetime) -> None:
    uow.session.add(
        Reminder(
            user_id=actor.id,
            kind="follow_up",
            subject_type="visit",
            subject_id=visit.id,
            customer_id=visit.customer_id,
            due_at=due,
            state="pending",
            created_at=uow.now(),
        )
    )


def _logged(visit: Visit, actor: Actor, follow_up: FollowUp | None, *, attachments: int = 0) -> VisitLogged:
    return VisitLogged(
        visit_id=visit.id,
        customer=visit.customer.name,
        visited_on=visit.at.astimezone(actor.tz).date(),
        next_step=visit.next_step,
        follow_up=follow_up,
        attachments=attachments,
    )
