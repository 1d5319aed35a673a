"""Days off (issue 17), on the team's working-day calendar (`cn` here: weekends, public holidays, 调休 weekends).

In chat: a follow-up or reminder read from a relative phrase (三天后, in 3 days) that lands on a day off moves to the
next working day and the reply says so; a day the rep named exactly stays, and its reminder fires on it; 节后 and
N个工作日后 count working days. In the scheduler ([digests] on_days_off = false, the default): no digest, brief,
collection or quiet-customer message and no complaint escalation on a day off; they fall on the next working day.
Complaints and needs are due two working days of the team's calendar later."""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from salesbot.bootstrap import App, build
from salesbot.channels.console import Sent, play
from salesbot.clock import FrozenClock
from salesbot.config import DigestPolicy, Settings, settings_from
from salesbot.services import collections, complaints, customers, digests, retention, users
from salesbot.store.models import Reminder
from tests.conftest import FIXTURES, NO_REPORTS, SHANGHAI, Chat, make_session
from tests.test_receivables_chat import seeded

SCRIPTS = Path(__file__).parent / "scripts"
EXAMPLE = Path(__file__).parent.parent / "config" / "salesbot.example.toml"


@pytest.fixture
def settings() -> Settings:
    return settings_from({"team": {"working_days": "cn"}, **NO_REPORTS}, env={})


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 13, 19, 0, tzinfo=SHANGHAI))  # a Friday evening


@contextmanager
def world(db_url: str, clock: FrozenClock, config: dict[str, Any]) -> Iterator[App]:
    app = build(settings_from({**NO_REPORTS, **config}, env={}), clock=clock, database_url=db_url)
    try:
        app.seed(FIXTURES / "team.toml")
        yield app
    finally:
        app.close()


def play_script(db_url: str, settings: Settings, name: str) -> list[Sent]:
    session = make_session(db_url, settings)
    try:
        asyncio.run(play(session, SCRIPTS / name))
        return session.channel.transcript
    finally:
        session.world.close()


def said(sent: list[Sent], handle: str, *words: str) -> list[Sent]:
    return [s for s in sent if s.to == handle and all(w in s.reply.text for w in words)]


def local(s: Sent) -> str:
    return s.at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")


def test_the_default_matches_the_example_config() -> None:
    example = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))["digests"]["on_days_off"]
    assert DigestPolicy().on_days_off is example is settings_from({}, env={}).digests.on_days_off is False


def test_a_relative_follow_up_moves_off_a_holiday_and_a_weekend_and_the_reply_says_so(
    db_url: str, settings: Settings
) -> None:
    sent = play_script(db_url, settings, "days_off_follow_up.txt")
    # National Day 2026 (10-01..07 off): 三天后 from Monday 09-28 is Thursday 10-01, a holiday.
    [zh] = said(sent, "rep1", "已记录:拜访「阿里巴巴」")
    assert "跟进:2026-10-08(周四)" in zh.reply.text
    assert "三天后是 2026-10-01(周四),休息日,跟进改到 2026-10-08(周四)。" in zh.reply.text
    [en] = said(sent, "rep2", "Logged: visit to Initech, Mon 2026-09-28")
    assert "“in 3 days” is Thu 2026-10-01, a day off: the follow-up moves to the next working day, Thu 2026-10-08." in (
        en.reply.text
    )
    # 节后 and N个工作日后 count on the same calendar: both on the first working day after the break.
    [after] = said(sent, "rep1", "已记录:拜访「华为终端」")
    assert "跟进:2026-10-08(周四)" in after.reply.text and "休息日" not in after.reply.text
    [working] = said(sent, "rep1", "提醒你:给华为技术发报价")
    assert "2026-10-08(周四)" in working.reply.text and "休息日" not in working.reply.text
    assert [local(s) for s in said(sent, "rep1", "给华为技术发报价") if "⏰" in s.reply.text] == ["10-08 09:00"]
    # A weekend: 三天后 / in three days from Wednesday 12-09 is Saturday 12-12.
    [zh] = said(sent, "rep1", "已记录:拜访「比亚迪」")
    assert "三天后是 2026-12-12(周六),休息日,跟进改到 2026-12-14(周一)。" in zh.reply.text
    [en] = said(sent, "rep2", "Logged: visit to 京东")
    assert "“in three days” is Sat 2026-12-12, a day off" in en.reply.text and "Mon 2026-12-14" in en.reply.text
    [reminder] = said(sent, "rep1", "提醒你:给阿里打电话")
    assert "三天后是 2026-12-12(周六),休息日,提醒改到 2026-12-14(周一)。" in reminder.reply.text
    # A day named exactly stays, even a Saturday, without a word about days off; its reminder fires that Saturday.
    [exact] = said(sent, "rep1", "已记录:拜访「华为技术」")
    assert "跟进:2026-12-12(周六)" in exact.reply.text and "休息日" not in exact.reply.text
    [exact_en] = said(sent, "rep2", "Logged: visit to Initech, Wed 2026-12-09")
    assert "Follow-up: Sat 2026-12-12" in exact_en.reply.text and "day off" not in exact_en.reply.text
    assert [local(s) for s in said(sent, "rep1", "跟进提醒", "华为技术")] == ["12-12 09:00"]
    assert [local(s) for s in said(sent, "rep2", "Follow up with Initech")] == ["12-12 09:00"]
    # The moved ones come on Monday, and nothing about them on the weekend.
    assert [local(s) for s in said(sent, "rep1", "比亚迪") if s.at.date() > date(2026, 12, 9)] == ["12-14 09:00"]
    assert [local(s) for s in said(sent, "rep1", "⏰ 提醒:给阿里打电话")] == ["12-14 09:00"]
    # The weekly summary due on Monday 10-05 (in the break) came on the first working day after it.
    assert [local(s) for s in sent if s.to == "group:east" and "周报" in s.reply.text][:1] == ["10-08 09:00"]
    assert not [s for s in sent if s.at.astimezone(SHANGHAI).date() in (date(2026, 12, 12), date(2026, 12, 13))
                and s.to == "group:east"], "no group digest on the weekend"  # fmt: skip


