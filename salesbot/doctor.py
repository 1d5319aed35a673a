"""`salesbot doctor`: the configuration, the database and each channel's credentials checked, and what is wrong said
in plain words, with what to do about it. Each check talks to the real thing (a connection, getMe, gettoken) with a
short timeout; none changes anything."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, make_url, text

from salesbot.config import Settings

TIMEOUT = 10.0


@dataclass(frozen=True)
class Finding:
    level: str  # "ok" | "warn" | "fail"
    topic: str
    text: str

    def __str__(self) -> str:
        mark = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}[self.level]
        return f"{mark}  {self.topic}: {self.text}"


def examine(settings: Settings, *, http: Callable[..., httpx.Response] | None = None) -> list[Finding]:
    get = http or (lambda url, **kw: httpx.get(url, timeout=TIMEOUT, **kw))
    findings = [*_database(settings)]
    channels = 0
    if settings.section("telegram").get("token"):
        channels += 1
        findings += _telegram(settings, get)
    if settings.section("wecom").get("corp_id"):
        channels += 1
        findings += _wecom(settings, get)
    if not channels:
        findings.append(
            Finding(
                "fail",
                "channels",
                "none configured, so `salesbot run` will not start: set SALESBOT_TELEGRAM_TOKEN, or "
                "SALESBOT_WECOM_CORP_ID with the WeCom app's keys (docs/operator.md: 'Telegram', 'WeCom')",
            )
        )
    return findings


def _database(settings: Settings) -> Iterator[Finding]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from salesbot.store.db import alembic_config, safe_url

    url = settings.database_url
    database = make_url(url).database
    if url.startswith("sqlite") and database and database != ":memory:" and not Path(database).exists():
        yield Finding("fail", "database", f"no database file at {database}: run `salesbot init`")
        return
    engine = create_engine(url, connect_args={"connect_timeout": 5} if url.startswith("postgresql") else {})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception as exc:
        yield Finding("fail", "database", f"cannot connect to {safe_url(url)}: {_reason(exc)}")
        return
    finally:
        engine.dispose()
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if current is None:
        yield Finding("fail", "database", f"{safe_url(url)} has no salesbot tables yet: run `salesbot init`")
    elif current != head:
        yield Finding(
            "fail",
            "database",
            f"{safe_url(url)} is at schema {current}, this version needs {head}: run `salesbot init`",
        )
    else:
        yield Finding("ok", "database", f"{safe_url(url)}, schema {current} (the latest)")


def _telegram(settings: Settings, get: Callable[..., httpx.Response]) -> Iterator[Finding]:
    from salesbot.channels.telegram import bot_api_base

    cfg = settings.section("telegram")
    base = bot_api_base(cfg.get("base_url")) or "https://api.telegram.org/bot"
    try:
        answer = get(f"{base}{cfg['token']}/getMe")
        body: dict[str, Any] = answer.json()
    except (httpx.HTTPError, ValueError) as exc:
        yield Finding("fail", "telegram", f"cannot reach the Bot API at {base.removesuffix('/bot')}: {_reason(exc)}")
        return
    if answer.status_code == 401 or body.get("error_code") in (401, 404):
        yield Finding("fail", "telegram", "the bot token was refused: check SALESBOT_TELEGRAM_TOKEN (from @BotFather)")
        return
    if not body.get("ok"):
        yield Finding("fail", "telegram", f"getMe answered {body.get('description') or answer.status_code}")
        return
    yield Finding("ok", "telegram", f"the token belongs to @{body['result'].get('username')}")
    hook = str(cfg.get("webhook_url") or "")
    if hook and not hook.startswith("https://"):
        yield Finding("fail", "telegram", f"the webhook URL {hook} must be https:// (Telegram calls only those)")
    elif hook and not hook.rstrip("/").endswith("/telegram/webhook"):
        yield Finding("warn", "telegram", f"the webhook URL {hook} does not end in /telegram/webhook, our path")
    elif not hook:
        yield Finding("ok", "telegram", "long polling (no webhook URL set)")


def _wecom(settings: Settings, get: Callable[..., httpx.Response]) -> Iterator[Finding]:
    from salesbot.channels.wecom import WeComConfig

    try:
        config = WeComConfig.from_settings(settings.section("wecom"))
    except ValueError as exc:
        yield Finding("fail", "wecom", str(exc))
        return
    assert config is not None
    if not _aes_key_ok(config.aes_key):
        yield Finding(
            "fail",
            "wecom",
            "SALESBOT_WECOM_AES_KEY is not an EncodingAESKey (43 letters and digits from the app's 接收消息 settings)",
        )
    try:
        answer = get(f"{config.api_base_url}gettoken", params={"corpid": config.corp_id, "corpsecret": config.secret})
        body: dict[str, Any] = answer.json()
    except (httpx.HTTPError, ValueError) as exc:
        yield Finding("fail", "wecom", f"cannot reach {config.api_base_url}: {_reason(exc)}")
        return
    code = int(body.get("errcode", 0) or 0)
    if code == 40013:
        yield Finding("fail", "wecom", f"the corp id {config.corp_id} was refused: check SALESBOT_WECOM_CORP_ID")
    elif code == 40001:
        yield Finding("fail", "wecom", "the app secret was refused: check SALESBOT_WECOM_SECRET (the app's Secret)")
    elif code:
        yield Finding("fail", "wecom", f"gettoken answered {code}: {body.get('errmsg')}")
    else:
        yield Finding("ok", "wecom", f"corp {config.corp_id}, agent {config.agent_id}: the secret works")


def _aes_key_ok(key: str) -> bool:
    if len(key) != 43:
        return False
    try:
        return len(base64.b64decode(key + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def _reason(exc: BaseException) -> str:
    text_ = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return (text_[0] if text_ else type(exc).__name__)[:300]
