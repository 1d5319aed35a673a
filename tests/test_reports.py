"""Work reports (issue 21): the 日报 drafted from the day's log, sent in one tap, summarised for the manager.

The day in these tests is Wednesday 2026-03-11 (the chat fixture's clock starts there at 10:00, Asia/Shanghai);
reports are drafted at 18:00 and the manager's summary goes at 20:00.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, select

from salesbot.channels.console import Sent
from salesbot.config import Settings, settings_from
from salesbot.store.models import Target
from tests.conftest import Chat


@pytest.fixture
def settings() -> Settings:
    return settings_from({"reports": {"enabled": True, "daily_hour": 18, "summary_hour": 20}}, env={})


def texts(chat: Chat, handle: str, sent: list[Sent]) -> list[str]:
    return [s.reply.text for s in chat.to(handle, sent)]


def labels(message: Sent) -> list[str]:
    return [b.label for row in message.reply.buttons for b in row]


def a_day_of_work(chat: Chat) -> None:
    """张伟's Wednesday: a visit with a follow-up tomorrow, a deal moved, a contract submitted, a payment."""
    chat.say("rep1", "今天拜访了阿里巴巴,聊了预算,明天再跟进给方案")
    chat.say("rep1", "BYD moved to negotiation")
    chat.say("rep1", "提交比亚迪合同 9万,分三期")
    chat.say("rep1", "收到阿里巴巴回款6万")
    chat.press("rep1", "确认记录")


def test_the_day_is_drafted_from_the_log_and_sent_with_the_reps_lines(chat: Chat) -> None:
    a_day_of_work(chat)
    sent = chat.clock("2026-03-11 18:30")
    drafts = chat.to("rep1", sent)
    assert len(drafts) == 1 and drafts[0].at.isoformat() == "2026-03-11T18:00:00+08:00"
    draft = drafts[0].reply.text
    # Worked by hand from the four messages above.
    assert "【日报】2026-03-11(周三)" in draft
    assert "🚶 拜访(1):\n• 阿里巴巴:今天拜访了阿里巴巴,聊了预算,明天再跟进给方案" in draft
    assert "📈 商机推进(1):\n• 比亚迪" in draft and "方案 → 商务谈判" in draft
    assert "📄 合同(1):\n• 比亚迪 ¥90,000.00(审批中)" in draft
    assert "💰 回款(1):\n• 阿里巴巴 ¥60,000.00" in draft
    assert "🗓 明日计划(2026-03-12(周四)):\n• 阿里巴巴" in draft
    assert labels(drafts[0]) == ["发送", "补充几句", "今天跳过"]
    assert not chat.to("rep2", sent) and not chat.to("rep3", sent), "nothing logged, nothing planned: no draft"
    assert not chat.to("mgr1", [s for s in sent if s.reply.text.startswith("📋")]), "the summary waits for 20:00"

    chat.press("rep1", "补充几句")
    added = "明天计划:上午去京东,下午写方案 (报价单v2)"
    done = texts(chat, "rep1", chat.say("rep1", added))
    assert done[0].startswith("✅ 日报已发送给李娜") and done[0].endswith("✍️ 补充:\n" + added), "kept as typed"
    assert "【日报】2026-03-11(周三)" in done[0]
    closed = chat.to("rep1")[-1]
    assert closed.reply.text == "✅ 2026-03-11(周三)的日报已发送。" and not closed.reply.buttons, "the card is closed"


