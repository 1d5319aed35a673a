"""Leave in a sentence (issue 21): "我明天请假" / "下周一到周三休假" / "I'm off on Friday" takes days off;
"张伟下周请假" / "Tom is off on Friday" is a manager saying it for a rep; "取消请假" / "cancel my leave" takes it
back; "我的请假" / "who's off" shows it. Pure: now and the working-day calendar are passed in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from salesbot.nlp.dates import DateReading, WorkCalendar, find_dates
from salesbot.nlp.numerals import normalize, parse_cn_int

# Words that say "days off" whoever the subject is; and words that do only with the speaker as the subject
# ("我明天休息"), because "客户下周放假" is a note about a customer.
_STRONG = re.compile(
    r"请假|请了?[^,,。.]{0,4}假|休假|休[^,,。.]{0,3}(?:年|病|事|婚|产)假|年假|病假|事假|婚假|产假|丧假|"
    r"\bon\s+(?:annual\s+|sick\s+|parental\s+|maternity\s+)?leave\b|\bday\s+off\b|\bdays\s+off\b|\btime\s+off\b|"
    r"^\s*(?:off|out)\s+(?=on\b|from\b|tomorrow\b|tmrw\b|today\b|next\b|this\b|all\b|mon|tue|wed|thu|fri)|\bpto\b|\bvacation\b|\bsick\s+(?:day|leave)\b|\bout\s+of\s+(?:the\s+)?office\b|\booo\b|"
    r"\btak(?:e|ing)\s+(?:the\s+day|tomorrow|today|a\s+day|a\s+week|\w+\s+days?|(?:next\s+|this\s+)?"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\s+off\b",
    re.IGNORECASE,
)
_SELF = re.compile(r"^\s*(?:我|本人)(?!们)|^\s*(?:i'?m|i\s+am|i'?ll\s+be|i\s+will\s+be)\b", re.IGNORECASE)
_WEAK = re.compile(
    r"休息|放假|调休|不上班|不来上班|"
    r"^\s*(?:i'?m|i\s+am|i'?ll\s+be|i\s+will\s+be)\s+(?:off|out|away)\b(?!\s+to\b)",
    re.IGNORECASE,
)
# "Tom is off on Friday" / "Tom will be out next week": a short name at the start, then off with a day.
_NAMED_OFF = re.compile(
    r"^\s*(?P<who>[a-z][\w.'-]*(?:\s+[a-z][\w.'-]*)?)\s+(?:is|'s|will\s+be)\s+(?:off|out|away)\s+"
    r"(?=on\b|from\b|until\b|till\b|next\b|this\b|tomorrow\b|today\b|tmrw\b|all\b|for\b|mon|tue|wed|thu|fri|sat|sun)",
    re.IGNORECASE,
)
# A sentence about the work names a customer's days off ("王总下周休假,月底再跟进"), not a colleague's.
_WORK = re.compile(
    r"客户|拜访|跟进|联系|回款|合同|报价|方案|订单|采购|\bclient|\bcustomer|\bfollow|\bvisit|\bmeeting|\bdeal\b|"
    r"\bcontract|\binvoice|\bpayment",
    re.IGNORECASE,
)
_CANCEL = re.compile(
    r"取消[^,,。.]{0,10}(?:请假|休假|假期|年假|病假|事假)|(?:请假|休假)(?:取消|不请了|不休了)|销假|不(?:请|休)假了|"
    r"假不(?:请|休)了|\bcancel\b.{0,24}\b(?:leave|day\s+off|days\s+off|time\s+off|vacation|pto|holiday)\b|"
    r"\b(?:i'?m|i\s+am)\s+not\s+off\b|\bno\s+longer\s+off\b",
    re.IGNORECASE,
)
_LIST = re.compile(
    r"^\s*(?:我的|团队的?|我们组的?|查看|看看)?(?:请假|休假|假期)(?:记录|情况|安排|列表)?\s*[??]?\s*$|谁(?:[^,,。.]{0,4})(?:请假|休假|不在)|"
    r"请假(?:记录|情况|安排|列表)|^\s*my\s+(?:leave|days\s+off|time\s+off)\s*\??\s*$|"
    r"\bwho(?:'s|\s+is|\s+are)\s+(?:off|on\s+leave|out|away)\b|\bleave\s+(?:list|calendar|schedule)\b|"
    r"\bwhen\s+am\s+i\s+off\b",
    re.IGNORECASE,
)
_RANGE = re.compile(r"^\s*(?:到|至|~|-|—|–|～|until|till|to|through|thru)\s*$|^\s*(?:到|至)", re.IGNORECASE)
_WEEK_WORDS = {"下周": 1, "下星期": 1, "下礼拜": 1, "下下周": 2, "next week": 1, "这周": 0, "本周": 0, "this week": 0}
_DAYS = re.compile(
    r"(?P<n>\d{1,3}|[一二两三四五六七八九十]{1,3}|半)\s*(?:个工作日|个?天)(?:的)?(?:假|年假|病假|事假)?|"
    r"(?:for\s+)?(?P<en>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:working\s+)?days?\b",
    re.IGNORECASE,
)
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
               "ten": 10}  # fmt: skip
# What is said of who takes the days: "给张伟请假", "帮张伟请个假", a name before the days.
_FOR = re.compile(r"(?:给|帮|替|为)\s*(?P<who>[^\s,,。.]{1,12}?)\s*(?:请|休|登记|记)")
_CANCEL_WHO = re.compile(
    r"取消\s*(?P<who>[^\s,,。.的]{1,12}?)\s*的[^,,。.]{0,6}(?:请假|休假|假)|"
    r"\bcancel\s+(?P<en>[a-z][\w.-]*(?:\s+[a-z][\w.-]*)?)(?:'s|’s)\s",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(r"^(?:我|本人|i|i'?m|i\s+am|i'?ll\s+be|i\s+will\s+be|me|my)$", re.IGNORECASE)
_NOTES = re.compile(r"(年假|病假|事假|婚假|产假|丧假|调休|annual\s+leave|sick\s+(?:day|leave)|vacation|pto)", re.I)


@dataclass(frozen=True)
class LeaveSaid:
    who: str | None  # a name as said; None: the speaker
    starts_on: date | None  # None: no day was said (ask)
    ends_on: date | None
    note: str | None  # the kind of leave said (病假, annual leave), as said


class _MonFri:
    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5


# Every leave sentence holds one of these: most messages are about customers and stop here (one search, not five).
_ANY = re.compile(r"假|休|上班|不在|leave|off|vacation|holiday|pto|ooo|office|sick|out|away", re.IGNORECASE)


def intent(text: str) -> str | None:
    """`leave_cancel`, `leave_list` or `leave` (taking days off), or None."""
    if not _ANY.search(text):
        return None
    if _CANCEL.search(text):
        return "leave_cancel"
    if _LIST.search(text):
        return "leave_list"
    if _STRONG.search(text) or _NAMED_OFF.search(text):
        return "leave" if _SELF.search(text) or not _WORK.search(text) else None
    if _WEAK.search(text) and _SELF.search(text) and not _WORK.search(text):
        return "leave"
    return None


def parse(text: str, *, now: datetime, calendar: WorkCalendar | None = None) -> LeaveSaid:
    """Who takes which days: one day, a range (下周一到周三, Monday to Wednesday), a week (下周 / next week: Monday
    to Sunday), or N working days from a day (从5月6号开始请3天假; from today when no day is said)."""
    clean = normalize(text)
    readings = find_dates(clean, now=now, calendar=calendar)
    starts_on, ends_on = _days(clean, readings, now, calendar or _MonFri())
    note = _NOTES.search(clean)
    return LeaveSaid(_who(clean, readings), starts_on, ends_on, note.group(1) if note else None)


def days_from(text: str, *, now: datetime, calendar: WorkCalendar | None = None) -> tuple[date, date] | None:
    """The days an answer to "which days?" names, or None."""
    clean = normalize(text)
    readings = find_dates(clean, now=now, calendar=calendar)
    starts_on, ends_on = _days(clean, readings, now, calendar or _MonFri())
    return (starts_on, ends_on) if starts_on is not None and ends_on is not None else None


def cancel_day(text: str, *, now: datetime, calendar: WorkCalendar | None = None) -> date | None:
    """The day a cancellation names ("明天不请假了"), or None for the whole of the coming leave."""
    readings = find_dates(normalize(text), now=now, calendar=calendar)
    return readings[0].date if readings else None


def _days(
    text: str, readings: list[DateReading], now: datetime, calendar: WorkCalendar
) -> tuple[date | None, date | None]:
    count = _count(text, readings)
    if not readings:
        if count is None:
            return None, None
        return now.date(), _after(now.date(), count, calendar)
    first = readings[0]
    if len(readings) > 1 and _RANGE.search(text[first.end : readings[1].start]):
        end = readings[1]
        ends_on = end.date
        if ends_on < first.date:  # "下周一到周三": the Wednesday after that Monday
            again = find_dates(end.text, now=datetime.combine(first.date, now.timetz()), calendar=calendar)
            ends_on = again[0].date if again else ends_on
        return first.date, ends_on
    weeks = _WEEK_WORDS.get(first.text.strip().lower())
    if weeks is not None and count is None:
        monday = now.date() - timedelta(days=now.weekday()) + timedelta(weeks=weeks)
        return max(monday, now.date()), monday + timedelta(days=6)
    if count is not None:
        return first.date, _after(first.date, count, calendar)
    return first.date, first.date


def _count(text: str, readings: list[DateReading]) -> int | None:
    """"请假三天" / "for two days": how many working days; never a date's own words ("3天后")."""
    m = next(
        (m for m in _DAYS.finditer(text) if not any(r.start < m.end() and m.start() < r.end for r in readings)), None
    )
    if m is None:
        return None
    if m["en"]:
        said = m["en"].lower()
        return int(said) if said.isdigit() else _EN_NUMBERS[said]
    said = m["n"]
    if said == "半":
        return 1  # half a day is a day off for the reports
    n = int(said) if said.isdigit() else parse_cn_int(said)
    return n if n and 0 < n <= 366 else None


