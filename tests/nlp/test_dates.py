from __future__ import annotations

import datetime as dt
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from salesbot.nlp.dates import DateError, DateReading, find_date, parse_date

TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


# Bases ("now"), all in the team's timezone.
WED = at("2026-03-11 10:00")  # a Wednesday: the base of ../shared/examples/dates.tsv
EARLY = at("2026-03-05 10:00")  # a Thursday early in a month
LATE = at("2026-03-25 15:00")  # a Wednesday late in a month, in the afternoon
NIGHT = at("2026-03-11 21:00")  # the Wednesday evening
SUN = at("2026-03-15 11:00")  # a Sunday
DEC = at("2026-12-28 09:00")  # a Monday in the last week of the year
JAN31 = at("2026-01-31 09:00")  # for month-end clamping
LEAP = at("2028-01-31 09:00")  # February 2028 has 29 days
FIRST = at("2026-04-01 09:00")  # the 1st of a month

PAST, UNREADABLE = "past", "unreadable"


def fmt(reading: DateReading) -> str:
    day = reading.date.isoformat()
    return day if reading.time is None else f"{day} {reading.time:%H:%M}"


# The rows of ../shared/examples/dates.tsv (base 2026-03-11 10:00, a Wednesday, Asia/Shanghai).
EXAMPLES = [
    ("明天", WED, "2026-03-12"),
    ("后天下午4点", WED, "2026-03-13 16:00"),
    ("明早8点半", WED, "2026-03-12 08:30"),
    ("下周四", WED, "2026-03-19"),
    ("下下周一", WED, "2026-03-23"),
    ("周六", WED, "2026-03-14"),
    ("5天后", WED, "2026-03-16"),
    ("五天后", WED, "2026-03-16"),
    ("三周后", WED, "2026-04-01"),
    ("下个月10号", WED, "2026-04-10"),
    ("月底", WED, "2026-03-31"),
    ("下个月底", WED, "2026-04-30"),
    ("4月2日", WED, "2026-04-02"),
    ("2月3日", WED, "2027-02-03"),
    ("20号", WED, "2026-03-20"),
    ("tomorrow at 4pm", WED, "2026-03-12 16:00"),
    ("next thursday", WED, "2026-03-19"),
    ("next friday", WED, "2026-03-20"),
    ("this saturday", WED, "2026-03-14"),
    ("in 5 days", WED, "2026-03-16"),
    ("end of month", WED, "2026-03-31"),
    ("Apr 2", WED, "2026-04-02"),
    ("Feb 3", WED, "2027-02-03"),
]

RELATIVE_DAYS = [
    ("今天", WED, "2026-03-11"),
    ("今日", WED, "2026-03-11"),
    ("明日", WED, "2026-03-12"),
    ("后天", WED, "2026-03-13"),
    ("大后天", WED, "2026-03-14"),
    ("昨天", WED, PAST),
    ("前天", WED, PAST),
    ("三天后", WED, "2026-03-14"),
    ("3天以后", WED, "2026-03-14"),
    ("10天之后", WED, "2026-03-21"),
    ("两天后", WED, "2026-03-13"),
    ("二十天后", WED, "2026-03-31"),
    ("一百天后", WED, "2026-06-19"),
    ("两周后", WED, "2026-03-25"),
    ("2个星期后", WED, "2026-03-25"),
    ("三个礼拜后", WED, "2026-04-01"),
    ("一个月后", WED, "2026-04-11"),
    ("3个月后", WED, "2026-06-11"),
    ("半个月后", WED, "2026-03-26"),
    ("半年后", WED, "2026-09-11"),
    ("一年后", WED, "2027-03-11"),
    ("三天内", WED, "2026-03-14"),
    ("过两天", WED, "2026-03-13"),
    ("3天前", WED, PAST),
    ("一周前", WED, PAST),
    ("tomorrow", WED, "2026-03-12"),
    ("Tomorrow", WED, "2026-03-12"),
    ("tmrw", WED, "2026-03-12"),
    ("today", WED, "2026-03-11"),
    ("yesterday", WED, PAST),
    ("the day after tomorrow", WED, "2026-03-13"),
    ("day after tomorrow", WED, "2026-03-13"),
    ("in 3 days", WED, "2026-03-14"),
    ("in two weeks", WED, "2026-03-25"),
    ("in two weeks' time", WED, "2026-03-25"),
    ("in 3 months", WED, "2026-06-11"),
    ("in a month", WED, "2026-04-11"),
    ("in a week", WED, "2026-03-18"),
    ("2 days from now", WED, "2026-03-13"),
    ("a month from now", WED, "2026-04-11"),
    ("3 weeks from today", WED, "2026-04-01"),
    ("in a couple of days", WED, "2026-03-13"),
    ("a fortnight from now", WED, "2026-03-25"),
    ("within 3 days", WED, "2026-03-14"),
    ("3 days ago", WED, PAST),
    ("一周后", DEC, "2027-01-04"),
    ("in a week", DEC, "2027-01-04"),
    ("两周后", DEC, "2027-01-11"),
    # the same day N months on, clamped to the month's last day
    ("一个月后", DEC, "2027-01-28"),
    ("一个月后", JAN31, "2026-02-28"),
    ("in a month", JAN31, "2026-02-28"),
    ("a month from now", JAN31, "2026-02-28"),
    ("3个月后", JAN31, "2026-04-30"),
    ("一年后", JAN31, "2027-01-31"),
    ("一个月后", LEAP, "2028-02-29"),
]

