"""The business rules, on a real database (SQLite, and PostgreSQL when it is under test)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from salesbot.bootstrap import App
from salesbot.clock import FrozenClock
from salesbot.scheduler import jobs
from salesbot.services import customers, pipeline, reminders, users, visits
from salesbot.services.audit import snapshot
from salesbot.services.errors import Invalid, NotAllowed
from salesbot.services.visits import FollowUp
from salesbot.store.models import AuditEntry, Customer, Deal, OutboxMessage, Reminder, StageChange, Visit


def actor(app: App, handle: str) -> users.Actor:
    with app.uow() as uow:
        return users.by_handle(uow, handle)


def customer_id(app: App, name: str) -> int:
    with app.uow() as uow:
        return uow.session.scalar(select(Customer.id).where(Customer.name == name))


def count(app: App, model: type, *where: object) -> int:
    with app.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def test_visit_with_follow_up_schedules_a_reminder_at_the_morning_hour(app: App) -> None:
    rep1 = actor(app, "rep1")
    with app.uow() as uow:
        logged = visits.log_visit(
            uow,
            rep1,
            customer_id=customer_id(app, "阿里巴巴"),
            notes="见了技术总监",
            next_step="给方案",
            follow_up=FollowUp(date(2026, 3, 18)),
        )
        uow.commit()
    with app.uow() as uow:
        reminder = uow.session.scalar(select(Reminder))
        assert reminder.user_id == rep1.id and reminder.state == "pending"
        assert reminder.due_at == datetime(2026, 3, 18, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
        audit = uow.session.scalar(select(AuditEntry).where(AuditEntry.entity == "visit"))
        assert audit.entity_id == logged.visit_id and audit.actor_id == rep1.id
        assert audit.after["next_step"] == "给方案"


def test_a_visit_written_with_core_is_audited_as_the_orm_would_snapshot_it(app: App) -> None:
    """log_visit inserts the row with Core and words the audit from its values: the same as a snapshot of the row."""
    rep1 = actor(app, "rep1")
    with app.uow() as uow:
        logged = visits.log_visit(
            uow,
            rep1,
            customer_id=customer_id(app, "阿里巴巴"),
            notes="见了技术总监",
            follow_up=FollowUp(date(2026, 3, 18), time(15, 30)),
        )
        uow.commit()
    with app.uow() as uow:
        visit = uow.session.get_one(Visit, logged.visit_id)
        entry = uow.session.scalar(select(AuditEntry).where(AuditEntry.entity == "visit"))
        assert entry.after == snapshot(visit)
        assert entry.before is None


def test_follow_up_with_a_time_fires_at_that_time(app: App) -> None:
    rep1 = actor(app, "rep1")
    with app.uow() as uow:
        visits.log_visit(
            uow,
            rep1,
            customer_id=customer_id(app, "阿里巴巴"),
            notes="",
            follow_up=FollowUp(date(2026, 3, 13), time(16, 0)),
        )
        uow.commit()
    with app.uow() as uow:
        assert uow.session.scalar(select(Reminder.due_at)) == datetime(2026, 3, 13, 8, 0, tzinfo=UTC)


def test_follow_up_in_the_past_is_refused_and_nothing_is_written(app: App) -> None:
    rep1 = actor(app, "rep1")
    with app.uow() as uow, pytest.raises(Invalid) as refused:
        visits.log_visit(
            uow,
            rep1,
            customer_id=customer_id(app, "阿里巴巴"),
            notes="",
            follow_up=FollowUp(date(2026, 3, 10)),
        )
    assert refused.value.code == "past_date"
    assert count(app, Visit) == 0 and count(app, Reminder) == 0


def test_follow_up_today_after_the_morning_hour_fires_now_not_never(app: App, clock: FrozenClock) -> None:
    rep1 = actor(app, "rep1")
    with app.uow() as uow:
        visits.log_visit(
            uow,
            rep1,
            customer_id=customer_id(app, "阿里巴巴"),
            notes="",
            follow_up=FollowUp(date(2026, 3, 11)),
        )
        uow.commit()
    with app.uow() as uow:
        assert uow.session.scalar(select(Reminder.due_at)) == clock.now()


def test_moving_a_follow_up_cancels_the_old_reminder(app: App) -> None:
    rep1 = actor(app, "rep1")
    with app.uow() as uow:
        logged = visits.log_visit(
            uow,
            rep1,
            customer_id=customer_id(app, "阿里巴巴"),
            notes="",
            follow_up=FollowUp(date(2026, 3, 18)),
        )
        visits.set_follow_up(uow, rep1, visit_id=logged.visit_id, follow_up=FollowUp(date(2026, 3, 20)))
        uow.commit()
    with app.uow() as uow:
        states = dict(uow.session.execute(select(Reminder.due_at, Reminder.state)).all())
    assert states == {
        datetime(2026, 3, 18, 1, tzinfo=UTC): "cancelled",
        datetime(2026, 3, 20, 1, tzinfo=UTC): "pending",
    }


def test_due_reminders_fire_exactly_once_through_the_outbox(app: App, clock: FrozenClock) -> None:
    rep1 = actor(app, "rep1")
    with app.uow() as uow:
        visits.log_visit(
            uow,
            rep1,
            customer_id=customer_id(app, "阿里巴巴"),
            notes="",
            next_step="给方案",
            follow_up=FollowUp(date(2026, 3, 18)),
        )
        uow.commit()
    # The reminder scan alone: App.scan runs the digests first, and a morning brief carries an undated follow-up.
    clock.set(datetime(2026, 3, 18, 0, 59, tzinfo=UTC))
    assert jobs.scan_reminders(app.uow) == 0
    clock.set(datetime(2026, 3, 18, 1, 0, tzinfo=UTC))
    assert jobs.scan_reminders(app.uow) == 1
    assert jobs.scan_reminders(app.uow) == 0
    with app.uow() as uow:
        row = uow.session.scalar(select(OutboxMessage))
        assert row.target_id == rep1.id and row.payload["key"] == "reminder.follow_up"
        assert row.payload["params"]["customer"] == "阿里巴巴" and row.payload["params"]["next_step"] == "给方案"


def test_stage_moves_keep_history_and_audit(app: App) -> None:
    rep1 = actor(app, "rep1")
    byd = customer_id(app, "比亚迪")
    with app.uow() as uow:
        moved = pipeline.move_stage(uow, rep1, customer_id=byd, stage="negotiation")
        uow.commit()
    assert moved.from_stage == "proposal" and not moved.created
    with app.uow() as uow:
        history = uow.session.execute(
            select(StageChange.from_stage, StageChange.to_stage)
            .where(StageChange.deal_id == moved.deal.id)
            .order_by(StageChange.id)
        ).all()
        assert history == [(None, "proposal"), ("proposal", "negotiation")]
        audit = uow.session.scalar(select(AuditEntry).where(AuditEntry.entity == "deal"))
        assert audit.actor_id == rep1.id
        assert audit.before["stage"] == "proposal" and audit.after["stage"] == "negotiation"
        assert "customer_id" not in audit.after, "the audit keeps what changed, not the whole row"


def test_a_customer_without_an_open_deal_gets_one(app: App) -> None:
    rep1 = actor(app, "rep1")
    with app.uow() as uow:
        moved = pipeline.move_stage(uow, rep1, customer_id=customer_id(app, "阿里巴巴"), stage="proposal")
        uow.commit()
    assert moved.created and moved.deal.stage == "proposal" and moved.deal.currency == "CNY"


@pytest.mark.parametrize(
    ("stage", "reason", "code"),
    [
        ("lost", None, "reason_required"),
        ("lost", "bad-weather", "unknown_reason"),
        ("closing", None, "unknown_stage"),
        ("proposal", None, "same_stage"),
    ],
)
def test_stage_moves_refused(app: App, stage: str, reason: str | None, code: str) -> None:
    rep1 = actor(app, "rep1")
    with app.uow() as uow, pytest.raises(Invalid) as refused:
        pipeline.move_stage(uow, rep1, customer_id=customer_id(app, "比亚迪"), stage=stage, reason=reason)
    assert refused.value.code == code


def test_lost_deal_keeps_its_reason_and_queues_the_managers_notice_in_the_same_transaction(app: App) -> None:
    rep1 = actor(app, "rep1")
    with app.uow() as uow:
        pipeline.move_stage(uow, rep1, customer_id=customer_id(app, "比亚迪"), stage="lost", reason="price")
        # not committed: the notice must vanish with the change
    assert count(app, OutboxMessage) == 0
    with app.uow() as uow:
        pipeline.move_stage(uow, rep1, customer_id=customer_id(app, "比亚迪"), stage="lost", reason="price")
        uow.commit()
    byd, mgr1 = customer_id(app, "比亚迪"), actor(app, "mgr1")
    with app.uow() as uow:
        deal = uow.session.scalar(select(Deal).where(Deal.customer_id == byd))
        notice = uow.session.scalar(select(OutboxMessage))
        assert deal.stage == "lost" and deal.lost_reason == "price"
        assert notice.target_id == mgr1.id and notice.payload["key"] == "deal.lost"


@pytest.mark.parametrize(
    ("handle", "allowed"), [("rep1", True), ("rep2", False), ("mgr1", True), ("admin", True), ("fin1", False)]
)
def test_who_may_change_rep1s_customer(app: App, handle: str, allowed: bool) -> None:
    who = actor(app, handle)
    with app.uow() as uow:
        if allowed:
            pipeline.move_stage(uow, who, customer_id=customer_id(app, "比亚迪"), stage="negotiation")
        else:
            with pytest.raises(NotAllowed) as refused:
                pipeline.move_stage(uow, who, customer_id=customer_id(app, "比亚迪"), stage="negotiation")
            assert refused.value.params["customer"] == "比亚迪"


def test_what_each_role_sees(app: App) -> None:
    with app.uow() as uow:
        seen = {
            h: {c.name for c in customers.list_mine(uow, users.by_handle(uow, h))}
            for h in ("rep1", "rep2", "mgr1", "admin")
        }
    assert seen["rep1"] == {"阿里巴巴", "比亚迪", "华为技术", "华为终端"}
    assert seen["rep2"] == {"Initech", "京东"}
    assert seen["mgr1"] == seen["rep1"] | seen["rep2"] == seen["admin"]


def test_a_rep_who_left_can_do_nothing_and_a_colleague_takes_the_accounts(app: App) -> None:
    admin = actor(app, "admin")
    rep1 = actor(app, "rep1")
    with app.uow() as uow:
        visits.log_visit(
            uow,
            rep1,
            customer_id=customer_id(app, "阿里巴巴"),
            notes="",
            follow_up=FollowUp(date(2026, 3, 18)),
        )
        uow.commit()
    with app.uow() as uow:
        moved = users.mark_left(uow, admin, handle="rep1", hand_to="rep3")
        uow.commit()
    assert moved == {"customers": 4, "deals": 1, "reminders": 1}
    gone = actor(app, "rep1")
    assert not gone.active
    with app.uow() as uow, pytest.raises(NotAllowed):
        pipeline.move_stage(uow, gone, customer_id=customer_id(app, "比亚迪"), stage="negotiation")
    with app.uow() as uow:
        assert {c.name for c in customers.list_mine(uow, users.by_handle(uow, "rep3"))} == {
            "阿里巴巴",
            "比亚迪",
            "华为技术",
            "华为终端",
        }
    assert count(app, AuditEntry, AuditEntry.action == "hand_over") == 5
    assert count(app, Customer) == 6, "nothing was deleted"


def test_only_admins_and_the_teams_manager_hand_over(app: App) -> None:
    with app.uow() as uow, pytest.raises(NotAllowed):
        users.hand_over(uow, actor(app, "rep2"), from_handle="rep1", to_handle="rep2")


def test_reminder_of_a_rep_who_left_goes_to_the_new_owner(app: App, clock: FrozenClock) -> None:
    rep1 = actor(app, "rep1")
    with app.uow() as uow:
        visits.log_visit(
            uow,
            rep1,
            customer_id=customer_id(app, "阿里巴巴"),
            notes="",
            follow_up=FollowUp(date(2026, 3, 18)),
        )
        uow.commit()
    admin = actor(app, "admin")
    with app.uow() as uow:
        users.mark_left(uow, admin, handle="rep1", hand_to="rep3")
        uow.commit()
    clock.advance(timedelta(days=8))
    jobs.scan_reminders(app.uow)
    rep3 = actor(app, "rep3")
    with app.uow() as uow:
        assert uow.session.scalar(select(OutboxMessage.target_id)) == rep3.id


def test_new_customer_is_owned_by_its_creator_and_names_are_unique(app: App) -> None:
    rep2 = actor(app, "rep2")
    with app.uow() as uow:
        ref = customers.create(uow, rep2, name="  Globex   Corp ")
        uow.commit()
    assert ref.name == "Globex Corp"
    with app.uow() as uow, pytest.raises(Invalid) as refused:
        customers.create(uow, rep2, name="globex corp")
    assert refused.value.code == "customer_exists"


def test_reminders_next_due(app: App) -> None:
    with app.uow() as uow:
        assert reminders.next_due(uow) is None
