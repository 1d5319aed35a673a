"""Telegram end to end, approvals: the manager's card is an inline keyboard; pressing it decides once, and the
card is edited to its outcome so nobody presses it again."""

from __future__ import annotations

from sqlalchemy import select

from salesbot.store.models import Contract
from tests.fakes.telegram_api import FakeBotApi
from tests.telegram.support import feed, link, texts

REP1, MGR1 = 1001, 2001


async def test_a_manager_approves_from_the_card_and_the_card_shows_the_outcome(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    link(app, "mgr1", MGR1)
    await feed(
        channel, fake_bot_api.document_update(user_id=REP1, file_id="BQAC-pdf", caption="提交比亚迪合同 9万,分三期")
    )
    assert "李娜" in texts(fake_bot_api, REP1)[-1]
    assert app.dispatcher is not None
    await app.dispatcher.run_once()
    [document] = fake_bot_api.sent("sendDocument", chat_id=MGR1)
    assert document["document"] == "BQAC-pdf", "the rep's PDF goes to the approver by its file id"
    card = fake_bot_api.last_message(MGR1)
    assert "¥90,000.00" in card["text"] and "分3期" in card["text"]
    buttons = {b["text"]: b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row}

    # A rep who got hold of the button id presses it from their own chat: refused, nothing changes.
    await feed(channel, fake_bot_api.callback_update(user_id=REP1, data=buttons["✅ 批准"], message_id=1, chat_id=REP1))
    assert "不是给你的" in texts(fake_bot_api, REP1)[-1]

    await feed(
        channel, fake_bot_api.callback_update(user_id=MGR1, data=buttons["✅ 批准"], message_id=card["message_id"])
    )
    assert "生效" in texts(fake_bot_api, MGR1)[-1]
    await app.dispatcher.run_once()
    edited = fake_bot_api.message(MGR1, card["message_id"])
    assert "已批准" in edited["text"] and "reply_markup" not in edited
    assert "回款计划" in texts(fake_bot_api, REP1)[-1]

    await feed(
        channel, fake_bot_api.callback_update(user_id=MGR1, data=buttons["❌ 驳回"], message_id=card["message_id"])
    )
    assert "过期" in texts(fake_bot_api, MGR1)[-1], "a press on the decided card changes nothing"
    with app.uow() as uow:
        assert uow.session.scalar(select(Contract.status)) == "active"
