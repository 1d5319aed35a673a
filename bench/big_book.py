""" "Who owes us" and a team digest on a big book (issue 10): 1,000 reps, 100,000 customers, 1,000,000 visits and
200,000 open installments on PostgreSQL, each timed beside a trivial query on the same unit of work.

The book: 10 teams of 100 reps, each with a manager and a linked group; 100 customers a rep; 1,000,000 visits over
the past year (one in ten with a follow-up in the next two weeks); 200,000 deals with their stage history (a third
moved in the past year); 100,000 active contracts of three installments each, the first paid and the other two open
(200,000), due from six months ago to six months ahead; 1,000 contracts waiting for approval; 100,000 payments over
the year. It is written with COPY (psycopg) into a database of its own, `salesbot_bench_book`, kept between runs
(the database's comment names the book's version; `--fresh` makes it again, `--drop` removes it). The schema is
upgraded (Alembic) at every run, so a new migration's indexes are there (and migration 0010 fills the kept balances
of a book made before it; a new book has them computed after the COPY, which the ORM's events do not see).

Timed, as the chat asks them (medians of `--repeat` runs, each in a unit of work of its own, so each pays its own
transaction):
- "谁还欠款" / "who owes us": `receivables.who_owes` as a team's manager and as the admin, the first page of ten;
- a team's daily digest (`digests.daily`, 18:00 on a Monday: the day's visits, moves, contracts, payments,
  follow-ups and approvals, and the biggest overdue debts) and its weekly summary with the data of its two charts
  (`digests.weekly`, `funnel`, `aging`);
- the baseline: one customer by its primary key, through the same unit of work.
Targets: who owes us under 50 ms, a digest under 500 ms. `--explain` prints EXPLAIN ANALYZE of the statements
each one runs (captured from the engine as they run).

Run: .venv/bin/python bench/big_book.py [--database-url postgresql+psycopg://…] [--explain] [--fresh | --drop]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, event, make_url, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from salesbot.bootstrap import App, build  # noqa: E402
from salesbot.clock import FrozenClock  # noqa: E402
from salesbot.config import settings_from  # noqa: E402
from salesbot.handlers.receivables import PAGE  # noqa: E402
from salesbot.services import digests, receivables, users  # noqa: E402
from salesbot.store import balances  # noqa: E402
from salesbot.store.models import Customer, User  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASE = "salesbot_bench_book"
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 16, 18, 0, tzinfo=TZ)  # a Monday at 18:00: the daily digest's time, and a new week
TEAMS, REPS_PER_TEAM, CUSTOMERS_PER_REP = 10, 100, 100
REPS = TEAMS * REPS_PER_TEAM
CUSTOMERS = REPS * CUSTOMERS_PER_REP
VISITS, DEALS, CONTRACTS, PENDING, PAYMENTS = 1_000_000, 200_000, 100_000, 1_000, 100_000
VERSION = f"salesbot bench book 1: {REPS} reps, {CUSTOMERS} customers, {VISITS} visits, {2 * CONTRACTS} open"
STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
ADMIN, FINANCE = 9_001, 9_002


def manager_id(team: int) -> int:
    return 2_000 + team


# ---------------------------------------------------------------------------------------------------- the book


def _rows_users(stamp: datetime) -> Iterator[tuple[Any, ...]]:
    for r in range(1, REPS + 1):
        team = (r - 1) // REPS_PER_TEAM + 1
        yield r, f"rep{r}", f"销售{r:04d}", "rep", team, manager_id(team), "zh", True, stamp
    for t in range(1, TEAMS + 1):
        yield manager_id(t), f"mgr{t}", f"经理{t:02d}", "manager", t, None, "zh", True, stamp
    yield ADMIN, "admin", "Admin", "admin", None, None, "en", True, stamp
    yield FINANCE, "fin", "财务", "finance", None, None, "zh", True, stamp


def _owner(customer: int) -> int:
    return (customer - 1) % REPS + 1


def make_book(url: str) -> float:
    """Write the book with COPY; returns the seconds it took."""
    import psycopg

    rng = random.Random(10)
    started = time.perf_counter()
    stamp = NOW.astimezone(UTC).replace(tzinfo=None)  # UTCDateTime columns hold naive UTC
    today = NOW.date()

    def ago(days: float) -> datetime:
        return stamp - timedelta(seconds=rng.random() * days * 86_400)

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:

        def copy(table: str, columns: str, rows: Any) -> None:
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as out:
                for row in rows:
                    out.write_row(row)

        copy(
            "teams",
            "id, key, name, timezone, currency",
            ((t, f"t{t}", f"团队{t}", str(TZ), "CNY") for t in range(1, TEAMS + 1)),
        )
        copy("users", "id, handle, name, role, team_id, manager_id, lang, active, created_at", _rows_users(stamp))
        copy(
            "groups",
            "id, handle, name, team_id, platform, platform_chat_id, lang",
            ((t, f"g{t}", f"销售群{t}", t, "telegram", str(-1_000_000_000_000 - t), "zh") for t in range(1, TEAMS + 1)),
        )
        copy(
            "customers",
            "id, name, owner_id, archived, created_at",
            ((c, f"客户{c:06d}", _owner(c), False, stamp - timedelta(days=400)) for c in range(1, CUSTOMERS + 1)),
        )

        def visits() -> Iterator[tuple[Any, ...]]:
            for v in range(1, VISITS + 1):
                customer = rng.randrange(CUSTOMERS) + 1
                at = ago(365)
                follow = None
                if v % 10 == 0:
                    follow = (at + timedelta(hours=8)).date() + timedelta(days=rng.randrange(1, 15))
                yield v, _owner(customer), customer, at, "拜访", "再跟进" if follow else None, follow

        copy("visits", "id, user_id, customer_id, at, notes, next_step, follow_up_on", visits())
        deals = []
        for d in range(1, DEALS + 1):
            customer = rng.randrange(CUSTOMERS) + 1
            amount = Decimal(rng.randrange(10, 1000) * 1000)
            deals.append(
                (d, customer, _owner(customer), f"商机{d}", rng.choice(STAGES), amount, "USD" if d % 10 == 0 else "CNY")
            )
        copy(
            "deals",
            "id, customer_id, owner_id, title, stage, amount, currency, archived, created_at, updated_at",
            ((*deal, False, stamp - timedelta(days=400), stamp) for deal in deals),
        )

        def history() -> Iterator[tuple[Any, ...]]:
            for deal in deals:
                yield deal[0], None, "lead", stamp - timedelta(days=400)
                if deal[0] % 3 == 0:
                    yield deal[0], "proposal", deal[4], ago(365)

        copy("stage_history", "deal_id, from_stage, to_stage, at", history())
        contracts, installments, steps = [], [], []
        for c in range(1, CONTRACTS + PENDING + 1):
            deal = deals[(c * 7) % DEALS]
            pending = c > CONTRACTS
            submitted = ago(365)
            status = "pending" if pending else "active"
            terms = '{"installments": 3}'
            contracts.append(
                (c, deal[1], deal[0], deal[2], 1, deal[5], deal[6], terms, status, 1 if pending else 0, submitted,
                 None if pending else submitted, stamp)
            )  # fmt: skip
            if pending:
                steps.append((c, 1, "manager", manager_id((deal[2] - 1) // REPS_PER_TEAM + 1), "deciding", submitted))
                continue
            third = (deal[5] / 3).quantize(Decimal("0.01"))
            dues = sorted(today + timedelta(days=rng.randint(-180, 180)) for _ in range(3))
            for seq, due in enumerate(dues, start=1):
                paid = third if seq == 1 else Decimal(0)
                state = "paid" if seq == 1 else "open"
                installments.append((c, seq, due, third, deal[6], paid, state, stamp))
        copy(
            "contracts",
            "id, customer_id, deal_id, owner_id, version, amount, currency, terms, status, step, submitted_at, "
            "decided_at, updated_at",
            contracts,
        )
        copy("installments", "contract_id, seq, due_on, amount, currency, paid, state, created_at", installments)
        copy("approval_steps", "contract_id, seq, rule, approver_id, state, started_at", steps)
        copy(
            "payments",
            "customer_id, amount, currency, received_on, state, created_at",
            (
                (rng.randrange(CUSTOMERS) + 1, Decimal(rng.randrange(1, 100) * 1000), "CNY", (at := ago(365)).date(),
                 "confirmed", at)
                for _ in range(PAYMENTS)
            ),
        )  # fmt: skip
        for table in ("teams", "users", "groups", "customers", "visits", "deals", "stage_history", "contracts"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
    # COPY bypasses the ORM, whose events keep the balances: they are computed once, from what was written.
    engine = create_engine(url)
    with engine.begin() as connection:
        balances.rebuild(connection)
    engine.dispose()
    with _admin(url) as admin:
        admin.execute(text(f"COMMENT ON DATABASE \"{DATABASE}\" IS '{VERSION}'"))
    return time.perf_counter() - started


@contextmanager
def _admin(url: str) -> Iterator[Any]:
    engine = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def book_database(server: str, *, fresh: bool) -> tuple[str, float | None]:
    """The cached book's URL, made first if it is missing, stale or `fresh` is asked; and the seconds making took."""
    url = make_url(server).set(database=DATABASE).render_as_string(hide_password=False)
    with _admin(server) as admin:
        exists = admin.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": DATABASE}).first()
        comment = admin.execute(
            text("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :d"), {"d": DATABASE}
        ).scalar()
        if exists and (fresh or comment != VERSION):
            admin.execute(text(f'DROP DATABASE "{DATABASE}" WITH (FORCE)'))
            exists = None
        if not exists:
            admin.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    made = None
    app = build(settings_from({}, env={}), clock=FrozenClock(NOW), database_url=url)  # upgrades the schema
    app.close()
    if not exists:
        made = make_book(url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return url, made


# ---------------------------------------------------------------------------------------------------- timing


class Statements:
    """The SQL an engine runs, with its parameters, while `capturing`."""

    def __init__(self, app: App) -> None:
        self.capturing = False
        self.seen: list[tuple[str, Any]] = []

        @event.listens_for(app.engine, "before_cursor_execute")
        def _seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
            if self.capturing:
                self.seen.append((statement, parameters))

    def explain(self, app: App, call: Callable[[Any], Any]) -> list[str]:
        self.seen, self.capturing = [], True
        with app.uow() as uow:
            call(uow)
        self.capturing = False
        lines = []
        raw = app.engine.raw_connection()
        try:
            cur = raw.cursor()
            for statement, parameters in self.seen:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters)
                lines.append("-- " + " ".join(statement.split())[:160])
                lines.extend(row[0] for row in cur.fetchall())
            raw.rollback()
        finally:
            raw.close()
        return lines


