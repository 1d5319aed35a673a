"""The kept balances (`balances`, `receivable_days`): recomputed from the installments in every transaction that
changes what they sum, so no service has to remember them.

"Who owes us" ranks customers by what they owe and totals what is overdue; on a big book (200,000 open installments)
summing the installments at every question costs 0.4 s. So the sums are kept. They are never adjusted by a delta a
service works out: session events note what a transaction changed (installments; a contract's customer or status; a
customer's owner, name or archived flag; a user's team), and just before it commits, the balance rows of the
customers concerned and the day cells of the (currency, due day) columns concerned are computed again from the
installments, with INSERT … SELECT … ON CONFLICT DO UPDATE, after the rows and cells that had something are set to
zero (nothing is deleted: a row or cell that owes nothing more stays at zero).

Concurrency (PostgreSQL, READ COMMITTED): two transactions that change the same customer's installments would each
recompute its balance from a snapshot without the other's change, and the later writer would undo the earlier one.
So before recomputing, a transaction takes transaction-scoped advisory locks, always in the same order (so no two
can wait on each other): LOCK_ALL shared, the users whose team changed or whose customers were handed over, then the
customers, then the (currency, due day) columns, each set sorted. The statements that recompute run after the locks
are held, so each sees everything committed by whoever held them before. A column is recomputed whole, for every
team: which team a due day's money belongs to changes with a customer's owner or a user's team, which another
transaction may be changing at the same time, while the column of an installment only changes by a change to that
installment, which this transaction knows exactly. The price: a write re-reads every open installment due on the
days it touches, whoever's they are (~550 a day on a book of 200,000; 5-10 ms a day on PostgreSQL). `rebuild` takes
LOCK_ALL alone, so it waits for the recomputes under way and holds back new ones. SQLite needs no locks: a writer
holds the database from BEGIN IMMEDIATE to commit.

Writes that bypass the ORM (COPY, raw SQL, a Core UPDATE of these tables) are not seen: call `rebuild` after them.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, event, false, func, inspect, literal_column, select, text, union, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import get_history

from salesbot.store.inserts import insert_for
from salesbot.store.models import Balance, Contract, Customer, Installment, ReceivableDay, User

# The attributes an installment's, contract's, customer's or user's contribution to the sums depends on.
WATCHED: dict[type, tuple[str, ...]] = {
    Installment: ("contract_id", "currency", "due_on", "amount", "paid", "state"),
    Contract: ("customer_id", "status"),
    Customer: ("owner_id", "archived", "name"),
    User: ("team_id",),
}
# Past this many customers or installments in one transaction (a big import), everything is recomputed instead: one
# pass over the installments beats thousands of keyed ones, and PostgreSQL's lock table is not flooded.
BULK = 500
# The first key of each kind of advisory lock (the two-integer form, which never meets a one-bigint lock such as the
# scheduler's leader lock). LOCK_ALL is taken shared by every recompute and alone by `rebuild`.
LOCK_ALL, LOCK_USERS, LOCK_CUSTOMERS, LOCK_COLUMNS = 7_300, 7_301, 7_302, 7_303
_INFO = "salesbot.kept_balances"
_CHUNK = 500  # ids per IN list: SQLite's older builds allow 999 parameters a statement


@dataclass
class Touched:
    """What a transaction changed that the kept sums depend on, as plain ids (objects may be gone by commit)."""

    installments: set[int] = field(default_factory=set)  # added, changed or deleted
    columns: set[tuple[str, date]] = field(default_factory=set)  # (currency, due day) they were in before
    owing: set[int] = field(default_factory=set)  # the contracts they are or were under: whose balances change
    contracts: set[int] = field(default_factory=set)  # whose customer or status changed
    customers: set[int] = field(default_factory=set)  # whose balances are recomputed (and, via `owing`, more)
    regrouped: set[int] = field(default_factory=set)  # customers whose owner or archived flag changed
    owners: set[int] = field(default_factory=set)  # users who gave or got customers
    team_changed: set[int] = field(default_factory=set)  # users whose team changed: all their customers regroup

    def __bool__(self) -> bool:
        return bool(self.installments or self.contracts or self.customers or self.team_changed)


def keep(factory: sessionmaker[Session]) -> None:
    """Keep the balances current in every session `factory` makes."""
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "after_transaction_end", _after_transaction_end)


def rebuild(connection: Connection) -> None:
    """Recompute every balance and day cell from the installments (after writes that bypassed the ORM, or to repair).
    On PostgreSQL it waits for the transactions recomputing some, and holds back new ones until it ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:kind, 0)"), {"kind": LOCK_ALL})
    connection.execute(update(ReceivableDay).where(ReceivableDay.installments > 0).values(_ZERO_DAY))
    connection.execute(update(Balance).where(Balance.installments > 0).values(_ZERO_BALANCE))
    _upsert_days(connection, _days_of())
    _upsert_balances(connection, _balances_of())


