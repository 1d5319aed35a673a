"""A real `salesbot run` process, killed with SIGKILL in the middle of sending 300 queued messages to the fake
Bot API, and started again: every message arrives (at least once), and each one sent twice is one the
restarted process logged as a resend, with its dedupe key.

The lease is 3 s (`[outbox] lease_seconds`), so the rows the dead process held come back in seconds, not
minutes; the limits run 3 times faster (`rate_scale`) so the 300 messages take seconds too.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from salesbot.bootstrap import build
from salesbot.clock import SystemClock
from salesbot.config import settings_from
from salesbot.services import outbox, users
from salesbot.store.models import OutboxMessage
from tests.conftest import NO_REPORTS
from tests.fakes.telegram_api import FakeBotApi

MESSAGES = 300
REPS = 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _queue(db_url: str) -> None:
    app = build(settings_from(NO_REPORTS, env={}), clock=SystemClock(), database_url=db_url)
    try:
        reps = [{"handle": f"rep{i}", "name": f"rep{i}", "role": "rep", "team": "east"} for i in range(REPS)]
        app.seed_data({"users": reps})
        with app.uow() as uow:
            ids = [users.by_handle(uow, f"rep{i}").id for i in range(REPS)]
            for i, user_id in enumerate(ids):
                users.link_identity(uow, user_id=user_id, platform="telegram", platform_user_id=str(7000 + i))
            for n in range(MESSAGES):
                params = {"customer": f"m{n}", "next_step": "", "visited_on": "2026-03-10"}
                outbox.notify_user(uow, ids[n % REPS], "reminder.follow_up", params, dedupe_key=f"crash:{n}")
            uow.commit()
    finally:
        app.close()


def _states(db_url: str) -> dict[str, int]:
    app = build(settings_from(NO_REPORTS, env={}), clock=SystemClock(), database_url=db_url, migrate=False)
    try:
        with app.uow() as uow:
            rows = uow.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state))
            return {state: n for state, n in rows}
    finally:
        app.close()


def _markers(api: FakeBotApi) -> Counter[str]:
    return Counter(
        c.params["text"].split("「")[1].split("」")[0]
        for c in api.calls
        if c.method == "sendMessage" and c.status == 200
    )


async def _until(condition: object, timeout: float, what: str) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.02)
    assert condition(), what  # type: ignore[operator]


async def test_a_killed_dispatcher_loses_nothing_and_logs_what_it_sends_again(db_url: str, tmp_path: Path) -> None:
    _queue(db_url)
    config = tmp_path / "salesbot.toml"
    config.write_text("[outbox]\nlease_seconds = 3\nrate_scale = 3\n", encoding="utf-8")
    async with FakeBotApi() as api:
        env = os.environ | {
            "SALESBOT_CONFIG": str(config),
            "SALESBOT_DATABASE_URL": db_url,
            "SALESBOT_TELEGRAM_TOKEN": api.token,
            "SALESBOT_TELEGRAM_BASE_URL": api.url,
            "SALESBOT_LOG_LEVEL": "INFO",
        }
        env.pop("SALESBOT_TELEGRAM_WEBHOOK_URL", None)

        async def start(log: Path) -> asyncio.subprocess.Process:
            with log.open("w") as err:  # the child keeps its own copy of the descriptor
                return await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "salesbot.cli",
                    "run",
                    env=env | {"SALESBOT_SERVER_PORT": str(_free_port())},
                    cwd=tmp_path,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=err,
                )

        first = await start(tmp_path / "first.log")
        try:
            await _until(lambda: sum(_markers(api).values()) >= MESSAGES // 3, 60, "the first process sends")
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        at_kill = _markers(api)
        assert len(at_kill) < MESSAGES, "killed mid-batch, with messages still to send"
        assert _states(db_url).get("pending", 0) > 0

        second = await start(tmp_path / "second.log")
        try:
            await _until(lambda: len(_markers(api)) == MESSAGES, 90, "the restarted process sends the rest")
            await _until(lambda: _states(db_url) == {"sent": MESSAGES}, 30, "and marks every row sent")
        finally:
            second.send_signal(signal.SIGTERM)
            await second.wait()

    delivered = _markers(api)
    assert set(delivered) == {f"m{n}" for n in range(MESSAGES)}
    log = (tmp_path / "second.log").read_text(encoding="utf-8")
    for marker, times in delivered.items():
        if times > 1:
            assert f"dedupe crash:{marker.removeprefix('m')})" in log, f"{marker} went {times} times, unlogged"
