"""Receivables in chat, as reps, managers and finance see them: the 90-day collection scripts under tests/scripts,
payments confirmed with a button, questions sized for a phone, export, schedule changes and who sees what."""

from __future__ import annotations

import io
import re
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from salesbot.channels.console import Sent
from salesbot.store.models import Installment, Payment
from tests.conftest import FIXTURES, NO_REPORTS, Chat

SCRIPTS = Path(__file__).parent / "scripts"


def collections(sent: list[Sent]) -> list[tuple[str, str, str]]:
    """(local day and time, recipient, first item line) of every collection message."""
    return [
        (s.at.strftime("%m-%d %H:%M"), s.to, s.reply.text.splitlines()[1])
        for s in sent
        if s.reply.text.startswith("📌")
    ]


def test_ninety_days_of_reminders_each_on_its_day_to_its_people(run_script) -> None:  # type: ignore[no-untyped-def]
    got = [(day, to) for day, to, _ in collections(run_script(SCRIPTS / "collections_90_days.txt"))]
    # 阿里巴巴 due 04-10 (rep1): -3, 0, +3, +7 with the manager, +30 and +60 manager and finance.
    # Initech due 04-20 (rep2): -3, 0, +3, +7 with the manager, +30 manager and finance; +60 is after the script.
    assert sorted(got) == sorted(
        [
            ("04-07 09:00", "rep1"),
            ("04-10 09:00", "rep1"),
            ("04-13 09:00", "rep1"),
            ("04-17 09:00", "rep1"),
            ("04-17 09:00", "mgr1"),
            ("04-17 09:00", "rep2"),
            ("04-20 09:00", "rep2"),
            ("04-23 09:00", "rep2"),
            ("04-27 09:00", "rep2"),
            ("04-27 09:00", "mgr1"),
            ("05-11 09:00", "mgr1"),  # +30 is Sunday 05-10: on the next working day (issue 17)
            ("05-11 09:00", "fin1"),
            ("05-20 09:00", "mgr1"),
            ("05-20 09:00", "fin1"),
            ("06-09 09:00", "mgr1"),
            ("06-09 09:00", "fin1"),
        ]
    )


def test_each_reminder_says_what_is_owed_in_the_readers_language(run_script) -> None:  # type: ignore[no-untyped-def]
    lines = {(day, to): line for day, to, line in collections(run_script(SCRIPTS / "collections_90_days.txt"))}
    assert "阿里巴巴" in lines[("04-07 09:00", "rep1")] and "3天后到期" in lines[("04-07 09:00", "rep1")]
    assert "¥60,000.00" in lines[("04-10 09:00", "rep1")] and "今天到期" in lines[("04-10 09:00", "rep1")]
    assert "Initech" in lines[("04-23 09:00", "rep2")] and "3 days overdue" in lines[("04-23 09:00", "rep2")]
    assert "$8,500.00" in lines[("04-23 09:00", "rep2")]
    # The +30 step falls on Sunday 05-10; Monday's message says how late it is that day (issue 17).
    assert "已逾期31天" in lines[("05-11 09:00", "fin1")] and "张伟" in lines[("05-11 09:00", "fin1")]


def test_reminders_stop_once_paid(run_script) -> None:  # type: ignore[no-untyped-def]
    sent = run_script(SCRIPTS / "collections_stop_when_paid.txt")
    alibaba = [(day, to) for day, to, line in collections(sent) if "阿里巴巴" in line]
    assert alibaba == [("04-07 09:00", "rep1"), ("04-10 09:00", "rep1")]
    initech = [(day, to) for day, to, line in collections(sent) if "Initech" in line]
    assert ("05-20 09:00", "fin1") in initech, "the other customer's reminders go on"
    recorded = [s for s in sent if s.reply.text.startswith("✅ 已记录")]
    assert len(recorded) == 1 and "结清" in recorded[0].reply.text


def seeded(chat: Chat) -> Chat:
    chat.run("@seed book.toml")
    return chat