WEEKDAYS = [
    # WED is Wednesday 2026-03-11: this week runs 03-09..03-15, the next 03-16..03-22.
    ("下周一", WED, "2026-03-16"),
    ("下周三", WED, "2026-03-18"),
    ("下周日", WED, "2026-03-22"),
    ("下周天", WED, "2026-03-22"),
    ("下周7", WED, "2026-03-22"),
    ("下星期二", WED, "2026-03-17"),
    ("下礼拜五", WED, "2026-03-20"),
    ("下个星期五", WED, "2026-03-20"),
    ("下下周五", WED, "2026-03-27"),
    ("周三", WED, "2026-03-11"),
    ("周五", WED, "2026-03-13"),
    ("周一", WED, "2026-03-16"),
    ("星期天", WED, "2026-03-15"),
    ("礼拜一", WED, "2026-03-16"),
    ("这周五", WED, "2026-03-13"),
    ("本周日", WED, "2026-03-15"),
    ("这个星期五", WED, "2026-03-13"),
    ("这周二", WED, PAST),
    ("本周一", WED, PAST),
    ("上周五", WED, PAST),
    ("周末", WED, "2026-03-14"),
    ("下周末", WED, "2026-03-21"),
    ("下周", WED, "2026-03-16"),
    ("下个星期", WED, "2026-03-16"),
    ("next monday", WED, "2026-03-16"),
    ("next wednesday", WED, "2026-03-18"),
    ("next sunday", WED, "2026-03-22"),
    ("NEXT FRIDAY", WED, "2026-03-20"),
    ("this friday", WED, "2026-03-13"),
    ("this wednesday", WED, "2026-03-11"),
    ("this coming monday", WED, "2026-03-16"),
    ("friday", WED, "2026-03-13"),
    ("Wednesday", WED, "2026-03-11"),
    ("on monday", WED, "2026-03-16"),
    ("by friday", WED, "2026-03-13"),
    ("mon", WED, "2026-03-16"),
    ("tue", WED, "2026-03-17"),
    ("tues", WED, "2026-03-17"),
    ("wed", WED, "2026-03-11"),
    ("thu", WED, "2026-03-12"),
    ("thur", WED, "2026-03-12"),
    ("thurs", WED, "2026-03-12"),
    ("fri", WED, "2026-03-13"),
    ("Fri.", WED, "2026-03-13"),
    ("sat", WED, "2026-03-14"),
    ("sun", WED, "2026-03-15"),
    ("last friday", WED, PAST),
    ("next week", WED, "2026-03-16"),
    ("monday next week", WED, "2026-03-16"),
    ("next week friday", WED, "2026-03-20"),
    ("this weekend", WED, "2026-03-14"),
    ("next weekend", WED, "2026-03-21"),
    ("end of week", WED, "2026-03-13"),
    # SUN is Sunday 2026-03-15, the last day of its week: "next" is tomorrow's week.
    ("下周一", SUN, "2026-03-16"),
    ("下周日", SUN, "2026-03-22"),
    ("下下周一", SUN, "2026-03-23"),
    ("周日", SUN, "2026-03-15"),
    ("周一", SUN, "2026-03-16"),
    ("这周一", SUN, PAST),
    ("本周六", SUN, PAST),
    ("next monday", SUN, "2026-03-16"),
    ("next sunday", SUN, "2026-03-22"),
    ("monday", SUN, "2026-03-16"),
    ("sunday", SUN, "2026-03-15"),
    ("周末", SUN, "2026-03-15"),
    ("this weekend", SUN, "2026-03-15"),
    ("下周末", SUN, "2026-03-21"),
    ("end of week", SUN, "2026-03-15"),
    # DEC is Monday 2026-12-28: weeks roll into 2027.
    ("下周三", DEC, "2027-01-06"),
    ("下下周五", DEC, "2027-01-15"),
    ("周五", DEC, "2027-01-01"),
    ("next friday", DEC, "2027-01-08"),
]

