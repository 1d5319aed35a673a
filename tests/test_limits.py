"""Bad input gets a clear answer in the user's language and changes nothing; money is exact on both databases
(issue 18, item 7). The limits themselves are in salesbot/services/limits.py and docs/security.md."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select

from salesbot.bootstrap import App
from salesbot.i18n import t
from salesbot.services import contracts, limits, payments, users
from salesbot.services.contracts import PaymentTerms
from salesbot.services.errors import Invalid
from salesbot.store.db import alembic_config, upgrade
from salesbot.store.models import AuditEntry, Contract, Customer, Installment, Payment, Visit
from tests.conftest import Chat

ERROR = t("zh", "error_generic")


def counts(chat: Chat) -> dict[str, int]:
    """Everything a turn could have written."""
    with chat.session.world.uow() as uow:
        return {
            model.__name__: uow.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Contract, Customer, Installment, Payment, Visit, AuditEntry)
        }


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("提交比亚迪合同 " + "9" * 30 + "元", "金额太大", "too large"),
        ("提交比亚迪合同 99999999999999999元", "金额太大", "too large"),
        ("提交比亚迪合同 100.123元", "最多 2 位小数", "at most 2 decimals"),
        ("提交比亚迪合同 9万,首付150%", "首付比例", "upfront share"),
        ("提交比亚迪合同 9万,分0期", "分期数", "number of installments"),
        ("提交比亚迪合同 9万,分99999999999999999期", "分期数", "number of installments"),
        ("提交比亚迪合同 9万,账期99999999999999999天", "账期", "Payment terms"),
        ("提交比亚迪合同 9万 XYZ", "币种 XYZ", "currency XYZ"),
        ("今天拜访了比亚迪\x00,明天再跟进", "控制字符", "control characters"),
        ("今天拜访了比亚迪,3000年1月1日再跟进", "太远", "too far"),
        ("比亚迪第99999999999999999期延期到下个月", "99999999999999999", "99999999999999999"),
        ("拜访了比亚迪 " + "很好" * 2500, "太长", "too long"),
    ],
)
def test_bad_input_is_refused_in_the_users_language_and_changes_nothing(
    chat: Chat, text: str, zh: str, en: str
) -> None:
    chat.run("@seed collections.toml")  # open installments, so a schedule change has something to reach
    before = counts(chat)
    # rep1 reads Chinese, rep2 English; each names their own customer where the sentence names one.
    for handle, words, own in (("rep1", zh, "比亚迪"), ("rep2", en, "Initech")):
        replies = chat.say(handle, text.replace("比亚迪", own))
        said = "\n".join(s.reply.text for s in replies)
        assert ERROR not in said, said
        assert words in said, said
        assert counts(chat) == before, f"{text!r} changed something"


def test_a_name_too_long_for_a_customer_is_refused(chat: Chat) -> None:
    chat.say("rep1", "拜访了一家新客户")
    before = counts(chat)
    asked = chat.say("rep1", "新" * 300)
    said = "\n".join(s.reply.text for s in asked)
    if "新建" in said:  # offered to create it: the press is what is refused
        said = "\n".join(s.reply.text for s in chat.press("rep1", "新建"))
    assert "名称太长" in said and ERROR not in said
    assert counts(chat) == before


def test_an_installment_moved_too_far_and_a_payment_before_the_contract_are_refused(app: App) -> None:
    with app.uow() as uow:
        rep1 = users.by_handle(uow, "rep1")
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.name == "比亚迪"))
        contracts.submit(
            uow, rep1, customer_id=customer_id, amount=Decimal(90000), currency="CNY", terms=PaymentTerms()
        )
        uow.commit()
    with app.uow() as uow, pytest.raises(Invalid) as early:
        payments.preview(
            uow, rep1, customer_id=customer_id, amount=Decimal(100), currency="CNY", received_on=date(2026, 1, 5)
        )
    assert early.value.code == "payment_before_contract"
    with pytest.raises(Invalid) as far:
        limits.moved(date(2028, 1, 1), was=date(2026, 4, 1))
    assert far.value.code == "due_moved_too_far"


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [
        ("1000.5", "JPY", "amount_too_precise"),  # yen have no minor unit
        ("10.005", "CNY", "amount_too_precise"),  # never rounded to 10.01
        ("0", "CNY", "amount_not_positive"),
        ("1000000000000.01", "CNY", "amount_too_big"),
        ("100", "XYZ", "currency_invalid"),
        ("100", "cny", "currency_invalid"),
    ],
)
def test_money_limits_use_the_currencys_minor_unit_and_never_round(amount: str, currency: str, code: str) -> None:
    with pytest.raises(Invalid) as refused:
        limits.money(Decimal(amount), currency)
    assert refused.value.code == code


def test_money_at_the_limit_is_stored_and_read_exactly(app: App) -> None:
    big = limits.MAX_AMOUNT - Decimal("0.01")  # 999,999,999,999.99: more digits than a float keeps exactly
    with app.uow() as uow:
        rep1 = users.by_handle(uow, "rep1")
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.name == "比亚迪"))
        view = contracts.submit(
            uow, rep1, customer_id=customer_id, amount=big, currency="CNY", terms=PaymentTerms(installments=3)
        )
        uow.commit()
    with app.uow() as uow:
        assert uow.session.get_one(Contract, view.id).amount == big
        total = uow.session.scalar(select(func.sum(Contract.amount) + func.sum(Contract.amount)))
    assert total == big * 2


@pytest.mark.parametrize("currency", ["KWD", "BHD", "JOD", "OMR", "TND", "IQD", "LYD"])
def test_three_digit_currencies_are_taken_to_their_minor_unit_and_never_rounded(currency: str) -> None:
    assert limits.unit(currency) == Decimal("0.001")
    assert limits.money(Decimal("10.125"), currency) == Decimal("10.125")
    with pytest.raises(Invalid) as refused:
        limits.money(Decimal("10.1255"), currency)
    assert refused.value.code == "amount_too_precise"


def test_three_digit_money_is_stored_split_and_summed_exactly(app: App) -> None:
    with app.uow() as uow:
        rep1 = users.by_handle(uow, "rep1")
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.name == "比亚迪"))
        view = contracts.submit(
            uow,
            rep1,
            customer_id=customer_id,
            amount=Decimal("1234.567"),
            currency="KWD",
            terms=PaymentTerms(installments=3),
        )
        uow.commit()
    with app.uow() as uow:
        assert uow.session.get_one(Contract, view.id).amount == Decimal("1234.567"), "not held to 1234.57"
        total = uow.session.scalar(select(func.sum(Contract.amount) + func.sum(Contract.amount)))
    assert total == Decimal("2469.134")
    parts = contracts.schedule(
        Decimal("100.000"), PaymentTerms(installments=3), start=date(2026, 3, 1), interval_days=30, currency="KWD"
    )
    assert [a for _, a in parts] == [Decimal("33.333"), Decimal("33.333"), Decimal("33.334")], "to the fils"
    cny = contracts.schedule(Decimal(100), PaymentTerms(installments=3), start=date(2026, 3, 1), interval_days=30)
    assert [a for _, a in cny] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_the_migration_turns_sqlites_float_money_into_exact_cents(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0010")
    with sqlite3.connect(tmp_path / "old.db") as conn:
        now = datetime(2026, 3, 1, tzinfo=UTC).isoformat()
        conn.execute("INSERT INTO customers (id, name, archived, created_at) VALUES (1, 'x', 0, ?)", (now,))
        conn.execute(
            "INSERT INTO payments (customer_id, amount, currency, received_on, state, created_at)"
            " VALUES (1, 1234567.89, 'CNY', '2026-03-01', 'confirmed', ?)",
            (now,),
        )
    upgrade(url)
    with sqlite3.connect(tmp_path / "old.db") as conn:
        # Whole cents after 0012, whole thousandths after 0019rel (issue 18: three-digit currencies).
        assert conn.execute("SELECT amount, typeof(amount) FROM payments").fetchone() == (1234567890, "integer")
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(select(Payment.amount)).scalar() == Decimal("1234567.89")
    engine.dispose()


def test_understand_reads_anything_without_a_traceback(tmp_path: Path) -> None:
    from tests.test_cli import salesbot

    db = tmp_path / "team.db"
    salesbot("init", db=db)
    texts = ["提交比亚迪合同 " + "9" * 30 + "元", "拜访了\x01比亚迪", "分0期 首付150% 9万 XYZ", "九" * 300 + "亿元"]
    done = salesbot("understand", "--now", "2026-03-11T10:00", "--tz", "Asia/Shanghai", *texts, db=db)
    assert "Traceback" not in done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["text"] for line in lines] == texts
    assert lines[0]["amount"] == "9" * 30, "read exactly, for the services to refuse"
    assert lines[2]["currency"] == "XYZ"
