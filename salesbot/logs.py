"""Logs an operator can search: one JSON object a line, each carrying the update and the user it was about.

`context` binds fields (the update id, the platform, the sender) for the duration of a turn; `bind` adds the
user once the sender is known. Both live in a context variable, so a turn handled in a worker thread, or many
turns at once, each log their own. `salesbot run` logs JSON (`SALESBOT_LOG_FORMAT=text` for a terminal).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator, Mapping
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
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup(*, level: str = "INFO", fmt: str = "json") -> None:
    """Root logging for `salesbot run`: JSON lines on stderr, or plain text for a terminal."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "apscheduler.executors.default", "alembic"):  # a line per request, tick or plugin
        logging.getLogger(noisy).setLevel(logging.WARNING)