MONTH_AND_YEAR_ENDS = [
    ("本月底", WED, "2026-03-31"),
    ("这个月底", WED, "2026-03-31"),
    ("月末", WED, "2026-03-31"),
    ("下月底", WED, "2026-04-30"),
    ("end of the month", WED, "2026-03-31"),
    ("end of this month", WED, "2026-03-31"),
    ("month end", WED, "2026-03-31"),
    ("end of next month", WED, "2026-04-30"),
    ("年底", WED, "2026-12-31"),
    ("今年年底", WED, "2026-12-31"),
    ("年末", WED, "2026-12-31"),
    ("明年底", WED, "2027-12-31"),
    ("end of year", WED, "2026-12-31"),
    ("end of the year", WED, "2026-12-31"),
    ("end of next year", WED, "2027-12-31"),
    ("年初", WED, "2027-01-01"),
    ("月初", WED, "2026-04-01"),  # said after the 10th: next month's
    ("下月初", WED, "2026-04-01"),
    ("下个月初", WED, "2026-04-01"),
    ("early next month", WED, "2026-04-01"),
    ("beginning of next month", WED, "2026-04-01"),
    ("start of next month", WED, "2026-04-01"),
    ("月中", WED, "2026-03-15"),
    ("下个月中", WED, "2026-04-15"),
    ("mid next month", WED, "2026-04-15"),
    ("mid-month", WED, "2026-03-15"),
    ("3月底", WED, "2026-03-31"),
    ("4月初", WED, "2026-04-01"),
    ("2月底", WED, "2027-02-28"),
    ("end of march", WED, "2026-03-31"),
    ("end of February", WED, "2027-02-28"),
    ("mid april", WED, "2026-04-15"),
    ("early april", WED, "2026-04-01"),
    ("下个月", WED, "2026-04-01"),
    ("下月", WED, "2026-04-01"),
    ("next month", WED, "2026-04-01"),
    ("上个月", WED, PAST),
    ("月初", EARLY, "2026-03-05"),  # early month is still running
    ("月初", FIRST, "2026-04-01"),
    ("本月初", FIRST, "2026-04-01"),
    ("月中", FIRST, "2026-04-15"),
    ("月初", LATE, "2026-04-01"),
    ("本月初", LATE, PAST),
    ("月中", LATE, "2026-04-15"),
    ("mid-month", LATE, "2026-04-15"),
    ("月底", LATE, "2026-03-31"),
    ("月底", DEC, "2026-12-31"),
    ("下个月", DEC, "2027-01-01"),
    ("next month", DEC, "2027-01-01"),
    ("下个月底", DEC, "2027-01-31"),
    ("年底", DEC, "2026-12-31"),
    ("EOY", DEC, "2026-12-31"),
    ("年初", DEC, "2027-01-01"),
    ("月初", DEC, "2027-01-01"),
    ("next year", DEC, "2027-01-01"),
    ("下个月底", JAN31, "2026-02-28"),
]

