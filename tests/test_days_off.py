"""Days off (issue 17): with [digests] on_days_off = false, no daily digest, brief or collection message falls on
the team's days off (the `cn` calendar: weekends, public holidays); they fall on its next working day."""

from __future__ import annotations

from datetime import datetime

import pytest

from salesbot.bootstrap import App
from salesbot.clock import FrozenClock
from salesbot.config import Settings, settings_from
from salesbot.services import collections, digests
from tests.conftest import NO_REPORTS, SHANGHAI


@pytest.fixture
def settings() -> Settings:
    return settings_from({"digests": {"on_days_off": False}, "team": {"working_days": "cn"}, **NO_REPORTS}, env={})


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 13, 19, 0, tzinfo=SHANGHAI))  # a Friday evening


def test_on_a_saturday_the_daily_digests_and_briefs_wait_for_monday(app: App, clock: FrozenClock) -> None:
    clock.set(datetime(2026, 3, 14, 9, 30, tzinfo=SHANGHAI))  # Saturday morning
    with app.uow() as uow:
        slots = [s for s in digests._slots(uow, uow.now()) if s.kind in ("daily", "brief")]
    assert slots and {s.on for s in slots} == {datetime(2026, 3, 16).date()}


def test_no_collection_message_on_a_public_holiday(app: App, clock: FrozenClock) -> None:
    clock.set(datetime(2026, 10, 2, 10, 0, tzinfo=SHANGHAI))  # National Day break, a Friday
    with app.uow() as uow:
        people = collections._people(uow)
        assert people and not any(p.due(uow.now()) for p in people)
        assert all(p.next_hour(uow.now()).date() == datetime(2026, 10, 8).date() for p in people)
