"""Field work kept with the visit it documents: photos, documents, voice notes and check-in locations.

Reps send these in either order. Sent within a short while after logging a visit, an item joins that
visit; sent before it (a photo taken at the door, then the sentence typed in the car), it is kept loose
and joins the next visit the same rep logs within a few hours. Nothing a rep sends is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from salesbot.services import audit
from salesbot.services.errors import Invalid
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import Attachment, Contract, Customer, Visit

KINDS = ("photo", "document", "voice", "audio", "video", "location")
# "Right after a visit": long enough to walk out of the meeting room and share a location.
JOINS_LAST_VISIT = timedelta(minutes=30)
# A loose item waits this long for its visit; after that it stays kept, on its own.
WAITS_FOR_VISIT = timedelta(hours=3)


@dataclass(frozen=True)
class Item:
    """What the rep sent: a file (kind, file id and metadata) or a location (kind "location")."""

    kind: str
    platform: str
    file_id: str | None = None
    file_unique_id: str | None = None
    file_name: str | None = None
    mime: str | None = None
    size: int | None = None
    duration: int | None = None
    caption: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(frozen=True)
class Kept:
    attachment_id: int
    kind: str
    subject_type: str | None  # "visit" or "contract"; None: kept loose, waiting for the next visit
    customer: str | None
    at: datetime | None  # when the visit was, or the contract submitted


def keep(uow: UnitOfWork, actor: Actor, item: Item, *, hold: bool = False, contract_id: int | None = None) -> Kept:
    """Store what the rep sent: with the contract it came with, else with their visit if logged just now.

    `hold` keeps it loose even so: the rep is in the middle of logging another visit, which it belongs to.
    """
    _check(item)
    now = uow.now()
    row = Attachment(
        user_id=actor.id,
        kind=item.kind,
        platform=item.platform,
        file_id=item.file_id,
        file_unique_id=item.file_unique_id,
        file_name=item.file_name,
        mime=item.mime,
        size=item.size,
        duration=item.duration,
        caption=item.caption or None,
        latitude=item.latitude,
        longitude=item.longitude,
        created_at=now,
    )
    uow.session.add(row)
    uow.session.flush()
    audit.record(
        uow,
        actor_id=actor.id,
        entity="attachment",
        entity_id=row.id,
        action="create",
        before=None,
        after=audit.snapshot(row),
    )
    if contract_id is not None:
        contract = uow.session.get_one(Contract, contract_id)
        _attach(uow, actor, row, "contract", contract.id)
        return Kept(row.id, row.kind, "contract", contract.customer.name, contract.submitted_at)
    visit = None if hold else _latest_visit(uow, actor, since=now - JOINS_LAST_VISIT)
    if visit is None:
        return Kept(row.id, row.kind, None, None, None)
    _attach(uow, actor, row, "visit", visit.id)
    return Kept(row.id, row.kind, "visit", visit.customer.name, visit.at)


def adopt_loose(uow: UnitOfWork, actor: Actor, visit: Visit) -> int:
    """A visit just logged takes the rep's loose items from the last few hours; returns how many."""
    loose = uow.session.scalars(
        select(Attachment)
        .where(
            Attachment.user_id == actor.id,
            Attachment.subject_id.is_(None),
            Attachment.created_at >= uow.now() - WAITS_FOR_VISIT,
        )
        .order_by(Attachment.id)
    ).all()
    for row in loose:
        _attach(uow, actor, row, "visit", visit.id)
    return len(loose)


def of(uow: UnitOfWork, subject_type: str, subject_id: int) -> list[Attachment]:
    return list(
        uow.session.scalars(
            select(Attachment)
            .where(Attachment.subject_type == subject_type, Attachment.subject_id == subject_id)
            .order_by(Attachment.id)
        )
    )


def _attach(uow: UnitOfWork, actor: Actor, row: Attachment, subject_type: str, subject_id: int) -> None:
    before = audit.snapshot(row)
    row.subject_type, row.subject_id, row.attached_at = subject_type, subject_id, uow.now()
    audit.record(
        uow,
        actor_id=actor.id,
        entity="attachment",
        entity_id=row.id,
        action="attach",
        before=before,
        after=audit.snapshot(row),
    )


def _latest_visit(uow: UnitOfWork, actor: Actor, *, since: datetime) -> Visit | None:
    return uow.session.scalar(
        select(Visit)
        .join(Customer, Customer.id == Visit.customer_id)
        .where(Visit.user_id == actor.id, Visit.at >= since, Visit.archived.is_(False), Customer.archived.is_(False))
        .order_by(Visit.at.desc(), Visit.id.desc())
        .limit(1)
    )


def _check(item: Item) -> None:
    if item.kind not in KINDS:
        raise Invalid("attachment_kind", kind=item.kind)
    if item.kind == "location":
        if item.latitude is None or item.longitude is None:
            raise Invalid("location_invalid")
        if not (-90 <= item.latitude <= 90 and -180 <= item.longitude <= 180):
            raise Invalid("location_invalid")
    elif not item.file_id:
        raise Invalid("attachment_no_file")