EXPLICIT_DATES = [
    ("12月5日", WED, "2026-12-05"),
    ("12月5号", WED, "2026-12-05"),
    ("十二月五日", WED, "2026-12-05"),
    ("三月三十日", WED, "2026-03-30"),
    ("3月11日", WED, "2026-03-11"),
    ("3月10日", WED, PAST),  # issue 17: the nearest month-day, a month back at most
    ("3月5", WED, PAST),
    ("2027年3月1日", WED, "2027-03-01"),
    ("二〇二七年三月一日", WED, "2027-03-01"),
    ("27年3月1日", WED, "2027-03-01"),
    ("明年3月1日", WED, "2027-03-01"),
    ("2026年3月1日", WED, PAST),
    ("2025年3月1日", WED, PAST),
    ("去年12月5日", WED, PAST),
    ("15号", WED, "2026-03-15"),
    ("15日", WED, "2026-03-15"),
    ("11号", WED, "2026-03-11"),
    ("10号", WED, "2026-04-10"),
    ("31号", WED, "2026-03-31"),
    ("二十号", WED, "2026-03-20"),
    ("31号", FIRST, "2026-05-31"),  # April has no 31st
    ("下月5号", WED, "2026-04-05"),
    ("本月20号", WED, "2026-03-20"),
    ("这个月5号", WED, PAST),
    ("上个月5号", WED, PAST),
    ("2026-12-05", WED, "2026-12-05"),
    ("2026/12/05", WED, "2026-12-05"),
    ("2026.12.5", WED, "2026-12-05"),
    ("12/5", WED, "2026-12-05"),
    ("12-5", WED, "2026-12-05"),
    ("3/1", WED, PAST),
    ("12/5/2027", WED, "2027-12-05"),
    ("Dec 5", WED, "2026-12-05"),
    ("December 5", WED, "2026-12-05"),
    ("5 Dec", WED, "2026-12-05"),
    ("Dec 5th", WED, "2026-12-05"),
    ("Dec 5 2027", WED, "2027-12-05"),
    ("Dec 5, 2027", WED, "2027-12-05"),
    ("5th of December", WED, "2026-12-05"),
    ("the 5th of december 2027", WED, "2027-12-05"),
    ("December the 5th", WED, "2026-12-05"),
    ("Sept 30", WED, "2026-09-30"),
    ("the 15th", WED, "2026-03-15"),
    ("on the 20th", WED, "2026-03-20"),
    ("１２月５日", WED, "2026-12-05"),
    ("３天后", WED, "2026-03-14"),
    ("12月5日", DEC, PAST),
    ("12月31日", DEC, "2026-12-31"),
    ("1月3日", DEC, "2027-01-03"),
    ("Jan 3", DEC, "2027-01-03"),
    ("12/25", DEC, PAST),
    ("明年3月1日", DEC, "2027-03-01"),
    ("2月29日", JAN31, "2028-02-29"),  # the next Feb 29 is in a leap year
    ("2月29日", LEAP, "2028-02-29"),
    ("2028年2月29日", LEAP, "2028-02-29"),
]

