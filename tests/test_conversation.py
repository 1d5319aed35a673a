"""The conversation as a rep sees it: questions with buttons, answers typed or pressed, refusals, languages."""

from __future__ import annotations

from sqlalchemy import func, select

from salesbot.handlers.messages import Incoming
from salesbot.store.models import ConversationState, Customer, Reminder, Visit
from tests.conftest import Chat


def labels(sent) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.label for row in sent.reply.buttons for b in row]


def rows(chat: Chat, model: type) -> int:
    with chat.session.world.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_visit_without_a_date_offers_follow_up_buttons(chat: Chat) -> None:
    [logged, question] = chat.say("rep1", "今天拜访了比亚迪,聊了二期需求")
    assert "比亚迪" in logged.reply.text and "2026-03-11" in logged.reply.text
    assert labels(question) == ["明天", "下周", "另选日期", "不用跟进"]
    [done] = chat.press("rep1", "明天")
    assert "2026-03-12" in done.reply.text
    with chat.session.world.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Reminder)) == 1


def test_another_day_is_typed_and_a_past_day_is_refused(chat: Chat) -> None:
    chat.say("rep1", "拜访了比亚迪")
    [ask] = chat.press("rep1", "另选日期")
    assert "哪一天" in ask.reply.text
    [refused] = chat.say("rep1", "3月2日")
    assert "2027-03-02" in refused.reply.text or "过去" in refused.reply.text
    chat.say("rep1", "/cancel")
    chat.say("rep1", "拜访了比亚迪")
    chat.press("rep1", "另选日期")
    [done] = chat.say("rep1", "下周五")
    assert "2026-03-20" in done.reply.text


def test_a_past_date_in_the_sentence_keeps_the_visit_and_asks_again(chat: Chat) -> None:
    replies = chat.say("rep1", "拜访了阿里,昨天已经给了方案")
    assert rows(chat, Visit) == 1
    assert any("明天" in labels(s) for s in replies)


def test_an_unreadable_answer_repeats_the_question_with_the_same_buttons(chat: Chat) -> None:
    [question] = chat.say("rep1", "推进比亚迪的商机")
    [again] = chat.say("rep1", "嗯嗯")
    assert labels(again) == labels(question) and "没看懂" in again.reply.text
    [moved] = chat.press("rep1", "商务谈判")
    assert "方案 → 商务谈判" in moved.reply.text


def test_a_new_request_while_asked_starts_over(chat: Chat) -> None:
    chat.say("rep1", "今天拜访了华为")
    [moved] = chat.say("rep1", "BYD moved to negotiation")
    assert "比亚迪" in moved.reply.text and "商务谈判" in moved.reply.text


def test_unknown_customer_can_be_created_from_a_button(chat: Chat) -> None:
    [question] = chat.say("rep2", "met the CFO today, follow up next friday")
    assert "Which customer" in question.reply.text
    [offer] = chat.say("rep2", "Globex")
    assert "Globex" in offer.reply.text
    replies = chat.press("rep2", "Create")
    assert any("Globex" in s.reply.text and "owned by you" in s.reply.text for s in replies)
    assert any("2026-03-20" in s.reply.text for s in replies)
    with chat.session.world.uow() as uow:
        assert uow.session.scalar(select(Customer.owner_id).where(Customer.name == "Globex")) is not None


def test_an_old_button_is_refused_and_changes_nothing(chat: Chat) -> None:
    chat.say("rep1", "今天拜访了华为")
    chat.press("rep1", "华为技术")
    old = chat.sent[0].reply.buttons[0][0]  # the 华为技术 button, already used
    world = chat.session.world
    [stale] = world.router.handle(Incoming(platform="console", chat_id="rep1", sender_id="rep1", button=old.key))
    assert "过期" in stale.text
    assert rows(chat, Visit) == 1


def test_a_button_pressed_by_someone_else_is_refused(chat: Chat) -> None:
    chat.say("rep1", "今天拜访了华为")
    key = chat.sent[-1].reply.buttons[0][0].key
    world = chat.session.world
    [reply] = world.router.handle(Incoming(platform="console", chat_id="rep2", sender_id="rep2", button=key))
    assert "expired" in reply.text
    assert rows(chat, Visit) == 0


def test_cancel_drops_the_form(chat: Chat) -> None:
    chat.say("rep1", "今天拜访了华为")
    [cancelled] = chat.say("rep1", "/cancel")
    assert "取消" in cancelled.reply.text
    [nothing] = chat.say("rep1", "/cancel")
    assert "没有进行中" in nothing.reply.text
    assert rows(chat, Visit) == 0
    with chat.session.world.uow() as uow:
        assert uow.session.scalar(select(ConversationState.form)) is None


