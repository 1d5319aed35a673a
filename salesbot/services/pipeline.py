"""Deals and their stages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from salesbot.services import audit, customers, groups, limits, outbox, permissions
from salesbot.services.errors import Invalid, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import Customer, Deal, StageChange, User

CLOSED = ("won", "lost")


@dataclass(frozen=True)
class DealView:
    id: int
    customer_id: int
    customer: str
    title: str
    stage: str
    amount: Decimal | None
    currency: str
    expected_close: date | None


@dataclass(frozen=True)
class StageMoved:
    deal: DealView
    from_stage: str | None
    created: bool
    reason: str | None


def open_deals(uow: UnitOfWork, actor: Actor, *, customer_id: int) -> list[DealView]:
    customer = customers.get_for_change(uow, actor, customer_id)
    rows = uow.session.scalars(
        select(Deal)
        .where(Deal.customer_id == customer.id, Deal.stage.notin_(CLOSED), Deal.archived.is_(False))
        .order_by(Deal.id)
    )
    return [_view(d) for d in rows]


def my_open_deals(
    uow: UnitOfWork, actor: Actor, *, limit: int = 50, scope: permissions.Scope | None = None
) -> list[DealView]:
    """The open deals of the customers the actor may see (in `scope`: where the answer goes), latest first."""
    permissions.require_active(actor)
    visible = permissions.visible_customers(scope or actor).with_only_columns(Customer.id)
    query = (
        select(Deal)
        .where(Deal.customer_id.in_(visible), Deal.stage.notin_(CLOSED), Deal.archived.is_(False))
        .order_by(Deal.updated_at.desc())
        .limit(limit)
    )
    if actor.role == "rep":
        query = query.where(Deal.owner_id == actor.id)
    return [_view(d) for d in uow.session.scalars(query)]


def move_stage(
    uow: UnitOfWork,
    actor: Actor,
    *,
    customer_id: int,
    stage: str,
    deal_id: int | None = None,
    reason: str | None = None,
    note: str | None = None,
    amount: Decimal | None = None,
    currency: str | None = None,
    reopen: bool = False,
) -> StageMoved:
    """Move the customer's open deal (or the one named) to `stage`; a customer with no open deal gets one, unless
    `reopen` ("back to proposal") takes back its latest closed deal.

    Lost needs a reason from the configured list: the reasons are what a manager learns from. An amount said with
    the move is the deal's value.
    """
    settings = uow.settings
    if stage not in settings.stages:
        raise Invalid("unknown_stage", stage=stage)
    if stage == "lost" and not reason:
        raise Invalid("reason_required")
    if reason is not None and reason not in settings.lost_reasons:
        raise Invalid("unknown_reason", reason=reason)
    customer = customers.get_for_change(uow, actor, customer_id)
    now = uow.now()
    created = False
    if deal_id is None:
        candidates = list(
            uow.session.scalars(
                select(Deal).where(Deal.customer_id == customer.id, Deal.stage.notin_(CLOSED), Deal.archived.is_(False))
            )
        )
        if len(candidates) > 1:
            raise Invalid("choose_deal", deals=[d.id for d in candidates])
        deal = candidates[0] if candidates else None
        if deal is None and reopen and stage not in CLOSED:
            deal = uow.session.scalar(
                select(Deal)
                .where(Deal.customer_id == customer.id, Deal.stage.in_(CLOSED), Deal.archived.is_(False))
                .order_by(Deal.updated_at.desc(), Deal.id.desc())
                .limit(1)
            )
    else:
        deal = uow.session.get(Deal, deal_id)
        if deal is None or deal.customer_id != customer.id or deal.archived:
            raise NotFound("deal_not_found", deal_id=deal_id)
    if deal is None:
        deal = Deal(
            customer_id=customer.id,
            owner_id=customer.owner_id or actor.id,
            title=customer.name,
            stage=stage,
            amount=amount,
            currency=currency or actor.currency,
            archived=False,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(deal)
        uow.session.flush()
        created = True
        before = None
        from_stage = None
    else:
        if deal.stage == stage:
            raise Invalid("same_stage", customer=customer.name, stage=stage)
        before = audit.snapshot(deal)
        from_stage = deal.stage
    if amount is not None:
        _check_amount(amount, currency or deal.currency)
        deal.amount, deal.currency = amount, currency or deal.currency
    _record_move(uow, actor, deal, customer, stage=stage, reason=reason, note=note, before=before)
    return StageMoved(deal=_view(deal), from_stage=from_stage, created=created, reason=reason)


def get(uow: UnitOfWork, actor: Actor, *, deal_id: int) -> DealView:
    deal = _live_deal(uow, deal_id)
    customers.get_for_change(uow, actor, deal.customer_id)
    return _view(deal)


def move_back(uow: UnitOfWork, actor: Actor, *, deal_id: int, stage: str, reason: str | None) -> StageMoved:
    """Undo a move: the deal goes back to the stage it had (with its lost reason, if it was lost)."""
    deal = _live_deal(uow, deal_id)
    customer = customers.get_for_change(uow, actor, deal.customer_id)
    before = audit.snapshot(deal)
    _record_move(uow, actor, deal, customer, stage=stage, reason=reason, note=deal.lost_note, before=before)
    return StageMoved(deal=_view(deal), from_stage=str(before["stage"]), created=False, reason=reason)


def archive_deal(uow: UnitOfWork, actor: Actor, *, deal_id: int) -> str:
    """Undo a deal opened by mistake: archived, never deleted. Returns the customer's name."""
    deal = _live_deal(uow, deal_id)
    customer = customers.get_for_change(uow, actor, deal.customer_id)
    before = audit.snapshot(deal)
    deal.archived, deal.updated_at = True, uow.now()
    audit.record(
        uow,
        actor_id=actor.id,
        entity="deal",
        entity_id=deal.id,
        action="archive",
        before=before,
        after=audit.snapshot(deal),
    )
    return customer.name


