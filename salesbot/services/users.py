"""Who is talking: platform identities to users, and what a user may do."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, select, update

from salesbot.services import audit
from salesbot.services.errors import Invalid, NotAllowed, NotFound
from salesbot.services.uow import UnitOfWork
from salesbot.store.inserts import insert_for
from salesbot.store.models import ActivityDay, ChatIdentity, Customer, Deal, Reminder, Team, User


@dataclass(frozen=True)
class Actor:
    id: int
    handle: str
    name: str
    role: str
    team_id: int | None
    lang: str
    timezone: str
    currency: str
    active: bool
    team_key: str | None = None  # the team's working-day calendar is chosen by it ([team] working_days_by_team)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def actor_of(uow: UnitOfWork, user: User) -> Actor:
    team = user.team
    return Actor(
        id=user.id,
        handle=user.handle,
        name=user.name,
        role=user.role,
        team_id=user.team_id,
        lang=user.lang,
        timezone=team.timezone if team else uow.settings.timezone,
        currency=team.currency if team else uow.settings.currency,
        active=user.active,
        team_key=team.key if team else None,
    )


_IDENTITIES = ChatIdentity.__table__
_USERS = User.__table__
_TEAMS = Team.__table__
# Who is talking, in one statement (identity, user and team), built once so SQLAlchemy compiles it once.
_IDENTIFY = (
    select(
        _IDENTITIES.c.id.label("identity_id"),
        _IDENTITIES.c.last_seen_at,
        _IDENTITIES.c.active_on,
        _IDENTITIES.c.active_messages,
        _USERS.c.id,
        _USERS.c.handle,
        _USERS.c.name,
        _USERS.c.role,
        _USERS.c.team_id,
        _USERS.c.lang,
        _USERS.c.active,
        _TEAMS.c.timezone,
        _TEAMS.c.currency,
        _TEAMS.c.key.label("team_key"),
    )
    .select_from(_IDENTITIES.join(_USERS, _USERS.c.id == _IDENTITIES.c.user_id).outerjoin(_TEAMS))
    .where(
        _IDENTITIES.c.platform == bindparam("platform"),
        _IDENTITIES.c.platform_user_id == bindparam("user"),
        _IDENTITIES.c.unlinked_at.is_(None),
    )
)
# Seen now, and one more message on the account's local day (a new day starts again at one).
_SEEN = (
    update(_IDENTITIES)
    .where(_IDENTITIES.c.id == bindparam("identity_id"))
    .values(
        last_seen_at=bindparam("now"),
        active_messages=case(
            (_IDENTITIES.c.active_on == bindparam("today"), _IDENTITIES.c.active_messages + 1), else_=1
        ),
        active_on=bindparam("today"),
    )
)
_DAYS = ActivityDay.__table__


def identify(uow: UnitOfWork, platform: str, platform_user_id: str) -> Actor | None:
    """The user behind a platform account, or None for a stranger. Notes when the account was last seen."""
    connection = uow.session.connection()
    row = connection.execute(_IDENTIFY, {"platform": platform, "user": platform_user_id}).first()
    if row is None:
        return None
    now = uow.now()
    tz = row.timezone if row.timezone is not None else uow.settings.timezone
    if row.last_seen_at != now:
        today = now.astimezone(ZoneInfo(tz)).date()
        if row.active_on is not None and row.active_on != today and row.active_messages:
            # The first message of a new day: the last active day is kept (once a day, not once a message).
            connection.execute(
                insert_for(uow.dialect)(_DAYS)
                .values(identity_id=row.identity_id, user_id=row.id, on=row.active_on, messages=row.active_messages)
                .on_conflict_do_nothing()
            )
        connection.execute(_SEEN, {"identity_id": row.identity_id, "now": now, "today": today})
    return Actor(
        id=row.id,
        handle=row.handle,
        name=row.name,
        role=row.role,
        team_id=row.team_id,
        lang=row.lang,
        timezone=tz,
        currency=row.currency if row.currency is not None else uow.settings.currency,
        active=row.active,
        team_key=row.team_key,
    )


def by_handle(uow: UnitOfWork, handle: str) -> Actor:
    user = uow.session.scalar(select(User).where(User.handle == handle))
    if user is None:
        raise NotFound("user_not_found", handle=handle)
    return actor_of(uow, user)


def link_account(uow: UnitOfWork, actor: Actor, *, handle: str, platform: str, platform_user_id: str) -> dict[str, str]:
    """An admin ties a platform account (a WeCom user id, a Telegram user id) to a user, without an invite."""
    if not actor.is_admin:
        raise NotAllowed("admin_only")
    user = _user(uow, handle)
    if not user.active:
        raise Invalid("user_left_target", handle=handle)
    link_identity(uow, user_id=user.id, platform=platform, platform_user_id=platform_user_id, actor_id=actor.id)
    return {"user": handle, "platform": platform, "account": platform_user_id}


def link_identity(
    uow: UnitOfWork, *, user_id: int, platform: str, platform_user_id: str, actor_id: int | None = None
) -> None:
    existing = uow.session.scalar(
        select(ChatIdentity).where(ChatIdentity.platform == platform, ChatIdentity.platform_user_id == platform_user_id)
    )
    before = None
    if existing is not None and existing.unlinked_at is None:
        if existing.user_id != user_id:
            raise Invalid("identity_taken", platform=platform, platform_user_id=platform_user_id)
        return
    if existing is not None:  # unlinked before, linked again (to its user or another): the same row
        before = audit.snapshot(existing)
        existing.user_id, existing.unlinked_at = user_id, None
        row = existing
    else:
        row = ChatIdentity(platform=platform, platform_user_id=platform_user_id, user_id=user_id, created_at=uow.now())
        uow.session.add(row)
    uow.session.flush()
    audit.record(
        uow,
        actor_id=actor_id or None,
        entity="chat_identity",
        entity_id=row.id,
        action="link",
        before=before,
        after=audit.snapshot(row),
    )


def unlink_others(uow: UnitOfWork, *, user_id: int, platform: str, keep: str, actor_id: int | None = None) -> int:
    """Unlink the user's other accounts on `platform` (kept, audited): an invite redeemed on a new phone ends the
    old account's access. Returns how many."""
    rows = uow.session.scalars(
        select(ChatIdentity).where(
            ChatIdentity.user_id == user_id,
            ChatIdentity.platform == platform,
            ChatIdentity.platform_user_id != keep,
            ChatIdentity.unlinked_at.is_(None),
        )
    ).all()
    for row in rows:
        before = audit.snapshot(row)
        row.unlinked_at = uow.now()
        uow.session.flush()
        audit.record(
            uow,
            actor_id=actor_id,
            entity="chat_identity",
            entity_id=row.id,
            action="unlink",
            before=before,
            after=audit.snapshot(row),
        )
    return len(rows)


