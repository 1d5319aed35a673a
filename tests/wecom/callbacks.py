"""WeCom (企业微信) callbacks built the way WeCom's servers build them, for tests of the bot's callback endpoint.

Written from WeCom's published algorithm (加解密方案说明), with ``cryptography`` and NOT wechatpy: the code under test
decrypts with wechatpy, so the test side must not share its bugs.

- AESKey = base64decode(EncodingAESKey + "="), 32 bytes; AES-256-CBC with IV = AESKey[:16].
- plaintext = 16 random bytes + len(msg) as 4 bytes big-endian + msg + receiveid (the corp id), PKCS#7-padded to a
  multiple of 32 bytes (not AES's 16: WeCom's block size); msg_encrypt = base64(ciphertext).
- msg_signature = sha1 of the concatenation of sorted([token, timestamp, nonce, msg_encrypt]), hex.

URL verification (GET) carries msg_signature, timestamp, nonce and echostr (the encrypted echo) in the query; a
message (POST) carries msg_signature, timestamp, nonce in the query and the encrypted XML envelope as the body::

    cb = WeComCallbacks(token, aes_key, corp_id="ww_test_corp", agent_id=1000002)
    resp = client.get("/wecom/callback", params=cb.verify_url("echo-123"))       # must answer "echo-123"
    query, body = cb.post(text_message("zhangwei", "你好", msg_id=1, create_time=1_700_000_000))
    resp = client.post("/wecom/callback", params=query, data=body)

Pass the query as a dict (``params=``) so the HTTP client URL-encodes it: echostr is base64 ("+", "/", "="), and
WeCom sends it URL-encoded. ``forge`` builds the attacks and mistakes the endpoint must refuse; wechatpy itself
refuses only some of them (it does not look at the timestamp).
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import struct
import time
from collections.abc import Callable, Iterable
from typing import Literal

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

DEFAULT_CORP_ID = "ww_test_corp"
DEFAULT_AGENT_ID = 1000002
BLOCK_SIZE = 32  # WeCom pads to 32 bytes

ForgeKind = Literal["bad_signature", "stale_timestamp", "other_key", "other_corp"]


def random_encoding_aes_key() -> str:
    """A fresh EncodingAESKey as the admin console shows one: 43 characters of base64 (32 bytes, "=" dropped)."""
    return base64.b64encode(os.urandom(32)).decode("ascii").rstrip("=")


def random_token() -> str:
    """A callback Token: WeCom's console generates up to 32 letters and digits."""
    return secrets.token_hex(16)


def aes_key_of(encoding_aes_key: str) -> bytes:
    if len(encoding_aes_key) != 43:
        raise ValueError(f"an EncodingAESKey has 43 characters, not {len(encoding_aes_key)}")
    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:
        raise ValueError("an EncodingAESKey decodes to 32 bytes")
    return key


def encrypt(msg: str, aes_key: bytes, receive_id: str) -> str:
    """msg_encrypt for ``msg``: base64 of AES-256-CBC over random(16) + length + msg + receive_id, padded."""
    data = msg.encode("utf-8")
    plain = os.urandom(16) + struct.pack(">I", len(data)) + data + receive_id.encode("utf-8")
    pad = BLOCK_SIZE - len(plain) % BLOCK_SIZE  # 1..32: a full block of padding when already aligned
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(aes_key), modes.CBC(aes_key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")


def decrypt(msg_encrypt: str, aes_key: bytes, receive_id: str) -> str:
    """The message inside ``msg_encrypt``; ValueError if the padding or the receive id is wrong."""
    decryptor = Cipher(algorithms.AES(aes_key), modes.CBC(aes_key[:16])).decryptor()
    plain = decryptor.update(base64.b64decode(msg_encrypt)) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= BLOCK_SIZE or plain[-pad:] != bytes([pad]) * pad:
        raise ValueError("bad PKCS#7 padding (wrong key?)")
    body = plain[16:-pad]
    if len(body) < 4:
        raise ValueError("too short to hold a message length (wrong key?)")
    (length,) = struct.unpack(">I", body[:4])
    msg, rest = body[4 : 4 + length], body[4 + length :]
    if rest.decode("utf-8", "replace") != receive_id:
        raise ValueError(f"receive id {rest!r} is not {receive_id!r}")
    return msg.decode("utf-8")


def signature(token: str, timestamp: str, nonce: str, msg_encrypt: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, msg_encrypt])).encode("utf-8")).hexdigest()


