"""What the operator sees: /healthz and /readyz, Prometheus metrics, JSON logs that name the update and the user,
and `salesbot doctor` saying in plain words what is wrong, against the fake Bot API and the fake WeCom API."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from pathlib import Path

import httpx
import pytest
from alembic import command

from salesbot import logs
from salesbot.bootstrap import App, build
from salesbot.clock import FrozenClock
from salesbot.config import settings_from
from salesbot.doctor import examine
from salesbot.handlers.messages import Incoming
from salesbot.handlers.router import SEND_LEASE
from salesbot.run import Status, _start_web
from salesbot.services import outbox, users
from salesbot.store.db import alembic_config
from tests.conftest import NO_REPORTS
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.wecom_api import FakeWeComApi
from tests.wecom.callbacks import random_encoding_aes_key

FIXTURES = Path(__file__).parent / "fixtures"


async def _serve(app: App, status: Status) -> tuple[object, str]:
    settings = settings_from({**NO_REPORTS, "server": {"port": 0}}, env={})
    runner = await _start_web(settings, app, {}, status)
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"  # type: ignore[attr-defined]


async def test_readyz_says_whether_to_send_traffic_here(app: App) -> None:
    status = Status()
    runner, base = await _serve(app, status)
    try:
        async with httpx.AsyncClient() as http:
            assert (await http.get(f"{base}/healthz")).text == "ok"
            ready = await http.get(f"{base}/readyz")
            assert ready.status_code == 200 and ready.json() == {"ready": True, "leader": False, "database": "ok"}
            status.ready = False  # stopping: the load balancer must send elsewhere
            assert (await http.get(f"{base}/readyz")).status_code == 503
    finally:
        await runner.cleanup()  # type: ignore[attr-defined]


async def test_readyz_fails_with_the_reason_when_the_database_is_gone(tmp_path: Path) -> None:
    dead = build(
        settings_from(NO_REPORTS, env={}),
        clock=_clock(),
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=1",
        migrate=False,
    )
    runner, base = await _serve(dead, Status())
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            answer = await http.get(f"{base}/readyz")
        assert answer.status_code == 503
        assert answer.json()["ready"] is False and "OperationalError" in answer.json()["database"]
    finally:
        await runner.cleanup()  # type: ignore[attr-defined]
        dead.close()


def _clock() -> FrozenClock:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return FrozenClock(datetime(2026, 3, 11, 10, tzinfo=ZoneInfo("Asia/Shanghai")))


async def test_metrics_count_updates_and_show_the_outbox_backlog(app: App) -> None:
    with app.uow() as uow:
        rep1 = users.by_handle(uow, "rep1")
        for n in range(3):
            params = {"customer": f"客户{n}", "next_step": "", "visited_on": "2026-03-10"}
            outbox.notify_user(uow, rep1.id, "reminder.follow_up", params)
        uow.commit()
    handle = app.router.handle
    await asyncio.to_thread(handle, Incoming("console", "rep1", "rep1", "今天拜访了阿里", update_id="m-1"))
    app.router.replied("console", ["m-1"])
    assert await asyncio.to_thread(handle, Incoming("console", "rep1", "rep1", "今天拜访了阿里", update_id="m-1")) == []
    byd = Incoming("console", "rep1", "rep1", "拜访了比亚迪", update_id="m-2")
    first = await asyncio.to_thread(handle, byd)
    app.clock.advance(SEND_LEASE * 2)  # m-2's worker died before sending: its replay sends what it said
    assert await asyncio.to_thread(handle, byd) == first
    runner, base = await _serve(app, Status())
    try:
        async with httpx.AsyncClient() as http:
            text = (await http.get(f"{base}/metrics")).text
    finally:
        await runner.cleanup()  # type: ignore[attr-defined]
    samples = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line[:1] != "#"}
    assert samples['salesbot_updates_total{outcome="handled",platform="console"}'] >= 2
    assert samples['salesbot_updates_total{outcome="replayed",platform="console"}'] >= 1
    assert samples['salesbot_updates_total{outcome="resent",platform="console"}'] >= 1
    assert samples['salesbot_handler_seconds_count{platform="console"}'] >= 1
    assert samples["salesbot_outbox_due"] >= 3, "the three queued notifications, and the visit's own if any"
    assert "salesbot_outbox_oldest_due_seconds" in samples and "salesbot_reminders_due" in samples


def test_json_logs_carry_the_update_and_the_user(app: App) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    router_log = logging.getLogger("salesbot.handlers.router")
    router_log.addHandler(handler)
    router_log.setLevel(logging.DEBUG)
    try:
        app.router.handle(Incoming("console", "rep1", "rep1", "今天拜访了阿里", update_id="upd-42"))
    finally:
        router_log.removeHandler(handler)
        router_log.setLevel(logging.NOTSET)
    [line] = [json.loads(x) for x in stream.getvalue().splitlines()]
    assert line["update_id"] == "upd-42" and line["user"] == "rep1" and isinstance(line["user_id"], int)
    assert line["level"] == "debug" and line["message"].startswith("handled in")


def _doctor(settings_data: dict, env: dict) -> list[str]:  # type: ignore[type-arg]
    return [str(f) for f in examine(settings_from(settings_data, env=env))]


async def test_doctor_checks_the_database_and_each_channel(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'doc.db'}"
    missing = await asyncio.to_thread(_doctor, {"database": {"url": db}}, {})
    assert any(x.startswith("FAIL  database: no database file") and "salesbot init" in x for x in missing)
    assert any(x.startswith("FAIL  channels: none configured") for x in missing)

    command.upgrade(alembic_config(db), "0006")
    async with FakeBotApi() as bot, FakeWeComApi() as wecom:
        telegram = {"base_url": bot.url}
        base = {"database": {"url": db}, "telegram": telegram, "wecom": {"corp_id": wecom.corp_id, "agent_id": 1}}
        base["wecom"]["api_base_url"] = f"{wecom.url}/cgi-bin/"
        good_env = {
            "SALESBOT_TELEGRAM_TOKEN": bot.token,
            "SALESBOT_WECOM_SECRET": wecom.secret,
            "SALESBOT_WECOM_TOKEN": "tok",
            "SALESBOT_WECOM_AES_KEY": random_encoding_aes_key(),
        }
        said = await asyncio.to_thread(_doctor, base, good_env)
        assert any("is at schema 0006" in x and "run `salesbot init`" in x for x in said), said
        assert "ok    telegram: the token belongs to @salesbot_test_bot" in said
        assert any(x.startswith("ok    wecom: corp ww_test_corp") for x in said)

        command.upgrade(alembic_config(db), "head")
        wrong = {
            **good_env,
            "SALESBOT_TELEGRAM_TOKEN": "123:wrong",
            "SALESBOT_WECOM_SECRET": "nope",
            "SALESBOT_WECOM_AES_KEY": "short",
        }
        said = await asyncio.to_thread(_doctor, base, wrong)
        assert any(x.startswith("ok    database:") for x in said)
        assert any(x.startswith("FAIL  telegram: the bot token was refused") for x in said)
        assert any(x.startswith("FAIL  wecom: the app secret was refused") for x in said)
        assert any(x.startswith("FAIL  wecom: SALESBOT_WECOM_AES_KEY is not an EncodingAESKey") for x in said)
        half = {**base, "wecom": {"corp_id": wecom.corp_id}}
        said = await asyncio.to_thread(_doctor, half, {"SALESBOT_TELEGRAM_TOKEN": bot.token})
        assert any("SALESBOT_WECOM_AGENT_ID" in x and x.startswith("FAIL  wecom") for x in said)


@pytest.mark.parametrize("url", ["postgresql+psycopg://postgres@127.0.0.1:1/none"])
def test_doctor_names_an_unreachable_database(url: str) -> None:
    said = _doctor({"database": {"url": url}}, {})
    assert any(
        x.startswith("FAIL  database: cannot connect to postgresql+psycopg://postgres@127.0.0.1:1/none") for x in said
    )
