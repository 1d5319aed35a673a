"""Several `salesbot run` workers sharing one PostgreSQL database behind a load balancer of our own, with the fake
Bot API in a process of its own: what tests/test_workers.py and bench/scale.py drive.

    with fresh_database(server_url) as url, FakeBotApiProcess() as api:
        prepare(url, folder, team_toml(...))                 # salesbot init, salesbot seed, Telegram ids linked
        workers = start_workers(3, database_url=url, bot_api_url=api.url, folder=folder)
        await wait_ready(workers)
        async with Balancer(workers) as lb:
            await lb.post(text_update(1, user_id=10_000, text="今天拜访了客户0001"))

The balancer sends each update to the next live worker in turn; a POST that fails because its worker died goes to
the next one, as Telegram sends a webhook update again until some worker answers 2xx. `LogWatch` notes when a line
(the leader's "took the jobs lock") shows up in a worker's stderr, on our own clock, so it does not depend on the
log's format.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import aiohttp
from sqlalchemy import create_engine, make_url, text

from salesbot.channels.telegram import SECRET_HEADER, webhook_secret

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-TOKEN"  # the fake Bot API's
LEADER_LINE = "took the jobs lock: this worker runs the scheduler"  # salesbot/scheduler/leader.py, at INFO
LOST_LEADER_LINE = "lost the jobs lock's connection"
WEBHOOK_PATH = "/telegram/webhook"
WEBHOOK_URL = "https://bot.example.com" + WEBHOOK_PATH  # registered with the fake Bot API; nothing calls it
MANAGER_IDS = 5_000  # Telegram user ids: managers from here, reps from REP_IDS
REP_IDS = 10_000


@contextmanager
def fresh_database(server_url: str, prefix: str = "salesbot_w") -> Iterator[str]:
    """A new database on the PostgreSQL server of `server_url`, dropped afterwards.

    A database, not a schema: the jobs lock is an advisory lock, which PostgreSQL scopes to a database, so the
    workers of anything else running in a schema of the same database would contend for it."""
    url = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# ---------------------------------------------------------------------------------------------------- the team


@dataclass(frozen=True)
class Team:
    """Who is who in the generated team: handles, Telegram ids and the customers each rep owns."""

    managers: dict[str, int]  # handle -> Telegram id
    reps: dict[str, int]
    manager_of: dict[str, str]  # rep handle -> manager handle
    customers: dict[str, list[str]]  # rep handle -> customer names


def make_team(teams: int, reps_per_team: int, customers_per_rep: int) -> tuple[Team, str]:
    """A generated team and the TOML `salesbot seed` loads it from. Customers are 客户0000, 客户0001, …"""
    lines = ['timezone = "Asia/Shanghai"', 'currency = "CNY"', ""]
    managers, reps, manager_of, customers = {}, {}, {}, {}
    numbers = itertools.count()

    def user(handle: str, role: str, team: str) -> None:
        lines.extend(["[[users]]", f'handle = "{handle}"', f'name = "{handle}"', f'role = "{role}"'])
        lines.extend([f'team = "{team}"', 'lang = "zh"', ""])

    user("admin", "admin", "t0")
    for t in range(teams):
        manager = f"mgr{t}"
        user(manager, "manager", f"t{t}")
        managers[manager] = MANAGER_IDS + t
        for r in range(reps_per_team):
            rep = f"rep{t}x{r}"
            user(rep, "rep", f"t{t}")
            reps[rep] = REP_IDS + t * 1000 + r
            manager_of[rep] = manager
            customers[rep] = [f"客户{next(numbers):04d}" for _ in range(customers_per_rep)]
    for rep, names in customers.items():
        for name in names:
            lines.extend(["[[customers]]", f'name = "{name}"', f'owner = "{rep}"', ""])
    return Team(managers, reps, manager_of, customers), "\n".join(lines)


def prepare(database_url: str, folder: Path, team: Team, team_toml: str, config: str = "") -> dict[str, str]:
    """`salesbot init` and `salesbot seed` (the command line, as an operator would), then every Telegram id linked
    in-process (one `salesbot users link` each would take a second apiece). Returns the workers' environment."""
    from salesbot.bootstrap import build
    from salesbot.clock import SystemClock
    from salesbot.config import settings_from
    from salesbot.services import users

    (folder / "salesbot.toml").write_text(config, encoding="utf-8")
    (folder / "team.toml").write_text(team_toml, encoding="utf-8")
    env = worker_env(database_url, folder)
    for command in (["init"], ["seed", str(folder / "team.toml")]):
        subprocess.run([sys.executable, "-m", "salesbot.cli", *command], env=env, cwd=folder, check=True)
    app = build(settings_from({}, env={}), clock=SystemClock(), database_url=database_url, migrate=False)
    try:
        with app.uow() as uow:
            for handle, telegram_id in (team.managers | team.reps).items():
                user_id = users.by_handle(uow, handle).id
                users.link_identity(uow, user_id=user_id, platform="telegram", platform_user_id=str(telegram_id))
            uow.commit()
    finally:
        app.close()
    return env


