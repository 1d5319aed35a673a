"""Leave in a sentence (salesbot.nlp.leave, issue 21): which intent, whose, which days. "Now" is Wednesday
2026-04-29 10:00, Asia/Shanghai, two days before China's Labour Day holiday (1-5 May 2026 off); the days counted
("请假三天") are working days on the calendar passed in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from salesbot.calendars import working_calendar
from salesbot.nlp import leave
from salesbot.nlp.intents import classify

NOW = dt.datetime(2026, 4, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CN = working_calendar("cn")
D = dt.date


@pytest.mark.parametrize(
    ("text", "who", "first", "last"),
    [
        ("我明天请假", None, D(2026, 4, 30), D(2026, 4, 30)),
        ("下周一到周三休假", None, D(2026, 5, 4), D(2026, 5, 6)),  # the Wednesday of that week, not today
        ("I'm off on Friday", None, D(2026, 5, 1), D(2026, 5, 1)),
        ("off from Monday to Wednesday next week", None, D(2026, 5, 4), D(2026, 5, 6)),
        ("张伟下周请假", "张伟", D(2026, 5, 4), D(2026, 5, 10)),  # a week named alone: all of it
        ("Tom is off on Friday", "Tom", D(2026, 5, 1), D(2026, 5, 1)),
        ("给张伟请明天的假", "张伟", D(2026, 4, 30), D(2026, 4, 30)),
        ("陈静周五到下周二休年假", "陈静", D(2026, 5, 1), D(2026, 5, 5)),
        ("5月6日到8日请假", None, D(2026, 5, 6), D(2026, 5, 8)),
        ("从5月6号开始请3天假", None, D(2026, 5, 6), D(2026, 5, 8)),
        ("请假三天", None, D(2026, 4, 29), D(2026, 5, 6)),  # today, the 30th, then the 6th: 1-5 May are off
        ("5月20日请假", None, D(2026, 5, 20), D(2026, 5, 20)),  # 20日 is a date, not twenty days
        ("我明天病假", None, D(2026, 4, 30), D(2026, 4, 30)),
        ("我要请假", None, None, None),  # no day: the flow asks
    ],
)
def test_taking_leave(text: str, who: str | None, first: dt.date | None, last: dt.date | None) -> None:
    assert leave.intent(text) == "leave"
    said = leave.parse(text, now=NOW, calendar=CN)
    assert (said.who, said.starts_on, said.ends_on) == (who, first, last)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("取消请假", "leave_cancel"),
        ("张伟明天不请假了", "leave_cancel"),
        ("cancel my leave", "leave_cancel"),
        ("我的请假", "leave_list"),
        ("谁请假了", "leave_list"),
        ("who's off this week", "leave_list"),
        ("我明天休息", "leave"),
        # About a customer, not a colleague: no leave.
        ("王总下周休假,月底再跟进", None),
        ("客户下周放假", None),
        ("Initech is off the table", None),
        ("I'm off to Acme now", None),
        ("visited Acme, he is off next week", None),
        ("take 10% off the price", None),
    ],
)
def test_what_a_leave_sentence_asks(text: str, intent: str | None) -> None:
    assert leave.intent(text) == intent


def test_leave_words_come_before_the_teams_questions_in_classify() -> None:
    assert classify("谁请假了", None) == "leave_list"
    assert classify("我明天请假", None) == "leave"
    assert classify("写日报", None) == "report_draft" and classify("my weekly report", None) == "report_draft"
