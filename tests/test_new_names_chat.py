"""Names the team does not have, as a rep meets them in a chat (issue 17): a look-alike is asked about, never
assumed; an unknown name is offered as a new customer with one tap."""

from __future__ import annotations

from salesbot.channels.console import Sent
from tests.conftest import Chat


def labels(sent: Sent) -> list[str]:
    return [b.label for row in sent.reply.buttons for b in row]


def test_a_name_that_only_contains_a_customer_is_asked_about(chat: Chat) -> None:
    [question] = chat.say("rep1", "拜访了京东物流,下周二再跟进")
    assert "京东物流" in question.reply.text
    assert labels(question)[:2] == ["京东", "新建「京东物流」"]


def test_an_unknown_name_in_a_sentence_is_offered_as_a_new_customer_with_one_tap(chat: Chat) -> None:
    [question] = chat.say("rep1", "拜访了蓝鲸科技,下周二再跟进")
    assert labels(question)[0] == "新建「蓝鲸科技」"
    done = chat.press("rep1", "新建")
    assert any("蓝鲸科技" in s.reply.text for s in done)
