"""WeCom (企业微信), through wechatpy 1.8: a self-built app's callbacks in as `Incoming`, `Reply` out as app messages
and template cards, group digests through group robots. The only module that imports `wechatpy`.

How a callback is taken (WeCom drops one it has no answer to within 5 seconds, and retries it up to 3 times):
verify its signature and timestamp, decrypt it, keep it in the inbox (`services.inbox`: a retried callback is the
same row, so it is ignored), answer 200 with an empty body, and only then handle it, in the background. A worker
that dies after answering leaves the row to whichever worker claims it next.

What goes out:
- text as app text messages, cut at line breaks to WeCom's 2048 bytes;
- buttons as a `template_card` of type `button_interaction` (at most 6 buttons a card, a unique task id), sent
  through the client's generic post because wechatpy has no helper for it. The card is the message when the text
  fits its title and subtitle; otherwise the text goes first and the card after, titled with the text's first line;
- a press comes back as a `template_card_event`, which wechatpy reads as an unknown message: its raw EventKey
  is the button's key, its ResponseCode updates the pressed card once so it cannot be pressed again;
- an outcome for a card already sent (an approval decided) updates that card for its recipient with the
  response code WeCom returned when it was sent (`edit`); a code that is used or expired gets the outcome as a
  message instead;
- files and charts uploaded as media; to a group, markdown through the group's robot webhook (4096 bytes a
  message) and images inline as base64 with their md5.

The access token lives in the shared database (`SharedValues`), fetched by one worker for all and refreshed a
few minutes before it expires. wechatpy is synchronous: its calls run in threads.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx
import requests
from wechatpy.enterprise import WeChatClient, parse_message
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.exceptions import APILimitedException, InvalidSignatureException, WeChatClientException
from wechatpy.messages import BaseMessage, UnknownMessage
from wechatpy.session import SessionStorage

from salesbot.channels.errors import DeliveryFailed
from salesbot.channels.intake import LEASE, Inbox, Intake
from salesbot.channels.replies import send_with_retries
from salesbot.handlers.messages import Attachment, Button, Conversation, File, Incoming, Location, Reply
from salesbot.i18n import t

log = logging.getLogger(__name__)

PLATFORM = "wecom"
CALLBACK_PATH = "/wecom/callback"
API_BASE_URL = "https://qyapi.weixin.qq.com/cgi-bin/"
OAUTH_URL = "https://open.weixin.qq.com/connect/oauth2/authorize"
TEXT_BYTES = 2048  # an app text message
MARKDOWN_BYTES = 4096  # a group robot's markdown
CARD_BUTTONS = 6
CARD_TITLE = 26  # characters WeCom shows of a card's title, and of its subtitle
CARD_SUBTITLE = 112
MAX_SKEW = 300  # seconds a callback's timestamp may be from our clock: an older one is a replay
TOKEN_MARGIN = 300  # refresh the access token this many seconds before WeCom expires it
# WeCom's error codes (developer.work.weixin.qq.com/document/path/90313) that no retry can fix.
_PERMANENT = {
    40003,  # invalid UserID
    40035,  # invalid parameter
    40058,  # invalid or missing field
    81013,  # the user is outside the app's visible range
    60111,  # UserID not found
    93000,  # invalid robot webhook
    301002,  # no permission to this member
}
# The codes a later try may get past: busy, rate limits, a token that expired or was replaced under us.
_PASSING = {-1, 40001, 40014, 42001, 42009, 45009, 45011, 45033, 45047}
_RESPONSE_CODE_GONE = {40011, 40014, 40058, 40099, 40111, 42001, 95002, 95003}
_RETRY_AFTER_LIMIT = 60.0  # 45009, "api freq out of limit": WeCom counts per minute


@dataclass(frozen=True)
class WeComConfig:
    corp_id: str
    agent_id: int
    secret: str
    token: str
    aes_key: str
    api_base_url: str = API_BASE_URL

    @classmethod
    def from_settings(cls, section: Mapping[str, Any]) -> WeComConfig | None:
        """None when WeCom is not configured (no corp id); a half-filled section names what is missing."""
        if not section.get("corp_id"):
            return None
        missing = [k for k in ("agent_id", "secret", "token", "aes_key") if not section.get(k)]
        if missing:
            names = ", ".join(f"SALESBOT_WECOM_{k.upper()}" for k in missing)
            raise ValueError(f"[wecom] is configured but {names} is not set")
        base = str(section.get("api_base_url") or API_BASE_URL)
        return cls(
            corp_id=str(section["corp_id"]),
            agent_id=int(section["agent_id"]),
            secret=str(section["secret"]),
            token=str(section["token"]),
            aes_key=str(section["aes_key"]),
            api_base_url=base if base.endswith("/") else base + "/",
        )


class Values(Protocol):
    def get(self, key: str, default: str | None = None) -> str | None: ...

    def set(self, key: str, value: str, ttl: float | None = None) -> None: ...

    def expire(self, key: str) -> None: ...


# WeCom's limits per app and member: 30 messages a minute and 1000 an hour; what goes beyond is dropped without a
# word, so every app message to a member (a reply, a notice, each part of a card sent as text plus card) is counted
# here before it goes (issue 18).
MEMBER_RATES: tuple[tuple[int, float], ...] = ((30, 60.0), (1000, 3600.0))
ARRIVAL_MARGIN = 0.05  # seconds added to a window: a message is counted from when WeCom answered it, at the latest


@dataclass
class _Slot:
    at: float


class MemberCount(Protocol):
    """Counts the messages to each member: `take` either counts a message that may go now (returning its slot) or
    says how long it must wait; `answered` moves a counted message to when WeCom answered it. `MemberLimits` counts
    in one process; `services.member_limits.SharedMemberLimits` in the database, for every worker at once."""

    def take(self, member: str) -> tuple[float, Any]: ...

    def answered(self, slot: Any) -> None: ...


class MemberLimits:
    """A sliding window of the messages sent to each member, shared by every sender in the process (replies and
    the outbox): `take` either counts a message that may go now or says how long it must wait. With several
    workers, `salesbot run` uses the database's count instead (`SharedMemberLimits`)."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, rates: tuple[tuple[int, float], ...] = MEMBER_RATES
    ) -> None:
        self._clock = clock
        self._rates = rates
        self._longest = max((seconds for _, seconds in rates), default=0.0)
        self._sent: dict[str, deque[_Slot]] = {}
        self._lock = threading.Lock()

    def take(self, member: str) -> tuple[float, _Slot | None]:
        """(0, the slot) if a message may go now; (seconds to wait, None) if the member is at a limit."""
        with self._lock:
            now = self._clock()
            sent = self._sent.setdefault(member, deque())
            while sent and sent[0].at <= now - self._longest - ARRIVAL_MARGIN:
                sent.popleft()
            wait = 0.0
            for count, seconds in self._rates:
                recent = [slot.at for slot in sent if slot.at > now - seconds - ARRIVAL_MARGIN]
                if len(recent) >= count:
                    wait = max(wait, recent[-count] + seconds + ARRIVAL_MARGIN - now)
            if wait > 0:
                return wait, None
            slot = _Slot(now)
            sent.append(slot)
            return 0.0, slot

    def answered(self, slot: _Slot) -> None:
        """WeCom answered: it had the message by now, so the window counts from here at the latest."""
        with self._lock:
            slot.at = max(slot.at, self._clock())


