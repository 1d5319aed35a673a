"""The periodic jobs, as plain functions the APScheduler ticker (or a script's @clock) calls."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from salesbot.services import delivery, reminders
from salesbot.services.uow import UnitOfWork


def scan_reminders(uow_factory: Callable[[], UnitOfWork]) -> int:
    """Turn every due reminder into an outbox message; returns how many fired."""
    fired = 0
    while True:
        with uow_factory() as uow:
            n = reminders.fire_due(uow)
            uow.commit()
        fired += n
        if n == 0:
            return fired


def next_event(uow_factory: Callable[[], UnitOfWork]) -> datetime | None:
    """The next instant at which a job has something to do (a reminder or a message waiting to retry)."""
    with uow_factory() as uow:
        times = [t for t in (reminders.next_due(uow), delivery.next_due(uow)) if t is not None]
    return min(times) if times else None