class WeComCallbacks:
    """What WeCom sends to one app's callback URL, for a Token and EncodingAESKey set in the admin console."""

    def __init__(
        self,
        token: str,
        encoding_aes_key: str,
        corp_id: str = DEFAULT_CORP_ID,
        agent_id: int = DEFAULT_AGENT_ID,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.encoding_aes_key = encoding_aes_key
        self.aes_key = aes_key_of(encoding_aes_key)
        self.corp_id = corp_id
        self.agent_id = agent_id
        self.clock = clock  # wall-clock seconds: WeCom's timestamp is Unix time

    # ------------------------------------------------------------------ URL verification (GET)

    def verify_url(
        self, echostr_plain: str, *, timestamp: str | None = None, nonce: str | None = None
    ) -> dict[str, str]:
        """The query of the GET WeCom sends when the admin saves the callback URL; the endpoint must answer the
        decrypted echostr (``echostr_plain``), as plain text, within 1 second."""
        timestamp, nonce = self._stamp(timestamp, nonce)
        echostr = encrypt(echostr_plain, self.aes_key, self.corp_id)
        return {
            "msg_signature": signature(self.token, timestamp, nonce, echostr),
            "timestamp": timestamp,
            "nonce": nonce,
            "echostr": echostr,
        }

    def forge_verify_url(self, echostr_plain: str, kind: ForgeKind = "bad_signature") -> dict[str, str]:
        """A URL verification the endpoint must refuse; ``kind`` as for ``forge``."""
        timestamp, nonce, echostr = self._forged(echostr_plain, kind)
        sig = signature(self.token, timestamp, nonce, echostr)
        if kind == "bad_signature":
            sig = _tamper(sig)
        return {"msg_signature": sig, "timestamp": timestamp, "nonce": nonce, "echostr": echostr}

    # ------------------------------------------------------------------ messages and events (POST)

    def post(
        self, xml_plain: str, *, timestamp: str | None = None, nonce: str | None = None
    ) -> tuple[dict[str, str], bytes]:
        """(query, body) of the POST carrying ``xml_plain`` (one of the builders below) encrypted."""
        timestamp, nonce = self._stamp(timestamp, nonce)
        msg_encrypt = encrypt(xml_plain, self.aes_key, self.corp_id)
        return self._envelope(timestamp, nonce, msg_encrypt, signature(self.token, timestamp, nonce, msg_encrypt))

    def forge(
        self, xml_plain: str, kind: ForgeKind = "bad_signature", *, age: float = 3600.0
    ) -> tuple[dict[str, str], bytes]:
        """A POST the endpoint must refuse (or, for the body, cannot read):

        - ``bad_signature``: a correct body, a msg_signature that does not match it;
        - ``stale_timestamp``: everything valid but the timestamp ``age`` seconds old (a replay);
        - ``other_key``: signed with the right Token, encrypted with another EncodingAESKey (decrypts to garbage);
        - ``other_corp``: encrypted with the right key for another corp's receive id.
        """
        timestamp, nonce, msg_encrypt = self._forged(xml_plain, kind, age=age)
        sig = signature(self.token, timestamp, nonce, msg_encrypt)
        if kind == "bad_signature":
            sig = _tamper(sig)
        return self._envelope(timestamp, nonce, msg_encrypt, sig)

    def decrypt(self, encrypt_b64: str) -> str:
        """The plaintext of an ``Encrypt`` the bot produced (a passive reply), checked against this corp id."""
        return decrypt(encrypt_b64, self.aes_key, self.corp_id)

    def check_signature(self, msg_signature: str, timestamp: str, nonce: str, msg_encrypt: str) -> bool:
        """Whether a passive reply's MsgSignature is right."""
        return signature(self.token, timestamp, nonce, msg_encrypt) == msg_signature

    # ------------------------------------------------------------------ internals

    def _stamp(self, timestamp: str | None, nonce: str | None) -> tuple[str, str]:
        # WeCom's nonce is a string of digits; its timestamp is Unix seconds.
        return (
            timestamp if timestamp is not None else str(int(self.clock())),
            nonce if nonce is not None else str(secrets.randbelow(9 * 10**9) + 10**9),
        )

    def _forged(self, plain: str, kind: ForgeKind, *, age: float = 3600.0) -> tuple[str, str, str]:
        timestamp, nonce = self._stamp(None, None)
        if kind == "stale_timestamp":
            timestamp = str(int(self.clock() - age))
        key, receive_id = self.aes_key, self.corp_id
        if kind == "other_key":
            key = aes_key_of(random_encoding_aes_key())
        elif kind == "other_corp":
            receive_id = f"{self.corp_id}_other"
        elif kind not in ("bad_signature", "stale_timestamp"):
            raise ValueError(f"unknown forgery {kind!r}")
        return timestamp, nonce, encrypt(plain, key, receive_id)

    def _envelope(self, timestamp: str, nonce: str, msg_encrypt: str, sig: str) -> tuple[dict[str, str], bytes]:
        body = (
            "<xml>"
            f"<ToUserName>{_cdata(self.corp_id)}</ToUserName>"
            f"<AgentID>{_cdata(str(self.agent_id))}</AgentID>"
            f"<Encrypt>{_cdata(msg_encrypt)}</Encrypt>"
            "</xml>"
        )
        return {"msg_signature": sig, "timestamp": timestamp, "nonce": nonce}, body.encode("utf-8")


# ---------------------------------------------------------------------- the plaintext XML WeCom sends
# Element order and CDATA use as in WeCom's 接收消息与事件 documentation: strings in CDATA, numbers bare.


def text_message(
    from_user: str,
    content: str,
    msg_id: int,
    create_time: int,
    *,
    corp_id: str = DEFAULT_CORP_ID,
    agent_id: int = DEFAULT_AGENT_ID,
) -> str:
    return _xml(corp_id, from_user, create_time, "text", [("Content", content), ("MsgId", msg_id)], agent_id)


def image_message(
    from_user: str,
    pic_url: str,
    media_id: str,
    msg_id: int,
    create_time: int,
    *,
    corp_id: str = DEFAULT_CORP_ID,
    agent_id: int = DEFAULT_AGENT_ID,
) -> str:
    fields = [("PicUrl", pic_url), ("MediaId", media_id), ("MsgId", msg_id)]
    return _xml(corp_id, from_user, create_time, "image", fields, agent_id)


def location_message(
    from_user: str,
    latitude: float,
    longitude: float,
    msg_id: int,
    create_time: int,
    *,
    scale: int = 15,
    label: str = "",
    corp_id: str = DEFAULT_CORP_ID,
    agent_id: int = DEFAULT_AGENT_ID,
) -> str:
    """A location the member sent: Location_X is the latitude, Location_Y the longitude."""
    fields = [
        ("Location_X", latitude),
        ("Location_Y", longitude),
        ("Scale", scale),
        ("Label", label),
        ("MsgId", msg_id),
    ]
    return _xml(corp_id, from_user, create_time, "location", fields, agent_id)


def event(
    from_user: str,
    event: str,
    create_time: int,
    *,
    corp_id: str = DEFAULT_CORP_ID,
    agent_id: int = DEFAULT_AGENT_ID,
    **fields: str | int | float,
) -> str:
    """An event: ``Event`` then ``fields`` in the order given (e.g. ``EventKey=""`` for enter_agent, which WeCom
    sends empty), then AgentID."""
    return _xml(corp_id, from_user, create_time, "event", [("Event", event), *fields.items()], agent_id)


def template_card_event(
    from_user: str,
    event_key: str,
    task_id: str,
    response_code: str,
    create_time: int,
    card_type: str = "button_interaction",
    *,
    selected_items: Iterable[tuple[str, Iterable[str]]] = (),
    corp_id: str = DEFAULT_CORP_ID,
    agent_id: int = DEFAULT_AGENT_ID,
) -> str:
    """模板卡片事件推送: a member clicked a button (EventKey = the button's key) of the card sent with ``task_id``;
    ``response_code`` updates that card once. ``selected_items`` (question_key, option_ids) for vote and
    multiple-choice cards."""
    fields: list[tuple[str, str | int | float]] = [
        ("Event", "template_card_event"),
        ("EventKey", event_key),
        ("TaskId", task_id),
        ("CardType", card_type),
        ("ResponseCode", response_code),
    ]
    xml = _xml(corp_id, from_user, create_time, "event", fields, agent_id)
    items = list(selected_items)
    if not items:
        return xml
    selected = "".join(
        "<SelectedItem>"
        f"<QuestionKey>{_cdata(question)}</QuestionKey>"
        f"<OptionIds>{''.join(f'<OptionId>{_cdata(o)}</OptionId>' for o in options)}</OptionIds>"
        "</SelectedItem>"
        for question, options in items
    )
    return xml.removesuffix("</xml>") + f"<SelectedItems>{selected}</SelectedItems></xml>"


def _xml(
    corp_id: str,
    from_user: str,
    create_time: int,
    msg_type: str,
    fields: Iterable[tuple[str, str | int | float]],
    agent_id: int,
) -> str:
    parts = [
        f"<ToUserName>{_cdata(corp_id)}</ToUserName>",
        f"<FromUserName>{_cdata(from_user)}</FromUserName>",
        f"<CreateTime>{int(create_time)}</CreateTime>",
        f"<MsgType>{_cdata(msg_type)}</MsgType>",
        *(f"<{name}>{_value(value)}</{name}>" for name, value in fields),
        f"<AgentID>{int(agent_id)}</AgentID>",
    ]
    return "<xml>" + "".join(parts) + "</xml>"


def _value(value: str | int | float) -> str:
    return _cdata(value) if isinstance(value, str) else str(value)


def _cdata(text: str) -> str:
    # "]]>" cannot appear inside a CDATA section: split it across two.
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _tamper(sig: str) -> str:
    return ("0" if sig[0] != "0" else "1") + sig[1:]