def timed(app: App, call: Callable[[Any], Any], repeat: int) -> tuple[float, Any]:
    """Median milliseconds of `call(uow)`, each in a unit of work of its own (rolled back), after one untimed run."""
    result = None
    samples = []
    for n in range(repeat + 1):
        started = time.perf_counter()
        with app.uow() as uow:
            result = call(uow)
        if n:
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("SALESBOT_TEST_DATABASE_URL", DEFAULT_SERVER))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each statement the timed calls run")
    parser.add_argument("--fresh", action="store_true", help="make the book again even if a current one is cached")
    parser.add_argument("--drop", action="store_true", help="drop the cached book and stop")
    args = parser.parse_args(argv)
    if args.drop:
        with _admin(args.database_url) as admin:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        print(f"dropped {DATABASE}")
        return
    url, made = book_database(args.database_url, fresh=args.fresh)
    how = f"made in {made:.0f} s" if made is not None else "cached"
    print(f"book: {VERSION} ({how}) in {DATABASE}")
    app = build(settings_from({}, env={}), clock=FrozenClock(NOW), database_url=url, migrate=False)
    statements = Statements(app)
    with app.uow() as uow:
        manager = users.by_handle(uow, "mgr1")
        admin = users.by_handle(uow, "admin")
    week = NOW - timedelta(days=7)
    team = 1

    # As a digest run reads them: people's names once, and every team's funnel and aging in one pass each.
    def names(uow: Any) -> dict[int, str]:
        return dict(uow.session.execute(select(User.id, User.name)).all())

    def daily(uow: Any) -> dict:
        return digests.daily(
            uow,
            team,
            since=NOW - timedelta(days=1),
            until=NOW,
            today=NOW.date(),
            tz=TZ,
            names=names(uow),
            currency=uow.settings.currency,
        )

    def weekly(uow: Any) -> dict:
        facts = digests.weekly(uow, team, since=week, until=NOW, names=names(uow))
        funnel = digests.funnel_of(digests.funnels(uow), team, uow.settings)
        aging = digests.agings(uow, today=NOW.date(), currencies={team: uow.settings.currency})[team]
        return facts | {"charts": [funnel, aging]}

    # label, call, target in ms (None: the baseline; 0: a figure for comparison, timed 3 times)
    calls: list[tuple[str, Callable[[Any], Any], float | None]] = [
        ("baseline: one customer by its key", lambda uow: uow.session.get(Customer, 4242), None),
        ("who owes us, as a team's manager", lambda uow: receivables.who_owes(uow, manager, per_page=PAGE), 50),
        ("who owes us, as the admin", lambda uow: receivables.who_owes(uow, admin, per_page=PAGE), 50),
        # What who_owes did before issue 10: fetch every open installment the manager sees, then sum in Python.
        ("  (before: open installments fetched, manager)", lambda uow: receivables.open_items(uow, manager), 0),
        ("daily digest, one team", daily, 500),
        ("weekly summary and its charts, one team", weekly, 500),
    ]
    report(app, calls, repeat=args.repeat, explain=statements if args.explain else None, shape=_shape)
    app.close()


