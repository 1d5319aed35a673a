"""DESIGN.md's "Reading a whole message" (issue 17): occurred_on, activity kinds, amounts in any intent, slips and
look-alike names, asked rather than assumed. Said on Wednesday 2026-11-25 10:00, the corpus team, `cn` calendar."""

from __future__ import annotations

import pytest

from tests.nlp.reading import Reader, asks, reading_of

READ = Reader()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("昨天拜访了华为,下周二再跟进", {"occurred_on": "2026-11-24", "date": "2026-12-01", "activity": "visit"}),
        ("visited Acme on Monday, follow up next week", {"occurred_on": "2026-11-23", "date": "2026-11-30"}),
        ("周一给京东打了电话,三天后回访", {"occurred_on": "2026-11-23", "date": "2026-11-30", "activity": "call"}),
        ("和阿里开了个腾讯会议,周四给他们演示", {"customer": "阿里巴巴", "activity": "meeting"}),
        ("lunch with Hooli's CFO yesterday", {"occurred_on": "2026-11-24", "activity": "meal"}),
        ("比亚迪的人今天来我们公司参观了", {"occurred_on": "2026-11-25", "activity": "inbound"}),
        ("下周四提醒我找小米催款45.5万", {"intent": "reminder", "amount": "455000", "date": "2026-12-03"}),
        ("设个提醒,明天去华为送合同", {"intent": "reminder", "date": "2026-11-26"}),
        ("京东这单输了", {"intent": "stage", "stage": "lost"}),
        ("这个机器人怎么用?", {"intent": "help"}),
        ("谁欠钱最多", {"intent": "receivables"}),
        ("Hooli sent the second installment, 60k", {"intent": "payment", "amount": "60000"}),
        ("比亚迪周一打了12.5万过来", {"intent": "payment", "date": "2026-11-23", "amount": "125000"}),
        ("拜访了华闰,下周二再跟进", {"customer": "华润集团"}),
        ("拜访了华为云,下周二再跟进", {"customer": "+华为云"}),
        ("拜访了蓝鲸科技,下周二再跟进", {"customer": "+蓝鲸科技"}),
    ],
)
def test_a_whole_message_reads_as_the_conventions_say(text: str, expected: dict[str, str]) -> None:
    got = reading_of(READ(text))
    assert {k: got[k] for k in expected} == expected


def test_a_slip_or_a_look_alike_is_asked_and_a_plain_name_is_not() -> None:
    assert asks(READ("拜访了华闰,下周二再跟进"))  # a two-character name through a same-sound slip
    assert asks(READ("拜访了华为云,下周二再跟进"))  # only contains 华为
    assert not asks(READ("拜访了华润,下周二再跟进"))
    assert not asks(READ("拜访了比亚地,下周二再跟进"))  # a homophone of a three-character name is read
