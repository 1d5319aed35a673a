"""Who may move whose accounts, and approvals that do not wait on someone who left (issue 18, items 5 and 6)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from salesbot.bootstrap import App
from salesbot.services import contracts, offboarding, users, visits
from salesbot.services.errors import NotAllowed
from salesbot.services.visits import FollowUp
from salesbot.store.models import ApprovalStep, AuditEntry, Contract, Customer, OutboxMessage, Reminder, User
from tests.conftest import Chat
from tests.test_contracts import submit


def actor(app: App, handle: str) -> users.Actor:
    with app.uow() as uow:
        return users.by_handle(uow, handle)


def owners(app: App) -> dict[str, str]:
    with app.uow() as uow:
        rows = uow.session.execute(select(Customer.name, User.handle).join(User, User.id == Customer.owner_id))
        return {name: handle for name, handle in rows}


def add_north(app: App) -> None:
    app.seed_data(
        {
            "users": [
                {"handle": "north1", "name": "North Rep", "role": "rep", "team": "north", "lang": "en"},
                {"handle": "north_mgr", "name": "North Manager", "role": "manager", "team": "north", "lang": "en"},
            ],
            "customers": [{"name": "Admin Account Co", "owner": "admin"}, {"name": "Finance Co", "owner": "fin1"}],
        }
    )


def hand_over(app: App, who: str, source: str, target: str) -> dict[str, int]:
    with app.uow() as uow:
        moved = users.hand_over(uow, users.by_handle(uow, who), from_handle=source, to_handle=target)
        uow.commit()
    return moved


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("rep1", "north1"),  # to another team
        ("north1", "rep1"),  # from another team
        ("admin", "mgr1"),  # an admin's accounts
        ("fin1", "rep3"),  # finance's accounts
        ("rep1", "fin1"),  # to finance
    ],
)
def test_a_manager_cannot_hand_over_outside_their_team_or_to_and_from_finance_and_admins(
    app: App, source: str, target: str
) -> None:
    add_north(app)
    before = owners(app)
    with pytest.raises(NotAllowed) as refused:
        hand_over(app, "mgr1", source, target)
    assert refused.value.code == "handover_outside_team"
    assert owners(app) == before, "nothing moved"


def test_a_rep_or_finance_hands_over_nothing(app: App) -> None:
    for who in ("rep2", "fin1"):
        with pytest.raises(NotAllowed):
            hand_over(app, who, "rep1", "rep3")
    assert owners(app)["阿里巴巴"] == "rep1"


def test_an_admin_hands_over_across_teams_and_reminders_moved_are_audited(app: App) -> None:
    add_north(app)
    with app.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.name == "阿里巴巴"))
        visits.log_visit(
            uow, users.by_handle(uow, "rep1"), customer_id=customer_id, notes="", follow_up=FollowUp(date(2026, 3, 18))
        )
        uow.commit()
    moved = hand_over(app, "admin", "rep1", "north1")
    assert moved == {"customers": 4, "deals": 1, "reminders": 1}
    assert owners(app)["阿里巴巴"] == "north1"
    north1, admin = actor(app, "north1"), actor(app, "admin")
    with app.uow() as uow:
        reminder = uow.session.scalar(select(Reminder))
        assert reminder.user_id == north1.id
        entry = uow.session.scalar(
            select(AuditEntry).where(AuditEntry.entity == "reminder", AuditEntry.entity_id == reminder.id)
        )
        assert entry.action == "reassign" and entry.actor_id == admin.id
        assert entry.after == {"user_id": north1.id}


def test_a_manager_hands_over_within_their_team(app: App) -> None:
    assert hand_over(app, "mgr1", "rep1", "rep3")["customers"] == 4
    assert owners(app)["阿里巴巴"] == "rep3"


def test_the_refusal_in_chat_names_who_is_out_of_reach(chat: Chat) -> None:
    chat.session.world.seed_data(
        {"users": [{"handle": "north1", "name": "North Rep", "role": "rep", "team": "north", "lang": "en"}]}
    )
    [refused] = chat.say("mgr1", "/handover rep1 north1")
    assert "north1" in refused.reply.text and "管理员" in refused.reply.text
    [mine] = chat.say("rep1", "我的客户")
    assert "阿里巴巴" in mine.reply.text


def cards_to(app: App, handle: str) -> list[str]:
    with app.uow() as uow:
        user_id = users.by_handle(uow, handle).id
        rows = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.target_id == user_id, OutboxMessage.state == "pending")
        ).all()
        return [r.payload["key"] for r in rows]


def test_the_steps_of_an_approver_who_left_go_up_with_the_card_and_are_audited(app: App) -> None:
    cid = submit(app, "rep1", "比亚迪", "50000")  # the manager alone approves
    assert cards_to(app, "mgr1") == ["card.contract"]
    with app.uow() as uow:
        moved = offboarding.leave(uow, users.by_handle(uow, "admin"), handle="mgr1")
        uow.commit()
    assert moved["approvals"] == 1
    assert cards_to(app, "mgr1") == [], "the departed approver's unsent card is cancelled"
    assert cards_to(app, "admin") == ["card.contract"]
    admin = actor(app, "admin")
    with app.uow() as uow:
        step = uow.session.scalar(select(ApprovalStep).where(ApprovalStep.contract_id == cid))
        assert step.approver_id == admin.id and step.state == "deciding"
        entry = uow.session.scalar(
            select(AuditEntry).where(AuditEntry.entity == "approval_step", AuditEntry.action == "reassign")
        )
        assert entry.entity_id == step.id and entry.actor_id == admin.id
        reminders = uow.session.scalars(
            select(Reminder.user_id).where(Reminder.subject_id == step.id, Reminder.state == "pending")
        ).all()
    assert admin.id in reminders and actor(app, "mgr1").id not in reminders
    with app.uow() as uow:
        contracts.decide(uow, admin, contract_id=cid, version=1, seq=0, decision="approve")
        uow.commit()
        assert uow.session.get_one(Contract, cid).status == "active"


def test_a_later_step_of_one_who_left_moves_too_and_its_card_comes_in_its_turn(app: App) -> None:
    app.seed_data({"users": [{"handle": "admin2", "name": "Second Admin", "role": "admin", "lang": "en"}]})
    cid = submit(app, "rep1", "阿里巴巴", "500000")  # mgr1 then admin
    with app.uow() as uow:
        assert offboarding.leave(uow, users.by_handle(uow, "admin2"), handle="admin")["approvals"] == 1
        uow.commit()
    with app.uow() as uow:
        second = uow.session.scalar(select(ApprovalStep).where(ApprovalStep.contract_id == cid, ApprovalStep.seq == 1))
        assert second.approver_id == users.by_handle(uow, "admin2").id and second.state == "waiting"
    assert cards_to(app, "admin2") == [], "not its turn yet"
    with app.uow() as uow:
        contracts.decide(uow, users.by_handle(uow, "mgr1"), contract_id=cid, version=1, seq=0, decision="approve")
        uow.commit()
    assert cards_to(app, "admin2") == ["card.contract"]


def test_an_admin_decides_a_step_waiting_on_someone_else_but_never_signs_twice(app: App) -> None:
    one_step = submit(app, "rep1", "比亚迪", "50000")
    admin = actor(app, "admin")
    with app.uow() as uow:
        assert [c.id for c in contracts.waiting_for(uow, admin)] == [one_step]
        contracts.decide(uow, admin, contract_id=one_step, version=1, seq=0, decision="approve")
        uow.commit()
    two_steps = submit(app, "rep1", "阿里巴巴", "500000")  # mgr1, then admin
    with app.uow() as uow, pytest.raises(NotAllowed):
        contracts.decide(uow, admin, contract_id=two_steps, version=1, seq=0, decision="approve")
    with app.uow() as uow:
        assert contracts.waiting_for(uow, admin) == []


def test_the_admin_presses_the_card_of_an_approver_who_left(chat: Chat) -> None:
    chat.say("rep1", "提交比亚迪合同 9万,分三期")
    world = chat.session.world
    with world.uow() as uow:
        offboarding.leave(uow, users.by_handle(uow, "admin"), handle="mgr1")
        uow.commit()
    chat.clock("+1m")
    assert any("Contract approval" in s.reply.text for s in chat.to("admin"))
    chat.press("admin", "Approve")
    with world.uow() as uow:
        assert uow.session.scalar(select(Contract.status)) == "active"
