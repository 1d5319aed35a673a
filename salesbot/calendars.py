"""Working days and named festivals, per team: `cn` (China's official calendar) or `mon-fri`.

The data come from the `holidays` package (maintained; it knows China's public holidays, the festival days of the
lunar calendar, and the adjusted 调休 working weekends once the State Council has published them). nlp stays pure:
it takes any object with `is_working_day` and `festival` (salesbot.nlp.dates.WorkCalendar); this module is what
the composition root and the CLI hand it.

A year the package does not know yet: the festival days are still right (they are computed from the lunar
calendar) and the statutory days off are the package's estimate, but the 调休 working weekends are unknown, so
those Saturdays and Sundays count as days off until the package is upgraded. `knows_year` tells which years are
published; `salesbot doctor` style checks may use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Set
from functools import lru_cache
from typing import TYPE_CHECKING

import holidays

if TYPE_CHECKING:
    from salesbot.config import Settings

# Our festival keys -> the name the `holidays` package gives the festival's (first) day in China.
_CN_NAMES = {
    "new_year": "New Year's Day",
    "spring": "Chinese New Year (Spring Festival)",
    "qingming": "Tomb-Sweeping Day",
    "labour": "Labor Day",
    "dragon_boat": "Dragon Boat Festival",
    "mid_autumn": "Mid-Autumn Festival",
    "national": "National Day",
}
_FIXED = {"christmas": (12, 25)}
KINDS = ("cn", "mon-fri")


@lru_cache(maxsize=64)
def _china(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=year)


@lru_cache(maxsize=512)
def _festival(key: str, year: int) -> dt.date | None:
    if key in _FIXED:
        month, day = _FIXED[key]
        return dt.date(year, month, day)
    name = _CN_NAMES.get(key)
    if name is None:
        return None
    days = sorted(d for d, names in _china(year).items() if name in names.split("; "))
    return days[0] if days else None


class MonFri:
    """Monday to Friday; festivals are still known by name (春节 is a date whatever the team's week)."""

    kind = "mon-fri"

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5

    def festival(self, key: str, year: int) -> dt.date | None:
        return _festival(key, year)

    def knows_year(self, year: int) -> bool:
        return True


class China(MonFri):
    """China's official calendar: weekends and public holidays off, 调休 weekends worked."""

    kind = "cn"

    def is_working_day(self, day: dt.date) -> bool:
        return _is_cn_working_day(day)

    def knows_year(self, year: int) -> bool:
        """Whether the package holds the published schedule for `year` (its adjusted days), not only an estimate."""
        calendar = _china(year)
        return any(d.year == year for d in calendar.weekend_workdays) or any(
            "substituted" in name for d, name in calendar.items() if d.year == year
        )


@lru_cache(maxsize=4096)
def _is_cn_working_day(day: dt.date) -> bool:
    calendar = _china(day.year)
    if day in calendar.weekend_workdays:
        return True
    return day.weekday() < 5 and day not in calendar


def working_calendar(kind: str) -> MonFri:
    """The calendar named in config ([team] working_days): "cn" or "mon-fri"."""
    if kind == "cn":
        return China()
    if kind == "mon-fri":
        return MonFri()
    raise ValueError(f"unknown working-day calendar {kind!r}: use one of {', '.join(KINDS)}")


def team_calendar(settings: Settings, team_key: str | None) -> MonFri:
    """The working-day calendar of a team (by its key; None: the default of [team] working_days)."""
    return working_calendar(settings.calendar_kind(team_key))


def next_working_day(calendar: MonFri, day: dt.date, *, off: Set[dt.date] = frozenset()) -> dt.date:
    """`day` itself when it is a working day not in `off` (a person's leave), else the first such day after it."""
    for _ in range(400):  # a run of days off is a week or two; with a leave, up to a year
        if calendar.is_working_day(day) and day not in off:
            return day
        day += dt.timedelta(days=1)
    return day


def working_days_after(calendar: MonFri, day: dt.date, n: int) -> dt.date:
    """The `n`th working day after `day` (`day` itself not counted)."""
    for _ in range(n):
        day = next_working_day(calendar, day + dt.timedelta(days=1))
    return day
