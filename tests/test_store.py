"""The schema: migrations match the models, and the house rules hold in the code."""

from __future__ import annotations

import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from salesbot.store.db import make_engine, upgrade
from salesbot.store.models import Base

ROOT = Path(__file__).parent.parent / "salesbot"


def test_migrations_match_the_models(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_every_index_of_the_models_is_in_the_migrated_database(db_url: str) -> None:
    """Alembic's comparison cannot see expression indexes on SQLite, so a migration that copies a table (SQLite's
    batch mode) could drop one unnoticed: ask the database for every index name the models declare."""
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            present = {ix["name"] for table in Base.metadata.tables for ix in inspect(conn).get_indexes(table)}
            if conn.dialect.name == "sqlite":  # expression indexes are not reported by the inspector there
                present |= set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'").scalars())
    finally:
        engine.dispose()
    declared = {ix.name for table in Base.metadata.tables.values() for ix in table.indexes}
    assert declared - present == set()


def test_init_twice_is_harmless(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)


def test_nothing_is_hard_deleted() -> None:
    offenders = [
        str(p)
        for p in ROOT.rglob("*.py")
        if re.search(r"session\.delete\(|\bdelete\(\w+\)|DELETE FROM", p.read_text(encoding="utf-8"))
        and "migrations" not in p.parts
    ]
    assert offenders == []
