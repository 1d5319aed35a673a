"""A fake WeCom (企业微信) server API on 127.0.0.1 for tests that drive the real wechatpy.

It speaks WeCom's wire protocol: ``/cgi-bin/<path>`` with the query parameters WeCom takes, JSON bodies (read
whatever the Content-Type, as WeCom does: wechatpy posts raw bytes without one), multipart uploads, and the
``{"errcode": 0, "errmsg": "ok", ...}`` envelope with WeCom's errcodes, always over HTTP 200. It keeps the state a
bot can get wrong: access tokens that expire, media ids, template-card task ids and one-shot response codes, the
per-member send limits (whose excess WeCom drops SILENTLY: errcode 0, nothing delivered) and the group robot's
20-a-minute limit. Where WeCom refuses something, the fake refuses it too, so the mistake shows up in tests.

Endpoints: ``gettoken``, ``message/send`` (text, markdown, image, file, template_card),
``message/update_template_card``, ``media/upload``, ``auth/getuserinfo`` (a web page's OAuth2 ``code`` to the member's
userid: ``oauth_code(userid)`` is the code WeCom would put on the redirect), and the group robot's ``webhook/send``
and ``webhook/upload_media``.

Pointing a real ``wechatpy.enterprise.WeChatClient`` (wechatpy 1.8.18) at the fake takes two instance overrides:
every API call is built as ``API_BASE_URL + endpoint``, but ``fetch_access_token`` hard-codes
``https://qyapi.weixin.qq.com/cgi-bin/gettoken``::

    client = WeChatClient(api.corp_id, api.secret, timeout=5)
    client.API_BASE_URL = f"{api.url}/cgi-bin/"
    client.fetch_access_token = lambda: client._fetch_access_token(
        url=f"{api.url}/cgi-bin/gettoken", params={"corpid": client.corp_id, "corpsecret": client.secret}
    )

``api.point(client)`` does exactly that. (``client.media.get_url`` builds a download URL on WeCom's host too.)
wechatpy is synchronous, so either run its calls in a thread while the fake runs on the test's event loop::

    async with FakeWeComApi() as api:
        client = api.point(WeChatClient(api.corp_id, api.secret))
        await asyncio.to_thread(client.message.send_text, api.agent_id, "zhangwei", "你好")
        assert api.sent("message/send", touser="zhangwei", msgtype="text")[0]["text"]["content"] == "你好"

or run the fake on its own loop in a background thread and write plain synchronous tests::

    with FakeWeComApi(clock=clock).running_in_thread() as api:
        ...

``clock`` is the time tokens, media, response codes and the rate limits are counted in (pass a ``ManualClock`` and
``advance`` it instead of sleeping). ``fail_next``, ``http_error_next``, ``stall_next`` and ``disconnect_next`` make
the next calls of a path fail as WeCom or the network can; ``outage()`` fails every call until ``restore()``.
``python -m tests.fakes.wecom_api --port N`` runs it as a
process of its own: it prints its URL, serves until stdin closes, then prints what it received as JSON.

Errcodes are WeCom's (global list: developer.work.weixin.qq.com/document/path/90313); errmsgs carry WeCom's
``hint``/``more info`` suffix because code must branch on errcode, never on errmsg (WeCom's own advice).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import hashlib
import itertools
import json
import re
import secrets
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Self

from aiohttp import web

from tests.fakes.forms import Upload, read_form

# ---------------------------------------------------------------------- WeCom's errcodes

OK = 0
SYSTEM_BUSY = -1
INVALID_CREDENTIAL = 40001  # wrong corpsecret (wechatpy also retries on it, see point())
INVALID_MEDIA_TYPE = 40004
INVALID_FILE_TYPE = 40005  # media/upload: type is not image|voice|video|file
INVALID_FILE_SIZE = 40006
INVALID_MEDIA_ID = 40007
INVALID_MSGTYPE = 40008
INVALID_IMAGE_SIZE = 40009
INVALID_VIDEO_SIZE = 40011
INVALID_CORPID = 40013
INVALID_ACCESS_TOKEN = 40014
INVALID_USERID_LIST_SIZE = 40032
INVALID_AGENTID = 40056
INVALID_PARAMETER = 40058  # "不合法的参数"; also what the robot answers for an over-long markdown
ACCESS_TOKEN_MISSING = 41001
CORPID_MISSING = 41002
SECRET_MISSING = 41004
MEDIA_ID_MISSING = 41006
AGENTID_MISSING = 41011
ACCESS_TOKEN_EXPIRED = 42001
INVALID_TASK_ID = 42014  # "任务卡片消息的task_id不合法"
INVALID_BUTTON_KEY = 42018  # "按钮key值不合法"
BUTTON_KEY_MISSING = 42019
BUTTON_NAME_MISSING = 42020
CODE_ALREADY_USED = 42022  # "code已经被使用过。只能使用一次"
INVALID_OAUTH_CODE = 40029  # auth/getuserinfo: "invalid code" (unknown, used, or over 5 minutes old)
EMPTY_MEDIA = 44001
EMPTY_CONTENT = 44004
CONTENT_TOO_LONG = 45002
API_FREQ_OUT_OF_LIMIT = 45009
DATA_FORMAT_ERROR = 47001
ALL_RECIPIENTS_INVALID = 81013
NO_RECIPIENTS = 82001
INVALID_WEBHOOK_URL = 93000
NO_PERMISSION_FOR_AGENT = 301002  # agentid is not the app the token belongs to
MEDIA_MD5_MISMATCH = 301019  # robot image whose md5 is not the md5 of its bytes (code not in the public list)

#: What a reused template-card task_id gets. The doc only says task ids must not repeat within an app; see
#: ``duplicate_task_id`` for the other behaviour reported from production (errcode 0, card never delivered).
DUPLICATE_TASK_ID = INVALID_PARAMETER

ERRMSG: dict[int, str] = {
    SYSTEM_BUSY: "system busy",
    INVALID_CREDENTIAL: "invalid credential",
    INVALID_MEDIA_TYPE: "invalid media type",
    INVALID_FILE_TYPE: "invalid file type",
    INVALID_FILE_SIZE: "invalid file size",
    INVALID_MEDIA_ID: "invalid media_id",
    INVALID_MSGTYPE: "invalid message type",
    INVALID_IMAGE_SIZE: "invalid image size",
    INVALID_VIDEO_SIZE: "invalid video size",
    INVALID_CORPID: "invalid corpid",
    INVALID_ACCESS_TOKEN: "invalid access_token",
    INVALID_USERID_LIST_SIZE: "invalid userid list size",
    INVALID_AGENTID: "invalid agentid",
    INVALID_PARAMETER: "invalid Request Parameter",
    ACCESS_TOKEN_MISSING: "access_token missing",
    CORPID_MISSING: "corpid missing",
    SECRET_MISSING: "corpsecret missing",
    MEDIA_ID_MISSING: "media_id missing",
    AGENTID_MISSING: "agentid missing",
    ACCESS_TOKEN_EXPIRED: "access_token expired",
    INVALID_TASK_ID: "invalid task_id",
    INVALID_BUTTON_KEY: "invalid button key",
    BUTTON_KEY_MISSING: "button key missing",
    BUTTON_NAME_MISSING: "button name missing",
    CODE_ALREADY_USED: "code has been used",
    INVALID_OAUTH_CODE: "invalid code",
    EMPTY_MEDIA: "empty media data",
    EMPTY_CONTENT: "empty content",
    CONTENT_TOO_LONG: "content size out of limit",
    API_FREQ_OUT_OF_LIMIT: "api freq out of limit",
    DATA_FORMAT_ERROR: "data format error",
    ALL_RECIPIENTS_INVALID: "user & party & tag all invalid",
    NO_RECIPIENTS: "All touser & toparty & totag invalid",
    INVALID_WEBHOOK_URL: "invalid webhook url",
    NO_PERMISSION_FOR_AGENT: "not allow operate another agent with this accesstoken.",
    MEDIA_MD5_MISMATCH: "md5 not match",
}

# ---------------------------------------------------------------------- WeCom's documented limits

TEXT_MAX_BYTES = 2048  # app text: "最长不超过2048个字节，超过将截断" -- truncated, not refused
APP_MARKDOWN_MAX_BYTES = 2048  # app markdown: "最长不超过2048个字节" (the robot allows 4096)
ROBOT_TEXT_MAX_BYTES = 2048
ROBOT_MARKDOWN_MAX_BYTES = 4096
ROBOT_IMAGE_MAX_BYTES = 2 * 1024 * 1024
MAX_TOUSER = 1000
MAX_BUTTONS = 6
BUTTON_KEY_MAX_BYTES = 1024
MEDIA_TTL = 3 * 24 * 3600.0  # temporary media live three days
RESPONSE_CODE_TTL = 72 * 3600.0  # "response_code的有效期是72小时"
OAUTH_CODE_TTL = 300.0  # "code只能使用一次，5分钟未被使用自动过期"
#: media/upload: every file must be over 5 bytes; then (type -> (max bytes, errcode when over)).
MEDIA_LIMITS: dict[str, tuple[int, int]] = {
    "image": (10 * 1024 * 1024, INVALID_IMAGE_SIZE),
    "voice": (2 * 1024 * 1024, INVALID_FILE_SIZE),
    "video": (10 * 1024 * 1024, INVALID_VIDEO_SIZE),
    "file": (20 * 1024 * 1024, INVALID_FILE_SIZE),
}
ROBOT_MEDIA_TYPES = frozenset({"file", "voice"})

APP_MSGTYPES = frozenset({"text", "markdown", "image", "file", "template_card"})
ROBOT_MSGTYPES = frozenset({"text", "markdown", "image", "file"})
CARD_TYPES = frozenset({"text_notice", "news_notice", "button_interaction", "vote_interaction", "multiple_interaction"})
#: Cards a user can click: they need a task_id, and sending one returns a response_code.
INTERACTIVE_CARDS = frozenset({"button_interaction", "vote_interaction", "multiple_interaction"})
TASK_ID_RE = re.compile(r"[0-9A-Za-z_@-]{1,128}")

#: Per app and member: 30 a minute and 1000 an hour ("超过部分会被丢弃不下发").
MEMBER_LIMITS: tuple[tuple[int, float], ...] = ((30, 60.0), (1000, 3600.0))
#: Per group robot: "每个机器人发送的消息不能超过20条/分钟"; beyond, errcode 45009.
ROBOT_LIMITS: tuple[tuple[int, float], ...] = ((20, 60.0),)


class ManualClock:
    """A clock that moves only when told: pass it as ``clock=`` and ``advance`` it instead of sleeping."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# ---------------------------------------------------------------------- records