def worker_env(database_url: str, folder: Path, bot_api_url: str = "", *, webhook: bool = True) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALESBOT_")}
    env |= {
        "SALESBOT_CONFIG": str(folder / "salesbot.toml"),
        "SALESBOT_DATABASE_URL": database_url,
        "SALESBOT_LOG_LEVEL": "INFO",
        "PYTHONPATH": str(ROOT),
        # The 日报 is on by default (issue 21); these runs count every message, and a run at 18:00 Shanghai time
        # must not add the reps' drafts to them.
        "SALESBOT_REPORTS_ENABLED": "false",
    }
    if bot_api_url:
        env |= {"SALESBOT_TELEGRAM_TOKEN": TOKEN, "SALESBOT_TELEGRAM_BASE_URL": bot_api_url}
        if webhook:  # else long polling
            env["SALESBOT_TELEGRAM_WEBHOOK_URL"] = WEBHOOK_URL
    return env


# ---------------------------------------------------------------------------------------------------- processes


class FakeBotApiProcess:
    """tests/fakes/telegram_api.py in a process of its own; `finish()` stops it and returns what it accepted."""

    def __init__(self, *, limits_scale: float | None = None, record: bool = True) -> None:
        args = [sys.executable, "-m", "tests.fakes.telegram_api"]
        if limits_scale is not None:
            args += ["--limits", "--scale", str(limits_scale)]
        if record:
            args.append("--record")
        self._args = args
        self.url = ""
        self._process: subprocess.Popen[str] | None = None
        self.stats: dict[str, Any] | None = None

    def __enter__(self) -> Self:
        self._process = subprocess.Popen(self._args, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()
        assert self.url.startswith("http://"), f"the fake Bot API did not start: {self.url!r}"
        return self

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def finish(self) -> dict[str, Any]:
        """Close its stdin: it prints its counts (and, recorded, every accepted sendMessage) and exits."""
        if self.stats is None:
            assert self._process is not None and self._process.stdin is not None and self._process.stdout is not None
            self._process.stdin.close()
            self.stats = json.loads(self._process.stdout.readline())
            self._process.wait(timeout=30)
        return self.stats

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.stats is None and self._process is not None:
            self._process.kill()
            self._process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Worker:
    """One `salesbot run` process; its stderr (the log) goes to a file."""

    name: str
    port: int
    log: Path
    process: subprocess.Popen[bytes]
    killed_at: float | None = None  # time.monotonic()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.killed_at is None and self.process.poll() is None

    def kill(self) -> float:
        """SIGKILL: no shutdown, no lock released, no row marked; the kernel closes its sockets."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.killed_at = time.monotonic()
        return self.killed_at

    def stop(self, timeout: float = 30) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_workers(
    count: int, *, database_url: str, bot_api_url: str, folder: Path, first: int = 1, webhook: bool = True
) -> list[Worker]:
    env = worker_env(database_url, folder, bot_api_url, webhook=webhook)
    workers = []
    for n in range(first, first + count):
        port = free_port()
        log = folder / f"worker{n}.log"
        with log.open("wb") as err:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(
                [sys.executable, "-m", "salesbot.cli", "run"],
                env=env | {"SALESBOT_SERVER_PORT": str(port)},
                cwd=folder,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        workers.append(Worker(f"worker{n}", port, log, process))
    return workers


def stop_workers(workers: Iterable[Worker]) -> None:
    for worker in workers:
        if worker.process.poll() is None:
            worker.process.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.stop()


async def wait_ready(workers: Iterable[Worker], timeout: float = 60) -> None:
    """Until each answers /healthz (its webhook route is up by then); a worker that exits fails it, with its log."""
    async with aiohttp.ClientSession() as session:
        for worker in workers:
            deadline = time.monotonic() + timeout
            while True:
                if worker.process.poll() is not None:
                    raise RuntimeError(
                        f"{worker.name} exited ({worker.process.returncode}):\n{worker.log_text()[-3000:]}"
                    )
                try:
                    async with session.get(worker.url + "/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{worker.name} not ready in {timeout}s:\n{worker.log_text()[-3000:]}")
                await asyncio.sleep(0.1)


@dataclass
class Seen:
    at: float  # time.monotonic() when the line was first read
    worker: str
    line: str


@dataclass
class LogWatch:
    """Reads the workers' logs as they grow and notes, on our clock, each line containing one of `needles`."""

    workers: list[Worker]
    needles: tuple[str, ...] = (LEADER_LINE, LOST_LEADER_LINE)
    seen: list[Seen] = field(default_factory=list)
    _files: dict[str, IO[str]] = field(default_factory=dict)
    _partial: dict[str, str] = field(default_factory=dict)

    def poll(self) -> None:
        now = time.monotonic()
        for worker in self.workers:
            handle = self._files.get(worker.name)
            if handle is None:
                handle = self._files[worker.name] = worker.log.open(encoding="utf-8", errors="replace")
            chunk = self._partial.get(worker.name, "") + handle.read()
            *lines, self._partial[worker.name] = chunk.split("\n")
            self.seen.extend(Seen(now, worker.name, line) for line in lines if any(n in line for n in self.needles))

    def matching(self, needle: str) -> list[Seen]:
        return [s for s in self.seen if needle in s.line]

    async def run(self, interval: float = 0.05) -> None:
        while True:
            self.poll()
            await asyncio.sleep(interval)

    async def wait_for(self, needle: str, count: int = 1, timeout: float = 60) -> list[Seen]:
        deadline = time.monotonic() + timeout
        while len(found := self.matching(needle)) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{needle!r} seen {len(found)} time(s) in {timeout}s, wanted {count}")
            self.poll()
            await asyncio.sleep(0.05)
        return found

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()


# ---------------------------------------------------------------------------------------------------- traffic


def text_update(update_id: int, *, user_id: int, text: str) -> dict[str, Any]:
    """A private text message as Telegram posts it to a webhook."""
    person = {"id": user_id, "is_bot": False, "first_name": f"u{user_id}"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": person["first_name"]},
            "from": person,
            "text": text,
        },
    }


