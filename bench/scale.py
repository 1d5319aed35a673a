"""Scale figures (issue 10): several `salesbot run` workers, and several outbox dispatchers, on PostgreSQL.

workers  "log a visit" through 1, 2 and 4 `salesbot run` processes on one PostgreSQL database, in Telegram webhook
         mode: a load balancer of ours (tests/fleet.py) posts the updates round robin, each worker answers the rep
         with a sendMessage to the fake Bot API (tests/fakes/telegram_api.py, a process of its own). Updates/s and
         the POST's p50/p99 (webhook in to reply out) with a fixed number of updates in flight, as ratios against
         the 1-worker figure of the same round; and where the CPU went, per update, by process (the workers, the
         fake Bot API, the run database's PostgreSQL backends and the WAL writer, this driver), and how much of the
         machine other tenants took meanwhile (a run they took more than a fifth of is done again, twice at most).
outbox   queued notifications through 1, 2 (and 4) Dispatcher instances, each in a process of its own, on one
         database. Measured directly, not through `salesbot run`, where only the leader dispatches: that is the
         honest way to ask what a second dispatcher would add. Twice: under Telegram's limits (the fake enforces
         them and counts 429s; `--outbox-scale` makes them faster), and unpaced (what the dispatchers can do).

The big book (1,000 reps, 100,000 customers, who owes us and digests) is bench/big_book.py.

Run: .venv/bin/python bench/scale.py [workers] [outbox] [--rounds N] [--database-url postgresql+psycopg://…]
(both by default; the server defaults to $SALESBOT_TEST_DATABASE_URL, else the local one; each run makes a
database of its own there and drops it).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import fleet  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TICK = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


# ---------------------------------------------------------------------------------------------------- CPU accounting


def _cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) a live process has used; 0 for one that is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _postgres_pids(database: str) -> list[int]:
    """The backends serving `database`, and the server's own WAL writer, checkpointer and background writer."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres:") and (
            f" {database} " in title or any(k in title for k in ("walwriter", "checkpointer", "background writer"))
        ):
            found.append(int(entry.name))
    return found


def _machine() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine since boot, every core and every tenant."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields) - idle) / TICK, sum(fields) / TICK


class CpuMeter:
    """CPU seconds by role between `start()` and `stop()`, and what the rest of the machine used meanwhile
    ("others": the machine is shared, and another tenant's load takes cores our processes would have had)."""

    def __init__(self, roles: dict[str, Any]) -> None:
        self._roles = roles  # role -> a callable giving its pids now
        self._before: dict[str, dict[int, float]] = {}
        self.used: dict[str, float] = {}

    def _read(self) -> dict[str, dict[int, float]]:
        return {role: {pid: _cpu(pid) for pid in pids()} for role, pids in self._roles.items()}

    def start(self) -> None:
        self._before = self._read()
        self._driver = time.process_time()
        self._machine = _machine()

    def stop(self) -> None:
        after = self._read()
        for role, pids in after.items():
            before = self._before.get(role, {})
            self.used[role] = sum(now - before.get(pid, 0.0) for pid, now in pids.items())
        self.used["driver"] = time.process_time() - self._driver
        busy, total = (now - then for now, then in zip(_machine(), self._machine, strict=True))
        self.others = max(0.0, busy - sum(self.used.values()))
        self.machine_busy = busy / total if total else 0.0


# ---------------------------------------------------------------------------------------------------- (a) workers

VISIT = "今天拜访了{customer},见了采购,下周二再跟进"
QUIET = 0.2  # the share of the machine other tenants may take during a run before it is done again


