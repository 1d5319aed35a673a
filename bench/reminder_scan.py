"""The reminder scan over 1,000,000 pending reminders: how long finding the due ones takes, and the plan it uses.

The scan (salesbot.services.reminders.fire_due) asks for pending reminders due by now, oldest first, 500 at a time.
With the index on (state, due_at) that is a short range read whatever the table's size. The baseline, in the same
run on the same data, is the same question with the index switched off (SQLite `NOT INDEXED`; PostgreSQL
`enable_indexscan`/`enable_bitmapscan` off), which is what the scan would cost without it; the ratio says what the
index buys. Target (issue 8): under 20 ms.

Run: .venv/bin/python bench/reminder_scan.py [--rows N] [--due N] [--database-url postgresql+psycopg://…]
(SQLite in a temporary file by default; on PostgreSQL the rows go into a schema made for the run, then dropped.)
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from salesbot.store.db import upgrade  # noqa: E402
from salesbot.store.models import Reminder  # noqa: E402

NOW = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=300, help="how many of them are due now")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, cleanup = _database(args.database_url, Path(tmp))
        try:
            upgrade(url)
            engine = create_engine(url)
            loaded = _load(engine, args.rows, args.due)
            print(f"{engine.dialect.name}: {args.rows:,} pending reminders ({args.due} due) loaded in {loaded:.1f} s")
            _report(engine, args.repeat)
            engine.dispose()
        finally:
            cleanup()


def _report(engine: Engine, repeat: int) -> None:
    # The scan's own statement, as fire_due builds it (the lock clause aside: it does not change the plan's reads).
    scan = (
        select(Reminder.id)
        .where(Reminder.state == "pending", Reminder.due_at <= NOW)
        .order_by(Reminder.due_at, Reminder.id)
        .limit(500)
    )
    sqlite = engine.dialect.name == "sqlite"
    no_index = text(
        f"SELECT id FROM reminders {'NOT INDEXED ' if sqlite else ''}"
        "WHERE state = 'pending' AND due_at <= :now ORDER BY due_at, id LIMIT 500"
    ).bindparams(now=_stamp(engine, NOW))
    with engine.connect() as conn:
        found = len(conn.execute(scan).all())
        indexed = _times(lambda: conn.execute(scan).all(), repeat)
        plan = _plan(conn, scan)
        if not sqlite:
            conn.execute(text("SET enable_indexscan = off"))
            conn.execute(text("SET enable_bitmapscan = off"))
            conn.execute(text("SET enable_indexonlyscan = off"))
        full = _times(lambda: conn.execute(no_index).all(), max(3, repeat // 10))
    print(f"due rows found: {found}")
    verdict = "met" if indexed < 0.02 else "MISSED"
    print(f"scan with the index: median {indexed * 1000:.2f} ms   (target < 20 ms: {verdict})")
    print(f"same query, index unusable (baseline): median {full * 1000:.1f} ms")
    print(f"ratio: the indexed scan takes {indexed / full:.4f}x the baseline ({full / indexed:,.0f}x faster)")
    print("plan:")
    for line in plan:
        print(f"  {line}")


def _load(engine: Engine, rows: int, due: int) -> float:
    """Spread reminders over the coming year, a few hundred already due; users and customers are not needed."""
    rng = random.Random(7)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, handle, name, role, lang, active, created_at) "
                "VALUES (1, 'bench', 'bench', 'rep', 'zh', true, :now)"
            ),
            {"now": _stamp(engine, NOW)},
        )
    batch: list[dict[str, object]] = []
    for n in range(rows):
        ahead = -rng.randint(1, 3600) if n < due else rng.randint(60, 365 * 24 * 3600)
        batch.append(
            {
                "user_id": 1,
                "kind": "follow_up",
                "subject_type": "visit",
                "subject_id": n,
                "due_at": _stamp(engine, NOW + timedelta(seconds=ahead)),
                "state": "pending",
                "created_at": _stamp(engine, NOW),
            }
        )
        if len(batch) == 50_000:
            _insert(engine, batch)
            batch = []
    if batch:
        _insert(engine, batch)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


def _insert(engine: Engine, batch: list[dict[str, object]]) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO reminders (user_id, kind, subject_type, subject_id, due_at, state, created_at) "
                "VALUES (:user_id, :kind, :subject_type, :subject_id, :due_at, :state, :created_at)"
            ),
            batch,
        )


def _stamp(engine: Engine, at: datetime) -> object:
    # Stored as the UTCDateTime type stores it: naive UTC text on SQLite, timestamptz on PostgreSQL.
    return at if engine.dialect.name == "postgresql" else at.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _times(call: object, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _plan(conn: object, scan: object) -> list[str]:
    compiled = scan.compile(conn.engine, compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
    prefix = "EXPLAIN QUERY PLAN " if conn.engine.dialect.name == "sqlite" else "EXPLAIN "  # type: ignore[attr-defined]
    rows = conn.execute(text(prefix + str(compiled))).all()  # type: ignore[attr-defined]
    return [" | ".join(str(c) for c in row) for row in rows]


def _database(url: str | None, tmp: Path) -> tuple[str, object]:
    if not url:
        return f"sqlite:///{tmp / 'scan.db'}", lambda: None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{url}{sep}options=-csearch_path%3D{schema}", drop


if __name__ == "__main__":
    main()
