"""Logs an operator can search: one JSON object a line, each carrying the update and the user it was about.

`context` binds fields (the update id, the platform, the sender) for the duration of a turn; `bind` adds the
user once the sender is known. Both live in a context variable, so a turn handled in a worker thread, or many
turns at once, each log their own. `salesbot run` logs JSON (`SALESBOT_LOG_FORMAT=text` for a terminal).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

_FIELDS: ContextVar[Mapping[str, Any]] = ContextVar("salesbot_log_fields", default=MappingProxyType({}))


@contextmanager
def context(**fields: Any) -> Iterator[None]:
    token = _FIELDS.set({**_FIELDS.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _FIELDS.reset(token)


def bind(**fields: Any) -> None:
    """Add fields to the current context (undone when the enclosing `context` ends)."""
    _FIELDS.set({**_FIELDS.get(), **{k: v for k, v in fields.items() if v is not None}})


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_FIELDS.get(),
        }
        if record.exc_text:  # already written out (and redacted) by `Redact`
            entry["error"] = record.exc_text
        elif record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# Secrets that ride in URLs whatever their value: WeCom's access tokens and secret in query strings (urllib3 logs
# the URL at DEBUG), a robot's key, the bot token in the Bot API's paths (PTB and httpx log those).
_IN_URLS = re.compile(r"(?i)\b(access_token|corpsecret|secret|key)=[^&\s\"'<>]+")
_BOT_PATH = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")
MASK = "***"


class Redact(logging.Filter):
    """Takes secrets out of every record a handler writes, at every level and from every library (issue 18): the
    configured secret values wherever they appear, and the URL parts that carry secrets whatever their value. The
    message is written out here, its arguments with it, and so is a traceback."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is masked whole; short values are not secrets.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        text = _BOT_PATH.sub("/bot" + MASK, text)
        return _IN_URLS.sub(lambda m: f"{m.group(1)}={MASK}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def setup(*, level: str = "INFO", fmt: str = "json", secrets: Iterable[str] = ()) -> None:
    """Root logging for `salesbot run`: JSON lines on stderr, or plain text for a terminal; `secrets` (and the URL
    parts that carry secrets) never written (`Redact`)."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(Redact(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "apscheduler.executors.default", "alembic"):  # a line per request, tick or plugin
        logging.getLogger(noisy).setLevel(logging.WARNING)
