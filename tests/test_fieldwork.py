"""Field work: a check-in location, photos, documents and voice notes kept with the visit they document."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import select

from salesbot.handlers.messages import Attachment as Sent
from salesbot.handlers.messages import Incoming, Location
from salesbot.store.models import Attachment, AuditEntry, Visit
from tests.conftest import Chat

PHOTO = Sent("photo", "AgACAgUAAxkBAAIB", "AQAD1", None, "image/jpeg", 84_213)
VOICE = Sent("voice", "AwACAgUAAxkBAAIC", "AQAD2", None, "audio/ogg", 9_120, 7)
PDF = Sent("document", "BQACAgUAAxkBAAID", "AQAD3", "报价单.pdf", "application/pdf", 120_000)


def send(chat: Chat, handle: str, text: str = "", **extra: object) -> list[str]:
    incoming = Incoming(platform="console", chat_id=handle, sender_id=handle, text=text, **extra)  # type: ignore[arg-type]
    return [r.text for r in chat.session.world.router.handle(incoming)]


def table(chat: Chat, model: type) -> list[SimpleNamespace]:
    with chat.session.world.uow() as uow:
        rows = uow.session.execute(select(model.__table__).order_by(model.__table__.c.id)).mappings()
        return [SimpleNamespace(**row) for row in rows]


def kept(chat: Chat) -> list[SimpleNamespace]:
    return table(chat, Attachment)


def visits(chat: Chat) -> list[SimpleNamespace]:
    return table(chat, Visit)


def test_a_location_right_after_a_visit_is_its_check_in(chat: Chat) -> None:
    chat.say("rep1", "拜访了比亚迪,明天再联系")
    chat.clock("+10m")
    [said] = send(chat, "rep1", location=Location(22.543096, 114.057865))
    assert "签到" in said and "比亚迪" in said
    [row] = kept(chat)
    [visit] = visits(chat)
    assert (row.kind, row.subject_type, row.subject_id) == ("location", "visit", visit.id)
    assert (row.latitude, row.longitude) == (Decimal("22.543096"), Decimal("114.057865"))


def test_a_location_long_after_the_visit_waits_for_the_next_one(chat: Chat) -> None:
    chat.say("rep1", "拜访了比亚迪,明天再联系")
    chat.clock("+2h")
    [said] = send(chat, "rep1", location=Location(31.2304, 121.4737))
    assert "比亚迪" not in said and "下一次拜访" in said
    assert kept(chat)[0].subject_id is None
    [logged] = [s.reply.text for s in chat.say("rep1", "拜访了阿里,下周一给报价")]
    second = visits(chat)[-1]
    assert "1 个" in logged
    assert kept(chat)[0].subject_id == second.id


def test_a_photo_with_a_visit_caption_logs_the_visit_and_joins_it(chat: Chat) -> None:
    said = send(chat, "rep1", "拜访了阿里巴巴,看了机房,下周三给方案", attachments=(PHOTO,))
    assert "阿里巴巴" in said[0] and "2026-03-18" in said[0]
    assert "照片已加到「阿里巴巴」" in said[-1]
    [row] = kept(chat)
    assert row.subject_id == visits(chat)[0].id
    assert (row.file_id, row.file_unique_id, row.mime, row.size) == (
        PHOTO.file_id,
        "AQAD1",
        "image/jpeg",
        84_213,
    )
    assert row.caption == "拜访了阿里巴巴,看了机房,下周三给方案"


def test_a_photo_sent_while_the_bot_asks_which_customer_goes_with_that_visit(chat: Chat) -> None:
    chat.say("rep1", "拜访了比亚迪,明天再联系")  # an earlier visit, minutes ago
    chat.clock("+5m")
    [question] = chat.say("rep1", "今天见了客户的CTO,明天再联系")
    assert "哪个客户" in question.reply.text
    [said] = send(chat, "rep1", attachments=(PHOTO,))
    assert "比亚迪" not in said, "it does not go to the earlier visit"
    chat.say("rep1", "星辰科技")
    logged = chat.press("rep1", "新建")
    assert any("已附上之前发来的 1 个" in s.reply.text for s in logged)
    assert kept(chat)[0].subject_id == visits(chat)[-1].id


def test_voice_notes_and_documents_without_a_caption_are_kept_with_their_metadata(chat: Chat) -> None:
    chat.say("rep2", "met Initech's CTO, follow up next friday")
    [voice] = send(chat, "rep2", attachments=(VOICE,))
    [doc] = send(chat, "rep2", "", attachments=(PDF,))
    assert "Voice note added to the visit to Initech" in voice and "Document added" in doc
    rows = kept(chat)
    assert [(r.kind, r.duration, r.file_name) for r in rows] == [("voice", 7, None), ("document", None, "报价单.pdf")]


def test_an_unreadable_caption_is_kept_without_a_not_understood(chat: Chat) -> None:
    chat.say("rep2", "met Initech's CTO, follow up next friday")
    said = send(chat, "rep2", "whiteboard", attachments=(PHOTO,))
    assert len(said) == 1 and "Photo added" in said[0]
    assert kept(chat)[0].caption == "whiteboard"


def test_keeping_is_audited_and_a_rep_never_attaches_to_someone_elses_visit(chat: Chat) -> None:
    chat.say("rep1", "拜访了比亚迪,明天再联系")
    [said] = send(chat, "rep2", attachments=(PHOTO,))
    assert "Initech" not in said and "比亚迪" not in said
    assert kept(chat)[0].subject_id is None
    with chat.session.world.uow() as uow:
        actions = uow.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "attachment")).all()
    assert actions == ["create"]


def test_a_sticker_alone_is_not_understood_and_keeps_nothing(chat: Chat) -> None:
    [said] = send(chat, "rep1")
    assert said.startswith("没太明白")
    assert kept(chat) == []
