"""Issue 18, item 10: no secret in the logs at any level, /readyz names no host, port or database, a malformed
webhook update from Telegram is taken (200) and logged, and in polling mode the webhook path is closed.

The logs are those of a real `salesbot run` at DEBUG, with Telegram (long polling against the fake Bot API) and WeCom
(against the fake WeCom API) both on, each answering a message: the bot token, the WeCom secret, callback token and
AES key, and the access tokens in URLs appear nowhere in them."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from pathlib import Path

import httpx
import pytest

from salesbot.bootstrap import build
from salesbot.channels.telegram import SECRET_HEADER, TelegramChannel, webhook_secret
from salesbot.clock import SystemClock
from salesbot.config import settings_from
from salesbot.logs import Redact
from salesbot.run import Status, _start_web
from salesbot.services import users
from salesbot.services.inbox import Inbox
from tests import fleet
from tests.conftest import NO_REPORTS
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.wecom_api import FakeWeComApi
from tests.wecom.callbacks import WeComCallbacks, random_encoding_aes_key, text_message

FIXTURES = Path(__file__).parent / "fixtures"
WECOM_TOKEN = "salesbotCallbackToken"
TG_USER, WECOM_USER = 3001, "zhangwei"


def _prepare(url: str) -> None:
    app = build(settings_from(NO_REPORTS, env={}), clock=SystemClock(), database_url=url)
    try:
        app.seed(FIXTURES / "team.toml")
        with app.uow() as uow:
            rep1 = users.by_handle(uow, "rep1").id
            users.link_identity(uow, user_id=rep1, platform="telegram", platform_user_id=str(TG_USER))
            users.link_identity(
                uow, user_id=users.by_handle(uow, "rep2").id, platform="wecom", platform_user_id=WECOM_USER
            )
            uow.commit()
    finally:
        app.close()


async def test_no_secret_in_a_debug_log_of_a_real_run_and_the_webhook_path_is_closed_when_polling(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    _prepare(url)
    aes_key = random_encoding_aes_key()
    port = fleet.free_port()
    log = tmp_path / "run.log"
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    async with FakeBotApi(fleet.TOKEN) as telegram, FakeWeComApi() as wecom:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SALESBOT_")} | {
            "SALESBOT_CONFIG": str(tmp_path / "none.toml"),
            "SALESBOT_DATABASE_URL": url,
            "SALESBOT_SERVER_PORT": str(port),
            "SALESBOT_LOG_LEVEL": "DEBUG",
            "SALESBOT_TELEGRAM_TOKEN": fleet.TOKEN,
            "SALESBOT_TELEGRAM_BASE_URL": telegram.url,
            "SALESBOT_WECOM_CORP_ID": wecom.corp_id,
            "SALESBOT_WECOM_AGENT_ID": str(wecom.agent_id),
            "SALESBOT_WECOM_SECRET": wecom.secret,
            "SALESBOT_WECOM_TOKEN": WECOM_TOKEN,
            "SALESBOT_WECOM_AES_KEY": aes_key,
            "SALESBOT_WECOM_API_BASE_URL": f"{wecom.url}/cgi-bin/",
            "PYTHONPATH": str(fleet.ROOT),
        }
        with log.open("wb") as err:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "salesbot.cli",
                "run",
                env=env,
                cwd=tmp_path,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=err,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        if (await http.get(base + "/healthz")).status_code == 200:
                            break
                    except httpx.ConnectError:
                        pass
                    assert time.monotonic() < deadline and process.returncode is None, log.read_text()[-3000:]
                    await asyncio.sleep(0.05)
                telegram.push_update(telegram.text_update(user_id=TG_USER, text="我的客户"))
                await telegram.wait_for("sendMessage", timeout=30)
                callbacks = WeComCallbacks(WECOM_TOKEN, aes_key, wecom.corp_id, wecom.agent_id)
                query, body = callbacks.post(text_message(WECOM_USER, "我的客户", 7_400_000_001, int(time.time())))
                assert (await http.post(base + "/wecom/callback", params=query, content=body)).status_code == 200
                for _ in range(600):
                    if wecom.received(WECOM_USER):
                        break
                    await asyncio.sleep(0.05)
                assert wecom.received(WECOM_USER), "the WeCom member was answered"
                polling_webhook = await http.post(
                    base + fleet.WEBHOOK_PATH,
                    json=telegram.text_update(user_id=TG_USER, text="hi"),
                    headers={SECRET_HEADER: webhook_secret(fleet.TOKEN)},
                )
                assert polling_webhook.status_code in (404, 405), "while polling, nothing comes in by the webhook path"
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert '"level": "debug"' in text and "cgi-bin" in text, "a DEBUG log of the calls to both platforms"
    for secret in (fleet.TOKEN, fleet.TOKEN.split(":")[1], wecom.secret, aes_key, WECOM_TOKEN):
        assert secret not in text, f"{secret[:4]}… in the log"
    assert "access_token=" not in text.replace("access_token=***", "")


def test_redact_masks_configured_values_and_secrets_in_urls() -> None:
    redact = Redact(["s3cr3t-value"]).redact
    assert redact("GET /cgi-bin/gettoken?corpid=ww1&corpsecret=abc HTTP/1.1") == (
        "GET /cgi-bin/gettoken?corpid=ww1&corpsecret=*** HTTP/1.1"
    )
    assert (
        redact("POST /cgi-bin/message/send?access_token=xyz&debug=1")
        == "POST /cgi-bin/message/send?access_token=***&debug=1"
    )
    assert redact("https://api.telegram.org/bot123:AA-bb_cc/getMe") == "https://api.telegram.org/bot***/getMe"
    assert redact("the value s3cr3t-value leaked") == "the value *** leaked"
    assert redact("dedupe_key=deal:1") == "dedupe_key=deal:1", "only secrets"


async def test_readyz_names_no_host_port_or_database(tmp_path: Path) -> None:
    dead = build(
        settings_from(NO_REPORTS, env={}),
        clock=SystemClock(),
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/nodbhere?connect_timeout=1",
        migrate=False,
    )
    runner = await _start_web(settings_from({**NO_REPORTS, "server": {"port": 0}}, env={}), dead, {}, Status())
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            answer = await http.get(f"http://127.0.0.1:{runner.addresses[0][1]}/readyz")  # type: ignore[attr-defined]
        assert answer.status_code == 503
        assert not any(s in answer.text for s in ("127.0.0.1", ":1", "nodbhere", "postgres")), answer.text
    finally:
        await runner.cleanup()  # type: ignore[attr-defined]
        dead.close()


async def test_a_malformed_update_with_the_right_secret_gets_200_and_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeBotApi(fleet.TOKEN) as api:
        config = {"server": {"port": 0}, "telegram": {"webhook_url": fleet.WEBHOOK_URL}}
        settings = settings_from({**NO_REPORTS, **config}, env={})
        app = build(settings, clock=SystemClock(), database_url=f"sqlite:///{tmp_path / 'w.db'}")
        channel = TelegramChannel(token=api.token, router=app.router, base_url=api.url, inbox=Inbox(app.uow))
        await channel.start()
        runner = await _start_web(settings, app, {"telegram": channel}, Status())
        url = f"http://127.0.0.1:{runner.addresses[0][1]}{fleet.WEBHOOK_PATH}"  # type: ignore[attr-defined]
        right = {SECRET_HEADER: webhook_secret(api.token)}
        try:
            with caplog.at_level(logging.WARNING, logger="salesbot.run"):
                async with httpx.AsyncClient(timeout=10) as http:
                    bodies = [
                        {"update_id": 7, "message": {"message_id": "x", "chat": 5}},
                        {"update_id": "seven"},
                        [1, 2, 3],
                    ]
                    answers = [await http.post(url, json=b, headers=right) for b in bodies]
                    answers.append(await http.post(url, content=b"{not json", headers=right))
                    forged = await http.post(url, json=bodies[0], headers={SECRET_HEADER: "wrong"})
            assert [a.status_code for a in answers] == [200, 200, 200, 200]
            assert forged.status_code == 403
            assert len([r for r in caplog.records if "dropped" in r.getMessage()]) == 4
        finally:
            await runner.cleanup()  # type: ignore[attr-defined]
            await channel.stop()
            app.close()
