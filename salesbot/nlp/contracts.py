"""What a contract sentence asks to do: submit (the default), withdraw or resubmit; and "my approvals"."""

from __future__ import annotations

import re

_WITHDRAW = re.compile(r"撤回|撤销|收回|\bwithdraw|\bretract|\bpull\s+(back\s+)?(the\s+)?\w*\s*contract", re.IGNORECASE)
_RESUBMIT = re.compile(
    r"重新提交|再次提交|重新报|重提|改了.{0,10}(再|重新)?提交|\bre-?submit|\bsubmit\b.{0,40}\bagain\b", re.IGNORECASE
)
# "…,备注:客户要求月底前签" / "…; note: legal reviewed": everything after the marker is the note.
_NOTE = re.compile(r"(?:备注|附言|说明|\bnotes?\b|\bcomment\b)\s*[:：]\s*(?P<note>.+)$", re.IGNORECASE | re.DOTALL)
_MY_APPROVALS = re.compile(
    r"^\s*(我的审批|待审批|待我审批|审批列表|等我审批的?|my approvals|pending approvals|approvals|"
    r"what needs my approval\??|waiting for (my )?approval)\s*$",
    re.IGNORECASE,
)


def contract_action(text: str) -> str:
    """submit | withdraw | resubmit: resubmitting says "submit" too, so it is checked first."""
    if _RESUBMIT.search(text):
        return "resubmit"
    if _WITHDRAW.search(text):
        return "withdraw"
    return "submit"


def contract_note(text: str) -> str | None:
    match = _NOTE.search(text)
    return match["note"].strip() or None if match else None


def asks_my_approvals(text: str) -> bool:
    return bool(_MY_APPROVALS.match(text))