def test_the_manager_gets_one_summary_and_comments_in_one_reply(chat: Chat) -> None:
    a_day_of_work(chat)
    chat.say("rep2", "visited Initech today, they want a demo")
    chat.say("rep3", "提醒我明天给小米打电话")  # a plan and nothing else still makes a report
    chat.clock("2026-03-11 18:05")
    chat.press("rep1", "发送")  # as it is, one tap
    chat.press("rep3", "今天跳过")
    sent = chat.clock("2026-03-11 20:30")
    summaries = chat.to("mgr1", sent)
    assert len(summaries) == 1, "one message for the team, not one per rep"
    summary = summaries[0]
    assert summary.at.isoformat() == "2026-03-11T20:00:00+08:00"
    text = summary.reply.text
    assert "📋 团队日报 2026-03-11(周三)" in text
    assert "已交(1):\n• 张伟:拜访1 · 推进1 · 合同¥90,000.00 · 回款¥60,000.00 · 明日计划1" in text
    assert "⏳ 未交(1):Tom Lee" in text
    assert "⏭ 今天跳过:陈静" in text
    assert labels(summary) == ["点评 张伟", "提醒未交的 1 人"]

    nudged = chat.press("mgr1", "提醒未交")
    assert texts(chat, "mgr1", nudged) == ["已提醒:Tom Lee"]
    tom = texts(chat, "rep2", nudged)
    assert len(tom) == 1 and "李娜 reminds you" in tom[0] and "Wed 2026-03-11" in tom[0]

    chat.press("mgr1", "点评 张伟")
    told = chat.say("mgr1", "方案周四前给我看一下")
    assert texts(chat, "mgr1", told) == ["👌 已把点评转给张伟。"]
    assert texts(chat, "rep1", told) == ["💬 李娜点评了你2026-03-11(周三)的日报:方案周四前给我看一下"]
    # Typed in one message, with no button: the rep's latest sent report.
    typed = chat.say("mgr1", "点评张伟:报价单也带上")
    assert texts(chat, "rep1", typed) == ["💬 李娜点评了你2026-03-11(周三)的日报:报价单也带上"]
    assert texts(chat, "mgr1", chat.say("mgr1", "comment on Tom's report: thanks")) == ["Tom Lee还没有发过日报。"]
    assert texts(chat, "rep3", chat.say("rep3", "点评张伟:不错")) == ["只有他的主管或管理员可以点评这份日报。"]


def test_an_english_rep_sends_in_one_tap(chat: Chat) -> None:
    chat.say("rep2", "visited Initech today, they want a demo")
    draft = chat.to("rep2", chat.clock("2026-03-11 18:01"))
    assert len(draft) == 1 and labels(draft[0]) == ["Send", "Add a line", "Skip today"]
    assert "Daily report, Wed 2026-03-11" in draft[0].reply.text and "🚶 Visits (1):\n• Initech" in draft[0].reply.text
    done = texts(chat, "rep2", chat.press("rep2", "Send"))
    assert done[0].startswith("✅ Report sent to 李娜")


def test_a_skipped_day_is_not_sent_and_the_card_is_closed(chat: Chat) -> None:
    chat.say("rep1", "今天拜访了阿里巴巴")
    chat.clock("2026-03-11 18:01")
    skipped = texts(chat, "rep1", chat.press("rep1", "今天跳过"))
    assert skipped[0] == "好的,今天的日报跳过了。"
    closed = chat.to("rep1")[-1]
    assert closed.reply.text == "⏭ 2026-03-11(周三)的日报已跳过。" and not closed.reply.buttons


def test_nothing_is_drafted_on_a_weekend_and_a_friday_plans_monday(chat: Chat) -> None:
    chat.clock("2026-03-13 10:00")  # Friday
    chat.say("rep1", "今天拜访了阿里巴巴,下周一再跟进")
    friday = chat.to("rep1", chat.clock("2026-03-13 18:01"))
    assert len(friday) == 2, "Friday brings the 日报 and the 周报"
    assert "🗓 明日计划(2026-03-16(周一)):\n• 阿里巴巴" in friday[0].reply.text
    weekly = friday[1].reply.text
    assert weekly.startswith("📝 本周的周报我帮你写好了") and "【周报】2026-03-09(周一) 至 2026-03-13(周五)" in weekly
    assert "🗓 下周计划(2026-03-16(周一) 至 2026-03-22(周日)):\n• 2026-03-16(周一) 阿里巴巴" in weekly
    chat.clock("2026-03-14 10:00")  # Saturday
    chat.say("rep1", "今天拜访了比亚迪")
    weekend = chat.clock("2026-03-15 21:00")
    assert not [s for s in chat.to("rep1", weekend) if "日报" in s.reply.text]
    assert not chat.to("mgr1", weekend), "no summary on a weekend either"
    monday = chat.to("rep1", chat.clock("2026-03-16 18:01"))
    drafts = [s for s in monday if "【日报】" in s.reply.text]
    assert drafts == [], "Saturday's visit is not Monday's work, and Monday has nothing logged"


