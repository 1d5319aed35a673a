"""Who may see and change which customers. Every channel goes through these, so every channel gets the same rules.

What an answer may show depends on where it is posted as well as on who asks: a `Scope`, computed from the actor
and the chat, is what the read queries take. In a private chat it is the actor's own reach; in a team's group it
never goes past that team, whoever asks (everyone in the chat reads the answer), and exports stay private.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false, literal_column, or_, select, true

from salesbot.services.errors import NotAllowed
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import Balance, Customer, ReceivableDay, User


@dataclass(frozen=True)
class Scope:
    """How far an answer reaches: the asker's "own" customers, one "team"'s (with the customers nobody owns), or
    "all". `group` says the answer is posted in a group chat, where company-wide figures and files never go."""

    kind: str
    user_id: int
    team_id: int | None = None
    group: bool = False

    @classmethod
    def private(cls, actor: Actor) -> Scope:
        """In a private chat: what the actor may see."""
        return cls(scope_of(actor), actor.id, actor.team_id)

    @classmethod
    def in_group(cls, actor: Actor, team_id: int | None) -> Scope:
        """In the group of team `team_id`: at most that team, whoever asks. A rep's answers are their own anyway;
        a group linked to no team shows only what is the asker's own."""
        if actor.role == "rep" or team_id is None:
            return cls("own", actor.id, team_id, group=True)
        if actor.role == "manager" and actor.team_id != team_id:
            return cls("own", actor.id, team_id, group=True)  # another team's group: no more than in private
        return cls("team", actor.id, team_id, group=True)


def team_here(scope: Scope, actor: Actor) -> int | None:
    """For an answer that covers a team (losses, quiet accounts, usage, figures): the team it may cover. In a private
    chat None (the asker's own reach). In a group, its team, for whoever may see that team; a rep's answer is their
    own wherever they ask. Anyone else (a group linked to no team, a manager in another team's group) is asked to
    ask in private: everyone in the chat would read the answer."""
    if not scope.group:
        return None
    if actor.role != "rep" and scope.kind != "team":
        raise NotAllowed("group_private_only")
    return scope.team_id


def shown_in(scope: Scope, customer: Customer) -> bool:
    """Whether a message in this chat may name this customer (offered as a pick, told about): in a private chat,
    any the asker may see; in a group, the group's team's customers and the team's pool, whoever asks."""
    if not scope.group:
        return True
    if scope.team_id is None:
        return customer.owner_id == scope.user_id
    owner = customer.owner
    return owner is None or owner.team_id == scope.team_id


def _scope(who: Actor | Scope) -> Scope:
    return who if isinstance(who, Scope) else Scope.private(who)


def in_scope(who: Actor | Scope, customer: Customer) -> bool:
    """Whether an answer in this scope may show this customer."""
    scope = _scope(who)
    if customer.archived:
        return False
    if scope.kind == "all":
        return True
    if scope.kind == "team":
        owner = customer.owner
        return owner is None or owner.team_id == scope.team_id
    return customer.owner_id == scope.user_id


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


def visible_customers(who: Actor | Scope) -> Select[tuple[Customer]]:
    """A query of the customers this actor (or scope) may see, not archived."""
    scope = _scope(who)
    query = select(Customer).where(Customer.archived.is_(False))
    if scope.kind == "all":
        return query
    if scope.kind == "team":
        team_members = select(User.id).where(User.team_id == scope.team_id)
        return query.where(or_(Customer.owner_id.in_(team_members), Customer.owner_id.is_(None)))
    return query.where(Customer.owner_id == scope.user_id)


def visible_customer(uow: UnitOfWork, who: Actor | Scope) -> ColumnElement[bool]:
    """The condition `visible_customers` puts on Customer, for a query that joins customers itself, with a
    manager's team looked up first: a list of owner ids lets the database walk the owner index, where a subquery
    ORed with "no owner" makes it read every customer (1,000 reps and 100,000 customers: 10x slower)."""
    scope = _scope(who)
    shown = Customer.archived.is_(False)
    if scope.kind == "all":
        return shown & true()
    if scope.kind == "team":
        members = list(uow.session.scalars(select(User.id).where(User.team_id == scope.team_id)))
        return shown & or_(Customer.owner_id.in_(members), Customer.owner_id.is_(None))
    return shown & (Customer.owner_id == scope.user_id)


def visible_balances(who: Actor | Scope) -> ColumnElement[bool]:
    """The kept balances (`Balance`) of the customers `visible_customer` lets the actor see, with something owed. The
    owner's team is kept on the row, so a manager's scope needs no lookup of the team's members."""
    scope = _scope(who)
    # Written as the partial indexes' predicate (a literal zero, `= false`), so PostgreSQL and SQLite can use them.
    owed = (Balance.outstanding > literal_column("0")) & (Balance.archived == false())
    if scope.kind == "all":
        return owed
    if scope.kind == "team":
        if scope.team_id is None:  # as `visible_customer`: the owners with no team, and no owner at all
            return owed & Balance.team_id.is_(None)
        return owed & or_(Balance.team_id == scope.team_id, Balance.owner_id.is_(None))
    return owed & (Balance.owner_id == scope.user_id)


def visible_days(who: Actor | Scope) -> ColumnElement[bool]:
    """The kept day cells (`ReceivableDay`) a team's or the whole company's scope sees. A rep's own customers are
    not a cell of their own: their dues are summed from the installments."""
    scope = _scope(who)
    if scope.kind == "all":
        return true()
    if scope.kind == "team":
        return or_(ReceivableDay.team_id == (scope.team_id or 0), ReceivableDay.unowned.is_(True))
    raise ValueError(f"no day cells for the scope {scope.kind}")


def can_collect(actor: Actor, customer: Customer) -> bool:
    """Record a payment or change a due date: whoever may change the customer, and finance for any customer."""
    return can_change(actor, customer) or (actor.active and actor.role == "finance")


def require_collect(actor: Actor, customer: Customer) -> None:
    require_active(actor)
    if not can_collect(actor, customer):
        raise NotAllowed("customer_not_yours", customer=customer.name)


def scope_of(who: Actor | Scope) -> str:
    """How far the actor (or scope) sees: "own" customers, a "team"'s, or "all"."""
    if isinstance(who, Scope):
        return who.kind
    if who.role in ("admin", "finance"):
        return "all"
    return "team" if who.role == "manager" else "own"
