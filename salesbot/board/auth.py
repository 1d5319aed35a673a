"""Who opened the board: the platform's signature checked, then a short-lived session token of our own.

Telegram (https://core.telegram.org/bots/webapps, "Validating data received via the Mini App"): the Mini App gets
`initData`, a query string signed by Telegram with a key only the bot's token gives:
    secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token)
    hash       = hex(HMAC_SHA256(key=secret_key, msg=data_check_string))
where data_check_string is every received field but `hash`, as `key=value` (values URL-decoded), sorted by key and
joined with line feeds. `auth_date` (Unix seconds) says when Telegram signed it: older than the configured age is
refused, so a leaked link does not open the board for ever.

The page then calls our API with a session token: `<user id>.<expiry>.<hex HMAC-SHA256(board secret, both)>`,
valid for minutes. The board secret comes from `SALESBOT_BOARD_SECRET`, or is derived from the bot's token or the
WeCom app's secret (every worker has them, so every worker accepts every worker's tokens without a shared store).

Pure: no I/O, the time is passed in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

FUTURE_SKEW = 60  # seconds an auth_date may be ahead of our clock (clocks drift) before it is refused


class Refused(Exception):
    """The credentials do not prove who is asking; the reason is for the log, never for the page."""


@dataclass(frozen=True)
class TelegramUser:
    id: int
    language_code: str | None
    auth_date: int


def telegram_secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign_init_data(fields: Mapping[str, str], bot_token: str) -> str:
    """The hash Telegram puts on `fields` (what tests and the docs' examples need to make valid init data)."""
    return hmac.new(telegram_secret(bot_token), data_check_string(fields).encode(), hashlib.sha256).hexdigest()


def check_init_data(init_data: str, bot_token: str, *, now: float, max_age: int) -> TelegramUser:
    """The Telegram user behind a Mini App's `initData`, or Refused when it is unsigned, tampered or stale."""
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise Refused("init data is not a query string") from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise Refused("a field appears twice")
    given = fields.get("hash", "")
    if not given:
        raise Refused("unsigned")
    if not hmac.compare_digest(sign_init_data(fields, bot_token), given.lower()):
        raise Refused("bad signature")
    try:
        auth_date = int(fields["auth_date"])
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError) as exc:
        raise Refused("no auth_date or user") from exc
    if now - auth_date > max_age:
        raise Refused(f"stale: signed {now - auth_date:.0f} s ago")
    if auth_date - now > FUTURE_SKEW:
        raise Refused("signed in the future")
    language = user.get("language_code")
    return TelegramUser(id=user_id, language_code=str(language) if language else None, auth_date=auth_date)


def board_secret(settings_raw: Mapping[str, Any]) -> bytes:
    """The key session tokens are signed with: configured, else derived from a platform secret every worker shares,
    else (a lone demo process) random, so tokens die with the process."""
    configured = settings_raw.get("board", {}).get("secret")
    if configured:
        return str(configured).encode()
    for section, key in (("telegram", "token"), ("wecom", "secret")):
        value = settings_raw.get(section, {}).get(key)
        if value:
            return hmac.new(str(value).encode(), b"salesbot-board-session", hashlib.sha256).digest()
    return secrets.token_bytes(32)


def issue(secret: bytes, user_id: int, *, now: float, ttl: int) -> str:
    payload = f"{user_id}.{int(now) + ttl}"
    return f"{payload}.{_mac(secret, payload)}"


def session_user(secret: bytes, token: str, *, now: float) -> int | None:
    """The user id a token was issued to, or None when it is forged, malformed or expired."""
    user, _, rest = token.partition(".")
    expiry, _, mac = rest.partition(".")
    if not (user.isdigit() and expiry.isdigit() and mac):
        return None
    if not hmac.compare_digest(_mac(secret, f"{user}.{expiry}"), mac):
        return None
    if int(expiry) < now:
        return None
    return int(user)


def _mac(secret: bytes, payload: str) -> str:
    return hmac.new(secret, payload.encode(), hashlib.sha256).hexdigest()
