"""`salesbot run`: the production process. Channels from the configuration, a small web server for
webhooks, and the scheduler ticking the reminder scan and the outbox dispatcher."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from salesbot.bootstrap import App, build
from salesbot.clock import SystemClock
from salesbot.config import Settings
from salesbot.scheduler.leader import CHECK_SECONDS, Leadership

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"


class ConfigMissing(Exception):
    pass


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set (or SIGINT/SIGTERM), then finish the messages in hand and close."""
    app = build(settings, clock=SystemClock())
    telegram_cfg = settings.section("telegram")
    token = telegram_cfg.get("token")
    if not token:
        app.close()
        raise ConfigMissing("no channel is configured: set SALESBOT_TELEGRAM_TOKEN (see README, 'Telegram')")
    from salesbot.channels.telegram import PLATFORM, TelegramChannel

    channel = TelegramChannel(token=token, handle=app.router.handle, base_url=telegram_cfg.get("base_url"))
    app.attach(PLATFORM, channel)
    await channel.start()
    stop = stop or _signals()
    web_runner = await _start_web(settings, app, channel)
    webhook_url = telegram_cfg.get("webhook_url")
    if webhook_url:
        await channel.set_webhook(str(webhook_url))
        log.info("telegram: webhook mode at %s", webhook_url)
    else:
        await channel.bot.delete_webhook()
        await channel.start_polling()
        log.info("telegram: long polling")
    leadership = Leadership(app.engine)
    await asyncio.to_thread(leadership.check)
    scheduler = _scheduler(app, leadership)
    scheduler.start()
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        await web_runner.cleanup()
        await channel.stop()
        if leadership.leading and app.dispatcher is not None:
            await app.dispatcher.drain()
        leadership.release()
        app.close()


def _scheduler(app: App, leadership: Leadership) -> AsyncIOScheduler:
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

    scheduler.add_job(lead, "interval", seconds=CHECK_SECONDS, id="leader", max_instances=1, coalesce=True)
    scheduler.add_job(scan, "interval", minutes=1, id="reminder-scan", max_instances=1, coalesce=True)
    scheduler.add_job(dispatch, "interval", seconds=2, id="outbox-dispatch", max_instances=1, coalesce=True)
    return scheduler


async def _start_web(settings: Settings, app: App, channel: Any) -> web.AppRunner:
    server = settings.section("server")
    web_app = web.Application()

    async def telegram_webhook(request: web.Request) -> web.Response:
        if not channel.verified(request.headers):
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
        except ValueError:
            return web.Response(status=400, text="bad json")
        if not isinstance(data, dict) or "update_id" not in data:
            return web.Response(status=400, text="not an update")
        # Handled before we answer: if we die mid-way Telegram retries, and the update id makes the retry harmless.
        await channel.process(data)
        return web.Response(status=200)

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    web_app.router.add_post(WEBHOOK_PATH, telegram_webhook)
    web_app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, str(server.get("host", "127.0.0.1")), int(server.get("port", 8080)))
    await site.start()
    return runner


def _signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
