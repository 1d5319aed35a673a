"""Slot families of the 2026-12-08 hand-written set (sentences of our own, not its rows): a name written by ear or
through a same-sound slip is matched and asked about; a longer name that only contains a customer's is offered as
new; a company named by its line of business is offered as new; words that only look like names are none. Said on
Wednesday 2026-11-25 10:00, the corpus team, `cn` calendar."""

from __future__ import annotations

import pytest

from tests.nlp.reading import Reader, asks, reading_of

READ = Reader()


@pytest.mark.parametrize(
    ("text", "customer"),
    [
        ("Initek的Sarah来电话了", "Initech"),  # spelt as it sounds: two letters from the name, one sound
        ("老王的浪朝那个单子黄了", "浪潮信息"),  # a two-character slip after 的
        ("华闰集团的合同 金额80万 提交审批", "华润集团"),  # before 集团
        ("腾迅尾款收到了 50万", "深圳市腾讯计算机系统有限公司"),  # before 尾款
    ],
)
def test_a_name_through_a_slip_is_matched_and_asked(text: str, customer: str) -> None:
    said = READ(text)
    assert reading_of(said)["customer"] == customer
    assert asks(said)


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("Hooli Health的人今天来公司了", "+Hooli Health"),  # a business-line tail right before Chinese text
        ("今天拜访了广汽丰田 下周三再约", "+广汽丰田"),  # a joint venture is not its first parent
        ("remind me to call Oscorp Robotics tomorrow", "+Oscorp Robotics"),
        ("老李那边长安汽车的项目进入商务谈判了", "+长安汽车"),  # a company by its line of business
        ("老陈牵线的上海振华重工那边确认是有效商机了", "+上海振华重工"),
        ("cold called redfern mining they want a quote", "+redfern mining"),
    ],
)
def test_a_new_company_is_offered_as_written(text: str, offered: str) -> None:
    said = READ(text)
    assert reading_of(said)["customer"] == offered
    assert asks(said) or said.customer.kind == "none"  # a look-alike is confirmed; a new name is offered


@pytest.mark.parametrize(
    "text",
    ["今天拜访完了 预算和决策人都摸清楚了", "Who's still owing us money?", "What's the total still outstanding?"],
)
def test_words_that_only_look_like_names_are_none(text: str) -> None:
    assert reading_of(READ(text))["customer"] == "-"


def test_a_message_opening_with_a_short_core_names_it_and_the_word_elsewhere_does_not() -> None:
    assert reading_of(READ("联通的尾款到了 20万"))["customer"] == "中国联通"
    assert reading_of(READ("网络终于联通了"))["customer"] == "-"
