"""Who approves a contract: the configured steps, resolved to people when it is submitted.

A step names a role relative to the requester (`manager`: their manager), a role in the company (`admin`,
`finance`) or a person (`user:<handle>`). Nobody approves their own contract: a step that would fall to
the requester goes to the next one up. The same person twice in a row decides once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from salesbot.services.errors import Invalid
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import User


@dataclass(frozen=True)
class Step:
    rule: str
    approver_id: int


def chain(
    uow: UnitOfWork,
    requester: Actor,
    *,
    amount: Decimal,
    currency: str,
    net_days: int | None = None,
    installments: int | None = None,
) -> list[Step]:
    rules = uow.settings.approvals.steps_for(amount, currency, net_days=net_days, installments=installments)
    steps: list[Step] = []
    for rule in rules:
        approver = _resolve(uow, requester, rule)
        if approver is None or (steps and steps[-1].approver_id == approver):
            continue
        steps.append(Step(rule, approver))
    if not steps:
        raise Invalid("no_approver")
    return steps


def next_one_up(uow: UnitOfWork, user_id: int, *, not_: int | None = None) -> int | None:
    """Whom to go to above this user: their manager, else their team's manager, else an admin."""
    user = uow.session.get(User, user_id)
    if user is None:
        return None
    avoid = {user_id, not_} - {None}
    manager = uow.session.get(User, user.manager_id) if user.manager_id else None
    if manager is not None and manager.active and manager.id not in avoid:
        return manager.id
    if user.team_id is not None and user.role not in ("manager", "admin"):
        team_manager = _first(uow, role="manager", team_id=user.team_id, avoid=avoid)
        if team_manager is not None:
            return team_manager
    return _first(uow, role="admin", avoid=avoid)


def _resolve(uow: UnitOfWork, requester: Actor, rule: str) -> int | None:
    if rule == "manager":
        return next_one_up(uow, requester.id)
    if rule == "finance":
        return _first(uow, role="finance", team_id=requester.team_id, avoid={requester.id}) or _first(
            uow, role="finance", avoid={requester.id}
        )
    if rule == "admin":
        return _first(uow, role="admin", avoid={requester.id})
    handle = rule.removeprefix("user:")
    user = uow.session.scalar(select(User).where(User.handle == handle, User.active.is_(True)))
    if user is None:
        return next_one_up(uow, requester.id)
    return user.id if user.id != requester.id else next_one_up(uow, requester.id)


def _first(uow: UnitOfWork, *, role: str, avoid: set[int], team_id: int | None = None) -> int | None:
    query = select(User.id).where(User.role == role, User.active.is_(True), User.id.notin_(avoid))
    if team_id is not None:
        query = query.where(User.team_id == team_id)
    return uow.session.scalar(query.order_by(User.id).limit(1))