TIMES = [
    ("下午3点", WED, "2026-03-11 15:00"),
    ("3点半", WED, "2026-03-11 15:30"),
    ("10点半", WED, "2026-03-11 10:30"),
    ("两点", WED, "2026-03-11 14:00"),
    ("晚上8点", WED, "2026-03-11 20:00"),
    ("明早9点", WED, "2026-03-12 09:00"),
    ("今晚8点", WED, "2026-03-11 20:00"),
    ("中午", WED, "2026-03-11 12:00"),
    ("中午12点", WED, "2026-03-11 12:00"),
    ("中午1点", WED, "2026-03-11 13:00"),
    ("早上8点", WED, "2026-03-12 08:00"),  # gone today, so tomorrow
    ("上午11点", WED, "2026-03-11 11:00"),
    ("上午10点", WED, "2026-03-11 10:00"),  # exactly now is not past
    ("凌晨2点", WED, "2026-03-12 02:00"),
    ("傍晚6点", WED, "2026-03-11 18:00"),
    ("晚8点", WED, "2026-03-11 20:00"),
    ("明晚8点", WED, "2026-03-12 20:00"),
    ("下午三点半", WED, "2026-03-11 15:30"),
    ("3pm", WED, "2026-03-11 15:00"),
    ("3 pm", WED, "2026-03-11 15:00"),
    ("3 p.m.", WED, "2026-03-11 15:00"),
    ("11pm", WED, "2026-03-11 23:00"),
    ("12pm", WED, "2026-03-11 12:00"),
    ("12am", WED, "2026-03-12 00:00"),
    ("12:30am", WED, "2026-03-12 00:30"),
    ("9:30", WED, "2026-03-12 09:30"),
    ("9:30am", WED, "2026-03-12 09:30"),
    ("11:30", WED, "2026-03-11 11:30"),
    ("noon", WED, "2026-03-11 12:00"),
    ("12 noon", WED, "2026-03-11 12:00"),
    ("midnight", WED, "2026-03-12 00:00"),
    ("3点15分", WED, "2026-03-11 15:15"),
    ("3点15", WED, "2026-03-11 15:15"),
    ("三点零五", WED, "2026-03-11 15:05"),
    ("3点一刻", WED, "2026-03-11 15:15"),
    ("3点三刻", WED, "2026-03-11 15:45"),
    ("3:15", WED, "2026-03-11 15:15"),
    ("03:15", WED, "2026-03-12 03:15"),  # a leading zero is 24-hour: no business-hours guess
    ("15点", WED, "2026-03-11 15:00"),
    ("15时30分", WED, "2026-03-11 15:30"),
    ("0点", WED, "2026-03-12 00:00"),
    ("下午15:30", WED, "2026-03-11 15:30"),
    ("下午３：３０", WED, "2026-03-11 15:30"),
    ("at 3", WED, "2026-03-11 15:00"),
    ("3 o'clock", WED, "2026-03-11 15:00"),
    ("明天3点", WED, "2026-03-12 15:00"),
    ("明天9点半", WED, "2026-03-12 09:30"),
    ("明天7点", WED, "2026-03-12 07:00"),
    ("明天6点", WED, "2026-03-12 18:00"),
    ("明天12点", WED, "2026-03-12 12:00"),
    ("明天晚上", WED, "2026-03-12 20:00"),
    ("明天中午", WED, "2026-03-12 12:00"),
    ("后天早上", WED, "2026-03-13 09:00"),
    ("下周三下午两点", WED, "2026-03-18 14:00"),
    ("下周三 下午两点", WED, "2026-03-18 14:00"),
    ("下周三的下午两点", WED, "2026-03-18 14:00"),
    ("周一10点", WED, "2026-03-16 10:00"),
    ("周三十点", WED, "2026-03-11 10:00"),
    ("下周三十点", WED, "2026-03-18 10:00"),
    ("明天,下午3点", WED, "2026-03-12 15:00"),
    ("十二月五号下午三点", WED, "2026-12-05 15:00"),
    ("12月5日 15:00", WED, "2026-12-05 15:00"),
    ("下个月15号下午3点", WED, "2026-04-15 15:00"),
    ("tomorrow at 3pm", WED, "2026-03-12 15:00"),
    ("3pm tomorrow", WED, "2026-03-12 15:00"),
    ("monday 9am", WED, "2026-03-16 09:00"),
    ("wed 3pm", WED, "2026-03-11 15:00"),
    ("next friday at 10:30am", WED, "2026-03-20 10:30"),
    ("Dec 5 at 3pm", WED, "2026-12-05 15:00"),
    ("Dec 5, 2027 at 3pm", WED, "2027-12-05 15:00"),
    ("2026-12-05 15:00", WED, "2026-12-05 15:00"),
    ("2027-03-05T15:00", WED, "2027-03-05 15:00"),
    ("tomorrow morning", WED, "2026-03-12 09:00"),
    ("tomorrow morning at 8", WED, "2026-03-12 08:00"),
    ("tomorrow evening", WED, "2026-03-12 18:00"),
    ("this afternoon", WED, "2026-03-11 14:00"),
    ("tonight", WED, "2026-03-11 20:00"),
    ("下午", WED, "2026-03-11 14:00"),
    ("今晚", WED, "2026-03-11 20:00"),
    ("明早", WED, "2026-03-12 09:00"),
    ("in 2 hours", WED, "2026-03-11 12:00"),
    ("两小时后", WED, "2026-03-11 12:00"),
    ("半小时后", WED, "2026-03-11 10:30"),
    ("30分钟后", WED, "2026-03-11 10:30"),
    ("今天上午9点", WED, PAST),
    ("today at 9am", WED, PAST),
    # In the evening: a period still running is today with no hour; a gone time is tomorrow.
    ("今晚", NIGHT, "2026-03-11"),
    ("tonight", NIGHT, "2026-03-11"),
    ("晚上", NIGHT, "2026-03-11"),
    ("下午", NIGHT, "2026-03-12 14:00"),
    ("下午3点", NIGHT, "2026-03-12 15:00"),
    ("9点", NIGHT, "2026-03-12 09:00"),
    ("22:00", NIGHT, "2026-03-11 22:00"),
    ("今天下午3点", NIGHT, PAST),
    ("周三下午2点", NIGHT, PAST),  # a named day is never rolled forward because of its time
    ("今天下午", LATE, "2026-03-25"),
    ("下午", LATE, "2026-03-25"),
]

SPELLING_AND_FILLER = [
    ("下週三", WED, "2026-03-18"),
    ("兩天後", WED, "2026-03-13"),
    ("下午3點", WED, "2026-03-11 15:00"),
    ("  明天。 ", WED, "2026-03-12"),
    ("（周五）", WED, "2026-03-13"),
    ("周五前", WED, "2026-03-13"),
    ("周五之前", WED, "2026-03-13"),
    ("3点左右", WED, "2026-03-11 15:00"),
    ("by the 15th", WED, "2026-03-15"),
    ("due Dec 5.", WED, "2026-12-05"),
]