@dataclass
class Call:
    """One request. ``params`` is the query string merged with the JSON body (or the multipart fields, an upload
    as an ``Upload``); ``status`` and ``response`` are filled in once answered."""

    method: str
    path: str  # relative to /cgi-bin/, e.g. "message/send"
    params: dict[str, Any]
    status: int | None = None
    response: dict[str, Any] | None = None
    at: float = 0.0  # arrival, on the server's clock


@dataclass
class AppMessage:
    """An accepted ``message/send``: in ``messages`` with the members it reached, or in ``dropped`` with the
    members WeCom silently dropped it for (over their rate limit). ``body`` is the request as received."""

    msgid: str
    msgtype: str
    touser: tuple[str, ...]
    body: dict[str, Any]
    at: float
    delivered_content: str | None = None  # text/markdown content as the member sees it (text over 2048 bytes: cut)
    response_code: str | None = None

    @property
    def truncated(self) -> bool:
        return self.msgtype == "text" and self.delivered_content != self.body["text"]["content"]

    @property
    def task_id(self) -> str | None:
        return self.body.get("template_card", {}).get("task_id") if self.msgtype == "template_card" else None


@dataclass
class CardUpdate:
    """An accepted ``message/update_template_card``."""

    response_code: str
    task_id: str | None
    userids: list[str]
    body: dict[str, Any]
    at: float

    @property
    def replace_name(self) -> str | None:
        return self.body.get("button", {}).get("replace_name")

    @property
    def template_card(self) -> dict[str, Any] | None:
        return self.body.get("template_card")


