"""Loading a team from a TOML file (the format of shared/examples/team.toml).

Re-running it updates what is there and adds what is new; it never duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from salesbot.services import audit, imports, leave
from salesbot.services.errors import Invalid
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import (
    ROLES,
    ChatIdentity,
    Customer,
    CustomerAlias,
    Deal,
    Group,
    StageChange,
    Team,
    User,
)


@dataclass(frozen=True)
class SeedSummary:
    teams: int
    users: int
    groups: int
    customers: int
    deals: int
    contracts: int = 0
    invoices: int = 0
    leave: int = 0


def seed(uow: UnitOfWork, data: dict[str, Any]) -> SeedSummary:
    settings = uow.settings
    timezone = data.get("timezone", settings.timezone)
    currency = data.get("currency", settings.currency)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid("bad_timezone", timezone=timezone) from exc
    now = uow.now()
    session = uow.session

    teams: dict[str, Team] = {}
    for key in sorted(
        {u.get("team") for u in data.get("users", []) if u.get("team")}
        | {g.get("team") for g in data.get("groups", []) if g.get("team")}
    ):
        team = session.scalar(select(Team).where(Team.key == key))
        if team is None:
            team = Team(key=key, name=key, timezone=timezone, currency=currency)
            session.add(team)
        else:
            team.timezone, team.currency = timezone, currency
        teams[key] = team
    session.flush()

    users: dict[str, User] = {u.handle: u for u in session.scalars(select(User))}
    for spec in data.get("users", []):
        handle = _required(spec, "handle", "users")
        role = spec.get("role", "rep")
        if role not in ROLES:
            raise Invalid("bad_role", handle=handle, role=role)
        user = users.get(handle)
        fields = {
            "name": spec.get("name", handle),
            "role": role,
            "lang": spec.get("lang", settings.language),
            "team_id": teams[spec["team"]].id if spec.get("team") else None,
        }
        if user is None:
            user = User(handle=handle, active=True, created_at=now, **fields)
            session.add(user)
            session.flush()
            audit.record(
                uow,
                actor_id=None,
                entity="user",
                entity_id=user.id,
                action="seed",
                before=None,
                after=audit.snapshot(user),
            )
            users[handle] = user
        else:
            for k, v in fields.items():
                setattr(user, k, v)
        # The terminal channel knows people by handle; every seeded user can be played there.
        if (
            session.scalar(
                select(ChatIdentity).where(ChatIdentity.platform == "console", ChatIdentity.platform_user_id == handle)
            )
            is None
        ):
            session.add(ChatIdentity(platform="console", platform_user_id=handle, user_id=user.id, created_at=now))
    session.flush()
    for spec in data.get("users", []):
        user = users[spec["handle"]]
        if spec.get("manager"):
            user.manager_id = _user(users, spec["manager"], "manager").id
        elif user.role == "rep" and user.manager_id is None and user.team_id is not None:
            user.manager_id = next(
                (u.id for u in users.values() if u.role == "manager" and u.team_id == user.team_id and u.active),
                None,
            )

    for spec in data.get("groups", []):
        handle = _required(spec, "handle", "groups")
        group = session.scalar(select(Group).where(Group.handle == handle))
        team_id = teams[spec["team"]].id if spec.get("team") else None
        if group is None:
            session.add(
                Group(
                    handle=handle,
                    name=spec.get("name", handle),
                    team_id=team_id,
                    lang=spec.get("lang", settings.language),
                    # Until someone links a real chat with /link, the group is heard in the console.
                    platform="console",
                    platform_chat_id=f"group:{handle}",
                )
            )
        else:
            group.name, group.team_id = spec.get("name", group.name), team_id

    customers: dict[str, Customer] = {}
    for spec in data.get("customers", []):
        name = _required(spec, "name", "customers")
        owner = _user(users, spec["owner"], "owner").id if spec.get("owner") else None
        customer = session.scalar(select(Customer).where(Customer.name == name))
        if customer is None:
            customer = Customer(name=name, owner_id=owner, archived=False, created_at=now)
            session.add(customer)
            session.flush()
            audit.record(
                uow,
                actor_id=None,
                entity="customer",
                entity_id=customer.id,
                action="seed",
                before=None,
                after=audit.snapshot(customer),
            )
        else:
            customer.owner_id = owner
        known = {a.alias for a in customer.aliases}
        for alias in spec.get("aliases", []):
            if alias not in known:
                customer.aliases.append(CustomerAlias(alias=alias))
        customers[name] = customer
    session.flush()

    deals = 0
    for spec in data.get("deals", []):
        customer = customers.get(spec.get("customer", "")) or session.scalar(
            select(Customer).where(Customer.name == spec.get("customer"))
        )
        if customer is None:
            raise Invalid("seed_unknown_customer", customer=spec.get("customer"))
        stage = spec.get("stage", settings.stages[0])
        if stage not in settings.stages:
            raise Invalid("unknown_stage", stage=stage)
        title = spec.get("title", customer.name)
        if session.scalar(select(Deal).where(Deal.customer_id == customer.id, Deal.title == title)) is not None:
            continue
        deal = Deal(
            customer_id=customer.id,
            title=title,
            stage=stage,
            owner_id=_user(users, spec["owner"], "owner").id if spec.get("owner") else customer.owner_id,
            amount=_money(spec.get("amount")),
            currency=spec.get("currency", currency),
            expected_close=date.fromisoformat(spec["expected_close"]) if spec.get("expected_close") else None,
            archived=False,
            created_at=now,
            updated_at=now,
        )
        session.add(deal)
        session.flush()
        session.add(StageChange(deal_id=deal.id, from_stage=None, to_stage=stage, at=now, by_user_id=None))
        deals += 1
    session.flush()
    # Contracts and invoices the team already has: their money is owed from day one.
    tz = ZoneInfo(timezone)
    signed = sum(imports.contract(uow, spec, default_currency=currency, tz=tz) for spec in data.get("contracts", []))
    billed = sum(imports.invoice(uow, spec, default_currency=currency, tz=tz) for spec in data.get("invoices", []))
    # [[leave]] user = "rep3", from = "2026-05-11", to = "2026-05-13": days off, as the operator records them.
    operator = Actor(0, "operator", "operator", "admin", None, settings.language, timezone, currency, True)
    away = leave.seed(uow, operator, data.get("leave", []))
    return SeedSummary(
        teams=len(teams),
        users=len(data.get("users", [])),
        groups=len(data.get("groups", [])),
        customers=len(customers),
        deals=deals,
        contracts=signed,
        invoices=billed,
        leave=away,
    )


def _required(spec: dict[str, Any], key: str, section: str) -> str:
    value = spec.get(key)
    if not value:
        raise Invalid("seed_missing_field", section=section, field=key)
    return str(value)


def _user(users: dict[str, User], handle: str, role: str) -> User:
    if handle not in users:
        raise Invalid("seed_unknown_user", handle=handle, as_=role)
    return users[handle]


def _money(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise Invalid("bad_amount", amount=str(value)) from exc
