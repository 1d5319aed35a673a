"""Messages per second and p50/p99 for "log a visit" (handler + service + database), beside a bare
python-telegram-bot echo handler measured in the same run, on the same machine.

The baseline runs PTB's real Application and Message.reply_text over a request object that answers the
Bot API in-process (no network), so the ratio says what our stack costs per message relative to the
least a Telegram bot can do. The baseline gets its Update objects made before the timing; the line under
it parses them from JSON inside the timing, as our Telegram path must (it is what a webhook hands us).
Our paths handle 50 untimed messages first (statements compile, the customer index is built), as the echo
gets a whole untimed run. Beside the wall clock each line gives the CPU time a message took (all threads):
on a shared machine the wall-clock p99 mostly counts the time our threads waited for a CPU or the disk.

Run: .venv/bin/python bench/handler_throughput.py [--messages N] [--runs N] [--synchronous normal];
with --database-url postgresql+psycopg://… our two paths run on PostgreSQL instead (in a schema made for
the run). --floor measures the parts of a turn no code of ours can remove, for the arithmetic below.

Why 0.5x the echo's throughput is out of reach with one durable transaction per update (issue 4, item 8)
------------------------------------------------------------------------------------------------------
Half the echo's throughput is twice its time a message. Our Telegram path does everything the echo does
(PTB in, one sendMessage out), so the turn, and the hop to its thread, must fit in one echo time E:
E = 0.09-0.12 ms on this 2-core machine when quiet (0.3-0.4 ms when busy); parsing the update from JSON,
which the baseline leaves out, alone takes another ~0.08 ms. Measured with --floor (p50s, several runs):
  - an empty BEGIN IMMEDIATE; COMMIT on SQLite: 5-7 us. A transaction is free; what costs is making it
    durable. One row written and committed with synchronous=full (an fsync of the WAL): 0.3-0.66 ms quiet,
    3-4 ms while other tenants use the disk = 3-40x E, before any work.
  - PostgreSQL at 127.0.0.1: BEGIN; COMMIT 0.08-0.13 ms (two round trips); with one row 0.37-0.45 ms quiet
    (WAL flush), ~2 ms busy; every further statement is a round trip, 0.12-0.14 ms through SQLAlchemy.
  - with synchronous=normal the commit is 0.013-0.02 ms, but the turn itself is CPU: 2.0 ms (quiet) to
    3.7 ms (busy) a message: ~11 statements through SQLAlchemy at ~0.05-0.1 ms each with their parameter
    and result processing, the sentence's NLP (0.35-0.5 ms), the customer-index version check, the ORM
    load of the customer, the reply's wording. That is 20-40x E.
  - the thread hop: 0.06 ms p50 (0.15 ms p99) with nothing to do.
So the ceiling for this design is about E / (E + turn) = 0.1 / (0.1 + 2.0), ~0.05 of the echo with
synchronous=normal, and lower with an fsync a turn; 0.5x would need the whole turn (NLP, writes, audit,
reminder, commit) in ~0.1 ms. Measured (Telegram path / echo, medians of 3 interleaved runs, load ~4 on
the 2 cores): 0.022 before this work (112 msg/s, CPU p50 6.6 ms a message), 0.034 after with
synchronous=full (202 msg/s, CPU p50 3.9 ms), 0.049 with synchronous=normal (191 msg/s against a faster
echo). Only batching updates into one transaction (group commit) would spread the fsync; it would not
touch the CPU, and it changes the one-update-one-transaction design.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text
from telegram import Update
from telegram.ext import Application, MessageHandler, filters
from telegram.request import BaseRequest, RequestData

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from salesbot.bootstrap import build  # noqa: E402
from salesbot.clock import FrozenClock  # noqa: E402
from salesbot.config import settings_from  # noqa: E402
from salesbot.handlers.messages import Incoming  # noqa: E402

Lap = tuple[float, float]  # one message: seconds of wall clock, seconds of CPU time
SYNCHRONOUS = ("full", "normal")  # SQLite's levels salesbot.store.db accepts (full is its default)
# Messages handled before the timing starts, on our paths: the first statements compile, the customer index
# is built. The echo gets a whole untimed run for the same reason.
WARMUP = 50
SENTENCES = (
    "今天拜访了{c},见了采购,下周二再跟进",
    "met {c}'s CFO, call back in 3 days",
    "拜访{c},三天后给报价",
)


class LocalBotApi(BaseRequest):
    """Answers getMe and sendMessage as the Bot API would, without a network."""

    def __init__(self) -> None:
        self.sent = 0

    async def initialize(self) -> None: ...

    async def shutdown(self) -> None: ...

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        if endpoint == "getMe":
            result: Any = {"id": 1, "is_bot": True, "first_name": "bench", "username": "bench_bot"}
        elif endpoint == "sendMessage":
            self.sent += 1
            params = request_data.parameters if request_data else {}
            result = {
                "message_id": self.sent,
                "date": int(time.time()),
                "text": params.get("text", ""),
                "chat": {"id": params.get("chat_id"), "type": "private"},
            }
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()


def _update_json(n: int) -> dict[str, Any]:
    return {
        "update_id": n,
        "message": {
            "message_id": n,
            "date": int(time.time()),
            "text": f"hello {n}",
            "chat": {"id": 1000 + n % 50, "type": "private"},
            "from": {"id": 1000 + n % 50, "is_bot": False, "first_name": "rep"},
        },
    }


async def bench_ptb_echo(n: int, *, from_json: bool = False) -> list[Lap]:
    """PTB's Application and Message.reply_text; with `from_json` the Update is parsed inside the timing too,
    as our Telegram path does (TelegramChannel.process gets the webhook's JSON)."""
    api = LocalBotApi()
    app = Application.builder().token("1:bench").request(api).get_updates_request(LocalBotApi()).build()

    async def echo(update: Update, _context: Any) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "")

    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize()
    raw = [_update_json(i) for i in range(n)]
    updates = [Update.de_json(data, app.bot) for data in raw]
    times = []
    for data, update in zip(raw, updates, strict=True):
        c0, t0 = time.process_time(), time.perf_counter()
        await app.process_update(Update.de_json(data, app.bot) if from_json else update)
        times.append(_lap(t0, c0))
    await app.shutdown()
    assert api.sent == n
    return times


