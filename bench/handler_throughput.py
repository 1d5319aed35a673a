"""Messages per second and p50/p99 for "log a visit" (handler + service + SQLite), beside a bare
python-telegram-bot echo handler measured in the same run, on the same machine.

The baseline runs PTB's real Application and Message.reply_text over a request object that answers the
Bot API in-process (no network), so the ratio says what our stack costs per message relative to the
least a Telegram bot can do. Run: .venv/bin/python bench/handler_throughput.py [--messages N]; with
--database-url postgresql+psycopg://… our two paths run on PostgreSQL instead (in a schema made for the run).
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


def _update(n: int, bot: Any) -> Update:
    return Update.de_json(
        {
            "update_id": n,
            "message": {
                "message_id": n,
                "date": int(time.time()),
                "text": f"hello {n}",
                "chat": {"id": 1000 + n % 50, "type": "private"},
                "from": {"id": 1000 + n % 50, "is_bot": False, "first_name": "rep"},
            },
        },
        bot,
    )


async def bench_ptb_echo(n: int) -> list[float]:
    api = LocalBotApi()
    app = Application.builder().token("1:bench").request(api).get_updates_request(LocalBotApi()).build()

    async def echo(update: Update, _context: Any) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "")

    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize()
    updates = [_update(i, app.bot) for i in range(n)]
    times = []
    for update in updates:
        t0 = time.perf_counter()
        await app.process_update(update)
        times.append(time.perf_counter() - t0)
    await app.shutdown()
    assert api.sent == n
    return times


@contextmanager
def fresh_database(server: str | None = None) -> Iterator[str]:
    """An empty database: a SQLite file in a temporary folder, or a new schema on a PostgreSQL server."""
    if not server:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
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


def bench_log_visit(n: int, customers: int, server: str | None = None) -> list[float]:
    """Router, handler, service and the database: what every channel pays per message."""
    with fresh_database(server) as url:
        app, names = _seeded_app(url, customers)
        times = []
        for i in range(n):
            rep, customer, text = _visit(i, names)
            incoming = Incoming(
                platform="console", chat_id=f"rep{rep}", sender_id=f"rep{rep}", text=text, update_id=f"bench-{i}"
            )
            t0 = time.perf_counter()
            replies = app.router.handle(incoming)
            times.append(time.perf_counter() - t0)
            assert replies and customer in replies[0].text, replies
        app.close()
        return times


async def bench_telegram_log_visit(n: int, customers: int, server: str | None = None) -> list[float]:
    """The whole Telegram path: update JSON in, PTB, router, service, database, the sendMessage request out."""
    from salesbot.channels.telegram import TelegramChannel
    from salesbot.services import users

    with fresh_database(server) as url:
        app, names = _seeded_app(url, customers)
        with app.uow() as uow:
            for rep in range(10):
                users.link_identity(
                    uow,
                    user_id=users.by_handle(uow, f"rep{rep}").id,
                    platform="telegram",
                    platform_user_id=str(1000 + rep),
                )
            uow.commit()
        api = LocalBotApi()
        channel = TelegramChannel(token="1:bench", handle=app.router.handle, request=api)
        await channel.start()
        times = []
        for i in range(n):
            rep, _customer, text = _visit(i, names)
            user = {"id": 1000 + rep, "is_bot": False, "first_name": f"rep{rep}"}
            data = {
                "update_id": i + 1,
                "message": {
                    "message_id": i + 1,
                    "date": int(time.time()),
                    "text": text,
                    "chat": {"id": 1000 + rep, "type": "private"},
                    "from": user,
                },
            }
            before = api.sent
            t0 = time.perf_counter()
            await channel.process(data)
            times.append(time.perf_counter() - t0)
            assert api.sent == before + 1, "one reply per visit"
        await channel.stop()
        app.close()
        return times


def summary(name: str, times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    out = {
        "msgs_per_s": len(times) / sum(times),
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000,
    }
    print(f"{name:<44} {out['msgs_per_s']:>9.0f} msg/s   p50 {out['p50_ms']:7.2f} ms   p99 {out['p99_ms']:7.2f} ms")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--database-url", help="a PostgreSQL server to run our paths on (default: a SQLite file)")
    args = parser.parse_args(argv)
    where = "PostgreSQL" if args.database_url else "SQLite"
    run: Callable[[], list[float]] = lambda: asyncio.run(bench_ptb_echo(args.messages))  # noqa: E731
    run()  # warm-up: imports, first-call costs
    baseline = summary("python-telegram-bot echo (baseline)", run())
    ours = summary(
        f"salesbot log a visit ({args.customers} cust., {where})",
        bench_log_visit(args.messages, args.customers, args.database_url),
    )
    telegram = summary(
        "  the same over Telegram (PTB in/out)",
        asyncio.run(bench_telegram_log_visit(args.messages, args.customers, args.database_url)),
    )
    for name, result in (("handler path", ours), ("Telegram path", telegram)):
        print(
            f"ratio ({name}): {result['msgs_per_s'] / baseline['msgs_per_s']:.3f}x the baseline's throughput; "
            f"p50 {result['p50_ms'] / baseline['p50_ms']:.1f}x, p99 {result['p99_ms'] / baseline['p99_ms']:.1f}x "
            "its latency"
        )


if __name__ == "__main__":
    main()
