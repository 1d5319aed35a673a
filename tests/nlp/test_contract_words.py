"""What a contract sentence asks to do, its note, and "my approvals"."""

from __future__ import annotations

import pytest

from salesbot.nlp.contracts import asks_my_approvals, contract_action, contract_note


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("提交华为合同 120万,付款分三期", "submit"),
        ("submit contract for Acme 85,000 USD net 60", "submit"),
        ("撤回阿里的合同", "withdraw"),
        ("把京东合同撤销", "withdraw"),
        ("withdraw the Initech contract", "withdraw"),
        ("重新提交阿里合同 110万", "resubmit"),
        ("改了价格再提交阿里合同", "resubmit"),
        ("resubmit the Initech contract 85,000 USD net 30", "resubmit"),
        ("submit the Acme contract again at 80k", "resubmit"),
    ],
)
def test_contract_actions(text: str, action: str) -> None:
    assert contract_action(text) == action


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("提交华为合同 120万,备注:客户要求月底前签", "客户要求月底前签"),
        ("提交华为合同 120万,备注: 含三年维保", "含三年维保"),
        ("submit contract for Acme 85,000 USD; note: legal reviewed", "legal reviewed"),
        ("提交华为合同 120万", None),
        ("submit contract for Acme, notes:", None),
    ],
)
def test_contract_notes(text: str, note: str | None) -> None:
    assert contract_note(text) == note


@pytest.mark.parametrize(
    ("text", "asks"),
    [("我的审批", True), ("待我审批", True), ("my approvals", True), (" Approvals ", True), ("审批华为合同", False)],
)
def test_my_approvals(text: str, asks: bool) -> None:
    assert asks_my_approvals(text) is asks
