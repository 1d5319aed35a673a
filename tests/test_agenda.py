"""The agenda as a rep's day, and the manager's period with its charts (issues 19, 20 and 21 finished): the
installments of the agenda with buttons as its follow-ups have, open complaints and needs in the agenda, the
customer's story and the digests, the morning brief as the same answer (with the rep's quiet customers and their
target), targets' attainment in the agenda and the period answer, and a month's trend as a PNG. In zh and en.

The seed (tests/fixtures/team.toml and book.toml) on Wednesday 2026-03-11. By hand, from book.toml:
- 张伟 (rep1) owes nothing to follow up, and three installments are late: 美的 #1 ¥40,000 (due 2025-11-01, 130 days),
  宁德时代 #2 ¥150,000 (2026-01-05, 65 days), 小米 #1 ¥100,000 (2026-03-03, 8 days);
- Tom Lee (rep2): 中兴通讯 #2 and #3, ¥100,000 each (2025-12-31 and 2026-01-30: 70 and 40 days), Hooli #1 $20,000
  (2026-02-01, 38 days).
"""

from __future__ import annotations

import io

from PIL import Image

from salesbot import charts
from tests.conftest import Chat
from tests.test_digests import one
from tests.test_scripts import SCRIPTS


def only(sent: list) -> object:
    assert len(sent) == 1, [s.reply.text for s in sent]
    return sent[0].reply


def labels(reply: object) -> list[str]:
    return [b.label for row in reply.buttons for b in row]  # type: ignore[attr-defined]


def test_installments_in_the_agenda_have_buttons_and_paid_opens_the_payment_flow(chat: Chat) -> None:
    chat.run("@seed book.toml")
    agenda = only(chat.say("rep1", "这周要跟进哪些客户"))
    assert agenda.text.splitlines()[1:] == [
        "共 3 项,逾期 3 项:",
        "• 逾期130天 「美的」第1期回款 ¥40,000.00",
        "• 逾期65天 「宁德时代」第2期回款 ¥150,000.00",
        "• 逾期8天 「小米」第1期回款 ¥100,000.00",
    ]
    assert labels(agenda) == [
        "💰 已收款 美的第1期", "改期 美的第1期", "💰 已收款 宁德时代第2期", "改期 宁德时代第2期",
        "💰 已收款 小米第1期", "改期 小米第1期",
    ]  # fmt: skip
    preview = only(chat.press("rep1", "已收款 宁德时代"))
    assert "宁德时代 回款 ¥150,000.00" in preview.text and "第2期" in preview.text and "结清" in preview.text
    assert "✅ 确认记录" in labels(preview), "the payment flow's own preview, written on the tap"
    assert "已记录" in only(chat.press("rep1", "确认记录")).text
    after = only(chat.say("rep1", "/agenda 本周")).text
    assert "宁德时代" not in after and "共 2 项,逾期 2 项" in after


def test_an_installments_due_date_is_moved_from_the_agenda_in_english(chat: Chat) -> None:
    chat.run("@seed book.toml")
    agenda = only(chat.say("rep2", "my follow-ups this week"))
    assert "• 70d late 中兴通讯 installment 2: CN¥100,000.00 due" in agenda.text
    assert labels(agenda)[:2] == ["💰 Paid: 中兴通讯 #2", "Move 中兴通讯 #2"]
    asked = only(chat.press("rep2", "Move 中兴通讯 #2")).text
    assert asked == "Contract HT-002 #2 due Wed 2025-12-31, CN¥100,000.00: move it to which day?"
    assert "due Thu 2026-04-30" in only(chat.say("rep2", "April 30")).text
    after = only(chat.say("rep2", "my follow-ups this week")).text
    assert "installment 2" not in after and "2 items, 2 overdue" in after
    assert "move it to which day?" in only(chat.press("rep2", "Move 中兴通讯 #3")).text
    refused = only(chat.say("rep2", "March 1")).text
    assert refused.startswith("“March 1” is in the past; a due date must be today or later."), "the schedule's rules"


