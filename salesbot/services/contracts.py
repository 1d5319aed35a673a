"""Contracts: submitted in chat, approved step by step by the people the rules name, then active with a schedule.

```mermaid
stateDiagram-v2
    [*] --> pending: submit (version 1) / resubmit (version n+1)
    pending --> pending: a step approves, the next approver gets the card
    pending --> active: the last step approves (deal won, installments made)
    pending --> rejected: a step rejects, with a comment
    pending --> withdrawn: the requester withdraws
    rejected --> [*]
    withdrawn --> [*]
```

Every decision locks the contract row first, so of two presses racing for one step exactly one decides; the
other finds the contract moved on and is told so. Each step, its notifications and its audit row commit together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from salesbot.services import (
    approvals,
    attachments,
    audit,
    cards,
    customers,
    limits,
    outbox,
    payments,
    permissions,
    pipeline,
)
from salesbot.services.cards import CardButton
from salesbot.services.errors import Invalid, NotAllowed, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import (
    ApprovalStep,
    Contract,
    Customer,
    Deal,
    Installment,
    Reminder,
    StageChange,
    User,
    Visit,
)

DECISIONS = ("approve", "reject", "ask")


@dataclass(frozen=True)
class PaymentTerms:
    installments: int | None = None
    upfront_percent: Decimal | None = None
    net_days: int | None = None
    on_delivery: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "installments": self.installments,
            "upfront_percent": str(self.upfront_percent) if self.upfront_percent is not None else None,
            "net_days": self.net_days,
            "on_delivery": self.on_delivery,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> PaymentTerms:
        data = data or {}
        upfront = data.get("upfront_percent")
        return cls(
            installments=data.get("installments"),
            upfront_percent=Decimal(upfront) if upfront is not None else None,
            net_days=data.get("net_days"),
            on_delivery=bool(data.get("on_delivery")),
        )


@dataclass(frozen=True)
class ContractView:
    id: int
    customer_id: int
    customer: str
    owner_id: int
    owner: str
    version: int
    amount: Decimal
    currency: str
    terms: PaymentTerms
    note: str | None
    status: str
    step: int
    steps: int
    approver: str | None  # who decides now, while pending


@dataclass(frozen=True)
class Decided:
    contract: ContractView
    decision: str
    installments: list[tuple[date, Decimal]]


def submit(
    uow: UnitOfWork,
    actor: Actor,
    *,
    customer_id: int,
    amount: Decimal,
    currency: str,
    terms: PaymentTerms,
    note: str | None = None,
    replaces: int | None = None,
    files: Sequence[attachments.Item] = (),
) -> ContractView:
    """Save the contract as pending and send its card to the first approver; `replaces` makes it the next
    version of a rejected or withdrawn one (which stays as it was)."""
    customer = customers.get_for_change(uow, actor, customer_id)
    _check(amount, currency, terms)
    note = limits.note(note)
    version, previous_id = 1, None
    if replaces is not None:
        previous = _get(uow, replaces)
        if previous.customer_id != customer.id or previous.status not in ("rejected", "withdrawn"):
            raise Invalid("contract_not_resubmittable", customer=customer.name)
        if _newer_version(uow, previous.id) is not None:
            raise Invalid("contract_already_resubmitted", customer=customer.name)
        version, previous_id = previous.version + 1, previous.id
    steps = approvals.chain(
        uow, actor, amount=amount, currency=currency, net_days=terms.net_days, installments=terms.installments
    )
    now = uow.now()
    contract = Contract(
        customer_id=customer.id,
        deal_id=_deal_for(uow, actor, customer.id, customer.owner_id, currency),
        owner_id=actor.id,
        previous_id=previous_id,
        version=version,
        amount=amount,
        currency=currency,
        terms=terms.as_json(),
        note=note or None,
        status="pending",
        step=0,
        submitted_at=now,
        updated_at=now,
    )
    uow.session.add(contract)
    uow.session.flush()
    for seq, step in enumerate(steps):
        uow.session.add(
            ApprovalStep(
                contract_id=contract.id,
                seq=seq,
                rule=step.rule,
                approver_id=step.approver_id,
                state="deciding" if seq == 0 else "waiting",
                started_at=now if seq == 0 else None,
            )
        )
    uow.session.flush()
    audit.record(
        uow,
        actor_id=actor.id,
        entity="contract",
        entity_id=contract.id,
        action="submit" if version == 1 else "resubmit",
        before=None,
        after=audit.snapshot(contract),
    )
    for item in files:  # kept before the card is made, so the approver sees them with it
        attachments.keep(uow, actor, item, contract_id=contract.id)
    _start_step(uow, contract, 0)
    return view(uow, contract)


def decide(
    uow: UnitOfWork,
    actor: Actor,
    *,
    contract_id: int,
    version: int,
    seq: int,
    decision: str,
    comment: str | None = None,
) -> Decided:
    """One approver's decision on the step the card was made for; anything else is stale and changes nothing."""
    permissions.require_active(actor)
    if decision not in DECISIONS:
        raise Invalid("unknown_decision", decision=decision)
    contract, step = _deciding(uow, actor, contract_id=contract_id, version=version, seq=seq, lock=True)
    if decision in ("reject", "ask") and not (comment or "").strip():
        raise Invalid("comment_required")
    now = uow.now()
    if decision == "ask":
        audit.record(
            uow,
            actor_id=actor.id,
            entity="contract",
            entity_id=contract.id,
            action="ask",
            before=None,
            after={"step": seq, "comment": comment},
        )
        # The requester answers from a button on the question; the answer comes back with the card.
        cards.send(
            uow,
            contract.owner_id,
            card=f"{_card(contract, seq)}:question:{uow.now().isoformat()}",
            key="contract.question",
            params={**_card_params(uow, contract), "by": actor.name, "comment": comment},
            buttons=[
                [
                    CardButton(
                        "btn_answer",
                        {
                            "flow": "approval",
                            "decision": "answer",
                            "contract_id": contract.id,
                            "version": contract.version,
                            "seq": seq,
                        },
                    )
                ]
            ],
        )
        return Decided(view(uow, contract), decision, [])
    before_step, before = audit.snapshot(step), audit.snapshot(contract)
    step.state = "approved" if decision == "approve" else "rejected"
    step.decided_at, step.decided_by, step.comment = now, actor.id, comment or None
    _cancel_reminders(uow, step.id)
    audit.record(
        uow,
        actor_id=actor.id,
        entity="approval_step",
        entity_id=step.id,
        action=decision,
        before=before_step,
        after=audit.snapshot(step),
    )
    outcome = {**_card_params(uow, contract), "by": actor.name, "comment": comment or ""}
    cards.close(uow, card=_card(contract, seq), key=f"card.contract_{step.state}", params=outcome)
    schedule: list[tuple[date, Decimal]] = []
    last = seq + 1 >= _step_count(uow, contract.id)
    if decision == "reject":
        contract.status, contract.decided_at = "rejected", now
        outbox.notify_user(uow, contract.owner_id, "contract.rejected", outcome)
    elif not last:
        contract.step = seq + 1
        _start_step(uow, contract, seq + 1)
        nxt = uow.session.get_one(User, _step(uow, contract.id, seq + 1).approver_id)
        outbox.notify_user(uow, contract.owner_id, "contract.step_approved", {**outcome, "next": nxt.name})
    else:
        contract.status, contract.decided_at = "active", now
        schedule = _make_schedule(uow, contract, actor)
        if contract.deal_id is not None:
            # An approved contract is the best word on its deal's value; a pending or rejected one changes nothing.
            deal = uow.session.get_one(Deal, contract.deal_id)
            pipeline.value_deal(uow, actor, deal, contract.amount, contract.currency)
            pipeline.close_by_contract(uow, actor, deal_id=contract.deal_id, stage=uow.settings.approvals.won_stage)
        outbox.notify_user(
            uow,
            contract.owner_id,
            "contract.approved",
            {**outcome, "schedule": [[d.isoformat(), str(a)] for d, a in schedule]},
        )
    contract.updated_at = now
    audit.record(
        uow,
        actor_id=actor.id,
        entity="contract",
        entity_id=contract.id,
        action=decision,
        before=before,
        after=audit.snapshot(contract),
    )
    return Decided(view(uow, contract), decision, schedule)