def differences(connection: Connection) -> list[str]:
    """Where the kept tables disagree with the installments, one line each (none: they agree)."""
    b = Balance.__table__.c
    kept_balances = connection.execute(
        select(b.customer_id, b.currency, b.customer, b.owner_id, b.team_id, b.archived, b.outstanding, b.first_due,
               b.installments).where(b.installments > 0)
    )  # fmt: skip
    found = _compare("balance", kept_balances, connection.execute(_balances_of()), key=2)
    d = ReceivableDay.__table__.c
    kept_days = connection.execute(
        select(d.currency, d.due_on, d.team_id, d.unowned, d.outstanding, d.installments).where(d.installments > 0)
    )
    return found + _compare("day", kept_days, connection.execute(_days_of()), key=4)


# ---------------------------------------------------------------------------------------------------- the events


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Note what the rows about to change held until now; the database still has it, whatever attributes a service
    set without loading them first."""
    changed: dict[type, list[int]] = {kind: [] for kind in WATCHED}
    regrouped: list[int] = []
    for obj in (*session.dirty, *session.deleted):
        kind = type(obj)
        if kind not in WATCHED:
            continue
        identity = inspect(obj).identity  # not `obj.id`: an expired row would be loaded for it
        if identity is None:
            continue
        if obj in session.deleted or _changed(obj, WATCHED[kind]):
            changed[kind].append(identity[0])
            if kind is Customer and (obj in session.deleted or _changed(obj, ("owner_id", "archived"))):
                regrouped.append(identity[0])
    if not any(changed.values()):
        return
    touched = _touched(session)
    for ids in _chunks(changed[Installment]):
        for contract_id, currency, due_on in session.execute(
            select(Installment.contract_id, Installment.currency, Installment.due_on).where(Installment.id.in_(ids))
        ):
            touched.owing.add(contract_id)
            touched.columns.add((currency, due_on))
        touched.installments.update(ids)
    for ids in _chunks(changed[Contract]):
        touched.customers.update(session.scalars(select(Contract.customer_id).where(Contract.id.in_(ids))))
        touched.contracts.update(ids)
    for ids in _chunks(changed[Customer]):
        touched.owners.update(
            owner for owner in session.scalars(select(Customer.owner_id).where(Customer.id.in_(ids))) if owner
        )
        touched.customers.update(ids)
    touched.regrouped.update(regrouped)
    touched.team_changed.update(changed[User])


def _after_flush(session: Session, _context: Any) -> None:
    """Note what the changed rows hold now (new rows have their ids by now)."""
    for obj in session.new:
        if isinstance(obj, Installment):
            touched = _touched(session)
            touched.installments.add(obj.id)
            touched.owing.add(obj.contract_id)
    for obj in session.dirty:
        kind = type(obj)
        if kind not in WATCHED or not _changed(obj, WATCHED[kind]):
            continue
        touched = _touched(session)
        if isinstance(obj, Installment):
            touched.owing.add(obj.contract_id)
        elif isinstance(obj, Contract):
            touched.customers.add(obj.customer_id)
        elif isinstance(obj, Customer) and obj.owner_id is not None:
            touched.owners.add(obj.owner_id)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the whole transaction is recomputed once, at its end
        return
    session.flush()  # commit flushes after this event: what is still pending must be noted first
    touched = session.info.pop(_INFO, None)
    if touched:
        _refresh(session.connection(), touched)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # rolled back or committed: what was noted is no longer anyone's to recompute
        session.info.pop(_INFO, None)


def _touched(session: Session) -> Touched:
    touched = session.info.get(_INFO)
    if touched is None:
        touched = session.info[_INFO] = Touched()
    return touched


def _changed(obj: object, attributes: tuple[str, ...]) -> bool:
    return any(get_history(obj, name).has_changes() for name in attributes)


# ---------------------------------------------------------------------------------------------------- recomputing


def _refresh(connection: Connection, touched: Touched) -> None:
    """Recompute the balances of the customers `touched` concerns and the day columns it concerns, under locks."""
    locking = connection.dialect.name == "postgresql"
    customers = set(touched.customers)
    for ids in _chunks(touched.owing | touched.contracts):
        customers.update(connection.scalars(select(Contract.customer_id).where(Contract.id.in_(ids))))
    moving = sum(  # the customers of users changing team, counted before their locks: only to choose the way
        connection.scalar(select(func.count()).where(Customer.owner_id.in_(ids))) or 0
        for ids in _chunks(touched.team_changed)
    )
    if len(customers) + moving > BULK or len(touched.installments) > BULK:
        rebuild(connection)
        return
    regrouped = set(touched.regrouped)
    users = [(LOCK_USERS, user) for user in touched.owners | touched.team_changed]
    if touched.team_changed:
        # Their customers are read under the users' locks: nobody is handing them customers meanwhile.
        if locking:
            _lock(connection, users, first=True)
        for ids in _chunks(touched.team_changed):
            regrouped.update(connection.scalars(select(Customer.id).where(Customer.owner_id.in_(ids))))
        customers |= regrouped
        users = []
    if locking:
        _lock(connection, [*users, *((LOCK_CUSTOMERS, c) for c in customers)], first=not touched.team_changed)
    columns = set(touched.columns) | _columns(connection, touched, regrouped)
    currencies = sorted({currency for currency, _ in columns})
    days = sorted({day for _, day in columns})
    if locking:
        # Every (currency, day) pair is recomputed below, so every pair is locked, not only those in `columns`.
        _lock(connection, [(LOCK_COLUMNS, _column_key(c, d)) for c in currencies for d in days])
    for some in _chunks(days):
        in_columns = (ReceivableDay.currency.in_(currencies), ReceivableDay.due_on.in_(some))
        connection.execute(update(ReceivableDay).where(*in_columns, ReceivableDay.installments > 0).values(_ZERO_DAY))
        _upsert_days(connection, _days_of().where(Installment.currency.in_(currencies), Installment.due_on.in_(some)))
    for ids in _chunks(customers):
        connection.execute(
            update(Balance).where(Balance.customer_id.in_(ids), Balance.installments > 0).values(_ZERO_BALANCE)
        )
        _upsert_balances(connection, _balances_of().where(Customer.id.in_(ids)))


def _columns(connection: Connection, touched: Touched, regrouped: set[int]) -> set[tuple[str, date]]:
    """The (currency, due day) columns whose cells the transaction changed, besides those its installments left
    (noted before they changed): where the touched installments are now, paid or not; every installment of a
    contract whose status or customer changed; and what the regrouped customers owe, which moved between teams (or
    in or out of the sums, archived). Read under the customers' locks: nobody else changes their installments now.
    One statement, each part on an index of its own."""
    at = (Installment.currency, Installment.due_on)
    parts = [
        *(select(*at).where(Installment.id.in_(ids)) for ids in _chunks(touched.installments)),
        *(select(*at).where(Installment.contract_id.in_(ids)) for ids in _chunks(touched.contracts)),
        *(
            select(*at)
            .join(Contract, Contract.id == Installment.contract_id)
            .where(*_OWED, Contract.customer_id.in_(ids))
            for ids in _chunks(regrouped)
        ),
    ]
    if not parts:
        return set()
    return {(currency, day) for currency, day in connection.execute(union(*parts))}


# An installment is owed while it is open, not fully paid, and its contract active (as `receivables` counts it).
_OWED = (Installment.state == "open", Installment.amount > Installment.paid, Contract.status == "active")
_ZERO_DAY = {"outstanding": Decimal(0), "installments": 0}
_ZERO_BALANCE = {"outstanding": Decimal(0), "installments": 0, "first_due": None}
_NO_TEAM = literal_column("0")  # inline, not a parameter: GROUP BY must see the same expression as SELECT


def _owed_rows(*columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(Installment)
        .join(Contract, Contract.id == Installment.contract_id)
        .join(Customer, Customer.id == Contract.customer_id)
        .outerjoin(User, User.id == Customer.owner_id)
        .where(*_OWED)
    )


def _balances_of() -> Select[Any]:
    """Per customer and currency, from the installments: the columns of `balances`, in its order."""
    keys = (Customer.id, Installment.currency, Customer.name, Customer.owner_id, User.team_id, Customer.archived)
    return _owed_rows(
        *keys,
        func.sum(Installment.amount - Installment.paid),
        func.min(Installment.due_on),
        func.count(),
    ).group_by(*keys)


def _days_of() -> Select[Any]:
    """Per currency, due day, team and unowned, from the installments of customers not archived."""
    team = func.coalesce(User.team_id, _NO_TEAM)
    keys = (Installment.currency, Installment.due_on, team, Customer.owner_id.is_(None))
    return (
        _owed_rows(*keys, func.sum(Installment.amount - Installment.paid), func.count())
        .where(Customer.archived == false())
        .group_by(*keys)
    )


def _upsert_balances(connection: Connection, rows: Select[Any]) -> None:
    table = Balance.__table__
    names = ["customer_id", "currency", "customer", "owner_id", "team_id", "archived", "outstanding", "first_due",
             "installments"]  # fmt: skip
    insert = insert_for(connection.dialect.name)(table).from_select(names, rows)
    connection.execute(
        insert.on_conflict_do_update(
            index_elements=["customer_id", "currency"], set_={name: insert.excluded[name] for name in names[2:]}
        )
    )


def _upsert_days(connection: Connection, rows: Select[Any]) -> None:
    table = ReceivableDay.__table__
    names = ["currency", "due_on", "team_id", "unowned", "outstanding", "installments"]
    insert = insert_for(connection.dialect.name)(table).from_select(names, rows)
    connection.execute(
        insert.on_conflict_do_update(index_elements=names[:4], set_={name: insert.excluded[name] for name in names[4:]})
    )


def _lock(connection: Connection, keys: Iterable[tuple[int, int]], *, first: bool = False) -> None:
    """Transaction-scoped advisory locks on (kind, key) pairs, taken in ascending order (the subquery's ORDER BY
    feeds them one by one), so two transactions wanting some of the same keys queue instead of deadlocking. The
    `first` call of a recompute also takes LOCK_ALL shared, which only `rebuild` takes alone."""
    ordered = sorted(set(keys))
    each = (
        "SELECT count(pg_advisory_xact_lock(kind, key)) FROM (SELECT kind, key FROM "
        "unnest(CAST(:kinds AS integer[]), CAST(:keys AS integer[])) AS t(kind, key) ORDER BY kind, key) AS ordered"
    )
    if first:
        each = f"SELECT pg_advisory_xact_lock_shared(:all, 0), ({each})"
    if ordered or first:
        connection.execute(
            text(each), {"all": LOCK_ALL, "kinds": [k for k, _ in ordered], "keys": [k for _, k in ordered]}
        )


def _column_key(currency: str, day: date) -> int:
    """A 32-bit signed key for one (currency, day) column: two that collide only queue behind each other."""
    value = zlib.crc32(f"{currency}:{day.isoformat()}".encode())
    return value - (1 << 32) if value >= 1 << 31 else value


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    values = sorted(ids)
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _compare(what: str, kept: Iterable[Any], fresh: Iterable[Any], *, key: int) -> list[str]:
    """The rows (key columns first) that differ between `kept` and `fresh`."""
    have = {tuple(_normal(row[:key])): _normal(row[key:]) for row in kept}
    want = {tuple(_normal(row[:key])): _normal(row[key:]) for row in fresh}
    return [
        f"{what} {k}: kept {have.get(k)}, from the installments {want.get(k)}"
        for k in sorted(have.keys() | want.keys(), key=str)
        if have.get(k) != want.get(k)
    ]


def _normal(values: Iterable[Any]) -> tuple[Any, ...]:
    # SQLite may sum money as floats: compare to the thousandth, as the columns keep it.
    return tuple(Decimal(str(v)).quantize(Decimal("0.001")) if isinstance(v, float | Decimal) else v for v in values)