@dataclass
class _Card:
    task_id: str
    card_type: str
    msgid: str
    button_keys: tuple[str, ...]


@dataclass
class _ResponseCode:
    task_id: str | None
    issued_at: float
    used: bool = False


@dataclass
class _Media:
    type: str
    owner: str  # "app", or "robot:<key>": WeCom keeps the two apart
    created_at: float


@dataclass
class _Failure:
    kind: Literal["errcode", "http", "stall", "disconnect"]
    errcode: int = 0
    errmsg: str = ""
    status: int = 500
    seconds: float = 0.0
    after_processing: bool = False


class ApiError(Exception):
    """Raised inside an endpoint to answer ``{"errcode": ..., "errmsg": ...}``."""

    def __init__(self, errcode: int, detail: str | None = None) -> None:
        self.errcode = errcode
        self.errmsg = detail if detail is not None else ERRMSG.get(errcode, "error")
        super().__init__(f"{errcode} {self.errmsg}")


class _RateLog:
    """Sliding-window logs: an event is allowed while fewer than ``count`` happened in the last ``seconds``, for
    every (count, seconds). The strictest reading of a documented limit; only accepted events are counted."""

    def __init__(self) -> None:
        self._logs: dict[Hashable, deque[float]] = {}

    def allows(self, key: Hashable, now: float, limits: tuple[tuple[int, float], ...]) -> bool:
        log = self._logs.setdefault(key, deque())
        longest = max(seconds for _, seconds in limits)
        while log and log[0] <= now - longest:
            log.popleft()
        return all(sum(1 for t in log if t > now - seconds) < count for count, seconds in limits)

    def record(self, key: Hashable, now: float) -> None:
        log = self._logs.setdefault(key, deque())
        log.append(max(now, log[-1]) if log else now)


# ---------------------------------------------------------------------- the fake