def answer_question(uow: UnitOfWork, actor: Actor, *, contract_id: int, version: int, seq: int, text: str) -> str:
    """The requester's answer to an approver's question: it goes to the approver with the card again.
    Returns the approver's name."""
    permissions.require_active(actor)
    contract = _get(uow, contract_id)
    if contract.owner_id != actor.id:
        raise NotAllowed("contract_not_yours")
    if contract.status != "pending" or contract.version != version or contract.step != seq:
        raise Invalid("approval_stale", customer=contract.customer.name, status=contract.status)
    if not text.strip():
        raise Invalid("comment_required")
    step = _step(uow, contract.id, seq)
    audit.record(
        uow,
        actor_id=actor.id,
        entity="contract",
        entity_id=contract.id,
        action="answer",
        before=None,
        after={"step": seq, "answer": text},
    )
    outbox.notify_user(
        uow,
        step.approver_id,
        "contract.answer",
        {"customer": contract.customer.name, "rep": actor.name, "answer": text},
    )
    _send_card(uow, contract, step)
    return uow.session.get_one(User, step.approver_id).name


def ensure_deciding(uow: UnitOfWork, actor: Actor, *, contract_id: int, version: int, seq: int) -> ContractView:
    """Refuse now, before asking for a comment, a press that `decide` would refuse later."""
    permissions.require_active(actor)
    contract, _ = _deciding(uow, actor, contract_id=contract_id, version=version, seq=seq, lock=False)
    return view(uow, contract)