class _SharedTokens(SessionStorage):  # type: ignore[misc]
    """wechatpy's token storage over the shared database; the token counts as gone a little before WeCom's
    expiry, so the worker that asks then fetches a fresh one and no call ever carries an expired token."""

    def __init__(self, values: Values) -> None:
        self._values = values

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        # WeCom hands out the same token until it expires, with what is left of its life: a fresh one is used
        # until five minutes before its end; one fetched in those five minutes, until just before.
        if ttl:
            ttl = ttl - TOKEN_MARGIN if ttl > 2 * TOKEN_MARGIN else max(ttl - 10, 1)
        self._values.set(key, str(value), ttl)

    def delete(self, key: str) -> None:
        self._values.expire(key)


class _Client(WeChatClient):  # type: ignore[misc]
    """wechatpy's client with every call, the token fetch included, sent to one base URL: wechatpy 1.8 fetches
    the token from a fixed host, which would leave a self-hosted proxy or a test server half used."""

    def __init__(self, config: WeComConfig, session: SessionStorage, timeout: float) -> None:
        self.API_BASE_URL = config.api_base_url
        self._fetching = threading.Lock()
        self._depth = threading.local()  # token re-fetches in the call under way, per thread
        super().__init__(config.corp_id, config.secret, session=session, timeout=timeout)

    def fetch_access_token(self) -> dict[str, Any]:
        result: dict[str, Any] = self._fetch_access_token(
            url=self.API_BASE_URL + "gettoken", params={"corpid": self.corp_id, "corpsecret": self.secret}
        )
        return result

    def _handle_result(
        self, res: Any, method: Any = None, url: Any = None, result_processor: Any = None, **kwargs: Any
    ) -> Any:
        """wechatpy fetches a new token and calls again, without end, while WeCom refuses the token (a revoked
        secret, a clock far off): here at most `TOKEN_REFETCHES` times a call, then the refusal is raised."""
        errcode = _errcode(res)
        if errcode not in _TOKEN_CODES:
            return super()._handle_result(res, method, url, result_processor, **kwargs)
        depth = getattr(self._depth, "n", 0)
        if depth >= TOKEN_REFETCHES:
            log.warning("wecom: the access token is still refused after %s fresh ones (%s)", depth, errcode)
            raise WeChatClientException(errcode, "access token refused", client=self, request=res.request, response=res)
        self._depth.n = depth + 1
        try:
            return super()._handle_result(res, method, url, result_processor, **kwargs)
        finally:
            self._depth.n = depth

    @property
    def access_token(self) -> str:
        # Sends run in several threads at once; the first to find no token fetches it, the others wait and use
        # it (workers share it through the database; two cold workers may both fetch: WeCom answers the same one).
        token = self.session.get(self.access_token_key)
        if token:
            return str(token)
        with self._fetching:
            token = self.session.get(self.access_token_key)
            if not token:
                self.fetch_access_token()
                token = self.session.get(self.access_token_key)
            return str(token)