def test_the_weekly_report_sums_the_week_and_reaches_the_friday_summary(chat: Chat) -> None:
    chat.say("rep1", "今天拜访了阿里巴巴,聊了预算")  # Wednesday
    chat.clock("2026-03-12 10:00")
    chat.say("rep1", "今天拜访了比亚迪")  # Thursday
    chat.say("rep1", "BYD moved to negotiation")
    chat.clock("2026-03-13 10:00")
    chat.say("rep1", "收到阿里巴巴回款6万")  # Friday
    chat.press("rep1", "确认记录")
    friday = chat.to("rep1", chat.clock("2026-03-13 18:01"))
    daily, weekly = friday[0].reply.text, friday[1].reply.text
    assert "【日报】2026-03-13(周五)" in daily and "拜访" not in daily, "Friday's 日报 is Friday's alone"
    # By hand: two visits (Wed, Thu), one move (Thu), one payment (Fri).
    assert "🚶 拜访(2):\n• 阿里巴巴:今天拜访了阿里巴巴,聊了预算\n• 比亚迪:今天拜访了比亚迪" in weekly
    assert "📈 商机推进(1):" in weekly and "💰 回款(1):\n• 阿里巴巴 ¥60,000.00" in weekly
    sent = texts(chat, "rep1", chat.press("rep1", "发送"))
    assert sent[0].startswith("✅ 周报已发送给李娜") and "【周报】" in sent[0]
    summary = chat.to("mgr1", chat.clock("2026-03-13 20:01"))
    assert len(summary) == 1
    text = summary[0].reply.text
    assert "• 张伟(周报):拜访2 · 推进1 · 回款¥60,000.00" in text and "⏳ 未交(1):张伟" in text
    assert labels(summary[0]) == ["点评 张伟 的周报", "提醒未交的 1 人"]
    chat.press("mgr1", "点评 张伟")
    told = texts(chat, "rep1", chat.say("mgr1", "这周不错"))
    assert told == ["💬 李娜点评了你2026-03-09(周一)这一周的周报:这周不错"]


# --- targets --------------------------------------------------------------------------------------------------------


def test_a_target_set_in_chat_and_attainment_worked_by_hand(chat: Chat) -> None:
    set_ = texts(chat, "mgr1", chat.say("mgr1", "给张伟定本月目标50万"))
    assert set_[0].startswith("好的,已设定。") and "¥0.00 / ¥500,000.00(0%,按回款)" in set_[0]
    tom = texts(chat, "mgr1", chat.say("mgr1", "set Tom's March target to 80k USD"))
    assert "US$0.00 / US$80,000.00" in tom[0]
    refused = texts(chat, "rep1", chat.say("rep1", "给陈静定本月目标10万"))
    assert refused == ["只有他的主管或管理员可以设目标。"]

    chat.say("rep1", "收到阿里巴巴回款6万")  # March 11: counts
    chat.press("rep1", "确认记录")
    chat.clock("2026-03-12 10:00")
    chat.say("rep1", "收到比亚迪回款9万")  # March 12: counts
    chat.press("rep1", "确认记录")
    chat.say("rep1", "收到比亚迪回款1000美元")  # another currency: never added to a CNY target
    chat.press("rep1", "确认记录")
    # By hand: 60,000 + 90,000 = 150,000 of 500,000 = 30%.
    mine = texts(chat, "rep1", chat.say("rep1", "我的业绩完成多少了"))
    assert mine == ["🎯 张伟的目标(2026-03-01(周日)至2026-03-31(周二)):已完成 ¥150,000.00 / ¥500,000.00(30%,按回款)"]
    english = texts(chat, "rep2", chat.say("rep2", "how am I doing against target"))
    assert english[0].startswith("🎯 Tom Lee's target") and "$0.00 of $80,000.00 (0%, payments received)" in english[0]
    team = texts(chat, "mgr1", chat.say("mgr1", "团队业绩完成多少了"))
    assert "张伟" in team[0] and "Tom Lee" in team[0]
    # The target shows in the rep's report.
    draft = chat.to("rep1", chat.clock("2026-03-12 18:01"))
    assert "已完成 ¥150,000.00 / ¥500,000.00(30%,按回款)" in draft[-1].reply.text
    chat.clock("2026-04-01 10:00")
    april = texts(chat, "rep1", chat.say("rep1", "我的业绩完成多少了"))
    assert april == ["这段时间还没有设目标。主管可以说“给张伟定12月目标50万”。"]


