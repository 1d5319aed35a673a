"""What an operator watches, as Prometheus metrics (`GET /metrics` on `salesbot run`'s web server).

Counters and histograms are counted where things happen (the router, the dispatcher, the reminder scan) and are
per worker: Prometheus adds them up across workers. The outbox and reminder backlogs are the database's, the same
for every worker, so they are read from it when scraped (`BacklogCollector`), two indexed queries, rather than
kept in memory where a worker that is not the leader would never see them move.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from salesbot.services.uow import UnitOfWorkFactory
from salesbot.store.models import InboxMessage, OutboxMessage, Reminder

REGISTRY = CollectorRegistry()

UPDATES = Counter(
    "salesbot_updates",
    "Platform updates by platform and outcome: handled; replayed (seen before: nothing done again); resent (seen "
    "before, its replies never sent: sent now); error (the user got the generic apology)",
    ["platform", "outcome"],
    registry=REGISTRY,
)
HANDLER_SECONDS = Histogram(
    "salesbot_handler_seconds",
    "Time to handle one update, from the router's start to its committed answer",
    ["platform"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    registry=REGISTRY,
)
SENT = Counter("salesbot_outbox_sent", "Outbox messages delivered, by platform", ["platform"], registry=REGISTRY)
DISPATCH_ERRORS = Counter(
    "salesbot_dispatch_errors",
    "Outbox sends that failed, by platform and reason (rate_limited, transient, dead)",
    ["platform", "reason"],
    registry=REGISTRY,
)
REMINDERS_FIRED = Counter(
    "salesbot_reminders_fired", "Reminders turned into outbox messages by the scan", registry=REGISTRY
)


def update_handled(platform: str, seconds: float, *, outcome: str) -> None:
    UPDATES.labels(platform, outcome).inc()
    if outcome in ("handled", "error"):  # a replay's time is mostly waiting for the first handling's send
        HANDLER_SECONDS.labels(platform).observe(seconds)


def delivered(platform: str) -> None:
    SENT.labels(platform).inc()


def dispatch_failed(platform: str, *, dead: bool, rate_limited: bool) -> None:
    reason = "dead" if dead else "rate_limited" if rate_limited else "transient"
    DISPATCH_ERRORS.labels(platform, reason).inc()


class BacklogCollector(Collector):
    """The shared backlogs, read at scrape time: outbox depth and the age of its oldest due row, reminders due
    and not yet fired, callbacks kept and not yet handled."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow = uow_factory

    def collect(self) -> Iterator[Any]:
        with self._uow() as uow:
            now = uow.now()
            pending = OutboxMessage.state == "pending"
            depth, oldest = uow.session.execute(
                select(func.count(), func.min(OutboxMessage.not_before)).where(pending, OutboxMessage.not_before <= now)
            ).one()
            waiting = uow.session.scalar(select(func.count()).where(pending)) or 0
            due = uow.session.scalar(select(func.count()).where(Reminder.state == "pending", Reminder.due_at <= now))
            inbox = uow.session.scalar(select(func.count()).where(InboxMessage.state == "pending"))
            given_up = uow.session.execute(
                select(InboxMessage.platform, func.count())
                .where(InboxMessage.state == "dead")
                .group_by(InboxMessage.platform)
            ).all()
        yield _gauge("salesbot_outbox_due", "Outbox messages due and not yet sent", depth)
        yield _gauge("salesbot_outbox_pending", "Outbox messages not yet sent, due or scheduled for later", waiting)
        yield _gauge(
            "salesbot_outbox_oldest_due_seconds", "How long the oldest due outbox message has waited", _age(now, oldest)
        )
        yield _gauge("salesbot_reminders_due", "Reminders whose time has come and that the scan has not fired", due)
        yield _gauge("salesbot_inbox_pending", "Callbacks acknowledged and not yet handled", inbox)
        dead = GaugeMetricFamily(
            "salesbot_inbox_dead",
            "Updates kept and given up on after failing for a day (`salesbot inbox --dead` lists them)",
            labels=["platform"],
        )
        for platform, count in given_up:
            dead.add_metric([platform], float(count))
        yield dead


def _gauge(name: str, doc: str, value: float | None) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=float(value or 0))


def _age(now: datetime, since: datetime | None) -> float:
    return max((now - since).total_seconds(), 0.0) if since is not None else 0.0
