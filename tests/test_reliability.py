"""Issue 18 on the service side, on a real database (SQLite, and PostgreSQL when under test): the won notice of a
two-step approval names the rep; kept updates given up on are counted in /metrics and listed by the command line."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from salesbot import cli
from salesbot.bootstrap import App
from salesbot.clock import FrozenClock
from salesbot.metrics import BacklogCollector
from salesbot.services import invites, users
from salesbot.services.inbox import Inbox
from salesbot.store.models import AuditEntry, ChatIdentity, OutboxMessage
from tests.test_contracts import decide, submit


def test_the_won_notice_of_a_two_step_approval_names_the_rep_not_the_last_approver(app: App) -> None:
    cid = submit(app, "rep1", "阿里巴巴", "500000", installments=3)
    decide(app, "mgr1", cid, "approve", seq=0)
    decide(app, "admin", cid, "approve", seq=1)  # the last approver closes the deal
    with app.uow() as uow:
        mgr1, rep1, admin = (users.by_handle(uow, h) for h in ("mgr1", "rep1", "admin"))
        won = [
            row.payload
            for row in uow.session.scalars(select(OutboxMessage).where(OutboxMessage.target_id == mgr1.id))
            if row.payload["key"] == "deal.won"
        ]
    [notice] = won
    assert notice["params"]["rep"] == rep1.name != admin.name


def test_given_up_updates_are_counted_and_listed(
    app: App,
    clock: FrozenClock,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    box = Inbox(app.uow)
    box.keep("wecom", "msg:1", {"xml": "<xml/>"})
    [row] = box.claim("wecom", lease_seconds=60, limit=10)
    clock.advance(timedelta(hours=25))
    box.failed(row, "DeliveryFailed: wecom answered HTTP 503")
    families = {family.name: family for family in BacklogCollector(app.uow).collect()}
    [sample] = families["salesbot_inbox_dead"].samples
    assert (sample.labels, sample.value) == ({"platform": "wecom"}, 1)
    config = tmp_path / "salesbot.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("SALESBOT_CONFIG", str(config))
    monkeypatch.setenv("SALESBOT_DATABASE_URL", db_url)
    assert cli.main(["inbox", "--dead"]) == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert [(p["platform"], p["update_id"]) for p in printed] == [("wecom", "msg:1")]
    assert "503" in printed[0]["last_error"]


def _redeem(app: App, code: str, account: str) -> users.Actor | None:
    with app.uow() as uow:
        found = invites.redeem(uow, code=code, platform="telegram", platform_user_id=account)
        uow.commit()
    return found


def _invite(app: App, handle: str) -> str:
    with app.uow() as uow:
        code = invites.create(uow, users.by_handle(uow, "admin"), handle=handle)
        uow.commit()
    return code


def test_a_new_invite_redeemed_on_another_account_unlinks_the_old_one(app: App) -> None:
    first = _redeem(app, _invite(app, "rep1"), "1001")
    assert first is not None and first.handle == "rep1"
    second = _redeem(app, _invite(app, "rep1"), "2002")  # a new phone
    assert second is not None and second.handle == "rep1"
    with app.uow() as uow:
        assert users.identify(uow, "telegram", "1001") is None, "the old account no longer speaks for rep1"
        assert users.identify(uow, "telegram", "2002").handle == "rep1"  # type: ignore[union-attr]
        old = uow.session.scalar(select(ChatIdentity).where(ChatIdentity.platform_user_id == "1001"))
        assert old is not None and old.unlinked_at is not None, "kept, not deleted"
        unlinked = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "chat_identity", AuditEntry.action == "unlink")
        ).all()
        assert [a.entity_id for a in unlinked] == [old.id]


def test_the_invite_says_it_unlinks_the_account_in_use(
    app: App, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _redeem(app, _invite(app, "rep1"), "1001")
    config = tmp_path / "salesbot.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("SALESBOT_CONFIG", str(config))
    monkeypatch.setenv("SALESBOT_DATABASE_URL", db_url)
    assert cli.main(["users", "invite", "rep1"]) == 0
    out = capsys.readouterr().out
    assert "telegram account 1001" in out and "unlinks it" in out


def test_wrong_invite_codes_are_rate_limited_per_chat(app: App, clock: FrozenClock) -> None:
    code = _invite(app, "rep2")
    for n in range(invites.WRONG_CODES):
        assert _redeem(app, f"wrongcode{n:07d}", "3003") is None
    assert _redeem(app, code, "3003") is None, "guessing from this chat: even the right code waits"
    clock.advance(invites.WRONG_WINDOW + timedelta(seconds=1))
    found = _redeem(app, code, "3003")
    assert found is not None and found.handle == "rep2", "after the window it works"


def test_another_chats_wrong_codes_do_not_hold_up_this_one(app: App) -> None:
    for n in range(invites.WRONG_CODES + 2):
        _redeem(app, f"wrongcode{n:07d}", "4004")
    found = _redeem(app, _invite(app, "rep2"), "5005")
    assert found is not None and found.handle == "rep2"