def test_the_teams_targets_in_the_fridays_summary_and_the_weekly_digest_with_a_chart(chat: Chat) -> None:
    chat.say("mgr1", "给张伟定本月目标50万")
    chat.say("mgr1", "给团队定本月目标100万")
    chat.say("rep1", "收到阿里巴巴回款6万")
    chat.press("rep1", "确认记录")
    chat.clock("2026-03-13 10:00")  # Friday
    chat.say("rep1", "今天拜访了阿里巴巴")
    summary = chat.to("mgr1", chat.clock("2026-03-13 20:01"))[-1]
    # By hand: 60,000 of the team's 1,000,000 is 6%; of 张伟's 500,000, 12%.
    assert "🎯 目标进度:\n🎯 " in summary.reply.text
    assert "已完成 ¥60,000.00 / ¥1,000,000.00(6%,按回款)" in summary.reply.text
    assert "🎯 张伟的目标" in summary.reply.text and "¥60,000.00 / ¥500,000.00(12%,按回款)" in summary.reply.text
    assert [f.name for f in summary.reply.files] == ["targets.png"]
    digest = [
        s
        for s in chat.clock("2026-03-16 09:01")
        if s.to == "group:east" and "targets.png" in [f.name for f in s.reply.files]
    ]
    assert len(digest) == 1 and "¥60,000.00 / ¥1,000,000.00(6%,按回款)" in digest[0].reply.text


def test_targets_set_from_the_command_line(tmp_path) -> None:
    from tests.test_cli import FIXTURES as TEAM
    from tests.test_cli import salesbot

    db = tmp_path / "team.db"
    salesbot("seed", str(TEAM / "team.toml"), db=db)
    out = json.loads(
        salesbot("targets", "set", "--user", "rep1", "--month", "2026-12", "--amount", "500000", db=db).stdout
    )
    assert out["who"] == "张伟" and out["target"] == "500000" and out["currency"] == "CNY"
    assert (out["starts_on"], out["ends_on"]) == ("2026-12-01", "2026-12-31")
    team = json.loads(
        salesbot("targets", "set", "--team", "east", "--quarter", "2026-Q2", "--amount", "3000000", db=db).stdout
    )
    assert (team["starts_on"], team["ends_on"]) == ("2026-04-01", "2026-06-30")
    salesbot("targets", "set", "--user", "rep1", "--month", "2026-12", "--amount", "600000", db=db)
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:  # read as the app reads money (SQLite keeps it as whole cents)
        query = select(Target.amount, Target.archived).where(Target.user_id.is_not(None)).order_by(Target.id)
        rows = conn.execute(query).all()
    engine.dispose()
    assert [(a, bool(x)) for a, x in rows] == [(Decimal(500000), True), (Decimal(600000), False)], "replaced, kept"


# --- adoption -------------------------------------------------------------------------------------------------------


def test_who_is_using_it_counted_by_hand(chat: Chat) -> None:
    chat.say("rep1", "今天拜访了阿里巴巴")  # Wednesday
    chat.clock("+1m")
    chat.say("rep1", "我的客户")
    chat.clock("+1m")
    chat.say("rep2", "visited Initech today")
    chat.clock("2026-03-11 18:01")
    chat.press("rep1", "发送")  # a tap is a message too
    chat.clock("2026-03-12 10:00")  # Thursday: Wednesday's counts are kept as the day ends
    chat.say("rep1", "今天拜访了比亚迪")
    chat.clock("+1m")
    chat.say("rep1", "BYD moved to negotiation")
    chat.clock("2026-03-13 10:00")  # Friday
    asked = texts(chat, "mgr1", chat.say("mgr1", "团队本周使用情况"))
    assert asked == [
        "📊 使用情况(2026-03-09(周一) 至 2026-03-13(周五)):\n"
        "• 张伟:活跃 2 天 · 消息 5 条 · 拜访 2 次 · 日报 1 份\n"
        "• Tom Lee:活跃 1 天 · 消息 1 条 · 拜访 1 次 · 日报 0 份\n"
        "• 陈静:活跃 0 天 · 消息 0 条 · 拜访 0 次 · 日报 0 份"
    ]
    assert texts(chat, "rep1", chat.say("rep1", "团队使用情况"))[0].startswith("使用情况只有主管和管理员能看。")
    chat.clock("+1m")
    chat.say("rep1", "今天拜访了阿里巴巴")
    summary = texts(chat, "mgr1", chat.clock("2026-03-13 20:01"))
    assert len(summary) == 1 and "📊 本周使用情况:\n• 张伟:活跃 3 天 · 消息 7 条 · 拜访 3 次 · 日报 1 份" in summary[0]