def set_amount(
    uow: UnitOfWork,
    actor: Actor,
    *,
    amount: Decimal | None,
    currency: str | None,
    deal_id: int | None = None,
    customer_id: int | None = None,
) -> DealView:
    """The deal's value said in a sentence ("华为的项目金额改成300万"): the deal named, or the customer's open one."""
    if deal_id is None:
        assert customer_id is not None
        deals = open_deals(uow, actor, customer_id=customer_id)
        if not deals:
            raise NotFound("no_open_deal", customer=customers.get_for_change(uow, actor, customer_id).name)
        if len(deals) > 1:
            raise Invalid("choose_deal", deals=[d.id for d in deals])
        deal_id = deals[0].id
    deal = _live_deal(uow, deal_id)
    customers.get_for_change(uow, actor, deal.customer_id)
    if amount is not None:
        _check_amount(amount, currency or deal.currency)
    value_deal(uow, actor, deal, amount, currency or deal.currency)
    return _view(deal)


def value_deal(uow: UnitOfWork, actor: Actor, deal: Deal, amount: Decimal | None, currency: str) -> None:
    """Set a deal's value, audited. The caller has checked who may: a rep in chat, or an approved contract."""
    if (deal.amount, deal.currency) == (amount, currency):
        return
    before = audit.snapshot(deal)
    deal.amount, deal.currency, deal.updated_at = amount, currency, uow.now()
    audit.record(
        uow,
        actor_id=actor.id,
        entity="deal",
        entity_id=deal.id,
        action="amount",
        before=before,
        after=audit.snapshot(deal),
    )


def _live_deal(uow: UnitOfWork, deal_id: int) -> Deal:
    deal = uow.session.get(Deal, deal_id)
    if deal is None or deal.archived:
        raise NotFound("deal_not_found", deal_id=deal_id)
    return deal


def _check_amount(amount: Decimal, currency: str) -> None:
    if amount <= 0 or amount != amount.quantize(limits.unit(currency)):
        raise Invalid("amount_invalid")