async def _drive(workers: list[fleet.Worker], team: fleet.Team, first: int, count: int, in_flight: int) -> list[float]:
    """Post `count` visits (update ids from `first`) through the balancer, `in_flight` at a time; POST seconds."""
    reps = list(team.reps.items())
    latencies: list[float] = []
    queue = iter(range(first, first + count))

    async def client(lb: fleet.Balancer) -> None:
        for n in queue:
            rep, telegram_id = reps[n % len(reps)]
            names = team.customers[rep]
            text = VISIT.format(customer=names[(n // len(reps)) % len(names)])
            _worker, seconds = await lb.post(fleet.text_update(n, user_id=telegram_id, text=text))
            latencies.append(seconds)

    async with fleet.Balancer(workers) as lb:
        await asyncio.gather(*(client(lb) for _ in range(in_flight)))
    return latencies


def workers_run(server: str, count: int, *, updates: int, warmup: int, in_flight: int) -> dict[str, float]:
    team, team_toml = fleet.make_team(teams=2, reps_per_team=25, customers_per_rep=10)
    with (
        tempfile.TemporaryDirectory() as tmp,
        fleet.fresh_database(server, prefix="salesbot_bench") as url,
        fleet.FakeBotApiProcess(record=False) as api,
    ):
        folder = Path(tmp)
        fleet.prepare(url, folder, team, team_toml)
        workers = fleet.start_workers(count, database_url=url, bot_api_url=api.url, folder=folder)
        database = url.rsplit("/", 1)[1].split("?")[0]
        try:
            asyncio.run(fleet.wait_ready(workers))
            asyncio.run(_drive(workers, team, 1, warmup, in_flight))  # statements compiled, pools filled
            meter = CpuMeter(
                {
                    "workers": lambda: [w.process.pid for w in workers],
                    "fake Bot API": lambda: [api.pid],
                    "PostgreSQL": lambda: _postgres_pids(database),
                }
            )
            meter.start()
            started = time.perf_counter()
            latencies = asyncio.run(_drive(workers, team, warmup + 1, updates, in_flight))
            elapsed = time.perf_counter() - started
            meter.stop()
        finally:
            fleet.stop_workers(workers)
        accepted = api.finish()["accepted"]
    assert accepted == warmup + updates, f"{accepted} replies for {warmup + updates} updates"
    latencies.sort()
    result = {
        "rate": updates / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "ours": sum(meter.used.values()) / (elapsed * CORES),
        "others": meter.others / (elapsed * CORES),
    }
    result |= {f"cpu:{role}": seconds / updates * 1000 for role, seconds in meter.used.items()}
    return result


def workers_part(args: argparse.Namespace) -> None:
    counts = (1, 2, 4)
    print(
        f"== workers: 'log a visit' over Telegram webhooks, {args.updates} updates a run ({args.warmup} untimed "
        f"first), {args.in_flight} in flight, {CORES} cores, {args.rounds} round(s)"
    )
    rounds: list[dict[int, dict[str, float]]] = []
    for r in range(args.rounds):
        order = counts if r % 2 == 0 else tuple(reversed(counts))  # alternate, so drift in the machine's load evens out
        runs = {}
        for count in order:
            # The machine is shared: a run during which other tenants took more than a fifth of it is done again
            # (twice at most), and the quietest of the tries is kept.
            tries = []
            while len(tries) < 3 and (not tries or tries[-1]["others"] > QUIET):
                tries.append(
                    workers_run(
                        args.database_url, count, updates=args.updates, warmup=args.warmup, in_flight=args.in_flight
                    )
                )
            runs[count] = f = min(tries, key=lambda t: t["others"])
            print(
                f"  round {r + 1}, {count} worker(s): {f['rate']:6.0f} updates/s   p50 {f['p50']:6.1f} ms   "
                f"p99 {f['p99']:6.1f} ms   CPU: ours {f['ours']:.0%}, other tenants {f['others']:.0%}"
                f"{f' (quietest of {len(tries)} tries)' if len(tries) > 1 else ''}"
            )
        rounds.append(runs)
    print("medians over the rounds; ratios against 1 worker in the same round:")
    for count in counts:
        f = {key: statistics.median(run[count][key] for run in rounds) for key in rounds[0][count]}
        ratio = statistics.median(run[count]["rate"] / run[1]["rate"] for run in rounds)
        cpu = "  ".join(f"{k.removeprefix('cpu:')} {v:.2f}" for k, v in f.items() if k.startswith("cpu:"))
        print(
            f"  {count} worker(s): {f['rate']:6.0f} updates/s = {ratio:4.2f}x   p50 {f['p50']:6.1f} ms   "
            f"p99 {f['p99']:6.1f} ms   CPU: ours {f['ours']:.0%}, others {f['others']:.0%}; ms per update: {cpu}"
        )
        most = _ceiling(f, count)
        print(f"      = {f['rate'] / most:.0%} of the most these cores allow ({most:.0f}/s)")
    print(
        "  (the most: a worker is one process, so n workers do at most n cores' worth of their CPU per update; and\n"
        "   all of it, PostgreSQL, the fake and this driver included, shares the cores other tenants left. When\n"
        "   2 workers reach close to 100% of that while each update costs them what it cost one, the workers\n"
        "   scale linearly and the machine is the limit.)"
    )


def _ceiling(f: dict[str, float], workers: int) -> float:
    """Updates/s the machine allows: the workers' CPU per update spread over at most `workers` cores, and everyone's
    CPU per update over the cores the other tenants left."""
    per_update = {k.removeprefix("cpu:"): v / 1000 for k, v in f.items() if k.startswith("cpu:")}
    cores_left = CORES * (1 - f["others"])
    return min(workers / per_update["workers"], cores_left / sum(per_update.values()))


# ---------------------------------------------------------------------------------------------------- (b) outbox


def _dispatcher_child(url: str, base_url: str, scale: float) -> None:
    """One dispatcher in a process of its own (`scale.py _dispatcher URL BOT_API SCALE`): says "ready", waits for a
    line on stdin, then drains until no row is pending, and prints how many rows it tried."""
    from sqlalchemy import func, select

    from salesbot.bootstrap import build
    from salesbot.channels.telegram import TelegramChannel
    from salesbot.clock import SystemClock
    from salesbot.config import settings_from
    from salesbot.handlers.notifications import renderer
    from salesbot.scheduler.dispatcher import Dispatcher
    from salesbot.store.models import OutboxMessage

    logging.basicConfig(level=logging.ERROR)  # the 429s are counted by the fake; each one's warning is noise here
    settings = settings_from({"outbox": {"rate_scale": scale}}, env={})
    app = build(settings, clock=SystemClock(), database_url=url, migrate=False)

    async def run() -> int:
        channel = TelegramChannel(token=fleet.TOKEN, router=app.router, base_url=base_url)
        await channel.start()
        dispatcher = Dispatcher(app.uow, {"telegram": channel}, renderer(settings))
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        tried = 0
        while True:
            tried += await dispatcher.drain()
            with app.uow() as uow:
                pending = uow.session.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "pending")
                )
            if not pending:
                break
            await asyncio.sleep(0.1)  # rows another dispatcher holds, or a retry not yet due
        await channel.stop()
        return tried

    print(asyncio.run(run()), flush=True)
    app.close()


def outbox_run(server: str, dispatchers: int, *, messages: int, scale: float, limits: bool) -> dict[str, float]:
    import subprocess

    from bench import outbox_throughput

    with (
        fleet.fresh_database(server, prefix="salesbot_bench") as url,
        fleet.FakeBotApiProcess(limits_scale=scale if limits else None, record=False) as api,
    ):
        outbox_throughput.prepare(url, messages, "interleaved", scale).close()
        children = [
            subprocess.Popen(
                [sys.executable, __file__, "_dispatcher", url, api.url, str(scale)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(dispatchers)
        ]
        for child in children:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        database = url.rsplit("/", 1)[1].split("?")[0]
        meter = CpuMeter(
            {
                "dispatchers": lambda: [c.pid for c in children],
                "fake Bot API": lambda: [api.pid],
                "PostgreSQL": lambda: _postgres_pids(database),
            }
        )
        meter.start()
        started = time.perf_counter()
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        tried = []
        for child in children:
            assert child.stdout is not None
            tried.append(int(child.stdout.readline()))
        elapsed = time.perf_counter() - started
        meter.stop()
        for child in children:
            child.wait()
        stats = api.finish()
    return {
        "cpu": sum(v for k, v in meter.used.items() if k != "driver") / messages * 1000,
        "others": meter.others / (elapsed * CORES),
        "rate": messages / elapsed,
        "accepted": stats["accepted"],
        "too_many": stats["too_many"],
        "share": min(tried) / max(tried),
    }


def outbox_part(args: argparse.Namespace) -> None:
    scale = args.outbox_scale
    print(
        f"== outbox: {args.messages} notifications to 500 private chats and 10 groups, Dispatcher instances in "
        "processes of their own on one PostgreSQL database (not `salesbot run`: there only the leader dispatches)"
    )
    for limits, counts, what in (
        (True, (1, 2), f"Telegram's limits x{scale:g} (ceiling {30 * scale:g}/s), enforced by the fake"),
        (False, (1, 2, 4), "unpaced (rate_scale 1000, the fake takes everything): what the dispatchers can do"),
    ):
        print(f"  {what}:")
        runs = {
            n: outbox_run(args.database_url, n, messages=args.messages, scale=scale if limits else 1000, limits=limits)
            for n in counts
        }
        for n, f in runs.items():
            print(
                f"    {n} dispatcher(s): {f['rate']:6.0f} messages/s = {f['rate'] / runs[1]['rate']:4.2f}x   "
                f"429s {f['too_many']}   accepted {f['accepted']}   busiest/idlest {f['share']:.2f}   "
                f"CPU {f['cpu']:.1f} ms a message (dispatchers, fake, PostgreSQL), other tenants {f['others']:.0%}"
            )


# ---------------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("parts", nargs="*", choices=("workers", "outbox"), default=[])
    parser.add_argument("--database-url", default=os.environ.get("SALESBOT_TEST_DATABASE_URL", DEFAULT_SERVER))
    parser.add_argument("--updates", type=int, default=3000, help="workers: timed updates a run")
    parser.add_argument("--warmup", type=int, default=300, help="workers: untimed updates first")
    parser.add_argument("--in-flight", type=int, default=16, help="workers: updates in flight at once")
    parser.add_argument("--rounds", type=int, default=2, help="workers: repeat 1, 2, 4 workers this many times")
    parser.add_argument("--messages", type=int, default=3000, help="outbox: notifications a run")
    parser.add_argument(
        "--outbox-scale", type=float, default=10, help="outbox: Telegram's limits this many times faster"
    )
    if argv is None and sys.argv[1:2] == ["_dispatcher"]:
        _dispatcher_child(sys.argv[2], sys.argv[3], float(sys.argv[4]))
        return
    args = parser.parse_args(argv)
    parts = args.parts or ["workers", "outbox"]
    if "workers" in parts:
        workers_part(args)
    if "outbox" in parts:
        outbox_part(args)


if __name__ == "__main__":
    main()
