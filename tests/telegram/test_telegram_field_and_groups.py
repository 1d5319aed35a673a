"""Telegram end to end, field work and team groups: what the real PTB makes of photos, locations, voice
notes, mentions, replies and membership changes, through the fake Bot API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from salesbot.store.models import Attachment, Group, Visit
from tests.fakes.telegram_api import FakeBotApi
from tests.telegram.support import feed, link, texts

REP1, REP2, MGR1, STRANGER = 1001, 3001, 2001, 9999
GROUP = -1001234567


async def test_a_photo_with_a_caption_logs_the_visit_and_a_location_checks_in(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    await feed(channel, fake_bot_api.photo_update(user_id=REP1, file_id="AgAC-site", caption="拜访了阿里,明天再联系"))
    logged, photo = texts(fake_bot_api, REP1)
    assert "阿里巴巴" in logged and "2026-03-12" in logged
    assert "照片已加到「阿里巴巴」" in photo
    app.clock.advance(timedelta(minutes=3))  # type: ignore[attr-defined]
    await feed(channel, fake_bot_api.location_update(user_id=REP1, latitude=30.274085, longitude=120.15507))
    assert "签到" in texts(fake_bot_api, REP1)[-1]
    with app.uow() as uow:
        visit_id = uow.session.scalar(select(Visit.id))
        kept = uow.session.execute(
            select(Attachment.kind, Attachment.file_id, Attachment.latitude, Attachment.subject_id).order_by(
                Attachment.id
            )
        ).all()
    assert kept == [
        ("photo", "AgAC-site", None, visit_id),
        ("location", None, Decimal("30.274085"), visit_id),
    ]


async def test_a_voice_note_and_a_document_before_the_visit_join_it(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep2", REP2)
    await feed(channel, fake_bot_api.voice_update(user_id=REP2, file_id="AwAC-voice", duration=12))
    await feed(channel, fake_bot_api.document_update(user_id=REP2, file_id="BQAC-doc", file_name="brief.pdf"))
    assert all("kept" in t for t in texts(fake_bot_api, REP2))
    await feed(channel, fake_bot_api.text_update(user_id=REP2, text="met Initech's CTO, follow up next friday"))
    assert "Attached the 2" in texts(fake_bot_api, REP2)[-1]
    with app.uow() as uow:
        kept = uow.session.execute(
            select(Attachment.kind, Attachment.duration, Attachment.file_name, Attachment.mime).order_by(Attachment.id)
        ).all()
        assert uow.session.scalar(select(Attachment.subject_id).where(Attachment.kind == "voice")) is not None
    assert kept == [("voice", 12, None, "audio/ogg"), ("document", None, "brief.pdf", "application/pdf")]


async def test_a_manager_links_the_group_and_the_team_hears_a_win(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    link(app, "mgr1", MGR1)
    await feed(channel, fake_bot_api.my_chat_member_update(GROUP, "华东销售", user_id=MGR1))
    assert "/link" in texts(fake_bot_api, GROUP)[-1]
    await feed(channel, fake_bot_api.group_update(user_id=REP1, chat_id=GROUP, text="/link@salesbot_test_bot"))
    assert "管理员" in texts(fake_bot_api, GROUP)[-1], "a rep may not link"
    await feed(channel, fake_bot_api.group_update(user_id=MGR1, chat_id=GROUP, text="/link"))
    assert "华东销售群" in texts(fake_bot_api, GROUP)[-1]
    with app.uow() as uow:
        assert uow.session.scalar(select(Group.platform_chat_id).where(Group.handle == "east")) == str(GROUP)

    await feed(channel, fake_bot_api.text_update(user_id=REP1, text="比亚迪赢单了"))
    assert app.dispatcher is not None
    await app.dispatcher.run_once()
    won = [t for t in texts(fake_bot_api, GROUP) if "赢下" in t]
    assert won == ["🎉 张伟 赢下了「比亚迪」!金额 ¥450,000.00。"]


async def test_in_a_group_the_bot_answers_members_who_address_it_and_nobody_else(bot, fake_bot_api: FakeBotApi) -> None:
    app, channel = bot
    link(app, "rep1", REP1)
    link(app, "mgr1", MGR1)
    await feed(channel, fake_bot_api.group_update(user_id=MGR1, chat_id=GROUP, text="/link"))
    before = len(texts(fake_bot_api, GROUP))

    await feed(channel, fake_bot_api.group_update(user_id=REP1, chat_id=GROUP, text="今天拜访了阿里,大家加油"))
    await feed(channel, fake_bot_api.group_update(user_id=STRANGER, chat_id=GROUP, text="@salesbot_test_bot 我的客户"))
    await feed(channel, fake_bot_api.group_update(user_id=STRANGER, chat_id=GROUP, text="/customers"))
    await feed(channel, fake_bot_api.group_update(user_id=REP1, chat_id=GROUP, text="/customers@other_bot"))
    assert len(texts(fake_bot_api, GROUP)) == before, "chatter, strangers and other bots' commands get silence"

    await feed(channel, fake_bot_api.group_update(user_id=REP1, chat_id=GROUP, text="@salesbot_test_bot 我的客户"))
    mine = texts(fake_bot_api, GROUP)[-1]
    assert "阿里巴巴" in mine
    reply_to = fake_bot_api.last_message(GROUP)["message_id"]
    await feed(channel, fake_bot_api.group_update(user_id=REP1, chat_id=GROUP, text="我的商机", reply_to=reply_to))
    assert "比亚迪" in texts(fake_bot_api, GROUP)[-1], "a reply to the bot is addressed to it"


async def test_a_group_upgraded_to_a_supergroup_keeps_its_link_and_removal_ends_it(
    bot, fake_bot_api: FakeBotApi
) -> None:
    app, channel = bot
    link(app, "mgr1", MGR1)
    basic = -4455
    await feed(channel, fake_bot_api.group_update(user_id=MGR1, chat_id=basic, text="/link"))
    await feed(channel, fake_bot_api.migrate_update(chat_id=basic, to_chat_id=GROUP))

    def east() -> str | None:
        with app.uow() as uow:
            return uow.session.scalar(select(Group.platform_chat_id).where(Group.handle == "east"))

    assert east() == str(GROUP)
    await feed(
        channel,
        fake_bot_api.my_chat_member_update(GROUP, user_id=MGR1, old_status="member", new_status="kicked"),
    )
    assert east() is None


async def test_group_commands_are_registered(bot, fake_bot_api: FakeBotApi) -> None:
    zh = {c["command"] for c in fake_bot_api.my_commands("zh", {"type": "all_group_chats"})}
    assert zh == {"link", "unlink", "help"}
