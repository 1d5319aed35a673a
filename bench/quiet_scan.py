"""The quiet-customer scan on a big book (issue 20): 100,000 customers and 1,000,000 visits (plus contracts and
payments), one team's scan timed beside one customer fetched by its key, on PostgreSQL and on SQLite.

The book is `bench/big_book.py`'s, made in a database of its own (`salesbot_bench_keep`: the shared book's database
stays at the schema its own branch expects). The SQLite book is a copy of the same rows in a file (teams, users,
customers, visits, contracts, payments, reminders), made once and kept beside the script's temp directory.
The kept last activity is computed after the copy (COPY and bulk inserts bypass the ORM's events).

Timed (medians of `--repeat` runs, each in a unit of work of its own):
- the baseline: one customer by its primary key;
- a team's key customers (the 80/20 by revenue, `retention.key_customers`);
- a team's daily scan (`retention.scan` with the team's last scan, yesterday's: only the customers whose days
  crossed a step of the ladder since, the key customers, the handed-on ones and those whose follow-up fell due),
  which is what the daily ladder (`retention.climb`) runs six days a week;
- a team's quiet customers in full (`retention.scan` on the kept `(team_id, last_at)` index, with its key
  customers), which the ladder runs once a week;
- the same scan as a manager asks it ("哪些客户很久没联系了", `retention.quiet_customers`), key customers included;
- for comparison, what the scan would cost without the kept table: the latest visit, payment and contract of each
  of the team's customers, taken from the source tables.
Target: the daily scan under 50 ms per team. Each figure is a median of wall-clock time and of this process's CPU time:
on a machine shared with other work the wall clock measures the queue for a core, the CPU time what the code
costs (PostgreSQL's share of the work counts in the wall clock only).

Run: .venv/bin/python bench/quiet_scan.py [--database-url postgresql+psycopg://…] [--sqlite FILE] [--fresh]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select, text, union_all

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import big_book  # noqa: E402

from salesbot.bootstrap import build  # noqa: E402
from salesbot.clock import FrozenClock  # noqa: E402
from salesbot.config import settings_from  # noqa: E402
from salesbot.services import retention, users  # noqa: E402
from salesbot.store import activity, balances  # noqa: E402
from salesbot.store.models import (  # noqa: E402
    Contract,
    Customer,
    CustomerActivity,
    Payment,
    QuietScan,
    Reminder,
    Team,
    User,
    Visit,
)

DATABASE = "salesbot_bench_keep"
TABLES = (Team, User, Customer, Visit, Contract, Payment, Reminder)
TEAM = 1


def sqlite_book(pg_url: str, path: Path, *, fresh: bool) -> str:
    """The same book in a SQLite file: the rows the scan reads, copied in batches."""
    url = f"sqlite:///{path}"
    if path.exists() and not fresh:
        # Upgraded as the PostgreSQL book is, so a new migration's indexes are there.
        build(settings_from({}, env={}), clock=FrozenClock(big_book.NOW), database_url=url).close()
        return url
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    build(settings_from({}, env={}), clock=FrozenClock(big_book.NOW), database_url=url).close()
    source, target = create_engine(pg_url), create_engine(url)
    with source.connect() as src, target.begin() as dst:
        for model in TABLES:
            table = model.__table__
            result = src.execution_options(yield_per=20_000).execute(select(table))
            for rows in result.partitions():
                dst.execute(insert(table), [dict(r._mapping) for r in rows])
        balances.rebuild(dst)
        activity.rebuild(dst)
        dst.execute(text("ANALYZE"))
    source.dispose()
    target.dispose()
    print(f"sqlite book made in {time.perf_counter() - started:.0f} s: {path}")
    return url


def without_kept(uow: Any) -> int:
    """The latest activity of each of the team's customers from the source tables: what the kept table saves."""
    members = select(User.id).where(User.team_id == TEAM)
    mine = select(Customer.id).where(Customer.owner_id.in_(members), Customer.archived.is_(False))
    touch = union_all(
        select(Visit.customer_id.label("c"), Visit.at.label("at")).where(Visit.customer_id.in_(mine)),
        select(Payment.customer_id, Payment.created_at).where(Payment.customer_id.in_(mine)),
        select(Contract.customer_id, Contract.submitted_at).where(Contract.customer_id.in_(mine)),
    ).subquery()
    return len(uow.session.execute(select(touch.c.c, func.max(touch.c.at)).group_by(touch.c.c)).all())


