"""Questions about the work (issue 19): which question a sentence asks, and the period it names."""

from __future__ import annotations

from datetime import date

import pytest

from salesbot.nlp.questions import intent, overdue_only, period

WED = date(2026, 3, 11)  # a Wednesday in the first quarter


@pytest.mark.parametrize(
    ("text", "key", "start", "end"),
    [
        ("今天要跟进哪些客户", "today", "2026-03-11", "2026-03-12"),
        ("明天要跟进哪些客户", "tomorrow", "2026-03-12", "2026-03-13"),
        ("昨天的拜访", "yesterday", "2026-03-10", "2026-03-11"),
        ("这周要跟进哪些客户", "this_week", "2026-03-09", "2026-03-16"),
        ("本周团队业绩", "this_week", "2026-03-09", "2026-03-16"),
        ("上周谁没拜访", "last_week", "2026-03-02", "2026-03-09"),
        ("下周的跟进", "next_week", "2026-03-16", "2026-03-23"),
        ("本月团队业绩怎么样", "this_month", "2026-03-01", "2026-04-01"),
        ("上个月的业绩", "last_month", "2026-02-01", "2026-03-01"),
        ("上月业绩", "last_month", "2026-02-01", "2026-03-01"),
        ("本季度业绩", "this_quarter", "2026-01-01", "2026-04-01"),
        ("上季度业绩", "last_quarter", "2025-10-01", "2026-01-01"),
        ("今年的业绩", "this_year", "2026-01-01", "2027-01-01"),
        ("Q4 results", "q4", "2025-10-01", "2026-01-01"),  # Q4 has not begun this year: last year's
        ("Q1 numbers", "q1", "2026-01-01", "2026-04-01"),
        ("第四季度团队业绩", "q4", "2025-10-01", "2026-01-01"),
        ("how is the team doing this week", "this_week", "2026-03-09", "2026-03-16"),
        ("team performance last month", "last_month", "2026-02-01", "2026-03-01"),
        ("YTD numbers", "this_year", "2026-01-01", "2027-01-01"),
        ("sales this quarter", "this_quarter", "2026-01-01", "2026-04-01"),
        ("my follow-ups today", "today", "2026-03-11", "2026-03-12"),
        ("what about tomorrow", "tomorrow", "2026-03-12", "2026-03-13"),
    ],
)
def test_the_period_a_sentence_names(text: str, key: str, start: str, end: str) -> None:
    found = period(text, today=WED)
    assert found is not None
    assert (found.key, found.start.isoformat(), found.end.isoformat()) == (key, start, end)


def test_a_sentence_with_no_period() -> None:
    assert period("我的跟进", today=WED) is None
    assert period("tell me about Acme", today=WED) is None


def test_periods_at_the_turn_of_a_year() -> None:
    jan = date(2026, 1, 2)
    last_month = period("上个月", today=jan)
    assert last_month is not None and (last_month.start, last_month.end) == (date(2025, 12, 1), date(2026, 1, 1))
    last_quarter = period("last quarter", today=jan)
    assert last_quarter is not None and last_quarter.start == date(2025, 10, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天要跟进哪些客户", "agenda"),
        ("这周要跟进哪些客户", "agenda"),
        ("我的跟进", "agenda"),
        ("逾期没跟进的", "agenda"),
        ("my follow-ups this week", "agenda"),
        ("overdue follow-ups", "agenda"),
        ("华为的情况", "customer_brief"),
        ("阿里巴巴最近怎么样了", "customer_brief"),
        ("tell me about Acme", "customer_brief"),
        ("本月团队业绩怎么样", "team_report"),
        ("how is the team doing this week", "team_report"),
        ("这周谁没有记录拜访", "silent_reps"),
        ("who hasn't logged a visit this week", "silent_reps"),
        ("张伟这周拜访了几个客户", "rep_activity"),
        ("how many visits did Tom Lee make this week", "rep_activity"),
        ("团队的销售漏斗", "funnel"),
        ("pipeline", "funnel"),
        ("team pipeline", "funnel"),
        ("本季度预测", "forecast"),
        ("weighted forecast", "forecast"),
        # reports of work are not questions about it
        ("今天拜访了华为,聊了一下情况,下周二再跟进", None),
        ("拜访了阿里,他们需要跟进报价", None),
        ("my pipeline", None),
        ("和华为团队吃饭,下周二再约", None),
        ("lunch with the Initech team, follow up friday", None),
        ("gave Acme an update on pricing", None),
        ("华为公司的情况", "customer_brief"),
        ("Q4 results", "team_report"),
        ("what's the status of Initech", "customer_brief"),
    ],
)
def test_which_question_a_sentence_asks(text: str, expected: str | None) -> None:
    assert intent(text) == expected


def test_overdue_only() -> None:
    assert overdue_only("逾期没跟进的") and overdue_only("overdue follow-ups")
    assert not overdue_only("我的跟进")