class Balancer:
    """Round robin over the live workers, as a load balancer in front of them would do.

    A POST that fails because its worker has died (connection refused or cut) is sent to the next live worker, as
    Telegram sends an update again until it gets a 2xx. Any other failure (an HTTP error from a live worker) is
    raised: the test should see it."""

    def __init__(self, workers: list[Worker], *, connections: int = 64) -> None:
        self.workers = workers
        self._rotation = itertools.count()
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None
        self.secret = webhook_secret(TOKEN)
        self.retried = 0  # POSTs sent again because their worker died under them

    async def __aenter__(self) -> Self:
        timeout = aiohttp.ClientTimeout(total=60)
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self._connections), timeout=timeout)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._session is not None
        await self._session.close()

    def pick(self, *, not_to: Worker | None = None) -> Worker:
        live = [w for w in self.workers if w.alive]
        others = [w for w in live if w is not not_to] or live
        if not others:
            raise RuntimeError("no live worker left")
        return others[next(self._rotation) % len(others)]

    async def post(
        self, update: dict[str, Any], *, to: Worker | None = None, not_to: Worker | None = None
    ) -> tuple[Worker, float]:
        """Deliver one update; returns the worker that answered 200 and the seconds the successful POST took."""
        assert self._session is not None
        worker = to if to is not None and to.alive else self.pick(not_to=not_to)
        for _ in range(50):
            started = time.perf_counter()
            try:
                async with self._session.post(
                    worker.url + WEBHOOK_PATH, json=update, headers={SECRET_HEADER: self.secret}
                ) as response:
                    await response.read()
                    if response.status == 200:
                        return worker, time.perf_counter() - started
                    raise RuntimeError(f"{worker.name} answered {response.status} to update {update['update_id']}")
            except (TimeoutError, aiohttp.ClientConnectionError):
                if worker.process.poll() is None and worker.killed_at is None:
                    await asyncio.sleep(0.05)  # alive: a hiccup, try it again
                else:
                    self.retried += 1
                worker = self.pick(not_to=worker) if not worker.alive else worker
        raise RuntimeError(f"update {update['update_id']}: no worker took it")
