"""Reading follow-up dates the way sales reps write them, in Chinese and English.

dateparser misses many everyday phrases (下周二, 月底, 下个月15号, 明天下午3点, "end of month") and
guesses silently where it is unsure, so this module owns a rule layer: a table of small regex
rules, each recognising one phrase family and turning it into a day and/or a clock time. Parts
that sit next to each other ("下周三" + "下午两点", "tomorrow" + "at 4pm") are joined into one
reading. dateparser is consulted only by `parse_date`, only for phrases the rules cannot cover
and that clearly look like dates, and its answer is cross-checked before it is trusted.

Conventions (see DESIGN.md, "Date conventions"); `now` is tz-aware and everything is computed in
its timezone:
- A phrase with no time gives a date and `time=None`.
- 下周X / next <weekday>: weekday X of the next calendar week (weeks start on Monday); 下下周X: the
  week after. 周X / <weekday> / this <weekday>: the next such day on or after today. 这周X / 本周X:
  this calendar week's day, "past" if it has gone. 下周 / next week alone: that week's Monday.
- 月底 / end of month: the month's last day. 月初 said on the 1st..10th is today (early month is
  still running), later it is the 1st of next month. 月中: the next 15th. 下个月 / next month
  alone: the 1st of next month. 年底: Dec 31. 周末 / weekend: the coming Saturday (today on a Sunday).
- 15号, 12月5日, Dec 5, 12/5: the next such date that is not in the past. With a year: exactly that.
- N天后 / in N days: today + N; N个月后 / in a month: the same day N months on, clamped to the
  month's last day. N天内 (within N days) is read as the deadline today + N.
- A bare hour is read in business hours: 7-11 morning, 12 noon, 1-6 afternoon. An hour written
  24-hour style (15点, 09:30, 0点) is taken as written.
- A period word alone gives a default hour: 上午/morning 09:00, 中午 12:00, 下午 14:00, 傍晚 18:00,
  晚上/tonight 20:00, 凌晨 06:00. While that period is still running (今晚 said at 21:00) the
  reading is today with no time rather than an hour that has just gone.
- In `parse_date`, a time with no day is today if still ahead of now, otherwise tomorrow. A day
  that is named together with a time that has already gone today (今天上午9点 at 10:00) is "past":
  we never roll a named day forward because of its time.
- Past results raise DateError("past"); impossible dates (2月30日, 13月1日) DateError("unreadable").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from salesbot.nlp.numerals import normalize, parse_cn_int

__all__ = ["DateError", "DateReading", "find_date", "parse_date"]


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class DateReading:
    date: dt.date
    time: dt.time | None  # None when the phrase names no time
    start: int  # span of the phrase in the original text
    end: int
    phrase: str = ""

    @property
    def text(self) -> str:
        return self.phrase


class DateError(ValueError):
    """A phrase that is a date but cannot be used: `code` is "past" or "unreadable"."""

    def __init__(self, code: str, phrase: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.phrase = phrase
        self.message = message


# --------------------------------------------------------------------------- internal types


@dataclass(frozen=True)
class _Clock:
    hour: int | None  # None: only a period of the day was named (下午, this morning)
    minute: int = 0
    period: str | None = None  # a key of _PERIOD_HOURS, or "am" / "pm"
    literal: bool = False  # written 24-hour style (15点, 09:30): no business-hours guess


@dataclass(frozen=True)
class _Value:
    """What one rule read from its match."""

    day: dt.date | None = None
    clock: _Clock | None = None
    named: bool = True  # False for 今天/today: it names a day but says nothing about a follow-up
    ambiguous: bool = False  # a date only when the whole phrase is one ("3-5" is usually a range)
    error: str | None = None  # has the shape of a date but is none (2月30日)


@dataclass(frozen=True)
class _Part:
    start: int
    end: int
    value: _Value


@dataclass(frozen=True)
class _Group:
    """Adjacent parts read together: at most one day and one clock."""

    start: int
    end: int
    day: dt.date | None
    clock: _Clock | None
    named: bool
    ambiguous: bool
    error: str | None


@dataclass(frozen=True)
class _Ctx:
    now: dt.datetime  # naive, in the team's timezone
    day_first: bool
    timezone: str = "UTC"  # the team's timezone by name or offset, for dateparser

    @property
    def today(self) -> dt.date:
        return self.now.date()


class _Unreadable(Exception):
    pass


# --------------------------------------------------------------------------- calendar helpers

_EARLY_MONTH_LAST_DAY = 10  # 月初 / early month covers the 1st..10th (上旬)


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month0 + 1, min(day.day, _last_day(year, month0 + 1)))


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _week_day(today: dt.date, weeks: int, weekday: int) -> dt.date:
    return _monday(today) + dt.timedelta(weeks=weeks, days=weekday)


def _on_or_after(today: dt.date, weekday: int) -> dt.date:
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7)


def _make_date(year: int, month: int, day: int) -> dt.date:
    if not 1 <= month <= 12:
        raise _Unreadable(f"there is no month {month}")
    if not 1 <= day <= _last_day(year, month):
        raise _Unreadable(f"{calendar.month_name[month]} {year} has no day {day}")
    return dt.date(year, month, day)


def _next_month_day(today: dt.date, month: int, day: int) -> dt.date:
    """The next `month`/`day` that is not in the past (Feb 29 waits for a leap year)."""
    if not 1 <= month <= 12:
        raise _Unreadable(f"there is no month {month}")
    if not 1 <= day <= _last_day(2000, month):  # 2000 is a leap year: the most days any year allows
        raise _Unreadable(f"{calendar.month_name[month]} has no day {day}")
    for year in range(today.year, today.year + 9):
        if day <= _last_day(year, month) and dt.date(year, month, day) >= today:
            return dt.date(year, month, day)
    raise AssertionError("unreachable: a leap year comes within 8 years")


def _next_day_of_month(today: dt.date, day: int) -> dt.date:
    """The next `day`th of a month that is not in the past (31号 skips 30-day months)."""
    if not 1 <= day <= 31:
        raise _Unreadable(f"no month has a day {day}")
    for months in range(13):
        first = _add_months(today.replace(day=1), months)
        if day <= _last_day(first.year, first.month) and first.replace(day=day) >= today:
            return first.replace(day=day)
    raise AssertionError("unreachable: every second month has 31 days")


def _month_position(today: dt.date, year: int, month: int, position: str) -> dt.date:
    if position == "start":
        if (year, month) == (today.year, today.month) and today.day <= _EARLY_MONTH_LAST_DAY:
            return today  # early month is still running
        return dt.date(year, month, 1)
    if position == "mid":
        return dt.date(year, month, 15)
    return dt.date(year, month, _last_day(year, month))


def _year_position(today: dt.date, year: int, position: str) -> dt.date:
    if position == "end":
        return dt.date(year, 12, 31)
    if year == today.year and today.month == 1 and today.day <= _EARLY_MONTH_LAST_DAY:
        return today
    return dt.date(year, 1, 1)


# --------------------------------------------------------------------------- vocabulary

_CN_DIGITS = "零〇一二两三四五六七八九"
_COUNT = rf"(?:(?<!\d)\d{{1,3}}(?!\d)|[{_CN_DIGITS}十百]{{1,5}})"
_DAY_NUM = rf"(?:(?<!\d)\d{{1,2}}(?!\d)|[{_CN_DIGITS}十廿卅]{{1,3}})"
_MONTH_NUM = rf"(?:(?<!\d)\d{{1,2}}(?!\d)|[{_CN_DIGITS}十]{{1,2}})"
_HOUR_NUM = rf"(?:(?<!\d)\d{{1,2}}(?!\d)|[{_CN_DIGITS}十]{{1,3}})"
# Chinese minutes without 分 must contain 十 (三点十五): "三点三个人" is not 3:03.
_MINUTE_NUM = (
    r"(?:\d{1,2}(?!\d)|[零〇][一二三四五六七八九]|[一二三四五]?十[一二三四五六七八九]?"
    r"|[零〇一二三四五六七八九十]{1,3}(?=\s*分))"
)

_CN_WEEKDAYS = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6} | {str(i + 1): i for i in range(7)}
# 下周一起 (together next week), 周一定 (surely Monday), 一周三次 (three times a week) are not weekdays.
_NOT_A_WEEKDAY_AFTER = "起些定样般同共切直次"
_CN_WEEK_SHIFT = {
    "下下个": 2, "下下": 2, "下个": 1, "下": 1,
    "上上个": -2, "上上": -2, "上个": -1, "上": -1,
    "这个": 0, "这": 0, "本": 0,
}  # fmt: skip
_CN_WEEK_PREFIX = "(?P<which>" + "|".join(_CN_WEEK_SHIFT) + ")"
_CN_MONTH_PREFIX = "(?P<which>本|这个|这|下下个|下下|下个|下|上个|上)"
_CN_WEEK = "(?:周|星期|礼拜)"

_CN_DAY_WORDS = {
    "大后天": 3, "大前天": -3, "今天": 0, "今日": 0, "今儿": 0, "明天": 1, "明日": 1, "明儿": 1,
    "后天": 2, "昨天": -1, "昨日": -1, "前天": -2,
}  # fmt: skip
_CN_PERIODS = {
    "凌晨": "dawn", "清晨": "morning", "早上": "morning", "早晨": "morning", "上午": "morning",
    "中午": "noon", "午后": "afternoon", "下午": "afternoon", "傍晚": "evening",
    "晚上": "night", "晚间": "night", "夜里": "night", "夜间": "night",
    "早": "morning", "晚": "night",
}  # fmt: skip
_CN_PERIOD = "(?:" + "|".join(p for p in _CN_PERIODS if len(p) > 1) + ")"
# A lone 早/晚 is a period only right before an hour (晚8点), and not inside 明早/今晚.
_CN_PERIOD_BEFORE_HOUR = rf"(?:{_CN_PERIOD}|(?<![今明昨])[早晚])"
# (default hour, hour the period ends): a vague period is "still running" until its end.
_PERIOD_HOURS = {
    "dawn": (6, 7),
    "morning": (9, 12),
    "noon": (12, 13),
    "afternoon": (14, 18),
    "evening": (18, 20),
    "night": (20, 24),
}
_EVENING_LIKE = frozenset({"pm", "afternoon", "evening"})

# Traditional forms IMEs still produce, mapped 1:1 so spans stay valid.
_SIMPLIFY = str.maketrans("週後個兩點時號禮間裡這淩鐘", "周后个两点时号礼间里这凌钟")

_EN_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "weds": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
_EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_EN_NUMBERS = {
    "a couple of": 2, "couple of": 2, "an": 1, "a": 1, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_EN_DAY_WORDS = {
    "today": 0, "tonight": 0, "tomorrow": 1, "tomorow": 1, "tommorow": 1, "tommorrow": 1,
    "tmrw": 1, "tmr": 1, "2morrow": 1, "yesterday": -1,
}  # fmt: skip
_EN_PERIODS = {"morning": "morning", "afternoon": "afternoon", "evening": "evening", "night": "night"}


def _alternation(words: dict[str, Any]) -> str:
    # Longest first, so "monday" is preferred to "mon" and "a couple of" to "a".
    ordered = sorted(words, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) + ")"


_EN_WEEKDAY = _alternation(_EN_WEEKDAYS)
_EN_MONTH = _alternation(_EN_MONTHS)
_EN_COUNT = rf"(?:\d{{1,3}}|{_alternation(_EN_NUMBERS)})"
_EN_UNIT = r"(?:days?|weeks?|fortnights?|months?|years?|hours?|hrs?|minutes?|mins?)"
_EN_POSITION = r"(?P<pos>early|beginning\s+of|start\s+of|mid|middle\s+of|end\s+of|late)"
_AMPM = r"(?P<ap>a\.?m\.?|p\.?m\.?)(?![a-z])"
_W = r"(?<![a-z])"  # \b treats CJK as word characters, so English words get explicit edges
_E = r"(?![a-z])"
# A preposition right before a short form makes it a date: "on sat", "by the 15th".
_DATE_PREPOSITION = re.compile(r"(?<![a-z])(?:on|by|until|till|before|from|since|due)\s+(?:the\s+)?$", re.I)


def _en_number(word: str) -> int:
    word = re.sub(r"\s+", " ", word.lower())
    return int(word) if word.isdigit() else _EN_NUMBERS[word]


def _cn_number(text: str) -> int:
    value = parse_cn_int(text)
    if value is None:
        raise _Unreadable(f"{text!r} is not a number")
    return value


def _position(word: str) -> str:
    word = word.lower()
    if word in ("early", "初") or word.startswith(("beginning", "start")):
        return "start"
    if word in ("中",) or word.startswith("mid"):
        return "mid"
    return "end"


# --------------------------------------------------------------------------- the rule table

_Handler = Callable[[re.Match[str], _Ctx], _Value | None]


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    handler: _Handler


_RULES: list[_Rule] = []


def _rule(pattern: str) -> Callable[[_Handler], _Handler]:
    """Register a rule. The lookahead wrapper makes finditer report a match at every position,
    so a long phrase never hides a shorter one starting inside it; overlaps are settled later."""

    def register(handler: _Handler) -> _Handler:
        compiled = re.compile(f"(?=(?P<all>{pattern}))", re.IGNORECASE)
        _RULES.append(_Rule(handler.__name__, compiled, handler))
        return handler

    return register


def _shift(ctx: _Ctx, amount: int, unit: str) -> _Value:
    """today + N days/weeks/months/years, or now + N hours/minutes."""
    if unit in ("hour", "minute"):
        moment = ctx.now + (dt.timedelta(hours=amount) if unit == "hour" else dt.timedelta(minutes=amount))
        return _Value(day=moment.date(), clock=_Clock(moment.hour, moment.minute, literal=True))
    if unit in ("day", "week"):
        return _Value(day=ctx.today + dt.timedelta(days=amount * (7 if unit == "week" else 1)))
    return _Value(day=_add_months(ctx.today, amount * (12 if unit == "year" else 1)))


# ---- relative days: 今天 明天 后天 大后天 昨天, today tomorrow yesterday


@_rule("(?<![以之然最])(?:" + "|".join(_CN_DAY_WORDS) + ")")
def _cn_day_word(m: re.Match[str], ctx: _Ctx) -> _Value:
    offset = _CN_DAY_WORDS[m["all"]]
    return _Value(day=ctx.today + dt.timedelta(days=offset), named=offset != 0)


@_rule(r"(?P<d>[今明昨])(?P<p>[早晚])上?")
def _cn_day_and_period(m: re.Match[str], ctx: _Ctx) -> _Value:
    offset = {"今": 0, "明": 1, "昨": -1}[m["d"]]
    clock = _Clock(None, period=_CN_PERIODS[m["p"]])
    return _Value(day=ctx.today + dt.timedelta(days=offset), clock=clock, named=offset != 0)


@_rule(rf"{_W}(?:(?P<after>(?:the\s+)?day\s+after\s+tomorrow)|(?P<before>(?:the\s+)?day\s+before\s+yesterday)"
       rf"|(?P<word>{_alternation(_EN_DAY_WORDS)})){_E}")  # fmt: skip
def _en_day_word(m: re.Match[str], ctx: _Ctx) -> _Value:
    offset = 2 if m["after"] else -2 if m["before"] else _EN_DAY_WORDS[m["word"].lower()]
    clock = _Clock(None, period="night") if (m["word"] or "").lower() == "tonight" else None
    return _Value(day=ctx.today + dt.timedelta(days=offset), clock=clock, named=offset != 0)


@_rule(rf"{_W}this\s+(?P<p>morning|afternoon|evening){_E}")
def _en_this_period(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _Value(day=ctx.today, clock=_Clock(None, period=_EN_PERIODS[m["p"].lower()]), named=False)


# ---- counted offsets: 三天后 两周后 一个月后 半年后 三天内 过两天 3天前, in 5 days, a month from now


_CN_UNITS = {
    "天": "day", "日": "day", "周": "week", "星期": "week", "礼拜": "week", "月": "month", "年": "year",
}  # fmt: skip


@_rule(rf"(?P<n>{_COUNT}|半)\s*(?P<ge>个)?\s*(?P<u>天|日|周|星期|礼拜|月|年)\s*"
       r"(?P<dir>以后|之后|过后|后|以内|之内|内|以前|之前|前)")  # fmt: skip
def _cn_offset(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    unit, ago = _CN_UNITS[m["u"]], m["dir"].endswith("前")
    if unit == "month" and not m["ge"] and m["n"] != "半":
        return None  # 三月后 is "after March" as often as "in three months"
    if m["u"] == "日" and ago:
        return None  # 5日前 means "before the 5th", left to the day-of-month rule
    if m["n"] == "半":
        if unit == "month":
            return _shift(ctx, -15 if ago else 15, "day")
        if unit == "year":
            return _shift(ctx, -6 if ago else 6, "month")
        return None
    amount = parse_cn_int(m["n"])
    if amount is None:
        return None
    return _shift(ctx, -amount if ago else amount, unit)


@_rule(rf"过\s*(?P<n>{_COUNT})\s*个?\s*(?P<u>天|周|星期|礼拜|月)(?:以后|之后|后)?")
def _cn_after(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    amount = parse_cn_int(m["n"])
    return None if amount is None else _shift(ctx, amount, _CN_UNITS[m["u"]])


@_rule(rf"(?P<n>{_COUNT}|半)\s*个?\s*(?P<u>小时|钟头|分钟)\s*(?:以后|之后|后)")
def _cn_hours_later(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    unit = "minute" if m["u"] == "分钟" else "hour"
    if m["n"] == "半":
        return _shift(ctx, 30, "minute") if unit == "hour" else None
    amount = parse_cn_int(m["n"])
    return None if amount is None else _shift(ctx, amount, unit)


def _en_unit(word: str) -> tuple[int, str]:
    word = word.lower().rstrip("s")
    if word == "fortnight":
        return 2, "week"
    return 1, {"hr": "hour", "min": "minute"}.get(word, word)


@_rule(rf"{_W}(?:(?:in|within|after)\s+(?P<n1>{_EN_COUNT})\s+(?P<u1>{_EN_UNIT})(?:'?\s+time)?"
       rf"|(?P<n2>{_EN_COUNT})\s+(?P<u2>{_EN_UNIT})\s+"
       rf"(?P<post>from\s+now|from\s+today|later|hence|ago)){_E}")  # fmt: skip
def _en_offset(m: re.Match[str], ctx: _Ctx) -> _Value:
    count, unit_word = (m["n1"], m["u1"]) if m["n1"] else (m["n2"], m["u2"])
    factor, unit = _en_unit(unit_word)
    amount = _en_number(count) * factor
    ago = (m["post"] or "").lower() == "ago"
    return _shift(ctx, -amount if ago else amount, unit)


# ---- weekdays: 下周三 下下周一 周六 这周五 上周二 周末, next thursday, this saturday, fri


@_rule(rf"{_CN_WEEK_PREFIX}?\s*{_CN_WEEK}(?P<wd>[一二三四五六日天1-7])(?![{_NOT_A_WEEKDAY_AFTER}])")
def _cn_weekday(m: re.Match[str], ctx: _Ctx) -> _Value:
    weekday = _CN_WEEKDAYS[m["wd"]]
    if m["which"] is None:
        return _Value(day=_on_or_after(ctx.today, weekday))
    return _Value(day=_week_day(ctx.today, _CN_WEEK_SHIFT[m["which"]], weekday))


@_rule(rf"{_CN_WEEK_PREFIX}?\s*{_CN_WEEK}末")
def _cn_weekend(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _Value(day=_weekend(ctx.today, _CN_WEEK_SHIFT[m["which"]] if m["which"] else None))


@_rule(r"(?P<which>下下个|下下|下个|下|上上个|上上|上个|上)\s*(?:周|星期|礼拜)")
def _cn_week(m: re.Match[str], ctx: _Ctx) -> _Value:
    # "下周再联系": a week with no day means its Monday.
    return _Value(day=_week_day(ctx.today, _CN_WEEK_SHIFT[m["which"]], 0))


def _weekend(today: dt.date, weeks: int | None) -> dt.date:
    if weeks is None or weeks == 0:
        return today if today.weekday() == 6 else _on_or_after(today, 5)
    return _week_day(today, weeks, 5)


_EN_SHIFT = {"next": 1, "last": -1, "this": 0}


@_rule(rf"{_W}(?:(?P<which>next|this\s+coming|coming|this|last)\s+)?(?P<wd>{_EN_WEEKDAY})\.?{_E}"
       rf"(?:\s+(?P<week>next|this|last)\s+week{_E})?")  # fmt: skip
def _en_weekday(m: re.Match[str], ctx: _Ctx) -> _Value:
    word = m["wd"].lower()
    weekday = _EN_WEEKDAYS[word]
    which = (m["week"] or m["which"] or "").lower()
    if which in ("next", "last"):
        return _Value(day=_week_day(ctx.today, _EN_SHIFT[which], weekday))
    # "sat" and "sun" are words too: bare, they count only after a preposition ("on sat").
    framed = bool(which) or bool(_DATE_PREPOSITION.search(m.string, 0, m.start("all")))
    ambiguous = word in ("sat", "sun") and not framed
    return _Value(day=_on_or_after(ctx.today, weekday), ambiguous=ambiguous)


@_rule(rf"{_W}(?P<which>next|this|last)\s+week\s+(?:on\s+)?(?P<wd>{_EN_WEEKDAY})\.?{_E}")
def _en_week_then_weekday(m: re.Match[str], ctx: _Ctx) -> _Value:
    weekday = _EN_WEEKDAYS[m["wd"].lower()]
    return _Value(day=_week_day(ctx.today, _EN_SHIFT[m["which"].lower()], weekday))


@_rule(rf"{_W}(?:(?P<which>next|this|last)\s+)?weekend{_E}")
def _en_weekend(m: re.Match[str], ctx: _Ctx) -> _Value:
    which = (m["which"] or "").lower()
    return _Value(day=_weekend(ctx.today, _EN_SHIFT[which] if which else None))


@_rule(rf"{_W}(?P<which>next|last)\s+(?P<u>week|month|year){_E}")
def _en_next_period(m: re.Match[str], ctx: _Ctx) -> _Value:
    shift, unit = _EN_SHIFT[m["which"].lower()], m["u"].lower()
    # A period with no day means its first day: Monday, the 1st, January 1st.
    if unit == "week":
        return _Value(day=_week_day(ctx.today, shift, 0))
    if unit == "month":
        return _Value(day=_add_months(ctx.today.replace(day=1), shift))
    return _Value(day=dt.date(ctx.today.year + shift, 1, 1))


# ---- month and year positions: 月底 下个月底 月初 下月初 月中 3月底 年底, end of month, early next month


# 下个月 / 上个月 / 本月 take the same prefixes as weeks.
_MONTH_SHIFT = _CN_WEEK_SHIFT | {"this": 0, "next": 1, "last": -1}


def _month_relative(ctx: _Ctx, which: str | None, position: str) -> _Value:
    shift = 0 if which is None else _MONTH_SHIFT[which]
    first = _add_months(ctx.today.replace(day=1), shift)
    day = _month_position(ctx.today, first.year, first.month, position)
    if which is None and day < ctx.today:
        # 月初 said on the 20th, 月中 on the 16th: the next one.
        first = _add_months(first, 1)
        day = _month_position(ctx.today, first.year, first.month, position)
    return _Value(day=day)


def _named_month(ctx: _Ctx, year: int | None, month: int, position: str) -> _Value:
    if not 1 <= month <= 12:
        return _Value(error=f"there is no month {month}")
    if year is not None:
        return _Value(day=_month_position(ctx.today, year, month, position))
    day = _month_position(ctx.today, ctx.today.year, month, position)
    if day < ctx.today:
        day = _month_position(ctx.today, ctx.today.year + 1, month, position)
    return _Value(day=day)


@_rule(rf"{_CN_MONTH_PREFIX}?\s*月份?(?P<pos>底|末|初|中)(?!旬)")
def _cn_month_position(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _month_relative(ctx, m["which"], _position(m["pos"]))


@_rule(rf"(?:(?P<y>(?<!\d)\d{{4}}|[今明去])\s*年\s*)?(?P<mon>{_MONTH_NUM})\s*月份?(?P<pos>底|末|初|中)(?!旬)")
def _cn_named_month_position(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _named_month(ctx, _cn_year(m["y"], ctx), _cn_number(m["mon"]), _position(m["pos"]))


@_rule(r"(?:(?P<which>[今明去])|(?<!\d)(?P<y>\d{4}))?\s*年年?(?P<pos>底|末|初)")
def _cn_year_position(m: re.Match[str], ctx: _Ctx) -> _Value:
    position = _position(m["pos"])
    year = _cn_year(m["which"] or m["y"], ctx)
    if year is not None:
        return _Value(day=_year_position(ctx.today, year, position))
    day = _year_position(ctx.today, ctx.today.year, position)
    return _Value(day=day if day >= ctx.today else _year_position(ctx.today, ctx.today.year + 1, position))


@_rule(rf"{_W}{_EN_POSITION}[\s-]+(?:the\s+)?(?:(?P<which>this|next|last)\s+)?month{_E}")
def _en_month_position(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _month_relative(ctx, (m["which"] or "").lower() or None, _position(m["pos"]))


@_rule(rf"{_W}(?:(?P<which>this|next|last)\s+)?(?:month[\s-]end|eom){_E}")
def _en_month_end(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _month_relative(ctx, (m["which"] or "").lower() or None, "end")


@_rule(rf"{_W}{_EN_POSITION}[\s-]+(?:of\s+)?(?P<mon>{_EN_MONTH})\.?{_E}(?:,?\s+(?P<y>\d{{4}})(?!\d))?")
def _en_named_month_position(m: re.Match[str], ctx: _Ctx) -> _Value:
    year = int(m["y"]) if m["y"] else None
    return _named_month(ctx, year, _EN_MONTHS[m["mon"].lower()], _position(m["pos"]))


@_rule(rf"{_W}(?:(?P<pos>early|beginning\s+of|start\s+of|end\s+of|late)\s+(?:the\s+)?(?:(?P<which>this|next|last)\s+)?year"
       rf"|(?:(?P<which2>this|next|last)\s+)?(?:year[\s-]end|eoy)){_E}")  # fmt: skip
def _en_year_position(m: re.Match[str], ctx: _Ctx) -> _Value:
    position = _position(m["pos"]) if m["pos"] else "end"
    which = (m["which"] or m["which2"] or "").lower()
    if which:
        return _Value(day=_year_position(ctx.today, ctx.today.year + _EN_SHIFT[which], position))
    day = _year_position(ctx.today, ctx.today.year, position)
    return _Value(day=day if day >= ctx.today else _year_position(ctx.today, ctx.today.year + 1, position))


@_rule(rf"{_W}(?:end\s+of\s+(?:the\s+)?(?:(?P<which>this|next)\s+)?week|eow){_E}")
def _en_week_end(m: re.Match[str], ctx: _Ctx) -> _Value:
    # The business week ends on Friday; said at the weekend, the week is ending now.
    if (m["which"] or "").lower() == "next":
        return _Value(day=_week_day(ctx.today, 1, 4))
    return _Value(day=max(_week_day(ctx.today, 0, 4), ctx.today))


@_rule(rf"{_W}(?:end\s+of\s+(?:the\s+)?day|eod|cob|close\s+of\s+business){_E}")
def _en_day_end(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _Value(day=ctx.today, named=False)


# ---- explicit dates: 12月5日 2027年3月1日 15号 下个月10号, 2026-12-05, 12/5, Dec 5, 5 Dec, the 15th


def _cn_year(text: str | None, ctx: _Ctx) -> int | None:
    if text is None:
        return None
    relative = {"今": 0, "明": 1, "后": 2, "去": -1, "前": -2}
    if text in relative:
        return ctx.today.year + relative[text]
    year = _cn_number(text)
    return year + 2000 if year < 100 else year


def _explicit_date(ctx: _Ctx, year: int | None, month: int, day: int) -> _Value:
    try:
        if year is None:
            return _Value(day=_next_month_day(ctx.today, month, day))
        return _Value(day=_make_date(year, month, day))
    except _Unreadable as exc:
        return _Value(error=str(exc))


@_rule(rf"(?:(?P<y>(?<!\d)\d{{4}}|(?<!\d)\d{{2}}|[{_CN_DIGITS}]{{4}}|[今明后去前])\s*年\s*)?"
       rf"(?P<mon>{_MONTH_NUM})\s*月\s*(?P<d>{_DAY_NUM})(?:\s*[日号]|(?![\d天个周点时:]))")  # fmt: skip
def _cn_month_day(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _explicit_date(ctx, _cn_year(m["y"], ctx), _cn_number(m["mon"]), _cn_number(m["d"]))


# 10号楼 (building 10), 3号线 (line 3), 第5号: numbers with 号 that are not days.
@_rule(rf"(?<!第)(?P<d>{_DAY_NUM})\s*[号日](?![楼线馆厅房门店仓院车机位台口桌码])")
def _cn_day_of_month(m: re.Match[str], ctx: _Ctx) -> _Value:
    try:
        return _Value(day=_next_day_of_month(ctx.today, _cn_number(m["d"])))
    except _Unreadable as exc:
        return _Value(error=str(exc))


@_rule(rf"{_CN_MONTH_PREFIX}\s*月\s*(?P<d>{_DAY_NUM})\s*[号日]")
def _cn_relative_month_day(m: re.Match[str], ctx: _Ctx) -> _Value:
    first = _add_months(ctx.today.replace(day=1), _MONTH_SHIFT[m["which"]])
    return _explicit_date(ctx, first.year, first.month, _cn_number(m["d"]))


@_rule(r"(?P<which>下下个|下下|下个|下|上个|上)\s*月份?")
def _cn_next_month(m: re.Match[str], ctx: _Ctx) -> _Value:
    # "下个月再说": a month with no day means its first day.
    return _Value(day=_add_months(ctx.today.replace(day=1), _CN_WEEK_SHIFT[m["which"]]))


@_rule(r"(?<![\d/.-])(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<mon>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})"
       r"(?![\d/.-])(?:\s*[日号])?")  # fmt: skip
def _iso_date(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _explicit_date(ctx, int(m["y"]), int(m["mon"]), int(m["d"]))


@_rule(r"(?<![\d/.:-])(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?"
       r"(?![\d/-]|\.\d|\s*[%:点])")  # fmt: skip
def _numeric_date(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    if m["sep"] == "." and not m["y"]:
        return None  # 3.5 is a number
    month, day = (int(m["b"]), int(m["a"])) if ctx.day_first else (int(m["a"]), int(m["b"]))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None  # 13/45 is a ratio, not a date
    year = None if m["y"] is None else int(m["y"]) + (2000 if len(m["y"]) == 2 else 0)
    value = _explicit_date(ctx, year, month, day)
    # In a sentence "3-5个" is a range and "砍了1/3" a fraction far more often than a date.
    a, b = int(m["a"]), int(m["b"])
    looks_like_fraction = m["sep"] == "/" and a < b <= 10
    return replace(value, ambiguous=year is None and (m["sep"] == "-" or looks_like_fraction))


@_rule(rf"{_W}(?P<mon>{_EN_MONTH})\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:a-z])"
       r"(?:,?\s+(?P<y>\d{4})(?!\d))?")  # fmt: skip
def _en_month_day(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _explicit_date(ctx, int(m["y"]) if m["y"] else None, _EN_MONTHS[m["mon"].lower()], int(m["d"]))


@_rule(rf"(?<![a-z\d])(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_EN_MONTH})\.?{_E}"
       r"(?:,?\s+(?P<y>\d{4})(?!\d))?")  # fmt: skip
def _en_day_month(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _explicit_date(ctx, int(m["y"]) if m["y"] else None, _EN_MONTHS[m["mon"].lower()], int(m["d"]))


@_rule(r"(?<![a-z\d])(?P<the>the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)(?![a-z])")
def _en_ordinal_day(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    day = int(m["d"])
    if not 1 <= day <= 31:
        return None
    # "by the 15th" is a date; "the 5th meeting" and "our 3rd visit" are not.
    framed = bool(m["the"]) or bool(_DATE_PREPOSITION.search(m.string, 0, m.start("all")))
    followed_by_word = re.match(r"\s+[a-z]", m.string[m.end("all") :], re.IGNORECASE) is not None
    return _Value(day=_next_day_of_month(ctx.today, day), ambiguous=not framed or followed_by_word)


# ---- clock times: 下午3点 3点半 两点 晚上8点 3点15分 中午 凌晨, 3pm 9:30am noon at 3


def _ampm(word: str) -> str:
    return "am" if word.lower().startswith("a") else "pm"


def _count_word_before(m: re.Match[str]) -> bool:
    # 提了3点建议 / 这两点 / 第三点: 点 counts points, not hours.
    start = m.start("all")
    return start > 0 and m.string[start - 1] in "第了有这那几"


@_rule(rf"(?:(?P<p>{_CN_PERIOD_BEFORE_HOUR})\s*)?(?P<h>{_HOUR_NUM})\s*[点时]"
       rf"(?:\s*(?P<half>半)|\s*(?P<q1>一刻)|\s*(?P<q3>三刻)"
       rf"|\s*(?P<m>{_MINUTE_NUM})(?:\s*分)?|\s*整|\s*钟)?")  # fmt: skip
def _cn_clock(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    hour = parse_cn_int(m["h"])
    minute_text = (m["m"] or "0").lstrip("零〇") or "0"  # 三点零五: 零 only pads the minutes
    minute = 30 if m["half"] else 15 if m["q1"] else 45 if m["q3"] else parse_cn_int(minute_text)
    if hour is None or minute is None or hour > 24 or minute > 59:
        return None
    literal = hour >= 13 or hour == 0 or m["h"].startswith("0")
    period = _CN_PERIODS[m["p"]] if m["p"] else None
    return _Value(clock=_Clock(hour, minute, period, literal), ambiguous=not m["p"] and _count_word_before(m))


@_rule(rf"(?:(?P<p>{_CN_PERIOD_BEFORE_HOUR})\s*)?(?<![\d:.])(?P<h>\d{{1,2}})\s*:\s*(?P<m>\d{{2}})(?![\d:])"
       rf"(?:\s*{_AMPM})?")  # fmt: skip
def _colon_clock(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    hour, minute = int(m["h"]), int(m["m"])
    if hour > 24 or minute > 59:
        return None
    period = _CN_PERIODS[m["p"]] if m["p"] else _ampm(m["ap"]) if m["ap"] else None
    literal = hour >= 13 or hour == 0 or m["h"].startswith("0")
    return _Value(clock=_Clock(hour, minute, period, literal))


@_rule(rf"(?<![\d:.])(?P<h>\d{{1,2}})(?:\.(?P<m>\d{{2}}))?\s*{_AMPM}")
def _ampm_clock(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    hour, minute = int(m["h"]), int(m["m"] or 0)
    if not 1 <= hour <= 12 or minute > 59:
        return None
    return _Value(clock=_Clock(hour, minute, _ampm(m["ap"])))


@_rule(rf"{_W}(?:(?P<at>at|@)\s*)?(?P<h>\d{{1,2}})(?![\d:.]|\s*(?:a\.?m|p\.?m|%))"
       rf"(?P<oclock>\s*o'?clock{_E})?")  # fmt: skip
def _en_bare_hour(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    if not (m["at"] or m["oclock"]):
        return None  # a lone number is not a time
    hour = int(m["h"])
    if hour > 24:
        return None
    # "at 3 sites" is a count; "at 3" next to a day ("tomorrow at 3") is joined and kept.
    return _Value(clock=_Clock(hour, 0, None, hour >= 13 or hour == 0), ambiguous=not m["oclock"])


@_rule(rf"{_W}(?:12\s*)?(?P<w>noon|midday|midnight){_E}")
def _en_noon(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _Value(clock=_Clock(0 if m["w"].lower() == "midnight" else 12, 0, None, literal=True))


@_rule(rf"{_CN_PERIOD}(?!好)")  # 早上好 is a greeting
def _cn_period(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _Value(clock=_Clock(None, period=_CN_PERIODS[m["all"]]))


@_rule(rf"{_W}(?:in\s+the\s+|at\s+)?(?P<p>morning|afternoon|evening|night){_E}")
def _en_period(m: re.Match[str], ctx: _Ctx) -> _Value:
    # "good morning": an English period word is a time only next to a day ("tomorrow morning").
    return _Value(clock=_Clock(None, period=_EN_PERIODS[m["p"].lower()]), ambiguous=True)


# --------------------------------------------------------------------------- scanning


def _prepare(text: str) -> str:
    return normalize(text).translate(_SIMPLIFY)


def _scan(text: str, ctx: _Ctx) -> list[_Part]:
    found: list[_Part] = []
    for rule in _RULES:
        for m in rule.pattern.finditer(text):
            start, end = m.span("all")
            if start == end:
                continue
            try:
                value = rule.handler(m, ctx)
            except _Unreadable as exc:
                value = _Value(error=str(exc))
            if value is not None:
                found.append(_Part(start, end, value))
    # The longest reading wins ("下个月底" over "月底"); on a tie, a readable part beats an
    # error ("周三十点" is 周三 + 十点, not the impossible 三十点), then the earlier one.
    found.sort(key=lambda p: (p.start - p.end, p.value.error is not None, p.start))
    chosen: list[_Part] = []
    for part in found:
        if all(part.end <= other.start or part.start >= other.end for other in chosen):
            chosen.append(part)
    return sorted(chosen, key=lambda p: p.start)


# What may sit between a day and its time: "tomorrow at 4pm", "明天 下午3点", "下周一的上午",
# "2026-12-05T15:00".
_JOINER = re.compile(r"\s*(?:,|at|@|on|的|T)?\s*", re.IGNORECASE)


def _fits(group: list[_Part], part: _Part) -> bool:
    values = [p.value for p in group]
    if part.value.error or any(v.error for v in values):
        return False
    if part.value.day and any(v.day for v in values):
        return False
    clocks = [v.clock for v in values if v.clock] + ([part.value.clock] if part.value.clock else [])
    return sum(c.hour is not None for c in clocks) <= 1 and sum(c.hour is None for c in clocks) <= 1


def _merge(parts: list[_Part]) -> _Group:
    values = [p.value for p in parts]
    day_values = [v for v in values if v.day]
    clocks = [v.clock for v in values if v.clock]
    exact = next((c for c in clocks if c.hour is not None), None)
    vague = next((c for c in clocks if c.hour is None), None)
    clock = exact or vague
    if exact and vague and exact.period is None:
        clock = replace(exact, period=vague.period)  # 明早 + 8点半, "tomorrow morning at 9"
    return _Group(
        start=parts[0].start,
        end=parts[-1].end,
        day=day_values[0].day if day_values else None,
        clock=clock,
        named=any(v.named for v in day_values),
        ambiguous=all(v.ambiguous for v in values),
        error=next((v.error for v in values if v.error), None),
    )


def _groups(text: str, ctx: _Ctx) -> list[_Group]:
    runs: list[list[_Part]] = []
    for part in _scan(text, ctx):
        last = runs[-1] if runs else None
        if last and _JOINER.fullmatch(text, last[-1].end, part.start) and _fits(last, part):
            last.append(part)
        else:
            runs.append([part])
    return [_merge(run) for run in runs]


# --------------------------------------------------------------------------- resolving


def _hour24(hour: int, period: str | None, literal: bool) -> int | None:
    if period is None:
        if literal or hour == 0 or hour >= 12:
            return hour if hour < 24 else None
        return hour if hour >= 7 else hour + 12  # business hours: 7-11 morning, 1-6 afternoon
    if hour > 12:
        return hour if period in _EVENING_LIKE | {"night"} and hour < 24 else None  # 下午15点
    if period == "am":
        return 0 if hour == 12 else hour
    if period == "dawn":
        return 0 if hour == 12 else hour
    if period == "morning":
        return hour
    if period == "noon":
        return hour if hour >= 11 else hour + 12 if hour <= 2 else None
    if period in _EVENING_LIKE:
        return hour if hour == 12 else hour + 12
    # night: 晚上8点 is 20:00; 夜里2点 is 02:00; 晚上12点 has no single reading
    if hour == 12:
        return None
    return hour + 12 if hour >= 5 else hour


def _clock_time(clock: _Clock) -> dt.time:
    if clock.hour is None:
        return dt.time(_PERIOD_HOURS[clock.period or "morning"][0])
    hour = _hour24(clock.hour, clock.period, clock.literal)
    if hour is None:
        raise _Unreadable(f"{clock.hour} o'clock does not fit that time of day")
    return dt.time(hour, clock.minute)


def _running(clock: _Clock, now: dt.datetime) -> bool:
    """A vague period (今晚, this afternoon) whose default hour has gone but which has not ended."""
    if clock.hour is not None:
        return False
    default, end = _PERIOD_HOURS[clock.period or "morning"]
    return default <= now.hour < end


@dataclass(frozen=True)
class _Resolved:
    date: dt.date
    time: dt.time | None
    past: bool
    tier: int | None  # find_date's preference, lower is better; None: not a follow-up date


def _resolve(group: _Group, ctx: _Ctx, *, in_sentence: bool) -> _Resolved:
    """Turn a group into a date and time; raises _Unreadable for an impossible reading.

    Tiers (find_date takes the best, then the earliest): 1 a named day; 2 a clock time still
    ahead today; 3 a period of today still ahead; 4 just "today"; 5 something in the past.
    """
    if group.error:
        raise _Unreadable(group.error)
    now, today = ctx.now, ctx.today
    clock = group.clock
    if clock is None:
        assert group.day is not None
        past = group.day < today
        tier = 5 if past else 1 if group.named else 4
        return _Resolved(group.day, None, past, tier)
    time = _clock_time(clock)
    if group.day is None:
        ahead = dt.datetime.combine(today, time) >= now
        if in_sentence:
            # "上午去了阿里" / "下午3点见了CTO": a time of day that has gone describes the visit.
            tier = (2 if clock.hour is not None else 3) if ahead else None
            return _Resolved(today, time, False, tier)
        if _running(clock, now):
            return _Resolved(today, None, False, 3)
        return _Resolved(today if ahead else today + dt.timedelta(days=1), time, False, 2)
    day = group.day
    if day == today and _running(clock, now):
        return _Resolved(day, None, False, 3 if not group.named else 1)
    past = dt.datetime.combine(day, time) < now
    if group.named:
        return _Resolved(day, time, past, 5 if past else 1)
    if past and day == today and in_sentence:
        return _Resolved(day, None, False, 4)  # "今天上午去了阿里": the visit was today
    return _Resolved(day, time, past, 5 if past else 2 if clock.hour is not None else 3)


def _context(now: dt.datetime, day_first: bool) -> _Ctx:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (the team's timezone)")
    timezone = getattr(now.tzinfo, "key", None) or now.strftime("%z")  # ZoneInfo name, else "+0800"
    return _Ctx(now=now.replace(tzinfo=None), day_first=day_first, timezone=timezone)


def _past_error(phrase: str, day: dt.date, time: dt.time | None) -> DateError:
    when = day.isoformat() if time is None else f"{day.isoformat()} {time:%H:%M}"
    return DateError("past", phrase, f"{when} is in the past")


def _unreadable(phrase: str, reason: str | None = None) -> DateError:
    message = f"cannot read {phrase!r} as a date" + (f": {reason}" if reason else "")
    return DateError("unreadable", phrase, message)


# --------------------------------------------------------------------------- public functions

# Words that may surround a date without changing it: "on friday", "by the 15th", "周五前", "3点左右".
_FILLER = re.compile(
    r"(?:[\s\W_]|(?<![a-z])(?:on|by|at|before|until|till|due|in|the|around|about)(?![a-z])"
    r"|之前|以前|前|左右|前后|多|大概|大约|约|在|于|到)*",
    re.IGNORECASE,
)


def parse_date(phrase: str, *, now: dt.datetime, allow_past: bool = False, day_first: bool = False) -> DateReading:
    """Read a phrase that is, as a whole, a date or date and time ("下周三下午两点", "Dec 5th").

    Surrounding whitespace, punctuation and filler words ("on", "by", "前") are ignored.
    `day_first` reads 5/12 as 5 December for teams whose locale writes it that way.
    Raises DateError("unreadable") when the phrase cannot be read and DateError("past") for a
    result before today (or, with a time, before now) unless `allow_past`.
    """
    ctx = _context(now, day_first)
    text = _prepare(phrase)
    groups = _groups(text, ctx)
    if len(groups) == 1:
        group = groups[0]
        covered = _FILLER.fullmatch(text, 0, group.start) and _FILLER.fullmatch(text, group.end)
        if covered:
            original = phrase[group.start : group.end]
            try:
                resolved = _resolve(group, ctx, in_sentence=False)
            except _Unreadable as exc:
                raise _unreadable(original, str(exc)) from None
            if resolved.past and not allow_past:
                raise _past_error(original, resolved.date, resolved.time)
            return DateReading(resolved.date, resolved.time, group.start, group.end, original)
    return _parse_with_dateparser(phrase, text, ctx, allow_past=allow_past)


def find_date(text: str, *, now: dt.datetime, allow_past: bool = False, day_first: bool = False) -> DateReading | None:
    """Find the follow-up date in a sentence ("拜访比亚迪采购部,他们在比价,三天后再联系").

    Prefers a named day that is not past; a time of day that has already gone ("上午去了阿里")
    describes the visit and is skipped; a bare 今天/today is returned only when nothing better
    is there. Returns None when the sentence holds no date. Raises DateError("past") when the only
    date found is past (unless `allow_past`), DateError("unreadable") when it is impossible.
    dateparser is not used here: its search mode reads too many ordinary words as dates.
    """
    ctx = _context(now, day_first)
    candidates: list[tuple[int, int, _Group, _Resolved | None, str | None]] = []
    for group in _groups(_prepare(text), ctx):
        if group.ambiguous:
            continue
        try:
            resolved = _resolve(group, ctx, in_sentence=True)
        except _Unreadable as exc:
            candidates.append((5, group.start, group, None, str(exc)))
            continue
        if resolved.tier is not None:
            candidates.append((resolved.tier, group.start, group, resolved, None))
    if not candidates:
        return None
    _, _, group, resolved, error = min(candidates, key=lambda c: (c[0], c[1]))
    original = text[group.start : group.end]
    if resolved is None:
        raise _unreadable(original, error)
    if resolved.past and not allow_past:
        raise _past_error(original, resolved.date, resolved.time)
    return DateReading(resolved.date, resolved.time, group.start, group.end, original)


# --------------------------------------------------------------------------- dateparser fallback

_DP_UNIT = re.compile(
    rf"{_W}(?:{_EN_MONTH}|{_EN_WEEKDAY}|days?|weeks?|fortnights?|months?|years?|hours?|minutes?){_E}|[年月日号周天]|星期|礼拜",
    re.IGNORECASE,
)
_DP_NUMBER = re.compile(
    rf"\d|{_W}(?:{_alternation(_EN_NUMBERS)}|next|last|ago|tomorrow|yesterday|today){_E}", re.IGNORECASE
)
_DP_TIME = re.compile(r"\d\s*(?:a\.?m|p\.?m|:\d\d|点|时|h\b|o'?clock)|noon|midnight|上午|下午|晚上|中午", re.IGNORECASE)
_DP_DAY_NUMBER = re.compile(r"(?<!\d)\d{1,2}(?!\d)")
_NUMERIC_SHAPE = re.compile(r"[\d\s/.:-]+")


def _parse_with_dateparser(phrase: str, text: str, ctx: _Ctx, *, allow_past: bool) -> DateReading:
    stripped = text.strip(" \t\r\n,.;:!?()[]\"'")
    start = text.find(stripped) if stripped else 0
    end = start + len(stripped)
    original = phrase[start:end]
    if not _looks_like_date(stripped):
        raise _unreadable(original or phrase)
    import dateparser  # slow to import and rarely needed, so only here

    settings: dict[str, Any] = {
        "RELATIVE_BASE": ctx.now,
        "PREFER_DATES_FROM": "future",
        "TIMEZONE": ctx.timezone,
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": "DMY" if ctx.day_first else "MDY",
    }
    result = dateparser.parse(stripped, languages=["zh", "en"], settings=settings)
    if result is None or not _agrees(stripped, result, ctx):
        raise _unreadable(original)
    day = result.date()
    time = result.time().replace(second=0, microsecond=0) if _DP_TIME.search(stripped) else None
    past = day < ctx.today if time is None else dt.datetime.combine(day, time) < ctx.now
    if past and not allow_past:
        raise _past_error(original, day, time)
    return DateReading(day, time, start, end, original)


def _looks_like_date(text: str) -> bool:
    if not text or len(text) > 60:
        return False
    if _NUMERIC_SHAPE.fullmatch(text):
        return False  # numeric shapes belong to the rules: dateparser would swap day and month
    return bool(_DP_UNIT.search(text) and _DP_NUMBER.search(text))


def _agrees(text: str, result: dt.datetime, ctx: _Ctx) -> bool:
    """Reject dateparser answers that contradict the phrase: it drops words it does not know."""
    lowered = text.lower()
    weekday = re.search(rf"{_W}({_EN_WEEKDAY}){_E}", lowered)
    if weekday and _EN_WEEKDAYS[weekday.group(1)] != result.weekday():
        return False  # "Thursday, March 5, 2027" names a Friday
    if re.search(rf"{_W}{_EN_MONTH}{_E}", lowered) and not _DP_DAY_NUMBER.search(lowered):
        return False  # "March 2027" names no day; dateparser would invent one
    if re.search(rf"{_W}(?:from\s+now|from\s+today|later|in){_E}", lowered) and result < ctx.now:
        return False
    return not (re.search(rf"{_W}ago{_E}", lowered) and result > ctx.now)