def _deciding(
    uow: UnitOfWork, actor: Actor, *, contract_id: int, version: int, seq: int, lock: bool
) -> tuple[Contract, ApprovalStep]:
    """The contract and step a card was made for, if the presser is that step's approver and it still waits."""
    contract = _get(uow, contract_id, lock=lock)
    step = _step(uow, contract.id, seq)
    if step.approver_id != actor.id and not _may_stand_in(uow, actor, contract):
        raise NotAllowed("approval_not_yours")
    if contract.status != "pending" or contract.version != version or contract.step != seq or step.state != "deciding":
        raise Invalid("approval_stale", customer=contract.customer.name, status=contract.status)
    return contract, step


def _may_stand_in(uow: UnitOfWork, actor: Actor, contract: Contract) -> bool:
    """An admin may decide any waiting step in another's stead (an approver away, or gone), except on a contract
    of their own or one where they hold a step themselves: one person never signs twice for the same contract."""
    if not actor.is_admin or contract.owner_id == actor.id:
        return False
    own_step = uow.session.scalar(
        select(ApprovalStep.id).where(ApprovalStep.contract_id == contract.id, ApprovalStep.approver_id == actor.id)
    )
    return own_step is None


def withdraw(uow: UnitOfWork, actor: Actor, *, contract_id: int) -> ContractView:
    contract = _get(uow, contract_id, lock=True)
    if contract.owner_id != actor.id and not actor.is_admin:
        raise NotAllowed("contract_not_yours")
    permissions.require_active(actor)
    if contract.status != "pending":
        raise Invalid("contract_not_pending", customer=contract.customer.name, status=contract.status)
    before = audit.snapshot(contract)
    step = _step(uow, contract.id, contract.step)
    for row in uow.session.scalars(
        select(ApprovalStep).where(
            ApprovalStep.contract_id == contract.id, ApprovalStep.state.in_(("waiting", "deciding"))
        )
    ):
        row.state = "cancelled"
    _cancel_reminders(uow, step.id)
    contract.status, contract.decided_at, contract.updated_at = "withdrawn", uow.now(), uow.now()
    cards.close(
        uow,
        card=_card(contract, step.seq),
        key="card.contract_withdrawn",
        params={**_card_params(uow, contract), "by": actor.name},
    )
    audit.record(
        uow,
        actor_id=actor.id,
        entity="contract",
        entity_id=contract.id,
        action="withdraw",
        before=before,
        after=audit.snapshot(contract),
    )
    return view(uow, contract)


def waiting_for(uow: UnitOfWork, actor: Actor, *, scope: permissions.Scope | None = None) -> list[ContractView]:
    """What waits for this approver's decision now, oldest first; for an admin also what waits on anyone else that
    they may decide in that approver's stead. With `scope`, only the customers an answer there may show."""
    query = (
        select(Contract)
        .join(ApprovalStep, (ApprovalStep.contract_id == Contract.id) & (ApprovalStep.seq == Contract.step))
        .where(Contract.status == "pending", ApprovalStep.state == "deciding")
        .order_by(Contract.submitted_at, Contract.id)
    )
    if not actor.is_admin:
        query = query.where(ApprovalStep.approver_id == actor.id)
    rows = uow.session.scalars(query).all()
    return [
        view(uow, c)
        for c in rows
        if (_step(uow, c.id, c.step).approver_id == actor.id or _may_stand_in(uow, actor, c))
        and (scope is None or permissions.in_scope(scope, c.customer))
    ]