def linked_accounts(uow: UnitOfWork, *, user_id: int) -> list[tuple[str, str]]:
    """The user's accounts still linked, as (platform, account id)."""
    rows = uow.session.execute(
        select(ChatIdentity.platform, ChatIdentity.platform_user_id).where(
            ChatIdentity.user_id == user_id, ChatIdentity.unlinked_at.is_(None), ChatIdentity.platform != "console"
        )
    )
    return [(platform, account) for platform, account in rows]


def hand_over(uow: UnitOfWork, actor: Actor, *, from_handle: str, to_handle: str) -> dict[str, int]:
    """Give one user's customers, open deals and pending reminders to another. A manager hands over only between
    reps and managers of their own team (the one taking over active); anything else, only an admin."""
    source = _user(uow, from_handle)
    target = _user(uow, to_handle)
    _require_can_hand_over(actor, source, target)
    if not target.active:
        raise Invalid("user_left_target", handle=target.handle)
    if source.id == target.id:
        raise Invalid("same_user", handle=source.handle)
    moved = {"customers": 0, "deals": 0, "reminders": 0}
    deals = select(Deal).where(Deal.owner_id == source.id, Deal.stage.notin_(("won", "lost")), Deal.archived.is_(False))
    reminders = select(Reminder).where(Reminder.user_id == source.id, Reminder.state == "pending")
    # A reminder changes hands with what it is about ("reassign", as when an approval step moves), the accounts are
    # handed over; each is audited with who did it.
    for key, query, column, action in (
        ("customers", select(Customer).where(Customer.owner_id == source.id), "owner_id", "hand_over"),
        ("deals", deals, "owner_id", "hand_over"),
        ("reminders", reminders, "user_id", "reassign"),
    ):
        for row in uow.session.scalars(query):
            before = audit.snapshot(row)
            setattr(row, column, target.id)
            audit.record(
                uow,
                actor_id=actor.id,
                entity=type(row).__tablename__.rstrip("s"),
                entity_id=row.id,
                action=action,
                before=before,
                after=audit.snapshot(row),
            )
            moved[key] += 1
    uow.session.flush()
    return moved


