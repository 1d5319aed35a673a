"""Receivables as business rules on a real database: allocation, credit, schedule changes, who sees what, aging,
the 80/20, imports and the once-a-day collection reminders. Expected figures are worked out by hand from
tests/fixtures/book.toml and the fixture clock (2026-03-11 10:00, Asia/Shanghai)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from salesbot.bootstrap import App, build
from salesbot.clock import FrozenClock
from salesbot.config import Settings, settings_from
from salesbot.i18n import MAX_CHARS, render_notification
from salesbot.services import collections, imports, payments, receivables, schedules, users
from salesbot.services.errors import Invalid, NotAllowed
from salesbot.store.models import AuditEntry, CollectionNotice, Customer, Installment, OutboxMessage, Payment

from .conftest import FIXTURES, NO_REPORTS, SHANGHAI

D = date(2026, 3, 11)


@pytest.fixture
def settings() -> Settings:
    # The collection policy here is counted day by day across a weekend; days off are tests/test_days_off.py's.
    return settings_from({"digests": {"on_days_off": True}}, env={})


@pytest.fixture
def book(app: App) -> App:
    app.seed(FIXTURES / "book.toml")
    return _with_ids(app)


def _with_ids(app: App) -> App:
    # Looked up once: a lookup inside an open write transaction would wait on SQLite's lock.
    with app.uow() as uow:
        app.customer_ids = dict(uow.session.execute(select(Customer.name, Customer.id)).all())  # type: ignore[attr-defined]
    return app


def actor(app: App, handle: str) -> users.Actor:
    with app.uow() as uow:
        return users.by_handle(uow, handle)


def customer_id(app: App, name: str) -> int:
    return app.customer_ids[name]  # type: ignore[attr-defined]


def pay(app: App, handle: str, customer: str, amount: str, currency: str = "CNY", on: date = D) -> payments.Recorded:
    cid = customer_id(app, customer)
    with app.uow() as uow:
        done = payments.record(
            uow,
            users.by_handle(uow, handle),
            customer_id=cid,
            amount=Decimal(amount),
            currency=currency,
            received_on=on,
        )
        uow.commit()
    return done


def owed(app: App, handle: str, customer: str) -> list[tuple[int, date, Decimal]]:
    cid = customer_id(app, customer)
    with app.uow() as uow:
        st = receivables.statement(uow, users.by_handle(uow, handle), customer_id=cid)
    return [(i.seq, i.due_on, i.outstanding) for i in st.items]


# --------------------------------------------------------------------------- allocation


def test_partial_payment_settles_the_oldest_first_and_keeps_the_rest_open(book: App) -> None:
    done = pay(book, "rep2", "中兴通讯", "150000")
    assert [(s.seq, s.amount, s.left) for s in done.plan.shares] == [
        (2, Decimal("100000.00"), Decimal("0.00")),
        (3, Decimal("50000.00"), Decimal("50000.00")),
    ]
    assert done.plan.credit == 0
    assert owed(book, "rep2", "中兴通讯") == [(3, date(2026, 1, 30), Decimal("50000.00"))]


def test_overpayment_is_kept_as_credit_and_settles_the_next_contract(book: App) -> None:
    done = pay(book, "rep1", "小米", "130000")
    assert [(s.seq, s.amount) for s in done.plan.shares] == [(1, Decimal("100000.00"))]
    assert done.plan.credit == Decimal("30000.00")
    with book.uow() as uow:
        st = receivables.statement(uow, users.by_handle(uow, "rep1"), customer_id=customer_id(book, "小米"))
    assert st.items == () and st.credit == {"CNY": Decimal("30000.00")}
    # A new invoice for 小米 is paid from the credit as soon as it exists.
    with book.uow() as uow:
        imports.invoice(
            uow, {"customer": "小米", "number": "INV-77", "amount": "50000", "due": "2026-04-30"},
            default_currency="CNY", tz=SHANGHAI,
        )  # fmt: skip
        uow.commit()
    assert owed(book, "rep1", "小米") == [(1, date(2026, 4, 30), Decimal("20000.00"))]
    with book.uow() as uow:
        assert payments.credit_of(uow, [customer_id(book, "小米")]) == {}


def test_one_payment_across_two_contracts_goes_by_due_date(book: App) -> None:
    with book.uow() as uow:
        imports.contract(
            uow,
            {"customer": "宁德时代", "reference": "HT-010", "amount": "80000", "signed_on": "2025-12-20",
             "schedule": [{"due": "2025-12-20", "amount": "80000"}]},
            default_currency="CNY", tz=SHANGHAI,
        )  # fmt: skip
        uow.commit()
    done = pay(book, "rep1", "宁德时代", "200000")
    # 2025-12-20 (HT-010) comes before 2026-01-05 (HT-001 #2), then 2026-04-01 takes what is left.
    assert [(s.contract, s.seq, s.amount) for s in done.plan.shares] == [
        ("HT-010", 1, Decimal("80000.00")),
        ("HT-001", 2, Decimal("120000.00")),
    ]
    assert owed(book, "rep1", "宁德时代") == [
        (2, date(2026, 1, 5), Decimal("30000.00")),
        (3, date(2026, 4, 1), Decimal("150000.00")),
    ]


def test_a_payment_in_another_currency_never_settles_cny(book: App) -> None:
    done = pay(book, "rep2", "中兴通讯", "5000", currency="USD")
    assert done.plan.shares == () and done.plan.credit == Decimal("5000.00")
    assert owed(book, "rep2", "中兴通讯")[0] == (2, date(2025, 12, 31), Decimal("100000.00"))
    with book.uow() as uow:
        assert payments.credit_of(uow, [customer_id(book, "中兴通讯")]) == {
            customer_id(book, "中兴通讯"): {"USD": Decimal("5000.00")}
        }
    # The USD side of the book moved not a cent either.
    assert owed(book, "rep2", "Hooli") == [(1, date(2026, 2, 1), Decimal("20000.00"))]


def test_preview_changes_nothing_and_flags_a_same_day_twin(book: App) -> None:
    with book.uow() as uow:
        plan = payments.preview(
            uow, users.by_handle(uow, "rep1"), customer_id=customer_id(book, "小米"), amount=Decimal("40000"),
            currency="CNY", received_on=D,
        )  # fmt: skip
    assert plan.shares[0].left == Decimal("60000.00") and not plan.same_day_twin
    assert owed(book, "rep1", "小米") == [(1, date(2026, 3, 3), Decimal("100000.00"))]
    pay(book, "rep1", "小米", "40000")
    with book.uow() as uow:
        again = payments.preview(
            uow, users.by_handle(uow, "rep1"), customer_id=customer_id(book, "小米"), amount=Decimal("40000"),
            currency="CNY", received_on=D,
        )  # fmt: skip
    assert again.same_day_twin


def test_a_payment_dated_tomorrow_or_of_nothing_is_refused(book: App) -> None:
    with pytest.raises(Invalid) as future:
        pay(book, "rep1", "小米", "1000", on=D + timedelta(days=1))
    assert future.value.code == "payment_in_future"
    with pytest.raises(Invalid) as zero:
        pay(book, "rep1", "小米", "0")
    assert zero.value.code == "amount_not_positive"
    with book.uow() as uow:
        assert uow.session.scalar(select(func.count(Payment.id))) == 0


def test_every_allocation_is_audited(book: App) -> None:
    done = pay(book, "rep2", "中兴通讯", "150000")
    rep2 = actor(book, "rep2")
    with book.uow() as uow:
        rows = uow.session.scalars(select(AuditEntry).where(AuditEntry.entity == "installment")).all()
        paid = [r.after["paid"] for r in rows if r.action == "paid"]
        record = uow.session.scalar(
            select(AuditEntry.actor_id).where(AuditEntry.entity == "payment", AuditEntry.entity_id == done.payment_id)
        )
    assert sorted(paid) == ["100000.00", "50000.00"]
    assert record == rep2.id


# --------------------------------------------------------------------------- finance confirms


@pytest.fixture
def finance_confirms(db_url: str, clock: FrozenClock) -> Iterator[App]:
    settings = settings_from({"collections": {"finance_confirms": True}, **NO_REPORTS}, env={})
    app = build(settings, clock=clock, database_url=db_url)
    app.seed(FIXTURES / "team.toml")
    app.seed(FIXTURES / "book.toml")
    yield _with_ids(app)
    app.close()


def test_finance_must_confirm_before_anything_settles(finance_confirms: App) -> None:
    app = finance_confirms
    fin1 = actor(app, "fin1")
    done = pay(app, "rep1", "小米", "100000")
    assert done.state == "pending"
    assert owed(app, "rep1", "小米")[0][2] == Decimal("100000.00"), "nothing settles before finance confirms"
    with app.uow() as uow:
        card = uow.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("card:payment:%")))
        assert card is not None and card.target_id == fin1.id
        with pytest.raises(NotAllowed):
            payments.decide(uow, users.by_handle(uow, "rep1"), payment_id=done.payment_id, confirm=True)
    with app.uow() as uow:
        confirmed = payments.decide(uow, users.by_handle(uow, "fin1"), payment_id=done.payment_id, confirm=True)
        uow.commit()
    assert confirmed.state == "confirmed" and owed(app, "rep1", "小米") == []
    with app.uow() as uow, pytest.raises(Invalid) as twice:
        payments.decide(uow, users.by_handle(uow, "fin1"), payment_id=done.payment_id, confirm=False)
    assert twice.value.code == "payment_already_decided"


# --------------------------------------------------------------------------- who sees what


def test_a_rep_sees_their_own_a_manager_the_team_finance_everything(book: App) -> None:
    def debtors(handle: str) -> set[str]:
        with book.uow() as uow:
            return {d.customer for d in receivables.who_owes(uow, users.by_handle(uow, handle)).debtors}

    assert debtors("rep1") == {"宁德时代", "小米", "美的"}
    assert debtors("rep2") == {"中兴通讯", "Globex", "Hooli"}
    assert debtors("rep3") == set()
    assert debtors("mgr1") == debtors("fin1") == debtors("admin") == {
        "宁德时代", "小米", "美的", "中兴通讯", "Globex", "Hooli"
    }  # fmt: skip
    with book.uow() as uow, pytest.raises(NotAllowed):
        receivables.statement(uow, users.by_handle(uow, "rep2"), customer_id=customer_id(book, "小米"))


def test_finance_records_payments_for_any_customer_a_rep_only_for_their_own(book: App) -> None:
    pay(book, "fin1", "小米", "1000")
    with pytest.raises(NotAllowed):
        pay(book, "rep2", "小米", "1000")


def test_ranking_totals_and_overdue_per_currency(book: App) -> None:
    with book.uow() as uow:
        b = receivables.who_owes(uow, users.by_handle(uow, "mgr1"))
    assert [(d.customer, d.currency, d.outstanding, d.oldest_overdue_days) for d in b.debtors] == [
        ("宁德时代", "CNY", Decimal("300000.00"), 65),
        ("中兴通讯", "CNY", Decimal("200000.00"), 70),
        ("小米", "CNY", Decimal("100000.00"), 8),
        ("美的", "CNY", Decimal("40000.00"), 130),
        ("Globex", "USD", Decimal("100000.00"), 0),
        ("Hooli", "USD", Decimal("20000.00"), 38),
    ]
    assert b.totals == {"CNY": Decimal("640000.00"), "USD": Decimal("120000.00")}
    assert b.overdue == {"CNY": Decimal("490000.00"), "USD": Decimal("20000.00")}
    assert b.due_soon == {"CNY": Decimal("150000.00"), "USD": Decimal("100000.00")}


def test_who_owes_a_page_at_a_time_adds_up_to_the_whole_ranking(book: App) -> None:
    """The database sums and pages (issue 10: a manager asks over tens of thousands of open installments): the
    pages make the whole ranking, a page past the end is the last one, and each figure agrees with the installments."""
    with book.uow() as uow:
        mgr = users.by_handle(uow, "mgr1")
        whole = receivables.who_owes(uow, mgr)
        pages = [receivables.who_owes(uow, mgr, page=n, per_page=4) for n in (1, 2)]
        past = receivables.who_owes(uow, mgr, page=9, per_page=4)
        items = receivables.open_items(uow, mgr)
    assert whole.count == 6 and [p.count for p in pages] == [6, 6] and len(pages[0].debtors) == 4
    assert pages[0].debtors + pages[1].debtors == whole.debtors and (pages[0].first, pages[1].first) == (0, 4)
    assert past.debtors == pages[1].debtors and past.first == 4
    assert pages[1].totals == whole.totals and pages[1].overdue == whole.overdue
    for d in whole.debtors:
        mine = [i for i in items if i.customer_id == d.customer_id and i.currency == d.currency]
        assert d.outstanding == sum(i.outstanding for i in mine) and d.items == len(mine)
        assert d.overdue == sum(i.outstanding for i in mine if i.days_overdue > 0)


def test_aging_buckets_per_rep_and_team(book: App) -> None:
    with book.uow() as uow:
        a = receivables.aging(uow, users.by_handle(uow, "mgr1"))
    k = Decimal
    assert a.by_rep["张伟"]["CNY"] == {
        "current": k("150000.00"), "1-30": k("100000.00"), "31-60": 0, "61-90": k("150000.00"), "90+": k("40000.00")
    }  # fmt: skip
    assert a.by_rep["Tom Lee"]["CNY"] == {
        "current": 0, "1-30": 0, "31-60": k("100000.00"), "61-90": k("100000.00"), "90+": 0
    }  # fmt: skip
    assert a.by_rep["Tom Lee"]["USD"] == {
        "current": k("100000.00"),
        "1-30": 0,
        "31-60": k("20000.00"),
        "61-90": 0,
        "90+": 0,
    }
    assert a.total["CNY"]["61-90"] == k("250000.00") and sum(a.total["CNY"].values()) == k("640000.00")


def test_the_customers_that_bring_80_percent(book: App) -> None:
    with book.uow() as uow:
        top = receivables.top_customers(uow, users.by_handle(uow, "admin"))
    cny = top.by_currency["CNY"]
    assert [e.customer for e in cny] == ["宁德时代", "中兴通讯"]
    assert top.customers["CNY"] == 8 and top.revenue["CNY"] == Decimal("1000000.00")
    assert cny[1].cumulative == Decimal("0.8") and cny[0].outstanding == Decimal("300000.00")
    assert [e.customer for e in top.by_currency["USD"]] == ["Globex"]
    # A rep's 80/20 is of their own book: 宁德时代 500k of rep1's 650k (77%), so 小米 joins.
    with book.uow() as uow:
        mine = receivables.top_customers(uow, users.by_handle(uow, "rep1"))
    assert [e.customer for e in mine.by_currency["CNY"]] == ["宁德时代", "小米"]


# --------------------------------------------------------------------------- schedule changes


def test_move_and_split_an_installment_audited(book: App) -> None:
    with book.uow() as uow:
        rep = users.by_handle(uow, "rep1")
        [second] = schedules.find(uow, rep, customer_id=customer_id(book, "宁德时代"), seq=2)
        schedules.move_due(uow, rep, installment_id=second.id, due_on=date(2026, 6, 30))
        kept, part = schedules.split(
            uow, rep, installment_id=second.id, amount=Decimal("50000"), due_on=date(2026, 7, 31)
        )
        uow.commit()
    assert (kept.due_on, kept.amount) == (date(2026, 6, 30), Decimal("100000.00"))
    assert (part.seq, part.due_on, part.amount) == (4, date(2026, 7, 31), Decimal("50000.00"))
    with book.uow() as uow:
        actions = uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "installment", AuditEntry.actor_id == rep.id)
        ).all()
    assert sorted(actions) == ["move_due", "split", "split_from"]


def test_schedule_changes_refused_past_settled_foreign_or_too_big(book: App) -> None:
    with book.uow() as uow:
        rep1, rep2 = users.by_handle(uow, "rep1"), users.by_handle(uow, "rep2")
        [second] = schedules.find(uow, rep1, customer_id=customer_id(book, "宁德时代"), seq=2)
        with pytest.raises(Invalid, match="due_in_past"):
            schedules.move_due(uow, rep1, installment_id=second.id, due_on=D - timedelta(days=1))
        with pytest.raises(Invalid, match="split_amount"):
            schedules.split(uow, rep1, installment_id=second.id, amount=Decimal("150000"), due_on=date(2026, 7, 1))
        with pytest.raises(NotAllowed):
            schedules.move_due(uow, rep2, installment_id=second.id, due_on=date(2026, 7, 1))
        settled = uow.session.scalar(select(Installment.id).where(Installment.state == "paid").limit(1))
        with pytest.raises(Invalid, match="installment_settled"):
            schedules.move_due(uow, users.by_handle(uow, "fin1"), installment_id=settled, due_on=date(2026, 7, 1))


# --------------------------------------------------------------------------- imports and exports


def test_seed_and_import_run_twice_add_nothing_the_second_time(book: App) -> None:
    summary = book.seed(FIXTURES / "book.toml")
    assert (summary.contracts, summary.invoices) == (0, 0)
    with book.uow() as uow:
        assert uow.session.scalar(select(func.count(Installment.id))) == 15


def test_import_a_spreadsheet_of_invoices_refuses_a_bad_row_whole(book: App, tmp_path: Path) -> None:
    from salesbot import sheets

    good = {"customer": "格力", "number": "INV-900", "amount": "12,000", "due": "2026-04-15"}
    bad = {"customer": "没有这个客户", "number": "INV-901", "amount": "1", "due": "2026-04-15"}
    with book.uow() as uow, pytest.raises(Invalid) as refused:
        imports.rows(uow, "invoices", [good, bad])
    assert refused.value.params["row"] == 3
    path = tmp_path / "invoices.xlsx"
    path.write_bytes(sheets.xlsx([sheets.Sheet("x", list(good), [list(good.values())])]))
    with book.uow() as uow:
        result = imports.rows(uow, "invoices", sheets.read_rows(path))
        uow.commit()
    assert (result.added, result.unchanged) == (1, 0)
    assert owed(book, "admin", "格力") == [(1, date(2026, 4, 15), Decimal("12000.00"))]


def test_export_receivables_reads_back(book: App, tmp_path: Path) -> None:
    from salesbot import sheets
    from salesbot.services import exports

    with book.uow() as uow:
        sheet = exports.sheet(uow, users.by_handle(uow, "admin"), "receivables")
    path = tmp_path / "r.xlsx"
    path.write_bytes(sheets.xlsx([sheet]))
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("customer", "owner") and len(rows) == 1 + 8
    meituan = next(r for r in rows if r[0] == "美的")
    assert meituan[7] == 40000 and meituan[9] == 130


# --------------------------------------------------------------------------- collection reminders


def run_day(app: App, when: datetime) -> list[OutboxMessage]:
    app.clock.set(when)
    with app.uow() as uow:
        collections.run_due(uow)
        uow.commit()
    with app.uow() as uow:
        rows = uow.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.dedupe_key.like("collect:%"), OutboxMessage.created_at == app.clock.now()
            )
        ).all()
        uow.session.expunge_all()
    return list(rows)


def handles(app: App, rows: list[OutboxMessage]) -> set[str]:
    return {handle(app, r) for r in rows}


def handle(app: App, row: OutboxMessage) -> str:
    with app.uow() as uow:
        return uow.session.get_one(users.User, row.target_id).handle


def test_one_message_a_day_bundling_every_item_and_not_twice(book: App) -> None:
    """Day by day from 2026-03-29 (policy: -3, 0, +3 rep; +7 rep and manager; +30 manager and finance, then every
    30 days), against the due dates of book.toml."""
    days = {}
    for n in range(5):
        day = datetime(2026, 3, 29, 9, 0, tzinfo=SHANGHAI) + timedelta(days=n)
        rows = run_day(book, day)
        assert run_day(book, day + timedelta(hours=6)) == [], "at most one message a person a day"
        days[day.date().isoformat()] = {
            h: [(i["customer"], i["seq"], i["days"]) for i in row.payload["params"]["items"]]
            for h, row in zip([handle(book, r) for r in rows], rows, strict=True)
        }
    assert days["2026-03-29"] == {"rep1": [("宁德时代", 3, -3)]}
    assert days["2026-03-30"] == {}
    # 美的 150 days late, 中兴通讯 #2 at 90 and #3 at 60: all three in one message each, most overdue first.
    late = [("美的", 1, 150), ("中兴通讯", 2, 90), ("中兴通讯", 3, 60)]
    assert days["2026-03-31"] == {"mgr1": late, "fin1": late}
    assert days["2026-04-01"] == {"rep1": [("宁德时代", 3, 0)]}
    assert days["2026-04-02"] == {
        "mgr1": [("Hooli", 1, 60), ("小米", 1, 30)],
        "fin1": [("Hooli", 1, 60), ("小米", 1, 30)],
    }


def test_someone_elses_customer_carries_its_rep(book: App) -> None:
    [row] = [r for r in run_day(book, datetime(2026, 4, 2, 9, 0, tzinfo=SHANGHAI)) if handle(book, r) == "mgr1"]
    assert {i["customer"]: i["rep"] for i in row.payload["params"]["items"]} == {"Hooli": "Tom Lee", "小米": "张伟"}


def test_nothing_before_the_hour_and_a_missed_day_is_caught_up(book: App) -> None:
    assert run_day(book, datetime(2026, 3, 29, 8, 59, tzinfo=SHANGHAI)) == []
    run_day(book, datetime(2026, 3, 28, 9, 0, tzinfo=SHANGHAI))  # the day before ran, then the bot was down
    # Down on 03-29 (宁德时代 -3 for rep1) and 03-30; back on 03-31 at noon: that reminder is not lost.
    late = {handle(book, r): r for r in run_day(book, datetime(2026, 3, 31, 12, 0, tzinfo=SHANGHAI))}
    assert [i["customer"] for i in late["rep1"].payload["params"]["items"]] == ["宁德时代"]


def test_a_paid_installment_is_never_chased(book: App) -> None:
    pay(book, "rep1", "宁德时代", "300000")
    assert run_day(book, datetime(2026, 3, 29, 9, 0, tzinfo=SHANGHAI)) == []
    with book.uow() as uow:
        notices = uow.session.scalar(select(func.count(CollectionNotice.id)))
    assert notices >= 1, "the day is marked as looked at even when nothing was due"


def test_the_next_collection_hour_is_known(book: App) -> None:
    book.clock.set(datetime(2026, 3, 11, 10, 0, tzinfo=SHANGHAI))
    with book.uow() as uow:
        assert collections.next_due(uow) == book.clock.now(), "nobody has had today's run yet"
        collections.run_due(uow)
        uow.commit()
    with book.uow() as uow:
        assert collections.next_due(uow) == datetime(2026, 3, 12, 9, 0, tzinfo=SHANGHAI)


def test_a_collection_message_with_very_many_items_fits_one_message(settings: Settings) -> None:
    def item(n: int, name: str) -> dict[str, object]:
        return {
            "customer": f"{name}{n:04d}",
            "contract": f"HT-2026-{n:04d}",
            "seq": 1 + n % 3,
            "amount": "12345.67",
            "currency": "USD" if n % 10 == 5 else "CNY",
            "due_on": "2026-01-10",
            "days": 400 - n,
            "rep": "张伟",
        }

    def text(items: list[dict[str, object]], lang: str) -> str:
        return render_notification(
            "collections.daily", {"day": "2026-03-11", "items": items}, lang=lang, tz=SHANGHAI, settings=settings
        )

    for lang, head, more, total in (
        ("zh", "📌 今日回款提醒(300项):", "… 还有 270 项", "合计:¥3,333,330.90 + US$370,370.10"),
        ("en", "📌 Collections for today (300):", "… and 270 more", "In all: CN¥3,333,330.90 + $370,370.10"),
    ):
        lines = text([item(n, "客户") for n in range(300)], lang).splitlines()
        assert len("\n".join(lines)) <= MAX_CHARS
        assert lines[0] == head, "the count takes in every item"
        assert more in lines and total in lines[32], "the totals too"
        assert "客户0000" in lines[1] and "客户0029" in lines[30], "the most overdue are listed"
    # Names so long that 30 lines do not fit: fewer are listed.
    long = text([item(n, "深圳市前海某某科技发展集团股份有限公司" * 4) for n in range(300)], "zh")
    assert len(long) <= MAX_CHARS and "… 还有 280 项" in long.splitlines()
    few = text([item(n, "客户") for n in range(3)], "en").splitlines()
    assert len(few) == 6 and not any("more" in line for line in few), "heading, three items, totals, the example"


def test_the_documented_collection_policy_is_the_default_and_a_bad_one_is_refused() -> None:
    import tomllib

    from salesbot.config import ConfigError

    example = tomllib.loads((FIXTURES.parent.parent / "config" / "salesbot.example.toml").read_text("utf-8"))
    assert settings_from(example, env={}).collections == settings_from({}, env={}).collections
    policy = settings_from({}, env={}).collections
    assert [s.to for s in policy.steps_on(60)] == [("manager", "finance")], "the last step repeats every 30 days"
    assert policy.steps_on(45) == () and policy.steps_on(-1) == ()
    with pytest.raises(ConfigError):
        settings_from({"collections": {"steps": [{"days": 3, "to": ["boss"]}]}}, env={})
    env = {"SALESBOT_COLLECTIONS_FINANCE_CONFIRMS": "true"}
    assert settings_from({}, env=env).collections.finance_confirms
