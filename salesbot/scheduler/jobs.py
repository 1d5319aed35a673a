"""The periodic jobs, as plain functions the APScheduler ticker (or a script's @clock) calls."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from salesbot import metrics
from salesbot.services import collections, delivery, digests, reminders, reports, retention
from salesbot.services.uow import UnitOfWork


def scan_reminders(uow_factory: Callable[[], UnitOfWork]) -> int:
    """Turn every due reminder into an outbox message; returns how many fired."""
    fired = 0
    while True:
        with uow_factory() as uow:
            n = reminders.fire_due(uow)
            uow.commit()
        fired += n
        metrics.REMINDERS_FIRED.inc(n)
        if n == 0:
            return fired


def send_collections(uow_factory: Callable[[], UnitOfWork]) -> int:
    """Each person's one collection message of the day, once their collection hour has come."""
    with uow_factory() as uow:
        n = collections.run_due(uow)
        uow.commit()
    return n


def send_quiet(uow_factory: Callable[[], UnitOfWork]) -> int:
    """The quiet-customer ladder climbed, and each person's one message of the day about it (issue 20)."""
    with uow_factory() as uow:
        n = retention.run_due(uow)
        uow.commit()
    return n


def send_digests(uow_factory: Callable[[], UnitOfWork]) -> int:
    """The team digests and personal briefs whose time has come, each once a day (weekly: once a week)."""
    with uow_factory() as uow:
        n = digests.run_due(uow)
        uow.commit()
    return n


def send_reports(uow_factory: Callable[[], UnitOfWork]) -> int:
    """Each rep's drafted 日报 and each manager's summary of them, once their hour has come on a working day."""
    with uow_factory() as uow:
        n = reports.run_due(uow)
        uow.commit()
    return n


def next_event(uow_factory: Callable[[], UnitOfWork]) -> datetime | None:
    """The next instant at which a job has something to do (a reminder, a digest, a message waiting to retry)."""
    with uow_factory() as uow:
        due = (
            reminders.next_due(uow),
            delivery.next_due(uow),
            collections.next_due(uow),
            retention.next_due(uow),
            digests.next_due(uow),
            reports.next_due(uow),
        )
        times = [t for t in due if t is not None]
    return min(times) if times else None
