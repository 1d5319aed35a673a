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
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from salesbot.nlp.numerals import NORMALIZE_TABLE
from salesbot.nlp.numerals import parse_cn_int as _parse_cn_int

# Pure and called for every number a rule reads: cached.
_cn_int = lru_cache(maxsize=4096)(_parse_cn_int)

__all__ = ["DateError", "DateReading", "WorkCalendar", "find_date", "find_dates", "parse_date"]


class WorkCalendar(Protocol):
    """The team's working days and festival days (salesbot.calendars has `cn` and `mon-fri`)."""

    def is_working_day(self, day: dt.date) -> bool: ...

    def festival(self, key: str, year: int) -> dt.date | None: ...


class _Weekdays:
    """The calendar when none is passed: Monday to Friday, and only the festivals on a fixed day of the year."""

    _FIXED: ClassVar[dict[str, tuple[int, int]]] = {
        "new_year": (1, 1),
        "labour": (5, 1),
        "national": (10, 1),
        "christmas": (12, 25),
    }

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5

    def festival(self, key: str, year: int) -> dt.date | None:
        month_day = self._FIXED.get(key)
        return dt.date(year, *month_day) if month_day else None


_WEEKDAYS = _Weekdays()


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True, slots=True)  # slots: built in 60% of the time, and every parse_date builds one
class DateReading:
    date: dt.date
    time: dt.time | None  # None when the phrase names no time
    start: int  # span of the phrase in the original text
    end: int
    phrase: str = ""
    # Issue 17: the day a relative phrase (过两天, in 3 days) gave before it moved to the next working day.
    moved_from: dt.date | None = None

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
# Named tuples rather than frozen dataclasses: a message dense with dates makes hundreds of these,
# and a tuple is several times cheaper to build.


class _Clock(NamedTuple):
    hour: int | None  # None: only a period of the day was named (下午, this morning)
    minute: int = 0
    period: str | None = None  # a key of _PERIOD_HOURS, or "am" / "pm"
    literal: bool = False  # written 24-hour style (15点, 09:30): no business-hours guess


class _Value(NamedTuple):
    """What one rule read from its match."""

    day: dt.date | None = None
    clock: _Clock | None = None
    named: bool = True  # False for 今天/today: it names a day but says nothing about a follow-up
    ambiguous: bool = False  # a date only when the whole phrase is one ("3-5" is usually a range)
    error: str | None = None  # has the shape of a date but is none (2月30日)
    relative: bool = False  # counted from today (三天后, in 3 days): moves off a day off


class _Part(NamedTuple):
    start: int
    end: int
    value: _Value


class _Group(NamedTuple):
    """Adjacent parts read together: at most one day and one clock."""

    start: int
    end: int
    day: dt.date | None
    clock: _Clock | None
    named: bool
    ambiguous: bool
    error: str | None
    relative: bool = False


class _Ctx(NamedTuple):
    now: dt.datetime  # naive, in the team's timezone
    today: dt.date  # now.date(), asked for by almost every rule
    day_first: bool
    tzinfo: dt.tzinfo  # the team's timezone, for dateparser's answers that name a zone ("10:00 +0800")
    calendar: WorkCalendar | None = None  # None: Monday to Friday, and relative follow-ups are not moved


class _Unreadable(Exception):
    pass


# --------------------------------------------------------------------------- calendar helpers

_EARLY_MONTH_LAST_DAY = 10  # 月初 / early month covers the 1st..10th (上旬)


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _last_day(year: int, month: int) -> int:
    # calendar.monthrange works out the weekday too; only February needs a thought.
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return _MONTH_DAYS[month]


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month0 + 1, min(day.day, _last_day(year, month0 + 1)))


# timedelta(n) rather than timedelta(days=n): keyword arguments make it twice as slow, and these
# run for nearly every phrase.


def _week_day(today: dt.date, weeks: int, weekday: int) -> dt.date:
    return today + dt.timedelta(7 * weeks + weekday - today.weekday())


def _on_or_after(today: dt.date, weekday: int) -> dt.date:
    return today + dt.timedelta((weekday - today.weekday()) % 7)


def _make_date(year: int, month: int, day: int) -> dt.date:
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise _Unreadable(f"there is no year {year}")  # "12/31/0000"
    if not 1 <= month <= 12:
        raise _Unreadable(f"there is no month {month}")
    if not 1 <= day <= _last_day(year, month):
        raise _Unreadable(f"{calendar.month_name[month]} {year} has no day {day}")
    return dt.date(year, month, day)


@lru_cache(maxsize=1024)  # pure, and a message full of dates asks the same few questions
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


@lru_cache(maxsize=1024)
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
    "后天": 2, "昨天": -1, "昨日": -1, "前天": -2, "昨儿": -1, "昨儿个": -1, "前儿": -2, "前儿个": -2,
    "今儿个": 0, "明儿个": 1,
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
# numerals.normalize and _SIMPLIFY in one pass: no character either maps is made by the other.
_PREPARE: dict[int, str | int] = {**NORMALIZE_TABLE, **_SIMPLIFY}

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
    "a couple of": 2, "couple of": 2, "a couple": 2, "an": 1, "a": 1, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90,
}  # fmt: skip
# "twenty-one", "twenty one": in 21 days
_EN_NUMBERS |= {
    f"{tens}{sep}{unit}": _EN_NUMBERS[tens] + _EN_NUMBERS[unit]
    for tens in ("twenty", "thirty")
    for unit in ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    for sep in ("-", " ")
}  # fmt: skip
_EN_DAY_WORDS = {
    "today": 0, "tonight": 0, "tomorrow": 1, "tomorow": 1, "tommorow": 1, "tommorrow": 1,
    "tmrw": 1, "tmr": 1, "2morrow": 1, "yesterday": -1,
    # chat spellings (2day, 2moro, tonite, yday)
    "tonite": 0, "2day": 0, "2nite": 0, "2night": 0, "tdy": 0,
    "2moro": 1, "2morow": 1, "2mrw": 1, "2mro": 1, "tmrow": 1,
    "yday": -1, "yest": -1, "yesterdy": -1, "yesturday": -1,
}  # fmt: skip
_EN_PERIODS = {"morning": "morning", "afternoon": "afternoon", "evening": "evening", "night": "night"}


def _alternation(words: dict[str, Any]) -> str:
    # Longest first, so "monday" is preferred to "mon" and "a couple of" to "a".
    ordered = sorted(words, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) + ")"


_EN_WEEKDAY = _alternation(_EN_WEEKDAYS)
_EN_MONTH = _alternation(_EN_MONTHS)
_EN_COUNT = rf"(?:\d{{1,3}}|{_alternation(_EN_NUMBERS)})"
_EN_UNIT = r"(?:days?|weeks?|wks?|fortnights?|months?|years?|hours?|hrs?|minutes?|mins?)"
_EN_POSITION = r"(?P<pos>early|beginning\s+of|start\s+of|mid|middle\s+of|end\s+of|late)"
_AMPM = r"(?P<ap>a\.?m\.?|p\.?m\.?)(?![a-z])"
_W = r"(?<![a-z])"  # \b treats CJK as word characters, so English words get explicit edges
_E = r"(?![a-z])"
# A preposition right before a short form makes it a date: "on sat", "by the 15th".
_DATE_PREPOSITION = re.compile(r"(?<![a-z])(?:on|by|until|till|before|from|since|due)\s+(?:the\s+)?$", re.I)
# A word after a short form makes it unsure ("the 5th meeting"); a function word does not ("for the 3rd to chase
# Stark", "the 3rd about pricing").
_FOLLOWED_BY_WORD = re.compile(r"\s+(?!(?:to|about|at|and|re|regarding|for|with|then)\b)[a-z]", re.I)


def _framing(m: re.Match[str]) -> tuple[bool, bool]:
    """What the short-form rules read around their match: a preposition before it, a word after it."""
    return _after_preposition(m.string, m.start("all")), _FOLLOWED_BY_WORD.match(m.string, m.end("all")) is not None


def _after_preposition(text: str, start: int) -> bool:
    """Whether "on", "by the", "until"... ends right before `start`: _DATE_PREPOSITION searched
    from just before the words it can match, not from the start of the text (quadratic in a long
    message full of dates)."""
    i = start
    while i and text[i - 1].isspace():
        i -= 1
    if text[max(i - 3, 0) : i].lower() == "the":
        i -= 3
        while i and text[i - 1].isspace():
            i -= 1
    return _DATE_PREPOSITION.search(text, max(i - 8, 0), start) is not None


def _en_number(word: str) -> int:
    word = re.sub(r"\s+", " ", word.lower())
    if "-" in word and word.replace("-", " ") in _EN_NUMBERS:
        word = word.replace("-", " ")
    return int(word) if word.isdigit() else _EN_NUMBERS[word]


def _cn_number(text: str) -> int:
    value = _cn_int(text)
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
    pattern: re.Pattern[str]  # case-insensitive, on the prepared text: the reference `fast` must agree with
    fast: re.Pattern[str]  # the same matches on the prepared text folded to lower case (see _fast_pattern)
    handler: _Handler
    needs: tuple[str, ...]
    also: tuple[str, ...]  # empty, or literals of which a match holds one as well as one of `needs`
    # None: the handler reads only its match. Else a function of the match returning all the handler reads of
    # the text around it (the word before, a preposition), so readings are reused only where that is the same.
    context: Callable[[re.Match[str]], object] | None


_RULES: list[_Rule] = []


def _rule(
    pattern: str, *, needs: str, also: str = "", context: Callable[[re.Match[str]], object] | None = None
) -> Callable[[_Handler], _Handler]:
    """Register a rule. The lookahead wrapper makes finditer report a match at every position,
    so a long phrase never hides a shorter one starting inside it; overlaps are settled later.

    `needs` lists, separated by "|", literal lower-case strings of which every match the handler
    accepts contains at least one (a word or character the phrase cannot do without). A text
    holding none of them skips the rule (_rules_for finds the words of all rules at once), so a
    phrase does not pay for forty scans; `also`, in the same form, is a second condition checked
    after it (月 and one of 底末初中 for 月底). A handler that reads the text around its match (m.string,
    m.start()) declares what it reads as `context`; readings are reused for the same match in the same
    context, so a message repeating a date costs per distinct phrase.
    """

    def register(handler: _Handler) -> _Handler:
        compiled = re.compile(f"(?=(?P<all>{pattern}))", re.IGNORECASE)
        fast = _fast_pattern(pattern)
        also_words = tuple(also.split("|")) if also else ()
        _RULES.append(_Rule(handler.__name__, compiled, fast, handler, tuple(needs.split("|")), also_words, context))
        return handler

    return register


