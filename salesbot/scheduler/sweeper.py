"""The replies a turn kept and nobody sent: sent by the worker itself (issue 18).

A turn keeps its replies with its update (`services.updates`) until they are sent. Usually the worker that handled it
sends them at once, or the platform's retry (a webhook, an inbox row tried again) takes them over. When neither
comes (every send failed and the platform gave up, the worker died with no retry to follow), they would stay on
their row forever; the sweeper takes over those whose claim ran out `older_than` ago and sends them to the chat the
turn answered. The take-over moves the claim on, as a replay's does, so a late retry and the sweeper never both send.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from salesbot.scheduler.dispatcher import Sender
from salesbot.services import updates
from salesbot.services.delivery import Address
from salesbot.services.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

OLDER_THAN = timedelta(seconds=60)  # well past a turn's own sends and the router's send lease (15 s)


class ReplySweeper:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        channels: Mapping[str, Sender],
        *,
        decode: Callable[[dict[str, Any]], Any],
        older_than: timedelta = OLDER_THAN,
    ) -> None:
        self._uow = uow_factory
        self._channels = channels
        self._decode = decode
        self._older_than = older_than

    def take(self) -> list[updates.Stale]:
        with self._uow() as uow:
            stale = updates.stale_replies(uow, platforms=list(self._channels), older_than=self._older_than)
            uow.commit()
        return stale

    def sent(self, platform: str, update_ids: list[str]) -> None:
        with self._uow() as uow:
            updates.replied(uow, platform=platform, update_ids=update_ids)
            uow.commit()

    async def sweep(self) -> int:
        """Send what is left; returns how many updates' replies went out. A send that fails for now stays for the
        next sweep; one that can never go (blocked, chat gone) is logged and forgotten."""
        swept = 0
        for stale in await asyncio.to_thread(self.take):
            channel = self._channels[stale.platform]
            address = Address(stale.platform, stale.chat_id, stale.chat_id, "zh", "UTC")
            try:
                for reply in stale.replies:
                    await channel.send(address, self._decode(reply))
            except Exception as exc:
                if not getattr(exc, "permanent", False):
                    log.warning("replies of %s still unsent (%s); tried again later", stale.update_id, exc)
                    continue
                log.error("replies of %s cannot be delivered: %s", stale.update_id, exc)
            else:
                log.info("sent the kept replies of %s %s, which nobody had sent", stale.platform, stale.update_id)
                swept += 1
            await asyncio.to_thread(self.sent, stale.platform, [stale.update_id])
        return swept
