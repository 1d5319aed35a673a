"""Two close readings of a sentence (issue 17, item 5): the chat asks "你是想…?" with one button per action and
取消, and the pressed one goes on with the same sentence read that way."""

from __future__ import annotations

from pathlib import Path

from salesbot.channels.console import Sent
from tests.conftest import Chat

SCRIPTS = Path(__file__).parent / "scripts"


def labels(sent: Sent) -> list[str]:
    return [b.label for row in sent.reply.buttons for b in row]


def test_two_close_readings_are_asked_about_and_the_pressed_one_goes_on(chat: Chat) -> None:
    [question] = chat.say("rep2", "the Initech contract is now worth 60k")
    assert "Did you mean" in question.reply.text
    assert labels(question) == ["Update the deal (stage or value)", "Submit a contract", "Cancel"]
    assert not chat.to("mgr1"), "nothing is submitted before the rep says which"
    done = chat.press("rep2", "Submit a contract")
    assert "Submitted the Initech contract" in chat.to("rep2", done)[0].reply.text
    assert chat.to("mgr1", done), "the contract went for approval as if typed plainly"


def test_a_contract_named_with_its_amount_and_no_change_is_submitted_without_asking(chat: Chat) -> None:
    sent = chat.say("rep2", "contract for Initech worth 60k, net 30")
    assert "Submitted the Initech contract" in chat.to("rep2", sent)[0].reply.text
    assert chat.to("mgr1", sent), "it went for approval at once"


def test_cancel_does_nothing_and_a_plain_sentence_is_not_asked_about(chat: Chat) -> None:
    [question] = chat.say("rep1", "阿里巴巴合同金额改成80万")
    assert "你是想" in question.reply.text and labels(question) == ["更新商机(阶段或金额)", "提交合同", "取消"]
    [cancelled] = chat.press("rep1", "取消")
    assert "已取消" in cancelled.reply.text
    [logged] = chat.say("rep1", "拜访了阿里巴巴,下周二再跟进")
    assert "你是想" not in logged.reply.text


def test_the_scripts_in_both_languages_ask_then_go_on_as_pressed(run_script) -> None:  # type: ignore[no-untyped-def]
    for script, asks, went_on in (
        ("which_reading_zh.txt", "你是想", "合同"),
        ("which_reading_en.txt", "Did you mean", "Initech"),
    ):
        sent = [s for s in run_script(SCRIPTS / script) if s.to in ("rep1", "rep2")]
        questions = [s for s in sent if asks in s.reply.text]
        assert len(questions) == 2 and all(len(q.reply.buttons) == 3 for q in questions)
        assert went_on in sent[1].reply.text and asks not in sent[1].reply.text
