"""Answering the person who just wrote, the same way on every platform: a few quick tries, then the platform's own
retry; and, once sent, the turn's kept replies forgotten (`services.updates`), many turns in one commit."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from salesbot.channels.errors import DeliveryFailed

log = logging.getLogger(__name__)

TRIES = 3
MAX_PAUSE = 10.0


async def send_with_retries(
    send: Callable[[int], Awaitable[object]],
    *,
    tries: int = TRIES,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """A reply someone is waiting for: tried again at once (after the platform's flood wait, if it gave one);
    still failing after `tries`, DeliveryFailed goes to the caller. A permanent failure is not tried again. `send`
    takes how many leading parts already went, so a retry never sends a part twice. A chat at its own limit (WeCom's
    per member) waits as long as the limit says, and that wait is not a try: over the limit a reply waits, it is
    never dropped."""
    sent = 0
    attempt = 0
    while True:
        try:
            await send(sent)
            return
        except DeliveryFailed as exc:
            sent = max(sent, exc.sent_parts)
            if exc.chat_limit and exc.retry_after is not None:
                await sleep(exc.retry_after)
                continue
            attempt += 1
            if exc.permanent or attempt >= tries:
                raise
            await sleep(min(exc.retry_after or 2 ** (attempt - 1), MAX_PAUSE))


class SentMarks:
    """Tells the router which updates' replies went out. Each caller waits for the commit that includes its
    update, so a retry the platform sends after our answer finds them marked; the calls that come while one
    commit is under way share the next, so a busy worker pays one commit for many turns."""

    def __init__(self, platform: str, replied: Callable[[str, list[str]], None]) -> None:
        self._platform = platform
        self._replied = replied
        self._batch: list[str] = []
        self._committed: asyncio.Future[None] | None = None
        self._lock = asyncio.Lock()
        self._flushes: set[asyncio.Task[None]] = set()

    async def mark(self, update_id: str) -> None:
        if self._committed is None:
            self._committed = asyncio.get_running_loop().create_future()
            flush = asyncio.create_task(self._flush())
            self._flushes.add(flush)
            flush.add_done_callback(self._flushes.discard)
        self._batch.append(update_id)
        try:
            await asyncio.shield(self._committed)
        except Exception as exc:  # sent all the same: at worst a retry of this update answers twice
            log.warning("replies sent but not marked (%s): %s", update_id, exc)

    async def _flush(self) -> None:
        async with self._lock:  # one commit at a time; the marks that come meanwhile wait for the next one
            batch, committed = self._batch, self._committed
            self._batch, self._committed = [], None
            assert committed is not None
            try:
                await asyncio.to_thread(self._replied, self._platform, batch)
            except Exception as exc:
                committed.set_exception(exc)
            else:
                committed.set_result(None)
