"""Contracts in chat: the scripts under tests/scripts/contract_*.txt as a rep and approvers see them, and the
presses a script cannot make (a forged or stale button id)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from salesbot.channels.console import Sent
from salesbot.handlers.messages import Incoming
from salesbot.store.models import Attachment, Contract, Deal, Installment
from tests.conftest import Chat

SCRIPTS = Path(__file__).parent / "scripts"


def to(sent: list[Sent], handle: str) -> list[Sent]:
    return [s for s in sent if s.to == handle]


def labels(sent: Sent) -> list[str]:
    return [b.label for row in sent.reply.buttons for b in row]


def test_one_step_approval(run_script) -> None:  # type: ignore[no-untyped-def]
    sent = run_script(SCRIPTS / "contract_one_step.txt")
    submitted, approved = [s.reply.text for s in to(sent, "rep1")]
    assert "比亚迪" in submitted and "¥90,000.00" in submitted and "分3期" in submitted and "李娜" in submitted
    card, said, edited = to(sent, "mgr1")
    assert labels(card) == ["✅ 批准", "❌ 驳回", "❓ 提问"]
    assert "比亚迪 CRM 二期" in card.reply.text and "分3期" in card.reply.text, "terms and the deal's story"
    assert "生效" in said.reply.text
    assert edited.edit_of is not None and "已批准" in edited.reply.text and not edited.reply.buttons
    assert all(day in approved for day in ("2026-03-11", "2026-04-10", "2026-05-10"))
    assert approved.count("¥30,000.00") == 3
    [won] = to(sent, "group:east")
    assert "¥90,000.00" in won.reply.text, "the deal now carries the contract's amount"


def test_two_step_chain(run_script) -> None:  # type: ignore[no-untyped-def]
    sent = run_script(SCRIPTS / "contract_two_steps.txt")
    assert "首付30%" in to(sent, "rep1")[0].reply.text
    [admin_card, *_] = to(sent, "admin")
    assert "(2/2)" in admin_card.reply.text and admin_card.at.isoformat() == "2026-03-11T10:00:00+08:00"
    rep = [s.reply.text for s in to(sent, "rep1")]
    assert "现在等 Admin 审批" in rep[1]
    assert "¥150,000.00" in rep[2] and "¥350,000.00" in rep[2] and "2026-04-10" in rep[2]


def test_rejection_with_a_comment_then_a_resubmission(run_script) -> None:  # type: ignore[no-untyped-def]
    sent = run_script(SCRIPTS / "contract_rejected_resubmitted.txt")
    rep2 = [s.reply.text for s in to(sent, "rep2")]
    assert "net 60" in rep2[0]
    assert "账期太长,改成30天" in rep2[1] and "rejected" in rep2[1]
    assert "(version 2)" in rep2[2] and "net 30" in rep2[2]
    mgr = to(sent, "mgr1")
    assert "会发给 Tom Lee" in mgr[1].reply.text
    assert any(s.edit_of and "已驳回" in s.reply.text and "账期太长" in s.reply.text for s in mgr)
    assert "(第2版)" in mgr[4].reply.text


def test_withdrawal_edits_the_approvers_card(run_script) -> None:  # type: ignore[no-untyped-def]
    sent = run_script(SCRIPTS / "contract_withdrawn.txt")
    assert "已撤回" in to(sent, "rep1")[-1].reply.text
    card, edited = to(sent, "mgr1")
    assert card.edited and edited.edit_of is not None and "已撤回" in edited.reply.text


def test_reminder_then_escalation_then_my_approvals(run_script) -> None:  # type: ignore[no-untyped-def]
    sent = run_script(SCRIPTS / "contract_reminders.txt")
    mgr = to(sent, "mgr1")
    assert mgr[1].at.isoformat() == "2026-03-12T10:00:00+08:00" and "等你审批" in mgr[1].reply.text
    [escalation] = to(sent, "admin")
    assert escalation.at.isoformat() == "2026-03-13T10:00:00+08:00" and "李娜" in escalation.reply.text
    assert "等你审批(1)" in mgr[2].reply.text
    assert "生效" in to(sent, "rep1")[-1].reply.text


def test_self_approval_is_skipped(run_script) -> None:  # type: ignore[no-untyped-def]
    sent = run_script(SCRIPTS / "contract_own.txt")
    assert "Admin" in to(sent, "mgr1")[0].reply.text
    assert labels(to(sent, "admin")[0]) == ["✅ Approve", "❌ Reject", "❓ Ask a question"]


def test_a_question_is_answered_from_its_button_and_the_card_comes_back(run_script) -> None:  # type: ignore[no-untyped-def]
    sent = run_script(SCRIPTS / "contract_question.txt")
    rep1 = to(sent, "rep1")
    assert "第二期什么时候付" in rep1[1].reply.text and labels(rep1[1]) == ["💬 回答"]
    mgr1 = [s.reply.text for s in to(sent, "mgr1")]
    answer = next(i for i, text in enumerate(mgr1) if "验收后30天内" in text)
    assert "合同审批" in mgr1[answer + 1], "the card comes back with the answer"
    assert "生效" in rep1[-1].reply.text


def card_keys(chat: Chat, handle: str) -> dict[str, str]:
    card = next(s for s in reversed(chat.sent) if s.to == handle and s.reply.buttons)
    return {b.label: b.key for row in card.reply.buttons for b in row}


def press(chat: Chat, handle: str, key: str) -> list[str]:
    incoming = Incoming(platform="console", chat_id=handle, sender_id=handle, button=key)
    return [r.text for r in chat.session.world.router.handle(incoming)]


def test_a_rep_replaying_the_managers_button_changes_nothing(chat: Chat) -> None:
    chat.say("rep1", "提交阿里合同 8万")
    chat.clock("+1m")  # the dispatcher sends the card
    keys = card_keys(chat, "mgr1")
    [refused] = press(chat, "rep1", keys["✅ 批准"])
    assert "不是给你的" in refused
    with chat.session.world.uow() as uow:
        assert uow.session.scalar(select(Contract.status)) == "pending"


def test_a_stale_button_changes_nothing(chat: Chat) -> None:
    chat.say("rep1", "提交阿里合同 8万")
    chat.clock("+1m")
    keys = card_keys(chat, "mgr1")
    chat.press("mgr1", "批准")
    [again] = press(chat, "mgr1", keys["❌ 驳回"])
    assert "过期" in again
    [unknown] = press(chat, "mgr1", "made-up-key")
    assert "过期" in unknown
    with chat.session.world.uow() as uow:
        assert uow.session.scalar(select(Contract.status)) == "active"
        assert len(uow.session.scalars(select(Installment)).all()) == 1


def test_an_approve_pressed_mid_visit_keeps_the_visit_form(chat: Chat) -> None:
    chat.say("rep1", "提交阿里合同 8万")
    chat.clock("+1m")
    keys = card_keys(chat, "mgr1")
    [question] = chat.say("mgr1", "今天拜访了华为")
    assert question.reply.buttons
    press(chat, "mgr1", keys["✅ 批准"])
    answered = chat.press("mgr1", "华为技术")
    assert any("已记录" in s.reply.text and "华为技术" in s.reply.text for s in answered)


def test_a_missing_amount_is_asked_and_a_pdf_goes_with_the_card(chat: Chat) -> None:
    from salesbot.handlers.messages import Attachment as File

    pdf = File("document", "BQAC-contract", "AQ1", "华为合同.pdf", "application/pdf", 200_000)
    world = chat.session.world
    [question] = world.router.handle(
        Incoming(platform="console", chat_id="rep1", sender_id="rep1", text="提交比亚迪合同", attachments=(pdf,))
    )
    assert "合同金额是多少" in question.text, "the amount is asked; the PDF waits in the form"
    asked = [
        r.text
        for r in world.router.handle(Incoming(platform="console", chat_id="rep1", sender_id="rep1", text="一百万"))
    ]
    assert "¥1,000,000.00" in asked[0] and "2 步" in asked[0]
    chat.clock("+1m")
    card = next(s for s in chat.sent if s.to == "mgr1")
    assert "华为合同.pdf" in card.reply.text
    with world.uow() as uow:
        contract_id = uow.session.scalar(select(Contract.id))
        kept = uow.session.execute(select(Attachment.subject_type, Attachment.subject_id, Attachment.file_id)).all()
        deal = uow.session.scalar(select(Deal).where(Deal.id == select(Contract.deal_id).scalar_subquery()))
        assert deal.title == "比亚迪 CRM 二期"
    assert kept == [("contract", contract_id, "BQAC-contract")]


def test_an_unreadable_amount_asks_again(chat: Chat) -> None:
    chat.say("rep2", "submit contract for Initech")
    [again] = chat.say("rep2", "soon")
    assert "couldn't read an amount" in again.reply.text
    [done] = chat.to("rep2", chat.say("rep2", "$12k"))
    assert "$12,000.00" in done.reply.text


def test_a_note_in_the_sentence_is_on_the_card(chat: Chat) -> None:
    chat.say("rep1", "提交阿里合同 8万,备注:含三年维保")
    chat.clock("+1m")
    card = next(s for s in chat.sent if s.to == "mgr1")
    assert "备注:含三年维保" in card.reply.text and "¥80,000.00" in card.reply.text