def test_a_silent_rep_is_nudged_once_on_a_working_day_and_the_manager_sees_the_list(chat: Chat) -> None:
    # The team was added on Wednesday 2026-03-11; 张伟 speaks on Friday, Tom Lee and 陈静 not at all.
    chat.clock("2026-03-13 10:00")
    chat.say("rep1", "今天拜访了阿里巴巴")
    sent = chat.clock("2026-03-16 20:30")
    nudges = [s for s in sent if "没听到你的消息" in s.reply.text or "haven't heard from you" in s.reply.text]
    # By hand: Thursday, Friday, Monday are three working days of silence; the weekend does not count.
    assert sorted(s.to for s in nudges) == ["rep2", "rep3"]
    assert {s.at.isoformat() for s in nudges} == {"2026-03-16T18:00:00+08:00"}
    assert "3 working days" in chat.to("rep2", nudges)[0].reply.text
    summaries = chat.to("mgr1", sent)
    assert "🔕" not in summaries[0].reply.text, "Friday: two working days are not yet silence"
    assert "🔕 好几天没用了:Tom Lee(3 个工作日), 陈静(3 个工作日)" in summaries[-1].reply.text
    chat.clock("2026-03-17 10:00")
    chat.say("rep2", "visited Initech today")
    tuesday = chat.clock("2026-03-17 20:30")
    assert not [s for s in tuesday if "没听到你的消息" in s.reply.text], "once a silence, not once a day"
    assert "🔕 好几天没用了:陈静(4 个工作日)" in chat.to("mgr1", tuesday)[-1].reply.text


# --- asked for in chat, and on by default --------------------------------------------------------------------------


def test_a_typed_request_drafts_the_report_now_with_the_same_card(chat: Chat) -> None:
    nothing = texts(chat, "rep2", chat.say("rep2", "my daily report"))
    assert nothing == [
        "Nothing is logged today, so there's no report to draft yet. Tell me about a visit, a deal or a payment."
    ]
    chat.say("rep1", "今天拜访了阿里巴巴,聊了预算,明天再跟进给方案")
    chat.clock("2026-03-11 15:00")
    now = chat.say("rep1", "写日报")
    card = chat.to("rep1", now)
    assert len(card) == 1 and card[0].at.isoformat() == "2026-03-11T15:00:00+08:00"
    assert card[0].reply.text.startswith("📝 今天的日报我帮你写好了。")
    assert "• 阿里巴巴:今天拜访了阿里巴巴" in card[0].reply.text
    assert labels(card[0]) == ["发送", "补充几句", "今天跳过"], "the buttons of the card at the hour"
    chat.say("rep1", "BYD moved to negotiation")
    chat.clock("+1m")
    again = chat.to("rep1", chat.say("rep1", "今天的日报"))
    assert len(again) == 1 and "📈 商机推进(1):" in again[0].reply.text, "asked again: drafted with what came since"
    assert not [s for s in chat.to("rep1", chat.clock("2026-03-11 18:30")) if "【日报】" in s.reply.text], (
        "drafted already: not again at the hour"
    )
    chat.press("rep1", "发送")
    assert texts(chat, "rep1", chat.say("rep1", "发日报")) == ["今天的日报已经发送了。"]
    weekly = chat.to("rep1", chat.say("rep1", "写周报"))
    assert len(weekly) == 1 and "【周报】2026-03-09(周一) 至 2026-03-11(周三)" in weekly[0].reply.text
    team = texts(chat, "mgr1", chat.say("mgr1", "今天的日报"))
    assert team[0].startswith("📋 团队日报 2026-03-11(周三)") and "已交(1):\n• 张伟:拜访1 · 推进1" in team[0]


def test_what_was_logged_this_very_minute_is_in_the_report_asked_for(chat: Chat) -> None:
    """The demo's clock stands still between messages: a visit and "写日报" at the same instant are one day's work."""
    chat.say("rep1", "今天拜访了阿里巴巴,聊了预算")
    card = [s.reply.text for s in chat.to("rep1", chat.say("rep1", "写日报")) if "【日报】" in s.reply.text]
    assert len(card) == 1 and "• 阿里巴巴:今天拜访了阿里巴巴" in card[0]


def test_reports_are_on_by_default() -> None:
    assert settings_from({}, env={}).reports.enabled
    assert not settings_from({}, env={"SALESBOT_REPORTS_ENABLED": "false"}).reports.enabled
