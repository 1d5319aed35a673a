"""Contracts and approval chains, as business rules on a real database (SQLite, and PostgreSQL when under test)."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from salesbot.bootstrap import App
from salesbot.config import settings_from
from salesbot.services import contracts, reminders, users
from salesbot.services.contracts import PaymentTerms
from salesbot.services.errors import Invalid, NotAllowed
from salesbot.store.models import (
    ApprovalStep,
    AuditEntry,
    Contract,
    Customer,
    Deal,
    Installment,
    OutboxMessage,
    Reminder,
)
from tests.conftest import NO_REPORTS

D = date(2026, 3, 11)  # the fixture clock's day in Shanghai


def actor(app: App, handle: str) -> users.Actor:
    with app.uow() as uow:
        return users.by_handle(uow, handle)


def submit(app: App, handle: str, customer: str, amount: str, *, currency: str = "CNY", **terms: object) -> int:
    with app.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.name == customer))
        view = contracts.submit(
            uow,
            users.by_handle(uow, handle),
            customer_id=customer_id,
            amount=Decimal(amount),
            currency=currency,
            terms=PaymentTerms(**terms),  # type: ignore[arg-type]
        )
        uow.commit()
    return view.id


def chain(app: App, contract_id: int) -> list[tuple[str, str]]:
    with app.uow() as uow:
        steps = uow.session.scalars(
            select(ApprovalStep).where(ApprovalStep.contract_id == contract_id).order_by(ApprovalStep.seq)
        ).all()
        return [(s.rule, users.actor_of(uow, uow.session.get(users.User, s.approver_id)).handle) for s in steps]


def decide(app: App, handle: str, contract_id: int, decision: str, *, seq: int, version: int = 1, comment=None):  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        done = contracts.decide(
            uow,
            users.by_handle(uow, handle),
            contract_id=contract_id,
            version=version,
            seq=seq,
            decision=decision,
            comment=comment,
        )
        uow.commit()
    return done


def contract(app: App, contract_id: int) -> tuple[str, int, int]:
    with app.uow() as uow:
        row = uow.session.get_one(Contract, contract_id)
        return row.status, row.step, row.version


def outbox_keys(app: App, handle: str) -> list[str]:
    with app.uow() as uow:
        user_id = users.by_handle(uow, handle).id
        rows = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.target_id == user_id).order_by(OutboxMessage.id)
        ).all()
        return [r.payload["key"] for r in rows if r.state != "cancelled"]


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("50000", "CNY", [("manager", "mgr1")]),
        ("99999.99", "CNY", [("manager", "mgr1")]),
        ("100000", "CNY", [("manager", "mgr1"), ("admin", "admin")]),
        ("1000000", "CNY", [("manager", "mgr1"), ("admin", "admin")]),
        ("1000000.01", "CNY", [("manager", "mgr1"), ("admin", "admin"), ("finance", "fin1")]),
        ("14999", "USD", [("manager", "mgr1")]),
        ("85000", "USD", [("manager", "mgr1"), ("admin", "admin")]),
        ("85000", "EUR", [("manager", "mgr1"), ("admin", "admin")]),
    ],
)
def test_the_chain_is_chosen_by_amount_per_currency(app: App, amount: str, currency: str, expected: list) -> None:  # type: ignore[type-arg]
    assert chain(app, submit(app, "rep1", "阿里巴巴", amount, currency=currency)) == expected


def test_nobody_approves_their_own_contract_the_step_goes_one_up(app: App) -> None:
    # mgr1's own contract: "manager" would be mgr1, so it goes to the next one up, an admin; then the admin
    # step is the same person and is not asked twice.
    assert chain(app, submit(app, "mgr1", "阿里巴巴", "500000")) == [("manager", "admin")]


def test_a_configured_rule_by_terms_and_a_named_user(app: App, db_url: str) -> None:
    from salesbot.bootstrap import build

    settings = settings_from(
        {
            **NO_REPORTS,
            "approvals": {
                "rules": [
                    {"net_days_over": 60, "steps": ["manager", "user:fin1"]},
                    {"steps": ["user:rep1"]},
                ]
            }
        },
        env={},
    )
    other = build(settings, clock=app.clock, database_url=db_url, migrate=False)
    try:
        assert chain(other, submit(other, "rep2", "Initech", "1000", net_days=90)) == [
            ("manager", "mgr1"),
            ("user:fin1", "fin1"),
        ]
        # rep1 named as the approver of rep1's own contract: it goes to rep1's manager instead.
        assert chain(other, submit(other, "rep1", "阿里巴巴", "1000")) == [("user:rep1", "mgr1")]
    finally:
        other.close()


def test_one_step_approval_activates_wins_the_deal_and_makes_the_schedule(app: App) -> None:
    cid = submit(app, "rep1", "比亚迪", "90000", installments=3)
    assert outbox_keys(app, "mgr1") == ["card.contract"]
    done = decide(app, "mgr1", cid, "approve", seq=0)
    assert contract(app, cid)[0] == "active"
    assert done.installments == [
        (D, Decimal("30000.00")),
        (D + timedelta(days=30), Decimal("30000.00")),
        (D + timedelta(days=60), Decimal("30000.00")),
    ]
    with app.uow() as uow:
        deal = uow.session.scalar(select(Deal).join(Customer).where(Customer.name == "比亚迪"))
        assert deal.stage == "won"
        assert uow.session.scalar(select(Contract.deal_id).where(Contract.id == cid)) == deal.id
        assert len(uow.session.scalars(select(Installment).where(Installment.contract_id == cid)).all()) == 3
        actions = uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "contract", AuditEntry.entity_id == cid)
        ).all()
    assert actions == ["submit", "approve"]
    assert outbox_keys(app, "rep1")[-1] == "contract.approved"
    assert outbox_keys(app, "mgr1") == [], "the unsent card is cancelled, never sent with live buttons"


def test_a_two_step_chain_goes_in_order_and_tells_the_requester(app: App) -> None:
    cid = submit(app, "rep1", "阿里巴巴", "500000", installments=3)
    assert outbox_keys(app, "admin") == []
    with pytest.raises(NotAllowed):
        decide(app, "admin", cid, "approve", seq=0)  # not admin's turn yet
    decide(app, "mgr1", cid, "approve", seq=0)
    assert contract(app, cid) == ("pending", 1, 1)
    assert outbox_keys(app, "admin") == ["card.contract"]
    assert outbox_keys(app, "rep1") == ["contract.step_approved"]
    decide(app, "admin", cid, "approve", seq=1)
    assert contract(app, cid)[0] == "active"


def test_reject_needs_a_comment_and_a_resubmission_is_a_new_version(app: App) -> None:
    cid = submit(app, "rep1", "阿里巴巴", "80000")
    with pytest.raises(Invalid, match="comment_required"):
        decide(app, "mgr1", cid, "reject", seq=0, comment="  ")
    decide(app, "mgr1", cid, "reject", seq=0, comment="价格太低")
    assert contract(app, cid)[0] == "rejected"
    with app.uow() as uow:
        rep1 = users.by_handle(uow, "rep1")
        new = contracts.submit(
            uow,
            rep1,
            customer_id=uow.session.get_one(Contract, cid).customer_id,
            amount=Decimal("95000"),
            currency="CNY",
            terms=PaymentTerms(),
            replaces=cid,
        )
        uow.commit()
    assert (new.version, new.status) == (2, "pending")
    assert contract(app, cid)[0] == "rejected", "the rejected version stays as it was"
    with app.uow() as uow, pytest.raises(Invalid, match="already_resubmitted"):
        contracts.submit(
            uow,
            users.by_handle(uow, "rep1"),
            customer_id=new.customer_id,
            amount=Decimal("1"),
            currency="CNY",
            terms=PaymentTerms(),
            replaces=cid,
        )


def test_a_stale_or_foreign_decision_changes_nothing(app: App) -> None:
    cid = submit(app, "rep1", "阿里巴巴", "80000")
    with pytest.raises(NotAllowed, match="approval_not_yours"):
        decide(app, "rep1", cid, "approve", seq=0)  # a rep replaying the manager's button
    decide(app, "mgr1", cid, "approve", seq=0)
    with pytest.raises(Invalid, match="approval_stale"):
        decide(app, "mgr1", cid, "reject", seq=0, comment="too late")
    with pytest.raises(Invalid, match="approval_stale"):
        decide(app, "mgr1", cid, "approve", seq=0, version=2)
    assert contract(app, cid)[0] == "active"


def test_a_question_keeps_the_step_and_reaches_the_requester(app: App) -> None:
    cid = submit(app, "rep1", "阿里巴巴", "80000")
    decide(app, "mgr1", cid, "ask", seq=0, comment="首付多少?")
    assert contract(app, cid) == ("pending", 0, 1)
    assert outbox_keys(app, "rep1") == ["contract.question"]
    decide(app, "mgr1", cid, "approve", seq=0)
    assert contract(app, cid)[0] == "active"


def test_withdraw_cancels_the_steps_and_the_reminders(app: App) -> None:
    cid = submit(app, "rep1", "阿里巴巴", "500000")
    with app.uow() as uow, pytest.raises(NotAllowed):
        contracts.withdraw(uow, users.by_handle(uow, "rep2"), contract_id=cid)
    with app.uow() as uow:
        contracts.withdraw(uow, users.by_handle(uow, "rep1"), contract_id=cid)
        uow.commit()
    assert contract(app, cid)[0] == "withdrawn"
    with app.uow() as uow:
        states = uow.session.scalars(select(ApprovalStep.state).where(ApprovalStep.contract_id == cid)).all()
        pending = uow.session.scalars(select(Reminder).where(Reminder.state == "pending")).all()
    assert states == ["cancelled", "cancelled"] and pending == []
    with pytest.raises(Invalid, match="approval_stale"):
        decide(app, "mgr1", cid, "approve", seq=0)


def test_an_undecided_approver_is_reminded_then_their_manager_told(app: App) -> None:
    cid = submit(app, "rep1", "阿里巴巴", "80000")

    def fire_after(hours: int) -> None:
        app.clock.advance(timedelta(hours=hours))  # type: ignore[attr-defined]
        with app.uow() as uow:
            reminders.fire_due(uow)
            uow.commit()

    fire_after(23)
    assert outbox_keys(app, "mgr1") == ["card.contract"]
    fire_after(1)
    assert outbox_keys(app, "mgr1") == ["card.contract", "reminder.approval"]
    assert outbox_keys(app, "admin") == []
    fire_after(24)
    assert outbox_keys(app, "admin") == ["reminder.approval_escalation"]
    decide(app, "mgr1", cid, "approve", seq=0)


def test_decided_reminders_never_fire(app: App) -> None:
    cid = submit(app, "rep1", "阿里巴巴", "80000")
    decide(app, "mgr1", cid, "approve", seq=0)
    app.clock.advance(timedelta(days=3))  # type: ignore[attr-defined]
    with app.uow() as uow:
        assert reminders.fire_due(uow) == 0


@pytest.mark.parametrize(
    ("amount", "terms", "expected"),
    [
        ("1200000", PaymentTerms(installments=3), [(0, "400000.00"), (30, "400000.00"), (60, "400000.00")]),
        ("100", PaymentTerms(installments=3), [(0, "33.33"), (30, "33.33"), (60, "33.34")]),
        ("85000", PaymentTerms(net_days=60), [(60, "85000.00")]),
        ("120000", PaymentTerms(upfront_percent=Decimal(30)), [(0, "36000.00"), (30, "84000.00")]),
        (
            "120000",
            PaymentTerms(upfront_percent=Decimal(30), installments=2),
            [(0, "36000.00"), (30, "42000.00"), (60, "42000.00")],
        ),
        ("120000", PaymentTerms(upfront_percent=Decimal(30), net_days=60), [(0, "36000.00"), (60, "84000.00")]),
        ("50000", PaymentTerms(installments=2, net_days=30), [(30, "25000.00"), (60, "25000.00")]),
        ("50000", PaymentTerms(on_delivery=True), [(0, "50000.00")]),
        ("50000", PaymentTerms(upfront_percent=Decimal(100)), [(0, "50000.00")]),
        ("50000", PaymentTerms(), [(0, "50000.00")]),
    ],
)
def test_schedules_from_terms(amount: str, terms: PaymentTerms, expected: list[tuple[int, str]]) -> None:
    parts = contracts.schedule(Decimal(amount), terms, start=D, interval_days=30)
    assert [((due - D).days, str(value)) for due, value in parts] == expected
    assert sum(value for _, value in parts) == Decimal(amount)


@pytest.mark.parametrize(
    "bad",
    [
        {"amount": "0"},
        {"amount": "-5"},
        {"amount": "10.005"},
        {"currency": "yuan"},
        {"installments": 0},
        {"upfront_percent": Decimal(120)},
        {"net_days": 400},
    ],
)
def test_nonsense_is_refused_before_anything_is_written(app: App, bad: dict) -> None:  # type: ignore[type-arg]
    bad = dict(bad)  # the parameter is shared by the SQLite and PostgreSQL runs
    amount = str(bad.pop("amount", "1000"))
    currency = str(bad.pop("currency", "CNY"))
    with pytest.raises(Invalid):
        submit(app, "rep1", "阿里巴巴", amount, currency=currency, **bad)
    with app.uow() as uow:
        assert uow.session.scalar(select(Contract.id)) is None


def test_two_presses_racing_for_one_step_have_exactly_one_winner(app: App) -> None:
    """Approve and reject pressed at once (two phones, one manager): the contract row lock lets one through."""
    cid = submit(app, "rep1", "阿里巴巴", "80000")
    results: list[str] = []
    start = threading.Barrier(2)

    def press(decision: str) -> None:
        start.wait()
        try:
            decide(app, "mgr1", cid, decision, seq=0, comment="no")
            results.append(decision)
        except Invalid as exc:
            results.append(exc.code)

    threads = [threading.Thread(target=press, args=(d,)) for d in ("approve", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results).count("approval_stale") == 1, results
    status = contract(app, cid)[0]
    assert status == ("active" if "approve" in results else "rejected")
    with app.uow() as uow:
        decided = uow.session.scalars(select(ApprovalStep.state).where(ApprovalStep.contract_id == cid)).all()
    assert decided in (["approved"], ["rejected"])
