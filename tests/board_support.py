"""The board's test world: the team and its book, some deals, visits, moves and a payment, served by `salesbot run`'s
own web server, and Telegram Mini App init data signed as Telegram signs it."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy import select

from salesbot.board.auth import sign_init_data
from salesbot.bootstrap import App
from salesbot.config import Settings, settings_from
from salesbot.run import _start_web
from salesbot.services import payments, pipeline, targets, users, visits
from salesbot.store.models import Customer
from tests.conftest import FIXTURES, NO_REPORTS

BOT_TOKEN = "4242:board-test-token"
TELEGRAM_IDS = {"rep1": 1001, "rep2": 1002, "mgr1": 2001, "admin": 9001}
# The open deals the team has, by rep: what a manager sees, and each rep sees only theirs.
DEALS = [
    {"customer": "阿里巴巴", "title": "阿里云 采购", "stage": "negotiation", "amount": "880000"},
    {"customer": "华为技术", "title": "华为 培训", "stage": "lead", "amount": "120000"},
    {"customer": "Initech", "title": "Initech rollout", "stage": "qualified", "amount": "64000", "currency": "USD"},
    {"customer": "京东", "title": "京东 物流看板", "stage": "proposal", "amount": "300000"},
]
REP1_DEALS = {"阿里巴巴", "华为技术", "比亚迪"}  # 比亚迪 comes with team.toml, in proposal
REP2_DEALS = {"Initech", "京东"}
# The targets set (issue 21): who (a rep's handle, or the team's key), period, amount, currency.
TARGETS = [("rep1", "march", "50000", "CNY"), ("rep2", "march", "8000", "USD"), ("east", "quarter", "200000", "CNY")]


def board_settings(**board: Any) -> Settings:
    return settings_from(
        {**NO_REPORTS, "server": {"host": "127.0.0.1", "port": 0}, "board": board},
        env={"SALESBOT_TELEGRAM_TOKEN": BOT_TOKEN},
    )


def fill(app: App) -> None:
    """team.toml is seeded; add the book, the deals, today's visits, a move, a win and a payment; link Telegram."""
    app.seed(FIXTURES / "book.toml")
    app.seed_data({"deals": DEALS})
    with app.uow() as uow:
        admin = users.by_handle(uow, "admin")
        for handle, telegram_id in TELEGRAM_IDS.items():
            users.link_account(uow, admin, handle=handle, platform="telegram", platform_user_id=str(telegram_id))
        rep1, rep2 = users.by_handle(uow, "rep1"), users.by_handle(uow, "rep2")
        ids = dict(uow.session.execute(select(Customer.name, Customer.id)).all())
        for name in ("阿里巴巴", "比亚迪"):
            visits.log_visit(uow, rep1, customer_id=ids[name], notes="见了采购")
        visits.log_visit(uow, rep2, customer_id=ids["京东"], notes="demo")
        pipeline.move_stage(uow, rep1, customer_id=ids["华为技术"], stage="qualified")
        pipeline.move_stage(uow, rep2, customer_id=ids["京东"], stage="negotiation")
        payments.record(
            uow, rep1, customer_id=ids["小米"], amount=Decimal("10000"), currency="CNY", received_on=date(2026, 3, 10)
        )
        periods = {"march": (date(2026, 3, 1), date(2026, 3, 31)), "quarter": (date(2026, 1, 1), date(2026, 3, 31))}
        for who, span, amount, currency in TARGETS:
            period = periods[span]
            kwargs: dict[str, Any] = {"team_key": who} if who == "east" else {"user_handle": who}
            targets.set_target(
                uow, admin, starts_on=period[0], ends_on=period[1], amount=Decimal(amount), currency=currency, **kwargs
            )
        uow.commit()


def init_data(telegram_id: int, *, auth_date: int, token: str = BOT_TOKEN, lang: str = "zh") -> str:
    """Init data as a Telegram client hands it to a Mini App: fields URL-encoded, `hash` over the others."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": telegram_id, "first_name": "Li", "language_code": lang}, separators=(",", ":")),
        "auth_date": str(auth_date),
    }
    return urlencode({**fields, "hash": sign_init_data(fields, token)})


async def serve(app: App, settings: Settings, channels: dict[str, Any] | None = None) -> tuple[web.AppRunner, str]:
    runner = await _start_web(settings, app, channels or {})
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"
