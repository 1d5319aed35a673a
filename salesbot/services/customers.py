"""Customers: the names to match against, creating one, listing one's own."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import lazyload

from salesbot.services import audit, limits, permissions
from salesbot.services.errors import Invalid, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store import names_version as names_version_store
from salesbot.store.models import Customer, CustomerAlias, Deal, Visit


@dataclass(frozen=True)
class CustomerRef:
    id: int
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class CustomerSummary:
    id: int
    name: str
    owner: str | None
    open_deals: int


def all_names(uow: UnitOfWork) -> list[CustomerRef]:
    """Every live customer's name and aliases, for matching what a rep typed.

    All of them, not just the actor's: a rep who names a colleague's customer is told so plainly,
    rather than offered to create a duplicate.
    """
    aliases: dict[int, list[str]] = {}
    for cid, alias in uow.session.execute(
        select(CustomerAlias.customer_id, CustomerAlias.alias).order_by(CustomerAlias.id)
    ):
        aliases.setdefault(cid, []).append(alias)
    rows = uow.session.execute(
        select(Customer.id, Customer.name).where(Customer.archived.is_(False)).order_by(Customer.id)
    )
    return [CustomerRef(cid, name, tuple(aliases.get(cid, ()))) for cid, name in rows]


def names_version(uow: UnitOfWork) -> str:
    """Changes whenever a customer or alias is added, renamed or archived: a cache of the names is good while it holds.

    A counter row bumped in the same transaction as the change (salesbot.store.names_version), read by its key: the
    same cost at 100,000 customers as at 200 (counting them was 10 ms a message there).
    """
    return names_version_store.read(uow.session.connection())


def names_changed_here(uow: UnitOfWork) -> bool:
    """Whether this unit of work has changed customer names it has not committed: a cache of them must wait."""
    return names_version_store.changed_in(uow.session)


# Changing a customer needs neither its aliases nor (except for a manager's permission check) its owner, which
# the model loads eagerly: here they load only if asked for. The whole statement is built once: session.get
# would build a select and its loader options' cache key on every call (~0.35 ms, against ~0.16 ms for this).
_FOR_CHANGE = (
    select(Customer)
    .where(Customer.id == bindparam("customer_id"))
    .options(lazyload(Customer.aliases), lazyload(Customer.owner))
)


def shown_here(uow: UnitOfWork, scope: permissions.Scope, customer_ids: list[int]) -> set[int]:
    """Of these customers, those a message in this chat may name (`permissions.shown_in`): in a group, only the
    group's team's, whoever asks."""
    if not scope.group or not customer_ids:
        return set(customer_ids)
    rows = uow.session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))
    return {c.id for c in rows if permissions.shown_in(scope, c)}


def get_for_change(uow: UnitOfWork, actor: Actor, customer_id: int) -> Customer:
    customer = uow.session.execute(_FOR_CHANGE, {"customer_id": customer_id}).scalar_one_or_none()
    if customer is None or customer.archived:
        raise NotFound("customer_not_found", customer_id=customer_id)
    permissions.require_change(actor, customer)
    return customer


def get_for_collection(uow: UnitOfWork, actor: Actor, customer_id: int) -> Customer:
    """A customer whose money this actor may record or reschedule: the rep's, the team's, or any for finance."""
    customer = uow.session.execute(_FOR_CHANGE, {"customer_id": customer_id}).scalar_one_or_none()
    if customer is None or customer.archived:
        raise NotFound("customer_not_found", customer_id=customer_id)
    permissions.require_collect(actor, customer)
    return customer


def create(uow: UnitOfWork, actor: Actor, *, name: str, aliases: tuple[str, ...] = ()) -> CustomerRef:
    permissions.require_active(actor)
    if actor.role == "finance":
        raise Invalid("finance_cannot_own")
    name = limits.name(name)
    aliases = tuple(limits.name(a) for a in aliases)
    if not name:
        raise Invalid("customer_name_empty")
    clash = uow.session.scalar(select(Customer).where(func.lower(Customer.name) == name.lower()))
    if clash is not None:
        raise Invalid("customer_exists", customer=clash.name)
    customer = Customer(name=name, owner_id=actor.id, archived=False, created_at=uow.now())
    customer.aliases = [CustomerAlias(alias=a) for a in aliases if a and a != name]
    uow.session.add(customer)
    uow.session.flush()
    audit.record(
        uow,
        actor_id=actor.id,
        entity="customer",
        entity_id=customer.id,
        action="create",
        before=None,
        after=audit.snapshot(customer) | {"aliases": list(aliases)},
    )
    return CustomerRef(customer.id, customer.name, tuple(aliases))


def archive_new(uow: UnitOfWork, actor: Actor, *, customer_id: int) -> str:
    """Undo a customer created by mistake: archived (never deleted), while nothing has been recorded for it."""
    customer = get_for_change(uow, actor, customer_id)
    used = (
        select(Deal.id)
        .where(Deal.customer_id == customer.id)
        .union_all(select(Visit.id).where(Visit.customer_id == customer.id, Visit.archived.is_(False)))
    )
    if uow.session.scalar(used.limit(1)) is not None:
        raise Invalid("undo_customer_in_use", customer=customer.name)
    before = audit.snapshot(customer)
    customer.archived = True
    audit.record(
        uow,
        actor_id=actor.id,
        entity="customer",
        entity_id=customer.id,
        action="archive",
        before=before,
        after=audit.snapshot(customer),
    )
    return customer.name


def list_mine(
    uow: UnitOfWork, actor: Actor, *, limit: int = 50, scope: permissions.Scope | None = None
) -> list[CustomerSummary]:
    """The customers the actor may see (in `scope`: where the answer goes), by name."""
    permissions.require_active(actor)
    open_deals = (
        select(Deal.customer_id, func.count().label("n"))
        .where(Deal.stage.notin_(("won", "lost")), Deal.archived.is_(False))
        .group_by(Deal.customer_id)
        .subquery()
    )
    query = (
        permissions.visible_customers(scope or actor)
        .add_columns(func.coalesce(open_deals.c.n, 0))
        .outerjoin(open_deals, open_deals.c.customer_id == Customer.id)
        .order_by(Customer.name)
        .limit(limit)
    )
    return [CustomerSummary(c.id, c.name, c.owner.name if c.owner else None, n) for c, n in uow.session.execute(query)]
