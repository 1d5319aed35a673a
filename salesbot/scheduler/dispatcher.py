"""The outbox dispatcher: the only code that sends notifications.

It claims due rows with a lease, has each worded for its recipient, sends it through that platform's
channel, and marks it sent. How it keeps to the platforms' limits and loses nothing:

- Pacing: every platform's limits (`pacing.PLATFORM_LIMITS`) are token buckets, overall and per chat. Rows in
  hand wait in one queue per chat; of the chats whose own limits let them send, the one whose next row was queued
  first goes, so a busy group never holds up a private chat behind it, nor do chats sending often crowd out one
  with a slower limit (a group's rows would fall further behind the queue the longer it ran). One chat's
  messages go one at a time, in the order queued. Each send is handed back to the pacing when answered, so a
  request that was slow to arrive holds back the sends it would otherwise crowd (see `pacing`).
- Retries: a failure waits with exponential backoff and jitter; a 429 waits exactly its `retry_after` and does
  not count as an attempt (the platform took nothing). 429s from two chats at once mean a flood limit on the
  whole bot: sending to that platform pauses for the `retry_after`. Messages queued behind a failed one wait
  for it (see `delivery.claim`), so the order holds across retries.
- Dead letters: a message that can never go (no reachable chat, a channel that says so: blocked, chat not found,
  any 400 or 403: what we sent is wrong, and trying again would only hold up that person's later messages), or
  that failed `MAX_ATTEMPTS` times, is parked as dead with the reason (`salesbot outbox --dead`). Only 429s, 5xx
  and network errors are tried again.
- Parts: a message of several parts (files, then the text in pieces) that failed after some went out remembers how
  many (`sent_parts` in its payload), and its next try sends only the rest, so no part arrives twice.
- Crashes: a claim is a lease. Rows are marked sent in small batches after the fact, so a process that dies
  leaves some sent-but-unmarked rows; they come back when the lease runs out and go again (at least once), and
  the resend is logged with its dedupe key. `[outbox] lease_seconds` sets the lease (default 120).

Database work (claims, marking) runs in worker threads, so a commit never delays the next send.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from salesbot import metrics
from salesbot.scheduler.pacing import DEFAULT_HEADROOM, PLATFORM_LIMITS, ChatKey, Limits, Pacer, Ticket
from salesbot.services import delivery
from salesbot.services.delivery import Address
from salesbot.services.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)
CHAT_DEPTH_SECONDS = 5.0  # one chat's rows held in hand: as many as its limit lets go in this long
HAND_SECONDS = 10.0  # all rows held in hand: as many as the overall limit lets go in this long
REFILL_PAUSE = 0.5  # after a claim found nothing, wait this long (or for a mark to free a chat) before the next
MAX_IN_FLIGHT = 32
MIN_SLEEP = 0.001  # concurrent requests to a paced platform: enough to keep 30/s going at 1 s round trips


class Sender(Protocol):
    """What the dispatcher needs of a channel: send returns the platform's id of the message (or None), which
    `edit` takes to rewrite it; a channel that cannot edit has no `edit`, and gets the new text as a message."""

    async def send(self, address: Address, message: Any) -> str | None: ...


Render = Callable[[dict[str, Any], Address], Any]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class _Outcome:
    row: delivery.Claimed
    state: str  # "sent" | "retry" | "dead"
    ref: str | None = None
    error: str = ""
    at: datetime | None = None  # retry: when
    tried: bool = True  # retry: False when the platform refused it outright (a 429)
    sent_parts: int = 0  # retry: how many of the message's leading parts are out already


@dataclass
class _Run:
    """One drain's rows in hand: a queue per chat, and the chats with a row to send (heaps per platform)."""

    hand: dict[ChatKey, deque[delivery.Claimed]] = field(default_factory=dict)
    # Per platform: chats waiting for their own limits, by when they allow a send; chats they allow, by their
    # next row's id (the order queued).
    ready: dict[str, list[tuple[float, int, ChatKey]]] = field(default_factory=dict)
    turn: dict[str, list[tuple[int, int, ChatKey]]] = field(default_factory=dict)
    in_flight: dict[asyncio.Task[_Outcome], ChatKey] = field(default_factory=dict)
    outcomes: list[_Outcome] = field(default_factory=list)
    released: list[int] = field(default_factory=list)
    claiming: asyncio.Task[list[delivery.Claimed]] | None = None
    flushing: asyncio.Task[None] | None = None
    # A chat's later rows become claimable once its last row in hand is marked: `freed` counts such writes, and
    # `claimed_after` is that count when the last claim that found nothing started.
    freeing: bool = False
    freed: int = 0
    claimed_after: int = -1
    dry_until: float = float("-inf")
    stalled: bool = False  # the platform paused us for longer than rows may wait in hand
    queued: int = 0  # rows in hand, not yet sent
    tried: int = 0
    seq: int = 0

    def flying(self, platform: str) -> int:
        return sum(1 for key in self.in_flight.values() if key.platform == platform)


