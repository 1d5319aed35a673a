"""Team groups: linked from inside the chat by an admin or the team's manager; they hear the team's news and
answer only the team's members, and only when addressed."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from salesbot.handlers.messages import Incoming, Reply
from salesbot.store.models import AuditEntry, Group, OutboxMessage
from tests.conftest import Chat

CHAT = "-100777"


def in_group(chat: Chat, handle: str, text: str, *, addressed: bool = True, **extra: object) -> list[str]:
    return [r.text for r in group_replies(chat, handle, text, addressed=addressed, **extra)]


def group_replies(chat: Chat, handle: str, text: str, *, addressed: bool = True, **extra: object) -> list[Reply]:
    """What the bot answers `handle` in the group chat `CHAT`, as sent (files and buttons too)."""
    incoming = Incoming(
        platform="console",
        chat_id=CHAT,
        sender_id=handle,
        text=text,
        chat_type="group",
        chat_title="East sales",
        addressed=addressed,
        **extra,  # type: ignore[arg-type]
    )
    return chat.session.world.router.handle(incoming)


def east(chat: Chat) -> tuple[str | None, str | None]:
    with chat.session.world.uow() as uow:
        group = uow.session.scalar(select(Group).where(Group.handle == "east"))
        return group.platform, group.platform_chat_id


def add_north_rep(chat: Chat) -> None:
    chat.session.world.seed_data(
        {"users": [{"handle": "north1", "name": "North Rep", "role": "rep", "team": "north", "lang": "en"}]}
    )


def test_an_unlinked_group_tells_members_how_to_link_it_and_strangers_nothing(chat: Chat) -> None:
    [hint] = in_group(chat, "rep1", "我的客户")
    assert "/link" in hint and "阿里巴巴" not in hint
    assert in_group(chat, "nobody", "我的客户") == []
    assert in_group(chat, "nobody", "/start") == []


def test_a_rep_cannot_link_a_group_and_the_manager_can(chat: Chat) -> None:
    [refused] = in_group(chat, "rep1", "/link")
    assert "管理员" in refused
    assert east(chat) == ("console", "group:east")
    [linked] = in_group(chat, "mgr1", "/link")
    assert "华东销售群" in linked
    assert east(chat) == ("console", CHAT)
    with chat.session.world.uow() as uow:
        actions = uow.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "group")).all()
    assert actions == ["link"]


def test_a_linked_group_answers_team_members_only_when_addressed(chat: Chat) -> None:
    add_north_rep(chat)
    in_group(chat, "admin", "/link east")
    [mine] = in_group(chat, "rep1", "我的客户")
    assert "阿里巴巴" in mine
    assert in_group(chat, "rep1", "大家中午吃什么", addressed=False) == []
    assert in_group(chat, "north1", "my customers") == [], "another team's rep gets silence"
    assert in_group(chat, "nobody", "my customers") == []
    [admin] = in_group(chat, "admin", "my customers")
    assert admin


def test_a_win_is_announced_in_the_teams_linked_group(chat: Chat) -> None:
    in_group(chat, "mgr1", "/link")
    chat.say("rep1", "比亚迪赢单了")
    with chat.session.world.uow() as uow:
        to_group = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.target_type == "group")).all()
        assert [(m.payload["key"], m.payload["params"]["customer"]) for m in to_group] == [("group.deal_won", "比亚迪")]
    asyncio.run(chat.session.world.dispatcher.drain())
    [notice] = [s for s in chat.sent if s.to == CHAT]
    assert "张伟" in notice.reply.text and "¥450,000.00" in notice.reply.text


def test_unlink_and_the_bot_removed_stop_the_notices(chat: Chat) -> None:
    in_group(chat, "mgr1", "/link")
    [unlinked] = in_group(chat, "mgr1", "/unlink")
    assert "取消关联" in unlinked and east(chat) == (None, None)
    in_group(chat, "mgr1", "/link")
    assert in_group(chat, "mgr1", "", event="left") == []
    assert east(chat) == (None, None)


def test_linking_a_second_chat_says_the_first_one_stops(chat: Chat) -> None:
    in_group(chat, "mgr1", "/link")
    incoming = Incoming(platform="console", chat_id="-100999", sender_id="mgr1", text="/link east", chat_type="group")
    [moved] = [r.text for r in chat.session.world.router.handle(incoming)]
    assert "之前关联的群不再接收通知" in moved
    assert east(chat) == ("console", "-100999")
    assert in_group(chat, "rep1", "我的客户") != [] and "/link" in in_group(chat, "rep1", "我的客户")[0]


def test_a_group_that_changes_its_id_keeps_its_link(chat: Chat) -> None:
    in_group(chat, "mgr1", "/link")
    in_group(chat, "mgr1", "", event="moved", moved_to="-100888")
    assert east(chat) == ("console", "-100888")


def test_being_added_greets_only_when_a_known_user_added_the_bot(chat: Chat) -> None:
    assert in_group(chat, "nobody", "", event="joined") == []
    [hello] = in_group(chat, "mgr1", "", event="joined")
    assert "/link" in hello


def test_link_in_a_private_chat_is_explained(chat: Chat) -> None:
    [said] = chat.say("mgr1", "/link")
    assert "群里" in said.reply.text