def test_a_team_on_mon_fri_keeps_a_holiday_as_a_working_day(db_url: str) -> None:
    """The speaker's team's calendar reads the message: east works Monday to Friday, so 10-01 is a working day."""
    settings = settings_from({"team": {"working_days": "cn", "working_days_by_team": {"east": "mon-fri"}}}, env={})
    session = make_session(db_url, settings)
    try:
        for line in ("@seed team.toml", "@clock 2026-09-28 10:00", "@rep1> 今天拜访了阿里,三天后再跟进"):
            asyncio.run(session.run_line(line, base=FIXTURES))
        reply = session.channel.transcript[-1].reply.text
    finally:
        session.world.close()
    assert "跟进:2026-10-01(周四)" in reply and "休息日" not in reply


def test_on_a_saturday_the_daily_digests_and_briefs_wait_for_monday(app: App, clock: FrozenClock) -> None:
    clock.set(datetime(2026, 3, 14, 9, 30, tzinfo=SHANGHAI))  # Saturday morning
    with app.uow() as uow:
        slots = [s for s in digests._slots(uow, uow.now()) if s.kind in ("daily", "brief")]
    assert slots and {s.on for s in slots} == {datetime(2026, 3, 16).date()}


def test_a_weekly_summary_on_a_holiday_monday_falls_on_the_next_working_day(app: App, clock: FrozenClock) -> None:
    clock.set(datetime(2026, 10, 5, 10, 0, tzinfo=SHANGHAI))  # Monday, in the National Day break
    with app.uow() as uow:
        weekly = [s for s in digests._slots(uow, uow.now()) if s.kind in ("weekly", "retention")]
    assert weekly and {s.on for s in weekly} == {date(2026, 10, 5)}, "still the summary of the week before"
    assert {s.at for s in weekly} == {datetime(2026, 10, 8, 9, 0, tzinfo=SHANGHAI)}


def test_no_collection_or_quiet_customer_message_on_a_public_holiday(db_url: str, clock: FrozenClock) -> None:
    with world(db_url, clock, {"retention": {"enabled": True}}) as app:
        clock.set(datetime(2026, 10, 2, 10, 0, tzinfo=SHANGHAI))  # National Day break, a Friday
        with app.uow() as uow:
            for people in (collections._people(uow), retention._people(uow)):
                assert people and not any(p.due(uow.now()) for p in people)
                assert all(p.next_hour(uow.now()).date() == date(2026, 10, 8) for p in people)
            assert retention.run_due(uow) == 0


def test_on_days_off_true_sends_every_day(db_url: str, clock: FrozenClock) -> None:
    with world(db_url, clock, {"digests": {"on_days_off": True}, "retention": {"enabled": True}}) as app:
        clock.set(datetime(2026, 10, 2, 10, 0, tzinfo=SHANGHAI))
        with app.uow() as uow:
            assert all(p.due(uow.now()) for p in retention._people(uow))
            assert all(p.due(uow.now()) for p in collections._people(uow))


def complaint(app: App, on: datetime) -> tuple[date, list[datetime]]:
    app.clock.set(on)
    with app.uow() as uow:
        actor = users.by_handle(uow, "rep1")
        customer_id = next(c.id for c in customers.list_mine(uow, actor) if c.name == "阿里巴巴")
        item = complaints.open_item(uow, actor, customer_id=customer_id, kind="complaint", text="交货延迟")
        uow.commit()
    with app.uow() as uow:
        due = [
            r.due_at.astimezone(SHANGHAI).replace(tzinfo=None)
            for r in uow.session.scalars(select(Reminder).where(Reminder.kind == "item_overdue"))
        ]
    return item.due_on, due


def test_a_complaint_is_due_two_working_days_of_the_teams_calendar_later(app: App) -> None:
    # Tuesday 09-29: Wednesday 09-30 is one working day, then the break (10-01..07); the second is Thursday 10-08.
    due_on, escalations = complaint(app, datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI))
    assert due_on == date(2026, 10, 8)
    assert escalations == [datetime(2026, 10, 9, 9, 0)], "the manager hears the next working morning"


def test_an_escalation_due_on_a_weekend_waits_for_monday(app: App) -> None:
    # Wednesday 03-11: due Friday 03-13; overdue from Saturday, the manager is told on Monday.
    due_on, escalations = complaint(app, datetime(2026, 3, 11, 10, 0, tzinfo=SHANGHAI))
    assert due_on == date(2026, 3, 13) and escalations == [datetime(2026, 3, 16, 9, 0)]


def test_on_a_mon_fri_calendar_a_holiday_counts_as_a_working_day(db_url: str, clock: FrozenClock) -> None:
    with world(db_url, clock, {"team": {"working_days": "mon-fri"}}) as app:
        due_on, escalations = complaint(app, datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI))
    assert due_on == date(2026, 10, 1) and escalations == [datetime(2026, 10, 2, 9, 0)]


def test_an_installment_moved_by_a_relative_phrase_keeps_the_day_it_counts_to(chat: Chat) -> None:
    """A due date is a term of the contract, not a follow-up: 三天后 from Wednesday 03-11 is Saturday 03-14, kept."""
    seeded(chat)
    [moved] = chat.say("rep1", "宁德时代第二期改到三天后")
    assert "已改期" in moved.reply.text and "2026-03-14" in moved.reply.text and "休息日" not in moved.reply.text