class Dispatcher:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        channels: Mapping[str, Sender],
        render: Render,
        *,
        batch: int = 100,
        rng: random.Random | None = None,
        lease: timedelta | None = None,
        limits: Mapping[str, Limits] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        headroom: float = DEFAULT_HEADROOM,
        max_in_flight: int = MAX_IN_FLIGHT,
    ) -> None:
        """`clock` and `sleep` pace the sends (tests hand in a clock they move themselves). `[outbox]` in the
        settings may set `lease_seconds` and `rate_scale` (every limit that many times faster: a self-hosted
        Bot API server, Telegram's paid broadcasts, a test)."""
        self._uow = uow_factory
        self._channels = channels
        self._render = render
        self._batch = batch
        self._rng = rng or random.Random()
        config = uow_factory.settings.section("outbox")
        self._lease = lease or timedelta(seconds=float(config.get("lease_seconds", LEASE.total_seconds())))
        limits = PLATFORM_LIMITS if limits is None else limits
        scale = float(config.get("rate_scale", 1))
        if scale != 1:
            limits = {platform: lim.scaled(scale) for platform, lim in limits.items()}
        self._limits = limits
        self._pacer = Pacer(limits, clock=clock, headroom=headroom)
        self._clock = clock
        self._sleep = sleep
        self._max_in_flight = max_in_flight
        self._hand_seconds = min(HAND_SECONDS, self._lease.total_seconds() / 4)
        self._depth_seconds = min(CHAT_DEPTH_SECONDS, self._hand_seconds / 2)
        self._max_in_hand = self._hand_limit()
        self._refused: dict[ChatKey, float] = {}  # chats answered 429 lately, and until when

    async def run_once(self) -> int:
        """Send what is due now (one claim); returns how many rows were tried."""
        return await self._pump(refill=False)

    async def drain(self) -> int:
        """Send what is due until nothing is, claiming more as chats free up; returns how many rows were tried."""
        return await self._pump(refill=True)

    # ------------------------------------------------------------------ the loop

    async def _pump(self, *, refill: bool) -> int:
        run = _Run()
        self._start_claim(run)
        while True:
            if run.claiming is not None and run.claiming.done():
                self._claimed(run, run.claiming.result())
            if run.flushing is not None and run.flushing.done():
                run.flushing.result()
                run.flushing = None
            self._launch(run)
            if (run.outcomes or run.released) and run.flushing is None:
                run.flushing = asyncio.ensure_future(self._flush(run))
            if refill and self._wants_more(run):
                self._start_claim(run)
            if self._finished(run, refill):
                break
            await self._wait(run, refill)
        self._pacer.forget_idle()
        return run.tried

    def _finished(self, run: _Run, refill: bool) -> bool:
        busy = run.queued or run.in_flight or run.claiming or run.flushing or run.outcomes or run.released
        if busy:
            return False
        # Idle: done once a claim made after the last mark found nothing (a mark may have freed a chat's rows).
        return not refill or run.stalled or run.claimed_after == run.freed

    def _wants_more(self, run: _Run) -> bool:
        if run.claiming is not None or run.stalled or run.queued >= self._max_in_hand / 2:
            return False
        return self._clock() >= run.dry_until or run.claimed_after != run.freed

    def _start_claim(self, run: _Run) -> None:
        limit = min(self._batch, self._max_in_hand - run.queued)
        started_after = run.freed

        def claim() -> list[delivery.Claimed]:
            with self._uow() as uow:
                rows = delivery.claim(uow, platforms=list(self._channels), lease=self._lease, limit=limit)
                uow.commit()
            return rows

        async def claiming() -> list[delivery.Claimed]:
            rows = await asyncio.to_thread(claim)
            if not rows:
                run.claimed_after = started_after
                run.dry_until = self._clock() + REFILL_PAUSE
            return rows

        run.claiming = asyncio.ensure_future(claiming())

    def _claimed(self, run: _Run, rows: list[delivery.Claimed]) -> None:
        """Queue claimed rows by chat; rows a chat could not send before the lease runs out go back at once."""
        run.claiming = None
        for row in rows:
            if row.address is None:
                log.warning("outbox %s dead: no reachable chat", row.id)
                run.outcomes.append(_Outcome(row, "dead", error="no reachable chat for recipient"))
                run.tried += 1
                continue
            key = ChatKey(row.address.platform, row.address.kind, row.address.chat_id)
            queue = run.hand.setdefault(key, deque())
            if self._pacer.gate(key.platform) - self._clock() > self._hand_seconds:
                run.stalled = True  # paused for longer than rows may wait here: back to the table, end this drain
            ahead = len(queue) + (1 if key in run.in_flight.values() else 0)
            if run.stalled or ahead >= self._depth(key):
                run.released.append(row.id)
                continue
            queue.append(row)
            run.queued += 1
            if len(queue) == 1 and key not in run.in_flight.values():
                self._make_ready(run, key)

    def _depth(self, key: ChatKey) -> int:
        interval = self._pacer.interval(key)
        return max(1, int(self._depth_seconds / interval)) if interval else self._max_in_hand

    def _hand_limit(self) -> int:
        """As many rows as the slowest paced platform sends in `HAND_SECONDS`, at least one batch."""
        rates = [
            rate.count / rate.seconds
            for platform, lim in self._limits.items()
            if platform in self._channels
            for rate in lim.overall
        ]
        return max(self._batch, int(min(rates) * self._hand_seconds)) if rates else self._batch

    def _make_ready(self, run: _Run, key: ChatKey) -> None:
        run.seq += 1
        heapq.heappush(run.ready.setdefault(key.platform, []), (self._pacer.chat_ready_at(key), run.seq, key))

    def _launch(self, run: _Run) -> None:
        """Send to every chat whose turn it is, oldest row first, within each platform's overall limit and
        concurrency."""
        now = self._clock()
        for platform, heap in run.ready.items():
            turn = run.turn.setdefault(platform, [])
            while heap and heap[0][0] <= now:
                _, seq, key = heapq.heappop(heap)
                heapq.heappush(turn, (run.hand[key][0].id, seq, key))
            # An unpaced channel (the console) is local and instant: one at a time keeps its output in queue order.
            cap = self._max_in_flight if platform in self._limits else 1
            flying = run.flying(platform)
            while turn and flying < cap and self._pacer.gate(platform) <= now:
                _, _, key = heapq.heappop(turn)
                if self._pacer.chat_ready_at(key) > now:
                    self._make_ready(run, key)  # its limits moved on since (a late answer): back to waiting
                    continue
                row = run.hand[key].popleft()
                run.queued -= 1
                ticket = self._pacer.take(key)
                if row.attempts > 1:
                    log.info("outbox %s resent (attempt %s, dedupe %s)", row.id, row.attempts, row.dedupe_key)
                run.in_flight[asyncio.ensure_future(self._send(row, ticket))] = key
                flying += 1

    def _next_launch(self, run: _Run) -> float | None:
        times = []
        for platform, heap in run.ready.items():
            cap = self._max_in_flight if platform in self._limits else 1
            if run.flying(platform) >= cap:
                continue
            if run.turn.get(platform):
                times.append(self._pacer.gate(platform))
            elif heap:
                times.append(max(heap[0][0], self._pacer.gate(platform)))
        return min(times, default=None)

    async def _wait(self, run: _Run, refill: bool) -> None:
        """Until a send ends, a claim or mark is written, or the next chat's turn comes."""
        waiters: set[asyncio.Future[Any]] = set(run.in_flight)
        waiters |= {task for task in (run.claiming, run.flushing) if task is not None}
        wake = self._next_launch(run)
        if refill and run.claiming is None and run.queued < self._max_in_hand / 2:
            wake = min(wake if wake is not None else run.dry_until, run.dry_until)
        sleeper = None
        if wake is not None:
            # Never 0: a clock that rounds (or wakes a hair early) would otherwise spin here without moving.
            sleeper = asyncio.ensure_future(self._sleep(max(MIN_SLEEP, wake - self._clock())))
            waiters.add(sleeper)
        if not waiters:
            return
        done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        if sleeper is not None and sleeper not in done:
            sleeper.cancel()
        for task in done & set(run.in_flight):
            key = run.in_flight.pop(task)
            self._sent(run, key, task.result())

    def _sent(self, run: _Run, key: ChatKey, outcome: _Outcome) -> None:
        run.outcomes.append(outcome)
        run.tried += 1
        queue = run.hand.get(key)
        if outcome.state == "retry" and queue:
            # The rest of this chat's rows must not overtake the one that failed: back to the table behind it.
            run.released.extend(row.id for row in queue)
            run.queued -= len(queue)
            queue.clear()
        if queue:
            self._make_ready(run, key)
        else:
            run.hand.pop(key, None)
            run.freeing = run.freeing or outcome.state != "retry"

    # ------------------------------------------------------------------ one message

    async def _send(self, row: delivery.Claimed, ticket: Ticket) -> _Outcome:
        assert row.address is not None
        channel = self._channels[row.address.platform]
        try:
            message = self._render(row.payload, row.address)
            edit = getattr(channel, "edit", None)
            if row.edits is not None and edit is not None:
                await edit(row.address, row.edits, message)
                ref = None
            elif skip := int(row.payload.get("sent_parts") or 0):
                ref = await channel.send(row.address, message, skip=skip)  # the parts an earlier try sent stay sent
            else:
                ref = await channel.send(row.address, message)
        except Exception as exc:  # a channel's failure must not stop the others
            outcome = self._failed(row, exc)
            metrics.dispatch_failed(row.address.platform, dead=outcome.state == "dead", rate_limited=not outcome.tried)
            return outcome
        finally:
            self._pacer.done(ticket)  # answered (or failed): when it may have arrived, for the limits' windows
        metrics.delivered(row.address.platform)
        return _Outcome(row, "sent", ref=ref)

    def _failed(self, row: delivery.Claimed, exc: Exception) -> _Outcome:
        assert row.address is not None
        reason = f"{type(exc).__name__}: {exc}"
        retry_after = getattr(exc, "retry_after", None)
        if getattr(exc, "permanent", False) or (retry_after is None and row.attempts >= MAX_ATTEMPTS):
            log.error("outbox %s dead after %s attempts: %s", row.id, row.attempts, reason)
            return _Outcome(row, "dead", error=reason)
        if retry_after is not None:
            wait = float(retry_after)
            if not getattr(exc, "chat_limit", False):  # a chat's own limit is no sign of a flood on the platform
                self._refused_by(ChatKey(row.address.platform, row.address.kind, row.address.chat_id), wait)
        else:
            wait = min(5 * 2 ** (row.attempts - 1), 3600) * self._rng.uniform(0.8, 1.2)
        log.warning("outbox %s failed (%s); retry in %.1fs", row.id, reason, wait)
        at = self._uow.clock.now() + timedelta(seconds=wait)
        sent_parts = max(int(row.payload.get("sent_parts") or 0), int(getattr(exc, "sent_parts", 0) or 0))
        return _Outcome(row, "retry", error=reason, at=at, tried=retry_after is None, sent_parts=sent_parts)

    def _refused_by(self, key: ChatKey, wait: float) -> None:
        """A 429 holds back that chat (its row waits in the table). Two chats refused at once is the bot's
        overall flood limit: then nothing goes to that platform until the wait is over."""
        now = self._clock()
        self._refused = {k: until for k, until in self._refused.items() if until > now and k != key}
        if any(k.platform == key.platform for k in self._refused):
            log.warning("outbox: %s flood limit, pausing all sends for %.1fs", key.platform, wait)
            self._pacer.pause(key.platform, wait)
        self._refused[key] = now + wait

    # ------------------------------------------------------------------ the table

    async def _flush(self, run: _Run) -> None:
        """Write what happened to the rows sent so far, in one transaction, off the event loop."""
        outcomes, run.outcomes = run.outcomes, []
        released, run.released = run.released, []
        freeing, run.freeing = run.freeing, False

        def write() -> None:
            with self._uow() as uow:
                delivery.release(uow, released)
                for o in outcomes:
                    if o.state == "sent":
                        delivery.mark_sent(uow, o.row.id, message_ref=o.ref)
                    elif o.state == "dead":
                        delivery.mark_dead(uow, o.row.id, error=o.error)
                    else:
                        assert o.at is not None
                        delivery.retry_later(uow, o.row.id, at=o.at, error=o.error, tried=o.tried)
                        if o.sent_parts:
                            delivery.sent_in_part(uow, o.row.id, payload=o.row.payload, parts=o.sent_parts)
                uow.commit()

        await asyncio.to_thread(write)
        if freeing:
            run.freed += 1
