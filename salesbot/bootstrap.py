"""The composition root: config, database, clock, router, channels and dispatcher are wired here once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from salesbot.clock import Clock, FrozenClock
from salesbot.config import Settings
from salesbot.handlers.notifications import renderer
from salesbot.handlers.router import Router
from salesbot.scheduler import jobs
from salesbot.scheduler.dispatcher import Dispatcher, Sender
from salesbot.services import seed as seeding
from salesbot.services.uow import UnitOfWorkFactory
from salesbot.store.db import make_engine, make_session_factory, upgrade
from salesbot.store.models import Team


@dataclass
class App:
    settings: Settings
    engine: Engine
    uow: UnitOfWorkFactory
    clock: Clock
    router: Router
    channels: dict[str, Sender] = field(default_factory=dict)
    dispatcher: Dispatcher | None = None

    def attach(self, platform: str, channel: Sender) -> None:
        """Add a channel; the dispatcher is rebuilt to send through every attached one."""
        self.channels[platform] = channel
        self.dispatcher = Dispatcher(self.uow, self.channels, renderer(self.settings))

    def scan(self) -> int:
        # Briefs first: a morning brief carries the day's undated follow-ups, which the reminder scan would
        # otherwise send one by one at the same hour.
        return (
            jobs.send_digests(self.uow)
            + jobs.scan_reminders(self.uow)
            + jobs.send_collections(self.uow)
            + jobs.send_quiet(self.uow)
            + jobs.send_reports(self.uow)
        )

    def next_event(self) -> datetime | None:
        return jobs.next_event(self.uow)

    def seed(self, path: Path) -> seeding.SeedSummary:
        return self.seed_data(tomllib.loads(Path(path).read_text(encoding="utf-8")))

    def seed_data(self, data: dict[str, Any]) -> seeding.SeedSummary:
        with self.uow() as uow:
            summary = seeding.seed(uow, data)
            uow.commit()
        return summary

    def zone(self) -> ZoneInfo:
        """The first team's zone (scripts and the demo speak in it), else the configured one."""
        with self.uow() as uow:
            tz = uow.session.scalar(select(Team.timezone).order_by(Team.id).limit(1))
        return ZoneInfo(tz or self.settings.timezone)

    def close(self) -> None:
        self.engine.dispose()


def build(settings: Settings, *, clock: Clock, database_url: str | None = None, migrate: bool = True) -> App:
    url = database_url or settings.database_url
    if migrate:
        upgrade(url)
    engine = make_engine(url)
    uow = UnitOfWorkFactory(make_session_factory(engine), clock, settings)
    return App(settings=settings, engine=engine, uow=uow, clock=clock, router=Router(uow))


def frozen_clock_now() -> FrozenClock:
    from salesbot.clock import SystemClock

    return FrozenClock(SystemClock().now().replace(second=0, microsecond=0))
