"""`salesbot run`: the production process. Channels from the configuration, a small web server for
webhooks, and the scheduler ticking the reminder scan and the outbox dispatcher."""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from sqlalchemy import text

from salesbot import metrics
from salesbot.bootstrap import App, build
from salesbot.channels.errors import MalformedUpdate
from salesbot.channels.intake import LEASE as INTAKE_LEASE
from salesbot.clock import SystemClock
from salesbot.config import Settings
from salesbot.handlers.messages import Reply
from salesbot.scheduler.leader import CHECK_SECONDS, Leadership
from salesbot.scheduler.sweeper import OLDER_THAN, ReplySweeper
from salesbot.services.inbox import Inbox
from salesbot.services.member_limits import SharedMemberLimits
from salesbot.services.shared_values import SharedValues

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
WECOM_PATH = "/wecom/callback"  # DESIGN.md: the path deployments configure in the WeCom admin console


class ConfigMissing(Exception):
    pass


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set (or SIGINT/SIGTERM), then finish the messages in hand and close."""
    app = build(settings, clock=SystemClock())
    try:
        channels = _channels(settings, app)
    except Exception:
        app.close()
        raise
    if not channels:
        app.close()
        raise ConfigMissing(
            "no channel is configured: set SALESBOT_TELEGRAM_TOKEN, or SALESBOT_WECOM_CORP_ID with the WeCom "
            "app's keys (see docs/operator.md, 'Telegram' and 'WeCom')"
        )
    for channel in channels.values():
        app.attach(channel.platform, channel)
        await channel.start()
    stop = stop or _signals()
    leadership = Leadership(app.engine)
    status = Status(leadership)
    web_runner = await _start_web(settings, app, channels, status)
    telegram = channels.get("telegram")
    if telegram is not None:
        webhook_url = settings.section("telegram").get("webhook_url")
        if webhook_url:
            await telegram.set_webhook(str(webhook_url))
            log.info("telegram: webhook mode at %s", webhook_url)
        else:
            await telegram.bot.delete_webhook()
            await telegram.start_polling()
            log.info("telegram: long polling")
    if "wecom" in channels:
        log.info("wecom: callbacks at %s", WECOM_PATH)
    await asyncio.to_thread(leadership.check)
    scheduler = _scheduler(app, leadership, channels)
    scheduler.start()
    status.ready = True
    try:
        await stop.wait()
    finally:
        # Graceful: say "not ready" so the load balancer sends nothing new, finish the requests and messages in
        # hand, send what the outbox has due if we lead, then let the lock go for the next leader.
        log.info("stopping: finishing the messages in hand")
        status.ready = False
        scheduler.shutdown(wait=False)
        await web_runner.cleanup()
        for channel in channels.values():
            await channel.stop()
        if leadership.leading and app.dispatcher is not None:
            await app.dispatcher.drain()
        leadership.release()
        app.close()


def _channels(settings: Settings, app: App) -> dict[str, Any]:
    """The channels the configuration names; each platform's library is imported only when it is used."""
    channels: dict[str, Any] = {}
    telegram_cfg = settings.section("telegram")
    if telegram_cfg.get("token"):
        from salesbot.channels.telegram import TelegramChannel

        channels["telegram"] = TelegramChannel(
            token=str(telegram_cfg["token"]),
            router=app.router,
            base_url=telegram_cfg.get("base_url"),
            board_url=board_url(settings),
            inbox=Inbox(app.uow),
            intake_lease=_intake_lease(settings),
            prompts=SharedValues(app.uow),
        )
    if settings.section("wecom").get("corp_id"):
        from salesbot.channels.wecom import WeComChannel, WeComConfig

        config = WeComConfig.from_settings(settings.section("wecom"))
        assert config is not None
        channels["wecom"] = WeComChannel(
            config,
            router=app.router,
            inbox=Inbox(app.uow),
            tokens=SharedValues(app.uow),
            members=SharedMemberLimits(app.uow),  # one count for every worker: WeCom's limits are per member
            board_url=board_url(settings),
            intake_lease=_intake_lease(settings),
        )
    return channels


def _intake_lease(settings: Settings) -> float:
    """`[inbox] lease_seconds`: how long a worker holds a kept update before another may take it over."""
    return float(settings.section("inbox").get("lease_seconds", INTAKE_LEASE))