TOKEN_REFETCHES = 2
_TOKEN_CODES = {40001, 40014, 42001}


def _errcode(res: Any) -> int | None:
    try:
        data = res if isinstance(res, dict) else res.json()
        return int(data.get("errcode", 0)) if isinstance(data, dict) else None
    except (ValueError, TypeError, AttributeError):
        return None


@dataclass(frozen=True)
class Answer:
    """What the callback URL answers: WeCom wants a 200 with an empty body (or the echo, when verifying)."""

    status: int
    body: str = ""


class WeComChannel:
    platform = PLATFORM

    def __init__(
        self,
        config: WeComConfig,
        *,
        router: Conversation,
        inbox: Inbox,
        tokens: Values,
        wall_clock: Callable[[], float] = time.time,
        timeout: float = 10.0,
        board_url: str | None = None,
        intake_lease: float = LEASE,
        members: MemberCount | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """`members` counts the messages to each member (its clock and `sleep` are a test's to move)."""
        self.config = config
        self.board_url = board_url  # the managers' board ([board] public_url), opened through WeCom's OAuth2
        self._router = router
        self._inbox = inbox
        self._wall_clock = wall_clock
        self.crypto = WeChatCrypto(config.token, config.aes_key, config.corp_id)
        self.client = _Client(config, _SharedTokens(tokens), timeout)
        self._robots = httpx.AsyncClient(base_url=config.api_base_url, timeout=timeout)
        self._intake = Intake(PLATFORM, inbox, handle=self._handle_row, chat_of=_sender_of, lease=intake_lease)
        self.members: MemberCount = members or MemberLimits()
        self._sleep = sleep

    # ------------------------------------------------------------------ lifecycle

    @property
    def _wake(self) -> asyncio.Event:
        """The intake's wake-up: set, it claims at once rather than at its next poll."""
        return self._intake.wake_event

    async def start(self) -> None:
        """Start handling kept callbacks, including any a stopped or dead worker left behind."""
        self._intake.start()

    async def stop(self) -> None:
        """Finish the callbacks in hand, claim no more, then stop (`intake.Intake.stop`)."""
        await self._intake.stop()
        await self._robots.aclose()

    # ------------------------------------------------------------------ callbacks in

    def verify_url(self, query: Mapping[str, str]) -> Answer:
        """The GET WeCom makes when the callback URL is saved: answer the decrypted echostr, or refuse."""
        if not self._fresh(query):
            return Answer(403, "stale timestamp")
        try:
            echo = self.crypto.check_signature(
                query.get("msg_signature", ""), query.get("timestamp", ""), query.get("nonce", ""), query["echostr"]
            )
        except InvalidSignatureException:
            return Answer(403, "bad signature")
        except Exception:  # a missing echostr, or one that does not decrypt with our key
            return Answer(400, "bad echostr")
        return Answer(200, echo.decode() if isinstance(echo, bytes) else str(echo))

    async def receive(self, query: Mapping[str, str], body: bytes) -> Answer:
        """A POSTed callback: verified, decrypted and kept before the 200; nothing changes for a refused one."""
        if not self._fresh(query):
            return Answer(403, "stale timestamp")
        try:
            xml = self.crypto.decrypt_message(
                body, query.get("msg_signature", ""), query.get("timestamp", ""), query.get("nonce", "")
            )
        except InvalidSignatureException:
            return Answer(403, "bad signature")
        except Exception:  # not XML, no Encrypt, wrong key or corp id: nothing we can read
            return Answer(400, "cannot decrypt")
        xml = xml.decode() if isinstance(xml, bytes) else str(xml)
        try:
            message = parse_message(xml)
        except Exception:
            return Answer(400, "not a message")
        update_id = callback_id(message)
        if update_id is None:
            return Answer(200)  # nothing for us (our own agent's echo, an unreadable event): acknowledged, dropped
        kept = await asyncio.to_thread(self._inbox.keep, PLATFORM, update_id, {"xml": xml})
        if kept:
            self._intake.wake()
        else:
            log.info("wecom: callback %s again (a retry), ignored", update_id)
        return Answer(200)

    def _fresh(self, query: Mapping[str, str]) -> bool:
        try:
            stamp = int(query.get("timestamp", ""))
        except ValueError:
            return False
        return abs(self._wall_clock() - stamp) <= MAX_SKEW

    # ------------------------------------------------------------------ handling, after the answer

    async def _handle_row(self, row: Any) -> None:
        """Handle a callback and send its replies. The router keeps a turn's replies until the row is done, so a
        row handled again after a failed send (WeCom down, the network gone) answers the same, without running
        the turn twice."""
        message = parse_message(row.payload["xml"])
        incoming = to_incoming(message, row.update_id)
        if incoming is None:
            return
        if self.board_url and incoming.text.strip() == "/board":
            # A link, not data: the page signs the member in through WeCom and shows only what they may see.
            link = f'<a href="{self.oauth_url(self.board_url)}">{t("zh", "board_open")}</a>'
            await self._reply(incoming.sender_id, Reply(text=f"{t('zh', 'board_offer')}\n{link}"))
            return
        replies = await asyncio.to_thread(self._router.handle, incoming)
        pressed = _raw(message, "ResponseCode")
        if incoming.button is not None and pressed and replies:
            # The pressed card has done its work: grey its buttons out so nobody presses it again.
            await self._quietly(self._update_card, incoming.sender_id, pressed, {"button": {"replace_name": "✓"}})
        try:
            for reply in replies:
                await self._reply(incoming.sender_id, reply)
        except DeliveryFailed:
            await asyncio.to_thread(self._router.release, incoming)  # the row's next attempt takes them at once
            raise

    async def _reply(self, user_id: str, reply: Reply) -> None:
        """A reply to someone who just wrote: tried a few times at once; still failing, it raises and the row is
        tried again later. One WeCom will never deliver (the user left the app's range) is given up, logged."""
        try:
            await send_with_retries(
                lambda skip: asyncio.to_thread(self._send_app, user_id, reply, skip), sleep=self._sleep
            )
        except DeliveryFailed as exc:
            if not exc.permanent:
                raise
            log.error("wecom: reply to %s cannot be delivered: %s", user_id, exc)

    async def _quietly(self, call: Callable[..., Any], *args: Any) -> None:
        try:
            await asyncio.to_thread(call, *args)
        except DeliveryFailed as exc:
            log.info("wecom: %s", exc)

    # ------------------------------------------------------------------ the outbox's side

    async def send(self, address: Any, message: Reply, *, skip: int = 0) -> str | None:
        """Outbox delivery; returns the card's task id and response code, so `edit` can update it later. `skip`:
        how many leading parts went out on an earlier try (`DeliveryFailed.sent_parts`)."""
        if address.kind == "group":
            await self._send_robot(str(address.chat_id), message)
            return None
        return await asyncio.to_thread(self._send_app, str(address.chat_id), message, skip)

    async def edit(self, address: Any, ref: str, message: Reply) -> None:
        """Show a card's outcome on the card; a code WeCom no longer takes (used, or past 72 hours) gets the
        outcome as a message instead, so the recipient learns it either way."""
        task_id, _, code = ref.partition(":")
        if not code or address.kind == "group":
            await self.send(address, message)
            return
        title, subtitle = _card_text(message.text)
        done = t(address.lang, "wecom_card_done")
        card = {
            "card_type": "button_interaction",
            "main_title": {"title": title},
            "sub_title_text": subtitle,
            "task_id": task_id,
            "button_list": [{"text": done, "style": 1, "key": "done"}],
            "replace_text": done,
        }
        try:
            await asyncio.to_thread(self._update_card, str(address.chat_id), code, {"template_card": card})
        except DeliveryFailed as exc:
            if exc.permanent:
                log.info("wecom: card %s cannot be updated (%s); sending the outcome", task_id, exc)
                await self.send(address, message)
                return
            raise

    # ------------------------------------------------------------------ the board's sign-in (WeCom OAuth2)

    def oauth_url(self, redirect_uri: str) -> str:
        """The link a menu or card opens: WeCom asks nothing (snsapi_base) and comes back to `redirect_uri` with a
        one-time `code` (developer.work.weixin.qq.com/document/path/91022)."""
        query = urlencode(
            {
                "appid": self.config.corp_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "snsapi_base",
                "state": "board",
                "agentid": self.config.agent_id,
            }
        )
        return f"{OAUTH_URL}?{query}#wechat_redirect"

    def user_of_code(self, code: str) -> str | None:
        """The member a one-time OAuth `code` was given to (`auth/getuserinfo`, with the channel's own client and
        shared token); None for a used, expired or unknown code, and for someone outside the company (an openid)."""
        try:
            result = self._call(self.client.get, "auth/getuserinfo", params={"code": code})
        except DeliveryFailed as exc:
            log.info("wecom: oauth code refused: %s", exc)
            return None
        userid = result.get("userid") or result.get("UserId")
        return str(userid) if userid else None

    # ------------------------------------------------------------------ app messages (blocking: run in threads)

    def _send_app(self, user_id: str, reply: Reply, skip: int = 0) -> str | None:
        """The reply's parts in order: forwarded files, our files, the text in pieces, the card(s). A part that
        fails raises with how many went before it, and the next try starts there (`skip`)."""
        parts: list[Callable[[], str | None]] = [partial(self._forward, user_id, f) for f in reply.forwards]
        parts += [partial(self._send_file, user_id, file) for file in reply.files]
        title: str | None = None
        subtitle = ""
        texts = split_bytes(as_text(reply.text), TEXT_BYTES)
        if reply.buttons:
            title, subtitle = _card_layout(reply.text)
            if title is not None:
                texts = []  # the card carries the words
            else:  # too long for a card: the words as a message, then the buttons under its first line
                title, subtitle = _clip(_lines(reply.text)[0], CARD_TITLE), ""
        parts += [partial(self._send_text, user_id, chunk) for chunk in texts]
        buttons = [b for row in reply.buttons for b in row]
        for i in range(0, len(buttons), CARD_BUTTONS):
            head, below = (title or "", subtitle) if i == 0 else ("…", "")
            parts.append(partial(self._send_card, user_id, head, below, buttons[i : i + CARD_BUTTONS]))
        ref = None
        for n, part in enumerate(parts):
            if n < skip:
                continue
            try:
                ref = part() or ref
            except DeliveryFailed as exc:
                exc.sent_parts = n
                raise
        return ref

    def _send_text(self, user_id: str, chunk: str) -> None:
        self._to_member(user_id, self.client.message.send_text, self.config.agent_id, user_id, chunk)

    def _to_member(self, user_id: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        """One app message to a member, within WeCom's per-member limits: at a limit it is not sent, and the caller
        is told how long to wait (`DeliveryFailed.chat_limit`): a reply waits, a notice goes back to the outbox."""
        wait, slot = self.members.take(user_id)
        if slot is None:
            raise DeliveryFailed(
                f"wecom: {user_id} is at WeCom's per-member limit for {wait:.1f}s", retry_after=wait, chat_limit=True
            )
        try:
            return self._call(method, *args, **kwargs)
        finally:
            self.members.answered(slot)

    def _forward(self, user_id: str, forward: Attachment) -> None:
        try:
            self._send_media_id(user_id, forward)
        except DeliveryFailed as exc:  # a file WeCom no longer keeps (3 days): the words still go
            if exc.chat_limit:
                raise  # not gone: it waits its turn
            log.warning("wecom: forward of %s to %s failed: %s", forward.file_id, user_id, exc)

    def _send_card(self, user_id: str, title: str, subtitle: str, buttons: Iterable[Button]) -> str:
        task_id = "sb" + secrets.token_hex(16)
        card: dict[str, Any] = {
            "card_type": "button_interaction",
            "main_title": {"title": title} if title else {},
            "task_id": task_id,
            "button_list": [{"text": b.label, "style": 1, "key": b.key} for b in buttons],
        }
        if subtitle:
            card["sub_title_text"] = subtitle
        data = {"touser": user_id, "msgtype": "template_card", "agentid": self.config.agent_id, "template_card": card}
        result = self._to_member(user_id, self.client.post, "message/send", data=data)
        return f"{task_id}:{result.get('response_code', '')}"

    def _update_card(self, user_id: str, response_code: str, change: dict[str, Any]) -> None:
        data = {"userids": [user_id], "agentid": self.config.agent_id, "response_code": response_code, **change}
        self._call(self.client.post, "message/update_template_card", data=data)

    def _send_file(self, user_id: str, file: File) -> None:
        kind = "image" if file.mime.startswith("image/") else "file"
        uploaded = self._call(self.client.media.upload, kind, (file.name, file.data, file.mime))
        send = self.client.message.send_image if kind == "image" else self.client.message.send_file
        self._to_member(user_id, send, self.config.agent_id, user_id, uploaded["media_id"])

    def _send_media_id(self, user_id: str, attachment: Attachment) -> None:
        send = {
            "photo": self.client.message.send_image,
            "voice": self.client.message.send_voice,
            "video": self.client.message.send_video,
        }.get(attachment.kind, self.client.message.send_file)
        self._to_member(user_id, send, self.config.agent_id, user_id, attachment.file_id)

    def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        """One API call; WeCom's refusals become DeliveryFailed (wechatpy itself refetches an expired token)."""
        try:
            result: dict[str, Any] = method(*args, **kwargs)
        except APILimitedException as exc:
            raise DeliveryFailed(f"wecom {exc.errcode}: {exc.errmsg}", retry_after=_RETRY_AFTER_LIMIT) from exc
        except WeChatClientException as exc:
            code = exc.errcode
            if code is None:  # an HTTP error on the way to WeCom or from it: wechatpy keeps only the response
                status = getattr(exc.response, "status_code", None)
                passing = status is None or status == 429 or status >= 500
                raise DeliveryFailed(f"wecom answered HTTP {status}", permanent=not passing) from exc
            gone = code in _RESPONSE_CODE_GONE and "update_template_card" in str(getattr(exc.request, "url", ""))
            # Only WeCom's "busy", "too often" and token codes pass; any other says what we sent is wrong, and
            # sending it again would hold up that member's later messages (issue 18).
            permanent = code in _PERMANENT or gone or code not in _PASSING
            raise DeliveryFailed(f"wecom {code}: {exc.errmsg}", permanent=permanent) from exc
        except requests.RequestException as exc:
            raise DeliveryFailed(f"wecom unreachable: {exc}") from exc
        if result.get("invaliduser"):
            # WeCom takes the call and drops who it cannot reach: a user who left, or outside the app's range.
            raise DeliveryFailed(f"wecom: not reachable: {result['invaliduser']}", permanent=True)
        return result

    # ------------------------------------------------------------------ group robots

    async def _send_robot(self, key: str, reply: Reply) -> None:
        for file in reply.files:
            if file.mime.startswith("image/"):
                digest = hashlib.md5(file.data, usedforsecurity=False).hexdigest()  # the checksum WeCom asks for
                image = {"base64": base64.b64encode(file.data).decode(), "md5": digest}
                await self._robot(key, {"msgtype": "image", "image": image})
            else:
                media_id = await self._robot_upload(key, file)
                await self._robot(key, {"msgtype": "file", "file": {"media_id": media_id}})
        text = reply.text
        if reply.buttons:  # a robot cannot carry buttons: say what they offer, they are pressed in private
            text += "\n" + " · ".join(b.label for row in reply.buttons for b in row)
        for chunk in split_bytes(as_markdown_text(text), MARKDOWN_BYTES):
            await self._robot(key, {"msgtype": "markdown", "markdown": {"content": chunk}})

    async def _robot(self, key: str, body: dict[str, Any], path: str = "webhook/send") -> dict[str, Any]:
        try:
            response = await self._robots.post(path, params={"key": key}, json=body)
            response.raise_for_status()
            result: dict[str, Any] = response.json()
        except httpx.HTTPStatusError as exc:
            status = exc.response.status_code
            passing = status == 429 or status >= 500
            raise DeliveryFailed(f"wecom robot answered HTTP {status}", permanent=not passing) from exc
        except (httpx.HTTPError, ValueError) as exc:
            raise DeliveryFailed(f"wecom robot unreachable: {exc}") from exc
        code = int(result.get("errcode", 0))
        if code == 45009:
            raise DeliveryFailed(f"wecom robot {code}: {result.get('errmsg')}", retry_after=_RETRY_AFTER_LIMIT)
        if code:
            permanent = code in _PERMANENT or code not in _PASSING
            raise DeliveryFailed(f"wecom robot {code}: {result.get('errmsg')}", permanent=permanent)
        return result

    async def _robot_upload(self, key: str, file: File) -> str:
        try:
            response = await self._robots.post(
                "webhook/upload_media",
                params={"key": key, "type": "file"},
                files={"media": (file.name, file.data, file.mime)},
            )
            response.raise_for_status()
            result = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise DeliveryFailed(f"wecom robot unreachable: {exc}") from exc
        if int(result.get("errcode", 0)):
            raise DeliveryFailed(f"wecom robot {result['errcode']}: {result.get('errmsg')}")
        return str(result["media_id"])


# ---------------------------------------------------------------------- reading callbacks


def callback_id(message: BaseMessage) -> str | None:
    """What makes a callback itself: a message's MsgId; an event's sender, time and kind (WeCom's own advice),
    with a card's task id and key, so two presses in one second are two presses."""
    raw = message._data
    sender = raw.get("FromUserName")
    if not sender:
        return None
    if raw.get("MsgType") != "event":
        msg_id = raw.get("MsgId")
        return f"msg:{msg_id}" if msg_id else None
    parts = [sender, raw.get("CreateTime", ""), raw.get("Event", ""), raw.get("TaskId", ""), raw.get("EventKey", "")]
    return "event:" + ":".join(str(p or "") for p in parts)


def to_incoming(message: BaseMessage, update_id: str) -> Incoming | None:
    """The platform-free message, or None for what we do not act on (entering the app, a menu view)."""
    raw = message._data
    sender = str(raw.get("FromUserName", ""))
    base = {"platform": PLATFORM, "chat_id": sender, "sender_id": sender, "update_id": update_id}
    kind = raw.get("MsgType")
    if kind == "event":
        if raw.get("Event") == "template_card_event" and raw.get("EventKey"):
            return Incoming(**base, button=str(raw["EventKey"]))
        return None
    if kind == "text":
        return Incoming(**base, text=str(raw.get("Content") or ""))
    if kind == "location":
        latitude, longitude = float(raw["Location_X"]), float(raw["Location_Y"])
        return Incoming(**base, location=Location(latitude, longitude))
    media = _MEDIA.get(str(kind))
    if media is not None and raw.get("MediaId"):
        attachment = Attachment(media[0], str(raw["MediaId"]), None, None, media[1])
        return Incoming(**base, attachments=(attachment,))
    if isinstance(message, UnknownMessage):
        log.info("wecom: %s message not handled", kind)
    return None


_MEDIA = {"image": ("photo", "image/jpeg"), "voice": ("voice", "audio/amr"), "video": ("video", "video/mp4")}


def _sender_of(payload: dict[str, Any]) -> str:
    return str(parse_message(payload["xml"])._data.get("FromUserName", ""))


def _raw(message: BaseMessage, field: str) -> str | None:
    value = message._data.get(field)
    return str(value) if value else None


# ---------------------------------------------------------------------- text within WeCom's sizes


def _lines(text: str) -> tuple[str, str]:
    title, _, rest = text.strip().partition("\n")
    return title.strip(), rest.strip()


def _card_layout(text: str) -> tuple[str | None, str]:
    """Where a message's words go on a card, so that one card carries them (one message, not two, against
    WeCom's 30 a minute per member): a short message whole as the subtitle; a short first line as the title with
    the rest below; (None, "") when they do not fit, and go as a text message before the card."""
    title, rest = _lines(text)
    if len(title) <= CARD_TITLE and len(rest) <= CARD_SUBTITLE:
        return title, rest
    if len(text.strip()) <= CARD_SUBTITLE:
        return "", text.strip()
    return None, ""


def _card_text(text: str) -> tuple[str, str]:
    """A card's title and subtitle from a message: its first line and the rest, each cut to what WeCom shows."""
    title, rest = _lines(text)
    return _clip(title, CARD_TITLE), _clip(rest, CARD_SUBTITLE)


# Our messages are plain text, and carry what users typed (customer names, notes). WeCom reads some of it as markup:
# a text message's <a href=…> links and <@…> mentions, and in a robot's markdown also [links](…), **bold**, `code`,
# > quotes and # headings. Those characters are shown as their full-width forms, which WeCom reads as nothing, so a
# customer named "[click](http://x)" or "<@all>" is a name, not a link or a mention of everyone.
_TEXT_MARKUP = str.maketrans({"<": "＜", ">": "＞"})
_MARKDOWN_MARKUP = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "*": "＊", "`": "｀"})
_HEADING = re.compile(r"^(\s*)#", re.MULTILINE)


def as_text(text: str) -> str:
    """A text message's words as WeCom shows them: no tags, no links, no mentions."""
    return text.translate(_TEXT_MARKUP)


def as_markdown_text(text: str) -> str:
    """Plain words as a robot's markdown that shows them as they are: no link, emphasis, code, quote or heading."""
    return _HEADING.sub(r"\1＃", text.translate(_MARKDOWN_MARKUP))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_bytes(text: str, limit: int) -> list[str]:
    """WeCom counts message sizes in UTF-8 bytes: cut at line breaks where we can, never inside a character."""
    chunks: list[str] = []
    rest = text
    while len(rest.encode()) > limit:
        head = rest.encode()[:limit].decode(errors="ignore")
        cut = head.rfind("\n")
        cut = cut if cut > 0 else len(head)
        chunks.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    return [*chunks, rest] if rest or not chunks else chunks
