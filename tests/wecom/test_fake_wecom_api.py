"""The WeCom fakes against the real wechatpy 1.8.18: if wechatpy is happy with them, the bot's tests can trust them.

(a) callbacks built from the published algorithm are read by wechatpy's crypto and parser, forged ones refused;
(b) a real ``wechatpy.enterprise.WeChatClient`` talks to the fake server: token, messages, media, template cards,
token expiry and the failures; (c) the group robot's webhook limits; (d) the silent per-member limit.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import xmltodict
from wechatpy.enterprise import WeChatClient, parse_message
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import APILimitedException, InvalidSignatureException, WeChatClientException

from tests.fakes.wecom_api import (
    CODE_ALREADY_USED,
    MEMBER_LIMITS,
    FakeWeComApi,
    ManualClock,
)
from tests.wecom.callbacks import (
    WeComCallbacks,
    aes_key_of,
    encrypt,
    event,
    image_message,
    location_message,
    random_encoding_aes_key,
    random_token,
    template_card_event,
    text_message,
)

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_700_000_000  # a CreateTime


# ---------------------------------------------------------------------- fixtures


@pytest.fixture
def callbacks() -> WeComCallbacks:
    return WeComCallbacks(random_token(), random_encoding_aes_key(), corp_id="ww_test_corp", agent_id=1000002)


@pytest.fixture
def crypto(callbacks: WeComCallbacks) -> WeChatCrypto:
    return WeChatCrypto(callbacks.token, callbacks.encoding_aes_key, callbacks.corp_id)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def api(clock: ManualClock) -> Iterator[FakeWeComApi]:
    with FakeWeComApi(clock=clock).running_in_thread() as fake:
        yield fake


@pytest.fixture
def client(api: FakeWeComApi) -> WeChatClient:
    return api.point(WeChatClient(api.corp_id, api.secret, timeout=5))


def button_card(task_id: str, *keys: str) -> dict[str, Any]:
    return {
        "card_type": "button_interaction",
        "main_title": {"title": "报价审批", "desc": "华为 · 120 万"},
        "task_id": task_id,
        "button_list": [{"text": f"按钮 {key}", "style": 1, "key": key} for key in keys],
    }


def send_card(client: WeChatClient, api: FakeWeComApi, card: dict[str, Any], touser: str = "zhangwei") -> dict:
    data = {"touser": touser, "msgtype": "template_card", "agentid": api.agent_id, "template_card": card}
    return client.post("message/send", data=data)


def update_card(client: WeChatClient, api: FakeWeComApi, response_code: str, replace_name: str = "已批准") -> dict:
    data = {
        "userids": ["zhangwei"],
        "agentid": api.agent_id,
        "response_code": response_code,
        "button": {"replace_name": replace_name},
    }
    return client.post("message/update_template_card", data=data)


def robot_send(api: FakeWeComApi, body: dict[str, Any], key: str = "test-robot-key") -> dict[str, Any]:
    return requests.post(api.robot_url(key), json=body, timeout=5).json()


# ---------------------------------------------------------------------- (a) callbacks vs wechatpy's crypto and parser


def test_random_encoding_aes_key_is_43_chars_of_a_32_byte_key() -> None:
    key = random_encoding_aes_key()
    assert len(key) == 43 and len(aes_key_of(key)) == 32
    assert key != random_encoding_aes_key()
    WeChatCrypto("token", key, "ww_test_corp")  # asserts the key is 32 bytes


def test_verify_url_params_pass_wechatpys_check_signature(callbacks: WeComCallbacks, crypto: WeChatCrypto) -> None:
    query = callbacks.verify_url("8135792468")

    assert set(query) == {"msg_signature", "timestamp", "nonce", "echostr"}
    echo = crypto.check_signature(query["msg_signature"], query["timestamp"], query["nonce"], query["echostr"])
    assert echo == "8135792468"


def test_forged_verify_url_is_refused(callbacks: WeComCallbacks, crypto: WeChatCrypto) -> None:
    query = callbacks.forge_verify_url("8135792468", "bad_signature")

    with pytest.raises(InvalidSignatureException):
        crypto.check_signature(query["msg_signature"], query["timestamp"], query["nonce"], query["echostr"])


def test_post_body_decrypts_back_to_the_xml(callbacks: WeComCallbacks, crypto: WeChatCrypto) -> None:
    xml = text_message("zhangwei", "华为的报价 ]]> <b>要今天</b> & 明天", msg_id=7001, create_time=T0)
    query, body = callbacks.post(xml, timestamp="1700000123", nonce="1372623149")

    assert (query["timestamp"], query["nonce"]) == ("1700000123", "1372623149")
    envelope = xmltodict.parse(body)["xml"]
    assert (envelope["ToUserName"], envelope["AgentID"]) == ("ww_test_corp", "1000002")
    assert crypto.decrypt_message(body, query["msg_signature"], query["timestamp"], query["nonce"]) == xml


def test_plaintext_is_padded_to_32_byte_blocks_with_a_full_block_when_aligned(
    callbacks: WeComCallbacks, crypto: WeChatCrypto
) -> None:
    # 16 random + 4 length + msg + corp id: pick a msg that makes it exactly 64 bytes.
    msg = "x" * (64 - 16 - 4 - len(callbacks.corp_id))
    msg_encrypt = encrypt(msg, callbacks.aes_key, callbacks.corp_id)

    assert len(base64.b64decode(msg_encrypt)) == 96  # 64 + a whole 32-byte block of padding
    query, body = callbacks.post(msg)
    assert crypto.decrypt_message(body, query["msg_signature"], query["timestamp"], query["nonce"]) == msg


def test_forged_posts(callbacks: WeComCallbacks, crypto: WeChatCrypto) -> None:
    xml = text_message("zhangwei", "hi", msg_id=1, create_time=T0)

    def open_(query: dict[str, str], body: bytes) -> str:
        return crypto.decrypt_message(body, query["msg_signature"], query["timestamp"], query["nonce"])

    with pytest.raises(InvalidSignatureException):
        open_(*callbacks.forge(xml, "bad_signature"))
    with pytest.raises(InvalidCorpIdException):
        open_(*callbacks.forge(xml, "other_corp"))
    # Another key decrypts to garbage: wechatpy fails, though not with a crypto exception (usually
    # UnicodeDecodeError, sometimes InvalidCorpIdException or struct.error) -- the endpoint must catch them all.
    for _ in range(20):
        with pytest.raises((InvalidCorpIdException, UnicodeDecodeError, struct.error, ValueError, IndexError)):
            open_(*callbacks.forge(xml, "other_key"))
    # wechatpy does not look at the timestamp at all: refusing a replay is the endpoint's job.
    query, body = callbacks.forge(xml, "stale_timestamp", age=3600)
    assert int(query["timestamp"]) <= time.time() - 3599
    assert open_(query, body) == xml


def test_callbacks_decrypt_a_passive_reply_made_by_wechatpy(callbacks: WeComCallbacks, crypto: WeChatCrypto) -> None:
    reply = "<xml><ToUserName><![CDATA[zhangwei]]></ToUserName><Content><![CDATA[收到]]></Content></xml>"
    encrypted = xmltodict.parse(crypto.encrypt_message(reply, nonce="123456", timestamp="1700000000"))["xml"]

    assert callbacks.decrypt(encrypted["Encrypt"]) == reply
    assert callbacks.check_signature(encrypted["MsgSignature"], "1700000000", "123456", encrypted["Encrypt"])


def test_parse_message_reads_the_text_message() -> None:
    message = parse_message(text_message("zhangwei", "今天拜访了华为", msg_id=1234567890123456, create_time=T0))

    assert message.type == "text"
    assert (message.id, message.source, message.target) == (1234567890123456, "zhangwei", "ww_test_corp")
    assert message.content == "今天拜访了华为"
    assert (message.agent, message.time) == (1000002, T0)


def test_parse_message_reads_image_location_and_enter_agent() -> None:
    image = parse_message(image_message("lisi", "https://wework.qpic.cn/p.jpg", "MEDIA_1", msg_id=2, create_time=T0))
    assert (image.type, image.image, image.media_id) == ("image", "https://wework.qpic.cn/p.jpg", "MEDIA_1")

    where = parse_message(location_message("lisi", 31.2304, 121.4737, msg_id=3, create_time=T0, label="上海市"))
    # wechatpy reads Location_X/Location_Y/Scale as strings: the bot must convert them.
    assert (where.type, where.location, where.scale, where.label) == (
        "location",
        ("31.2304", "121.4737"),
        "15",
        "上海市",
    )

    entered = parse_message(event("lisi", "enter_agent", T0, EventKey=""))
    assert (entered.type, entered.event, entered.source, entered.agent) == ("event", "enter_agent", "lisi", 1000002)


def test_template_card_event_is_an_unknown_message_with_the_fields_in_raw_data() -> None:
    xml = template_card_event("zhangwei", "approve", "quote_42@v1", "RC-123", create_time=T0)

    message = parse_message(xml)

    # wechatpy 1.8.18 registers no class for template_card_event: the bot must read message._data.
    assert type(message).__name__ == "UnknownMessage" and message.type == "unknown"
    data = message._data
    assert (data["MsgType"], data["Event"]) == ("event", "template_card_event")
    assert (data["EventKey"], data["TaskId"], data["ResponseCode"]) == ("approve", "quote_42@v1", "RC-123")
    assert (data["CardType"], data["AgentID"], data["FromUserName"]) == ("button_interaction", "1000002", "zhangwei")
    assert message.source == "zhangwei"


def test_template_card_event_with_selected_items() -> None:
    xml = template_card_event(
        "zhangwei",
        "submit",
        "vote_1",
        "RC-9",
        create_time=T0,
        card_type="vote_interaction",
        selected_items=[("q1", ["opt_a", "opt_b"])],
    )

    data = parse_message(xml)._data
    assert data["SelectedItems"]["SelectedItem"] == {"QuestionKey": "q1", "OptionIds": {"OptionId": ["opt_a", "opt_b"]}}


# ---------------------------------------------------------------------- (b) a real WeChatClient against the fake


def test_token_is_fetched_once_reused_and_kept_in_the_session(api: FakeWeComApi, client: WeChatClient) -> None:
    client.message.send_text(api.agent_id, "zhangwei", "一")
    client.message.send_text(api.agent_id, "zhangwei", "二")

    assert api.token_fetches == 1
    [fetch] = api.sent("gettoken")
    assert (fetch["corpid"], fetch["corpsecret"]) == (api.corp_id, api.secret)
    token = client.session.get(f"{api.corp_id}_{api.secret[:10]}_access_token")
    assert token and all(p["access_token"] == token for p in api.sent("message/send"))


def test_wrong_corp_id_or_secret_is_refused_at_gettoken(api: FakeWeComApi) -> None:
    for corp_id, secret, errcode in [("ww_other", api.secret, 40013), (api.corp_id, "wrong-secret", 40001)]:
        client = api.point(WeChatClient(corp_id, secret, timeout=5))
        with pytest.raises(WeChatClientException) as raised:
            client.message.send_text(api.agent_id, "zhangwei", "hi")
        assert raised.value.errcode == errcode
    assert api.token_fetches == 0 and api.sent("message/send") == []


def test_send_text_and_markdown(api: FakeWeComApi, client: WeChatClient) -> None:
    api.users = {"zhangwei", "lisi"}

    answer = client.message.send_text(api.agent_id, ["zhangwei", "nobody"], "下午三点开会")
    client.message.send_markdown(api.agent_id, "lisi", "**华为**: 报价已批准")

    assert answer["errcode"] == 0 and answer["invaliduser"] == "nobody" and answer["msgid"]
    [text] = api.sent("message/send", touser="zhangwei", msgtype="text")
    assert text["text"]["content"] == "下午三点开会" and text["touser"] == "zhangwei|nobody"
    assert text["agentid"] == api.agent_id
    assert api.sent("message/send", touser="lisi", content="**华为**: 报价已批准")
    assert [m.delivered_content for m in api.received("zhangwei")] == ["下午三点开会"]
    assert [m.msgtype for m in api.received("lisi")] == ["markdown"]
    assert api.received("nobody") == []


def test_sending_only_to_unknown_members_or_another_agent_fails(api: FakeWeComApi, client: WeChatClient) -> None:
    api.users = {"zhangwei"}
    with pytest.raises(WeChatClientException) as raised:
        client.message.send_text(api.agent_id, "nobody", "hi")
    assert raised.value.errcode == 81013

    with pytest.raises(WeChatClientException) as raised:
        client.message.send_text(api.agent_id + 1, "zhangwei", "hi")
    assert raised.value.errcode == 301002


def test_long_text_is_cut_at_2048_bytes_but_long_markdown_is_refused(api: FakeWeComApi, client: WeChatClient) -> None:
    long_text = "报" * 700  # 2100 bytes

    client.message.send_text(api.agent_id, "zhangwei", long_text)
    with pytest.raises(WeChatClientException) as raised:
        client.message.send_markdown(api.agent_id, "zhangwei", "**报**" * 300)  # 2100 bytes

    [message] = api.messages
    assert message.truncated and message.delivered_content == "报" * 682  # 2046 bytes: cut on a character
    assert raised.value.errcode == 45002


def test_media_upload_keeps_the_bytes_and_image_messages_need_an_uploaded_image(
    api: FakeWeComApi, client: WeChatClient
) -> None:
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    image = client.media.upload("image", ("visit.png", picture))
    document = client.media.upload("file", ("报价单.pdf", b"%PDF-1.7 quote"))

    assert (image["errcode"], image["type"]) == (0, "image") and image["created_at"].isdigit()
    assert api.media[image["media_id"]] == ("visit.png", picture)
    assert api.media[document["media_id"]] == ("报价单.pdf", b"%PDF-1.7 quote")
    [upload] = api.sent("media/upload", type="image")
    assert upload["media"].filename == "visit.png"

    client.message.send_image(api.agent_id, "zhangwei", image["media_id"])
    client.message.send_file(api.agent_id, "zhangwei", document["media_id"])
    assert [m.msgtype for m in api.messages] == ["image", "file"]
    for wrong in ["not-uploaded", document["media_id"]]:  # unknown, or a file where an image is wanted
        with pytest.raises(WeChatClientException) as raised:
            client.message.send_image(api.agent_id, "zhangwei", wrong)
        assert raised.value.errcode == 40007
    with pytest.raises(WeChatClientException) as raised:
        client.media.upload("image", ("tiny.png", b"12345"))  # WeCom wants more than 5 bytes
    assert raised.value.errcode == 40006


def test_template_card_gets_a_response_code_that_updates_the_card_once(api: FakeWeComApi, client: WeChatClient) -> None:
    answer = send_card(client, api, button_card("quote_42", "approve", "reject"))

    assert answer["errcode"] == 0 and answer["response_code"]
    assert api.card("quote_42")["button_list"][0]["key"] == "approve"
    assert update_card(client, api, answer["response_code"])["errcode"] == 0
    with pytest.raises(WeChatClientException) as raised:
        update_card(client, api, answer["response_code"], "再次")
    assert raised.value.errcode == CODE_ALREADY_USED
    with pytest.raises(WeChatClientException):
        update_card(client, api, "never-issued")

    [update] = api.card_updates
    assert (update.task_id, update.replace_name, update.userids) == ("quote_42", "已批准", ["zhangwei"])


def test_a_click_issues_a_fresh_response_code_for_the_callback(api: FakeWeComApi, client: WeChatClient) -> None:
    sent = send_card(client, api, button_card("quote_7", "approve", "reject"))
    update_card(client, api, sent["response_code"], "处理中")

    clicked = api.card_click("quote_7", "zhangwei", "approve")
    xml = template_card_event("zhangwei", "approve", "quote_7", clicked, create_time=T0)

    assert parse_message(xml)._data["ResponseCode"] == clicked
    new_card = button_card("quote_7", "done") | {"main_title": {"title": "已批准"}}
    data = {"userids": ["zhangwei"], "agentid": api.agent_id, "response_code": clicked, "template_card": new_card}
    assert client.post("message/update_template_card", data=data)["errcode"] == 0
    assert api.card_updates[-1].template_card == new_card
    with pytest.raises(ValueError):
        api.card_click("quote_7", "lisi", "approve")  # lisi never got the card


def test_template_card_rules(api: FakeWeComApi, client: WeChatClient) -> None:
    send_card(client, api, button_card("quote_1", "a"))
    cases = [
        (button_card("quote_1", "a"), 40058),  # a task_id is used once per app
        (button_card("quote 2!", "a"), 42014),  # only [0-9A-Za-z_@-]
        (button_card("x" * 129, "a"), 42014),
        (button_card("quote_3", *"abcdefg"), 40058),  # at most 6 buttons
        (button_card("quote_4", "a", "a"), 42018),  # keys must differ
        ({**button_card("quote_5"), "button_list": [{"text": "好"}]}, 42019),
        ({**button_card("quote_6"), "button_list": [{"key": "ok"}]}, 42020),
        ({key: v for key, v in button_card("quote_8", "a").items() if key != "task_id"}, 42014),
        ({"card_type": "fancy", "task_id": "quote_9"}, 40058),
    ]
    for card, errcode in cases:
        with pytest.raises(WeChatClientException) as raised:
            send_card(client, api, card)
        assert raised.value.errcode == errcode, card
    # A text notice without a menu is not clickable: no response_code.
    notice = {"card_type": "text_notice", "main_title": {"title": "周报"}, "card_action": {"type": 1, "url": "x"}}
    assert "response_code" not in send_card(client, api, notice)


def test_reused_task_id_can_be_dropped_silently_instead(api: FakeWeComApi, client: WeChatClient) -> None:
    api.duplicate_task_id = "drop"
    first = send_card(client, api, button_card("quote_1", "a"))
    again = send_card(client, api, button_card("quote_1", "a"))

    assert first["response_code"] and again["errcode"] == 0 and "response_code" not in again
    assert len(api.messages) == 1 and api.dropped[0].task_id == "quote_1"


def test_expired_token_is_refreshed_by_wechatpys_retry(
    api: FakeWeComApi, client: WeChatClient, clock: ManualClock
) -> None:
    client.message.send_text(api.agent_id, "zhangwei", "早")
    clock.advance(7200)  # the fake's clock: wechatpy still thinks its token is good, by the wall clock

    client.message.send_text(api.agent_id, "zhangwei", "晚")

    assert api.token_fetches == 2
    answers = [(c.path, c.response["errcode"]) for c in api.requests]
    assert answers == [
        ("gettoken", 0),
        ("message/send", 0),
        ("message/send", 42001),
        ("gettoken", 0),
        ("message/send", 0),
    ]
    assert [m.delivered_content for m in api.messages] == ["早", "晚"]


def test_expire_tokens_and_an_unknown_token_are_both_retried(api: FakeWeComApi, client: WeChatClient) -> None:
    client.message.send_text(api.agent_id, "zhangwei", "1")
    api.expire_tokens()
    client.message.send_text(api.agent_id, "zhangwei", "2")
    client.session.set(client.access_token_key, "forged-token")
    client.message.send_text(api.agent_id, "zhangwei", "3")

    errcodes = [c.response["errcode"] for c in api.requests if c.path == "message/send"]
    assert errcodes == [0, 42001, 0, 40014, 0]
    assert len(api.messages) == 3 and api.token_fetches == 3


def test_wechatpys_retry_uploads_an_already_read_file_as_empty(
    api: FakeWeComApi, client: WeChatClient, clock: ManualClock
) -> None:
    client.message.send_text(api.agent_id, "zhangwei", "warm up")
    clock.advance(7201)
    picture = io.BytesIO(b"\x89PNG fake picture bytes")
    picture.name = "visit.png"

    # wechatpy retries with the same file object, now at its end: WeCom gets an empty file.
    with pytest.raises(WeChatClientException) as raised:
        client.media.upload("image", picture)
    assert raised.value.errcode == 44001

    clock.advance(7201)
    assert client.media.upload("image", ("visit.png", b"\x89PNG fake picture bytes"))["errcode"] == 0  # bytes: fine


def test_injected_failures(api: FakeWeComApi, client: WeChatClient) -> None:
    api.fail_next("message/send", 45009)
    with pytest.raises(APILimitedException):
        client.message.send_text(api.agent_id, "zhangwei", "限流")
    api.fail_next("/cgi-bin/message/send", -1)
    with pytest.raises(WeChatClientException) as raised:
        client.message.send_text(api.agent_id, "zhangwei", "系统繁忙")
    assert raised.value.errcode == -1

    api.http_error_next("message/send", 502)
    with pytest.raises(WeChatClientException) as raised:
        client.message.send_text(api.agent_id, "zhangwei", "网关")
    assert raised.value.errcode is None  # wechatpy wraps an HTTP error without an errcode

    api.disconnect_next("message/send")
    with pytest.raises(requests.ConnectionError):
        client.message.send_text(api.agent_id, "zhangwei", "lost before")
    api.disconnect_next("message/send", after_processing=True)
    with pytest.raises(requests.ConnectionError):
        client.message.send_text(api.agent_id, "zhangwei", "lost after")

    assert [m.delivered_content for m in api.messages] == ["lost after"]


def test_a_stalled_send_times_out_in_the_client_yet_is_delivered(api: FakeWeComApi, client: WeChatClient) -> None:
    client.message.send_text(api.agent_id, "zhangwei", "warm up")
    api.stall_next("message/send", 0.3)
    client.timeout = 0.1

    with pytest.raises(requests.Timeout):
        client.message.send_text(api.agent_id, "zhangwei", "慢")

    api.wait_for("message/send", count=2)
    assert [m.delivered_content for m in api.messages] == ["warm up", "慢"]


async def test_the_fake_on_the_tests_event_loop_with_wechatpy_in_a_thread() -> None:
    async with FakeWeComApi() as api:
        client = api.point(WeChatClient(api.corp_id, api.secret, timeout=5))

        await asyncio.to_thread(client.message.send_text, api.agent_id, "zhangwei", "你好")

        [sent] = await api.wait_for_async("message/send")
        assert sent["text"]["content"] == "你好"


def test_runs_as_a_process() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.wecom_api", "--port", "0", "--robot-key", "bench"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdin is not None
        url = process.stdout.readline().strip()
        token = requests.get(f"{url}/cgi-bin/gettoken", params={"corpid": "ww_test_corp", "corpsecret": "test-secret"})
        robot = requests.post(
            f"{url}/cgi-bin/webhook/send?key=bench", json={"msgtype": "text", "text": {"content": "x"}}
        )
        assert 7100 < token.json()["expires_in"] <= 7200 and robot.json() == {"errcode": 0, "errmsg": "ok"}
        process.stdin.close()
        stats = process.stdout.readline()
        assert '"token_fetches": 1' in stats and '"bench": 1' in stats
    finally:
        process.kill()
        process.wait(timeout=5)


# ---------------------------------------------------------------------- (c) the group robot


def test_robot_markdown_is_limited_to_4096_bytes(api: FakeWeComApi) -> None:
    exactly = "报" * 1365 + "a"  # 4096 bytes
    assert robot_send(api, {"msgtype": "markdown", "markdown": {"content": exactly}})["errcode"] == 0

    refused = robot_send(api, {"msgtype": "markdown", "markdown": {"content": exactly + "a"}})

    assert refused["errcode"] == 40058 and "exceed max length 4096" in refused["errmsg"]
    assert robot_send(api, {"msgtype": "text", "text": {"content": "a" * 2049}})["errcode"] == 40058
    assert [b["markdown"]["content"] for b in api.robot_messages["test-robot-key"]] == [exactly]


def test_robot_image_md5_must_be_that_of_the_bytes(api: FakeWeComApi) -> None:
    picture = b"\x89PNG\r\n\x1a\n chart of the week"
    encoded = base64.b64encode(picture).decode()

    wrong = robot_send(
        api, {"msgtype": "image", "image": {"base64": encoded, "md5": hashlib.md5(encoded.encode()).hexdigest()}}
    )
    right = robot_send(api, {"msgtype": "image", "image": {"base64": encoded, "md5": hashlib.md5(picture).hexdigest()}})

    assert wrong["errcode"] == 301019 and right["errcode"] == 0
    assert len(api.robot_messages["test-robot-key"]) == 1


def test_robot_allows_20_messages_a_minute(api: FakeWeComApi, clock: ManualClock) -> None:
    for i in range(20):
        assert robot_send(api, {"msgtype": "text", "text": {"content": f"第{i}条"}})["errcode"] == 0
        clock.advance(1)

    limited = robot_send(api, {"msgtype": "text", "text": {"content": "第21条"}})
    assert limited["errcode"] == 45009 and limited["errmsg"].startswith("api freq out of limit")
    clock.advance(41)  # the first message is now a minute old
    assert robot_send(api, {"msgtype": "text", "text": {"content": "第22条"}})["errcode"] == 0
    assert len(api.robot_messages["test-robot-key"]) == 21


def test_robot_unknown_key_and_files(api: FakeWeComApi, client: WeChatClient) -> None:
    assert robot_send(api, {"msgtype": "text", "text": {"content": "x"}}, key="nope")["errcode"] == 93000

    uploaded = requests.post(
        f"{api.url}/cgi-bin/webhook/upload_media",
        params={"key": "test-robot-key", "type": "file"},
        files={"media": ("周报.xlsx", b"PK\x03\x04 weekly report")},
        timeout=5,
    ).json()
    app_media = client.media.upload("file", ("a.pdf", b"%PDF-1.7 app file"))["media_id"]

    assert uploaded["errcode"] == 0 and api.media[uploaded["media_id"]] == ("周报.xlsx", b"PK\x03\x04 weekly report")
    assert robot_send(api, {"msgtype": "file", "file": {"media_id": uploaded["media_id"]}})["errcode"] == 0
    assert robot_send(api, {"msgtype": "file", "file": {"media_id": app_media}})["errcode"] == 40007


# ---------------------------------------------------------------------- (d) the silent per-member limit


def test_the_31st_message_to_a_member_within_a_minute_is_silently_dropped(
    api: FakeWeComApi, client: WeChatClient, clock: ManualClock
) -> None:
    for i in range(30):
        client.message.send_text(api.agent_id, "zhangwei", f"消息{i}")
        clock.advance(1)

    answer = client.message.send_text(api.agent_id, "zhangwei|lisi", "第31条")

    assert answer["errcode"] == 0 and answer["msgid"]  # WeCom says nothing
    assert len(api.received("zhangwei")) == 30
    [dropped] = api.dropped
    assert (dropped.touser, dropped.delivered_content) == (("zhangwei",), "第31条")
    assert [m.delivered_content for m in api.received("lisi")] == ["第31条"]  # the other member got it
    clock.advance(30)  # the first message is now a minute old
    client.message.send_text(api.agent_id, "zhangwei", "第32条")
    assert api.received("zhangwei")[-1].delivered_content == "第32条"


def test_the_hourly_member_limit(api: FakeWeComApi, client: WeChatClient, clock: ManualClock) -> None:
    assert MEMBER_LIMITS == ((30, 60.0), (1000, 3600.0))
    api.member_limits = ((30, 60.0), (3, 3600.0))  # same mechanism, fewer requests

    for _ in range(4):
        client.message.send_text(api.agent_id, "zhangwei", "hourly")
        clock.advance(600)

    assert len(api.messages) == 3 and len(api.dropped) == 1
    clock.advance(1200)  # the first is an hour old
    client.message.send_text(api.agent_id, "zhangwei", "again")
    assert len(api.messages) == 4