def _fast_pattern(pattern: str) -> re.Pattern[str]:
    """The rule's pattern for text already folded to lower case (_fold), behind a guard on its first character.

    A pattern wrapped in a lookahead is tried in full at every position of the text (the regex engine only skips
    ahead for a pattern that starts with a literal or a set), and that was most of a scan's time. The guard
    `(?=[...])` lists the characters a match can start with, so most positions cost one set test. Without
    IGNORECASE, sets and literals are plain comparisons too; the folded text makes that safe. Where the first
    characters cannot be listed (None), the pattern runs unguarded, as before.
    """
    return re.compile(f"{_guard(pattern)}(?=(?P<all>{pattern}))")


def _guarded(pattern: str) -> re.Pattern[str]:
    """A pattern to search text folded to lower case with (see _fast_pattern): no flags, behind its guard."""
    return re.compile(f"{_guard(pattern)}(?:{pattern})")


def _guard(pattern: str) -> str:
    """A lookahead for the characters a match of `pattern` can start with, or "" when they cannot be listed."""
    first = _first_chars(pattern)
    return f"(?=[{first}])" if first else ""


class _Unbounded(Exception):
    """A pattern can start with any character (., [^x]) or with something _first_chars does not know."""


def _first_chars(pattern: str) -> str | None:
    """The body of a character set holding every character a non-empty match of `pattern` can start with, or
    None. Read from the parse tree of the standard library's regex parser: a private module, so anything
    unexpected there (a new Python) gives None, which costs speed only."""
    try:
        from re import _constants as sre
        from re import _parser as sre_parse

        chars, nullable = _first_of_sequence(sre_parse.parse(pattern).data, sre)
    except Exception:  # see the docstring
        return None
    return None if nullable or not chars else "".join(sorted(chars))


def _first_of_sequence(items: Iterable[tuple[Any, Any]], sre: Any) -> tuple[set[str], bool]:
    """(set items the sequence can start with, whether it can match empty). Zero-width items (lookarounds, \\b)
    are passed over: they only ever remove matches."""
    chars: set[str] = set()
    for op, av in items:
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            continue
        first, nullable = _first_of_item(op, av, sre)
        chars |= first
        if not nullable:
            return chars, False
    return chars, True


_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_SPACE": r"\s", "CATEGORY_WORD": r"\w"}


