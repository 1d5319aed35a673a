"""The customer-names counter (issue 17): a message checks its worker's name index with one key read, and the
counter moves with every change to the names, in the same transaction, whichever service makes it."""

from __future__ import annotations

from sqlalchemy import select

from salesbot.bootstrap import App
from salesbot.handlers import lexicons
from salesbot.services import customers, users
from salesbot.store.models import Customer, CustomerAlias


def _version(app: App) -> str:
    with app.uow() as uow:
        return customers.names_version(uow)


def _rep(app: App) -> users.Actor:
    with app.uow() as uow:
        return users.by_handle(uow, "rep1")


def test_the_counter_moves_when_a_customer_is_added_renamed_aliased_or_archived(app: App) -> None:
    rep = _rep(app)
    before = _version(app)
    with app.uow() as uow:
        customers.create(uow, rep, name="蓝鲸科技", aliases=("蓝鲸",))
        uow.commit()
    added = _version(app)
    assert added != before
    with app.uow() as uow:
        customer = uow.session.scalar(select(Customer).where(Customer.name == "蓝鲸科技"))
        customer.aliases.append(CustomerAlias(alias="Blue Whale"))
        uow.commit()
    aliased = _version(app)
    assert aliased != added
    with app.uow() as uow:
        uow.session.scalar(select(Customer).where(Customer.name == "蓝鲸科技")).archived = True
        uow.commit()
    assert _version(app) != aliased


def test_a_rolled_back_change_leaves_the_counter_and_a_change_elsewhere_does_not_move_it(app: App) -> None:
    rep = _rep(app)
    before = _version(app)
    with app.uow() as uow:
        customers.create(uow, rep, name="星河软件")
        # not committed: the unit of work rolls back
    assert _version(app) == before
    with app.uow() as uow:
        uow.session.scalar(select(Customer).where(Customer.archived.is_(False)).limit(1)).created_at = uow.now()
        uow.commit()
    assert _version(app) == before


def test_the_index_a_worker_keeps_sees_a_new_customer_on_the_next_message(app: App) -> None:
    rep = _rep(app)
    with app.uow() as uow:
        assert lexicons.customer_index(uow).find_in_text("拜访了蓝海传媒").kind == "none"
    with app.uow() as uow:
        customers.create(uow, rep, name="蓝海传媒")
        uow.commit()
    with app.uow() as uow:
        found = lexicons.customer_index(uow).find_in_text("拜访了蓝海传媒")
    assert found.match is not None and found.match.customer.name == "蓝海传媒"