def _scheduler(app: App, leadership: Leadership, channels: dict[str, Any] | None = None) -> AsyncIOScheduler:
    """Job definitions live here, in code; the reminders and the outbox are our own tables, never a job store.

    Every worker ticks, but only the leader (see scheduler/leader.py) does the work: the others only ask for
    the lock, so one of them takes over within a minute of the leader's death.
    """
    scheduler = AsyncIOScheduler(timezone="UTC")

    async def lead() -> None:
        await asyncio.to_thread(leadership.check)

    async def scan() -> None:
        if not leadership.leading:
            return
        # Due follow-ups and approval reminders, then each person's once-a-day collection message.
        fired = await asyncio.to_thread(app.scan)
        if fired:
            log.info("reminders and collection messages queued: %s", fired)

    async def dispatch() -> None:
        if leadership.leading and app.dispatcher is not None:
            await app.dispatcher.drain()

    inbox_cfg = app.settings.section("inbox")
    older = float(inbox_cfg.get("sweep_after_seconds", OLDER_THAN.total_seconds()))
    sweeper = ReplySweeper(app.uow, channels or {}, decode=Reply.from_json, older_than=timedelta(seconds=older))

    async def sweep() -> None:
        if leadership.leading:
            await sweeper.sweep()

    # A follower asks for the lock this often: how soon a dead leader is replaced (`[scheduler] leader_check_seconds`).
    check = float(app.settings.section("scheduler").get("leader_check_seconds", CHECK_SECONDS))
    scheduler.add_job(lead, "interval", seconds=check, id="leader", max_instances=1, coalesce=True)
    scheduler.add_job(scan, "interval", minutes=1, id="reminder-scan", max_instances=1, coalesce=True)
    scheduler.add_job(dispatch, "interval", seconds=2, id="outbox-dispatch", max_instances=1, coalesce=True)
    # Replies a turn kept and nobody sent: every so often, for the leader (`scheduler.sweeper`).
    every = max(1.0, min(30.0, older / 4))
    scheduler.add_job(sweep, "interval", seconds=every, id="reply-sweep", max_instances=1, coalesce=True)
    return scheduler


@dataclass
class Status:
    """What /readyz reports: whether this worker takes traffic (set once started, cleared when stopping)."""

    leadership: Leadership | None = None
    ready: bool = True


async def _start_web(
    settings: Settings, app: App, channels: dict[str, Any], status: Status | None = None
) -> web.AppRunner:
    server = settings.section("server")
    web_app = web.Application()
    telegram, wecom = channels.get("telegram"), channels.get("wecom")
    status = status or Status()
    backlog = CollectorRegistry()
    backlog.register(metrics.BacklogCollector(app.uow))

    async def telegram_webhook(request: web.Request) -> web.Response:
        if not telegram.verified(request.headers):
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            # From Telegram (the secret is right) yet unreadable: a 4xx or 5xx would have it sent again forever.
            log.warning("telegram: a webhook body that is no update, dropped (%d bytes)", request.content_length or 0)
            return web.Response(status=200)
        # Handled before we answer: if we die mid-way Telegram retries, and the update id makes the retry harmless.
        try:
            await telegram.process(data)
        except MalformedUpdate as exc:
            log.warning("telegram: update %s cannot be read, dropped: %s", data.get("update_id"), exc)
        return web.Response(status=200)

    async def wecom_verify(request: web.Request) -> web.Response:
        answer = wecom.verify_url(request.query)
        return web.Response(status=answer.status, text=answer.body)

    async def wecom_callback(request: web.Request) -> web.Response:
        # Kept, then answered, then handled: WeCom gives up on an answer after 5 seconds.
        answer = await wecom.receive(request.query, await request.read())
        return web.Response(status=answer.status, text=answer.body)

    async def healthz(_request: web.Request) -> web.Response:
        """Alive: the process answers. Whether it should get traffic is /readyz's question."""
        return web.Response(text="ok")

    async def readyz(_request: web.Request) -> web.Response:
        """Ready: started, not stopping, and the database answers within 2 seconds."""
        body: dict[str, Any] = {"ready": status.ready, "leader": bool(status.leadership and status.leadership.leading)}
        try:
            await asyncio.wait_for(asyncio.to_thread(_ping, app), 2.0)
            body["database"] = "ok"
        except Exception as exc:  # a timeout, a refused connection: the full reason goes to the log, not the page
            log.warning("readyz: the database does not answer: %s: %s", type(exc).__name__, exc)
            body["ready"], body["database"] = False, type(exc).__name__
        return web.json_response(body, status=200 if body["ready"] else 503)

    async def prometheus(_request: web.Request) -> web.Response:
        text = generate_latest(metrics.REGISTRY) + await asyncio.to_thread(generate_latest, backlog)
        return web.Response(body=text, headers={"Content-Type": CONTENT_TYPE_LATEST})

    if telegram is not None and settings.section("telegram").get("webhook_url"):
        # Only in webhook mode: while long polling, nothing is to come this way, and nothing may.
        web_app.router.add_post(WEBHOOK_PATH, telegram_webhook)
    if wecom is not None:
        web_app.router.add_get(WECOM_PATH, wecom_verify)
        web_app.router.add_post(WECOM_PATH, wecom_callback)
    if settings.section("board").get("enabled", True):
        board_web(settings, app, channels).add_routes(web_app)
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/readyz", readyz)
    web_app.router.add_get("/metrics", prometheus)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, str(server.get("host", "127.0.0.1")), int(server.get("port", 8080)))
    await site.start()
    return runner


def board_url(settings: Settings) -> str | None:
    """Where phones open the board (`[board] public_url`), when the board is on."""
    board = settings.section("board")
    return str(board["public_url"]) if board.get("enabled", True) and board.get("public_url") else None


def board_web(settings: Settings, app: App, channels: dict[str, Any]) -> Any:
    """The board's routes, signed in through the channels that are configured."""
    from salesbot.board.web import Board

    telegram, wecom = channels.get("telegram"), channels.get("wecom")
    return Board(
        app.uow,
        settings,
        telegram_token=str(settings.section("telegram").get("token") or "") or None,
        wecom_user=wecom.user_of_code if wecom is not None else None,
        wecom_oauth=wecom.oauth_url if wecom is not None else None,
        chat_url=telegram.chat_url if telegram is not None else (lambda: None),
    )


def _ping(app: App) -> None:
    with app.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
