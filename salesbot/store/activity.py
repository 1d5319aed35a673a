"""The kept last activity of each customer (`customer_activity`, issue 20): recomputed from its visits, payments and
contracts in every transaction that changes them, as `salesbot.store.balances` keeps the balances, so no service
has to remember it.

"Which customers have gone quiet?" over a team of 10,000 customers and 100,000 visits would otherwise take the
latest visit of each customer at every scan. Session events note the customers a transaction touched (a visit,
payment or contract added or changed; a customer's owner, pool or archived flag; a user's team) and, just before
it commits, their rows are computed again from the source tables with one INSERT … ON CONFLICT DO UPDATE each.

Two transactions touching the same customer at once may each write a row from their own snapshot; the row a later
one writes is at least as recent as the activity it added, and the next activity of that customer (or `rebuild`)
sets it right. A quiet customer is measured in days, so a row an instant behind changes nothing that is said.

Writes that bypass the ORM (COPY, raw SQL) are not seen: call `rebuild` after them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Connection, Select, bindparam, event, func, select, union_all
from sqlalchemy.orm import Session, aliased, sessionmaker
from sqlalchemy.orm.attributes import get_history

from salesbot.store.inserts import insert_for
from salesbot.store.models import Contract, Customer, CustomerActivity, Payment, User, Visit

_INFO = "salesbot.kept_activity"
_CHUNK = 500
_SOURCES = (Visit, Payment, Contract)


def keep(factory: sessionmaker[Session]) -> None:
    """Keep each customer's last activity current in every session `factory` makes."""
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "after_transaction_end", _after_transaction_end)


def rebuild(connection: Connection) -> None:
    """Recompute every customer's row (after writes that bypassed the ORM, or to repair)."""
    connection.execute(_upsert(connection.dialect.name, every=True))


def _after_flush(session: Session, _context: Any) -> None:
    customers: set[int] = session.info.setdefault(_INFO, set())
    teams: set[int] = session.info.setdefault(_INFO + ".users", set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _SOURCES):
            customers.add(obj.customer_id)
        elif isinstance(obj, Customer):
            if obj in session.new or _changed(obj, ("owner_id", "archived", "pool_team_id", "created_at", "name")):
                customers.add(obj.id)
        elif isinstance(obj, User) and obj not in session.new and _changed(obj, ("team_id",)):
            teams.add(obj.id)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()
    customers: set[int] = session.info.pop(_INFO, set())
    users: set[int] = session.info.pop(_INFO + ".users", set())
    connection = session.connection()
    for ids in _chunks(users):
        customers.update(connection.scalars(select(Customer.id).where(Customer.owner_id.in_(ids))))
    upsert = _upsert(connection.dialect.name, every=False)
    for ids in _chunks(customers):
        connection.execute(upsert, {"ids": ids})


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_INFO, None)
        session.info.pop(_INFO + ".users", None)


def _changed(obj: object, attributes: tuple[str, ...]) -> bool:
    return any(get_history(obj, name).has_changes() for name in attributes)


def _activity_of(ids: BindParameter[Any] | None = None) -> Select[Any]:
    """(customer, last activity, name, owner, team, archived) of the customers `ids` (all: None). A visit taken back
    (undo) does not count; a contract counts from its submission, a payment from when it was recorded."""
    touch = union_all(
        select(Visit.customer_id.label("customer_id"), Visit.at.label("at")).where(Visit.archived.is_(False)),
        select(Payment.customer_id, Payment.created_at).where(Payment.state != "rejected"),
        select(Contract.customer_id, Contract.submitted_at),
    ).subquery()
    latest = select(touch.c.customer_id, func.max(touch.c.at).label("at")).group_by(touch.c.customer_id)
    if ids is not None:
        latest = latest.where(touch.c.customer_id.in_(ids))
    last = latest.subquery()
    owner = aliased(User)
    query = (
        select(
            Customer.id,
            func.coalesce(last.c.at, Customer.created_at),
            Customer.name,
            Customer.owner_id,
            func.coalesce(owner.team_id, Customer.pool_team_id),
            Customer.archived,
        )
        .outerjoin(last, last.c.customer_id == Customer.id)
        .outerjoin(owner, owner.id == Customer.owner_id)
    )
    # Always a WHERE: SQLite reads "INSERT … SELECT … JOIN … ON CONFLICT" as the join's ON without one.
    return query.where(Customer.id.in_(ids) if ids is not None else Customer.id.is_not(None))


@cache
def _upsert(dialect: str, *, every: bool) -> Any:
    """The upsert of the customers bound as `ids` (or of every customer), built once per dialect: it runs in every
    transaction that touches a customer's activity, and building it costs more than running it."""
    rows = _activity_of(None if every else bindparam("ids", expanding=True))
    table = CustomerActivity.__table__
    insert = insert_for(dialect)(table).from_select(
        ["customer_id", "last_at", "customer", "owner_id", "team_id", "archived"], rows
    )
    excluded = insert.excluded
    return (
        insert.on_conflict_do_update(
            index_elements=["customer_id"],
            set_={
                "last_at": excluded.last_at,
                "customer": excluded.customer,
                "owner_id": excluded.owner_id,
                "team_id": excluded.team_id,
                "archived": excluded.archived,
            },
        )
    )


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def touched(session: Session, customer_id: int) -> None:
    """A customer's activity written with Core (a visit, inserted without the ORM for speed), which the session
    events cannot see: recomputed at commit with the rest."""
    session.info.setdefault(_INFO, set()).add(customer_id)
