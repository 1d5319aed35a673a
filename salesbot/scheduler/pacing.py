"""Sending no faster than a platform allows: its limits as data, and token buckets that keep to them.

Each platform declares its limits in `PLATFORM_LIMITS` (overall per bot or app, per private chat, per group);
a platform that is not listed is not paced (the console). The buckets run on an injected monotonic clock, so
tests can drive them without waiting.

A bucket is kept in its GCRA form (a "theoretical arrival time" per bucket): a message may go once the clock
reaches that time, less a small slack, and each message moves it on by one interval. The interval is the
limit's own, stretched by a headroom factor, so that what we send stays under the limit even when the network
delivers two requests closer together than we sent them. The slack lets a loop that wakes a little late keep
its place instead of losing the slot; it is sized so that no window of the limit's length ever holds more
than the limit allows (see `Bucket`).

The headroom covers small delays only (at 30/s, 27 ms). A platform counts a request when it arrives, and one
that is held up longer (a stalled process at either end, a slow hop) arrives bunched with the next ones: the
message `count` sends later would then make one too many in the window. So each bucket also remembers its last
`count` sends and when each may have arrived, learnt from its answer (`Pacer.done`): a send answered `e` later
than the quickest round trip lately is taken to have arrived up to `e` late, and the send `count` after it waits
until a full window has passed since then. With answers on time this never binds; it holds back only the sends
a late one would otherwise crowd.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple

DEFAULT_HEADROOM = 0.97  # send at 97% of a limit: a margin for network jitter, Telegram's limits being approximate
MAX_SLACK = 0.1  # how early (in intervals) a message may go, so a timer that fires late does not lose its slot
# Waited past a window counted from a late send's arrival: the quickest round trip says how long a request takes
# there and back, not how that splits between the way there and the way back, which varies by a fraction of this.
ARRIVAL_MARGIN = 0.001
# Answers the quickest round trip is taken from: recent enough to follow a change of network. Until there are
# that many, nothing is taken off: the first requests open connections, and their quickest is no measure yet.
ROUND_TRIPS = 64


@dataclass(frozen=True)
class Rate:
    """At most `count` messages in any `seconds`. A `burst` rate only counts the window (WeCom's 1000 an hour may
    all go in a minute, within the minute's own limit); any other is also spread evenly over it."""

    count: int
    seconds: float
    burst: bool = False


@dataclass(frozen=True)
class Limits:
    """One platform's limits; each field may hold several rates, all of which apply (WeCom: a minute and an hour)."""

    overall: tuple[Rate, ...] = ()
    private: tuple[Rate, ...] = ()
    group: tuple[Rate, ...] = ()

    def scaled(self, factor: float) -> Limits:
        """Every limit `factor` times as fast (a self-hosted Bot API, a paid broadcast, a quick bench run)."""

        def faster(rates: tuple[Rate, ...]) -> tuple[Rate, ...]:
            return tuple(replace(r, seconds=r.seconds / factor) for r in rates)

        return replace(self, overall=faster(self.overall), private=faster(self.private), group=faster(self.group))

    def for_kind(self, kind: str) -> tuple[Rate, ...]:
        return self.group if kind == "group" else self.private


# Telegram (core.telegram.org/bots/faq): about 30 messages a second in all, 1 a second in one chat, 20 a minute
# in one group; beyond that a 429 with retry_after.
TELEGRAM = Limits(overall=(Rate(30, 1.0),), private=(Rate(1, 1.0),), group=(Rate(20, 60.0),))
# WeCom: 30 a minute and 1000 an hour per app and member (the excess is dropped silently, so pacing is all we
# have); a group robot webhook takes 20 a minute.
# The hour's limit is a window, not a pace: spread evenly, it would send a card every 3.7 s, 16 a minute (issue 18).
WECOM = Limits(private=(Rate(30, 60.0), Rate(1000, 3600.0, burst=True)), group=(Rate(20, 60.0),))

PLATFORM_LIMITS: dict[str, Limits] = {"telegram": TELEGRAM, "wecom": WECOM}


class ChatKey(NamedTuple):
    platform: str
    kind: str  # "private" | "group"
    chat_id: str


@dataclass(slots=True)
class _Send:
    at: float  # when it was handed to the channel
    arrived_by: float | None = None  # the latest it may have reached the platform; None: not answered yet


@dataclass(frozen=True)
class Ticket:
    """One message handed to a paced platform: give it back to `Pacer.done` when the platform has answered."""

    platform: str
    at: float
    sends: tuple[_Send, ...] = field(default=())


class Bucket:
    """One rate as a GCRA bucket: `ready_at` says when the next message may go, `take` spends that slot.

    Sending at `interval = seconds / (count * headroom)` with a slack of `s` intervals, message k+count goes at
    least `count * interval - s * interval` after message k, which is at least `seconds` as long as
    `s <= count * (1 - headroom)`. The slack is kept small (a tenth of an interval: a late timer, not a burst),
    and what is left of that allowance is the margin for jitter: at 30/s, 27 ms of a 31 ms allowance. Past that
    margin, the last `count` sends (their answers) hold back the next, as the module's docstring says.
    """

    def __init__(self, rate: Rate, headroom: float = DEFAULT_HEADROOM) -> None:
        self.seconds = rate.seconds
        # A burst rate is kept by its window alone (the last `count` sends, below); no spacing.
        self.interval = 0.0 if rate.burst else rate.seconds / (rate.count * headroom)
        self.slack = min(MAX_SLACK, rate.count * (1 - headroom) / 2) * self.interval
        self._tat = float("-inf")
        self._sends: deque[_Send] = deque(maxlen=rate.count)

    def ready_at(self, now: float) -> float:
        ready = self._tat - self.slack
        if len(self._sends) == self._sends.maxlen:
            # The send `count` back: the next one must reach the platform a window after it did. Unanswered, it
            # may arrive any moment yet: counted from now, and looked at again when its answer comes.
            oldest = self._sends[0]
            arrived = now if oldest.arrived_by is None else oldest.arrived_by
            ready = max(ready, arrived + self.seconds + ARRIVAL_MARGIN)
        return ready

    def take(self, now: float) -> _Send:
        self._tat = max(self._tat, now) + self.interval
        send = _Send(now)
        self._sends.append(send)
        return send

    def idle(self, now: float) -> bool:
        """Nothing sent lately, nor in the last window: the bucket is as good as new, and can be forgotten."""
        last = self._sends[-1] if self._sends else None
        answered = last is None or (last.arrived_by is not None and last.arrived_by + self.seconds <= now)
        return self._tat <= now and answered


class Pacer:
    """The buckets of every platform and chat in use, and a pause for when a platform says we flooded it."""

    def __init__(
        self,
        limits: Mapping[str, Limits],
        *,
        clock: Callable[[], float],
        headroom: float = DEFAULT_HEADROOM,
    ) -> None:
        self._limits = limits
        self._clock = clock
        self._headroom = headroom
        self._overall: dict[str, list[Bucket]] = {
            platform: [Bucket(rate, headroom) for rate in lim.overall] for platform, lim in limits.items()
        }
        self._chats: dict[ChatKey, list[Bucket]] = {}
        self._paused_until: dict[str, float] = {}
        self._round_trips: dict[str, deque[float]] = {platform: deque(maxlen=ROUND_TRIPS) for platform in limits}

    def now(self) -> float:
        return self._clock()

    def ready_at(self, key: ChatKey) -> float:
        """The earliest time a message to this chat may go (in the past: now)."""
        return max(self.gate(key.platform), self.chat_ready_at(key))

    def gate(self, platform: str) -> float:
        """The earliest time anything may go to this platform: its overall limit and any pause."""
        if platform not in self._limits:
            return float("-inf")
        now = self._clock()
        times = [b.ready_at(now) for b in self._overall[platform]]
        return max([self._paused_until.get(platform, float("-inf")), *times])

    def chat_ready_at(self, key: ChatKey) -> float:
        """The earliest time this chat's own limits let a message go, whatever the platform's overall limit."""
        if key.platform not in self._limits:
            return float("-inf")
        now = self._clock()
        return max((b.ready_at(now) for b in self._chat(key)), default=float("-inf"))

    def take(self, key: ChatKey) -> Ticket:
        """A message to this chat goes now; hand the ticket back to `done` once the platform has answered."""
        now = self._clock()
        if key.platform not in self._limits:
            return Ticket(key.platform, now)
        buckets = self._overall[key.platform] + self._chat(key)
        return Ticket(key.platform, now, tuple(bucket.take(now) for bucket in buckets))

    def done(self, ticket: Ticket) -> None:
        """The platform answered the message (whatever it said): from how long that took, the latest it may have
        arrived. The quickest recent round trip stands for the least time any request takes there and back."""
        if ticket.platform not in self._limits:
            return
        now = self._clock()
        round_trips = self._round_trips[ticket.platform]
        round_trips.append(now - ticket.at)
        arrived_by = now - (min(round_trips) if len(round_trips) == ROUND_TRIPS else 0.0)
        for send in ticket.sends:
            send.arrived_by = max(send.at, arrived_by)

    def interval(self, key: ChatKey) -> float:
        """How far apart messages to this chat go when it has many waiting: its slowest rate."""
        if key.platform not in self._limits:
            return 0.0
        return max((b.interval for b in self._chat(key)), default=0.0)

    def pause(self, platform: str, seconds: float) -> None:
        """The platform asked the whole bot to wait (a flood limit): nothing goes to it until then."""
        until = self._clock() + seconds
        self._paused_until[platform] = max(self._paused_until.get(platform, until), until)

    def forget_idle(self) -> None:
        """Drop the buckets of chats not written to lately, so a long-running process does not keep them all."""
        now = self._clock()
        for key in [k for k, buckets in self._chats.items() if all(b.idle(now) for b in buckets)]:
            del self._chats[key]

    def _chat(self, key: ChatKey) -> list[Bucket]:
        buckets = self._chats.get(key)
        if buckets is None:
            rates = self._limits[key.platform].for_kind(key.kind)
            buckets = self._chats[key] = [Bucket(rate, self._headroom) for rate in rates]
        return buckets
