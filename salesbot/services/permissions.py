"""Who may see and change which customers. Every channel goes through these, so every channel gets the same rules."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, literal_column, or_, select, true

from salesbot.services.errors import NotAllowed
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import Balance, Customer, ReceivableDay, User


def require_active(actor: Actor) -> None:
    if not actor.active:
        raise NotAllowed("user_left")


def can_see(actor: Actor, customer: Customer) -> bool:
    if actor.role in ("admin", "finance"):
        return True
    return can_change(actor, customer)


def can_change(actor: Actor, customer: Customer) -> bool:
    if not actor.active:
        return False
    if actor.role == "admin":
        return True
    if actor.role == "manager":
        owner = customer.owner
        return owner is None or (actor.team_id is not None and owner.team_id == actor.team_id)
    if actor.role == "rep":
        return customer.owner_id == actor.id
    return False


def require_change(actor: Actor, customer: Customer) -> None:
    require_active(actor)
    if not can_change(actor, customer):
        raise NotAllowed("customer_not_yours", customer=customer.name)


def visible_customers(actor: Actor) -> Select[tuple[Customer]]:
    """A query of the customers this actor may see, not archived."""
    query = select(Customer).where(Customer.archived.is_(False))
    if actor.role in ("admin", "finance"):
        return query
    if actor.role == "manager":
        team_members = select(User.id).where(User.team_id == actor.team_id)
        return query.where(or_(Customer.owner_id.in_(team_members), Customer.owner_id.is_(None)))
    return query.where(Customer.owner_id == actor.id)


def visible_customer(uow: UnitOfWork, actor: Actor) -> ColumnElement[bool]:
    """The condition `visible_customers` puts on Customer, for a query that joins customers itself, with a
    manager's team looked up first: a list of owner ids lets the database walk the owner index, where a subquery
    ORed with "no owner" makes it read every customer (1,000 reps and 100,000 customers: 10x slower)."""
    shown = Customer.archived.is_(False)
    if actor.role in ("admin", "finance"):
        return shown & true()
    if actor.role == "manager":
        members = list(uow.session.scalars(select(User.id).where(User.team_id == actor.team_id)))
        return shown & or_(Customer.owner_id.in_(members), Customer.owner_id.is_(None))
    return shown & (Customer.owner_id == actor.id)


def visible_balances(actor: Actor) -> ColumnElement[bool]:
    """The kept balances (`Balance`) of the customers `visible_customer` lets the actor see, with something owed. The
    owner's team is kept on the row, so a manager's scope needs no lookup of the team's members."""
    # Written as the partial indexes' predicate (a literal zero, `= false`), so PostgreSQL and SQLite can use them.
    owed = (Balance.outstanding > literal_column("0")) & (Balance.archived == false())
    if actor.role in ("admin", "finance"):
        return owed
    if actor.role == "manager":
        if actor.team_id is None:  # as `visible_customer`: the owners with no team, and no owner at all
            return owed & Balance.team_id.is_(None)
        return owed & or_(Balance.team_id == actor.team_id, Balance.owner_id.is_(None))
    return owed & (Balance.owner_id == actor.id)


def visible_days(actor: Actor) -> ColumnElement[bool]:
    """The kept day cells (`ReceivableDay`) a manager, finance or an admin sees. A rep's own customers are not a cell
    of their own: their dues are summed from the installments."""
    if actor.role in ("admin", "finance"):
        return true()
    if actor.role == "manager":
        return or_(ReceivableDay.team_id == (actor.team_id or 0), ReceivableDay.unowned.is_(True))
    raise ValueError(f"no day cells for the scope of a {actor.role}")


def can_collect(actor: Actor, customer: Customer) -> bool:
    """Record a payment or change a due date: whoever may change the customer, and finance for any customer."""
    return can_change(actor, customer) or (actor.active and actor.role == "finance")


def require_collect(actor: Actor, customer: Customer) -> None:
    require_active(actor)
    if not can_collect(actor, customer):
        raise NotAllowed("customer_not_yours", customer=customer.name)


def scope_of(actor: Actor) -> str:
    """How far the actor sees: "own" customers, their "team"'s, or "all"."""
    if actor.role in ("admin", "finance"):
        return "all"
    return "team" if actor.role == "manager" else "own"
