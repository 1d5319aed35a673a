"""Issue 18, item 9: buttons and edits. A forged or unknown press on a live keyboard changes nothing, its buttons
included; a question answered by typing loses its buttons; a press Telegram sends twice is answered once; and no
edit is one Telegram refuses as "message is not modified" (the fake refuses those as Telegram does)."""

from __future__ import annotations

from sqlalchemy import func, select

from salesbot.store.models import Visit
from tests.fakes.telegram_api import NOT_MODIFIED, FakeBotApi
from tests.telegram.support import feed, link

REP1 = 3001


def _prompt(api: FakeBotApi) -> dict:  # type: ignore[type-arg]
    message = api.last_message(REP1)
    assert message is not None and message.get("reply_markup"), "the bot asked with buttons"
    return message


def _visits(app) -> int:  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Visit)) or 0)


def _refused_edits(api: FakeBotApi) -> list[str]:
    return [
        c.method
        for c in api.calls
        if c.method.startswith("editMessage") and c.response and NOT_MODIFIED in str(c.response.get("description"))
    ]


async def test_a_forged_press_changes_nothing_and_a_real_one_works_once(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    await feed(channel, fake_bot_api.text_update(user_id=REP1, text="今天拜访了阿里"))
    prompt = _prompt(fake_bot_api)
    keyboard = prompt["reply_markup"]
    forged = fake_bot_api.callback_update(user_id=REP1, data="f0rged", message_id=prompt["message_id"])
    await feed(channel, forged)
    assert fake_bot_api.message(REP1, prompt["message_id"])["reply_markup"] == keyboard, "its buttons untouched"
    real_key = keyboard["inline_keyboard"][0][0]["callback_data"]
    press = fake_bot_api.callback_update(user_id=REP1, data=real_key, message_id=prompt["message_id"])
    await feed(channel, press)
    await feed(channel, press)  # Telegram sends the same update again (a webhook retried)
    assert "reply_markup" not in fake_bot_api.message(REP1, prompt["message_id"]), "pressed: the buttons go"
    answers = [c for c in fake_bot_api.calls if c.method == "answerCallbackQuery"]
    assert [c.status for c in answers] == [200, 200], "each press answered once, the retried one not again"
    assert _refused_edits(fake_bot_api) == []


async def test_a_question_answered_by_typing_loses_its_buttons(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    await feed(channel, fake_bot_api.text_update(user_id=REP1, text="今天拜访了阿里"))
    prompt = _prompt(fake_bot_api)
    await feed(channel, fake_bot_api.text_update(user_id=REP1, text="明天"))
    assert "reply_markup" not in fake_bot_api.message(REP1, prompt["message_id"]), "typed: the buttons go"
    assert _visits(app) == 1
    await feed(channel, fake_bot_api.text_update(user_id=REP1, text="我的客户"))  # nothing left to take away
    assert _refused_edits(fake_bot_api) == []
