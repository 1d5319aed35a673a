"""A conversation a rep can steer (issue 16): interrupt it, correct it, undo it, back-date it, move or close a
follow-up, money in the customer's currency, words for buttons, help by role. Each behaviour is a conversation
script under tests/scripts, played on SQLite and PostgreSQL, checked as a user would check it: what the bot said,
and what was kept."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from salesbot.bootstrap import App
from salesbot.channels.console import Sent, play
from salesbot.config import Settings
from salesbot.services import digests
from salesbot.store.models import AuditEntry, ConversationState, Customer, Deal, Reminder, User, Visit
from tests.conftest import SHANGHAI, Chat, make_session

SCRIPTS = Path(__file__).parent / "scripts"


@pytest.fixture
def script(db_url: str, settings: Settings) -> Iterator[Any]:
    """Play a script; returns what was sent and the world, to look at what was kept."""
    sessions = []

    def run(name: str) -> tuple[list[Sent], App]:
        session = make_session(db_url, settings)
        sessions.append(session)
        asyncio.run(play(session, SCRIPTS / name))
        return session.channel.transcript, session.world

    yield run
    for session in sessions:
        session.world.close()


def to(sent: list[Sent], handle: str) -> list[Sent]:
    return [s for s in sent if s.to == handle]


def labels(s: Sent) -> list[str]:
    return [b.label for row in s.reply.buttons for b in row]


def one(world: App, query: Any) -> Any:
    with world.uow() as uow:
        return uow.session.execute(query).scalar()


def rows(world: App, query: Any) -> list[Any]:
    with world.uow() as uow:
        return list(uow.session.execute(query).all())


# --- 2. interrupts ----------------------------------------------------------------------------------------------


def test_a_request_while_asked_is_answered_and_the_question_comes_back(script) -> None:
    sent, world = script("interrupt_zh.txt")
    question, deals, question_asked, not_read, logged = to(sent, "rep1")
    assert labels(question) == ["华为技术", "华为终端", "取消"]
    assert "比亚迪" in deals.reply.text, "the interrupting request was answered"
    assert "回到刚才的拜访记录" in deals.reply.text and labels(deals) == labels(question), "and the question is back"
    assert "没太明白" in question_asked.reply.text and "回到" in question_asked.reply.text
    assert "华为技术" in labels(question_asked)
    assert "没看懂" in not_read.reply.text and "新建" not in not_read.reply.text, "a sentence is not offered as a name"
    assert "华为终端" in logged.reply.text and "2026-03-17" in logged.reply.text
    assert one(world, select(func.count()).select_from(Customer)) == 6, "no customer was made from a sentence"


def test_a_question_never_becomes_a_customer_and_a_name_does_only_when_confirmed(script) -> None:
    sent, world = script("interrupt_en.txt")
    _asked, customers, question, offer, created, logged = to(sent, "rep2")
    assert "Initech" in customers.reply.text and "Back to the visit you were logging" in customers.reply.text
    assert "Create" not in " ".join(labels(question)), "a question is never offered as a new customer"
    assert labels(offer)[0] == "Create “Globex”"
    assert "Globex" in created.reply.text and "2026-03-20" in logged.reply.text
    assert one(world, select(func.count()).where(Customer.name.like("%what%"))) == 0


def test_the_same_request_again_replaces_the_half_done_one_and_says_so(chat: Chat) -> None:
    chat.say("rep1", "今天拜访了华为")
    replies = chat.say("rep1", "拜访了比亚迪,下周二跟进")
    assert any("比亚迪" in s.reply.text and "2026-03-17" in s.reply.text for s in replies)
    assert any("放弃" in s.reply.text for s in replies), "one line says the unfinished visit was dropped"
    with chat.session.world.uow() as uow:
        assert uow.session.scalar(select(ConversationState.form).where(ConversationState.form.is_not(None))) is None


# --- 3. corrections and undo ------------------------------------------------------------------------------------


def test_corrections_change_the_entry_and_undo_takes_changes_back_one_at_a_time(script) -> None:
    sent, world = script("correct_undo_zh.txt")
    replies = to(sent, "rep1")
    assert "2026-03-18" in replies[1].reply.text, "不对,是下周三 moved the follow-up"
    assert "¥2,500,000.00" in replies[3].reply.text
    assert "改回 ¥2,000,000.00" in replies[4].reply.text
    assert "阿里巴巴" in replies[5].reply.text and "作废" in replies[5].reply.text
    assert "比亚迪" in replies[6].reply.text and "2026-03-17" in replies[6].reply.text
    # The deal is archived, not deleted; the visit stays with its follow-up as it first was.
    assert rows(world, select(Deal.archived).join(Customer).where(Customer.name == "阿里巴巴")) == [(True,)]
    visit = rows(world, select(Visit.follow_up_on, Visit.archived))
    assert visit == [(date(2026, 3, 17), False)]
    pending = rows(world, select(Reminder.due_at).where(Reminder.state == "pending"))
    assert pending == [], "the restored follow-up fired on its day"
    brief = [s for s in replies if "早上好" in s.reply.text]
    assert len(brief) == 2 and "2026-03-17" in brief[0].reply.text
    assert "[逾期1天] 比亚迪" in brief[1].reply.text, "not done on its day: the next brief lists it late"
    undos = one(world, select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "undo"))
    assert undos == 3


def test_undo_in_english_and_only_within_the_window(script) -> None:
    sent, world = script("correct_undo_en.txt")
    _logged, fixed, _moved, undone, too_late = to(sent, "rep2")
    assert "Fixed" in fixed.reply.text and "2026-03-12" in fixed.reply.text
    assert "Undone" in undone.reply.text and "Initech" in undone.reply.text
    assert "nothing to undo" in too_late.reply.text and "30 minutes" in too_late.reply.text
    assert rows(world, select(Deal.archived).join(Customer).where(Customer.name == "Initech")) == [(True,)]
    assert rows(world, select(Visit.archived)) == [(False,)], "the visit, outside the window, stays"


def test_undo_of_a_visit_archives_it_and_its_reminder_never_fires(chat: Chat) -> None:
    chat.say("rep1", "今天拜访了比亚迪,下周二跟进")
    [undone] = chat.say("rep1", "删掉刚才那条")
    assert "比亚迪" in undone.reply.text and "撤销" in undone.reply.text
    later = chat.clock("2026-03-17 09:30")
    assert not [s for s in later if s.to == "rep1" and "比亚迪" in s.reply.text]
    with chat.session.world.uow() as uow:
        assert uow.session.execute(select(Visit.archived)).scalars().all() == [True]


def test_a_contract_is_not_undone_but_withdrawn(chat: Chat) -> None:
    chat.say("rep1", "阿里巴巴合同50万")
    [answer] = chat.say("rep1", "撤销")
    assert "撤回" in answer.reply.text
    with chat.session.world.uow() as uow:
        from salesbot.store.models import Contract

        assert uow.session.scalar(select(Contract.status)) == "pending"


def test_a_follow_up_is_moved_and_closed_without_a_new_visit(script) -> None:
    sent, world = script("follow_up_moved.txt")
    rep1 = to(sent, "rep1")
    assert "已改期" in rep1[1].reply.text and "2026-03-18" in rep1[1].reply.text
    assert not [s for s in rep1 if s.at.date() == date(2026, 3, 17) and "阿里" in s.reply.text], "old day is quiet"
    assert [s for s in rep1 if s.at.date() == date(2026, 3, 18) and "阿里巴巴" in s.reply.text]
    rep2 = to(sent, "rep2")
    assert "Moved" in rep2[1].reply.text and "2026-03-23" in rep2[1].reply.text
    assert "closed" in rep2[2].reply.text
    assert not [s for s in rep2 if s.at.date() == date(2026, 3, 23)], "a closed follow-up sends nothing"
    assert one(world, select(func.count()).select_from(Visit)) == 2, "moving and closing log no visit"
    states = rows(world, select(Reminder.state, Reminder.due_at).order_by(Reminder.id))
    assert [s for s, _ in states] == ["cancelled", "sent", "cancelled", "cancelled"]


def test_a_lost_deal_is_taken_back_as_the_same_deal_and_not_counted_lost(script) -> None:
    sent, world = script("reopen_lost.txt")
    back = to(sent, "rep1")[2]
    assert "丢单 → 方案" in back.reply.text
    assert rows(world, select(Deal.stage, Deal.lost_reason)) == [("proposal", None)], "the same deal, reopened"
    weekly = [s for s in sent if s.to == "group:east" and "周报" in s.reply.text]
    assert not any("丢单" in s.reply.text for s in weekly), "the week's digest does not count it lost"
    with world.uow() as uow:
        team = uow.session.scalar(select(User.team_id).where(User.handle == "rep1"))
        since, until = datetime(2026, 3, 9, tzinfo=SHANGHAI), datetime(2026, 3, 16, tzinfo=SHANGHAI)
        facts = digests.weekly(uow, team, since=since, until=until, names={})
    assert not facts.get("lost", {}).get("count"), facts


# --- 4. when it happened ----------------------------------------------------------------------------------------


def test_a_visit_is_logged_on_the_day_it_happened_and_a_future_one_is_asked(script) -> None:
    sent, world = script("when_it_happened.txt")
    rep1, rep2 = to(sent, "rep1"), to(sent, "rep2")
    assert "2026-03-10" in rep1[0].reply.text and "2026-03-17" in rep1[0].reply.text
    assert "2026-03-09" in rep2[0].reply.text and "2026-03-20" in rep2[0].reply.text
    assert "还没发生" in rep1[1].reply.text and "2026-03-12" in rep1[2].reply.text
    assert rep1[3].at.isoformat() == "2026-03-12T09:00:00+08:00" and "阿里巴巴" in rep1[3].reply.text
    days = sorted(at.astimezone(SHANGHAI).date() for (at,) in rows(world, select(Visit.at)))
    assert days == [date(2026, 3, 9), date(2026, 3, 10)], "no visit for the one still to come"


# --- 5. money in context ----------------------------------------------------------------------------------------


def test_money_takes_the_customers_currency_and_keeps_the_deal_value(script) -> None:
    sent, world = script("money_in_context.txt")
    rep2 = to(sent, "rep2")
    assert "$20,000.00" in rep2[1].reply.text, "20k for a customer billed in USD is USD"
    resubmitted = next(s for s in rep2 if "version 2" in s.reply.text)
    assert "$85,000.00" in resubmitted.reply.text and "net 30" in resubmitted.reply.text
    assert "Approval chain: 李娜 → Admin" in resubmitted.reply.text
    asked = next(s for s in rep2 if "several currencies" in s.reply.text)
    assert set(labels(asked)) >= {"USD", "EUR"}
    assert "€5,000.00" in rep2[-1].reply.text
    values = dict(rows(world, select(Customer.name, Deal.amount).join(Deal, Deal.customer_id == Customer.id)))
    assert values["华为终端"] == Decimal("3000000"), "said with the move, then changed in one sentence"
    assert values["比亚迪"] == Decimal("450000"), "a rejected contract leaves the deal's value alone"


# --- 6. words for buttons ---------------------------------------------------------------------------------------


def test_cards_and_questions_answered_in_words(script) -> None:
    sent, _world = script("words_for_buttons.txt")
    mgr1 = to(sent, "mgr1")
    assert any("已批准「阿里巴巴」" in s.reply.text for s in mgr1)
    which = next(s for s in mgr1 if "是哪一份" in s.reply.text)
    assert len(labels(which)) == 3
    assert any("已驳回「Initech」" in s.reply.text for s in mgr1)
    assert any("币种错了" in s.reply.text for s in to(sent, "rep2")), "the rest of the message is the comment"
    assert "华为终端" in to(sent, "rep1")[-2].reply.text, "第二个 picked the second customer"


def test_help_answers_for_the_role(script) -> None:
    sent, _ = script("help_by_role.txt")
    rep, mgr, fin, admin = (to(sent, h)[0].reply.text for h in ("rep1", "mgr1", "fin1", "admin"))
    assert "记拜访" in rep and "作为经理" not in rep
    assert "作为经理" in mgr and "批准" in mgr and "记拜访" in mgr
    assert "作为财务" in fin and "确认回款" in fin
    assert "As an admin" in admin and "/handover" in admin


# --- 8. a form saved before the change ---------------------------------------------------------------------------


def test_a_form_saved_by_the_previous_release_is_resumed(chat: Chat) -> None:
    """Version 1 forms had no version key and no parked form: one left mid-question before an upgrade still works."""
    world = chat.session.world
    with world.uow() as uow:
        rep1 = uow.session.scalar(select(User.id).where(User.handle == "rep1"))
        old = {
            "flow": "visit",
            "slots": {"notes": "今天拜访了华为,下周二再跟进", "next_step": None, "follow_up": {"on": "2026-03-17"}},
            "awaiting": "customer",
            "buttons": {"k1": {"set": {"customer_id": 5, "customer": "华为技术"}}, "k2": {"do": "cancel"}},
            "rows": [[{"key": "k1", "label": "华为技术"}], [{"key": "k2", "label": "取消"}]],
            "question": "你说的是哪个客户?",
        }
        uow.session.add(ConversationState(user_id=rep1, chat_key="console:rep1", form=old, updated_at=uow.now()))
        uow.commit()
    [logged] = chat.say("rep1", "华为终端")
    assert "华为终端" in logged.reply.text and "2026-03-17" in logged.reply.text


# --- reminders asked for in a sentence ---------------------------------------------------------------------------


def test_a_reminder_is_set_in_one_sentence_and_arrives_on_its_day(script) -> None:
    sent, world = script("reminders.txt")
    rep1, rep2 = to(sent, "rep1"), to(sent, "rep2")
    assert "华为终端" in labels(rep1[0])
    assert "2026-03-12" in rep1[1].reply.text and "15:00" in rep1[1].reply.text and "给华为打电话" in rep1[1].reply.text
    assert "2026-03-13" in rep1[2].reply.text and "收20万" in rep1[2].reply.text
    assert "已撤销" in rep1[3].reply.text
    fired = [s for s in rep1 if "⏰" in s.reply.text]
    assert [s.at.isoformat() for s in fired] == ["2026-03-12T15:00:00+08:00"], "the undone one never fires"
    assert "call Initech" in rep2[0].reply.text and "When should I remind you" in rep2[1].reply.text
    assert "2026-03-16" in rep2[2].reply.text
    arrived = [s for s in rep2 if "⏰" in s.reply.text]
    assert [s.reply.text for s in arrived] == ["⏰ Reminder: call Initech", "⏰ Reminder: send the brochure"]
    kept = rows(world, select(Reminder.customer_id.is_not(None), Reminder.state, Reminder.note).order_by(Reminder.id))
    assert [(c, s) for c, s, _ in kept] == [(True, "sent"), (True, "cancelled"), (True, "sent"), (False, "sent")]
