"""WeCom's per-member limits (30 messages a minute, 1000 an hour per app and member), counted in the database every
worker shares (issue 18): replies from any webhook worker and the leader's outbox notices draw on one count, so
together they never go over. WeCom drops what goes over without a word.

One `shared_values` row a member (`wecom:sends:<member>`), locked while a send is counted: on PostgreSQL with
`SELECT … FOR UPDATE`, on SQLite by its one writer at a time (BEGIN IMMEDIATE). The row holds, per limit, either
the times of the sends still inside its window (a small limit: at most 30 of them, exact) or the count of sends in
each sixtieth of the window (a large one: 60 one-minute buckets for the hour, so the row stays small). A bucket
counts for its whole width, so the large limit is kept conservatively: a send may wait up to one bucket (a minute)
longer than it strictly has to, never go over.

Times come from the injected clock (`uow.now()`), the one clock all workers agree on.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from salesbot.services.uow import UnitOfWorkFactory
from salesbot.store.inserts import insert_once
from salesbot.store.models import SharedValue

RATES: tuple[tuple[int, float], ...] = ((30, 60.0), (1000, 3600.0))
ARRIVAL_MARGIN = 0.05  # seconds added to a window: a message is counted from when WeCom answered it, at the latest
EXACT_UP_TO = 100  # a limit of at most this many sends keeps each send's time; a larger one keeps buckets
BUCKETS = 60  # a large limit's window in this many buckets
_INSERT_ONCE = insert_once(SharedValue.__table__, ("key",))


@dataclass
class Slot:
    """One counted send: whose and when (epoch seconds), so its answer can move it later."""

    member: str
    at: float


class SharedMemberLimits:
    """`take(member)`: (0, a slot) if a message may go now, counted; (seconds to wait, None) at a limit.
    `answered(slot)`: WeCom answered, so it had the message by then; a send slow to arrive is counted from then."""

    def __init__(self, uow_factory: UnitOfWorkFactory, rates: tuple[tuple[int, float], ...] = RATES) -> None:
        self._uow = uow_factory
        self._rates = rates

    def take(self, member: str) -> tuple[float, Slot | None]:
        with self._uow() as uow:
            now = uow.now().timestamp()
            state = self._locked(uow, member)
            wait = max(
                (_wait(state[i], count, seconds, now) for i, (count, seconds) in enumerate(self._rates)), default=0.0
            )
            if wait > 0:
                return wait, None
            for i, (count, seconds) in enumerate(self._rates):
                _add(state[i], count, seconds, now)
            self._save(uow, member, state)
            uow.commit()
            return 0.0, Slot(member, now)

    def answered(self, slot: Slot) -> None:
        with self._uow() as uow:
            now = uow.now().timestamp()
            if now - slot.at <= ARRIVAL_MARGIN:  # the usual case: the margin covers it, no second write
                return
            state = self._locked(uow, slot.member)
            for i, (count, seconds) in enumerate(self._rates):
                if _remove(state[i], count, seconds, slot.at):
                    _add(state[i], count, seconds, now)
            self._save(uow, slot.member, state)
            uow.commit()
            slot.at = now

    def _locked(self, uow: Any, member: str) -> list[Any]:
        key = _key(member)
        empty = json.dumps([[] if count <= EXACT_UP_TO else {} for count, _ in self._rates])
        connection = uow.session.connection()
        connection.execute(_INSERT_ONCE[connection.dialect.name], {"key": key, "value": empty, "expires_at": None})
        value = uow.session.scalar(select(SharedValue.value).where(SharedValue.key == key).with_for_update())
        state = json.loads(value or empty)
        return state if len(state) == len(self._rates) else json.loads(empty)

    def _save(self, uow: Any, member: str, state: list[Any]) -> None:
        now = uow.now().timestamp()
        for i, (count, seconds) in enumerate(self._rates):  # what has left every window is forgotten
            _wait(state[i], count, seconds, now)
        value = json.dumps(state, separators=(",", ":"))
        uow.session.execute(update(SharedValue).where(SharedValue.key == _key(member)).values(value=value))


def _key(member: str) -> str:
    return f"wecom:sends:{member}"


def _width(seconds: float) -> float:
    return seconds / BUCKETS


def _wait(sent: Any, count: int, seconds: float, now: float) -> float:
    """Seconds until this limit allows one more send (0: now); drops what has left the window, in place."""
    window = seconds + ARRIVAL_MARGIN
    if isinstance(sent, list):
        sent[:] = [at for at in sent if at > now - window]
        return max(sent[-count] + window - now, 0.0) if len(sent) >= count else 0.0
    width = _width(seconds)
    for bucket in [b for b in sent if (int(b) + 1) * width <= now - window]:
        del sent[bucket]
    total = sum(sent.values())
    wait = 0.0
    for bucket in sorted(sent, key=int):  # the oldest buckets leave first: wait until enough have
        if total < count:
            break
        total -= sent[bucket]
        wait = (int(bucket) + 1) * width + window - now
    return max(wait, 0.0) if sum(sent.values()) >= count else 0.0


def _add(sent: Any, count: int, seconds: float, at: float) -> None:
    if isinstance(sent, list):
        sent.append(at)
    else:
        bucket = str(math.floor(at / _width(seconds)))
        sent[bucket] = sent.get(bucket, 0) + 1


def _remove(sent: Any, count: int, seconds: float, at: float) -> bool:
    if isinstance(sent, list):
        if at in sent:
            sent.remove(at)
            return True
        return False
    bucket = str(math.floor(at / _width(seconds)))
    if sent.get(bucket, 0) > 0:
        sent[bucket] -= 1
        return True
    return False
