"""Names the team does not have, as a rep meets them in a chat (issue 17): a look-alike is asked about, never
assumed; an unknown name is offered as a new customer with one tap."""

from __future__ import annotations

from pathlib import Path

from salesbot.channels.console import Sent
from tests.conftest import Chat

SCRIPTS = Path(__file__).parent / "scripts"


def labels(sent: Sent) -> list[str]:
    return [b.label for row in sent.reply.buttons for b in row]


def test_a_name_that_only_contains_a_customer_is_asked_about(chat: Chat) -> None:
    [question] = chat.say("rep1", "拜访了京东物流,下周二再跟进")
    assert "京东物流" in question.reply.text
    assert labels(question)[:2] == ["京东", "新建「京东物流」"]


def test_an_unknown_name_in_a_sentence_is_offered_as_a_new_customer_with_one_tap(chat: Chat) -> None:
    [question] = chat.say("rep1", "拜访了蓝鲸科技,下周二再跟进")
    assert labels(question)[0] == "新建「蓝鲸科技」"
    done = chat.press("rep1", "新建")
    assert any("蓝鲸科技" in s.reply.text for s in done)


def test_a_slip_in_a_name_is_asked_about_and_the_guess_taken_with_one_tap(chat: Chat) -> None:
    [question] = chat.say("rep1", "拜访了阿丽,下周二再跟进")
    assert "阿里巴巴" in question.reply.text and "阿丽" in question.reply.text
    assert labels(question) == ["阿里巴巴", "新建「阿丽」", "取消"]
    assert "2026-03-17" not in question.reply.text, "nothing is logged before the rep says which customer"
    [logged] = chat.press("rep1", "阿里巴巴")
    assert "阿里巴巴" in logged.reply.text and "2026-03-17" in logged.reply.text


def test_a_slip_can_be_a_new_customer_after_all(chat: Chat) -> None:
    chat.say("rep2", "met 京冬 today, follow up next tuesday")
    created, logged = chat.press("rep2", "Create")
    assert "京冬" in created.reply.text and "京冬" in logged.reply.text and "2026-03-17" in logged.reply.text


def test_a_slip_in_a_typed_answer_is_asked_about_too(chat: Chat) -> None:
    [which] = chat.say("rep1", "今天拜访了客户,下周二再跟进")
    assert labels(which) == ["取消"]
    [question] = chat.say("rep1", "阿丽")
    assert labels(question)[:2] == ["阿里巴巴", "新建「阿丽」"]


def test_a_longer_name_is_never_taken_for_the_known_one_in_english(chat: Chat) -> None:
    [question] = chat.say("rep2", "visited Initech Labs today, follow up next wednesday")
    assert "Initech Labs" in question.reply.text
    assert labels(question) == ["Initech", "Create “Initech Labs”", "Cancel"]
    [logged] = chat.press("rep2", "#1")
    assert "Initech" in logged.reply.text and "2026-03-18" in logged.reply.text


def test_an_unknown_name_in_an_english_sentence_is_offered_with_one_tap(chat: Chat) -> None:
    [question] = chat.say("rep2", "met with Brightside today, follow up next friday")
    assert labels(question) == ["Create “Brightside”", "Cancel"]
    created, logged = chat.press("rep2", "Create")
    assert "Brightside" in created.reply.text and "2026-03-20" in logged.reply.text


def test_xiaomi_met_in_a_sentence_is_offered_as_a_new_customer(chat: Chat) -> None:
    [question] = chat.say("rep1", "拜访了小米,下周四再跟进")
    assert labels(question) == ["新建「小米」", "取消"]
    created, logged = chat.press("rep1", "新建")
    assert "小米" in created.reply.text and "2026-03-19" in logged.reply.text


def test_what_a_look_alike_owes_is_asked_about_not_the_whole_book(chat: Chat) -> None:
    [question] = chat.say("rep2", "京东物流还欠多少钱")
    assert labels(question)[:2] == ["京东", "Create “京东物流”"]


def test_the_scripts_in_both_languages_ask_before_acting(run_script) -> None:  # type: ignore[no-untyped-def]
    for script, asks in (("slipped_names_zh.txt", "是「阿里巴巴」吗"), ("slipped_names_en.txt", "Did you mean 京东")):
        sent = run_script(SCRIPTS / script)
        assert asks in sent[0].reply.text and not any(
            "Logged" in s.reply.text or "已记录" in s.reply.text for s in sent[:1]
        )
        questions = [s for s in sent if s.reply.buttons]
        assert len(questions) == 3, "the slip, the look-alike and the unknown name each ask once"
        assert sum(("已记录" in s.reply.text or "Logged" in s.reply.text) for s in sent) == 3
