"""Engine and session set-up, and schema upgrades through Alembic.

SQLite durability is a setting of the database URL: `sqlite:///salesbot.db` (or `?synchronous=full`) syncs
the write-ahead log to disk at every commit, so a committed turn survives a power cut. `?synchronous=normal`
syncs it only at checkpoints: the database stays consistent after any crash, and a crash of the process
loses nothing, but a power cut or kernel panic may lose the last transactions committed before it: visits
the rep was told were logged, from updates Telegram will not send again (we answered them). It saves the
one fsync each turn otherwise pays (p50 0.3-0.7 ms on a quiet disk, several ms on a busy one).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from salesbot.store import activity, balances, names_version

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
SYNCHRONOUS = ("full", "normal")
# A commit that takes the WAL past this many pages copies it into the database itself. The checkpointer below
# normally does that long before; this is only the bound should it ever fall behind (4 KiB pages: ~40 MB).
WAL_BACKSTOP_PAGES = 10_000
CHECKPOINT_EVERY = 64  # commits: a "log a visit" turn writes ~12 pages, so ~770 pages of WAL between checkpoints
CHECKPOINTER_IDLE_S = 5.0  # the checkpointer's thread ends after this long without work, and restarts on demand


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        parsed, synchronous = _sqlite_synchronous(make_url(url))
        engine = create_engine(parsed, connect_args={"timeout": 30}, **kwargs)
        _sqlite_serialised_writes(engine, synchronous)
        if synchronous == "normal" and _is_file(parsed):
            _checkpoint_in_background(engine, str(parsed.database))
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_synchronous(url: URL) -> tuple[URL, str]:
    """The URL without our `synchronous` parameter (pysqlite would refuse it), and its value (default: full)."""
    value = str(url.query.get("synchronous", "full")).lower()
    if value not in SYNCHRONOUS:
        raise ValueError(f"synchronous={value!r} in the database URL: use one of {', '.join(SYNCHRONOUS)}")
    return url.difference_update_query(["synchronous"]), value


def _is_file(url: URL) -> bool:
    return bool(url.database) and url.database != ":memory:" and not str(url.database).startswith("file:")


def _sqlite_serialised_writes(engine: Engine, synchronous: str) -> None:
    """Take SQLite's write lock when a transaction starts, not when it first writes.

    pysqlite's deferred BEGIN lets two transactions read, then both try to upgrade to a write lock and one
    fails with "database is locked" instead of waiting. BEGIN IMMEDIATE makes them queue on busy_timeout.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous.upper()}")  # one of SYNCHRONOUS, checked above
        if synchronous == "normal":  # the Checkpointer's thread does this work; see there
            cur.execute(f"PRAGMA wal_autocheckpoint={WAL_BACKSTOP_PAGES}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # Straight to the driver: every turn begins here, and SQLAlchemy's statement path costs more than BEGIN.
        conn.connection.driver_connection.execute("BEGIN IMMEDIATE")


def _checkpoint_in_background(engine: Engine, path: str) -> None:
    checkpointer = Checkpointer(path)

    @event.listens_for(engine, "commit")
    def _commit(_conn: Any) -> None:
        checkpointer.committed()


class Checkpointer:
    """Copies the write-ahead log into the database file from a thread of its own, off every turn's path.

    Left to SQLite, the commit that takes the WAL past 1000 pages (~80 "log a visit" turns) copies them
    and syncs the database file itself: several milliseconds inside one turn. A PASSIVE checkpoint here
    waits for no one and blocks no writer. Measured (4000 commits of ~12 pages): with synchronous=normal,
    commit p99 7.6-8.1 ms -> 1.3-1.7 ms. With synchronous=full every commit syncs anyway; there this
    thread's syncs compete with the commits' own for the disk, and no gain showed through the noise of a
    shared disk (commit p99 4-12 ms either way), so with full SQLite checkpoints as it always has.

    Under a steady stream of writes the WAL cannot restart from its beginning (a checkpoint by another
    connection never sees it empty), so it grows to WAL_BACKSTOP_PAGES; the writer's own checkpoint there
    copies only the few pages this thread has not, and the WAL starts over. With pauses between messages,
    as in real use, the WAL restarts at the next message after a checkpoint.
    """

    def __init__(self, path: str) -> None:
        self._uri = f"file:{quote(path)}?mode=rw"  # never creates a database that is not there (any more)
        self._commits = 0
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def committed(self) -> None:
        """Called at every commit; every CHECKPOINT_EVERY-th asks the thread (started if need be) for a checkpoint."""
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY:
            return
        with self._lock:
            self._wake.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        try:
            with closing(sqlite3.connect(self._uri, uri=True, timeout=30, isolation_level=None)) as conn:
                while self._next():
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as exc:  # the database went away, or is busy being moved: the backstop still holds
            log.warning("sqlite checkpoint: %s", exc)
        finally:
            with self._lock:
                if self._thread is threading.current_thread():  # ended by an error, not by `_next`
                    self._thread = None

    def _next(self) -> bool:
        """Wait for work; False (the thread ends) after CHECKPOINTER_IDLE_S without any."""
        while not self._wake.wait(CHECKPOINTER_IDLE_S):
            with self._lock:
                if not self._wake.is_set():
                    self._thread = None
                    return False
        self._wake.clear()
        return True


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on `engine`; each keeps the kept balances current as it commits (`salesbot.store.balances`)."""
    factory = sessionmaker(engine, expire_on_commit=False)
    balances.keep(factory)
    names_version.keep(factory)
    activity.keep(factory)  # each customer's last activity, for the quiet-customer scan (issue 20)
    return factory


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Create or upgrade the schema to the newest revision (what `salesbot init` does)."""
    from alembic import command

    command.upgrade(alembic_config(url), "head")


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (relative to the working directory, as SQLite opens it); None for any other
    database, or for SQLite in memory."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not _is_file(parsed):
        return None
    return Path(str(parsed.database))