@contextmanager
def fresh_database(server: str | None = None, synchronous: str = "full") -> Iterator[str]:
    """An empty database: a SQLite file in a temporary folder, or a new schema on a PostgreSQL server."""
    if not server:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db" + ("" if synchronous == "full" else f"?synchronous={synchronous}")
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{server}{'&' if '?' in server else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _seeded_app(url: str, customers: int) -> tuple[Any, list[str]]:
    """Ten reps sharing `customers` customers, in the empty database at `url`."""
    settings = settings_from({}, env={})
    clock = FrozenClock(datetime(2026, 3, 11, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    app = build(settings, clock=clock, database_url=url)
    names = [f"客户{i:04d}" for i in range(customers)]
    reps = [{"handle": f"rep{i}", "name": f"rep{i}", "role": "rep", "team": "east"} for i in range(10)]
    owned = [{"name": name, "owner": f"rep{i % 10}"} for i, name in enumerate(names)]
    app.seed_data({"timezone": "Asia/Shanghai", "users": reps, "customers": owned})
    return app, names


def _visit(i: int, names: list[str]) -> tuple[int, str, str]:
    """The i-th message: which rep (0-9) sends it, about which of their customers, in which words."""
    rep = i % 10
    customer = names[(i * 10 + rep) % len(names)]
    return rep, customer, SENTENCES[i % len(SENTENCES)].format(c=customer)


def bench_log_visit(
    n: int, customers: int, server: str | None = None, synchronous: str = "full", warmup: int = WARMUP
) -> list[Lap]:
    """Router, handler, service and the database: what every channel pays per message."""
    with fresh_database(server, synchronous) as url:
        app, names = _seeded_app(url, customers)
        times = []
        for i in range(-warmup, n):
            rep, customer, text = _visit(i, names)
            incoming = Incoming(
                platform="console", chat_id=f"rep{rep}", sender_id=f"rep{rep}", text=text, update_id=f"bench-{i}"
            )
            c0, t0 = time.process_time(), time.perf_counter()
            replies = app.router.handle(incoming)
            times.append(_lap(t0, c0))
            assert replies and customer in replies[0].text, replies
        app.close()
        return times[warmup:]


async def bench_telegram_log_visit(
    n: int, customers: int, server: str | None = None, synchronous: str = "full", warmup: int = WARMUP
) -> list[Lap]:
    """The whole Telegram path: update JSON in, PTB, router, service, database, the sendMessage request out."""
    from salesbot.channels.telegram import TelegramChannel

    with fresh_database(server, synchronous) as url:
        app, names = _seeded_app(url, customers)
        _link_telegram_accounts(app)
        api = LocalBotApi()
        channel = TelegramChannel(token="1:bench", router=app.router, request=api)
        await channel.start()
        times = []
        for i in range(-warmup, n):
            rep, _customer, text = _visit(i, names)
            user = {"id": 1000 + rep, "is_bot": False, "first_name": f"rep{rep}"}
            data = {
                "update_id": i + warmup + 1,
                "message": {
                    "message_id": i + warmup + 1,
                    "date": int(time.time()),
                    "text": text,
                    "chat": {"id": 1000 + rep, "type": "private"},
                    "from": user,
                },
            }
            before = api.sent
            c0, t0 = time.process_time(), time.perf_counter()
            await channel.process(data)
            times.append(_lap(t0, c0))
            assert api.sent == before + 1, "one reply per visit"
        await channel.stop()
        app.close()
        return times[warmup:]


def _link_telegram_accounts(app: Any) -> None:
    from salesbot.services import users

    with app.uow() as uow:
        for rep in range(10):
            users.link_identity(
                uow, user_id=users.by_handle(uow, f"rep{rep}").id, platform="telegram", platform_user_id=str(1000 + rep)
            )
        uow.commit()


def _lap(t0: float, c0: float) -> Lap:
    return time.perf_counter() - t0, time.process_time() - c0


def _p99(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.99) - 1]


def summary(name: str, laps: list[Lap]) -> dict[str, float]:
    """Throughput and wall-clock percentiles, and the CPU time (every thread of the process) a message took:
    on a shared machine the wall clock also counts the time our threads waited for a CPU, the CPU time not."""
    times = [wall for wall, _cpu in laps]
    cpu = [cpu for _wall, cpu in laps]
    out = {
        "msgs_per_s": len(times) / sum(times),
        "p50_ms": statistics.median(times) * 1000,
        "p99_ms": _p99(times) * 1000,
        "cpu_p50_ms": statistics.median(cpu) * 1000,
        "cpu_p99_ms": _p99(cpu) * 1000,
    }
    print(
        f"{name:<48} {out['msgs_per_s']:>6.0f} msg/s   p50 {out['p50_ms']:6.2f}   p99 {out['p99_ms']:6.2f} ms"
        f"   CPU p50 {out['cpu_p50_ms']:5.2f}   p99 {out['cpu_p99_ms']:5.2f} ms"
    )
    return out


def _measure(fn: Callable[[], object], n: int = 1000) -> tuple[float, float, float]:
    """(mean, p50, p99) of `fn` in milliseconds, after a few untimed calls."""
    for _ in range(10):
        fn()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    ordered = sorted(times)
    return statistics.mean(times) * 1000, ordered[n // 2] * 1000, ordered[int(n * 0.99) - 1] * 1000


def _line(label: str, figures: tuple[float, float, float]) -> float:
    mean, p50, p99 = figures
    print(f"  {label:<62} mean {mean:6.3f}  p50 {p50:6.3f}  p99 {p99:6.3f} ms")
    return p50


def _sqlite_floor(folder: str) -> dict[str, float]:
    """What SQLite itself costs a transaction, through the driver alone and through our engine and session."""
    import sqlite3

    from salesbot.store.db import make_engine

    found = {}
    for sync in SYNCHRONOUS:
        conn = sqlite3.connect(f"{folder}/floor-{sync}.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={sync}")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT, v TEXT)")

        def empty(conn: sqlite3.Connection = conn) -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("COMMIT")

        def one_row(conn: sqlite3.Connection = conn) -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t (at, v) VALUES (?, ?)", ("2026-03-11 02:00:00", "x" * 200))
            conn.execute("COMMIT")

        found[f"sqlite_empty_{sync}"] = _line(f"sqlite3, synchronous={sync}: BEGIN IMMEDIATE; COMMIT", _measure(empty))
        found[f"sqlite_row_{sync}"] = _line(
            f"sqlite3, synchronous={sync}: BEGIN; 1-row INSERT; COMMIT", _measure(one_row)
        )
        conn.close()
        engine = make_engine(f"sqlite:///{folder}/floor-{sync}.db?synchronous={sync}")
        found[f"sa_row_{sync}"] = _line(f"our engine+session, {sync}: 1-row INSERT; COMMIT", _session_row(engine))
        found[f"sa_stmt_{sync}"] = _line("our engine: one more statement (Core select by key)", _statement(engine))
        engine.dispose()
    return found


def _session_row(engine: Any) -> tuple[float, float, float]:
    from salesbot.store.db import make_session_factory

    factory = make_session_factory(engine)
    insert = text("INSERT INTO t (at, v) VALUES (:at, :v)")

    def turn() -> None:
        with factory() as session:
            session.connection().execute(insert, {"at": "2026-03-11 02:00:00", "v": "x" * 200})
            session.commit()

    return _measure(turn)


def _statement(engine: Any) -> tuple[float, float, float]:
    """A statement built once, as the hot ones in a turn are: a row by its key, two columns back."""
    from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, select

    table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("at", String), Column("v", String))
    by_key = select(table.c.at, table.c.v).where(table.c.id == bindparam("id"))
    with engine.connect() as conn:
        return _measure(lambda: conn.execute(by_key, {"id": 1}).first())


def _postgresql_floor(server: str) -> dict[str, float]:
    found = {}
    with fresh_database(server) as url:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (id SERIAL PRIMARY KEY, at TEXT, v TEXT)"))
        raw = engine.raw_connection()
        cur = raw.cursor()

        def empty() -> None:
            cur.execute("BEGIN")
            cur.execute("COMMIT")

        def one_row() -> None:
            cur.execute("BEGIN")
            cur.execute("INSERT INTO t (at, v) VALUES (%s, %s)", ("2026-03-11 02:00:00", "x" * 200))
            cur.execute("COMMIT")

        raw.driver_connection.autocommit = True  # BEGIN and COMMIT are ours, as statements
        found["pg_empty"] = _line("psycopg: BEGIN; COMMIT (two round trips)", _measure(empty))
        found["pg_row"] = _line("psycopg: BEGIN; 1-row INSERT; COMMIT (WAL flush)", _measure(one_row))
        raw.close()
        found["pg_sa_row"] = _line("our engine+session: 1-row INSERT; COMMIT", _session_row(engine))
        found["pg_sa_stmt"] = _line("our engine: one more statement (Core select by key)", _statement(engine))
        engine.dispose()
    return found


async def _hop() -> tuple[float, float, float]:
    """asyncio.to_thread, as TelegramChannel hands a turn to a thread, with a function that does nothing."""
    for _ in range(10):
        await asyncio.to_thread(int)
    times = []
    for _ in range(1000):
        t0 = time.perf_counter()
        await asyncio.to_thread(int)
        times.append(time.perf_counter() - t0)
    ordered = sorted(times)
    return statistics.mean(times) * 1000, ordered[500] * 1000, ordered[989] * 1000


def floor(server: str | None) -> None:
    """The parts of a turn no code of ours can remove, and what they mean for "half the echo's throughput"."""
    asyncio.run(bench_ptb_echo(1000))
    echo = statistics.mean(wall for wall, _cpu in asyncio.run(bench_ptb_echo(2000))) * 1000
    print(f"  {'python-telegram-bot echo, per message':<62} mean {echo:6.3f} ms")
    hop = _line("asyncio.to_thread hop (no work)", asyncio.run(_hop()))
    with tempfile.TemporaryDirectory() as folder:
        found = _sqlite_floor(folder)
    if server:
        found |= _postgresql_floor(server)
    budget = echo  # 0.5x the echo's throughput = 2 x its time; our path already does all the echo does
    print(
        f"\nhalf the echo's throughput leaves {budget:.3f} ms a message beyond what the echo does (PTB in, "
        "one sendMessage out).\nAgainst it, p50s just measured, each paid once a turn:"
    )
    against = {
        "the durable commit on SQLite (synchronous=full: an fsync)": found["sqlite_row_full"],
        "the commit on SQLite with synchronous=normal (no fsync)": found["sqlite_row_normal"],
        "the durable commit on PostgreSQL (WAL flush + round trips)": found.get("pg_row"),
        "the thread hop that keeps the event loop free": hop,
        "~11 SQLAlchemy statements a turn, at the cheapest one measured": 11 * found["sa_stmt_full"],
    }
    laps = bench_log_visit(300, 200, None, "normal")
    against["a whole turn (handler path, synchronous=normal), CPU time"] = (
        statistics.median(cpu for _wall, cpu in laps) * 1000
    )
    for what, ms in against.items():
        if ms is not None:
            print(f"  {what:<62} {ms:6.3f} ms = {ms / budget:5.1f}x the budget")


PATHS = (
    ("echo", "python-telegram-bot echo (baseline)"),
    ("echo_json", "  the same, Update parsed from JSON in the timing"),
    ("handler", "salesbot log a visit (handler path)"),
    ("telegram", "  the same over Telegram (PTB in/out)"),
)


def one_run(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    sync = args.synchronous
    runs: dict[str, Callable[[], list[Lap]]] = {
        "echo": lambda: asyncio.run(bench_ptb_echo(args.messages)),
        "echo_json": lambda: asyncio.run(bench_ptb_echo(args.messages, from_json=True)),
        "handler": lambda: bench_log_visit(args.messages, args.customers, args.database_url, sync),
        "telegram": lambda: asyncio.run(
            bench_telegram_log_visit(args.messages, args.customers, args.database_url, sync)
        ),
    }
    results = {key: summary(label, runs[key]()) for key, label in PATHS}
    baseline = results["echo"]
    for name, key in (("handler path", "handler"), ("Telegram path", "telegram")):
        result = results[key]
        print(
            f"ratio ({name}): {result['msgs_per_s'] / baseline['msgs_per_s']:.3f}x the baseline's throughput; "
            f"p50 {result['p50_ms'] / baseline['p50_ms']:.1f}x, p99 {result['p99_ms'] / baseline['p99_ms']:.1f}x "
            "its latency"
        )
    return results


METRICS = (
    ("msgs_per_s", "msg/s", "{:.0f}"),
    ("p50_ms", "p50", "{:.2f}"),
    ("p99_ms", "p99", "{:.2f}"),
    ("cpu_p99_ms", "CPU p99", "{:.2f}"),
)


def print_medians(all_runs: list[dict[str, dict[str, float]]]) -> None:
    """Median and range of each figure over the runs: the machine is shared, one run proves little."""
    print(f"\nover {len(all_runs)} runs: median [min-max]")
    for key, label in PATHS:
        cells = []
        for metric, name, fmt in METRICS:
            values = [run[key][metric] for run in all_runs]
            middle, low, high = (fmt.format(v) for v in (statistics.median(values), min(values), max(values)))
            cells.append(f"{name} {middle} [{low}-{high}]")
        print(f"{label.strip():<48} " + "   ".join(cells))
    ratios = [run["telegram"]["msgs_per_s"] / run["echo"]["msgs_per_s"] for run in all_runs]
    print(f"ratio (Telegram path / echo): median {statistics.median(ratios):.3f} [{min(ratios):.3f}-{max(ratios):.3f}]")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--database-url", help="a PostgreSQL server to run our paths on (default: a SQLite file)")
    parser.add_argument("--synchronous", choices=SYNCHRONOUS, default="full", help="SQLite's durability (see store/db)")
    parser.add_argument("--runs", type=int, default=1, help="repeat the whole comparison, then print medians")
    parser.add_argument("--floor", action="store_true", help="measure the cost of the parts no turn can avoid instead")
    args = parser.parse_args(argv)
    if args.floor:
        floor(args.database_url)
        return
    print(f"our paths on {'PostgreSQL' if args.database_url else f'SQLite, synchronous={args.synchronous}'}")
    asyncio.run(bench_ptb_echo(args.messages))  # warm-up: imports, first-call costs
    all_runs = []
    for n in range(args.runs):
        if args.runs > 1:
            print(f"-- run {n + 1} of {args.runs}")
        all_runs.append(one_run(args))
    if args.runs > 1:
        print_medians(all_runs)


if __name__ == "__main__":
    main()
