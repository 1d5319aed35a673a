"""DESIGN.md's date conventions of issue 17: festivals by name, working days, dotted dates, the nearest month-day,
slips and spaces inside a phrase, English abbreviations and number words. Said on Wednesday 2026-11-25 10:00."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from salesbot.calendars import working_calendar
from salesbot.nlp.dates import DateError, find_date, parse_date

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CN = working_calendar("cn")
MON_FRI = working_calendar("mon-fri")


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("元旦", "2027-01-01"),
        ("New Year's Day", "2027-01-01"),
        ("圣诞节", "2026-12-25"),
        ("on Christmas", "2026-12-25"),
        ("春节", "2027-02-06"),
        ("中秋", "2027-09-15"),
        ("国庆", "2027-10-01"),
        ("元旦后", "2027-01-04"),  # Jan 1 is a Friday: the break runs to Sunday
        ("节后", "2027-01-04"),  # the next break is New Year's
        ("after the holiday", "2027-01-04"),
        ("五个工作日后", "2026-12-02"),
        ("in 5 working days", "2026-12-02"),
        ("12.20", "2026-12-20"),
        ("1月5日", "2027-01-05"),
        ("下 周 二", "2026-12-01"),
        ("下 下 周 三", "2026-12-09"),
        ("12 月 8 号", "2026-12-08"),
        ("下州一", "2026-11-30"),
        ("下五3点", "2026-11-25 15:00"),
        ("nxt mon", "2026-11-30"),
        ("tmrw", "2026-11-26"),
        ("in fifteen days", "2026-12-10"),
        ("in twenty-one days", "2026-12-16"),
    ],
)
def test_phrases_read_as_the_conventions_say(phrase: str, expected: str) -> None:
    reading = parse_date(phrase, now=NOW, calendar=CN)
    got = reading.date.isoformat() + (f" {reading.time:%H:%M}" if reading.time else "")
    assert got == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("说要再考虑一下 下周二再问问", dt.date(2026, 12, 1)),
        ("让我等一下 下周一再联系", dt.date(2026, 11, 30)),
        ("他们要再商量一下 下周三回复", dt.date(2026, 12, 2)),
        ("拜访完了 下 下 周二再去", dt.date(2026, 12, 8)),
    ],
)
def test_a_word_ending_in_xia_before_a_space_is_no_half_of_xiaxia(text: str, expected: dt.date) -> None:
    # 一下 下周二 is "a moment" then next Tuesday: only 下 下 周二 written apart is the week after next.
    reading = find_date(text, now=NOW, calendar=CN)
    assert reading is not None and reading.date == expected


def test_a_month_day_is_the_nearest_one_so_a_recent_one_is_past() -> None:
    with pytest.raises(DateError) as info:
        parse_date("11月20日", now=NOW)
    assert info.value.code == "past"
    assert parse_date("11月20日", now=NOW, allow_past=True).date == dt.date(2026, 11, 20)


def test_a_dotted_number_before_a_unit_is_money_not_a_date() -> None:
    assert find_date("华为打了12.5万", now=NOW) is None
    assert find_date("评分4.5分", now=NOW) is None
    reading = find_date("12.20再联系华为", now=NOW)
    assert reading is not None and reading.date == dt.date(2026, 12, 20)


def test_a_relative_follow_up_on_a_day_off_moves_to_the_next_working_day_and_says_so() -> None:
    reading = find_date("拜访华为, 三天后再联系", now=NOW, calendar=CN)  # Saturday the 28th
    assert reading is not None and (reading.date, reading.moved_from) == (dt.date(2026, 11, 30), dt.date(2026, 11, 28))
    named = find_date("拜访华为, 12月5日再联系", now=NOW, calendar=CN)  # a Saturday the rep named: it stays
    assert named is not None and (named.date, named.moved_from) == (dt.date(2026, 12, 5), None)


def test_the_cn_calendar_knows_adjusted_working_weekends_and_mon_fri_does_not() -> None:
    assert CN.is_working_day(dt.date(2026, 2, 14))  # a Saturday worked before the Spring Festival
    assert not MON_FRI.is_working_day(dt.date(2026, 2, 14))
    assert not CN.is_working_day(dt.date(2026, 10, 2)) and MON_FRI.is_working_day(dt.date(2026, 10, 2))


def test_on_the_first_inside_a_sentence_is_a_date() -> None:
    reading = find_date("call them on the 1st about pricing", now=NOW)
    assert reading is not None and reading.date == dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("12月中旬", "2026-12-15"),
        ("下个月下旬", "2026-12-21"),
        ("年后", "2027-02-11"),  # after the Spring Festival break
        ("平安夜", "2026-12-24"),
        ("in 3 wks", "2026-12-16"),
    ],
)
def test_more_everyday_date_words(phrase: str, expected: str) -> None:
    assert parse_date(phrase, now=NOW, calendar=CN).date.isoformat() == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("下周的今天", "2026-12-02"),  # today's date a week on, not next week's Monday
        ("下周今天", "2026-12-02"),
        ("下礼拜的今天", "2026-12-02"),
        ("一周后的今天", "2026-12-02"),
        ("两周后的今天", "2026-12-09"),
        ("下下周的今天", "2026-12-09"),
        ("下个月的今天", "2026-12-25"),
        ("明年的今天", "2027-11-25"),
        ("下周的今天下午3点", "2026-12-02 15:00"),
        ("next week today", "2026-12-02"),
        ("today next week", "2026-12-02"),
        ("a week from today", "2026-12-02"),
        ("a week today", "2026-12-02"),
        ("same day next week", "2026-12-02"),
        ("a week from tomorrow", "2026-12-03"),
    ],
)
def test_the_same_day_a_period_on(phrase: str, expected: str) -> None:
    reading = parse_date(phrase, now=NOW, calendar=CN)
    assert reading.date.isoformat() + (f" {reading.time:%H:%M}" if reading.time else "") == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("过完年", "2027-02-11"),  # after the Spring Festival break, as 年后
        ("过了年", "2027-02-11"),
        ("nxt wk", "2026-11-30"),
        ("next wk", "2026-11-30"),
    ],
)
def test_more_abbreviations_and_new_year_words(phrase: str, expected: str) -> None:
    reading = parse_date(phrase, now=NOW, calendar=CN)
    assert reading.date.isoformat() + (f" {reading.time:%H:%M}" if reading.time else "") == expected


@pytest.mark.parametrize(
    "sentence",
    ["阿里下周的今天再跟进", "提醒我下周今天给阿里打电话", "visited Alibaba today, follow up next week today"],
)
def test_the_same_day_next_week_inside_a_sentence(sentence: str) -> None:
    reading = find_date(sentence, now=NOW, calendar=CN)
    assert reading is not None and reading.date == dt.date(2026, 12, 2)
