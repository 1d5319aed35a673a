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
from salesbot.services import users
from salesbot.services.inbox import Inbox
from salesbot.store.models import OutboxMessage
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