def timed(app: Any, call: Any, repeat: int) -> tuple[float, float, Any]:
    """Medians of wall-clock and of this process's CPU milliseconds of `call(uow)`, each in a unit of work of its
    own, after one untimed run. On a loaded machine the CPU time is what the code costs; PostgreSQL's own work is
    in the wall-clock time only."""
    walls, cpus, result = [], [], None
    for n in range(repeat + 1):
        with app.uow() as uow:
            wall, cpu = time.perf_counter(), time.process_time()
            result = call(uow)
            if n:
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus), result


def run(label: str, url: str, repeat: int) -> None:
    settings = settings_from({"retention": {"enabled": True}}, env={})
    app = build(settings, clock=FrozenClock(big_book.NOW), database_url=url, migrate=False)
    with app.uow() as uow:
        manager = users.by_handle(uow, "mgr1")
        keys = retention.key_customers(uow, today=big_book.NOW.date(), team_id=TEAM)
    today = big_book.NOW.date()
    day = timedelta(days=1)
    yesterday = QuietScan(team_id=TEAM, scanned_on=today - day, full_on=today - day, at=big_book.NOW - day)
    calls = [
        ("baseline: one customer by its key", lambda uow: uow.session.get(Customer, 4242), None),
        ("a team's key customers (80/20)", lambda uow: retention.key_customers(uow, today=today, team_id=TEAM), 0),
        (
            "a team's daily scan (since yesterday's)",
            lambda uow: retention.scan(uow, CustomerActivity.team_id == TEAM, today=today, keys=keys, last=yesterday),
            50,
        ),
        (
            "a team's quiet customers (the full scan)",
            lambda uow: retention.scan(uow, CustomerActivity.team_id == TEAM, today=today, keys=keys),
            0,
        ),
        ("  as the manager asks it (with key customers)", lambda uow: retention.quiet_customers(uow, manager), 0),
        ("  (without the kept table: latest of each)", without_kept, 0),
    ]
    print(f"{label} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; cpu: this process's own time):")
    baseline = None
    for name, call, target in calls:
        ms, cpu, result = timed(app, call, repeat if target != 0 else 3)
        baseline = baseline or ms
        verdict = "" if not target else f"   target < {target} ms: {'met' if ms < target else 'MISSED'}"
        size = f"({len(result)} rows)" if isinstance(result, list | set) else f"({result} rows)"
        if isinstance(result, Customer):
            size = "(1 row)"
        print(f"  {name:<46} {ms:9.2f} ms = {ms / baseline:6.0f}x the baseline, cpu {cpu:8.2f} ms{verdict}   {size}")
    app.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("SALESBOT_TEST_DATABASE_URL", big_book.DEFAULT_SERVER))
    parser.add_argument("--sqlite", type=Path, default=Path(tempfile.gettempdir()) / "salesbot_bench_keep.db")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--fresh", action="store_true", help="make both books again")
    args = parser.parse_args(argv)
    big_book.DATABASE = DATABASE  # a book of our own: the shared one stays at its own schema
    url, made = big_book.book_database(args.database_url, fresh=args.fresh)
    print(f"book: {big_book.VERSION} ({f'made in {made:.0f} s' if made is not None else 'cached'}) in {DATABASE}")
    engine = create_engine(url)
    with engine.begin() as connection:
        if not connection.scalar(select(func.count()).select_from(CustomerActivity)):
            activity.rebuild(connection)  # the book's COPY bypassed the events that keep it
            connection.execute(text("ANALYZE customer_activity"))
    engine.dispose()
    run("PostgreSQL", url, args.repeat)
    run("SQLite", sqlite_book(url, args.sqlite, fresh=args.fresh), args.repeat)


if __name__ == "__main__":
    main()