def close_by_contract(uow: UnitOfWork, approver: Actor, *, deal_id: int, stage: str) -> None:
    """A contract's final approval moves its deal: the approval chain is the authority here, so the final
    approver (who may be finance, with no say over the pipeline) needs no pipeline permission."""
    deal = uow.session.get_one(Deal, deal_id)
    if deal.stage == stage or deal.archived:
        return
    _record_move(uow, approver, deal, deal.customer, stage=stage, reason=None, note=None, before=audit.snapshot(deal))


def _record_move(
    uow: UnitOfWork,
    actor: Actor,
    deal: Deal,
    customer: Customer,
    *,
    stage: str,
    reason: str | None,
    note: str | None,
    before: dict[str, object] | None,
) -> None:
    now = uow.now()
    from_stage = before["stage"] if before else None
    deal.stage = stage
    deal.updated_at = now
    deal.lost_reason = reason if stage == "lost" else None
    deal.lost_note = note if stage == "lost" else None
    uow.session.add(
        StageChange(
            deal_id=deal.id, from_stage=from_stage, to_stage=stage, at=now, by_user_id=actor.id or None, reason=reason
        )
    )
    uow.session.flush()
    audit.record(
        uow,
        actor_id=actor.id,
        entity="deal",
        entity_id=deal.id,
        action="stage" if before else "create",
        before=before,
        after=audit.snapshot(deal),
    )
    if stage in CLOSED:
        _tell_manager(uow, actor, deal, customer, stage, reason)
    if stage == "won":
        _tell_team(uow, actor, deal, customer)


def _tell_team(uow: UnitOfWork, actor: Actor, deal: Deal, customer: Customer) -> None:
    """A win is the team's news: every group linked to the owner's team hears it."""
    owner = uow.session.get(User, deal.owner_id) if deal.owner_id else None
    team_id = owner.team_id if owner is not None and owner.team_id else actor.team_id
    if team_id is None:
        return
    rep = owner.name if owner is not None else actor.name
    for group in groups.linked_to_team(uow, team_id):
        outbox.notify_group(
            uow,
            group.id,
            "group.deal_won",
            {
                "rep": rep,
                "customer": customer.name,
                "amount": str(deal.amount) if deal.amount is not None else None,
                "currency": deal.currency,
            },
            dedupe_key=f"deal:{deal.id}:won:group:{group.id}:{uow.now().isoformat()}",
        )


def _tell_manager(
    uow: UnitOfWork, actor: Actor, deal: Deal, customer: Customer, stage: str, reason: str | None
) -> None:
    """A won or lost deal is news for the rep's manager; queued with the change, so it goes iff the change stays.
    The rep is the deal's owner, whoever closed it: a contract's last approver closes the deal it wins, and the
    manager's notice names the rep who won it, not that approver (issue 18)."""
    rep = (uow.session.get(User, deal.owner_id) if deal.owner_id else None) or uow.session.get_one(User, actor.id)
    manager_id = rep.manager_id
    if manager_id is None and rep.team_id is not None:
        manager_id = uow.session.scalar(
            select(User.id).where(
                User.team_id == rep.team_id,
                User.role == "manager",
                User.active.is_(True),
                User.id != rep.id,
            )
        )
    if manager_id is None or manager_id == actor.id:
        return
    outbox.notify_user(
        uow,
        manager_id,
        f"deal.{stage}",
        {
            "rep": rep.name,
            "customer": customer.name,
            "stage": stage,
            "reason": reason,
        },
        dedupe_key=f"deal:{deal.id}:{stage}:{uow.now().isoformat()}",
    )


def _view(deal: Deal) -> DealView:
    return DealView(
        id=deal.id,
        customer_id=deal.customer_id,
        customer=deal.customer.name,
        title=deal.title,
        stage=deal.stage,
        amount=deal.amount,
        currency=deal.currency,
        expected_close=deal.expected_close,
    )