def test_a_payment_is_confirmed_before_it_is_recorded(chat: Chat) -> None:
    seeded(chat)
    [preview] = chat.say("rep1", "收到小米回款4万")
    assert "¥40,000.00" in preview.reply.text and "还差 ¥60,000.00" in preview.reply.text
    assert [b.label for row in preview.reply.buttons for b in row] == ["✅ 确认记录", "取消"]
    with chat.session.world.uow() as uow:
        assert uow.session.scalar(select(Payment.id)) is None, "nothing is written before the rep confirms"
    [done] = chat.say("rep1", "确认")
    assert done.reply.text.startswith("✅ 已记录")
    [again] = chat.say("rep1", "收到小米回款4万")
    assert "⚠️" in again.reply.text, "the same amount the same day is flagged as a possible duplicate"
    chat.press("rep1", "取消")
    with chat.session.world.uow() as uow:
        assert len(uow.session.scalars(select(Payment)).all()) == 1


def test_a_payment_missing_its_customer_and_amount_asks_for_both(chat: Chat) -> None:
    seeded(chat)
    [ask_customer] = chat.say("rep2", "got paid today")
    assert "customer" in ask_customer.reply.text.lower()
    [ask_amount] = chat.say("rep2", "Hooli")
    assert "How much did Hooli pay" in ask_amount.reply.text
    [preview] = chat.say("rep2", "$20k")
    assert "$20,000.00" in preview.reply.text and "settled" in preview.reply.text
    [done] = chat.press("rep2", "Record it")
    assert "Recorded $20,000.00 from Hooli" in done.reply.text


def test_a_payment_dated_in_the_future_is_refused(chat: Chat) -> None:
    seeded(chat)
    [refused] = chat.say("rep1", "小米下周一打款5万")
    assert "不能晚于今天" in refused.reply.text
    [past] = chat.say("rep2", "Hooli paid 5,000 USD yesterday")
    assert "2026-03-10" in past.reply.text, "yesterday is a fine day for money to arrive"


def test_who_owes_shows_ten_then_more_then_export(chat: Chat) -> None:
    seeded(chat)
    zone = chat.session.world.zone()
    with chat.session.world.uow() as uow:
        from salesbot.services import imports, seed

        seed.seed(uow, {"customers": [{"name": f"客户{n:02d}", "owner": "rep1"} for n in range(12)]})
        for n in range(12):
            imports.invoice(
                uow,
                {"customer": f"客户{n:02d}", "number": f"S-{n}", "amount": str(1000 + n), "due": "2026-05-01"},
                default_currency="CNY",
                tz=zone,
            )
        uow.commit()
    [first] = chat.say("rep1", "谁还欠款")
    lines = [line for line in first.reply.text.splitlines() if re.match(r"\d+\. ", line)]
    assert len(lines) == 10 and lines[0].startswith("1. 宁德时代")
    assert "第1/2页,共15条" in first.reply.text
    assert [b.label for row in first.reply.buttons for b in row] == ["更多 ▸", "📥 导出Excel"]
    [second] = chat.press("rep1", "更多")
    assert "11. " in second.reply.text and "15. " in second.reply.text and "第2/2页" in second.reply.text
    [exported] = chat.say("rep1", "导出")
    [file] = exported.reply.files
    book = load_workbook(io.BytesIO(file.data))
    ranking = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(ranking) == 1 + 15 and ranking[1][0] == "宁德时代" and ranking[1][3] == 300000
    assert book.worksheets[1].max_row == 1 + 4 + 12, "every open installment of the rep's customers"


def test_how_much_one_customer_owes_per_contract_and_installment(chat: Chat) -> None:
    seeded(chat)
    [answer] = chat.say("rep1", "宁德时代还欠多少")
    text = answer.reply.text
    assert "合同 HT-001" in text and "第2期" in text and "逾期65天" in text and "第3期" in text
    assert "合计未收:¥300,000.00" in text
    [english] = chat.say("rep2", "how much does Hooli owe")
    assert "#1 due Sun 2026-02-01: $20,000.00 (38 days overdue)" in english.reply.text


