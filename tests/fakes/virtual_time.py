"""Virtual time for outbox tests: one clock serves the app (when a retry is due) and the dispatcher's pacing, and
moves only when the dispatcher sleeps, so a minute of pacing takes no minute to test."""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta

from salesbot.clock import FrozenClock


class VirtualTime:
    """The app's clock and the pacing clock in one, moved only by `sleep`, and never while a request is on its
    way (a test counts them in `in_flight`): the network takes no time here. (Moved on under a request, the clock
    would make it look slow to the pacing, which holds back the sends a slow request might crowd.)"""

    def __init__(self, clock: FrozenClock) -> None:
        self.clock = clock
        self.start = clock.now()
        self.in_flight = 0  # requests handed to the channel and not answered yet

    def monotonic(self) -> float:
        return (self.clock.now() - self.start).total_seconds()

    async def sleep(self, seconds: float) -> None:
        while self.in_flight:
            await asyncio.sleep(0.001)  # real time: the answers come first
        # Rounded up to the clock's microsecond, so a sleep always gets at least as far as it was asked to.
        self.clock.advance(timedelta(microseconds=math.ceil(seconds * 1_000_000)))
        await asyncio.sleep(0)
