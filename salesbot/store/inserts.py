"""INSERTs that meet a unique key: the one place that knows each dialect's `ON CONFLICT`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Insert, Table
from sqlalchemy.dialects import postgresql, sqlite

_DIALECTS: dict[str, Callable[..., Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_for(dialect: str) -> Callable[..., Any]:
    """The dialect's own `insert`, which has `on_conflict_do_nothing` and `on_conflict_do_update`."""
    return _DIALECTS[dialect]


def insert_once(table: Table, key: Sequence[str]) -> dict[str, Insert]:
    """Per dialect, an INSERT that does nothing when `key` is taken, built once so SQLAlchemy compiles it once (a
    hot path only binds values). Its row count is the answer, 1 inserted or 0 already there; SQLAlchemy keeps an
    INSERT's row count only when asked to."""
    return {
        name: insert(table).on_conflict_do_nothing(index_elements=list(key)).execution_options(preserve_rowcount=True)
        for name, insert in _DIALECTS.items()
    }