def test_help_and_replies_in_the_users_language(chat: Chat) -> None:
    [zh] = chat.say("rep1", "/help")
    [en] = chat.say("rep2", "/help")
    assert "拜访" in zh.reply.text and "visit" in en.reply.text.lower()
    [switched] = chat.say("rep1", "/lang en")
    assert "English" in switched.reply.text
    [help_en] = chat.say("rep1", "help")
    assert "Log a visit" in help_en.reply.text


def test_my_customers_and_deals(chat: Chat) -> None:
    [mine] = chat.say("rep2", "my customers")
    assert "Initech" in mine.reply.text and "京东" in mine.reply.text and "比亚迪" not in mine.reply.text
    [deals] = chat.say("rep1", "/deals")
    assert "比亚迪" in deals.reply.text and "方案" in deals.reply.text


def test_a_stranger_gets_one_polite_line_and_nothing_else(chat: Chat) -> None:
    world = chat.session.world
    replies = world.router.handle(Incoming(platform="console", chat_id="x", sender_id="nobody", text="我的客户"))
    assert len(replies) == 1 and not replies[0].buttons
    assert "阿里巴巴" not in replies[0].text and "don't know you" in replies[0].text


def test_a_user_who_left_is_refused(chat: Chat) -> None:
    chat.say("admin", "/handover rep1 rep3")
    from salesbot.services import users

    with chat.session.world.uow() as uow:
        users.mark_left(uow, users.by_handle(uow, "admin"), handle="rep1")
        uow.commit()
    [refused] = chat.say("rep1", "我的客户")
    assert "停用" in refused.reply.text


def test_a_replayed_update_is_handled_once(chat: Chat) -> None:
    world = chat.session.world
    msg = Incoming(
        platform="console", chat_id="rep1", sender_id="rep1", text="拜访了比亚迪,明天再联系", update_id="777"
    )
    first = world.router.handle(msg)
    again = world.router.handle(msg)
    assert first and again == []
    assert rows(chat, Visit) == 1


def test_handover_in_chat_is_for_admins(chat: Chat) -> None:
    [refused] = chat.say("rep2", "/handover rep1 rep2")
    assert "admin" in refused.reply.text.lower()
    [done] = chat.say("admin", "/handover rep1 rep3")
    assert "rep3" in done.reply.text


def test_a_unique_key_clash_at_commit_is_a_conflict_and_the_router_runs_the_message_again(chat: Chat) -> None:
    """Regression guard: two first messages of one conversation both insert its form row; the loser retries."""
    import pytest

    from salesbot.services.errors import Conflict
    from salesbot.store.models import ConversationState

    world = chat.session.world
    with world.uow() as uow:
        now = uow.now()
        for _ in range(2):
            uow.session.add(ConversationState(user_id=1, chat_key="console:x", form={}, updated_at=now))
        with pytest.raises(Conflict):
            uow.commit()

    router = world.router
    real = router._handle
    attempts: list[Incoming] = []

    def clash_once(incoming: Incoming):  # type: ignore[no-untyped-def]
        attempts.append(incoming)
        if len(attempts) == 1:
            raise Conflict("conversation_states unique")
        return real(incoming)

    router._handle = clash_once  # type: ignore[method-assign]
    replies = router.handle(Incoming(platform="console", chat_id="rep2", sender_id="rep2", text="my customers"))
    assert len(attempts) == 2 and "Initech" in replies[0].text


def test_an_invite_links_an_account_once(chat: Chat) -> None:
    from salesbot.services import invites, users

    world = chat.session.world
    with world.uow() as uow:
        code = invites.create(uow, users.by_handle(uow, "admin"), handle="rep2")
        uow.commit()

    def send(sender: str, text: str) -> list[str]:
        return [
            r.text
            for r in world.router.handle(Incoming(platform="telegram", chat_id=sender, sender_id=sender, text=text))
        ]

    [welcome] = send("555", f"/start {code}")
    assert "Welcome, Tom Lee" in welcome
    [mine] = send("555", "my customers")
    assert "Initech" in mine
    [stranger] = send("666", f"/start {code}")  # used: a second account gets nothing
    assert "don't know you" in stranger and "Initech" not in stranger
    [guess] = send("777", "/start not-a-real-code")
    assert guess == stranger, "a wrong code and a used code look the same"


def test_an_invite_for_someone_who_left_links_nothing(chat: Chat) -> None:
    from salesbot.services import invites, users

    world = chat.session.world
    with world.uow() as uow:
        admin = users.by_handle(uow, "admin")
        code = invites.create(uow, admin, handle="rep2")
        users.mark_left(uow, admin, handle="rep2")
        uow.commit()
    [reply] = world.router.handle(Incoming(platform="telegram", chat_id="9", sender_id="9", text=f"/start {code}"))
    assert "don't know you" in reply.text