def mine(uow: UnitOfWork, actor: Actor, *, customer_id: int, statuses: tuple[str, ...]) -> list[ContractView]:
    """The actor's own contracts for a customer in these states, newest first (what withdraw and resubmit act
    on); a version already resubmitted is history, not a contract to act on."""
    superseded = select(Contract.previous_id).where(Contract.previous_id.is_not(None))
    rows = uow.session.scalars(
        select(Contract)
        .where(
            Contract.customer_id == customer_id,
            Contract.owner_id == actor.id,
            Contract.status.in_(statuses),
            Contract.id.notin_(superseded),
        )
        .order_by(Contract.id.desc())
    )
    return [view(uow, c) for c in rows]


def view(uow: UnitOfWork, contract: Contract) -> ContractView:
    owner = uow.session.get_one(User, contract.owner_id)
    approver = None
    if contract.status == "pending":
        approver = uow.session.get_one(User, _step(uow, contract.id, contract.step).approver_id).name
    return ContractView(
        id=contract.id,
        customer_id=contract.customer_id,
        customer=contract.customer.name,
        owner_id=contract.owner_id,
        owner=owner.name,
        version=contract.version,
        amount=contract.amount,
        currency=contract.currency,
        terms=PaymentTerms.from_json(contract.terms),
        note=contract.note,
        status=contract.status,
        step=contract.step,
        steps=_step_count(uow, contract.id),
        approver=approver,
    )


def schedule(
    amount: Decimal, terms: PaymentTerms, *, start: date, interval_days: int, currency: str = "CNY"
) -> list[tuple[date, Decimal]]:
    """The installments a contract's terms make, from the day it is approved.

    30% upfront is due on approval and the rest follows the other terms; N installments are equal (the last
    takes the rounding), the first due on approval (or after the net days) and the rest every interval;
    net N alone is one payment N days after approval. On delivery has no date we know: due on approval,
    and the rep moves it when delivery is booked.
    """
    interval = timedelta(days=interval_days)
    step = limits.unit(currency)  # 0.01 for CNY, 0.001 for KWD: each part a whole number of the currency's unit
    parts: list[tuple[date, Decimal]] = []
    remaining = amount
    first = start + timedelta(days=terms.net_days or 0)
    if terms.upfront_percent:
        upfront = (amount * terms.upfront_percent / 100).quantize(step, rounding=ROUND_DOWN)
        parts.append((start, upfront))
        remaining -= upfront
        if not terms.net_days:
            first = start + interval
    if remaining <= 0:
        return parts
    count = max(terms.installments or 1, 1)
    share = (remaining / count).quantize(step, rounding=ROUND_DOWN)
    for n in range(count):
        part = share if n < count - 1 else remaining - share * (count - 1)
        parts.append((first + n * interval, part))  # the last takes what the shares left: exact, no rounding
    return parts


def _make_schedule(uow: UnitOfWork, contract: Contract, approver: Actor) -> list[tuple[date, Decimal]]:
    owner = uow.session.get_one(User, contract.owner_id)
    # Due dates are the requester's team's calendar days, whoever approved from wherever.
    tz = ZoneInfo(owner.team.timezone) if owner.team else approver.tz
    start = uow.now().astimezone(tz).date()
    parts = schedule(
        contract.amount,
        PaymentTerms.from_json(contract.terms),
        start=start,
        interval_days=uow.settings.approvals.installment_interval_days,
        currency=contract.currency,
    )
    for seq, (due, amount) in enumerate(parts, start=1):
        uow.session.add(
            Installment(
                contract_id=contract.id,
                seq=seq,
                due_on=due,
                amount=amount,
                currency=contract.currency,
                paid=Decimal(0),
                state="open",
                created_at=uow.now(),
            )
        )
    uow.session.flush()
    # A customer who paid ahead (credit from an earlier overpayment) has the new installments settled from it.
    payments.apply_credit(uow, customer_id=contract.customer_id, currency=contract.currency, actor_id=approver.id)
    return parts