def test_open_complaints_and_needs_in_the_agenda_and_the_story(chat: Chat) -> None:
    chat.say("rep1", "比亚迪投诉交货延迟了")  # due in two working days: Friday the 13th
    chat.say("rep2", "Initech asked for an integration with their ERP")
    agenda = only(chat.say("rep1", "我的跟进")).text
    assert "• 2026-03-13(周五) 处理「比亚迪」的投诉(体验不佳):比亚迪投诉交货延迟了" in agenda
    story = only(chat.say("rep1", "比亚迪的情况")).text
    assert story.splitlines()[-1] == "投诉(体验不佳):比亚迪投诉交货延迟了 · 期限 2026-03-13(周五) · 负责人 张伟"
    en = only(chat.say("rep2", "tell me about Initech")).text
    assert en.splitlines()[-1] == (
        "Open need: Initech asked for an integration with their ERP · due Fri 2026-03-13 · owner Tom Lee"
    )
    chat.clock("2026-03-16 10:00")  # Monday: both are late
    assert "(已逾期)" in only(chat.say("rep1", "比亚迪的情况")).text
    late = only(chat.say("rep2", "my overdue follow-ups")).text
    assert "3d late handle the Initech need: Initech asked for an integration with their ERP" in late


def test_the_managers_month_has_its_trend_and_the_teams_attainment(run_script) -> None:  # type: ignore[no-untyped-def]
    sent = run_script(SCRIPTS / "agenda_month.txt")
    answers = [s.reply for s in sent if s.to == "mgr1" and s.reply.text.startswith("east ·")]
    month, quarter, week = answers
    assert month.text.splitlines()[1].endswith("回款 ¥250,000.00")
    assert (
        "🎯 张伟的目标(2026-03-01(周日)至2026-03-31(周二)):已完成 ¥250,000.00 / ¥500,000.00(50%,按回款)" in month.text
    )
    assert [f.name for f in month.files] == ["trend.png", "targets.png"]
    for file in (*month.files, *quarter.files):
        image = Image.open(io.BytesIO(file.data))
        assert image.format == "PNG" and image.size == (charts.WIDTH, charts.HEIGHT)
    assert [f.name for f in quarter.files] == ["trend.png", "targets.png"]
    assert "Tom Lee" in week.text and not [f for f in week.files if f.name == "trend.png"], "a week has no trend"
    rep = next(s.reply for s in sent if s.to == "rep1" and s.reply.text.startswith("你的跟进"))
    assert rep.text.splitlines()[-1].startswith("🎯 张伟的目标"), "the rep's agenda shows their attainment"
    daily = one(sent, "Wed 03-11 18:00", "group:east").reply.text
    assert "目标完成:\n🎯 张伟的目标" in daily
    friday = one(sent, "Fri 03-13 09:00", "rep1").reply.text
    assert "「宁德时代」的投诉(体验不佳)" in friday
    thursday = one(sent, "Thu 03-12 18:00", "group:east").reply.text
    assert "📣 待处理的投诉和需求" not in thursday, "due Friday: not yet waiting on Thursday"
    fri_digest = one(sent, "Fri 03-13 18:00", "group:east").reply.text
    assert (
        "📣 待处理的投诉和需求(1):\n• 「宁德时代」的投诉(体验不佳):宁德时代投诉交货延迟了 · 期限 2026-03-13(周五)(张伟)"
        in (fri_digest)
    )


def test_the_trend_in_english_by_week_for_a_quarter(chat: Chat) -> None:
    chat.say("rep2", "met Initech's CTO, follow up next friday")
    reply = only(chat.say("admin", "how is the team doing this quarter"))
    assert reply.text.startswith("Company · this quarter")
    [trend] = [f for f in reply.files if f.name == "trend.png"]
    assert Image.open(io.BytesIO(trend.data)).size == (charts.WIDTH, charts.HEIGHT)
    assert not only(chat.say("admin", "how is the team doing this week")).files


def test_help_lists_the_questions_for_each_role(chat: Chat) -> None:
    rep = only(chat.say("rep1", "/help")).text
    assert "这周要跟进哪些客户" in rep and "华为技术的情况" in rep and "投诉交货延迟了" in rep and "很久没联系" in rep
    assert "日报" in rep and "本月团队业绩" not in rep
    mgr = only(chat.say("mgr1", "/help")).text
    asked = (
        "本月团队业绩怎么样",
        "这周谁没有记录拜访",
        "销售漏斗",
        "本季度预测",
        "丢单原因分析",
        "哪些客户很久没联系了",
    )
    for said in (*asked, "给张伟定12月目标50万", "团队日报"):
        assert said in mgr, said
    admin = only(chat.say("admin", "/help")).text
    assert "why are we losing deals" in admin and "who hasn't logged a visit this week" in admin
    chat.say("rep2", "/lang en")
    en = only(chat.say("rep2", "/help")).text
    assert "my follow-ups this week" in en and "tell me about Acme" in en and "quiet accounts" in en
