"""Turning a rep's day (and maybe time) into the UTC instant a reminder fires."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from salesbot.services import limits
from salesbot.services.errors import Invalid


def due_instant(on: date, at: time | None, *, tz: ZoneInfo, now: datetime, morning_hour: int) -> datetime:
    """When a follow-up on `on` (at `at`, or the team's morning hour) should fire, refusing the past.

    A day-only follow-up set for today after the morning hour has passed fires at once rather than never.
    """
    local_now = now.astimezone(tz)
    if on < local_now.date():
        raise Invalid("past_date", date=on.isoformat())
    limits.ahead(on, today=local_now.date())
    if at is not None:
        due = datetime.combine(on, at, tzinfo=tz)
        if due < local_now:
            raise Invalid("past_time", date=on.isoformat(), time=at.strftime("%H:%M"))
        return due.astimezone(ZoneInfo("UTC"))
    due = datetime.combine(on, time(morning_hour), tzinfo=tz)
    return max(due, local_now).astimezone(ZoneInfo("UTC"))