UNREADABLE_ROWS = [
    ("2月30日", WED, UNREADABLE),
    ("13月1日", WED, UNREADABLE),
    ("13月5日", WED, UNREADABLE),
    ("0月5日", WED, UNREADABLE),
    ("三十二号", WED, UNREADABLE),
    ("32号", WED, UNREADABLE),
    ("2/30", WED, UNREADABLE),
    ("13/5", WED, UNREADABLE),
    ("sep 31", WED, UNREADABLE),
    ("Feb 30", WED, UNREADABLE),
    ("2026-02-30", WED, UNREADABLE),
    ("2026-13-01", WED, UNREADABLE),
    ("2027年2月29日", WED, UNREADABLE),
    ("下个月31号", WED, UNREADABLE),  # April has no 31st
    ("25点", WED, UNREADABLE),
    ("3点70分", WED, UNREADABLE),
    ("24:00", WED, UNREADABLE),
    ("晚上12点", WED, UNREADABLE),
    ("hello", WED, UNREADABLE),
    ("", WED, UNREADABLE),
    ("   ", WED, UNREADABLE),
    ("3", WED, UNREADABLE),
    ("十", WED, UNREADABLE),
    ("3.5", WED, PAST),  # issue 17: a dotted month.day with no unit after it
    ("明天后天", WED, UNREADABLE),
    ("明天 and 后天", WED, UNREADABLE),
    ("下午3点到5点", WED, UNREADABLE),
    # handed to dateparser, whose answers are cross-checked
    ("March 2027", WED, UNREADABLE),  # names no day (refused before dateparser, which would invent one)
    ("Thursday, March 5, 2027", WED, UNREADABLE),  # March 5, 2027 is a Friday
    ("next month on the 15th", WED, "2026-04-15"),  # the rules read it (dateparser dropped "on the 15th")
]

DATEPARSER_ROWS = [
    ("in 2 weeks and 3 days", WED, "2026-03-28"),
    ("Friday, March 5, 2027", WED, "2027-03-05"),
    ("15th of next month", WED, "2026-04-15"),
    # a zone in the phrase: the answer is given in the team's zone (Asia/Shanghai)
    ("12 Dec 2026 10:00 +0800", WED, "2026-12-12 10:00"),
    ("5 Oct 2026 23:30 UTC", WED, "2026-10-06 07:30"),
    ("Tue, 13 Oct 2026 23:00 UTC", WED, "2026-10-14 07:00"),  # a Tuesday where it was written
]

TABLE = (
    EXAMPLES
    + RELATIVE_DAYS
    + WEEKDAYS
    + MONTH_AND_YEAR_ENDS
    + EXPLICIT_DATES
    + TIMES
    + SPELLING_AND_FILLER
    + UNREADABLE_ROWS
    + DATEPARSER_ROWS
)


@pytest.mark.parametrize(("phrase", "now", "expected"), TABLE, ids=[f"{p}@{n:%m-%d %H:%M}" for p, n, _ in TABLE])
def test_parse_date(phrase: str, now: dt.datetime, expected: str) -> None:
    if expected in (PAST, UNREADABLE):
        with pytest.raises(DateError) as info:
            parse_date(phrase, now=now)
        assert info.value.code == expected
    else:
        assert fmt(parse_date(phrase, now=now)) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("昨天", "2026-03-10"),
        ("上周五", "2026-03-06"),
        ("3 days ago", "2026-03-08"),
        ("2025年3月1日", "2025-03-01"),
    ],
)
def test_allow_past(phrase: str, expected: str) -> None:
    assert fmt(parse_date(phrase, now=WED, allow_past=True)) == expected


@pytest.mark.parametrize(
    ("phrase", "day_first", "expected"),
    [
        ("5/12", False, "2026-05-12"),
        ("5/12", True, "2026-12-05"),
        ("12/5", True, "2026-05-12"),
        ("13/5", True, "2026-05-13"),
        ("5/12/2027", True, "2027-12-05"),
        ("5.3.2027", True, "2027-03-05"),
        ("5.3.2027", False, "2027-05-03"),
    ],
)
def test_day_first(phrase: str, day_first: bool, expected: str) -> None:
    assert fmt(parse_date(phrase, now=WED, day_first=day_first)) == expected


def test_past_error_says_what_and_keeps_the_phrase() -> None:
    with pytest.raises(DateError) as info:
        parse_date(" 2026年3月1日 ", now=WED)
    error = info.value
    assert isinstance(error, ValueError)
    assert (error.code, error.phrase, str(error)) == ("past", "2026年3月1日", "2026-03-01 is in the past")
    with pytest.raises(DateError, match=r"2026-03-11 09:00 is in the past"):
        parse_date("今天上午9点", now=WED)


