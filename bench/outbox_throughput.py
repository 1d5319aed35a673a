"""Outbox throughput against Telegram's flood limits: how close the dispatcher gets to 30 messages/s, and whether
it ever oversteps.

10,000 queued notifications (`--messages`) to 500 private chats and 10 groups go through the real dispatcher,
python-telegram-bot and a SQLite file, to the fake Bot API server (tests/fakes/telegram_api.py, aiohttp on
127.0.0.1, in a process of its own so the two do not share an event loop). The server enforces Telegram's limits
in their strictest reading: at most 30 accepted sends in any second overall, 1 in any second per private chat,
20 in any minute per group; over that it answers 429 with retry_after, as Telegram does, and counts it. Each
group gets one message in 500 (a digest is rarer than a reminder): at 20 a minute a group could not take more
in the time the overall limit needs anyway. The baseline is the ceiling itself: 30 messages/s.

Run:
    .venv/bin/python bench/outbox_throughput.py                # the full run: 10,000 messages, about 6 minutes
    .venv/bin/python bench/outbox_throughput.py --scale 10     # every limit 10x faster: the same shape in ~35 s
    .venv/bin/python bench/outbox_throughput.py --messages 2000 --order by-chat   # a chat's messages queued together

`--scale` multiplies the server's limits and the dispatcher's (its `[outbox] rate_scale`) alike. `--order
by-chat` queues each chat's messages one after the other (the case where one busy chat could hold up the rest);
the default interleaves them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from salesbot.bootstrap import App, build  # noqa: E402
from salesbot.channels.telegram import TelegramChannel  # noqa: E402
from salesbot.clock import SystemClock  # noqa: E402
from salesbot.config import settings_from  # noqa: E402
from salesbot.handlers.notifications import renderer  # noqa: E402
from salesbot.scheduler.dispatcher import Dispatcher  # noqa: E402
from salesbot.services import delivery, outbox, users  # noqa: E402
from salesbot.store.models import Group, OutboxMessage  # noqa: E402

TOKEN = "123456:TEST-TOKEN"  # the fake server's
PRIVATE_CHATS = 500
GROUPS = 10
CEILING = 30.0  # Telegram: messages a second per bot


def targets(messages: int, order: str) -> list[tuple[str, int]]:
    """Who each message goes to: ("user"|"group", index). Groups get one message in 500, spread evenly."""
    per_group = messages // 500
    to_groups = [("group", n % GROUPS) for n in range(per_group * GROUPS)]  # round robin: g0, g1, … g9, g0, …
    to_users = [("user", i % PRIVATE_CHATS) for i in range(messages - len(to_groups))]
    if order == "by-chat":
        return sorted(to_users) + sorted(to_groups)
    mixed: list[tuple[str, int]] = list(to_users)
    step = len(mixed) // max(1, len(to_groups)) or 1
    for n, target in enumerate(to_groups):
        mixed.insert(n * (step + 1), target)
    return mixed


def prepare(url: str, messages: int, order: str, scale: float) -> App:
    settings = settings_from({"outbox": {"rate_scale": scale}}, env={})
    app = build(settings, clock=SystemClock(), database_url=url)
    reps = [{"handle": f"rep{i}", "name": f"rep{i}", "role": "rep", "team": "east"} for i in range(PRIVATE_CHATS)]
    groups = [{"handle": f"g{i}", "name": f"group {i}", "team": "east"} for i in range(GROUPS)]
    app.seed_data({"timezone": "Asia/Shanghai", "users": reps, "groups": groups})
    with app.uow() as uow:
        user_ids = [users.by_handle(uow, f"rep{i}").id for i in range(PRIVATE_CHATS)]
        for i, user_id in enumerate(user_ids):
            users.link_identity(uow, user_id=user_id, platform="telegram", platform_user_id=str(10_000 + i))
        group_ids = []
        for i in range(GROUPS):
            group_ids.append(uow.session.scalar(select(Group.id).where(Group.handle == f"g{i}")))
            uow.session.execute(
                update(Group)
                .where(Group.handle == f"g{i}")
                .values(platform="telegram", platform_chat_id=str(-1_000_000_000_000 - i))
            )
        for n, (kind, index) in enumerate(targets(messages, order)):
            params = {"customer": f"m{n}", "next_step": "", "visited_on": "2026-03-10"}
            if kind == "user":
                outbox.notify_user(uow, user_ids[index], "reminder.follow_up", params, dedupe_key=f"bench:{n}")
            else:
                outbox.notify_group(uow, group_ids[index], "reminder.follow_up", params, dedupe_key=f"bench:{n}")
        uow.commit()
    return app


async def deliver(app: App, base_url: str) -> float:
    """Drain until every row is sent (a 429's retry comes due later); returns the seconds it took."""
    channel = TelegramChannel(token=TOKEN, router=app.router, base_url=base_url)
    await channel.start()
    dispatcher = Dispatcher(app.uow, {"telegram": channel}, renderer(app.settings))
    t0 = time.perf_counter()
    while True:
        await dispatcher.drain()
        with app.uow() as uow:
            due = delivery.next_due(uow)
        if due is None:
            break
        await asyncio.sleep(max(0.0, (due - app.clock.now()).total_seconds()))
    elapsed = time.perf_counter() - t0
    await channel.stop()
    return elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--scale", type=float, default=1.0, help="every limit this many times faster (default 1)")
    parser.add_argument("--order", choices=("interleaved", "by-chat"), default="interleaved")
    args = parser.parse_args(argv)
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.telegram_api", "--limits", "--scale", str(args.scale)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdin is not None and server.stdout is not None
    try:
        base_url = server.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as tmp:
            app = prepare(f"sqlite:///{tmp}/bench.db", args.messages, args.order, args.scale)
            elapsed = asyncio.run(deliver(app, base_url))
            with app.uow() as uow:
                states = dict(
                    uow.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all()
                )
            app.close()
        server.stdin.close()
        stats: dict[str, Any] = json.loads(server.stdout.readline())
    finally:
        server.wait(timeout=30)
    ceiling = CEILING * args.scale
    rate = args.messages / elapsed
    span = stats["last"] - stats["first"]
    server_rate = (stats["accepted"] - 1) / span if span > 0 else float("nan")
    print(
        f"{args.messages} messages to {PRIVATE_CHATS} private chats and {GROUPS} groups ({args.order}), "
        f"limits x{args.scale:g}: ceiling {ceiling:g} msg/s"
    )
    print(f"rows: {states}; the server accepted {stats['accepted']} sends")
    took = timedelta(seconds=round(elapsed))
    print(f"dispatcher: {rate:.1f} msg/s over {took} = {rate / ceiling:.1%} of the ceiling")
    print(f"server, first to last accepted send: {server_rate:.1f} msg/s = {server_rate / ceiling:.1%} of the ceiling")
    by_limit = ", ".join(f"{limit} {n}" for limit, n in sorted(stats["too_many_by"].items()))
    print(f"429 Too Many Requests: {stats['too_many']}" + (f" (limit gone over: {by_limit})" if by_limit else ""))
    print(f"accepted per 10 s (server): {stats['per_10s']}")


if __name__ == "__main__":
    main()