def mark_left(uow: UnitOfWork, actor: Actor, *, handle: str, hand_to: str | None = None) -> dict[str, int]:
    """A rep who leaves keeps nothing: their access ends now and, if named, a colleague takes their accounts."""
    user = _user(uow, handle)
    _require_can_manage(actor, user)
    moved = hand_over(uow, actor, from_handle=handle, to_handle=hand_to) if hand_to else {}
    before = audit.snapshot(user)
    user.active = False
    user.left_at = uow.now()
    audit.record(
        uow,
        actor_id=actor.id,
        entity="user",
        entity_id=user.id,
        action="left",
        before=before,
        after=audit.snapshot(user),
    )
    return moved


def _user(uow: UnitOfWork, handle: str) -> User:
    user = uow.session.scalar(select(User).where(User.handle == handle))
    if user is None:
        raise NotFound("user_not_found", handle=handle)
    return user


def _require_can_manage(actor: Actor, user: User) -> None:
    if actor.is_admin:
        return
    if actor.role == "manager" and actor.team_id is not None and user.team_id == actor.team_id:
        return
    raise NotAllowed("admin_only")


def _require_can_hand_over(actor: Actor, source: User, target: User) -> None:
    """An admin moves accounts anywhere. A manager, only within their own team and only between reps and managers:
    not across teams, and not to or from finance or an admin, whose accounts are the company's to move."""
    if actor.is_admin and actor.active:
        return
    if actor.role != "manager" or not actor.active or actor.team_id is None:
        raise NotAllowed("admin_only")
    for user in (source, target):
        if user.team_id != actor.team_id or user.role not in ("rep", "manager"):
            raise NotAllowed("handover_outside_team", handle=user.handle)


def set_language(uow: UnitOfWork, actor: Actor, *, lang: str) -> None:
    user = uow.session.get_one(User, actor.id)
    before = audit.snapshot(user)
    user.lang = lang
    audit.record(
        uow,
        actor_id=actor.id,
        entity="user",
        entity_id=user.id,
        action="language",
        before=before,
        after=audit.snapshot(user),
    )


def listing(uow: UnitOfWork, actor: Actor) -> list[dict[str, object]]:
    """Who is who, for an admin (the operator at the command line): handle, name, role, team, language, the chat
    accounts linked, and whether they have left. Oldest first."""
    if not actor.is_admin:
        raise NotAllowed("admin_only")
    accounts: dict[int, list[str]] = {}
    for platform, account, user_id in uow.session.execute(
        select(ChatIdentity.platform, ChatIdentity.platform_user_id, ChatIdentity.user_id).order_by(ChatIdentity.id)
    ):
        accounts.setdefault(user_id, []).append(f"{platform}:{account}")
    return [
        {
            "handle": user.handle,
            "name": user.name,
            "role": user.role,
            "team": user.team.key if user.team else None,
            "lang": user.lang,
            "accounts": accounts.get(user.id, []),
            "active": user.active,
        }
        for user in uow.session.scalars(select(User).order_by(User.id))
    ]
