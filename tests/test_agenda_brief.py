"""The morning brief is the rep's agenda for the day (issue 19), with their quiet customers when [retention] is on
(issue 20: "in the morning brief") and their target's attainment (issue 21)."""

from __future__ import annotations

import pytest

from salesbot.config import Settings, settings_from
from tests.conftest import Chat
from tests.test_agenda import only


@pytest.fixture
def settings() -> Settings:
    return settings_from({"retention": {"enabled": True}}, env={})


def test_the_morning_brief_is_the_agenda_with_quiet_customers_and_the_target(chat: Chat) -> None:
    chat.say("mgr1", "给张伟定4月目标50万")
    chat.say("rep1", "今天拜访了阿里,聊了预算,4月14日给方案")
    chat.say("rep1", "比亚迪投诉交货延迟了")
    chat.clock("2026-04-13 20:00")  # 33 days on: 比亚迪 has had no activity since the seed, 阿里巴巴 has a follow-up
    sent = chat.clock("2026-04-14 09:05")
    [brief] = [s.reply.text for s in chat.to("rep1", sent) if "早上好" in s.reply.text]
    agenda = only(chat.say("rep1", "今天要跟进哪些客户")).text
    # The same items, in the same order, as the agenda for today (late first).
    assert "• [逾期32天] 「比亚迪」的投诉(体验不佳):比亚迪投诉交货延迟了 · 期限 2026-03-13(周五)" in brief
    assert "• 阿里巴巴:给方案(上次拜访 2026-03-11(周三))" in brief
    assert agenda.index("比亚迪") < agenda.index("阿里巴巴") and brief.index("比亚迪") < brief.index("阿里巴巴")
    assert "💤 很久没联系的客户(" in brief and "比亚迪 · 34天没联系" in brief
    assert "阿里巴巴 · " not in brief.split("💤")[1], "a customer with a follow-up planned is never named quiet"
    assert brief.splitlines()[-1].startswith("🎯 张伟的目标") and "¥500,000.00" in brief
    assert agenda.splitlines()[-1] == brief.splitlines()[-1], "the agenda carries the same target line"
