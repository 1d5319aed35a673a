"""Team group chats: which chat is which team's group, and who the bot answers there.

A group chat is linked to a team by an admin or that team's manager from inside the chat, so nobody
has to find a numeric chat id. Digests and team notices go to linked groups; in a group the bot answers
only the team's own members (and admins), so a guest in the chat learns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from salesbot.services import audit
from salesbot.services.errors import NotAllowed, NotFound
from salesbot.services.permissions import Scope
from salesbot.services.uow import UnitOfWork
from salesbot.services.users import Actor
from salesbot.store.models import Group, Team


@dataclass(frozen=True)
class GroupChat:
    id: int
    handle: str
    name: str
    team_id: int | None
    lang: str


@dataclass(frozen=True)
class Linked:
    group: GroupChat
    team: str
    moved_from_other_chat: bool


def for_chat(uow: UnitOfWork, platform: str, chat_id: str) -> GroupChat | None:
    group = uow.session.scalar(select(Group).where(Group.platform == platform, Group.platform_chat_id == chat_id))
    return _view(group) if group is not None else None


def may_answer(actor: Actor, group: GroupChat | None) -> bool:
    """In a group, only the team's members and admins are answered; an unlinked group answers nobody."""
    if group is None or not actor.active:
        return False
    return actor.is_admin or (actor.team_id is not None and actor.team_id == group.team_id)


def scope_for(uow: UnitOfWork, actor: Actor, *, platform: str, chat_id: str, chat_type: str) -> Scope:
    """How far an answer to this actor in this chat may reach: their own reach in a private chat; in a group, at
    most the group's own team, whoever asks."""
    if chat_type != "group":
        return Scope.private(actor)
    group = for_chat(uow, platform, chat_id)
    return Scope.in_group(actor, group.team_id if group is not None else None)


def link(uow: UnitOfWork, actor: Actor, *, name: str | None, platform: str, chat_id: str, title: str) -> Linked:
    """Make this chat the group named `name` (a group handle or a team key; the actor's team if None)."""
    group = _group_for(uow, actor, name, title)
    if not (actor.is_admin or (actor.role == "manager" and actor.team_id == group.team_id)):
        raise NotAllowed("admin_only")
    # A chat is one team's group: whatever this chat was before, it is not any more.
    for other in uow.session.scalars(
        select(Group).where(Group.platform == platform, Group.platform_chat_id == chat_id, Group.id != group.id)
    ):
        _set_chat(uow, actor, other, None, None, action="unlink")
    # Only another chat on the same platform was really replaced (the console stand-in from the seed was not).
    moved = group.platform == platform and group.platform_chat_id not in (None, chat_id)
    _set_chat(uow, actor, group, platform, chat_id, action="link")
    team = uow.session.get_one(Team, group.team_id) if group.team_id else None
    return Linked(_view(group), team.name if team else "", moved)


def unlink(uow: UnitOfWork, actor: Actor, *, platform: str, chat_id: str) -> GroupChat:
    group = uow.session.scalar(select(Group).where(Group.platform == platform, Group.platform_chat_id == chat_id))
    if group is None:
        raise NotFound("group_not_linked")
    if not (actor.is_admin or (actor.role == "manager" and actor.team_id == group.team_id)):
        raise NotAllowed("admin_only")
    _set_chat(uow, actor, group, None, None, action="unlink")
    return _view(group)


def chat_gone(uow: UnitOfWork, *, platform: str, chat_id: str) -> None:
    """The bot was removed from the chat: stop sending there (the platform would refuse anyway)."""
    for group in uow.session.scalars(
        select(Group).where(Group.platform == platform, Group.platform_chat_id == chat_id)
    ):
        _set_chat(uow, None, group, None, None, action="chat_gone")


def chat_moved(uow: UnitOfWork, *, platform: str, chat_id: str, new_chat_id: str) -> None:
    """A Telegram group upgraded to a supergroup gets a new id; the link follows it."""
    for group in uow.session.scalars(
        select(Group).where(Group.platform == platform, Group.platform_chat_id == chat_id)
    ):
        _set_chat(uow, None, group, platform, new_chat_id, action="chat_moved")


def linked_to_team(uow: UnitOfWork, team_id: int) -> list[GroupChat]:
    rows = uow.session.scalars(
        select(Group).where(Group.team_id == team_id, Group.platform_chat_id.is_not(None)).order_by(Group.id)
    )
    return [_view(g) for g in rows]


def _group_for(uow: UnitOfWork, actor: Actor, name: str | None, title: str) -> Group:
    name = (name or "").strip()
    group = uow.session.scalar(select(Group).where(Group.handle == name)) if name else None
    if group is not None:
        return group
    team = (
        uow.session.scalar(select(Team).where(Team.key == name))
        if name
        else (uow.session.get(Team, actor.team_id) if actor.team_id else None)
    )
    if team is None:
        raise NotFound("group_not_found", name=name or "-")
    group = uow.session.scalar(select(Group).where(Group.team_id == team.id).order_by(Group.id).limit(1))
    if group is None:
        # A team without a seeded group gets one named after it.
        name = " ".join((title or "").split())[:200] or team.name  # the chat's title, as long as the column holds
        group = Group(handle=team.key, name=name, team_id=team.id, lang=actor.lang)
        uow.session.add(group)
        uow.session.flush()
        audit.record(
            uow,
            actor_id=actor.id,
            entity="group",
            entity_id=group.id,
            action="create",
            before=None,
            after=audit.snapshot(group),
        )
    return group


def _set_chat(
    uow: UnitOfWork, actor: Actor | None, group: Group, platform: str | None, chat_id: str | None, *, action: str
) -> None:
    before = audit.snapshot(group)
    group.platform, group.platform_chat_id = platform, chat_id
    uow.session.flush()  # the unique (platform, chat id) must be free before the next group takes it
    audit.record(
        uow,
        actor_id=actor.id if actor else None,
        entity="group",
        entity_id=group.id,
        action=action,
        before=before,
        after=audit.snapshot(group),
    )


def _view(group: Group) -> GroupChat:
    return GroupChat(group.id, group.handle, group.name, group.team_id, group.lang)