class FakeWeComApi:
    """The fake server plus a test-facing API to inspect what the bot sent and to make calls fail."""

    def __init__(
        self,
        corp_id: str = "ww_test_corp",
        secret: str = "test-secret",
        agent_id: int = 1000002,
        clock: Callable[[], float] = time.monotonic,
        token_ttl: int = 7200,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        robot_keys: set[str] | None = None,
    ) -> None:
        self.corp_id = corp_id
        self.secret = secret
        self.agent_id = agent_id
        self.clock = clock
        self.token_ttl = token_ttl
        self.url = ""
        #: Members of the app's visible range. Empty: any userid is accepted. Otherwise the others come back in
        #: ``invaliduser``, as WeCom answers for members it does not know or the app cannot see.
        self.users: set[str] = set()
        #: Group robot webhook keys that exist; anything else gets 93000.
        self.robot_keys: set[str] = set(robot_keys) if robot_keys is not None else {"test-robot-key"}
        #: What a reused task_id gets: "error" (errcode DUPLICATE_TASK_ID) or "drop" (errcode 0, the card delivered
        #: to nobody and recorded in ``dropped``, as one production report describes WeCom's dedupe).
        self.duplicate_task_id: Literal["error", "drop"] = "error"
        #: (count, seconds) limits, read on every send: a test may loosen or tighten them.
        self.member_limits = MEMBER_LIMITS
        self.robot_limits = ROBOT_LIMITS

        self.token_fetches = 0  # gettoken calls answered with a token
        self.requests: list[Call] = []
        self.messages: list[AppMessage] = []
        self.dropped: list[AppMessage] = []
        self.card_updates: list[CardUpdate] = []
        self.media: dict[str, tuple[str, bytes]] = {}  # media_id -> (filename, bytes), app and robot uploads
        self.robot_messages: dict[str, list[dict[str, Any]]] = {}  # key -> accepted bodies

        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        # Handlers run on the server's loop, tests may read from another thread (running_in_thread).
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._tokens: dict[str, float] = {}  # token -> expiry on self.clock; known expired tokens stay for 42001
        self._current_token: str | None = None
        self._media_info: dict[str, _Media] = {}
        self._cards: dict[str, _Card] = {}  # task_id -> card, per app (the fake has one)
        self._codes: dict[str, _ResponseCode] = {}
        self._oauth_codes: dict[str, tuple[str, float]] = {}  # code -> (userid, issued at); a used one is removed
        self._member_log = _RateLog()
        self._robot_log = _RateLog()
        self._failures: dict[str, list[_Failure]] = {}
        self._down: int | None = None  # an outage: every call answers this HTTP status
        self._msgids = itertools.count(1)
        self._routes: dict[tuple[str, str], Callable[[dict[str, Any]], dict[str, Any]]] = {
            ("GET", "gettoken"): self._gettoken,
            ("POST", "message/send"): self._message_send,
            ("POST", "message/update_template_card"): self._update_template_card,
            ("POST", "media/upload"): self._media_upload,
            ("GET", "auth/getuserinfo"): self._auth_getuserinfo,
            ("POST", "webhook/send"): self._webhook_send,
            ("POST", "webhook/upload_media"): self._webhook_upload_media,
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/cgi-bin/{path:.+}", self._handle)
        # A short shutdown_timeout: a stalled request or a client's keep-alive connection must not hold up a test.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def stop(self) -> None:
        if self._runner is None:
            return
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @contextmanager
    def running_in_thread(self) -> Iterator[Self]:
        """Serve from a background thread with its own event loop, so synchronous code (wechatpy, or a test
        without a loop) can call the fake directly. The inspection methods are safe to use from the test thread."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="fake-wecom", daemon=True)
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self.start(), loop).result(timeout=10)
            yield self
        finally:
            try:
                asyncio.run_coroutine_threadsafe(self.stop(), loop).result(timeout=10)
            finally:
                loop.call_soon_threadsafe(loop.stop)
                thread.join(timeout=10)
                loop.close()

    def point(self, client: Any) -> Any:
        """Point a ``wechatpy.enterprise.WeChatClient`` at this fake (see the module docstring) and return it."""
        client.API_BASE_URL = f"{self.url}/cgi-bin/"
        client.fetch_access_token = lambda: client._fetch_access_token(
            url=f"{self.url}/cgi-bin/gettoken", params={"corpid": client.corp_id, "corpsecret": client.secret}
        )
        return client

    def robot_url(self, key: str = "test-robot-key") -> str:
        """The webhook address of a group robot, as WeCom shows it in the group's settings."""
        return f"{self.url}/cgi-bin/webhook/send?key={key}"

    # ------------------------------------------------------------------ inspection

    def sent(self, path: str = "message/send", **filters: Any) -> list[dict[str, Any]]:
        """The params of every call to ``path`` (refused ones included), in arrival order, filtered by equality.
        ``touser="a"`` matches "a|b"; a filter not in the params is looked up in the msgtype's body, so
        ``api.sent("message/send", touser="zhangwei", msgtype="text", content="你好")`` works."""
        wanted = _normalize(path)
        with self._lock:
            calls = [c for c in self.requests if c.path == wanted]
        return [c.params for c in calls if all(_matches(c.params, k, v) for k, v in filters.items())]

    def received(self, userid: str) -> list[AppMessage]:
        """The app messages delivered to one member (not the dropped ones), oldest first."""
        with self._lock:
            return [m for m in self.messages if userid in m.touser or "@all" in m.touser]

    def wait_for(self, path: str = "message/send", count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Block until ``count`` calls of ``path`` were answered; for tests using ``running_in_thread``."""
        wanted = _normalize(path)
        deadline = time.monotonic() + timeout
        with self._changed:
            while sum(1 for c in self.requests if c.path == wanted and c.status is not None) < count:
                left = deadline - time.monotonic()
                if left <= 0 or not self._changed.wait(left):
                    seen = [c.path for c in self.requests]
                    raise TimeoutError(f"{wanted} answered fewer than {count} time(s) in {timeout}s; calls: {seen}")
        return self.sent(path)

    async def wait_for_async(
        self, path: str = "message/send", count: int = 1, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """``wait_for`` for a test whose event loop also runs the fake (blocking would starve the server)."""
        wanted = _normalize(path)
        try:
            async with asyncio.timeout(timeout):
                while True:
                    with self._lock:
                        done = sum(1 for c in self.requests if c.path == wanted and c.status is not None)
                    if done >= count:
                        return self.sent(path)
                    await asyncio.sleep(0.005)
        except TimeoutError:
            seen = [c.path for c in self.requests]
            raise TimeoutError(f"{wanted} answered fewer than {count} time(s) in {timeout}s; calls: {seen}") from None

    def card(self, task_id: str) -> dict[str, Any] | None:
        """The template card sent with ``task_id`` (the request's ``template_card``), or None."""
        with self._lock:
            card = self._cards.get(task_id)
            if card is None:
                return None
            sent = [m for m in (*self.messages, *self.dropped) if m.msgid == card.msgid]
        return sent[0].body["template_card"] if sent else None

    # ------------------------------------------------------------------ control

    def expire_tokens(self) -> None:
        """Expire every token issued so far: using one answers 42001, the next gettoken issues a new one."""
        with self._lock:
            self._tokens = dict.fromkeys(self._tokens, float("-inf"))
            self._current_token = None

    def card_click(self, task_id: str, userid: str, event_key: str) -> str:
        """A member clicks a button of the card sent with ``task_id``: returns the fresh ResponseCode WeCom puts in
        the template_card_event callback (usable once, for 72 hours). Build the callback with tests.wecom.callbacks."""
        with self._lock:
            card = self._cards.get(task_id)
            if card is None:
                raise ValueError(f"no template card was sent with task_id {task_id!r}")
            if card.button_keys and event_key not in card.button_keys:
                raise ValueError(f"card {task_id!r} has no button {event_key!r}; keys: {card.button_keys}")
            got = [m for m in self.messages if m.msgid == card.msgid and (userid in m.touser or "@all" in m.touser)]
            if not got:
                raise ValueError(f"{userid!r} never received card {task_id!r}, so cannot click it")
            return self._issue_code(task_id)

    def oauth_code(self, userid: str) -> str:
        """A member opens an OAuth2 link: the one-time ``code`` WeCom puts on the redirect to the page (5 minutes)."""
        with self._lock:
            code = secrets.token_urlsafe(24)
            self._oauth_codes[code] = (userid, self.clock())
            return code

    def fail_next(self, path: str, errcode: int, errmsg: str | None = None, *, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``path`` with ``{"errcode": errcode, ...}`` (HTTP 200, as WeCom)
        without handling them."""
        failure = _Failure("errcode", errcode=errcode, errmsg=errmsg if errmsg is not None else ERRMSG.get(errcode, ""))
        self._add_failure(path, failure, times)

    def http_error_next(self, path: str, status: int = 500, *, times: int = 1) -> None:
        """Answer the next calls of ``path`` with a bare HTTP error (a gateway in trouble), not handling them."""
        self._add_failure(path, _Failure("http", status=status), times)

    def stall_next(self, path: str, seconds: float, *, times: int = 1) -> None:
        """Hold the next calls of ``path`` for ``seconds`` (real time) before handling them normally: a client with
        a shorter timeout gives up, yet the message IS sent, as can happen with WeCom."""
        self._add_failure(path, _Failure("stall", seconds=seconds), times)

    def disconnect_next(self, path: str, *, after_processing: bool = False, times: int = 1) -> None:
        """Drop the connection on the next calls of ``path`` without an answer: before handling them (nothing
        happened), or ``after_processing`` (the message was sent, the answer was lost)."""
        self._add_failure(path, _Failure("disconnect", after_processing=after_processing), times)

    def outage(self, status: int = 503) -> None:
        """WeCom (or the way to it) down: every call, the token's included, answers a bare HTTP ``status`` until
        ``restore()``."""
        with self._lock:
            self._down = status

    def restore(self) -> None:
        with self._lock:
            self._down = None

    def _add_failure(self, path: str, failure: _Failure, times: int) -> None:
        with self._lock:
            self._failures.setdefault(_normalize(path), []).extend(failure for _ in range(times))

    # ------------------------------------------------------------------ wire

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        endpoint = self._routes.get((request.method, path))
        if endpoint is None:
            raise web.HTTPNotFound()
        params: dict[str, Any] = dict(request.query)
        bad_body = False
        try:
            params.update(await _read_body(request))
        except ValueError:
            bad_body = True
        call = Call(request.method, path, params, at=self.clock())
        with self._lock:
            self.requests.append(call)
            queued = self._failures.get(path)
            failure = queued.pop(0) if queued else None
            if self._down is not None:
                failure = _Failure("http", status=self._down)

        if failure is not None and failure.kind == "stall":
            await asyncio.sleep(failure.seconds)
        if failure is not None and failure.kind == "disconnect" and not failure.after_processing:
            return await self._disconnect(request, call)
        if failure is not None and failure.kind == "http":
            return self._answer_http(call, failure.status)

        if failure is not None and failure.kind == "errcode":
            payload = _error_payload(failure.errcode, failure.errmsg)
        elif bad_body:
            payload = _error_payload(DATA_FORMAT_ERROR, ERRMSG[DATA_FORMAT_ERROR])
        else:
            try:
                with self._lock:
                    payload = endpoint(params)
            except ApiError as exc:
                payload = _error_payload(exc.errcode, exc.errmsg)

        if failure is not None and failure.kind == "disconnect":
            return await self._disconnect(request, call)
        with self._changed:
            call.status, call.response = 200, payload
            self._changed.notify_all()
        return web.json_response(payload, dumps=_dumps)

    def _answer_http(self, call: Call, status: int) -> web.Response:
        with self._changed:
            call.status = status
            self._changed.notify_all()
        return web.Response(status=status, text=f"<html><body>{status}</body></html>", content_type="text/html")

    async def _disconnect(self, request: web.Request, call: Call) -> web.StreamResponse:
        with self._changed:
            call.status = 0  # no answer
            self._changed.notify_all()
        if request.transport is not None:
            request.transport.abort()
        # The connection is gone; aiohttp drops whatever is returned.
        return web.Response(status=204)

    # ------------------------------------------------------------------ tokens

    def _gettoken(self, params: dict[str, Any]) -> dict[str, Any]:
        corpid, corpsecret = params.get("corpid"), params.get("corpsecret")
        if not corpid:
            raise ApiError(CORPID_MISSING)
        if corpid != self.corp_id:
            raise ApiError(INVALID_CORPID)
        if not corpsecret:
            raise ApiError(SECRET_MISSING)
        if corpsecret != self.secret:
            raise ApiError(INVALID_CREDENTIAL)
        now = self.clock()
        token = self._current_token
        # "有效期内重复获取返回相同结果，过期后获取会返回新的access_token"
        if token is None or self._tokens[token] <= now:
            token = secrets.token_urlsafe(96)
            self._tokens[token] = now + self.token_ttl
            self._current_token = token
        self.token_fetches += 1
        return {"errcode": OK, "errmsg": "ok", "access_token": token, "expires_in": int(self._tokens[token] - now)}

    def _check_token(self, params: dict[str, Any]) -> None:
        token = params.get("access_token")
        if not token:
            raise ApiError(ACCESS_TOKEN_MISSING)
        expiry = self._tokens.get(token)
        if expiry is None:
            raise ApiError(INVALID_ACCESS_TOKEN)
        if self.clock() >= expiry:
            raise ApiError(ACCESS_TOKEN_EXPIRED)

    def _auth_getuserinfo(self, params: dict[str, Any]) -> dict[str, Any]:
        self._check_token(params)
        issued = self._oauth_codes.pop(str(params.get("code") or ""), None)
        if issued is None or self.clock() - issued[1] > OAUTH_CODE_TTL:
            raise ApiError(INVALID_OAUTH_CODE)
        return {"errcode": OK, "errmsg": "ok", "userid": issued[0]}

    def _check_agent(self, params: dict[str, Any]) -> None:
        agentid = params.get("agentid")
        if agentid is None or agentid == "":
            raise ApiError(AGENTID_MISSING)
        try:
            agentid = int(agentid)
        except (TypeError, ValueError):
            raise ApiError(INVALID_AGENTID) from None
        if agentid != self.agent_id:
            # The token belongs to one app (one secret); another agentid is another app.
            raise ApiError(NO_PERMISSION_FOR_AGENT)

    # ------------------------------------------------------------------ app messages

    def _message_send(self, params: dict[str, Any]) -> dict[str, Any]:
        self._check_token(params)
        self._check_agent(params)
        msgtype, content = _content(params, APP_MSGTYPES)

        touser = params.get("touser") or ""
        if not isinstance(touser, str):
            raise ApiError(INVALID_PARAMETER, 'touser must be a string such as "a|b"')
        users = [u for u in touser.split("|") if u]
        parties = [p for p in str(params.get("toparty") or "").split("|") if p.strip()]
        tags = [t for t in str(params.get("totag") or "").split("|") if t.strip()]
        if not (users or parties or tags):
            raise ApiError(NO_RECIPIENTS)
        if len(users) > MAX_TOUSER:
            raise ApiError(INVALID_USERID_LIST_SIZE)

        delivered_content = self._check_content(msgtype, content)
        card = self._check_card(content) if msgtype == "template_card" else None

        if "@all" in users:
            valid, invalid = ["@all"], []
        else:
            valid = [u for u in users if not self.users or u in self.users]
            invalid = [u for u in users if self.users and u not in self.users]
        if not valid:
            # The fake has no departments or tags, so those never reach anyone either.
            raise ApiError(ALL_RECIPIENTS_INVALID)

        now = self.clock()
        msgid = f"msg{next(self._msgids):06d}{secrets.token_hex(4)}"
        response_code = None
        duplicate = False
        if card is not None:
            card_type, task_id, keys, clickable = card
            if task_id is not None and task_id in self._cards:
                if self.duplicate_task_id == "error":
                    raise ApiError(DUPLICATE_TASK_ID, f"task_id {task_id} already exists")
                duplicate = True
            elif task_id is not None:
                self._cards[task_id] = _Card(task_id, card_type, msgid, keys)
            if clickable and not duplicate:
                # Only cards a member can act on come back with a response_code.
                response_code = self._issue_code(task_id)

        reached, dropped = [], []
        for user in valid:
            if not duplicate and self._member_log.allows((self.agent_id, user), now, self.member_limits):
                self._member_log.record((self.agent_id, user), now)
                reached.append(user)
            else:
                dropped.append(user)
        for members, log in ((reached, self.messages), (dropped, self.dropped)):
            if members:
                log.append(AppMessage(msgid, msgtype, tuple(members), params, now, delivered_content, response_code))

        answer: dict[str, Any] = {"errcode": OK, "errmsg": "ok", "invaliduser": "|".join(invalid)}
        if parties:
            answer["invalidparty"] = "|".join(parties)
        if tags:
            answer["invalidtag"] = "|".join(tags)
        answer["msgid"] = msgid
        if response_code is not None:
            answer["response_code"] = response_code
        return answer

    def _check_content(self, msgtype: str, content: dict[str, Any]) -> str | None:
        if msgtype in ("text", "markdown"):
            text = content.get("content")
            if not isinstance(text, str) or not text:
                raise ApiError(EMPTY_CONTENT)
            data = text.encode("utf-8")
            if msgtype == "markdown" and len(data) > APP_MARKDOWN_MAX_BYTES:
                raise ApiError(CONTENT_TOO_LONG, f"markdown.content exceed max length {APP_MARKDOWN_MAX_BYTES}")
            # Text over the limit is cut (on a character boundary), not refused.
            return data[:TEXT_MAX_BYTES].decode("utf-8", "ignore")
        if msgtype in ("image", "file"):
            media_id = content.get("media_id")
            if not media_id:
                raise ApiError(MEDIA_ID_MISSING)
            self._check_media(str(media_id), owner="app", wanted_type="image" if msgtype == "image" else None)
        return None

    def _check_media(self, media_id: str, *, owner: str, wanted_type: str | None) -> None:
        info = self._media_info.get(media_id)
        if info is None or info.owner != owner or self.clock() - info.created_at > MEDIA_TTL:
            raise ApiError(INVALID_MEDIA_ID)
        if wanted_type is not None and info.type != wanted_type:
            # "媒体文件类型应符合接口要求（比如发送图片消息，此时不能用音频文件的media_id）"
            raise ApiError(INVALID_MEDIA_ID)

    def _check_card(
        self, card: dict[str, Any], *, update: bool = False
    ) -> tuple[str, str | None, tuple[str, ...], bool]:
        """(card_type, task_id, button and menu keys, whether a member can click it) or ApiError."""
        card_type = card.get("card_type")
        if card_type not in CARD_TYPES:
            raise ApiError(INVALID_PARAMETER, f"invalid card_type {card_type!r}")
        task_id = card.get("task_id")
        needs_task = card_type in INTERACTIVE_CARDS or "action_menu" in card
        if task_id is None and needs_task and not update:
            raise ApiError(INVALID_TASK_ID, "task_id missing")
        if task_id is not None and not (isinstance(task_id, str) and TASK_ID_RE.fullmatch(task_id)):
            raise ApiError(INVALID_TASK_ID)
        keys: list[str] = []
        if card_type == "button_interaction":
            buttons = card.get("button_list")
            if not isinstance(buttons, list) or not buttons:
                raise ApiError(INVALID_PARAMETER, "button_list missing")
            if len(buttons) > MAX_BUTTONS:
                raise ApiError(INVALID_PARAMETER, f"button_list exceed max size {MAX_BUTTONS}")
            for button in buttons:
                if not isinstance(button, dict) or not button.get("text"):
                    raise ApiError(BUTTON_NAME_MISSING)
                key = button.get("key")
                if not key:
                    raise ApiError(BUTTON_KEY_MISSING)
                if len(str(key).encode("utf-8")) > BUTTON_KEY_MAX_BYTES or key in keys:
                    raise ApiError(INVALID_BUTTON_KEY)
                keys.append(str(key))
        if "action_menu" in card:
            keys += [str(a.get("key")) for a in card["action_menu"].get("action_list", []) if isinstance(a, dict)]
        return card_type, task_id, tuple(keys), needs_task

    def _issue_code(self, task_id: str | None) -> str:
        code = secrets.token_urlsafe(32)
        self._codes[code] = _ResponseCode(task_id, self.clock())
        return code

    def _update_template_card(self, params: dict[str, Any]) -> dict[str, Any]:
        self._check_token(params)
        self._check_agent(params)
        code = params.get("response_code")
        if not code:
            raise ApiError(INVALID_PARAMETER, "response_code missing")
        issued = self._codes.get(str(code))
        if issued is None or self.clock() - issued.issued_at > RESPONSE_CODE_TTL:
            raise ApiError(INVALID_PARAMETER, "invalid response_code")
        if issued.used:
            raise ApiError(CODE_ALREADY_USED)
        button, card = params.get("button"), params.get("template_card")
        if isinstance(button, dict):
            if not button.get("replace_name"):
                raise ApiError(INVALID_PARAMETER, "button.replace_name missing")
        elif isinstance(card, dict):
            self._check_card(card, update=True)
        else:
            raise ApiError(INVALID_PARAMETER, "button or template_card missing")
        userids = params.get("userids") or []
        if not isinstance(userids, list):
            raise ApiError(INVALID_PARAMETER, "userids must be a list")
        issued.used = True
        self.card_updates.append(CardUpdate(str(code), issued.task_id, list(userids), params, self.clock()))
        invalid = [u for u in userids if self.users and u not in self.users]
        return {"errcode": OK, "errmsg": "ok", "invaliduser": invalid}

    # ------------------------------------------------------------------ media

    def _media_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        self._check_token(params)
        return self._store_upload(params, owner="app", types=frozenset(MEDIA_LIMITS))

    def _store_upload(self, params: dict[str, Any], *, owner: str, types: frozenset[str]) -> dict[str, Any]:
        media_type = params.get("type")
        if media_type not in types:
            raise ApiError(INVALID_FILE_TYPE)
        upload = params.get("media")
        if not isinstance(upload, Upload) or not upload.data:
            raise ApiError(EMPTY_MEDIA)
        max_bytes, too_big = MEDIA_LIMITS[media_type]
        if len(upload.data) <= 5:  # "所有文件size必须大于5个字节"
            raise ApiError(INVALID_FILE_SIZE)
        if len(upload.data) > max_bytes:
            raise ApiError(too_big)
        media_id = f"3{secrets.token_urlsafe(40)}"
        self.media[media_id] = (upload.filename or "", upload.data)
        self._media_info[media_id] = _Media(media_type, owner, self.clock())
        return {"errcode": OK, "errmsg": "", "type": media_type, "media_id": media_id, "created_at": str(_now())}

    # ------------------------------------------------------------------ group robot

    def _robot_key(self, params: dict[str, Any]) -> str:
        key = params.get("key")
        if not key or key not in self.robot_keys:
            raise ApiError(INVALID_WEBHOOK_URL)
        return str(key)

    def _webhook_send(self, params: dict[str, Any]) -> dict[str, Any]:
        key = self._robot_key(params)
        msgtype, content = _content(params, ROBOT_MSGTYPES)
        if msgtype in ("text", "markdown"):
            text = content.get("content")
            if not isinstance(text, str) or not text:
                raise ApiError(EMPTY_CONTENT)
            limit = ROBOT_TEXT_MAX_BYTES if msgtype == "text" else ROBOT_MARKDOWN_MAX_BYTES
            if len(text.encode("utf-8")) > limit:
                name = "content" if msgtype == "text" else "markdown.content"
                raise ApiError(INVALID_PARAMETER, f"{name} exceed max length {limit}. Invalid input")
        elif msgtype == "image":
            try:
                data = base64.b64decode(str(content.get("base64") or ""), validate=True)
            except (binascii.Error, ValueError):
                raise ApiError(INVALID_PARAMETER, "invalid base64") from None
            if not data:
                raise ApiError(EMPTY_MEDIA)
            if len(data) > ROBOT_IMAGE_MAX_BYTES:
                raise ApiError(INVALID_IMAGE_SIZE)
            # "md5 是图片内容（base64编码前）的md5值"
            if str(content.get("md5") or "").lower() != hashlib.md5(data).hexdigest():
                raise ApiError(MEDIA_MD5_MISMATCH)
        else:  # file
            media_id = content.get("media_id")
            if not media_id:
                raise ApiError(MEDIA_ID_MISSING)
            self._check_media(str(media_id), owner=f"robot:{key}", wanted_type=None)
        now = self.clock()
        if not self._robot_log.allows(key, now, self.robot_limits):
            raise ApiError(API_FREQ_OUT_OF_LIMIT)
        self._robot_log.record(key, now)
        body = {k: v for k, v in params.items() if k != "key"}
        self.robot_messages.setdefault(key, []).append(body)
        return {"errcode": OK, "errmsg": "ok"}

    def _webhook_upload_media(self, params: dict[str, Any]) -> dict[str, Any]:
        key = self._robot_key(params)
        answer = self._store_upload(params, owner=f"robot:{key}", types=ROBOT_MEDIA_TYPES)
        answer["errmsg"] = "ok"
        return answer


# ---------------------------------------------------------------------- helpers


def _content(params: dict[str, Any], allowed: Iterable[str]) -> tuple[str, dict[str, Any]]:
    """A message's type and its content object, as WeCom checks them for an app message and a robot's alike."""
    msgtype = params.get("msgtype")
    if msgtype not in allowed:
        raise ApiError(INVALID_MSGTYPE, f"invalid message type {msgtype!r}")
    content = params.get(msgtype)
    if not isinstance(content, dict):
        raise ApiError(INVALID_PARAMETER, f"{msgtype} missing")
    return msgtype, content


async def _read_body(request: web.Request) -> dict[str, Any]:
    """The body as WeCom reads it: multipart for uploads, else JSON whatever the Content-Type (wechatpy sends
    none). Raises ValueError for a body that is not a JSON object."""
    if request.method != "POST" or not request.can_read_body:
        return {}
    if request.content_type.startswith("multipart/"):
        fields, uploads = await read_form(request)
        return {**fields, **uploads}
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(str(exc)) from None
    if not isinstance(body, dict):
        raise ValueError("JSON body must be an object")
    return body


def _error_payload(errcode: int, errmsg: str) -> dict[str, Any]:
    hint = f"[{int(time.time())}{secrets.randbelow(10**12):012d}]"
    more = f"more info at https://open.work.weixin.qq.com/devtool/query?e={errcode}"
    return {"errcode": errcode, "errmsg": f"{errmsg}, hint: {hint}, from ip: 127.0.0.1, {more}"}


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _normalize(path: str) -> str:
    path = path.split("?", 1)[0].strip("/")
    return path.removeprefix("cgi-bin/")


def _matches(params: dict[str, Any], name: str, value: Any) -> bool:
    if name == "touser":
        return str(value) in str(params.get("touser") or "").split("|")
    if name in params:
        return params[name] == value
    inner = params.get(str(params.get("msgtype")))
    return isinstance(inner, dict) and inner.get(name) == value


def _now() -> int:
    return int(time.time())


async def _serve(args: argparse.Namespace) -> None:
    """Run until stdin closes, then print what was received, as JSON, on stdout."""
    api = FakeWeComApi(port=args.port)
    api.robot_keys.update(args.robot_key)
    async with api:
        print(api.url, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        stats = {
            "token_fetches": api.token_fetches,
            "messages": len(api.messages),
            "dropped": len(api.dropped),
            "card_updates": len(api.card_updates),
            "robot_messages": {key: len(bodies) for key, bodies in api.robot_messages.items()},
            "errors": sum(1 for c in api.requests if c.response and c.response.get("errcode")),
        }
        print(json.dumps(stats), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="a fake WeCom server API on 127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--robot-key", action="append", default=[], help="a group robot webhook key to accept")
    asyncio.run(_serve(parser.parse_args()))