def test_unreadable_error_explains() -> None:
    with pytest.raises(DateError) as info:
        parse_date("2月30日", now=WED)
    assert info.value.code == "unreadable"
    assert info.value.phrase == "2月30日"
    assert "February has no day 30" in str(info.value)


def test_date_error_can_be_built_directly() -> None:
    error = DateError("past", "昨天", "2026-03-10 is in the past")
    assert (error.code, error.phrase, error.message, str(error)) == (
        "past",
        "昨天",
        "2026-03-10 is in the past",
        "2026-03-10 is in the past",
    )


def test_parse_date_span_points_into_the_original_phrase() -> None:
    phrase = "  下周三 下午２点。"
    reading = parse_date(phrase, now=WED)
    assert (reading.start, reading.end) == (2, 10)
    assert reading.text == reading.phrase == phrase[2:10] == "下周三 下午２点"
    reading = parse_date("on friday", now=WED)
    assert reading.text == "friday"


@pytest.mark.parametrize("function", [parse_date, find_date])
def test_naive_now_is_refused(function: object) -> None:
    with pytest.raises(ValueError, match="timezone-aware") as info:
        function("明天", now=dt.datetime(2026, 3, 11, 10, 0))  # type: ignore[operator]
    assert not isinstance(info.value, DateError)


