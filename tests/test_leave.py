"""A seeded month on China's working-day calendar (issue 21): the 日报 and 周报 drafted on the right days only, leave
respected, silent reps counted in working days.

The month runs from Monday 2026-04-27 (the team is added at 09:00, Asia/Shanghai) to mid-May. What the `holidays`
package (and the State Council) say of it, checked in the first test: Friday 1 May to Tuesday 5 May are off (Labour
Day), Saturday 9 May is a 调休 working day. Reports are drafted at 18:00, the manager's summary goes at 20:00, the
周报 is on Fridays, and a rep silent for 3 working days is nudged.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from salesbot.calendars import working_calendar
from salesbot.channels.console import Sent
from salesbot.config import Settings, settings_from
from tests.conftest import SHANGHAI, Chat, make_session


@pytest.fixture
def settings() -> Settings:
    return settings_from({}, env={})  # the product's defaults: reports on, China's calendar


@pytest.fixture
def month(db_url: str, settings: Settings) -> Iterator[Chat]:
    session = make_session(db_url, settings, start=datetime(2026, 4, 27, 9, 0, tzinfo=SHANGHAI))
    chat = Chat(session)
    chat.run("@seed team.toml")
    chat.clock("2026-04-27 09:00")
    yield chat
    session.world.close()


def cards(chat: Chat, handle: str) -> list[tuple[str, str]]:
    """(when, the report's head line) of each 日报 / 周报 card drafted for `handle`."""
    found = []
    for s in chat.to(handle):
        for line in s.reply.text.splitlines():
            if line.startswith(("【日报】", "【周报】")) and s.reply.buttons:
                found.append((s.at.strftime("%m-%d %H:%M"), line))
    return found


def summaries(chat: Chat) -> dict[str, str]:
    return {s.at.strftime("%m-%d"): s.reply.text for s in chat.to("mgr1") if s.reply.text.startswith("📋")}


def texts(chat: Chat, handle: str, sent: list[Sent]) -> list[str]:
    return [s.reply.text for s in chat.to(handle, sent)]


def test_the_calendar_this_month_is_what_the_tests_assume() -> None:
    cn = working_calendar("cn")
    off = [date(2026, 5, d) for d in (1, 2, 3, 4, 5)]
    assert not any(cn.is_working_day(d) for d in off), "Labour Day, 1-5 May 2026"
    assert cn.is_working_day(date(2026, 5, 9)), "Saturday 9 May 2026 is worked (调休)"
    assert cn.is_working_day(date(2026, 4, 30)) and cn.is_working_day(date(2026, 5, 6))


def test_the_weekly_report_moves_to_the_weeks_last_working_day_when_its_day_is_off() -> None:
    from salesbot.services.reports import weekly_day

    cn, mon_fri = working_calendar("cn"), working_calendar("mon-fri")
    assert weekly_day(date(2026, 4, 27), 5, cn) == date(2026, 4, 30), "Friday 1 May is Labour Day: Thursday"
    assert weekly_day(date(2026, 5, 4), 5, cn) == date(2026, 5, 8), "a worked Friday keeps it"
    assert weekly_day(date(2025, 12, 29), 5, cn) == date(2026, 1, 4), "New Year: Sunday 4 January 2026 is worked"
    assert weekly_day(date(2025, 12, 29), 5, mon_fri) == date(2026, 1, 2)
    assert weekly_day(date(2026, 2, 16), 5, cn) is None, "the Spring Festival week has no working day"
    assert weekly_day(date(2026, 5, 4), 0, cn) is None, "no 周报 configured"


def test_drafts_fall_on_working_days_only_and_the_week_ends_before_a_holiday(month: Chat) -> None:
    month.clock("2026-04-27 10:00")
    month.say("rep1", "今天拜访了阿里巴巴,聊了预算,明天再跟进")
    month.clock("2026-04-30 10:00")
    month.say("rep1", "今天拜访了比亚迪,下周三再跟进")
    month.clock("2026-05-02 10:00")  # Saturday, a holiday: worked, but not a working day
    month.say("rep1", "今天拜访了华为技术,下周三再跟进")
    month.clock("2026-05-06 10:00")
    month.say("rep1", "今天拜访了比亚迪,周五再跟进")
    month.clock("2026-05-09 10:00")  # Saturday, worked by the calendar (调休)
    month.say("rep1", "今天拜访了阿里巴巴,下周一再跟进")
    month.clock("2026-05-10 22:00")
    # By hand: a card on each working day with something logged or planned for the next working day; the 周报 on
    # Thursday 30 April, because Friday 1 May is a holiday, and on Friday 8 May; none from 1 to 5 May.
    assert cards(month, "rep1") == [
        ("04-27 18:00", "【日报】2026-04-27(周一)"),
        ("04-30 18:00", "【日报】2026-04-30(周四)"),
        ("04-30 18:00", "【周报】2026-04-27(周一) 至 2026-04-30(周四)"),
        ("05-06 18:00", "【日报】2026-05-06(周三)"),
        ("05-07 18:00", "【日报】2026-05-07(周四)"),  # nothing logged, but Friday's follow-up is its plan
        ("05-08 18:00", "【周报】2026-05-04(周一) 至 2026-05-08(周五)"),
        ("05-09 18:00", "【日报】2026-05-09(周六)"),
    ]
    drafts = {line: s.reply.text for s in month.to("rep1") if s.reply.buttons for line in s.reply.text.splitlines()}
    # Thursday's plan is the next working day, after the holiday: Wednesday 6 May, when 比亚迪 is to be followed up.
    assert "🗓 明日计划(2026-05-06(周三)):\n• 比亚迪" in drafts["【日报】2026-04-30(周四)"]
    # Friday 8 May's 日报 would be empty (nothing logged, nothing due Saturday): only its 周报 is sent, and it
    # counts the week's one visit, on Wednesday; Saturday 9 May is planned as a working day.
    weekly = next(s.reply.text for s in month.to("rep1") if "【周报】2026-05-04" in s.reply.text)
    assert "🚶 拜访(1):\n• 比亚迪" in weekly
    # The manager's summary: on the working days with a report, or someone silent for 3 working days (Tom Lee and
    # 陈静 from 30 April); never on 1-5 May or a Sunday.
    assert sorted(summaries(month)) == ["04-27", "04-30", "05-06", "05-07", "05-08", "05-09"]


def test_leave_is_kept_nothing_is_drafted_and_the_summary_says_on_leave(month: Chat) -> None:
    month.clock("2026-04-29 10:00")
    taken = texts(month, "rep3", month.say("rep3", "我5月11日到13日请假"))
    assert taken == [
        "🌴 好的,已记下你请假:2026-05-11(周一) 至 2026-05-13(周三)(共 3 个工作日)。"
        "这几天不会给你写日报,也不会提醒你。说“取消请假”可以撤销。"
    ]
    month.say("rep3", "提醒我5月12日给小米打电话")  # a plan that would draft a report on 11 May
    told = month.say("mgr1", "Tom下周三请假")
    assert texts(month, "mgr1", told)[0].startswith("🌴 好的,已记下Tom Lee请假:2026-05-06(周三)(共 1 个工作日)")
    assert texts(month, "rep2", told) == [
        "🌴 李娜 has put you down as off from Wed 2026-05-06 to Wed 2026-05-06. No report on those days."
    ]
    listed = texts(month, "mgr1", month.say("mgr1", "谁请假了"))
    assert listed == [
        "🌴 请假安排:\n• Tom Lee:2026-05-06(周三)(共 1 个工作日)\n"
        "• 陈静:2026-05-11(周一) 至 2026-05-13(周三)(共 3 个工作日)"
    ]
    month.clock("2026-05-08 10:00")
    cancelled = month.say("mgr1", "陈静5月13日不请假了")
    assert texts(month, "mgr1", cancelled) == [
        "🔙 已取消陈静的请假:2026-05-11(周一) 至 2026-05-13(周三)。\n仍然请假:2026-05-11(周一) 至 2026-05-12(周二)。"
    ]
    assert "李娜取消了你的请假:2026-05-13(周三)" in texts(month, "rep3", cancelled)[0]
    month.clock("2026-05-14 22:00")
    assert cards(month, "rep3") == [], "on leave on the 11th and 12th; the plan was the 12th, a day of leave"
    days = summaries(month)
    assert "🌴 请假:Tom Lee" in days["05-06"] and "🌴 请假:陈静" in days["05-11"] and "🌴 请假:陈静" in days["05-12"]
    assert "请假" not in days["05-13"], "the 13th was taken back"
    # Silence by hand. 陈静 last spoke on 29 April: 30 April, 6 and 7 May are three working days (1-5 May are the
    # holiday), so the nudge comes on Thursday 7 May; then 8 and 9 (调休) May, 11 and 12 on leave (not counted),
    # 13 May: six. Tom Lee never spoke: 28, 29, 30 April; 6 May on leave; 7, 8, 9, 11, 12, 13 May: nine. 张伟 never
    # spoke either, and took no leave: ten.
    nudges = [(s.to, s.at.strftime("%m-%d")) for s in month.sent if "没听到" in s.reply.text or "heard" in s.reply.text]
    assert nudges == [("rep1", "04-30"), ("rep2", "04-30"), ("rep3", "05-07")]
    assert "🔕 好几天没用了:Tom Lee(9 个工作日), 张伟(10 个工作日), 陈静(6 个工作日)" in days["05-13"]
    assert "陈静(" not in days["05-11"].split("🔕")[-1] and "Tom Lee(" not in days["05-06"].split("🔕")[-1], (
        "on leave: not silent that day"
    )


def test_leave_said_in_english_shown_back_and_cancelled(month: Chat) -> None:
    month.clock("2026-04-29 10:00")
    taken = texts(month, "rep2", month.say("rep2", "I'm off on Thursday"))
    assert taken == [
        "🌴 Done: you're off Thu 2026-04-30 (1 working day(s)). No report and no nudges on those days. "
        "Say “cancel my leave” to take it back."
    ]
    assert texts(month, "rep2", month.say("rep2", "/leave")) == [
        "🌴 Leave coming up:\n• Tom Lee: Thu 2026-04-30 (1 working day(s))"
    ]
    refused = texts(month, "rep2", month.say("rep2", "陈静明天请假"))
    assert refused == ["Only 陈静's manager or an admin can put them on leave."]
    assert texts(month, "rep2", month.say("rep2", "I'm off on Saturday")) == [
        "Those days aren't working days anyway: no leave needed."
    ]
    assert texts(month, "rep2", month.say("rep2", "cancel my leave")) == ["🔙 Cancelled your leave: Thu 2026-04-30."]
    asked = month.say("rep3", "我要请假")
    assert texts(month, "rep3", asked)[0].startswith("哪天请假?")
    assert texts(month, "rep3", month.say("rep3", "下周一到周三"))[0].startswith(
        "🌴 好的,已记下你请假:2026-05-04(周一) 至 2026-05-06(周三)(共 1 个工作日)"
    ), "by hand: 4 and 5 May are holidays, the 6th is worked"


def test_leave_from_the_command_line_and_a_seed_file(tmp_path) -> None:
    import json

    from tests.test_cli import FIXTURES as TEAM
    from tests.test_cli import salesbot

    db = tmp_path / "team.db"
    salesbot("seed", str(TEAM / "team.toml"), db=db)
    (tmp_path / "leave.toml").write_text(
        '[[leave]]\nuser = "rep3"\nfrom = "2030-06-10"\nto = "2030-06-12"\nnote = "年假"\n', encoding="utf-8"
    )
    assert salesbot("seed", str(tmp_path / "leave.toml"), db=db).stdout.strip().endswith(", 1 leave")
    taken = json.loads(salesbot("leave", "set", "--user", "rep2", "--from", "2030-06-14", db=db).stdout)
    assert taken == {"who": "Tom Lee", "starts_on": "2030-06-14", "ends_on": "2030-06-14", "days": 1, "note": None}
    cancelled = json.loads(salesbot("leave", "cancel", "--user", "rep3", "--on", "2030-06-11", db=db).stdout)
    assert [(p["starts_on"], p["ends_on"]) for p in cancelled["kept"]] == [
        ("2030-06-10", "2030-06-10"),
        ("2030-06-12", "2030-06-12"),
    ], "the day taken out; the rest kept as new rows, the old one cancelled"
    listed = json.loads(salesbot("leave", "list", db=db).stdout)["leave"]
    assert [(p["who"], p["starts_on"], p["note"]) for p in listed] == [
        ("陈静", "2030-06-10", "年假"),
        ("陈静", "2030-06-12", "年假"),
        ("Tom Lee", "2030-06-14", None),
    ]
    refused = salesbot("leave", "set", "--user", "nobody", "--from", "2030-06-14", db=db, check=False)
    assert refused.returncode == 1 and "leave_who_unknown" in refused.stderr
