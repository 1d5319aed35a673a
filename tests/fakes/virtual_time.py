"""Virtual time for outbox tests: one clock serves the app (when a retry is due) and the dispatcher's pacing, and
moves only when the dispatcher sleeps, so a minute of pacing takes no minute to test."""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta

from salesbot.clock import FrozenClock


class VirtualTime:
    """The app's clock and the pacing clock in one, moved only by `sleep`."""

    def __init__(self, clock: FrozenClock) -> None:
        self.clock = clock
        self.start = clock.now()

    def monotonic(self) -> float:
        return (self.clock.now() - self.start).total_seconds()

    async def sleep(self, seconds: float) -> None:
        # Rounded up to the clock's microsecond, so a sleep always gets at least as far as it was asked to.
        self.clock.advance(timedelta(microseconds=math.ceil(seconds * 1_000_000)))
        await asyncio.sleep(0)
