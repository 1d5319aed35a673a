"""Issue 18, item 2: the outbox tells a permanent error from a passing one. A 400 or a 403 parks the message at once
with its reason and that person's next message goes; a 5xx is tried again; a card whose file went out before its
text failed sends only the text the next time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from salesbot.services import delivery, outbox, users
from salesbot.store.models import OutboxMessage
from tests.fakes.telegram_api import FakeBotApi
from tests.telegram.support import link, texts

MGR1 = 2001


def _notify(app, customer: str, **extra) -> None:  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        mgr1 = users.by_handle(uow, "mgr1")
        params = {"customer": customer, "next_step": "", "visited_on": "2026-03-10", **extra}
        outbox.notify_user(uow, mgr1.id, "reminder.follow_up", params)
        uow.commit()


def _states(app) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        rows = uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(r.state, r.last_error) for r in rows]


async def test_a_400_parks_the_message_at_once_and_the_queue_moves_on(bot, fake_bot_api: FakeBotApi) -> None:
    app, _ = bot
    link(app, "mgr1", MGR1)
    _notify(app, "阿里巴巴")
    _notify(app, "比亚迪")
    fake_bot_api.fail_next("sendMessage", status=400, description="Bad Request: can't parse entities")
    await app.dispatcher.run_once()
    [(first, reason), (second, _)] = _states(app)
    assert first == "dead" and "parse entities" in (reason or ""), "parked at once, with its reason"
    assert second == "sent"
    [received] = texts(fake_bot_api, MGR1)
    assert "比亚迪" in received, "the next message was not held behind the refused one"
    with app.uow() as uow:
        assert len(delivery.dead_letters(uow)) == 1


async def test_a_403_parks_and_a_5xx_is_tried_again(bot, fake_bot_api: FakeBotApi) -> None:
    app, _ = bot
    link(app, "mgr1", MGR1)
    _notify(app, "阿里巴巴")
    fake_bot_api.fail_next("sendMessage", status=502, description="Bad Gateway")
    await app.dispatcher.run_once()
    assert _states(app)[0][0] == "pending" and texts(fake_bot_api, MGR1) == []
    app.clock.advance(timedelta(seconds=10))
    await app.dispatcher.run_once()
    assert _states(app)[0][0] == "sent"
    _notify(app, "比亚迪")
    fake_bot_api.fail_next("sendMessage", status=403)
    await app.dispatcher.run_once()
    assert _states(app)[1][0] == "dead"


async def test_a_card_whose_text_failed_after_its_file_does_not_send_the_file_twice(
    bot, fake_bot_api: FakeBotApi
) -> None:
    app, _ = bot
    link(app, "mgr1", MGR1)
    fake_bot_api.register_file("CONTRACT-PDF", b"%PDF-1.4 contract", file_name="合同.pdf", mime_type="application/pdf")
    files = [{"platform": "telegram", "kind": "document", "file_id": "CONTRACT-PDF", "name": "合同.pdf"}]
    _notify(app, "阿里巴巴", files=files)
    fake_bot_api.fail_next("sendMessage", status=500, description="Internal Server Error")
    await app.dispatcher.run_once()
    assert len([c for c in fake_bot_api.calls if c.method == "sendDocument" and c.status == 200]) == 1
    assert _states(app)[0][0] == "pending"
    app.clock.advance(timedelta(seconds=10))
    await app.dispatcher.run_once()
    assert _states(app)[0][0] == "sent"
    assert len([c for c in fake_bot_api.calls if c.method == "sendDocument"]) == 1, "the file went once"
    [text] = texts(fake_bot_api, MGR1)
    assert "阿里巴巴" in text