def _after(first: date, count: int, calendar: WorkCalendar) -> date:
    """The last of `count` working days from `first` (first counts when it is a working day)."""
    day, left = first, count
    for _ in range(count * 3 + 30):
        if calendar.is_working_day(day):
            left -= 1
            if left == 0:
                return day
        day += timedelta(days=1)
    return day


def _is_when(said: str) -> bool:
    return bool(re.search(r"[今明后昨]天|周|星期|礼拜|月|号|日|tomorrow|today|next|this", said, re.IGNORECASE))


def who(text: str, *, now: datetime) -> str | None:
    """Whose leave a sentence names (a name as said), or None for the speaker's own."""
    clean = normalize(text)
    return _who(clean, find_dates(clean, now=now))


def _who(text: str, readings: list[DateReading]) -> str | None:
    named = _NAMED_OFF.search(text)
    if named:
        return None if _NOT_A_NAME.match(named["who"].strip()) else named["who"].strip()
    given = _FOR.search(text)
    cancelled = _CANCEL_WHO.search(text)
    if cancelled:
        said = cancelled["who"] or cancelled["en"]
        return None if _NOT_A_NAME.match(said) or _is_when(said) else said
    if given:
        return None if _NOT_A_NAME.match(given["who"]) else given["who"]
    marks = [m.start() for m in (_STRONG.search(text), _WEAK.search(text), _CANCEL.search(text)) if m is not None]
    marks += [r.start for r in readings]
    if not marks:
        return None
    said = re.sub(r"[\s,,。.:：!！]+$", "", text[: min(marks)]).strip()
    said = re.sub(r"^(?:帮|给|替|为|取消|把)", "", said).strip()
    said = re.sub(r"(?:的|从|自|要|想|需要|准备|打算)$", "", said).strip()
    if not said or _NOT_A_NAME.match(said) or said.startswith(("我", "本人")) or len(said) > 20:
        return None
    return said