def _start_step(uow: UnitOfWork, contract: Contract, seq: int) -> None:
    """Hand the contract to this step's approver: the card, and the reminders that keep it moving."""
    step = _step(uow, contract.id, seq)
    now = uow.now()
    step.state, step.started_at = "deciding", now
    _send_card(uow, contract, step)
    policy = uow.settings.approvals
    reminders = [("approval", step.approver_id, policy.remind_after_hours)]
    escalate_to = approvals.next_one_up(uow, step.approver_id, not_=contract.owner_id)
    if escalate_to is not None:
        reminders.append(("approval_escalation", escalate_to, policy.escalate_after_hours))
    for kind, user_id, hours in reminders:
        uow.session.add(
            Reminder(
                user_id=user_id,
                kind=kind,
                subject_type="approval_step",
                subject_id=step.id,
                customer_id=contract.customer_id,
                due_at=now + timedelta(hours=hours),
                state="pending",
                created_at=now,
            )
        )


def reassign_from(uow: UnitOfWork, actor: Actor, *, user_id: int) -> int:
    """The approval steps waiting on a user who left go to their manager (or, above them, an admin): the step now
    deciding is carried on by its new approver, who gets the card; a later step simply has a new approver. Each
    move is audited. Returns how many steps moved."""
    steps = uow.session.scalars(
        select(ApprovalStep)
        .join(Contract, Contract.id == ApprovalStep.contract_id)
        .where(
            ApprovalStep.approver_id == user_id,
            ApprovalStep.state.in_(("waiting", "deciding")),
            Contract.status == "pending",
        )
        .order_by(ApprovalStep.contract_id, ApprovalStep.seq)
    ).all()
    for step in steps:
        contract = _get(uow, step.contract_id, lock=True)
        successor = approvals.next_one_up(uow, user_id, not_=contract.owner_id)
        if successor is None:  # nobody above (no manager, no other admin): the step waits for an admin to decide
            continue
        before = audit.snapshot(step)
        step.approver_id = successor
        if step.state == "deciding":
            _cancel_reminders(uow, step.id)
            params = {**_card_params(uow, contract), "by": actor.name}
            cards.close(uow, card=_card(contract, step.seq), key="card.contract_reassigned", params=params)
            _start_step(uow, contract, step.seq)
        audit.record(
            uow,
            actor_id=actor.id,
            entity="approval_step",
            entity_id=step.id,
            action="reassign",
            before=before,
            after=audit.snapshot(step),
        )
    return len(steps)


def resend_card(uow: UnitOfWork, actor: Actor, *, contract_id: int) -> None:
    """The card again, with fresh buttons, for the approver whose turn it is (the old copies still work too)."""
    contract = _get(uow, contract_id)
    step = _step(uow, contract.id, contract.step)
    if contract.status == "pending" and (step.approver_id == actor.id or _may_stand_in(uow, actor, contract)):
        _send_card(uow, contract, step, to=actor.id)


def _send_card(uow: UnitOfWork, contract: Contract, step: ApprovalStep, *, to: int | None = None) -> None:
    """The step's card, to its approver (or to `to`, an admin deciding in their stead)."""
    action = {"flow": "approval", "contract_id": contract.id, "version": contract.version, "seq": step.seq}
    cards.send(
        uow,
        to or step.approver_id,
        card=_card(contract, step.seq),
        key="card.contract",
        params=_card_params(uow, contract),
        buttons=[
            [
                CardButton("btn_approve", {**action, "decision": "approve"}),
                CardButton("btn_reject", {**action, "decision": "reject"}),
            ],
            [CardButton("btn_ask", {**action, "decision": "ask"})],
        ],
    )


def _card_params(uow: UnitOfWork, contract: Contract) -> dict[str, Any]:
    """What an approver needs to decide without opening anything: who, how much, on what terms, and the deal's story."""
    owner = uow.session.get_one(User, contract.owner_id)
    params: dict[str, Any] = {
        "customer": contract.customer.name,
        "amount": str(contract.amount),
        "currency": contract.currency,
        "terms": contract.terms,
        "rep": owner.name,
        "version": contract.version,
        "note": contract.note or "",
        "step": contract.step + 1,
        "steps": _step_count(uow, contract.id),
        "files": [
            {"kind": a.kind, "file_id": a.file_id, "name": a.file_name, "platform": a.platform}
            for a in attachments.of(uow, "contract", contract.id)
            if a.file_id
        ],
    }
    deal = uow.session.get(Deal, contract.deal_id) if contract.deal_id else None
    if deal is not None:
        moved = uow.session.scalar(
            select(StageChange.at).where(StageChange.deal_id == deal.id).order_by(StageChange.at.desc()).limit(1)
        )
        params |= {"deal": deal.title, "stage": deal.stage, "stage_at": (moved or deal.created_at).isoformat()}
    visit = uow.session.scalar(
        select(Visit)
        .where(Visit.customer_id == contract.customer_id, Visit.archived.is_(False))
        .order_by(Visit.at.desc())
        .limit(1)
    )
    if visit is not None:
        params |= {"visit_at": visit.at.isoformat(), "visit_notes": visit.notes[:60]}
    return params


