"""SQLite's durability setting in the database URL, and the WAL checkpoints kept off the turns' path."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from salesbot.store import db
from salesbot.store.db import make_engine


def _pragma(url: str, name: str) -> object:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql(f"PRAGMA {name}").scalar()
    finally:
        engine.dispose()


def test_commits_are_synced_unless_the_url_says_otherwise(tmp_path: Path) -> None:
    full, normal = 2, 1  # SQLite's numbers for the two levels
    assert _pragma(f"sqlite:///{tmp_path}/a.db", "synchronous") == full
    assert _pragma(f"sqlite:///{tmp_path}/a.db?synchronous=full", "synchronous") == full
    assert _pragma(f"sqlite:///{tmp_path}/a.db?synchronous=NORMAL", "synchronous") == normal


def test_an_unknown_durability_level_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="synchronous='off'"):
        make_engine(f"sqlite:///{tmp_path}/a.db?synchronous=off")


def test_the_setting_is_not_part_of_the_engine_url(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/a.db?synchronous=normal")
    try:
        assert "synchronous" not in str(engine.url)
    finally:
        engine.dispose()


def _committed_to_the_database_file(engine: Engine, path: Path, commits: int) -> bool:
    """Commit `commits` rows of a page each, then wait a little: has the database file itself grown?

    In WAL mode new pages go to the WAL, and only a checkpoint copies them into the database file; the
    engine's pooled connection stays open, so nothing else (closing the last connection) checkpoints.
    """
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (v TEXT)"))
    before = path.stat().st_size
    for _ in range(commits - 1):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (:v)"), {"v": "x" * 4000})
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and path.stat().st_size == before:
        time.sleep(0.05)
    return path.stat().st_size > before


@pytest.mark.parametrize(("every", "checkpointed"), [(5, True), (1000, False)])
def test_with_synchronous_normal_the_wal_is_checkpointed_by_a_thread_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, every: int, checkpointed: bool
) -> None:
    monkeypatch.setattr(db, "CHECKPOINT_EVERY", every)
    monkeypatch.setattr(db, "CHECKPOINTER_IDLE_S", 0.2)
    engine = make_engine(f"sqlite:///{tmp_path}/a.db?synchronous=normal")
    try:
        assert _committed_to_the_database_file(engine, tmp_path / "a.db", commits=10) is checkpointed
    finally:
        engine.dispose()


def test_with_synchronous_full_sqlite_checkpoints_as_it_always_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "CHECKPOINT_EVERY", 5)
    engine = make_engine(f"sqlite:///{tmp_path}/a.db")
    try:
        assert not _committed_to_the_database_file(engine, tmp_path / "a.db", commits=10)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000  # SQLite's default
    finally:
        engine.dispose()
