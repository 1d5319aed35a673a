"""The outbox dispatcher: the only code that sends notifications.

It claims due rows with a lease, has each worded for its recipient, sends it through that platform's
channel, and marks it sent. A failure waits with exponential backoff and jitter; a message that can
never go (no reachable chat, a channel that says so) is parked as dead with the reason.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, Protocol

from salesbot.services import delivery
from salesbot.services.delivery import Address
from salesbot.services.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)


class Sender(Protocol):
    """What the dispatcher needs of a channel: send returns the platform's id of the message (or None), which
    `edit` takes to rewrite it; a channel that cannot edit has no `edit`, and gets the new text as a message."""

    async def send(self, address: Address, message: Any) -> str | None: ...


Render = Callable[[dict[str, Any], Address], Any]


class Dispatcher:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        channels: Mapping[str, Sender],
        render: Render,
        *,
        batch: int = 100,
        rng: random.Random | None = None,
    ) -> None:
        self._uow = uow_factory
        self._channels = channels
        self._render = render
        self._batch = batch
        self._rng = rng or random.Random()

    async def run_once(self) -> int:
        """Send what is due now; returns how many rows were tried."""
        with self._uow() as uow:
            claimed = delivery.claim(uow, platforms=list(self._channels), lease=LEASE, limit=self._batch)
            uow.commit()
        for row in claimed:
            await self._send(row)
        return len(claimed)

    async def drain(self) -> int:
        total = 0
        while n := await self.run_once():
            total += n
        return total

    async def _send(self, row: delivery.Claimed) -> None:
        if row.address is None:
            self._finish(row, lambda uow: delivery.mark_dead(uow, row.id, error="no reachable chat for recipient"))
            log.warning("outbox %s dead: no reachable chat", row.id)
            return
        if row.attempts > 1:
            log.info("outbox %s resent (attempt %s, dedupe %s)", row.id, row.attempts, row.dedupe_key)
        channel = self._channels[row.address.platform]
        message = self._render(row.payload, row.address)
        ref: str | None = None
        try:
            edit = getattr(channel, "edit", None)
            if row.edits is not None and edit is not None:
                await edit(row.address, row.edits, message)
            else:
                ref = await channel.send(row.address, message)
        except Exception as exc:  # a channel's failure must not stop the others
            self._failed(row, exc)
            return
        self._finish(row, lambda uow: delivery.mark_sent(uow, row.id, message_ref=ref))

    def _failed(self, row: delivery.Claimed, exc: Exception) -> None:
        reason = f"{type(exc).__name__}: {exc}"
        if getattr(exc, "permanent", False) or row.attempts >= MAX_ATTEMPTS:
            log.error("outbox %s dead after %s attempts: %s", row.id, row.attempts, reason)
            self._finish(row, lambda uow: delivery.mark_dead(uow, row.id, error=reason))
            return
        wait = getattr(exc, "retry_after", None)
        if wait is None:
            wait = min(5 * 2 ** (row.attempts - 1), 3600) * self._rng.uniform(0.8, 1.2)
        log.warning("outbox %s failed (%s); retry in %.0fs", row.id, reason, wait)
        self._finish(
            row,
            lambda uow: delivery.retry_later(uow, row.id, at=uow.now() + timedelta(seconds=wait), error=reason),
        )

    def _finish(self, row: delivery.Claimed, change: Callable[[UnitOfWork], None]) -> None:
        with self._uow() as uow:
            change(uow)
            uow.commit()