def _deal_for(uow: UnitOfWork, actor: Actor, customer_id: int, owner_id: int | None, currency: str) -> int:
    """The customer's open deal the contract closes (the most recently active), or a new one."""
    now = uow.now()
    deal = uow.session.scalar(
        select(Deal)
        .where(Deal.customer_id == customer_id, Deal.stage.notin_(pipeline.CLOSED), Deal.archived.is_(False))
        .order_by(Deal.updated_at.desc(), Deal.id.desc())
        .limit(1)
    )
    if deal is None:
        stages = [s for s in uow.settings.stages if s not in pipeline.CLOSED]
        deal = Deal(
            customer_id=customer_id,
            owner_id=owner_id or actor.id,
            title=uow.session.get_one(Customer, customer_id).name,
            stage="negotiation" if "negotiation" in stages else stages[-1],
            currency=currency,
            archived=False,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(deal)
        uow.session.flush()
        audit.record(
            uow,
            actor_id=actor.id,
            entity="deal",
            entity_id=deal.id,
            action="create",
            before=None,
            after=audit.snapshot(deal),
        )
    return deal.id


def _check(amount: Decimal, currency: str, terms: PaymentTerms) -> None:
    """Terms that make no sense are refused as they are, never turned into other terms (分0期 is not one payment)."""
    limits.money(amount, currency)
    limits.installments(terms.installments)
    limits.upfront_percent(terms.upfront_percent)
    limits.net_days(terms.net_days)


def _get(uow: UnitOfWork, contract_id: int, *, lock: bool = False) -> Contract:
    query = select(Contract).where(Contract.id == contract_id)
    if lock:
        query = query.with_for_update(of=Contract)
    contract = uow.session.scalar(query)
    if contract is None:
        raise NotFound("contract_not_found")
    return contract


def _step(uow: UnitOfWork, contract_id: int, seq: int) -> ApprovalStep:
    step = uow.session.scalar(
        select(ApprovalStep).where(ApprovalStep.contract_id == contract_id, ApprovalStep.seq == seq)
    )
    if step is None:
        raise NotFound("contract_not_found")
    return step


def approvers(uow: UnitOfWork, contract_id: int) -> list[str]:
    """The contract's approval chain, in order, by name."""
    return list(
        uow.session.scalars(
            select(User.name)
            .join(ApprovalStep, ApprovalStep.approver_id == User.id)
            .where(ApprovalStep.contract_id == contract_id)
            .order_by(ApprovalStep.seq)
        )
    )


def currencies_of(uow: UnitOfWork, actor: Actor, *, customer_id: int) -> list[str]:
    """The currencies the customer's live contracts are in (pending or active), most used first."""
    customers.get_for_collection(uow, actor, customer_id)
    return list(
        uow.session.scalars(
            select(Contract.currency)
            .where(Contract.customer_id == customer_id, Contract.status.in_(("pending", "active")))
            .group_by(Contract.currency)
            .order_by(func.count().desc(), Contract.currency)
        )
    )


def _step_count(uow: UnitOfWork, contract_id: int) -> int:
    return uow.session.scalar(select(func.count()).where(ApprovalStep.contract_id == contract_id)) or 0


def _newer_version(uow: UnitOfWork, contract_id: int) -> int | None:
    return uow.session.scalar(select(Contract.id).where(Contract.previous_id == contract_id))


def _cancel_reminders(uow: UnitOfWork, step_id: int) -> None:
    uow.session.execute(
        update(Reminder)
        .where(Reminder.subject_type == "approval_step", Reminder.subject_id == step_id, Reminder.state == "pending")
        .values(state="cancelled")
    )


def _card(contract: Contract, seq: int) -> str:
    return f"contract:{contract.id}:v{contract.version}:{seq}"
