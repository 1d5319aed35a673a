"""What `salesbot export` writes: the rows a team takes with it, in columns an import reads back."""

from __future__ import annotations

from sqlalchemy import select

from salesbot.services import receivables
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.sheets import Sheet
from salesbot.store.models import Customer

CUSTOMER_COLUMNS = ("name", "owner", "aliases", "archived")
RECEIVABLE_COLUMNS = (
    "customer",
    "owner",
    "contract",
    "installment",
    "due",
    "amount",
    "paid",
    "outstanding",
    "currency",
    "days_overdue",
)


def sheet(uow: UnitOfWork, actor: Actor, kind: str) -> Sheet:
    if kind == "customers":
        rows = [
            [c.name, c.owner.handle if c.owner else "", "; ".join(a.alias for a in c.aliases), c.archived]
            for c in uow.session.scalars(select(Customer).order_by(Customer.name)).unique()
        ]
        return Sheet("customers", CUSTOMER_COLUMNS, rows)
    items = receivables.open_items(uow, actor)
    return Sheet(
        "receivables",
        RECEIVABLE_COLUMNS,
        [
            [i.customer, i.owner, i.contract, i.seq, i.due_on, i.amount, i.paid, i.outstanding, i.currency,
             max(i.days_overdue, 0)]
            for i in items
        ],
    )  # fmt: skip
