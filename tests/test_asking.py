"""Asking what you need to know (issue 19): the agenda, a customer's story, how the team is doing; each in one
message, in zh and en, within the asker's scope. A week of activity is seeded through the chat; the figures each
answer must show are worked out by hand below, beside the messages that make them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from salesbot.store.models import Reminder, Visit
from tests.conftest import Chat
from tests.test_groups import in_group


def week(chat: Chat) -> None:
    """Wednesday 2026-03-11 (the fixture's clock). By hand, for team east this week (Mon 9 – Sun 15 March):
    - visits: 张伟 2 (阿里巴巴, 华为技术), Tom Lee 1 (Initech), 陈静 0 → 3 in all; 陈静 is the silent rep;
    - new deals: 比亚迪 CRM 二期 (the seed's, ¥450,000, 张伟) and 京东 (¥300,000, Tom Lee) → 2, ¥750,000;
    - stage moves: 比亚迪 proposal → negotiation → lost (price) → 2 moves, 1 lost for price, by 张伟;
    - the funnel: 京东 alone is open, in proposal (¥300,000); forecast at 50% → ¥150,000.
    - follow-ups: 张伟's 华为技术 on Thu 12th (给方案), 阿里巴巴 on Tue 17th; Tom Lee's Initech on Fri 20th."""
    chat.say("rep1", "今天拜访了阿里,聊了预算,下周二再跟进")
    chat.say("rep1", "拜访了华为技术,明天给方案")
    chat.say("rep2", "met Initech's CTO, follow up next friday")
    chat.say("rep1", "比亚迪进入商务谈判阶段")
    chat.say("rep2", "京东有个30万的项目,进入方案阶段")
    chat.say("rep1", "比亚迪丢单了,价格太高")


def text_of(sent: list) -> str:
    assert len(sent) == 1, [s.reply.text for s in sent]
    return sent[0].reply.text


def test_the_reps_agenda_overdue_first_with_buttons_to_close_or_move(chat: Chat) -> None:
    week(chat)
    answer = chat.say("rep1", "这周要跟进哪些客户")
    text = text_of(answer)
    assert "华为技术" in text and "2026-03-12" in text and "给方案" in text
    assert "阿里巴巴" not in text, "Tuesday the 17th is next week"
    assert [b.label for row in answer[0].reply.buttons for b in row] == ["✓ 华为技术", "改期 华为技术"]

    chat.clock("2026-03-13 10:00")  # Friday: the 华为技术 follow-up (Thursday) is a day late
    late = text_of(chat.say("rep1", "逾期没跟进的"))
    assert "逾期1天" in late and "华为技术" in late and "阿里巴巴" not in late
    mine = text_of(chat.say("rep1", "我的跟进"))  # the next 7 days, the late one first
    assert mine.index("华为技术") < mine.index("阿里巴巴") and "共 2 项,逾期 1 项" in mine

    closed = text_of(chat.press("rep1", "✓ 华为技术"))
    assert "华为技术" in closed and "已完成" in closed
    after = text_of(chat.say("rep1", "/agenda"))
    assert "华为技术" not in after and "阿里巴巴" in after

    asked = text_of(chat.press("rep1", "改期 阿里巴巴"))
    assert "阿里巴巴" in asked
    moved = text_of(chat.say("rep1", "下周四"))
    assert "2026-03-19" in moved


def test_the_agenda_in_english(chat: Chat) -> None:
    week(chat)
    text = text_of(chat.say("rep2", "my follow-ups next week"))
    assert "Initech" in text and "Fri 2026-03-20" in text and "1 items, 0 overdue" in text
    assert "Nothing to follow up" in text_of(chat.say("rep2", "my follow-ups today"))


def test_the_agenda_and_the_morning_brief_agree(chat: Chat, app=None) -> None:
    week(chat)
    sent = chat.clock("2026-03-12 09:05")
    brief = [s.reply.text for s in chat.to("rep1", sent)]
    assert any("华为技术" in b for b in brief), "the brief carries the day's follow-up"
    agenda = text_of(chat.say("rep1", "今天要跟进哪些客户"))
    assert "华为技术" in agenda and "阿里巴巴" not in agenda


def test_a_customers_story_in_one_message(chat: Chat) -> None:
    week(chat)
    story = text_of(chat.say("rep2", "京东的情况"))
    assert story.splitlines()[:2] == [
        "京东 (owner: Tom Lee)",
        "Deal: 京东 · Proposal · CN¥300,000.00 · 0 days in this stage",
    ]
    en = text_of(chat.say("rep2", "tell me about Initech"))
    assert "Initech (owner: Tom Lee)" in en and "met Initech's CTO" in en and "Fri 2026-03-20" in en
    assert "Deal: none open" in en
    asked = chat.say("rep1", "/brief 华为")
    assert [b.label for row in asked[0].reply.buttons for b in row][:2] == ["华为技术", "华为终端"]
    picked = text_of(chat.press("rep1", "华为技术"))
    assert "华为技术" in picked and "给方案" in picked and "下次跟进:2026-03-12" in picked


def test_a_rep_may_not_read_another_reps_customer(chat: Chat) -> None:
    week(chat)
    refused = text_of(chat.say("rep1", "Initech的情况"))
    assert "不是你负责的客户" in refused and "Tom Lee" not in refused


def test_the_managers_week_per_rep_and_in_total(chat: Chat) -> None:
    week(chat)
    text = text_of(chat.say("mgr1", "本周团队业绩怎么样"))
    lines = text.splitlines()
    assert lines[1] == ("拜访 3 · 新商机 2 (¥750,000.00) · 阶段推进 2 · 赢单 0 · 丢单 1 · 合同批准 0 · 回款 0")
    assert "丢单原因:价格 1" in text
    assert "• 张伟:拜访 2 · 新商机 1 (¥450,000.00) · 阶段推进 2 · 赢单 0 · 丢单 1" in text
    assert "• Tom Lee:拜访 1 · 新商机 1 (¥300,000.00) · 阶段推进 0" in text
    assert "没有拜访记录(1人):陈静" in text
    last_week = text_of(chat.say("mgr1", "上周团队业绩"))
    assert "拜访 0 · 新商机 0" in last_week and "2026-03-02" in last_week


def test_the_silent_reps_and_one_reps_activity(chat: Chat) -> None:
    week(chat)
    silent = text_of(chat.say("mgr1", "这周谁没有记录拜访"))
    assert "3 位销售中有 1 位没有记录拜访:陈静" in silent
    activity = text_of(chat.say("mgr1", "张伟这周拜访了几个客户"))
    assert "张伟" in activity and "拜访 2 次,2 个客户" in activity
    assert "阿里巴巴" in activity and "华为技术" in activity
    en = text_of(chat.say("admin", "who hasn't logged a visit this week"))
    assert "1 of 3 reps logged no visit: 陈静" in en
    tom = text_of(chat.say("admin", "how many visits did Tom Lee make this week"))
    assert "Tom Lee" in tom and "1 visits, 1 customers" in tom


def test_the_funnel_with_its_chart_and_the_forecast(chat: Chat) -> None:
    week(chat)
    sent = chat.say("mgr1", "团队的销售漏斗")
    text = text_of(sent)
    assert "在谈 1 个" in text and "• 方案:1 个 (¥300,000.00)" in text
    assert [f.name for f in sent[0].reply.files] == ["funnel.png"]
    assert sent[0].reply.files[0].data.startswith(b"\x89PNG")
    forecast = text_of(chat.say("mgr1", "本季度预测"))
    assert "方案 50%:1 个,¥300,000.00 → ¥150,000.00" in forecast and "预计成交:¥150,000.00" in forecast
    en = text_of(chat.say("admin", "weighted forecast"))
    assert "Expected: CN¥150,000.00" in en
    # "pipeline" alone: the team funnel for a manager, and a rep's own deals as before.
    assert "销售漏斗" in text_of(chat.say("mgr1", "pipeline"))
    assert "京东" in text_of(chat.say("rep2", "pipeline")) and not chat.sent[-1].reply.files


def test_a_rep_asking_for_the_team_gets_their_own_and_is_told(chat: Chat) -> None:
    week(chat)
    text = text_of(chat.say("rep1", "本周团队业绩怎么样"))
    assert text.startswith("你自己") and "拜访 2 ·" in text and "Tom Lee" not in text
    assert "只能看到自己的数据" in text
    silent = text_of(chat.say("rep1", "这周谁没有记录拜访"))
    assert "陈静" not in silent and "你记录了 2 次拜访" in silent
    other = text_of(chat.say("rep1", "Tom Lee这周拜访了几个客户"))
    assert other.startswith("张伟") and "只能看到自己的数据" in other
    en = text_of(chat.say("rep2", "how is the team doing this week"))
    assert en.startswith("You") and "visits 1" in en and "your manager sees the team's" in en


def test_a_manager_may_not_look_into_another_team(chat: Chat) -> None:
    chat.run("@seed west.toml")
    chat.say("rep9", "今天拜访了小米")
    assert "只能看自己团队" in text_of(chat.say("mgr1", "west团队本周业绩"))
    assert "王五 不在你能看到的范围内" in text_of(chat.say("mgr1", "王五这周拜访了几个客户"))
    admin = text_of(chat.say("admin", "how many visits did 王五 make this week"))
    assert "1 visits, 1 customers" in admin
    west = text_of(chat.say("admin", "team west performance this week"))
    assert west.startswith("west") and "visits 1" in west and "张伟" not in west


@pytest.mark.parametrize("question", ["/team", "/funnel", "/forecast"])
def test_the_commands(chat: Chat, question: str) -> None:
    week(chat)
    assert text_of(chat.say("mgr1", question)).startswith("east")


def test_nothing_is_changed_by_asking(chat: Chat) -> None:
    """Asking writes nothing: the visits and reminders are as the week left them."""
    week(chat)
    world = chat.session.world
    with world.uow() as uow:
        before = (uow.session.scalars(select(Visit.id)).all(), uow.session.scalars(select(Reminder.state)).all())
    for question in ("我的跟进", "本周团队业绩", "京东的情况", "销售漏斗"):
        chat.say("rep2", question)
    with world.uow() as uow:
        after = (uow.session.scalars(select(Visit.id)).all(), uow.session.scalars(select(Reminder.state)).all())
    assert before == after


def test_the_morning_brief_and_a_timed_reminder_carry_the_customers_deal(chat: Chat) -> None:
    chat.say("rep1", "拜访了比亚迪,明天给方案")
    chat.say("rep2", "京东有个30万的项目,进入方案阶段")
    chat.say("rep2", "met 京东's CIO, follow up friday 3pm")
    brief = [s.reply.text for s in chat.to("rep1", chat.clock("2026-03-12 09:05")) if "早上好" in s.reply.text]
    assert len(brief) == 1
    assert "比亚迪:给方案" in brief[0] and "  商机:方案 · ¥450,000.00(2026-03-11(周三) 进入此阶段)" in brief[0]
    timed = [s.reply.text for s in chat.to("rep2", chat.clock("2026-03-13 15:05")) if "⏰" in s.reply.text]
    assert len(timed) == 1 and timed[0].endswith(
        "  Deal: Proposal · CN¥300,000.00 (in this stage since Wed 2026-03-11)"
    )


def test_in_a_team_group_the_answer_is_the_groups_team_only(chat: Chat) -> None:
    chat.run("@seed west.toml")
    chat.say("rep9", "今天拜访了小米")
    week(chat)
    in_group(chat, "mgr1", "/link")
    [team] = in_group(chat, "admin", "how is the team doing this week")
    assert team.startswith("east") and "visits 3" in team and "王五" not in team
    [funnel] = in_group(chat, "mgr1", "销售漏斗")
    assert funnel.startswith("east") and "在谈 1 个" in funnel
    [own] = in_group(chat, "rep1", "本周团队业绩")
    assert own.startswith("你自己") and "拜访 2 ·" in own
    everyone = text_of(chat.say("admin", "how is the team doing this week"))
    assert everyone.startswith("Company") and "visits 4" in everyone and "王五" in everyone