def test_a_rep_asking_past_their_book_gets_their_part_and_is_told(chat: Chat) -> None:
    seeded(chat)
    [wide] = chat.say("rep1", "全公司谁还欠款")
    assert wide.reply.text.startswith("ℹ️ 你只能查看你负责的客户")
    assert "中兴通讯" not in wide.reply.text and "宁德时代" in wide.reply.text
    [foreign] = chat.say("rep1", "中兴通讯还欠多少")
    assert "不是你负责的客户" in foreign.reply.text and "100,000" not in foreign.reply.text
    [finance] = chat.say("fin1", "全公司谁还欠款")
    assert "ℹ️" not in finance.reply.text and "中兴通讯" in finance.reply.text and "· Tom Lee" in finance.reply.text


def test_aging_and_the_80_20_answer(chat: Chat) -> None:
    seeded(chat)
    [aging] = chat.say("mgr1", "账龄")
    assert "👤 张伟" in aging.reply.text and "👤 Tom Lee" in aging.reply.text
    assert "90天以上 ¥40,000.00" in aging.reply.text
    [top] = chat.say("admin", "which customers bring 80% of revenue? top customers")
    assert "CNY: 2 of 8 customers" in top.reply.text and "USD: 1 of 2 customers" in top.reply.text
    assert "1. 宁德时代" in top.reply.text and "2. 中兴通讯" in top.reply.text and "百度" not in top.reply.text


def test_moving_and_splitting_an_installment_in_chat(chat: Chat) -> None:
    seeded(chat)
    [moved] = chat.say("rep1", "宁德时代第二期改到6月30日")
    assert "已改期" in moved.reply.text and "2026-06-30" in moved.reply.text
    [ask] = chat.say("rep1", "宁德时代第三期拆出5万到7月31日")
    assert "已拆分" in ask.reply.text and "2026-07-31" in ask.reply.text and "¥100,000.00" in ask.reply.text
    [which] = chat.say("rep1", "宁德时代第九期改到8月1日")
    assert "没有未结清的第9期" in which.reply.text and len(which.reply.buttons) >= 3
    [done] = chat.press("rep1", "#1")
    assert "2026-08-01" in done.reply.text
    with chat.session.world.uow() as uow:
        dues = sorted(str(d) for d in uow.session.scalars(select(Installment.due_on)))
    assert "2026-06-30" in dues and "2026-07-31" in dues and "2026-08-01" in dues


def test_finance_confirms_from_a_card_when_the_config_asks(db_url: str, tmp_path: Path) -> None:
    from salesbot.config import settings_from

    from .conftest import make_session

    session = make_session(db_url, settings_from({"collections": {"finance_confirms": True}, **NO_REPORTS}, env={}))
    chat = Chat(session)
    try:
        chat.run(f"@seed {FIXTURES / 'team.toml'}")
        chat.run(f"@seed {FIXTURES / 'book.toml'}")
        chat.clock("2026-03-11 10:00")
        chat.say("rep1", "收到小米回款10万")
        sent = chat.press("rep1", "确认记录")
        pending = next(s for s in sent if s.to == "rep1")
        assert "财务确认到账后" in pending.reply.text
        [card] = [s for s in sent if s.to == "fin1"]
        assert "请确认到账" in card.reply.text
        after = chat.press("fin1", "已到账")
        assert any(s.to == "rep1" and "已确认" in s.reply.text for s in after)
        assert any(s.to == "fin1" and s.edit_of is not None for s in after), "the card shows the outcome"
    finally:
        session.world.close()


def test_export_with_nothing_shown_says_how(chat: Chat) -> None:
    [hint] = chat.say("rep1", "导出")
    assert "先问一个问题" in hint.reply.text and not hint.reply.files