def report(
    app: App,
    calls: list[tuple[str, Callable[[Any], Any], float | None]],
    *,
    repeat: int,
    explain: Statements | None = None,
    shape: Callable[[Any], str] = str,
) -> None:
    """Time each (label, call, target ms) and print it against the first (the baseline, target None); a target of 0
    is a figure for comparison, timed 3 times. With `explain`, the plans of the statements each timed call ran."""
    baseline = None
    for label, call, target in calls:
        ms, result = timed(app, call, repeat if target != 0 else 3)
        baseline = baseline or ms
        verdict = "" if not target else f"   target < {target} ms: {'met' if ms < target else 'MISSED'}"
        print(f"  {label:<42} {ms:9.2f} ms = {ms / baseline:7.0f}x the baseline{verdict}   {shape(result)}")
        if explain is not None and target:
            for line in explain.explain(app, call):
                print(f"      {line}")


def _shape(result: Any) -> str:
    if isinstance(result, list):
        return f"({len(result)} rows)"
    if isinstance(result, receivables.Book):
        return f"({getattr(result, 'count', len(result.debtors))} debtors, totals {dict(result.totals)})"
    if isinstance(result, dict):
        return "(" + ", ".join(f"{k}: {len(v) if isinstance(v, list) else '…'}" for k, v in result.items()) + ")"
    return ""


if __name__ == "__main__":
    main()