def _first_of_item(op: Any, av: Any, sre: Any) -> tuple[set[str], bool]:
    if op is sre.LITERAL:
        return {re.escape(chr(av))}, False
    if op is sre.IN:
        chars = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                chars.add(re.escape(chr(value)))
            elif kind is sre.RANGE:
                chars.add(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
            elif kind is sre.CATEGORY and str(value) in _CATEGORIES:
                chars.add(_CATEGORIES[str(value)])
            else:
                raise _Unbounded  # a negated set, \D, \W...
        return chars, False
    if op is sre.SUBPATTERN:
        return _first_of_sequence(av[-1], sre)
    if op is sre.BRANCH:
        chars, nullable = set(), False
        for alternative in av[1]:
            first, empty = _first_of_sequence(alternative, sre)
            chars |= first
            nullable = nullable or empty
        return chars, nullable
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, body = av
        first, empty = _first_of_sequence(body, sre)
        return first, empty or low == 0
    raise _Unbounded


# The only non-ASCII characters that re.IGNORECASE matches with ASCII letters; mapped so that a
# lower-cased text holds a rule's `needs` whenever the rule's pattern can match it, and so that a rule's `fast`
# pattern (no IGNORECASE) matches the folded text where its `pattern` matches the prepared one. No character then
# changes length when lower-cased (U+0130 did), so spans stay valid.
_ASCII_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_FOLD = {**_PREPARE, **_ASCII_FOLD}


def _fold(text: str) -> str:
    """The text prepared (_prepare) and lower-cased, in one pass, or a prepared text lower-cased: the same string.
    What the rules' fast patterns match, and what parse_date and find_date read."""
    return text.lower() if text.isascii() else text.translate(_FOLD).lower()


def _shift(ctx: _Ctx, amount: int, unit: str) -> _Value:
    """today + N days/weeks/months/years, or now + N hours/minutes."""
    if unit in ("hour", "minute"):
        moment = ctx.now + (dt.timedelta(hours=amount) if unit == "hour" else dt.timedelta(minutes=amount))
        return _Value(day=moment.date(), clock=_Clock(moment.hour, moment.minute, literal=True))
    if unit in ("day", "week"):
        return _Value(day=ctx.today + dt.timedelta(amount * (7 if unit == "week" else 1)), relative=amount > 0)
    return _Value(day=_add_months(ctx.today, amount * (12 if unit == "year" else 1)), relative=amount > 0)


# ---- relative days: 今天 明天 后天 大后天 昨天, today tomorrow yesterday


@_rule("(?<![以之然最])(?:" + "|".join(_CN_DAY_WORDS) + ")", needs="天|日|儿", also="今|明|后|昨|前")
def _cn_day_word(m: re.Match[str], ctx: _Ctx) -> _Value:
    offset = _CN_DAY_WORDS[m["all"]]
    return _Value(day=ctx.today + dt.timedelta(offset), named=offset != 0)


@_rule(r"(?P<d>[今明昨])(?P<p>[早晚])上?", needs="早|晚")
def _cn_day_and_period(m: re.Match[str], ctx: _Ctx) -> _Value:
    offset = {"今": 0, "明": 1, "昨": -1}[m["d"]]
    clock = _Clock(None, period=_CN_PERIODS[m["p"]])
    return _Value(day=ctx.today + dt.timedelta(offset), clock=clock, named=offset != 0)


# "the day after tmrw" as "the day after tomorrow": any spelling of the day word.
_TOMORROW = _alternation({w: 1 for w, n in _EN_DAY_WORDS.items() if n == 1})
_YESTERDAY = _alternation({w: 1 for w, n in _EN_DAY_WORDS.items() if n == -1})


@_rule(rf"{_W}(?:(?P<after>(?:the\s+)?day\s+after\s+{_TOMORROW})|(?P<before>(?:the\s+)?day\s+before\s+{_YESTERDAY})"
       rf"|(?P<word>{_alternation(_EN_DAY_WORDS)})){_E}", needs="to|tm|2m|2d|2n|ye|yd|td")  # fmt: skip
def _en_day_word(m: re.Match[str], ctx: _Ctx) -> _Value:
    offset = 2 if m["after"] else -2 if m["before"] else _EN_DAY_WORDS[m["word"].lower()]
    night = (m["word"] or "").lower() in ("tonight", "tonite", "2nite", "2night")
    clock = _Clock(None, period="night") if night else None
    return _Value(day=ctx.today + dt.timedelta(offset), clock=clock, named=offset != 0)


# "this am" / "this pm": chat shorthand for this morning / this afternoon.
@_rule(rf"{_W}this\s+(?P<p>morning|afternoon|evening|a\.?m\.?|p\.?m\.?)(?![a-z])", needs="this")
def _en_this_period(m: re.Match[str], ctx: _Ctx) -> _Value:
    word = m["p"].lower().replace(".", "")
    period = {"am": "morning", "pm": "afternoon"}.get(word) or _EN_PERIODS[word]
    return _Value(day=ctx.today, clock=_Clock(None, period=period), named=False)


# "last night" (a past evening, as 昨晚): yesterday at night.
@_rule(rf"{_W}last\s+night{_E}", needs="night")
def _en_last_night(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _Value(day=ctx.today - dt.timedelta(1), clock=_Clock(None, period="night"), named=True)


# ---- counted offsets: 三天后 两周后 一个月后 半年后 三天内 过两天 3天前, in 5 days, a month from now


_CN_UNITS = {
    "天": "day", "日": "day", "周": "week", "星期": "week", "礼拜": "week", "月": "month", "年": "year",
}  # fmt: skip


@_rule(rf"(?P<n>{_COUNT}|半)\s*(?P<ge>个)?\s*(?P<u>天|日|周|星期|礼拜|月|年)\s*"
       r"(?P<dir>以后|之后|过后|后(?!天)|以内|之内|内|以前|之前|前(?!天))", needs="后|内|前")  # fmt: skip
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
    amount = _cn_int(m["n"])
    if amount is None:
        return None
    return _shift(ctx, -amount if ago else amount, unit)


@_rule(rf"过\s*(?P<n>{_COUNT})\s*个?\s*(?P<u>天|周|星期|礼拜|月)(?:以后|之后|后)?", needs="过")
def _cn_after(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    amount = _cn_int(m["n"])
    return None if amount is None else _shift(ctx, amount, _CN_UNITS[m["u"]])


@_rule(rf"(?P<n>{_COUNT}|半)\s*个?\s*(?P<u>小时|钟头|分钟)\s*(?:以后|之后|后)", needs="后", also="时|头|分")
def _cn_hours_later(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    unit = "minute" if m["u"] == "分钟" else "hour"
    if m["n"] == "半":
        return _shift(ctx, 30, "minute") if unit == "hour" else None
    amount = _cn_int(m["n"])
    return None if amount is None else _shift(ctx, amount, unit)


def _en_unit(word: str) -> tuple[int, str]:
    word = word.lower().rstrip("s")
    if word == "fortnight":
        return 2, "week"
    return 1, {"hr": "hour", "min": "minute", "wk": "week"}.get(word, word)


@_rule(rf"{_W}(?:(?:in|within|after)\s+(?P<n1>{_EN_COUNT})\s+(?P<u1>{_EN_UNIT})(?:'?\s+time)?"
       rf"|(?P<n2>{_EN_COUNT})\s+(?P<u2>{_EN_UNIT})\s+"
       rf"(?P<post>from\s+now|from\s+today|later|hence|ago)){_E}", needs="day|week|wk|fortnight|month|year|hour|hr|min",
       also="in|after|from|later|hence|ago")  # fmt: skip
def _en_offset(m: re.Match[str], ctx: _Ctx) -> _Value:
    count, unit_word = (m["n1"], m["u1"]) if m["n1"] else (m["n2"], m["u2"])
    factor, unit = _en_unit(unit_word)
    amount = _en_number(count) * factor
    ago = (m["post"] or "").lower() == "ago"
    return _shift(ctx, -amount if ago else amount, unit)


# ---- weekdays: 下周三 下下周一 周六 这周五 上周二 周末, next thursday, this saturday, fri


@_rule(rf"(?:{_CN_WEEK_PREFIX}\s*)?{_CN_WEEK}(?P<wd>[一二三四五六日天1-7])(?![{_NOT_A_WEEKDAY_AFTER}])",
       needs="周|期|拜")  # fmt: skip
def _cn_weekday(m: re.Match[str], ctx: _Ctx) -> _Value:
    weekday = _CN_WEEKDAYS[m["wd"]]
    if m["which"] is None:
        return _Value(day=_on_or_after(ctx.today, weekday))
    return _Value(day=_week_day(ctx.today, _CN_WEEK_SHIFT[m["which"]], weekday))


@_rule(rf"(?:{_CN_WEEK_PREFIX}\s*)?{_CN_WEEK}末", needs="末")
def _cn_weekend(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _Value(day=_weekend(ctx.today, _CN_WEEK_SHIFT[m["which"]] if m["which"] else None))


@_rule(r"(?P<which>下下个|下下|下个|下|上上个|上上|上个|上)\s*(?:周|星期|礼拜)", needs="周|期|拜")
def _cn_week(m: re.Match[str], ctx: _Ctx) -> _Value:
    # "下周再联系": a week with no day means its Monday.
    return _Value(day=_week_day(ctx.today, _CN_WEEK_SHIFT[m["which"]], 0))


# "下周的今天", "一周后的今天", "下个月的今天", "明年的今天": today's date moved by that period, as 一周后. Read as one
# phrase, or 下周 (its Monday) and 今天 would be two days and the first would win.
_SAME_DAY = r"\s*的?\s*(?:今天|今日|今儿|这天|这一天|同一天|这个时候)"


@_rule(rf"(?P<which>下下个|下下|下个|下|明|后)\s*(?P<u>周|星期|礼拜|月|年){_SAME_DAY}", needs="今|这|同",
       also="周|期|拜|月|年")  # fmt: skip
def _cn_same_day_next(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    which, unit = m["which"], _CN_UNITS[m["u"]]
    if (unit == "year") != (which in ("明", "后")):
        return None  # 明周 / 下年 are no words
    amount = 2 if which in ("后", "下下", "下下个") else 1
    return _shift(ctx, amount, unit)


@_rule(rf"(?P<n>{_COUNT}|半)\s*(?P<ge>个)?\s*(?P<u>天|周|星期|礼拜|月|年)\s*(?:以后|之后|过后|后){_SAME_DAY}",
       needs="今|这|同", also="后")  # fmt: skip
def _cn_same_day_after(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    unit = _CN_UNITS[m["u"]]
    if m["n"] == "半":
        return _shift(ctx, 15, "day") if unit == "month" else _shift(ctx, 6, "month") if unit == "year" else None
    amount = _cn_int(m["n"])
    return None if amount is None else _shift(ctx, amount, unit)


# "next week today", "a week from today", "today next week", "a week today", "same day next week", "a week from
# tomorrow": that day plus a week. ("next week" alone is its Monday.)
@_rule(rf"{_W}(?:(?:next|nxt)\s+week[\s,]+(?P<d1>today|tomorrow)|(?P<d2>today|tomorrow)\s+(?:a\s+|next\s+)week"
       rf"|(?:(?:a|one)\s+)?week\s+(?:from\s+)?(?P<d3>today|tomorrow)|(?:this|same)\s+day\s+next\s+week){_E}",
       needs="week")  # fmt: skip
def _en_same_day_next_week(m: re.Match[str], ctx: _Ctx) -> _Value:
    base = 1 if (m["d1"] or m["d2"] or m["d3"] or "").lower() == "tomorrow" else 0
    return _Value(day=ctx.today + dt.timedelta(7 + base), relative=True)


def _weekend(today: dt.date, weeks: int | None) -> dt.date:
    if weeks is None or weeks == 0:
        return today if today.weekday() == 6 else _on_or_after(today, 5)
    return _week_day(today, weeks, 5)


_EN_SHIFT = {"next": 1, "nxt": 1, "last": -1, "this": 0}


# "Wednesday 9 December", "Thursday, Dec 3": the weekday only names the date that follows; the date is read.
@_rule(rf"{_W}(?:(?P<which>next|nxt|this\s+coming|coming|this|last)\s+)?(?P<wd>{_EN_WEEKDAY})\.?{_E}"
       rf"(?!,?\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_EN_MONTH}(?![a-z])|,?\s+{_EN_MONTH}\.?\s+\d)"
       rf"(?:\s+(?P<week>next|this|last)\s+week{_E})?",
       needs="mon|tue|wed|thu|fri|sat|sun", context=_framing)  # fmt: skip
def _en_weekday(m: re.Match[str], ctx: _Ctx) -> _Value:
    word = m["wd"].lower()
    weekday = _EN_WEEKDAYS[word]
    which = (m["week"] or m["which"] or "").lower()
    if which in ("next", "nxt", "last"):
        return _Value(day=_week_day(ctx.today, _EN_SHIFT[which], weekday))
    # "sat" and "sun" are words too: bare, they count only after a preposition ("on sat").
    framed = bool(which) or _after_preposition(m.string, m.start("all"))
    ambiguous = word in ("sat", "sun") and not framed
    return _Value(day=_on_or_after(ctx.today, weekday), ambiguous=ambiguous)


@_rule(rf"{_W}(?P<which>next|nxt|this|last)\s+week\s+(?:on\s+)?(?P<wd>{_EN_WEEKDAY})\.?{_E}", needs="week")
def _en_week_then_weekday(m: re.Match[str], ctx: _Ctx) -> _Value:
    weekday = _EN_WEEKDAYS[m["wd"].lower()]
    return _Value(day=_week_day(ctx.today, _EN_SHIFT[m["which"].lower()], weekday))


@_rule(rf"{_W}(?:(?P<which>next|this|last)\s+)?weekend{_E}", needs="weekend")
def _en_weekend(m: re.Match[str], ctx: _Ctx) -> _Value:
    which = (m["which"] or "").lower()
    return _Value(day=_weekend(ctx.today, _EN_SHIFT[which] if which else None))


@_rule(rf"{_W}(?P<which>next|nxt|last)\s+(?P<u>week|wk|month|mo|year|yr){_E}", needs="next|nxt|last")
def _en_next_period(m: re.Match[str], ctx: _Ctx) -> _Value:
    shift = _EN_SHIFT[m["which"].lower()]
    unit = {"wk": "week", "mo": "month", "yr": "year"}.get(m["u"].lower(), m["u"].lower())
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
    if year is not None and not dt.MINYEAR <= year <= dt.MAXYEAR:
        return _Value(error=f"there is no year {year}")  # "end of March 0000"
    if year is not None:
        return _Value(day=_month_position(ctx.today, year, month, position))
    day = _month_position(ctx.today, ctx.today.year, month, position)
    if day < ctx.today:
        day = _month_position(ctx.today, ctx.today.year + 1, month, position)
    return _Value(day=day)


@_rule(rf"(?:{_CN_MONTH_PREFIX}\s*)?月份?(?P<pos>底|末|初|中)(?!旬)", needs="月", also="底|末|初|中")
def _cn_month_position(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _month_relative(ctx, m["which"], _position(m["pos"]))


@_rule(rf"(?:(?P<y>(?<!\d)\d{{4}}|[今明去])\s*年\s*)?(?P<mon>{_MONTH_NUM})\s*月份?(?P<pos>底|末|初|中)(?!旬)",
       needs="月", also="底|末|初|中")  # fmt: skip
def _cn_named_month_position(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _named_month(ctx, _cn_year(m["y"], ctx), _cn_number(m["mon"]), _position(m["pos"]))


@_rule(r"(?:(?:(?P<which>[今明去])|(?<!\d)(?P<y>\d{4}))\s*)?年年?(?P<pos>底|末|初)", needs="年")
def _cn_year_position(m: re.Match[str], ctx: _Ctx) -> _Value:
    position = _position(m["pos"])
    year = _cn_year(m["which"] or m["y"], ctx)
    if year is not None:
        return _Value(day=_year_position(ctx.today, year, position))
    day = _year_position(ctx.today, ctx.today.year, position)
    return _Value(day=day if day >= ctx.today else _year_position(ctx.today, ctx.today.year + 1, position))


@_rule(rf"{_W}{_EN_POSITION}[\s-]+(?:the\s+)?(?:(?P<which>this|next|last)\s+)?month{_E}", needs="month")
def _en_month_position(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _month_relative(ctx, (m["which"] or "").lower() or None, _position(m["pos"]))


@_rule(rf"{_W}(?:(?P<which>this|next|last)\s+)?(?:month[\s-]end|eom){_E}", needs="end|eom")
def _en_month_end(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _month_relative(ctx, (m["which"] or "").lower() or None, "end")


@_rule(rf"{_W}{_EN_POSITION}[\s-]+(?:of\s+)?(?P<mon>{_EN_MONTH})\.?{_E}(?:,?\s+(?P<y>\d{{4}})(?!\d))?",
       needs="early|beginning|start|mid|end|late")  # fmt: skip
def _en_named_month_position(m: re.Match[str], ctx: _Ctx) -> _Value:
    year = int(m["y"]) if m["y"] else None
    return _named_month(ctx, year, _EN_MONTHS[m["mon"].lower()], _position(m["pos"]))


@_rule(rf"{_W}(?:(?P<pos>early|beginning\s+of|start\s+of|end\s+of|late)\s+(?:the\s+)?(?:(?P<which>this|next|last)\s+)?year"
       rf"|(?:(?P<which2>this|next|last)\s+)?(?:year[\s-]end|eoy)){_E}", needs="year|eoy")  # fmt: skip
def _en_year_position(m: re.Match[str], ctx: _Ctx) -> _Value:
    position = _position(m["pos"]) if m["pos"] else "end"
    which = (m["which"] or m["which2"] or "").lower()
    if which:
        return _Value(day=_year_position(ctx.today, ctx.today.year + _EN_SHIFT[which], position))
    day = _year_position(ctx.today, ctx.today.year, position)
    return _Value(day=day if day >= ctx.today else _year_position(ctx.today, ctx.today.year + 1, position))


@_rule(rf"{_W}(?:end\s+of\s+(?:the\s+)?(?:(?P<which>this|next)\s+)?week|eow){_E}", needs="end|eow")
def _en_week_end(m: re.Match[str], ctx: _Ctx) -> _Value:
    # The business week ends on Friday; said at the weekend, the week is ending now.
    if (m["which"] or "").lower() == "next":
        return _Value(day=_week_day(ctx.today, 1, 4))
    return _Value(day=max(_week_day(ctx.today, 0, 4), ctx.today))


@_rule(rf"{_W}(?:end\s+of\s+(?:the\s+)?day|eod|cob|close\s+of\s+business){_E}", needs="end|eod|cob|close")
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


@lru_cache(maxsize=1024)
def _nearest_month_day(today: dt.date, month: int, day: int) -> dt.date:
    """A month and day with no year: the nearest such date, past or future (the future one on a tie), where the past
    reaches back a month at most. DESIGN.md's 11月20日 said on 2026-11-25 is that past day, and the shared examples'
    2月3日 said on 2026-03-11 is next February: a day more than a month gone is not what a rep means by a bare date
    (and 12月5日 said in March is the coming December). Feb 29 with no leap year near waits for the next one."""
    ahead = _next_month_day(today, month, day)
    for year in (today.year, today.year - 1):
        if 1 <= day <= _last_day(year, month):
            behind = dt.date(year, month, day)
            if behind < today:
                gone = (today - behind).days
                return behind if gone <= _PAST_REACH_DAYS and gone < (ahead - today).days else ahead
    return ahead


_PAST_REACH_DAYS = 31


def _explicit_date(ctx: _Ctx, year: int | None, month: int, day: int) -> _Value:
    try:
        if year is None:
            _next_month_day(ctx.today, month, day)  # refuses a month or day that does not exist
            return _Value(day=_nearest_month_day(ctx.today, month, day))
        return _Value(day=_make_date(year, month, day))
    except _Unreadable as exc:
        return _Value(error=str(exc))


@_rule(rf"(?:(?P<y>(?<!\d)\d{{4}}|(?<!\d)\d{{2}}|[{_CN_DIGITS}]{{4}}|[今明后去前])\s*年\s*)?"
       rf"(?P<mon>{_MONTH_NUM})\s*月\s*(?P<d>{_DAY_NUM})(?:\s*[日号]|(?![\d天个周点时:]))", needs="月")  # fmt: skip
def _cn_month_day(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _explicit_date(ctx, _cn_year(m["y"], ctx), _cn_number(m["mon"]), _cn_number(m["d"]))


# 10号楼 (building 10), 3号线 (line 3), 第5号: numbers with 号 that are not days.
@_rule(rf"(?<!第)(?P<d>{_DAY_NUM})\s*[号日](?![楼线馆厅房门店仓院车机位台口桌码])", needs="号|日")
def _cn_day_of_month(m: re.Match[str], ctx: _Ctx) -> _Value:
    try:
        return _Value(day=_next_day_of_month(ctx.today, _cn_number(m["d"])))
    except _Unreadable as exc:
        return _Value(error=str(exc))


@_rule(rf"{_CN_MONTH_PREFIX}\s*月\s*(?P<d>{_DAY_NUM})\s*[号日]", needs="月", also="号|日")
def _cn_relative_month_day(m: re.Match[str], ctx: _Ctx) -> _Value:
    first = _add_months(ctx.today.replace(day=1), _MONTH_SHIFT[m["which"]])
    return _explicit_date(ctx, first.year, first.month, _cn_number(m["d"]))


@_rule(r"(?P<which>下下个|下下|下个|下|上个|上)\s*月份?", needs="月", also="上|下")
def _cn_next_month(m: re.Match[str], ctx: _Ctx) -> _Value:
    # "下个月再说": a month with no day means its first day.
    return _Value(day=_add_months(ctx.today.replace(day=1), _CN_WEEK_SHIFT[m["which"]]))


# ---- festivals and working days (issue 17): 元旦 春节 国庆 圣诞 节后 春节后 五个工作日后, Christmas, in 5 working days

_CN_FESTIVALS = {
    "元旦": "new_year", "元旦节": "new_year", "新年": "new_year",
    "春节": "spring", "过年": "spring", "大年初一": "spring",
    "清明节": "qingming", "清明": "qingming", "五一": "labour", "劳动节": "labour", "端午节": "dragon_boat",
    "端午": "dragon_boat", "中秋节": "mid_autumn", "中秋": "mid_autumn", "国庆节": "national", "国庆": "national",
    "十一": "national", "圣诞节": "christmas", "圣诞": "christmas", "平安夜": "christmas_eve",
    "双十一": "double_eleven", "双11": "double_eleven", "双十二": "double_twelve", "双12": "double_twelve",
}  # fmt: skip
_EN_FESTIVALS = {
    "new year's day": "new_year", "new years day": "new_year", "new year's": "new_year", "new year": "new_year",
    "christmas eve": "christmas_eve",
    "christmas day": "christmas", "christmas": "christmas", "xmas": "christmas", "spring festival": "spring",
    "chinese new year": "spring", "lunar new year": "spring", "cny": "spring", "national day": "national",
    "golden week": "national", "labor day": "labour", "labour day": "labour", "may day": "labour",
    "mid-autumn festival": "mid_autumn", "mid-autumn": "mid_autumn", "mid autumn festival": "mid_autumn",
    "dragon boat festival": "dragon_boat", "qingming": "qingming", "tomb-sweeping day": "qingming",
}  # fmt: skip
# The festivals with an official break, for 节后 / "after the holiday" (the next one).
_BREAK_FESTIVALS = ("new_year", "spring", "qingming", "labour", "dragon_boat", "mid_autumn", "national")


# Days named after a date, whatever the calendar: shopping festivals and the like.
_FIXED_DAYS = {"christmas_eve": (12, 24), "double_eleven": (11, 11), "double_twelve": (12, 12)}


def _festival_day(ctx: _Ctx, key: str, *, after: bool) -> _Value:
    """The next festival day not in the past, or (after) the first working day after its break."""
    calendar = _working(ctx)
    for year in (ctx.today.year, ctx.today.year + 1):
        fixed = _FIXED_DAYS.get(key)
        day = dt.date(year, *fixed) if fixed else calendar.festival(key, year)
        if day is None:
            return _Value(error=f"the team's calendar does not know {key.replace('_', ' ')} in {year}")
        if after:
            day = _next_working_day(calendar, day + dt.timedelta(1))
        if day >= ctx.today:
            return _Value(day=day)
    return _Value(error=f"no {key.replace('_', ' ')} ahead")


def _after_next_break(ctx: _Ctx) -> _Value:
    """节后 / after the holiday: the first working day after the next official break that has not ended."""
    # Counted from tomorrow: on the first working day after a break (中秋 just over), 节后 is the next one (国庆).
    ctx = ctx._replace(today=ctx.today + dt.timedelta(1))
    found = [_festival_day(ctx, key, after=True) for key in _BREAK_FESTIVALS]
    days = [v.day for v in found if v.day is not None]
    return _Value(day=min(days)) if days else found[0]


# 十一 (October 1) only with 节/假/后 around it: "十一个" is eleven.
@_rule(r"(?P<name>" + "|".join(sorted((k for k in _CN_FESTIVALS if k != "十一"), key=len, reverse=True))
       + r"|十一(?=[节假后长]))(?P<after>\s*(?:假期|长假|假|小长假)?\s*(?:结束)?(?:以后|之后|过后|后|回来))?",
       needs="旦|年|节|明|五一|十一|午|秋|庆|诞|夜|双")  # fmt: skip
def _cn_festival(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _festival_day(ctx, _CN_FESTIVALS[m["name"]], after=bool(m["after"]))


# 年前 / 年后: before and after the Spring Festival break (the year that matters at work); not 三年前, 去年, 新年后.
# 年底前 is by Dec 31 (DESIGN.md: 年底 is Dec 31), read by the 年底 rule.
@_rule(r"(?<![\d一二两三四五六七八九十半今明去前后个新过每])年(?P<w>前|后|以后|之后)(?![\d天])", needs="年")
def _cn_lunar_year_edge(m: re.Match[str], ctx: _Ctx) -> _Value:
    if m["w"] in ("后", "以后", "之后"):
        return _festival_day(ctx, "spring", after=True)
    calendar = _working(ctx)
    for year in (ctx.today.year, ctx.today.year + 1):
        festival = calendar.festival("spring", year)
        if festival is None:
            return _Value(error=f"the team's calendar does not know the Spring Festival in {year}")
        day = festival - dt.timedelta(1)
        for _ in range(30):  # the last working day before the break
            if calendar.is_working_day(day):
                break
            day -= dt.timedelta(1)
        if day >= ctx.today:
            return _Value(day=day)
    return _Value(error="no Spring Festival ahead")


# 过完年 / 过了年 / 年过完: after the Spring Festival break, as 年后.
@_rule(r"过完(?:春节|年)|过了年(?![底初末])|年过完", needs="过")
def _cn_after_new_year(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _festival_day(ctx, "spring", after=True)


# 上旬 / 中旬 / 下旬: the 1st (early month, as 月初), the 15th (as 月中), the 21st.
@_rule(rf"(?:(?P<mon>{_MONTH_NUM})\s*月|(?P<which>本|这个|这|下个|下)?\s*月)\s*份?(?P<pos>上|中|下)旬", needs="旬")
def _cn_ten_days(m: re.Match[str], ctx: _Ctx) -> _Value:
    position = {"上": "start", "中": "mid"}.get(m["pos"])
    if m["mon"] is not None:
        month = _cn_number(m["mon"])
        if position:
            return _named_month(ctx, None, month, position)
        if not 1 <= month <= 12:
            return _Value(error=f"there is no month {month}")
        day = dt.date(ctx.today.year, month, 21)
        return _Value(day=day if day >= ctx.today else dt.date(ctx.today.year + 1, month, 21))
    if position:
        return _month_relative(ctx, m["which"], position)
    first = _add_months(ctx.today.replace(day=1), _MONTH_SHIFT[m["which"]] if m["which"] else 0)
    day = first.replace(day=21)
    return _Value(day=day if m["which"] or day >= ctx.today else _add_months(day, 1))


# 环节后 (after this step), 季节后 are not after a holiday.
@_rule(r"(?<![a-z季环细关章情调音])(?:节后|节假日后|假期后|放假回来|收假后|长假后|假期结束后)", needs="后|回来")
def _cn_after_holiday(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _after_next_break(ctx)


# "in the new year" is some time early next year, not New Year's Day.
@_rule(rf"{_W}(?P<after>after\s+(?:the\s+)?)?(?<!in\sthe\s)(?P<name>{_alternation(_EN_FESTIVALS)})(?:\s+(?:holidays?|break))?{_E}",
       needs="new year|christmas|xmas|festival|cny|national day|golden week|labor|labour|may day|autumn|qingming|"
             "tomb")  # fmt: skip
def _en_festival(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _festival_day(ctx, _EN_FESTIVALS[re.sub(r"\s+", " ", m["name"].lower())], after=bool(m["after"]))


@_rule(rf"{_W}after\s+(?:the\s+)?(?:holidays?|break|vacation){_E}", needs="after")
def _en_after_holiday(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _after_next_break(ctx)


def _working_days_on(ctx: _Ctx, count: int) -> _Value:
    """today + `count` working days of the team's calendar (today itself not counted)."""
    calendar, day = _working(ctx), ctx.today
    for _ in range(count):
        day = _next_working_day(calendar, day + dt.timedelta(1))
    return _Value(day=day)


@_rule(rf"(?P<n>{_COUNT})\s*个?\s*工作日\s*(?:以后|之后|后|内|以内)?", needs="工作日")
def _cn_working_days(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    count = _cn_int(m["n"])
    return None if count is None or count > 366 else _working_days_on(ctx, count)


@_rule(rf"{_W}(?:in|within|after)\s+(?P<n>{_EN_COUNT})\s+(?:working|business|work)\s+days?{_E}"
       rf"|{_W}(?P<n2>{_EN_COUNT})\s+(?:working|business)\s+days?\s+(?:from\s+now|later){_E}",
       needs="working|business|work")  # fmt: skip
def _en_working_days(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    count = _en_number(m["n"] or m["n2"])
    return None if count > 366 else _working_days_on(ctx, count)


@_rule(r"(?<![\d/.-])(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<mon>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})"
       r"(?![\d/.-])(?:\s*[日号])?", needs="-|/|.")  # fmt: skip
def _iso_date(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _explicit_date(ctx, int(m["y"]), int(m["mon"]), int(m["d"]))


# What may follow a number that makes 12.5 an amount or a measure rather than December 5.
_DOTTED_UNIT = re.compile(
    r"\s*(?:[万千百亿元块角毛分倍个%％折米吨斤度岁天年月周号点]|[kmwb](?![a-z])|美元|美金|刀|欧|英镑|小时|rmb|usd|cny|eur|"
    r"mn|bn|mil|thousand|billion|grand|yuan|dollar|buck|euro|pound|quid)",
    re.I,
)


_WORD_BEFORE = re.compile(r"[A-Za-z]+$")
_CJK_AFTER = re.compile(r"\s*[\u4e00-\u9fff]")
_DAY_WORDS_BEFORE = frozenset(("on", "by", "until", "till", "before", "after", "due", "from", "for", "to"))
# "remind me 12.20 to…", "ping me 1/8", "follow up 12.10": what follows a reminder's "me" or a follow-up is its day,
# not a number or a fraction; so is what follows "on" / "until" ("on 1/8": a fraction is never "on").
_DAY_FRAME_BEFORE = re.compile(
    r"(?:\b(?:remind|ping|nudge|text|tell)\s+me|\b(?:on|until|till|due|revisit)|\bfollow[ -]?up|\bf/u|"
    r"\b(?:call|check|circle|get)\s+back)\s*$",
    re.I,
)


def _dot_context(m: re.Match[str]) -> object:
    start, end = m.start("all"), m.end("all")
    return m.string[max(start - 3, 0) : start], m.string[end : end + 10]


def _dotted_is_date(m: re.Match[str]) -> bool:
    """12.20 is a date where no unit or currency follows it and no currency or letter comes before it."""
    start = m.start("all")
    raw = m.string[max(start - 12, 0) : start]
    before = raw.rstrip()
    if before and before[-1] in "$¥￥€£":
        return False
    spaced_in_zh = raw[-1:].isspace() and _CJK_AFTER.match(m.string, m.end("all")) is not None
    if before and before[-1].isalpha() and before[-1].isascii() and not spaced_in_zh:
        # "见了他们的CIO 12.15再约": a Latin word set apart by a space in a Chinese sentence is no version prefix.
        # v1.2 or "version 1.2" is a number; "on 12.15" / "by 12.20" is a day (issue 17).
        word = _WORD_BEFORE.search(before)
        framed = word is not None and word.group(0).lower() in _DAY_WORDS_BEFORE
        if raw[-1:].isalpha() or not (framed or _DAY_FRAME_BEFORE.search(raw)):
            return False
    if before.lower().endswith(("rmb", "usd", "cny")):
        return False
    return _DOTTED_UNIT.match(m.string, m.end("all")) is None


@_rule(r"(?<![\d/.:-])(?P<a>\d{1,2})(?:(?P<sep>[-/.])| (?P<sep2>\.) )(?P<b>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?"
       r"(?![\d/-]|\.\d|\s*[%:点])", needs="-|/|.", context=_dot_context)  # fmt: skip
def _numeric_date(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    if (m["sep"] or m["sep2"]) == "." and not m["y"] and not _dotted_is_date(m):
        return None  # 12.5万, ¥3.5, 4.5分, v1.2: a number
    month, day = (int(m["b"]), int(m["a"])) if ctx.day_first else (int(m["a"]), int(m["b"]))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None  # 13/45 is a ratio, not a date
    year = None if m["y"] is None else int(m["y"]) + (2000 if len(m["y"]) == 2 else 0)
    value = _explicit_date(ctx, year, month, day)
    # In a sentence "3-5个" is a range and "砍了1/3" a fraction far more often than a date.
    a, b = int(m["a"]), int(m["b"])
    looks_like_fraction = m["sep"] == "/" and a < b <= 10
    if looks_like_fraction and _DAY_FRAME_BEFORE.search(m.string, max(m.start("all") - 16, 0), m.start("all")):
        looks_like_fraction = False
    return value._replace(ambiguous=year is None and (m["sep"] == "-" or looks_like_fraction))


@_rule(rf"{_W}(?P<mon>{_EN_MONTH})\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![\da-z]|:\d)"
       r"(?:,?\s+(?P<y>\d{4})(?!\d))?", needs="jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")  # fmt: skip
def _en_month_day(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _explicit_date(ctx, int(m["y"]) if m["y"] else None, _EN_MONTHS[m["mon"].lower()], int(m["d"]))


# "Wednesday 9 December", "Thu, Dec 3": the weekday only confirms the day the date names.
@_rule(rf"{_W}(?P<wd>{_EN_WEEKDAY})\.?,?\s+(?:(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_EN_MONTH})"
       rf"|(?P<mon2>{_EN_MONTH})\.?\s+(?:the\s+)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?![\da-z]|:\d))\.?{_E}"
       r"(?:,?\s+(?P<y>\d{4})(?!\d))?", needs="jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")  # fmt: skip
def _en_weekday_date(m: re.Match[str], ctx: _Ctx) -> _Value:
    month = _EN_MONTHS[(m["mon"] or m["mon2"]).lower()]
    value = _explicit_date(ctx, int(m["y"]) if m["y"] else None, month, int(m["d"] or m["d2"]))
    if value.day is not None and value.day.weekday() != _EN_WEEKDAYS[m["wd"].lower()]:
        return None  # the weekday and the date disagree: read apart, and refused as such
    return value


@_rule(rf"(?<![a-z\d])(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_EN_MONTH})\.?{_E}"
       r"(?:,?\s+(?P<y>\d{4})(?!\d))?", needs="jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")  # fmt: skip
def _en_day_month(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _explicit_date(ctx, int(m["y"]) if m["y"] else None, _EN_MONTHS[m["mon"].lower()], int(m["d"]))


# "next month on the 5th", "the 15th of next month" (issue 17): that day of next month, as 下个月5号.
@_rule(rf"{_W}next\s+month\s+(?:on\s+)?the\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?{_E}"
       rf"|{_W}(?:the\s+)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)\s+of\s+next\s+month{_E}", needs="month")  # fmt: skip
def _en_day_of_next_month(m: re.Match[str], ctx: _Ctx) -> _Value:
    first = _add_months(ctx.today.replace(day=1), 1)
    return _explicit_date(ctx, first.year, first.month, int(m["d"] or m["d2"]))


@_rule(r"(?<![a-z\d])(?P<the>the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)(?![a-z])", needs="st|nd|rd|th", context=_framing)
def _en_ordinal_day(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    day = int(m["d"])
    if not 1 <= day <= 31:
        return None
    # "by the 15th" is a date; "the 5th meeting" and "our 3rd visit" are not.
    after_preposition = _after_preposition(m.string, m.start("all"))
    framed = bool(m["the"]) or after_preposition
    followed_by_word = _FOLLOWED_BY_WORD.match(m.string, m.end("all")) is not None
    # "call them on the 1st about pricing": a preposition makes it a date whatever follows.
    return _Value(
        day=_next_day_of_month(ctx.today, day), ambiguous=not framed or (followed_by_word and not after_preposition)
    )


# ---- clock times: 下午3点 3点半 两点 晚上8点 3点15分 中午 凌晨, 3pm 9:30am noon at 3


def _ampm(word: str) -> str:
    return "am" if word.lower().startswith("a") else "pm"


def _char_before(m: re.Match[str]) -> str:
    start = m.start("all")
    return m.string[start - 1] if start else ""


def _count_word_before(m: re.Match[str]) -> bool:
    # 提了3点建议 / 这两点 / 第三点: 点 counts points, not hours.
    return _char_before(m) in tuple("第了有这那几")


@_rule(rf"(?:(?P<p>{_CN_PERIOD_BEFORE_HOUR})\s*)?(?P<h>{_HOUR_NUM})\s*[点时]"
       rf"(?:\s*(?P<half>半)|\s*(?P<q1>一刻)|\s*(?P<q3>三刻)"
       rf"|\s*(?P<m>{_MINUTE_NUM})(?:\s*分)?|\s*整|\s*钟)?", needs="点|时", context=_char_before)  # fmt: skip
def _cn_clock(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    hour = _cn_int(m["h"])
    minute_text = (m["m"] or "0").lstrip("零〇") or "0"  # 三点零五: 零 only pads the minutes
    minute = 30 if m["half"] else 15 if m["q1"] else 45 if m["q3"] else _cn_int(minute_text)
    if hour is None or minute is None or hour > 24 or minute > 59:
        return None
    literal = hour >= 13 or hour == 0 or m["h"].startswith("0")
    period = _CN_PERIODS[m["p"]] if m["p"] else None
    return _Value(clock=_Clock(hour, minute, period, literal), ambiguous=not m["p"] and _count_word_before(m))


@_rule(rf"(?:(?P<p>{_CN_PERIOD_BEFORE_HOUR})\s*)?(?<![\d:.])(?P<h>\d{{1,2}})\s*:\s*(?P<m>\d{{2}})(?![\d:])"
       rf"(?:\s*{_AMPM})?", needs=":")  # fmt: skip
def _colon_clock(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    hour, minute = int(m["h"]), int(m["m"])
    if hour > 24 or minute > 59:
        return None
    period = _CN_PERIODS[m["p"]] if m["p"] else _ampm(m["ap"]) if m["ap"] else None
    literal = hour >= 13 or hour == 0 or m["h"].startswith("0")
    return _Value(clock=_Clock(hour, minute, period, literal))


@_rule(rf"(?<![\d:.])(?P<h>\d{{1,2}})(?:\.(?P<m>\d{{2}}))?\s*{_AMPM}", needs="am|pm|a.m|p.m")
def _ampm_clock(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    hour, minute = int(m["h"]), int(m["m"] or 0)
    if not 1 <= hour <= 12 or minute > 59:
        return None
    return _Value(clock=_Clock(hour, minute, _ampm(m["ap"])))


@_rule(rf"{_W}(?:(?P<at>at|@)\s*)?(?P<h>\d{{1,2}})(?![\d:.]|\s*(?:a\.?m|p\.?m|%))"
       rf"(?P<oclock>\s*o'?clock{_E})?", needs="at|@|clock", context=lambda m: _clause_ends_after(m))  # fmt: skip
def _en_bare_hour(m: re.Match[str], ctx: _Ctx) -> _Value | None:
    if not (m["at"] or m["oclock"]):
        return None  # a lone number is not a time
    hour = int(m["h"])
    if hour > 24:
        return None
    # "at 3 sites" is a count; "at 3" next to a day ("tomorrow at 3") is joined and kept; "call back at 4" ending a
    # sentence or a clause is a time.
    ends = m["at"] is not None and _clause_ends_after(m)
    return _Value(clock=_Clock(hour, 0, None, hour >= 13 or hour == 0), ambiguous=not (m["oclock"] or ends))


_CLAUSE_END_AFTER = re.compile(r"\s*(?:$|[,;!?]|\.(?!\d))")


_PRICE_BEFORE = re.compile(
    r"\b(?:priced|quoted|worth|valued|sold|offered|bought|capped|pegged|rated|ranked|came\s+in|closed|ended|"
    r"stands?|sits?|is|was|are|were)\s*$",
    re.IGNORECASE,
)


def _clause_ends_after(m: re.Match[str]) -> bool:
    """ "call back at 4" ending a clause is a time; "priced at 3." is not."""
    start = m.start("all")
    if _PRICE_BEFORE.search(m.string, max(start - 12, 0), start):
        return False
    return _CLAUSE_END_AFTER.match(m.string, m.end("all")) is not None


@_rule(rf"{_W}(?:12\s*)?(?P<w>noon|midday|midnight){_E}", needs="noon|mid")
def _en_noon(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _Value(clock=_Clock(0 if m["w"].lower() == "midnight" else 12, 0, None, literal=True))


@_rule(rf"{_CN_PERIOD}(?!好)", needs="晨|早|午|晚|夜")  # 早上好 is a greeting
def _cn_period(m: re.Match[str], ctx: _Ctx) -> _Value:
    return _Value(clock=_Clock(None, period=_CN_PERIODS[m["all"]]))


@_rule(rf"{_W}(?:in\s+the\s+|at\s+)?(?P<p>morning|afternoon|evening|night|first\s+thing){_E}",
       needs="morning|afternoon|evening|night|first")  # fmt: skip
def _en_period(m: re.Match[str], ctx: _Ctx) -> _Value:
    # "good morning": an English period word is a time only next to a day ("tomorrow morning"); "first thing
    # tmrw" is tomorrow morning.
    word = "morning" if m["p"].lower().startswith("first") else m["p"].lower()
    return _Value(clock=_Clock(None, period=_EN_PERIODS[word]), ambiguous=True)


# --------------------------------------------------------------------------- scanning


_Needs = tuple[int, int, tuple[tuple[str, int, int], ...]]


def _index_needs() -> tuple[dict[str, _Needs], int]:
    """The `needs` and `also` words of all rules as bit masks of rule numbers, by character: the masks of the
    character as a word of its own, and the longer words that start with it with their masks (one dictionary
    look-up per character of a text); and the mask of the rules that have no `also`."""
    single: dict[str, tuple[int, int]] = {}
    longer: dict[str, dict[str, tuple[int, int]]] = {}
    for i, rule in enumerate(_RULES):
        for words, slot in ((rule.needs, 0), (rule.also, 1)):
            for word in words:
                table = single if len(word) == 1 else longer.setdefault(word[0], {})
                masks = list(table.get(word, (0, 0)))
                masks[slot] |= 1 << i
                table[word] = (masks[0], masks[1])
    by_char = {
        ch: (*single.get(ch, (0, 0)), tuple((word, *masks) for word, masks in longer.get(ch, {}).items()))
        for ch in single.keys() | longer.keys()
    }
    no_also = sum(1 << i for i, rule in enumerate(_RULES) if not rule.also)
    return by_char, no_also


_NEEDS, _NO_ALSO = _index_needs()


def _rules_for(folded: str) -> tuple[_Rule, ...]:
    """The rules whose `needs` (and `also`, if any) a lower-cased text holds, in order."""
    needs, also = 0, _NO_ALSO
    for ch in set(folded):
        entry = _NEEDS.get(ch)
        if entry is not None:
            char_needs, char_also, words = entry
            needs |= char_needs
            also |= char_also
            for word, word_needs, word_also in words:
                if word in folded:
                    needs |= word_needs
                    also |= word_also
    wanted = needs & also
    rules = _RULES_BY_MASK.get(wanted)
    if rules is None:
        rules = tuple(rule for i, rule in enumerate(_RULES) if wanted >> i & 1)
        if len(_RULES_BY_MASK) < _RULES_BY_MASK_SIZE:  # bounded: a text can only hold so many combinations
            _RULES_BY_MASK[wanted] = rules
    return rules


# The rules of each combination of `needs` seen so far, in order: phrases hold a few dozen combinations between them.
_RULES_BY_MASK: dict[int, tuple[_Rule, ...]] = {}
_RULES_BY_MASK_SIZE = 4096


_MEMO_FROM = 48  # texts longer than this reuse readings (a phrase this short cannot repeat much)


def _prepare(text: str) -> str:
    # The table maps only non-ASCII characters.
    return text if text.isascii() else text.translate(_PREPARE)


# A match as (-length, start, order, end, rule, match): sorted as is, the longest first.
_Match = tuple[int, int, int, int, _Rule, re.Match[str]]


def _matches(folded: str, rules: tuple[_Rule, ...]) -> list[_Match]:
    """Every non-empty match in `folded` (see _fold) of the rules (those it holds the `needs` of), in rule order."""
    matches: list[_Match] = []
    for rule in rules:
        for m in rule.fast.finditer(folded):
            start, end = m.span(1)  # group 1 is "all"
            if start != end:
                matches.append((start - end, start, len(matches), end, rule, m))
    return matches


def _read_matches(matches: list[_Match], ctx: _Ctx, *, memo: bool) -> list[_Part]:
    """The parts the matches read as, chosen as _groups says; `memo`: reuse readings (for a long text)."""
    seen: dict[tuple[Any, ...], _Value | None] | None = {} if memo else None
    if len(matches) <= 1:
        if not matches:
            return []
        _, start, _, end, rule, m = matches[0]
        value = _read(rule, m, ctx, seen)
        return [] if value is None else [_Part(start, end, value)]
    matches.sort()
    # The longest reading wins ("下个月底" over "月底"); on a tie, a readable part beats an error ("周三十点" is
    # 周三 + 十点, not the impossible 三十点), then the earlier one. A match is read only if no part chosen before
    # it overlaps it ("下周三" makes reading "周三" and "下周" needless); an error waits until the readable
    # matches of its length are in.
    starts: list[int] = []
    ends: list[int] = []
    parts: list[_Part] = []
    errors: list[_Part] = []
    length = 0
    for negative_length, start, _, end, rule, m in matches:
        if negative_length != length:
            for error in errors:
                _choose(starts, ends, parts, error)
            errors.clear()
            length = negative_length
        i = _place(starts, ends, start, end)
        if i < 0:
            continue
        value = _read(rule, m, ctx, seen)
        if value is None:
            continue
        if value.error is None:
            starts.insert(i, start)
            ends.insert(i, end)
            parts.insert(i, _Part(start, end, value))
        else:
            errors.append(_Part(start, end, value))
    for error in errors:
        _choose(starts, ends, parts, error)
    return parts


def _read(rule: _Rule, m: re.Match[str], ctx: _Ctx, seen: dict[tuple[Any, ...], _Value | None] | None) -> _Value | None:
    """The rule's reading of its match; `seen` (for a long text only) holds the readings of matches already read,
    by what the handler reads: the match's groups and, if it declares one, its context."""
    if seen is not None:
        key = (rule.handler, m.groups(), rule.context(m) if rule.context else None)
        if key in seen:
            return seen[key]
    try:
        value = rule.handler(m, ctx)
    except _Unreadable as exc:
        value = _Value(error=str(exc))
    if seen is not None:
        seen[key] = value
    return value


# Chosen parts never overlap, so kept sorted by start (in `starts`, `ends` and `parts` alike) only the neighbours
# of a new part can overlap it: a bisection instead of a comparison with every part chosen so far.


def _place(starts: list[int], ends: list[int], start: int, end: int) -> int:
    """Where a part from `start` to `end` goes among the chosen parts, or -1 if it overlaps one."""
    i = bisect_right(starts, start)
    if (i == 0 or ends[i - 1] <= start) and (i == len(starts) or end <= starts[i]):
        return i
    return -1


def _choose(starts: list[int], ends: list[int], parts: list[_Part], part: _Part) -> None:
    """Add the part to the chosen parts unless it overlaps one of them."""
    i = _place(starts, ends, part.start, part.end)
    if i >= 0:
        starts.insert(i, part.start)
        ends.insert(i, part.end)
        parts.insert(i, part)


def _scan_everything(text: str, ctx: _Ctx) -> list[_Part]:
    """The parts _groups finds without shortcuts, the reference it is tested against: every rule's
    case-insensitive pattern on the prepared text, every match read, then the longest (readable, earliest) first."""
    found: list[tuple[int, bool, int, int, int, _Value]] = []
    for rule in _RULES:
        for m in rule.pattern.finditer(text):
            start, end = m.span(1)
            value = _read(rule, m, ctx, None) if start != end else None
            if value is not None:
                found.append((start - end, value.error is not None, start, len(found), end, value))
    found.sort()
    starts: list[int] = []
    ends: list[int] = []
    parts: list[_Part] = []
    for _, _, start, _, end, value in found:
        _choose(starts, ends, parts, _Part(start, end, value))
    return parts


# What may sit between a day and its time: "tomorrow at 4pm", "明天 下午3点", "下周一的上午",
# "2026-12-05T15:00".
_JOINER_WORDS = (",", "at", "@", "on", "的", "T")
_JOINER = re.compile(rf"\s*+(?:{'|'.join(_JOINER_WORDS)})?\s*+", re.IGNORECASE)  # possessive: linear on long gaps


def _lone(start: int, end: int, v: _Value) -> _Group:
    """The group of one part."""
    return _Group(start, end, v.day, v.clock, v.day is not None and v.named, v.ambiguous, v.error, v.relative)


def _merge(parts: list[_Part]) -> _Group:
    if len(parts) == 1:  # most groups: no lists to build
        return _lone(*parts[0])
    day: dt.date | None = None
    exact: _Clock | None = None
    vague: _Clock | None = None
    named, ambiguous, error, relative = False, True, None, False
    for part in parts:  # one loop, no generators: this runs for every "明早8点半", "tomorrow at 4pm"
        v = part.value
        if v.day is not None:
            day = day or v.day
            named = named or v.named
            relative = relative or v.relative
        if v.clock is not None:
            if v.clock.hour is not None:
                exact = exact or v.clock
            else:
                vague = vague or v.clock
        ambiguous = ambiguous and v.ambiguous
        error = error or v.error
    clock = exact or vague
    if exact and vague and exact.period is None:
        clock = exact._replace(period=vague.period)  # 明早 + 8点半, "tomorrow morning at 9"
    return _Group(parts[0].start, parts[-1].end, day, clock, named, ambiguous, error, relative)


def _groups(text: str, ctx: _Ctx, *, shortcuts: bool = True) -> list[_Group]:
    """The parts found in `text`, longest first where they overlap, and parts next to each other joined into
    groups: at most one day, one exact clock and one vague one ("明早" + "8点半"), and nothing impossible, in a
    group. Spans are those of `text`.

    `shortcuts` (always on, except in the test that checks they change nothing) skips rules whose `needs` are
    absent, matches the rules' fast patterns on the folded text, reads a match only if no longer part already
    covers some of it, and reuses a handler's reading of a match already seen in this text: a long message full
    of dates then costs per distinct phrase, not per repetition.
    """
    if not shortcuts:
        prepared = _prepare(text)
        return _join(_scan_everything(prepared, ctx), prepared)
    folded = _fold(text)
    return _join(_read_matches(_matches(folded, _rules_for(folded)), ctx, memo=len(folded) > _MEMO_FROM), folded)


def _join(parts: list[_Part], text: str) -> list[_Group]:
    """The parts of `text` (prepared or folded) joined into groups, as _groups says."""
    if len(parts) <= 1:
        return [_merge(parts)] if parts else []
    groups: list[_Group] = []
    run: list[_Part] = []
    day = error = False
    exact = vague = 0  # clocks in the run with an hour, and with only a period of the day
    for part in parts:
        v = part.value
        has_day, has_error = v.day is not None, bool(v.error)
        has_exact = v.clock is not None and v.clock.hour is not None
        has_vague = v.clock is not None and v.clock.hour is None
        fits = (
            run
            and not (has_day and day)
            and not (has_error or error)
            and exact + has_exact <= 1
            and vague + has_vague <= 1
            and _JOINER.fullmatch(text, run[-1].end, part.start)
        )
        if fits:
            run.append(part)
            day, exact, vague = day or has_day, exact + has_exact, vague + has_vague
        else:
            if run:
                groups.append(_merge(run))
            run = [part]
            day, error, exact, vague = has_day, has_error, int(has_exact), int(has_vague)
    if run:
        groups.append(_merge(run))
    return groups


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


class _Resolved(NamedTuple):
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
        return _Resolved(today if ahead else today + dt.timedelta(1), time, False, 2)
    day = group.day
    if day == today and _running(clock, now):
        return _Resolved(day, None, False, 3 if not group.named else 1)
    past = dt.datetime.combine(day, time) < now
    if group.named:
        return _Resolved(day, time, past, 5 if past else 1)
    if past and day == today and in_sentence:
        return _Resolved(day, None, False, 4)  # "今天上午去了阿里": the visit was today
    return _Resolved(day, time, past, 5 if past else 2 if clock.hour is not None else 3)


_AWARE_TZ_TYPES = (ZoneInfo, dt.timezone)


def _context(now: dt.datetime, day_first: bool, calendar: WorkCalendar | None = None) -> _Ctx:
    tzinfo = now.tzinfo
    # ZoneInfo and fixed offsets always give an offset; any other tzinfo is asked.
    if tzinfo is None or (type(tzinfo) not in _AWARE_TZ_TYPES and now.utcoffset() is None):
        raise ValueError("now must be timezone-aware (the team's timezone)")
    today = now.date()
    # combine(date, time) rather than now.replace(tzinfo=None): the same naive wall-clock time (fold kept) in a
    # sixth of the time, and this runs for every phrase.
    return _Ctx(dt.datetime.combine(today, now.time()), today, day_first, tzinfo, calendar)


def _working(ctx: _Ctx) -> WorkCalendar:
    return ctx.calendar or _WEEKDAYS


def _next_working_day(calendar: WorkCalendar, day: dt.date) -> dt.date:
    for _ in range(60):  # the longest run of days off is a week or two
        if calendar.is_working_day(day):
            return day
        day += dt.timedelta(1)
    return day


def _off_day_moved(group: _Group, resolved: _Resolved, ctx: _Ctx) -> tuple[dt.date, dt.date | None]:
    """A follow-up counted from today that lands on a day off moves to the next working day (the team's calendar
    only: without one, nothing moves); a day the rep named stays."""
    if not group.relative or ctx.calendar is None or resolved.past or resolved.time is not None:
        return resolved.date, None
    day = _next_working_day(ctx.calendar, resolved.date)
    return (day, resolved.date) if day != resolved.date else (day, None)


def _past_error(phrase: str, day: dt.date, time: dt.time | None) -> DateError:
    when = day.isoformat() if time is None else f"{day.isoformat()} {time:%H:%M}"
    return DateError("past", phrase, f"{when} is in the past")


def _unreadable(phrase: str, reason: str | None = None) -> DateError:
    message = f"cannot read {phrase!r} as a date" + (f": {reason}" if reason else "")
    return DateError("unreadable", phrase, message)


# --------------------------------------------------------------------------- public functions

# Words that may surround a date without changing it: "on friday", "by the 15th", "周五前", "3点左右".
_FILLER_WORDS_EN = ("on", "by", "at", "before", "until", "till", "due", "in", "the", "around", "about")
_FILLER_WORDS_CN = ("之前", "以前", "前", "左右", "前后", "多", "大概", "大约", "约", "在", "于", "到")
_FILLER = re.compile(
    rf"(?:[\s\W_]|(?<![a-z])(?:{'|'.join(_FILLER_WORDS_EN)})(?![a-z])|{'|'.join(_FILLER_WORDS_CN)})*", re.IGNORECASE
)


def _whole(folded: str, rules: tuple[_Rule, ...], ctx: _Ctx) -> _Value | None:
    """The reading of a match that spans the whole phrase, as _read_matches would choose it (it is the longest):
    the first, in rule order, that reads without an error, else the first error. None if no such match reads.
    Such a match starts the phrase, so each rule is tried there only, not at every position."""
    error = None
    for rule in rules:
        m = rule.fast.match(folded)
        if m is not None and m.end(1) == len(folded) and folded:
            value = _read(rule, m, ctx, None)
            if value is not None:
                if value.error is None:
                    return value
                error = error or value
    return error


# A letter, digit or CJK character that is in no filler word and no joiner: the c of "UTC".
_NOT_FILLER = re.compile(
    "[^\\W_" + "".join(sorted(set("".join(_FILLER_WORDS_EN + _FILLER_WORDS_CN + _JOINER_WORDS).lower()))) + "]"
)


def _may_cover(folded: str, matches: list[_Match]) -> bool:
    """Whether the matches, with filler around them and joiners between them, may make up all of `folded`: not
    if a character outside all of them can be neither. Then no reading of them is the whole phrase."""
    spans = [(start, end) for _, start, _, end, _, _ in matches]
    if len(spans) > 1:
        spans.sort()
    position = 0
    for start, end in spans:
        if start > position and _NOT_FILLER.search(folded, position, start):
            return False
        if end > position:
            position = end
    return position == len(folded) or _NOT_FILLER.search(folded, position) is None


def parse_date(
    phrase: str,
    *,
    now: dt.datetime,
    allow_past: bool = False,
    day_first: bool = False,
    calendar: WorkCalendar | None = None,
) -> DateReading:
    """Read a phrase that is, as a whole, a date or date and time ("下周三下午两点", "Dec 5th").

    Surrounding whitespace, punctuation and filler words ("on", "by", "前") are ignored.
    `day_first` reads 5/12 as 5 December for teams whose locale writes it that way.
    Raises DateError("unreadable") when the phrase cannot be read and DateError("past") for a
    result before today (or, with a time, before now) unless `allow_past`. `calendar` (the team's working days)
    serves 节后 and N个工作日后, and moves a relative day that lands on a day off (DateReading.moved_from).
    """
    ctx = _context(now, day_first, calendar)
    compact, positions = _compact(phrase)
    reading = _parse(compact, ctx, allow_past=allow_past)
    if positions is None:
        return reading
    start, end = _original_span(positions, reading.start, reading.end)
    return DateReading(reading.date, reading.time, start, end, phrase[start:end], reading.moved_from)


def _parse(phrase: str, ctx: _Ctx, *, allow_past: bool) -> DateReading:
    folded = _fold(phrase)
    rules = _rules_for(folded)
    whole = _whole(folded, rules, ctx)
    if whole is not None:  # nine phrases in ten: one match is the phrase, so nothing else is matched or read
        return _reading(_lone(0, len(folded), whole), phrase, ctx, allow_past=allow_past)
    matches = _matches(folded, rules)
    # A phrase the rules cannot cover goes to dateparser without its matches being read: "5 Oct 2026 23:30 UTC".
    if _may_cover(folded, matches):
        groups = _join(_read_matches(matches, ctx, memo=len(folded) > _MEMO_FROM), folded)
        if len(groups) == 1 and _covers(groups[0], folded):
            return _reading(groups[0], phrase, ctx, allow_past=allow_past)
    return _parse_with_dateparser(phrase, _prepare(phrase), ctx, allow_past=allow_past)


def _covers(group: _Group, text: str) -> bool:
    """Whether only filler words surround the group in `text` (prepared or folded)."""
    return (not group.start or _FILLER.fullmatch(text, 0, group.start) is not None) and (
        group.end == len(text) or _FILLER.fullmatch(text, group.end) is not None
    )


def _reading(group: _Group, phrase: str, ctx: _Ctx, *, allow_past: bool) -> DateReading:
    """parse_date's answer for a group that is the whole phrase."""
    original = phrase[group.start : group.end]
    try:
        resolved = _resolve(group, ctx, in_sentence=False)
    except _Unreadable as exc:
        raise _unreadable(original, str(exc)) from None
    if resolved.past and not allow_past:
        raise _past_error(original, resolved.date, resolved.time)
    day, moved_from = _off_day_moved(group, resolved, ctx)
    return DateReading(day, resolved.time, group.start, group.end, original, moved_from)


# understand reads a visit's sentence twice: find_dates for the day the visit happened, then find_date for the
# follow-up, on the same text when no day was taken out of it. The groups of the last text read are kept for the
# second read (a tuple: nobody can change them under the other caller). One entry, replaced whole: safe to share.
_last_read: tuple[str, _Ctx, tuple[_Group, ...]] | None = None


def _sentence_groups(text: str, ctx: _Ctx) -> tuple[_Group, ...]:
    global _last_read
    last = _last_read
    if (
        last is not None
        and last[0] == text
        and last[1].now == ctx.now
        and last[1].now.fold == ctx.now.fold  # naive equality ignores it
        and last[1].day_first == ctx.day_first
        and last[1].tzinfo is ctx.tzinfo
        and last[1].calendar is ctx.calendar
    ):
        return last[2]
    groups = tuple(_groups(text, ctx))
    _last_read = (text, ctx, groups)
    return groups


def find_date(
    text: str,
    *,
    now: dt.datetime,
    allow_past: bool = False,
    day_first: bool = False,
    calendar: WorkCalendar | None = None,
) -> DateReading | None:
    """Find the follow-up date in a sentence ("拜访比亚迪采购部,他们在比价,三天后再联系").

    Prefers a named day that is not past; a time of day that has already gone ("上午去了阿里")
    describes the visit and is skipped; a bare 今天/today is returned only when nothing better
    is there. Returns None when the sentence holds no date. Raises DateError("past") when the only
    date found is past (unless `allow_past`), DateError("unreadable") when it is impossible.
    dateparser is not used here: its search mode reads too many ordinary words as dates.
    """
    ctx = _context(now, day_first, calendar)
    original_text = text
    text, positions = _compact(text)
    # The best tier wins, then the earliest group (groups come in order). A group's reading does
    # not depend on where it stands, so a date said many times is resolved once.
    best: tuple[int, _Group, _Resolved | None, str | None] | None = None
    outcomes: dict[tuple[Any, ...], tuple[_Resolved | None, str | None]] = {}
    for group in _sentence_groups(text, ctx):
        if group.ambiguous:
            continue
        outcome = outcomes.get(group[2:])
        if outcome is None:
            try:
                outcome = _resolve(group, ctx, in_sentence=True), None
            except _Unreadable as exc:
                outcome = None, str(exc)
            outcomes[group[2:]] = outcome
        resolved, error = outcome
        tier = 5 if resolved is None else resolved.tier
        if tier == 1 and best is not None and best[0] == 1:
            # A second named day: the one the rep's own step hangs on (12月3号前把资质发过去, 下周一再去) beats
            # one that only tells the customer's plans (他们下个月要招标).
            if _STEP_AFTER.match(text, group.end):
                best = (tier, group, resolved, error)
                break
            continue
        if tier is not None and (best is None or tier < best[0]):
            best = (tier, group, resolved, error)
            if tier == 1 and _STEP_AFTER.match(text, group.end):
                break  # nothing beats the first named day the rep's step hangs on
    if best is None:
        return None
    _, group, resolved, error = best
    original = text[group.start : group.end]
    if resolved is None:
        raise _unreadable(original, error)
    if resolved.past and not allow_past:
        raise _past_error(original, resolved.date, resolved.time)
    day, moved_from = _off_day_moved(group, resolved, ctx)
    start, end = _original_span(positions, group.start, group.end)
    return DateReading(day, resolved.time, start, end, original_text[start:end], moved_from)


# After a day, words that make it the day of the rep's next step: a deadline (前) or a follow-up (再).
_STEP_AFTER = re.compile(r"\s*(?:之前|以前|前|再|跟进|回访)")


def find_dates(text: str, *, now: dt.datetime, calendar: WorkCalendar | None = None) -> list[DateReading]:
    """Every readable date group in a sentence, past ones included, in text order (for the day a past activity
    happened beside the follow-up date). Ambiguous and impossible groups are left out."""
    ctx = _context(now, False, calendar)
    compact, positions = _compact(text)
    found: list[DateReading] = []
    for group in _sentence_groups(compact, ctx):
        if group.ambiguous:
            continue
        try:
            resolved = _resolve(group, ctx, in_sentence=True)
        except _Unreadable:
            continue
        day, moved_from = _off_day_moved(group, resolved, ctx)
        start, end = _original_span(positions, group.start, group.end)
        found.append(DateReading(day, resolved.time, start, end, text[start:end], moved_from))
    return found


# Typing slips inside a date phrase, read as meant: spaces (下 周 二, 下 下 周 三, 12 月 8 号) and a same-sound
# character in a date word (下州一 -> 下周一, 下五3点 -> 下午3点, 星其五 -> 星期五). The replacements keep the length,
# so spans stay.
# A 下 or 上 that ends a word before the space is no half of 下下 / 上上: 考虑一下 下周二, 看下 下周, 晚上 上周.
_SPACED = re.compile(
    r"(?<=[下上这本])[ \t\u3000]+(?=[周星礼个月])|(?<=(?<![一看等问查想聊试商量论虑])下)[ \t\u3000]+(?=下)"
    r"|(?<=(?<![晚早马路线以身手])上)[ \t\u3000]+(?=上)|(?<=[周期拜])[ \t\u3000]+(?=[一二三四五六日天末])"
    r"|(?<=\d)[ \t\u3000]+(?=[月号日天个周])|(?<=月)[ \t\u3000]+(?=\d)|(?<=[明后今昨])[ \t\u3000]+(?=[天早晚])"
    r"|(?<=[天周月])[ \t\u3000]+(?=[后前])|(?<=个)[ \t\u3000]+(?=[月工])"
)
_SOUND_SLIPS = re.compile(
    r"(?<=[下上这本])[州洲舟粥](?=[一二三四五六日天末1-7])|(?<=[下上])五(?=\s*[\d一二两三四五六七八九十]{1,3}\s*[点时])"
    r"|(?<=星)[其七棋旗](?=[一二三四五六日天])|夏(?=\s*(?:周|个月|个星期|星期|礼拜|午))"
)
_SLIP_FIX = {
    "州": "周", "洲": "周", "舟": "周", "粥": "周", "五": "午", "其": "期", "七": "期", "棋": "期", "旗": "期",
    "夏": "下",
}  # fmt: skip


def _compact(text: str) -> tuple[str, list[int] | None]:
    """The text with slips fixed and the spaces inside Chinese date phrases taken out, and where each of its
    characters was in `text` (None: no space was taken out)."""
    if text.isascii():
        return text, None
    if _SOUND_SLIPS.search(text):
        text = _SOUND_SLIPS.sub(lambda m: _SLIP_FIX[m.group(0)], text)
    if not _SPACED.search(text):
        return text, None
    positions: list[int] = []
    pieces: list[str] = []
    last = 0
    for m in _SPACED.finditer(text):
        pieces.append(text[last : m.start()])
        positions.extend(range(last, m.start()))
        last = m.end()
    pieces.append(text[last:])
    positions.extend(range(last, len(text)))
    return "".join(pieces), positions


def _original_span(positions: list[int] | None, start: int, end: int) -> tuple[int, int]:
    if positions is None:
        return start, end
    return positions[start], positions[end - 1] + 1


# --------------------------------------------------------------------------- dateparser fallback

# The checks around dateparser search the phrase folded (_fold) or lower-cased, behind guards (_guarded): a dozen
# searches with long alternations, tried in full at every position, were a third of what the fallback added to
# dateparser's own time.
_DP_UNIT = _guarded(
    rf"{_W}(?:{_EN_MONTH}|{_EN_WEEKDAY}|days?|weeks?|fortnights?|months?|years?|hours?|minutes?){_E}|[年月日号周天]|星期|礼拜"
)
_DP_NUMBER = _guarded(rf"\d|{_W}(?:{_alternation(_EN_NUMBERS)}|next|last|ago|tomorrow|yesterday|today){_E}")
_DP_TIME = _guarded(r"\d\s*(?:a\.?m|p\.?m|:\d\d|点|时|h\b|o'?clock)|noon|midnight|上午|下午|晚上|中午")
_DP_DAY_NUMBER = _guarded(r"(?<!\d)\d{1,2}(?!\d)")
_NUMERIC_SHAPE = re.compile(r"[\d\s/.:-]+")


def _parse_with_dateparser(phrase: str, text: str, ctx: _Ctx, *, allow_past: bool) -> DateReading:
    stripped = text.strip(" \t\r\n,.;:!?()[]\"'")
    start = text.find(stripped) if stripped else 0
    end = start + len(stripped)
    original = phrase[start:end]
    folded = _fold(stripped)  # for the patterns that ignore case
    lowered = folded if stripped.isascii() else stripped.lower()  # for those that do not
    if not _looks_like_date(folded):
        raise _unreadable(original or phrase)
    if _AGREE_MONTH.search(lowered) and not _DP_DAY_NUMBER.search(lowered):
        # "March 2027" names no day; dateparser would invent one, and no answer of its could be kept.
        raise _unreadable(original)
    import dateparser  # slow to import and rarely needed, so only here

    # No TIMEZONE setting: dateparser then reads a phrase without a zone in the frame of RELATIVE_BASE
    # (the team's wall clock) and returns a zone it read ("10:00 +0800") on its answer, which we convert.
    # With TIMEZONE it spent 5% more time and compared some times against the wrong now ("from 3pm"
    # said at 10:00 came out tomorrow; dateparser issues 1092, 1213).
    settings: dict[str, Any] = {
        "RELATIVE_BASE": ctx.now,
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "DMY" if ctx.day_first else "MDY",
    }
    try:
        result = dateparser.parse(stripped, languages=["zh", "en"], settings=settings)
    except (ValueError, OverflowError):  # dateparser's own failure on a phrase it cannot read
        result = None
    if result is None:
        raise _unreadable(original)
    # combine(date, time) drops the zone as replace(tzinfo=None) does, in a sixth of the time.
    written = dt.datetime.combine(result.date(), result.time())  # the day and time as the phrase has them
    if result.tzinfo is not None:
        result = result.astimezone(ctx.tzinfo)
    result = dt.datetime.combine(result.date(), result.time())
    if not _agrees(lowered, written, result, ctx):
        raise _unreadable(original)
    day = result.date()
    # dt.time() with fold rather than .time().replace(second=0, microsecond=0): the same time, in a fifth of the time.
    time = dt.time(result.hour, result.minute, fold=result.fold) if _DP_TIME.search(folded) else None
    past = day < ctx.today if time is None else dt.datetime.combine(day, time) < ctx.now
    if past and not allow_past:
        raise _past_error(original, day, time)
    return DateReading(day, time, start, end, original)


def _looks_like_date(text: str) -> bool:
    """Whether a phrase the rules did not read is worth dateparser's time; `text` is folded (_fold)."""
    if not text or len(text) > 60:
        return False
    if _NUMERIC_SHAPE.fullmatch(text):
        return False  # numeric shapes belong to the rules: dateparser would swap day and month
    return bool(_DP_UNIT.search(text) and _DP_NUMBER.search(text))


_AGREE_WEEKDAY = _guarded(rf"{_W}({_EN_WEEKDAY}){_E}")
_AGREE_MONTH = _guarded(rf"{_W}{_EN_MONTH}{_E}")
_AGREE_ORDINAL = _guarded(r"(?<![\d.])(\d{1,2})(?:st|nd|rd|th)(?![a-z])")
_AGREE_AHEAD = _guarded(rf"{_W}(?:from\s+now|from\s+today|later|in){_E}")
_AGREE_AGO = _guarded(rf"{_W}ago{_E}")


def _agrees(lowered: str, written: dt.datetime, result: dt.datetime, ctx: _Ctx) -> bool:
    """Reject dateparser answers that contradict the phrase (`lowered`: lower-cased): it drops words it does not know.

    `written` is the answer in the phrase's own zone ("Tue 23:00 UTC" is a Tuesday), `result` in the team's.
    """
    weekday = _AGREE_WEEKDAY.search(lowered)
    if weekday and _EN_WEEKDAYS[weekday.group(1)] != written.weekday():
        return False  # "Thursday, March 5, 2027" names a Friday
    ordinal = _AGREE_ORDINAL.search(lowered)
    if ordinal and int(ordinal.group(1)) != written.day:
        return False  # "next month on the 15th": dateparser drops "on the 15th" and answers the 11th
    # The comparison first: it is cheaper than the search, and most answers are ahead of now.
    if result < ctx.now and _AGREE_AHEAD.search(lowered):
        return False
    return not (result > ctx.now and _AGREE_AGO.search(lowered))
