"""The kept balances (`balances`, `receivable_days`) on a real database: after every kind of write they equal the
sums worked out again from the installments, here in Python from the rows; "who owes us" read from them answers as
the sums over the installments do, on random books; two transactions racing on one customer lose nothing
(PostgreSQL); the migration fills the tables from an existing book; `rebuild` repairs what bypassed the ORM."""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, text, update

from salesbot.bootstrap import App, build
from salesbot.clock import FrozenClock
from salesbot.config import Settings
from salesbot.services import contracts, imports, payments, receivables, schedules, users
from salesbot.services.contracts import PaymentTerms
from salesbot.services.receivables import Book, Debtor
from salesbot.services.users import Actor
from salesbot.store import balances
from salesbot.store.db import alembic_config
from salesbot.store.models import Balance, Contract, Customer, Installment, ReceivableDay, Team, User

from .conftest import FIXTURES, SHANGHAI

D = date(2026, 3, 11)  # the fixture clock's day in Shanghai
CENT = Decimal("0.01")


# --------------------------------------------------------------------------------------------------- the helpers


def from_installments(app: App) -> tuple[dict[Any, tuple[Any, ...]], dict[Any, tuple[Any, ...]]]:
    """The balances and day cells as they should be, added up in Python from every installment row."""
    with app.engine.connect() as conn:
        rows = conn.execute(
            select(
                Installment.currency, Installment.due_on, Installment.amount, Installment.paid, Installment.state,
                Contract.status, Customer.id, Customer.name, Customer.owner_id, Customer.archived, User.team_id,
            )
            .join(Contract, Contract.id == Installment.contract_id)
            .join(Customer, Customer.id == Contract.customer_id)
            .outerjoin(User, User.id == Customer.owner_id)
        ).all()  # fmt: skip
    owed: dict[Any, list[Any]] = {}
    days: dict[Any, list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for currency, due_on, amount, paid, state, status, cid, name, owner, archived, team in rows:
        if state != "open" or status != "active" or amount <= paid:
            continue
        row = owed.setdefault((cid, currency), [name, owner, team, bool(archived), Decimal(0), due_on, 0])
        row[4] += amount - paid
        row[5] = min(row[5], due_on)
        row[6] += 1
        if not archived:
            cell = days[(currency, due_on, team or 0, owner is None)]
            cell[0] += amount - paid
            cell[1] += 1
    return {k: tuple(v) for k, v in owed.items()}, {k: tuple(v) for k, v in days.items()}


def kept(app: App) -> tuple[dict[Any, tuple[Any, ...]], dict[Any, tuple[Any, ...]]]:
    """The kept rows that hold something (a row or cell that owes nothing more stays, at zero)."""
    with app.engine.connect() as conn:
        owed = {
            (b.customer_id, b.currency): (
                b.customer, b.owner_id, b.team_id, bool(b.archived), b.outstanding, b.first_due, b.installments
            )
            for b in conn.execute(select(Balance.__table__).where(Balance.installments > 0))
        }  # fmt: skip
        days = {
            (d.currency, d.due_on, d.team_id, bool(d.unowned)): (d.outstanding, d.installments)
            for d in conn.execute(select(ReceivableDay.__table__).where(ReceivableDay.installments > 0))
        }
        zero = (
            conn.execute(select(Balance.customer_id).where(Balance.installments == 0, Balance.outstanding != 0)).all()
            + conn.execute(
                select(ReceivableDay.due_on).where(ReceivableDay.installments == 0, ReceivableDay.outstanding != 0)
            ).all()
        )
    assert zero == [], "a row with no open installment must owe nothing"
    return owed, days


def assert_kept(app: App) -> None:
    want_balances, want_days = from_installments(app)
    have_balances, have_days = kept(app)
    assert have_balances == want_balances
    assert have_days == want_days
    with app.engine.connect() as conn:
        assert balances.differences(conn) == []


def actor(app: App, handle: str) -> Actor:
    with app.uow() as uow:
        return users.by_handle(uow, handle)


def cid(app: App, name: str) -> int:
    with app.uow() as uow:
        found = uow.session.scalar(select(Customer.id).where(Customer.name == name))
    assert found is not None, name
    return found


def pay(app: App, handle: str, customer: str, amount: str, currency: str = "CNY") -> payments.Recorded:
    customer_id = cid(app, customer)
    with app.uow() as uow:
        done = payments.record(
            uow, users.by_handle(uow, handle), customer_id=customer_id, amount=Decimal(amount), currency=currency,
            received_on=D,
        )  # fmt: skip
        uow.commit()
    return done


def open_ids(app: App, customer: str) -> list[int]:
    customer_id = cid(app, customer)
    with app.uow() as uow:
        found = schedules.find(uow, users.by_handle(uow, "admin"), customer_id=customer_id, seq=None)
    return [v.id for v in found]


def from_items(uow: Any, actor: Actor, *, default_currency: str | None = None, page: int = 1,
               per_page: int | None = None) -> Book:  # fmt: skip
    """ "Who owes us" as it was answered before the sums were kept: every open installment the actor sees, summed."""
    today = receivables.today_of(uow, actor)
    lead = default_currency or actor.currency
    per: dict[tuple[int, str], list[receivables.Owed]] = defaultdict(list)
    for item in receivables.open_items(uow, actor):
        per[(item.customer_id, item.currency)].append(item)
    debtors = sorted(
        (receivables._debtor(items) for items in per.values()),
        key=lambda d: (d.currency != lead, d.currency, -d.outstanding, d.customer),
    )
    first = 0 if per_page is None else (max(page, 1) - 1) * per_page
    if per_page is not None and 0 < len(debtors) <= first:
        first = (len(debtors) - 1) // per_page * per_page
    shown = debtors if per_page is None else debtors[first : first + per_page]
    totals: dict[str, Decimal] = defaultdict(Decimal)
    overdue: dict[str, Decimal] = defaultdict(Decimal)
    soon: dict[str, Decimal] = defaultdict(Decimal)
    for items in per.values():
        for item in items:
            totals[item.currency] += item.outstanding
            if item.days_overdue > 0:
                overdue[item.currency] += item.outstanding
            elif item.due_on < today + timedelta(days=30):
                soon[item.currency] += item.outstanding
    return Book(
        scope=receivables.permissions.scope_of(actor),
        today=today,
        debtors=tuple(shown),
        totals=dict(totals),
        overdue={c: v for c, v in overdue.items() if v > 0},
        due_soon={c: v for c, v in soon.items() if v > 0},
        count=len(debtors),
        first=first,
    )


def comparable(book: Book) -> Book:
    """A Book with its money to the cent (SQLite adds money as floats)."""

    def cents(values: dict[str, Decimal]) -> dict[str, Decimal]:
        return {c: Decimal(v).quantize(CENT) for c, v in values.items()}

    return Book(
        scope=book.scope,
        today=book.today,
        debtors=tuple(
            Debtor(
                customer_id=d.customer_id,
                customer=d.customer,
                owner=d.owner,
                currency=d.currency,
                outstanding=d.outstanding.quantize(CENT),
                overdue=d.overdue.quantize(CENT),
                oldest_overdue_days=d.oldest_overdue_days,
                items=d.items,
            )
            for d in book.debtors
        ),
        totals=cents(book.totals),
        overdue=cents(book.overdue),
        due_soon=cents(book.due_soon),
        count=book.count,
        first=book.first,
    )


def assert_same_answers(app: App, actors: list[Actor]) -> None:
    with app.uow() as uow:
        for who in actors:
            for kwargs in ({}, {"default_currency": "USD"}, {"per_page": 3}, {"page": 2, "per_page": 3},
                           {"page": 99, "per_page": 4}, {"page": 2, "per_page": 1}, {"per_page": 10}):  # fmt: skip
                new = receivables.who_owes(uow, who, **kwargs)  # type: ignore[arg-type]
                old = from_items(uow, who, **kwargs)  # type: ignore[arg-type]
                assert comparable(new) == comparable(old), (who.handle, kwargs)


@pytest.fixture
def book(app: App) -> App:
    app.seed(FIXTURES / "book.toml")
    return app


# --------------------------------------------------------------------------------------------------- each kind of write


def test_the_seeded_book_is_kept(book: App) -> None:
    assert_kept(book)
    assert_same_answers(book, [actor(book, h) for h in ("rep1", "rep2", "rep3", "mgr1", "fin1", "admin")])


def test_approving_a_contract_keeps_its_installments(app: App) -> None:
    customer_id = cid(app, "阿里巴巴")  # looked up first: a lookup inside a write transaction waits for SQLite's lock
    with app.uow() as uow:
        view = contracts.submit(
            uow, users.by_handle(uow, "rep1"), customer_id=customer_id, amount=Decimal("80000"),
            currency="CNY", terms=PaymentTerms(installments=3),
        )  # fmt: skip
        uow.commit()
    assert_kept(app)  # pending: nothing owed yet
    assert kept(app) == ({}, {})
    with app.uow() as uow:
        contracts.decide(uow, users.by_handle(uow, "mgr1"), contract_id=view.id, version=1, seq=0, decision="approve")
        uow.commit()
    assert_kept(app)
    owed, _days = kept(app)
    assert owed[(customer_id, "CNY")][4:] == (Decimal("80000.00"), D, 3)


def test_a_payment_in_part_then_in_full(book: App) -> None:
    pay(book, "rep2", "中兴通讯", "150000")
    assert_kept(book)
    assert kept(book)[0][(cid(book, "中兴通讯"), "CNY")][4:] == (Decimal("50000.00"), date(2026, 1, 30), 1)
    pay(book, "rep2", "中兴通讯", "50000")
    assert_kept(book)
    assert (cid(book, "中兴通讯"), "CNY") not in kept(book)[0]
    with book.uow() as uow:
        assert "中兴通讯" not in {d.customer for d in receivables.who_owes(uow, users.by_handle(uow, "mgr1")).debtors}


def test_a_payment_in_another_currency_and_credit(book: App) -> None:
    pay(book, "rep2", "Hooli", "25000", "USD")  # more than owed: the rest is credit
    assert_kept(book)
    with book.uow() as uow:
        imports.invoice(
            uow, {"customer": "Hooli", "number": "INV-H2", "amount": "9000", "due": "2026-05-01", "currency": "USD"},
            default_currency="CNY", tz=SHANGHAI,
        )  # fmt: skip
        uow.commit()
    assert_kept(book)  # the credit paid part of the new invoice in the same transaction
    assert kept(book)[0][(cid(book, "Hooli"), "USD")][4] == Decimal("4000.00")


def test_split_and_move_a_due_date(book: App) -> None:
    first, *_ = open_ids(book, "宁德时代")
    with book.uow() as uow:
        schedules.split(uow, users.by_handle(uow, "rep1"), installment_id=first, amount=Decimal("50000"),
                        due_on=date(2026, 7, 31))  # fmt: skip
        uow.commit()
    assert_kept(book)
    with book.uow() as uow:
        schedules.move_due(uow, users.by_handle(uow, "rep1"), installment_id=first, due_on=date(2026, 6, 30))
        uow.commit()
    assert_kept(book)
    _owed, days = kept(book)
    assert not any(key[1] == date(2026, 1, 5) for key in days)  # the old day owes nothing more


def test_import_contracts_and_invoices(book: App) -> None:
    with book.uow() as uow:
        imports.rows(uow, "contracts", [
            {"customer": "格力", "reference": "HT-100", "amount": "90000", "signed_on": "2026-01-10",
             "installments": "3", "paid": "10000"},
            {"customer": "Globex", "reference": "HT-101", "amount": "5000", "currency": "EUR",
             "signed_on": "2026-02-01", "net_days": "10"},
        ])  # fmt: skip
        invoice = {"customer": "海尔", "number": "INV-9", "amount": "1234.56", "due": "2026-03-01"}
        imports.rows(uow, "invoices", [invoice])
        uow.commit()
    assert_kept(book)
    assert {k[1] for k in kept(book)[0]} == {"CNY", "USD", "EUR"}


def test_offboarding_hands_the_customers_over_to_another_team(book: App) -> None:
    book.seed_data({"users": [{"handle": "mgr9", "role": "manager", "team": "west"},
                              {"handle": "rep9", "role": "rep", "team": "west"}]})  # fmt: skip
    before = {d.customer for d in _debtors(book, "mgr1")}
    with book.uow() as uow:
        users.mark_left(uow, users.by_handle(uow, "admin"), handle="rep1", hand_to="rep9")
        uow.commit()
    assert_kept(book)
    mine = {"宁德时代", "小米", "美的"}
    assert {d.customer for d in _debtors(book, "mgr9")} == mine
    assert {d.customer for d in _debtors(book, "mgr1")} == before - mine
    assert_same_answers(book, [actor(book, h) for h in ("rep9", "mgr1", "mgr9", "admin")])


def test_a_user_moving_to_another_team_takes_their_customers(book: App) -> None:
    moved = {"handle": "rep2", "name": "Tom Lee", "role": "rep", "team": "west", "lang": "en"}
    book.seed_data({"users": [{"handle": "mgr9", "role": "manager", "team": "west"}, moved]})
    assert_kept(book)
    assert {d.customer for d in _debtors(book, "mgr9")} == {"中兴通讯", "Globex", "Hooli"}
    assert_same_answers(book, [actor(book, h) for h in ("rep2", "mgr1", "mgr9", "fin1")])


def test_archive_rename_and_give_away_a_customer(book: App) -> None:
    midea, xiaomi = cid(book, "美的"), cid(book, "小米")
    with book.uow() as uow:
        customer = uow.session.get_one(Customer, midea)
        customer.archived = True
        other = uow.session.get_one(Customer, xiaomi)
        other.name, other.owner_id = "小米集团", None
        uow.commit()
    assert_kept(book)
    assert_same_answers(book, [actor(book, h) for h in ("rep1", "mgr1", "admin")])
    with book.uow() as uow:
        uow.session.get_one(Customer, midea).archived = False
        uow.commit()
    assert_kept(book)


def test_a_change_undone_by_a_savepoint_or_a_rollback_leaves_the_sums(book: App) -> None:
    first, *_ = open_ids(book, "中兴通讯")
    other = open_ids(book, "小米")[0]
    with book.uow() as uow:
        savepoint = uow.session.begin_nested()
        uow.session.get_one(Installment, first).due_on = date(2027, 1, 1)
        uow.session.flush()
        savepoint.rollback()
        uow.session.get_one(Installment, other).paid = Decimal("1000")
        uow.commit()
    assert_kept(book)
    with book.uow() as uow:
        uow.session.get_one(Installment, first).state = "cancelled"
        uow.session.flush()
    assert_kept(book)  # rolled back: nothing was written


def test_a_contract_no_longer_active_owes_nothing(book: App) -> None:
    with book.uow() as uow:
        row = uow.session.scalar(select(Contract).where(Contract.reference == "HT-002"))
        assert row is not None
        row.status = "cancelled"
        uow.commit()
    assert_kept(book)
    assert (cid(book, "中兴通讯"), "CNY") not in kept(book)[0]


def test_rebuild_repairs_writes_that_bypassed_the_orm(book: App) -> None:
    with book.engine.begin() as conn:
        conn.execute(update(Installment).where(Installment.state == "open").values(paid=Installment.amount / 2))
        assert balances.differences(conn) != []
        balances.rebuild(conn)
    assert_kept(book)


def test_the_upgrade_fills_the_tables_from_an_existing_book(book: App, db_url: str) -> None:
    pay(book, "rep2", "中兴通讯", "150000")
    want = kept(book)
    book.close()
    command.downgrade(alembic_config(db_url), "0009")
    command.upgrade(alembic_config(db_url), "head")
    assert kept(book) == want
    assert_kept(book)


def test_a_bulk_write_recomputes_everything(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(balances, "BULK", 3)
    with app.uow() as uow:
        imports.rows(uow, "invoices", [
            {"customer": name, "number": f"INV-{n}", "amount": str(1000 + n), "due": f"2026-03-{n + 1:02d}"}
            for n, name in enumerate(["阿里巴巴", "比亚迪", "Initech", "京东", "华为技术"])
        ])  # fmt: skip
        uow.commit()
    assert_kept(app)
    assert len(kept(app)[0]) == 5


def _debtors(app: App, handle: str) -> tuple[Debtor, ...]:
    with app.uow() as uow:
        return receivables.who_owes(uow, users.by_handle(uow, handle)).debtors


# --------------------------------------------------------------------------------------------------- random books


CURRENCIES = ("CNY", "USD", "EUR")


def random_book(app: App, rng: random.Random) -> dict[str, list[int]]:
    """Two teams with a manager and reps each, a rep with no team, customers with and without an owner, one of them
    archived, contracts active and not, installments in several currencies, overdue and future, some paid."""
    app.seed_data({
        "users": [
            {"handle": "mgr_a", "role": "manager", "team": "a"}, {"handle": "mgr_b", "role": "manager", "team": "b"},
            *({"handle": f"ra{n}", "role": "rep", "team": "a"} for n in range(3)),
            *({"handle": f"rb{n}", "role": "rep", "team": "b"} for n in range(2)),
            {"handle": "loner", "role": "rep"},
        ],
    })  # fmt: skip
    with app.uow() as uow:
        owners = [None, None, *uow.session.scalars(select(User.id).where(User.role == "rep"))]
        now = uow.now()
        customers = []
        for n in range(40):
            customer = Customer(name=f"c{n:03d}", owner_id=rng.choice(owners), archived=n == 7, created_at=now)
            uow.session.add(customer)
            customers.append(customer)
        uow.session.flush()
        contract_ids: list[int] = []
        for customer in customers:
            for _ in range(rng.randrange(0, 3)):
                currency = rng.choice(CURRENCIES)
                row = Contract(
                    customer_id=customer.id, owner_id=customer.owner_id or owners[-1], version=1,
                    amount=Decimal(1), currency=currency, terms={}, status=rng.choice(("active",) * 5 + ("pending",)),
                    step=0, submitted_at=now, updated_at=now,
                )  # fmt: skip
                uow.session.add(row)
                uow.session.flush()
                contract_ids.append(row.id)
                for seq in range(1, rng.randrange(2, 5)):
                    amount = Decimal(rng.randrange(100, 10_000_00)) / 100
                    paid = rng.choice((Decimal(0), Decimal(0), amount, (amount / 3).quantize(CENT)))
                    uow.session.add(
                        Installment(
                            contract_id=row.id, seq=seq, due_on=D + timedelta(days=rng.randrange(-120, 120)),
                            amount=amount, currency=rng.choice((currency, currency, rng.choice(CURRENCIES))),
                            paid=paid, state=rng.choice(("paid",) if paid >= amount else ("open", "open", "cancelled")),
                            created_at=now,
                        )
                    )  # fmt: skip
        uow.commit()
    return {"contracts": contract_ids, "customers": [c.id for c in customers]}


def random_change(app: App, rng: random.Random, ids: dict[str, list[int]]) -> str:
    """One write of a random kind, through the services where there is one, else through the ORM."""
    kind = rng.choice(("pay", "pay", "move", "split", "owner", "team", "archive", "status", "edit", "invoice"))
    with app.uow() as uow:
        admin = users.by_handle(uow, "admin")
        customer_id = rng.choice(ids["customers"])
        open_items = [i for i in receivables.open_items(uow, admin) if i.customer_id == customer_id]
        if kind == "pay" and open_items:
            item = rng.choice(open_items)
            payments.record(uow, admin, customer_id=customer_id, currency=item.currency, received_on=D,
                            amount=max((item.outstanding * Decimal(rng.choice(("0.5", "1", "1.7")))).quantize(CENT),
                                       CENT))  # fmt: skip
        elif kind == "move" and open_items:
            schedules.move_due(uow, admin, installment_id=rng.choice(open_items).installment_id,
                               due_on=D + timedelta(days=rng.randrange(0, 90)))  # fmt: skip
        elif kind == "split" and open_items:
            item = rng.choice(open_items)
            if item.outstanding > 1:
                schedules.split(uow, admin, installment_id=item.installment_id, amount=Decimal(1),
                                due_on=D + timedelta(days=rng.randrange(0, 90)))  # fmt: skip
        elif kind == "owner":
            customer = uow.session.get_one(Customer, customer_id)
            customer.owner_id = rng.choice([None, *uow.session.scalars(select(User.id).where(User.role == "rep"))])
        elif kind == "team":
            user = rng.choice(uow.session.scalars(select(User).where(User.role == "rep")).all())
            user.team_id = rng.choice([None, *uow.session.scalars(select(Team.id))])
        elif kind == "archive":
            customer = uow.session.get_one(Customer, customer_id)
            customer.archived = not customer.archived
        elif kind == "status":
            row = uow.session.get_one(Contract, rng.choice(ids["contracts"]))
            row.status = "active" if row.status != "active" else rng.choice(("pending", "cancelled"))
        elif kind == "edit" and open_items:
            row = uow.session.get_one(Installment, rng.choice(open_items).installment_id)
            row.currency, row.amount = rng.choice(CURRENCIES), row.amount + 1
        elif kind == "invoice":
            name = uow.session.get_one(Customer, customer_id).name
            imports.invoice(uow, {"customer": name, "number": f"R-{rng.randrange(10**9)}", "amount": "777.77",
                                  "due": (D + timedelta(days=rng.randrange(-40, 40))).isoformat(),
                                  "currency": rng.choice(CURRENCIES), "owner": "loner"},
                            default_currency="CNY", tz=SHANGHAI)  # fmt: skip
        uow.commit()
    return kind


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_books_kept_and_answered_as_from_the_installments(app: App, seed: int) -> None:
    rng = random.Random(seed)
    ids = random_book(app, rng)
    assert_kept(app)
    with app.uow() as uow:
        handles = ["admin", "fin1", "mgr1", "mgr_a", "mgr_b", "ra0", "rb1", "loner"]
        people = [users.by_handle(uow, h) for h in handles]
    teamless_manager = Actor(id=0, handle="mgr_none", name="-", role="manager", team_id=None, lang="en",
                             timezone="Asia/Shanghai", currency="CNY", active=True)  # fmt: skip
    assert_same_answers(app, [*people, teamless_manager])
    for _ in range(25):
        random_change(app, rng, ids)
        assert_kept(app)
    with app.uow() as uow:
        people = [users.by_handle(uow, h) for h in handles]
    assert_same_answers(app, [*people, teamless_manager])


# --------------------------------------------------------------------------------------------------- racing writers


@pytest.fixture
def pg_app(db_url: str, settings: Settings, clock: FrozenClock) -> Iterator[App]:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writer at a time: nothing races")
    app = build(settings, clock=clock, database_url=db_url)
    app.seed(FIXTURES / "team.toml")
    app.seed(FIXTURES / "book.toml")
    yield app
    app.close()


def race(*writes: Callable[[Any], None]) -> None:
    """Each write in a transaction of its own, in a thread of its own; all written (flushed) before any commits."""
    flushed = threading.Barrier(len(writes))
    errors: list[BaseException] = []

    def run(app_write: Callable[[Any], None]) -> None:
        try:
            app_write(flushed)
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
            flushed.abort()

    threads = [threading.Thread(target=run, args=(w,)) for w in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def test_two_payments_of_one_customer_at_once_both_count(pg_app: App) -> None:
    app = pg_app
    with app.uow() as uow:
        imports.invoice(uow, {"customer": "宁德时代", "number": "INV-USD", "amount": "3000", "due": "2026-02-01",
                              "currency": "USD"}, default_currency="CNY", tz=SHANGHAI)  # fmt: skip
        uow.commit()
    customer_id = cid(app, "宁德时代")

    def paying(amount: str, currency: str) -> Callable[[Any], None]:
        def write(flushed: threading.Barrier) -> None:
            with app.uow() as uow:
                payments.record(uow, users.by_handle(uow, "rep1"), customer_id=customer_id, amount=Decimal(amount),
                                currency=currency, received_on=D)  # fmt: skip
                flushed.wait(timeout=30)
                uow.commit()

        return write

    # Different installments (one per currency: a payment locks the open installments of its own currency).
    race(paying("100000", "CNY"), paying("1000", "USD"))
    assert_kept(app)
    owed = kept(app)[0]
    assert owed[(customer_id, "CNY")][4] == Decimal("200000.00")
    assert owed[(customer_id, "USD")][4] == Decimal("2000.00")


def test_two_new_debts_of_one_customer_on_one_day_at_once_both_count(pg_app: App) -> None:
    """Neither writer finds a row to update, so without the advisory locks the second insert would overwrite the
    first's sum with one that never saw it."""
    app = pg_app

    def invoicing(number: str, amount: str) -> Callable[[Any], None]:
        def write(flushed: threading.Barrier) -> None:
            with app.uow() as uow:
                imports.invoice(uow, {"customer": "联想", "number": number, "amount": amount, "due": "2026-05-01"},
                                default_currency="CNY", tz=SHANGHAI)  # fmt: skip
                flushed.wait(timeout=30)
                uow.commit()

        return write

    race(invoicing("R-1", "1000"), invoicing("R-2", "2000"), invoicing("R-3", "4000"))
    assert_kept(app)
    owed, days = kept(app)
    assert owed[(cid(app, "联想"), "CNY")][4:] == (Decimal("7000.00"), date(2026, 5, 1), 3)
    assert sum(cell[0] for key, cell in days.items() if key[1] == date(2026, 5, 1)) == Decimal("7000.00")


def test_a_team_change_racing_a_customer_handed_to_that_user(pg_app: App) -> None:
    app = pg_app
    app.seed_data({"users": [{"handle": "mgr9", "role": "manager", "team": "west"}]})
    with app.uow() as uow:
        west = uow.session.scalar(select(Team.id).where(Team.key == "west"))

    def moving(flushed: threading.Barrier) -> None:
        with app.uow() as uow:
            uow.session.scalar(select(User).where(User.handle == "rep3")).team_id = west  # type: ignore[union-attr]
            uow.session.flush()
            flushed.wait(timeout=30)
            uow.commit()

    def handing(flushed: threading.Barrier) -> None:
        with app.uow() as uow:
            users.hand_over(uow, users.by_handle(uow, "admin"), from_handle="rep2", to_handle="rep3")
            uow.session.flush()
            flushed.wait(timeout=30)
            uow.commit()

    race(moving, handing)
    assert_kept(app)
    assert {d.customer for d in _debtors(app, "mgr9")} == {"中兴通讯", "Globex", "Hooli"}


def test_the_day_cells_read_by_scope(book: App) -> None:
    """A manager's cells are their team's and the unowned customers'; a rep has none of their own."""
    xiaomi = cid(book, "小米")
    with book.uow() as uow:
        uow.session.get_one(Customer, xiaomi).owner_id = None
        uow.commit()
    assert_same_answers(book, [actor(book, h) for h in ("mgr1", "rep1", "admin")])
    with book.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM receivable_days WHERE unowned")).scalar() >= 1


def test_a_customer_at_zero_keeps_its_row_at_zero(book: App) -> None:
    pay(book, "rep1", "小米", "100000")
    with book.engine.connect() as conn:
        row = conn.execute(
            select(Balance.outstanding, Balance.installments, Balance.first_due).where(
                Balance.customer_id == cid(book, "小米")
            )
        ).one()
    assert (row.outstanding, row.installments, row.first_due) == (0, 0, None)


def test_who_owes_reads_the_kept_sums(book: App) -> None:
    """Proof that the answer comes from the kept tables: change them behind the ORM's back and the answer follows."""
    midea = cid(book, "美的")
    with book.engine.begin() as conn:
        conn.execute(update(Balance).where(Balance.customer_id == midea).values(outstanding=Decimal(1)))
    with book.uow() as uow:
        mine = {d.customer: d.outstanding for d in receivables.who_owes(uow, users.by_handle(uow, "mgr1")).debtors}
    assert mine["美的"] == Decimal("1.00")
