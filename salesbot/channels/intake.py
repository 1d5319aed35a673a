"""Handling kept updates after they were acknowledged: the one loop the WeCom callbacks and Telegram's long polling
share (issue 18).

An update is kept in the inbox (`services.inbox`) before the platform is told it arrived (WeCom's 200, Telegram's
next getUpdates offset), and handled here after: claimed with a lease, so that one a dead worker held comes back to
whichever worker claims next. One chat's updates are handled one at a time, in the order they came; each chat has a
task of its own, so one member's slow or failing send never holds up another's reply, and the loop claims more
while they run. A row whose handling fails goes back to the inbox to be tried later (with a capped back-off, see
`services.inbox.failed`); the rows of that chat already in hand are let go, to come back when their lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

LEASE = 60.0  # seconds a worker holds a kept update it is handling before another may take it
POLL = 5.0  # how often to look for updates a dead worker left behind
STOP_SECONDS = 30.0  # at shutdown, how long the updates in hand may take to finish
IN_HAND = 200  # rows held at once, all chats together


class Inbox(Protocol):
    """Where updates wait to be handled (`services.inbox.Inbox`)."""

    def keep(self, platform: str, update_id: str, payload: dict[str, Any]) -> bool: ...

    def claim(self, platform: str, *, lease_seconds: float, limit: int) -> list[Any]: ...

    def done(self, platform: str, row: Any) -> None: ...

    def failed(self, row: Any, error: str, retry_after: float | None = None) -> None: ...


class Intake:
    """Claims kept updates of one platform and hands each to `handle`, one chat at a time, chats side by side."""

    def __init__(
        self,
        platform: str,
        inbox: Inbox,
        *,
        handle: Callable[[Any], Awaitable[None]],
        chat_of: Callable[[dict[str, Any]], str],
        lease: float = LEASE,
        poll: float = POLL,
    ) -> None:
        self.platform = platform
        self._inbox = inbox
        self._handle = handle
        self._chat_of = chat_of
        self._lease = lease
        self._poll = poll
        self._wake = asyncio.Event()
        self._queues: dict[str, deque[Any]] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._held: set[int] = set()  # rows in hand: one whose lease ran out while it waited is not queued twice
        self._loop: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        self._loop = asyncio.create_task(self._run())

    @property
    def wake_event(self) -> asyncio.Event:
        return self._wake

    def wake(self) -> None:
        """Something was kept: claim now rather than at the next poll."""
        self._wake.set()

    async def stop(self) -> None:
        """Finish the updates in hand, claim no more; what is left waits in the inbox for the next worker (one cut
        off after `STOP_SECONDS` comes back to one when its lease runs out)."""
        self._stopping = True
        self._wake.set()
        if self._loop is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._loop), STOP_SECONDS)
        except TimeoutError:
            self._loop.cancel()
            for task in self._tasks.values():
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop

    def _in_hand(self) -> int:
        return sum(len(q) for q in self._queues.values()) + len(self._tasks)

    async def _run(self) -> None:
        while not self._stopping:
            room = IN_HAND - self._in_hand()
            rows: list[Any] = []
            if room > 0:
                try:
                    rows = await asyncio.to_thread(
                        self._inbox.claim, self.platform, lease_seconds=self._lease, limit=min(50, room)
                    )
                except Exception:
                    log.exception("%s: cannot claim kept updates", self.platform)
            for row in rows:
                if row.id in self._held:
                    continue
                self._held.add(row.id)
                chat = self._chat_of(row.payload)
                self._queues.setdefault(chat, deque()).append(row)
                if chat not in self._tasks:
                    self._tasks[chat] = asyncio.create_task(self._chat(chat))
            if rows and len(rows) == min(50, room):
                continue  # more may be waiting
            self._wake.clear()
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll)
        if self._tasks:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def _chat(self, chat: str) -> None:
        queue = self._queues[chat]
        try:
            while queue:
                row = queue.popleft()
                try:
                    try:
                        await self._handle(row)
                    except Exception as exc:
                        log.exception("%s: update %s failed", self.platform, row.update_id)
                        retry_after = getattr(exc, "retry_after", None)
                        await asyncio.to_thread(self._inbox.failed, row, f"{type(exc).__name__}: {exc}", retry_after)
                        # This chat's later updates must not overtake the one that failed: they are let go, and
                        # come back when their lease runs out, after it.
                        self._held.difference_update(r.id for r in queue)
                        queue.clear()
                        return
                    await asyncio.to_thread(self._inbox.done, self.platform, row)
                finally:
                    self._held.discard(row.id)
        except Exception:
            log.exception("%s: cannot record a kept update's outcome", self.platform)
            self._held.difference_update(r.id for r in queue)
            queue.clear()
        finally:
            del self._tasks[chat]
            self._queues.pop(chat, None)
            self._wake.set()  # room in hand again