def test_everything_is_computed_in_the_timezone_of_now() -> None:
    # 23:30 UTC on the 10th is already the 11th in Shanghai; each is its own "today".
    utc = dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC)
    assert fmt(parse_date("明天", now=utc)) == "2026-03-11"
    assert fmt(parse_date("明天", now=utc.astimezone(TZ))) == "2026-03-12"
    fixed = dt.datetime(2026, 3, 11, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert fmt(parse_date("下午3点", now=fixed)) == "2026-03-11 15:00"


# --------------------------------------------------------------------------- find_date

FIND = [
    # (sentence, now, expected, the text of the span)
    ("上午去了阿里,见了技术总监,下周三给方案", WED, "2026-03-18", "下周三"),
    ("met Initech's CTO, follow up next friday", WED, "2026-03-20", "next friday"),
    ("拜访比亚迪采购部,他们在比价,三天后再联系", WED, "2026-03-14", "三天后"),
    ("今天拜访了华为,下周二再跟进", WED, "2026-03-17", "下周二"),
    ("今天拜访了华为", WED, "2026-03-11", "今天"),
    ("met the buyer today", WED, "2026-03-11", "today"),
    ("昨天去了阿里,下周三给方案", WED, "2026-03-18", "下周三"),
    ("下午3点见了CTO,下周再约", NIGHT, "2026-03-16", "下周"),
    ("提了3点建议,月底前答复", WED, "2026-03-31", "月底"),
    ("在10号楼开会,周五前报价", WED, "2026-03-13", "周五"),
    ("下周一起吃饭", WED, "2026-03-16", "下周"),
    ("明天上午10点去拜访", WED, "2026-03-12 10:00", "明天上午10点"),
    ("明早8点半电话会", WED, "2026-03-12 08:30", "明早8点半"),
    ("下周三下午两点再去一趟", WED, "2026-03-18 14:00", "下周三下午两点"),
    ("他说月初付款", WED, "2026-04-01", "月初"),
    ("下午给他回电话", WED, "2026-03-11 14:00", "下午"),
    ("中午和王总吃了饭,３天后回访", WED, "2026-03-14", "３天后"),
    ("今天上午9点去了阿里", WED, "2026-03-11", "今天上午9点"),
    ("客户说 Dec 5th 签约", WED, "2026-12-05", "Dec 5th"),
    ("12/5再联系", WED, "2026-12-05", "12/5"),
    ("Had lunch at noon, will call Mon.", WED, "2026-03-16", "Mon."),
    ("follow up on sat", WED, "2026-03-14", "sat"),
    ("send the proposal by the 15th", WED, "2026-03-15", "the 15th"),
    ("call back tomorrow at 3", WED, "2026-03-12 15:00", "tomorrow at 3"),
    ("Demo went well; revisit in 2 weeks.", WED, "2026-03-25", "in 2 weeks"),
    ("tomorrow morning call him", WED, "2026-03-12 09:00", "tomorrow morning"),
    ("good morning team, ping them next month", WED, "2026-04-01", "next month"),
    ("今晚给他打电话", NIGHT, "2026-03-11", "今晚"),
    ("下周一上午10点提醒我去比亚迪", WED, "2026-03-16 10:00", "下周一上午10点"),
    ("remind me to send Initech the quote tomorrow", WED, "2026-03-12", "tomorrow"),
    ("报价12.5万,下周五前回复", WED, "2026-03-20", "下周五"),
    ("30% upfront, balance in 60 days", WED, "2026-05-10", "in 60 days"),
    ("10/20再说", WED, "2026-10-20", "10/20"),
    ("打了3次电话, 4点再打", WED, "2026-03-11 16:00", "4点"),
    ("价格谈到85折,周四再谈", WED, "2026-03-12", "周四"),
    ("等到下个月再说", WED, "2026-04-01", "下个月"),
    ("signing may 20", WED, "2026-05-20", "may 20"),
    ("call at 3 tomorrow", WED, "2026-03-12 15:00", "at 3 tomorrow"),
]


@pytest.mark.parametrize(("sentence", "now", "expected", "span"), FIND, ids=[f[0] for f in FIND])
def test_find_date(sentence: str, now: dt.datetime, expected: str, span: str) -> None:
    reading = find_date(sentence, now=now)
    assert reading is not None
    assert fmt(reading) == expected
    assert sentence[reading.start : reading.end] == reading.text == span


@pytest.mark.parametrize(
    ("sentence", "now"),
    [
        ("上午去了阿里,见了技术总监", WED),  # a morning that has gone describes the visit
        ("下午3点见了CTO", NIGHT),
        ("无日期的句子", WED),
        ("", WED),
        ("他们有3-5个供应商在比价", WED),  # a range, not March 5th
        ("预计3-5天后回复", WED),
        ("预算砍了1/3", WED),  # a fraction, not January 3rd
        ("our 3rd visit went well", WED),
        ("见了王总,他们一周三次开会", WED),
        ("good morning team", WED),
        ("I sat with the CTO", WED),
        ("met at 3 sites", WED),
        # amounts and counts are not dates
        ("京东合同提交审批,金额45.5万", WED),
        ("new contract Initech $120k, 30% upfront", WED),
        ("received 8,500 from Initech", WED),
        ("京东打款15万到账了", WED),
        ("合同3年,每年12万", WED),
        ("2-3周后再看", WED),  # a range has no single date
        ("第3点要注意", WED),
        ("We may sign in May", WED),
        ("他们一周开三次会", WED),
    ],
)
def test_find_date_none(sentence: str, now: dt.datetime) -> None:
    assert find_date(sentence, now=now) is None


@pytest.mark.parametrize(
    ("sentence", "code", "phrase"),
    [
        ("昨天去了阿里", "past", "昨天"),
        ("3 days ago we met the CFO", "past", "3 days ago"),
        ("客户说2月30日签约", "unreadable", "2月30日"),
    ],
)
def test_find_date_errors(sentence: str, code: str, phrase: str) -> None:
    with pytest.raises(DateError) as info:
        find_date(sentence, now=WED)
    assert (info.value.code, info.value.phrase) == (code, phrase)


def test_find_date_allow_past_and_day_first() -> None:
    reading = find_date("昨天去了阿里", now=WED, allow_past=True)
    assert reading is not None and fmt(reading) == "2026-03-10"
    reading = find_date("call on 5/12", now=WED, day_first=True)
    assert reading is not None and fmt(reading) == "2026-12-05"


def test_span_has_no_leading_whitespace() -> None:
    # 周三 / 周末 / 月底 / 年底 with no 下/本/这 before them took the spaces before them into their span.
    sentences = [
        ("拜访, 周三再谈", "周三"),
        ("拜访  周末再谈", "周末"),
        ("说好  月底付款", "月底"),
        ("ok  年底", "年底"),
    ]
    for sentence, phrase in sentences:
        reading = find_date(sentence, now=WED)
        assert reading is not None and reading.text == phrase


def test_year_zero_is_unreadable_not_a_crash() -> None:
    # These escaped as a bare ValueError ("year 0 is out of range") from parse_date and find_date.
    for phrase in ("0000-01-01", "Dec 5, 0000", "12/31/0000", "end of March 0000"):
        for function in (parse_date, find_date):
            with pytest.raises(DateError) as info:
                function(phrase, now=WED)
            assert info.value.code == "unreadable" and "no year 0" in info.value.message


def test_dateparser_is_imported_lazily() -> None:
    code = "import sys, salesbot.nlp.dates; print('dateparser' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
