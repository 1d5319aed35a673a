"""A fake Telegram Bot API server on 127.0.0.1 for tests that drive the real python-telegram-bot.

It speaks the wire protocol (``/bot<token>/<method>`` with form, multipart or JSON parameters, the
``{"ok": ..., "result": ...}`` envelope, error codes and ``parameters.retry_after``) and keeps just enough
state (messages per chat, an update queue with offset confirmation, files, commands, the webhook) for a
bot to behave as it would against Telegram. Where Telegram refuses something a bot could plausibly get
wrong (editing a message to the same content, callback_data over 64 bytes, an unknown file_id) the fake
refuses it too, so the mistake shows up in tests rather than in production.

    async with FakeBotApi() as api:
        app = (Application.builder().token(api.token)
               .base_url(f"{api.url}/bot").base_file_url(f"{api.url}/file/bot").build())
        api.push_update(api.text_update(user_id=1, text="hi"))
        ...
        assert api.sent("sendMessage", chat_id=1)[0]["text"] == "..."

``FakeBotApi(limits=TelegramLimits())`` also enforces Telegram's flood limits, strictly (at most so many accepted
sends in ANY window of the limit's length, counted on arrival), answering 429 with ``retry_after`` as Telegram
does; ``too_many`` counts those answers, ``too_many_by`` per limit gone over (overall, private, group). ``clock``
sets the time the limits are counted in (a test's own clock).
``python -m tests.fakes.telegram_api --limits --scale 10`` runs it as a process of its own (the outbox bench);
``--record`` adds every accepted sendMessage (chat and text) to what it prints when its stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import itertools
import json
import math
import re
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from tests.fakes.forms import Upload, read_form

BOT_USER: dict[str, Any] = {
    "id": 4242,
    "is_bot": True,
    "first_name": "salesbot",
    "username": "salesbot_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}

TOO_MANY_REQUESTS = "Too Many Requests: retry after 1"
BLOCKED = "Forbidden: bot was blocked by the user"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)

# Telegram decodes JSON only for parameters whose type is not a string; PTB sends strings raw (not
# JSON-quoted), so a text of "123" or "true" must not turn into a number or a boolean here.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "language_code",
        "file_id",
        "photo",
        "document",
        "voice",
        "audio",
        "video",
        "animation",
        "sticker",
        "thumbnail",
        "title",
        "description",
        "short_description",
        "name",
        "address",
        "first_name",
        "last_name",
        "phone_number",
        "vcard",
        "emoji",
        "ip_address",
        "business_connection_id",
        "message_effect_id",
    }
)

# Telegram's default when allowed_updates is empty or never given: everything except these.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass
class Call:
    """One request to ``/bot<token>/<method>``. ``status`` and ``response`` are filled in once answered
    (a long poll is recorded when it arrives, so the order of ``calls`` is the order of arrival)."""

    method: str
    params: dict[str, Any]
    status: int | None = None
    response: dict[str, Any] | None = None
    at: float = 0.0  # arrival, on the server's clock


# Methods that post a message into a chat, and so count against Telegram's flood limits.
_SENDING = frozenset({"sendmessage", "sendphoto", "senddocument", "sendvoice", "sendlocation"})


@dataclass(frozen=True)
class TelegramLimits:
    """Telegram's documented limits as (count, seconds): 30 a second in all, 1 a second in a private chat,
    20 a minute in a group. ``scaled(10)`` makes every one ten times faster (same shape, a tenth of the time)."""

    overall: tuple[int, float] = (30, 1.0)
    private: tuple[int, float] = (1, 1.0)
    group: tuple[int, float] = (20, 60.0)

    def scaled(self, factor: float) -> TelegramLimits:
        return TelegramLimits(
            (self.overall[0], self.overall[1] / factor),
            (self.private[0], self.private[1] / factor),
            (self.group[0], self.group[1] / factor),
        )


class _Windows:
    """Sliding-window logs: a send is refused if it would make more than ``count`` in the last ``seconds``.
    Deliberately not a token bucket, and not the code under test: the strictest reading of the limits."""

    def __init__(self, limits: TelegramLimits) -> None:
        self.limits = limits
        self._overall: deque[float] = deque()
        self._chats: dict[str, deque[float]] = {}

    def wait(self, chat_id: Any, now: float) -> tuple[float, str]:
        """Seconds until this send would be allowed (0: allowed now), and the limit that says so: "overall",
        "private" or "group"."""
        kind = "private" if _is_private(chat_id) else "group"
        limit = self.limits.private if kind == "private" else self.limits.group
        overall = self._wait(self._overall, self.limits.overall, now)
        chat = self._wait(self._chats.setdefault(str(chat_id), deque()), limit, now)
        return (overall, "overall") if overall >= chat else (chat, kind)

    def accept(self, chat_id: Any, now: float) -> None:
        for log in (self._overall, self._chats.setdefault(str(chat_id), deque())):
            log.append(max(now, log[-1]) if log else now)  # kept in order even if requests finish out of order

    @staticmethod
    def _wait(log: deque[float], limit: tuple[int, float], now: float) -> float:
        count, seconds = limit
        while log and log[0] <= now - seconds:
            log.popleft()
        return 0.0 if len(log) < count else log[-count] + seconds - now


def _is_private(chat_id: Any) -> bool:
    try:
        return int(chat_id) > 0
    except (TypeError, ValueError):
        return False  # an @username names a channel or a public group


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_name: str | None = None
    mime_type: str | None = None

    def as_file(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


@dataclass
class _Failure:
    status: int
    description: str
    parameters: dict[str, Any] | None = None


class ApiError(Exception):
    """Raised inside a method handler to answer ``{"ok": false, ...}``."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class _Webhook:
    url: str = ""
    secret_token: str | None = None
    allowed_updates: list[str] | None = None
    max_connections: int = 40


class FakeBotApi:
    """The fake server plus a test-facing API to inspect what the bot sent and feed it updates."""

    #: Long polls wait at most this long, whatever ``timeout`` the bot asks for, so tests stay fast.
    max_poll_timeout: float = 2.0

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: TelegramLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.clock = clock
        self.too_many = 0  # 429s answered for going over ``limits``
        self.too_many_by: dict[str, int] = {}  # the same, by the limit gone over: overall, private, group
        self._windows = _Windows(limits) if limits is not None else None
        self.url = ""
        self.calls: list[Call] = []
        self.downloads: list[str] = []
        self.me: dict[str, Any] = dict(BOT_USER)
        self.webhook = _Webhook()
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 100_000
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._closing = False
        self._changed = asyncio.Event()
        self._failures: dict[str, list[_Failure]] = {}
        self._messages: dict[tuple[int | str, int], dict[str, Any]] = {}
        self._next_message_id: dict[int | str, int] = {}
        self._chats: dict[int | str, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._callback_counter = itertools.count(1)
        self._answered_queries: set[str] = set()
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._menu_buttons: dict[str, dict[str, Any]] = {}  # chat id ("" for the default) -> MenuButton
        self._methods = {
            name.lower(): handler
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "sendChatAction": self._send_chat_action,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "sendVoice": self._send_voice,
                "sendLocation": self._send_location,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "getFile": self._get_file,
                "setChatMenuButton": self._set_chat_menu_button,
                "getChatMenuButton": self._get_chat_menu_button,
            }.items()
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        # A short shutdown_timeout: a bot that was not shut down may still hold keep-alive connections.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def stop(self) -> None:
        if self._runner is None:
            return
        # Wake pending long polls so the server does not wait for them to time out.
        self._closing = True
        self._poke()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ inspection

    def sent(self, method: str = "sendMessage", chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """The parameters of every call to ``method`` (failed ones included), optionally for one chat."""
        wanted = method.lower()
        return [
            call.params
            for call in self.calls
            if call.method.lower() == wanted and (chat_id is None or str(call.params.get("chat_id")) == str(chat_id))
        ]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Wait until at least ``count`` calls of ``method`` were received; return all of them."""
        try:
            async with asyncio.timeout(timeout):
                while len(got := self.sent(method)) < count:
                    await self._changed.wait()
        except TimeoutError:
            seen = [call.method for call in self.calls]
            raise TimeoutError(
                f"{method} called {len(self.sent(method))} time(s) in {timeout}s, wanted {count}; calls: {seen}"
            ) from None
        return got

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return copy.deepcopy(self._updates)

    def message(self, chat_id: int | str, message_id: int) -> dict[str, Any] | None:
        """The current state of a message (after edits), or None if unknown or deleted."""
        found = self._messages.get((chat_id, message_id))
        return copy.deepcopy(found) if found is not None else None

    def last_message(self, chat_id: int | str) -> dict[str, Any] | None:
        """The newest message the bot sent to ``chat_id`` and has not deleted, as it is now (after edits)."""
        mine = [m for (chat, _), m in self._messages.items() if chat == chat_id and m["from"]["id"] == self.me["id"]]
        return copy.deepcopy(max(mine, key=lambda m: m["message_id"])) if mine else None

    def my_commands(self, language_code: str = "", scope: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return copy.deepcopy(self._commands.get(self._commands_key(scope, language_code), []))

    # ------------------------------------------------------------------ control

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; assigns ``update_id`` if missing and returns it."""
        update_id = update.get("update_id", self._next_update_id)
        update = {"update_id": update_id, **copy.deepcopy(update)}
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self._remember(update)
        self._updates.append(update)
        self._updates.sort(key=lambda u: u["update_id"])
        self._poke()
        return update_id

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        description: str = TOO_MANY_REQUESTS,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail the way Telegram fails them."""
        parameters = None
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            if retry_after is not None:
                parameters = {"retry_after": retry_after}
                if description == TOO_MANY_REQUESTS:
                    description = f"Too Many Requests: retry after {retry_after}"
        elif description == TOO_MANY_REQUESTS:
            description = BLOCKED if status == HTTPStatus.FORBIDDEN else _default_description(status)
        # retry_after is only sent with 429: PTB raises RetryAfter for any status that carries it.
        self._failures.setdefault(method.lower(), []).extend(
            _Failure(status, description, parameters) for _ in range(times)
        )

    def register_file(
        self,
        file_id: str,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        file_path: str | None = None,
    ) -> str:
        """Make ``file_id`` known to getFile and its bytes downloadable; returns its file_path."""
        existing = self._files.get(file_id)
        stored = _StoredFile(
            file_id=file_id,
            file_unique_id=existing.file_unique_id if existing else f"U{next(self._file_counter)}",
            file_path=file_path or (existing.file_path if existing else f"files/{next(self._file_counter)}"),
            content=content,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._files[file_id] = stored
        return stored.file_path

    # ------------------------------------------------------------------ update factories

    def text_update(
        self,
        *,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "Rep",
        username: str | None = None,
        language_code: str | None = None,
        update_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """A text message; ``reply_to`` names a message in the chat it answers (as a swipe-to-reply does)."""
        user = self._user(user_id, first_name=first_name, username=username, language_code=language_code)
        chat_id = chat_id if chat_id is not None else user_id
        if chat_type == "private" and chat_id < 0:
            chat_type = _group_type(chat_id)
        chat = self._chat(chat_id, chat_type=chat_type)
        message = self._user_message(user, chat, text=text)
        if reply_to is not None:
            message["reply_to_message"] = copy.deepcopy(self._messages[(chat_id, reply_to)])
        if text.startswith("/"):
            # PTB's CommandHandler only matches messages carrying a bot_command entity.
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
        return self._update({"message": message}, update_id)

    def callback_update(
        self,
        *,
        user_id: int,
        data: str,
        message_id: int,
        chat_id: int | None = None,
        update_id: int | None = None,
    ) -> dict[str, Any]:
        """A button press on message ``message_id``; if the bot never sent it, a bot message is assumed."""
        user = self._user(user_id)
        chat = self._chat(chat_id if chat_id is not None else user_id)
        key = (chat["id"], message_id)
        if key not in self._messages:
            self._messages[key] = {
                "message_id": message_id,
                "from": self._bot_as_user(),
                "chat": chat,
                "date": _now(),
                "text": "…",
            }
            self._next_message_id[chat["id"]] = max(self._next_message_id.get(chat["id"], 1), message_id + 1)
        query = {
            "id": str(next(self._callback_counter)),
            "from": user,
            "message": copy.deepcopy(self._messages[key]),
            "chat_instance": f"ci{chat['id']}",
            "data": data,
        }
        return self._update({"callback_query": query}, update_id)

    def location_update(
        self,
        *,
        user_id: int,
        latitude: float,
        longitude: float,
        chat_id: int | None = None,
        update_id: int | None = None,
    ) -> dict[str, Any]:
        user = self._user(user_id)
        chat = self._chat(chat_id if chat_id is not None else user_id)
        message = self._user_message(user, chat, location={"latitude": latitude, "longitude": longitude})
        return self._update({"message": message}, update_id)

    def photo_update(
        self,
        *,
        user_id: int,
        file_id: str = "photo-1",
        caption: str | None = None,
        chat_id: int | None = None,
        update_id: int | None = None,
    ) -> dict[str, Any]:
        stored = self._ensure_file(file_id, b"fake photo " + file_id.encode(), mime_type="image/jpeg")
        user = self._user(user_id)
        chat = self._chat(chat_id if chat_id is not None else user_id)
        message = self._user_message(user, chat, photo=[_photo_size(stored)], **_caption(caption))
        return self._update({"message": message}, update_id)

    def document_update(
        self,
        *,
        user_id: int,
        file_id: str = "doc-1",
        file_name: str = "contract.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        chat_id: int | None = None,
        update_id: int | None = None,
    ) -> dict[str, Any]:
        stored = self._ensure_file(
            file_id, b"fake document " + file_id.encode(), file_name=file_name, mime_type=mime_type
        )
        user = self._user(user_id)
        chat = self._chat(chat_id if chat_id is not None else user_id)
        document = {**_document(stored), "file_name": file_name, "mime_type": mime_type}
        message = self._user_message(user, chat, document=document, **_caption(caption))
        return self._update({"message": message}, update_id)

    def voice_update(
        self,
        *,
        user_id: int,
        file_id: str = "voice-1",
        duration: int = 5,
        chat_id: int | None = None,
        update_id: int | None = None,
    ) -> dict[str, Any]:
        stored = self._ensure_file(file_id, b"fake voice " + file_id.encode(), mime_type="audio/ogg")
        user = self._user(user_id)
        chat = self._chat(chat_id if chat_id is not None else user_id)
        message = self._user_message(user, chat, voice=_voice(stored, duration))
        return self._update({"message": message}, update_id)

    def group_update(
        self,
        *,
        user_id: int,
        chat_id: int,
        text: str,
        title: str = "Team",
        update_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        self._chat(chat_id, title=title)
        return self.text_update(
            user_id=user_id,
            text=text,
            chat_id=chat_id,
            chat_type=_group_type(chat_id),
            update_id=update_id,
            reply_to=reply_to,
        )

    def migrate_update(
        self, *, chat_id: int, to_chat_id: int, user_id: int = 1, update_id: int | None = None
    ) -> dict[str, Any]:
        """The service message in a group that became a supergroup: its id changes to ``to_chat_id``."""
        chat = self._chat(chat_id, chat_type="group")
        message = self._user_message(self._user(user_id), chat, migrate_to_chat_id=to_chat_id)
        return self._update({"message": message}, update_id)

    def my_chat_member_update(
        self,
        chat_id: int,
        title: str = "Team",
        *,
        user_id: int = 1,
        old_status: str = "left",
        new_status: str = "member",
        update_id: int | None = None,
    ) -> dict[str, Any]:
        """The bot's own membership changing (by default: ``user_id`` added it to the group)."""
        chat = self._chat(chat_id, title=title)
        change = {
            "chat": chat,
            "from": self._user(user_id),
            "date": _now(),
            "old_chat_member": _chat_member(self._bot_as_user(), old_status),
            "new_chat_member": _chat_member(self._bot_as_user(), new_status),
        }
        return self._update({"my_chat_member": change}, update_id)

    def new_chat_members_update(
        self,
        chat_id: int,
        title: str = "Team",
        *,
        user_id: int = 1,
        members: list[dict[str, Any]] | None = None,
        update_id: int | None = None,
    ) -> dict[str, Any]:
        """The service message a group shows when members (by default: the bot) are added."""
        chat = self._chat(chat_id, title=title)
        joined = members if members is not None else [self._bot_as_user()]
        message = self._user_message(self._user(user_id), chat, new_chat_members=joined)
        return self._update({"message": message}, update_id)

    # ------------------------------------------------------------------ HTTP

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        at = self.clock()  # on arrival, before reading the body: a slow read must not make requests look closer
        try:
            params = await _read_params(request)
        except ValueError as exc:
            params = {}
            parse_error: ApiError | None = ApiError(400, f"Bad Request: {exc}")
        else:
            parse_error = None
        call = Call(method=method, params=params, at=at)
        self.calls.append(call)
        self._poke()
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            handler = self._methods.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found")
            if parse_error is not None:
                raise parse_error
            failures = self._failures.get(method.lower())
            if failures:
                failure = failures.pop(0)
                raise ApiError(failure.status, failure.description, failure.parameters)
            limited = self._windows is not None and method.lower() in _SENDING
            if limited:
                self._check_limits(params.get("chat_id"), call.at)
            body: dict[str, Any] = {"ok": True, "result": await handler(params)}
            if limited and self._windows is not None:
                self._windows.accept(params.get("chat_id"), call.at)
            status = 200
        except ApiError as err:
            status = err.status
            body = {"ok": False, "error_code": err.status, "description": err.description}
            if err.parameters:
                body["parameters"] = err.parameters
        except Exception as exc:
            # A bug in the fake should read as one in the test output, not as a network error in the bot.
            status = 500
            body = {"ok": False, "error_code": 500, "description": f"Internal Server Error: fake Bot API: {exc!r}"}
        call.status = status
        call.response = copy.deepcopy(body)
        self._poke()
        return web.json_response(body, status=status)

    def _check_limits(self, chat_id: Any, now: float) -> None:
        assert self._windows is not None
        wait, limit = self._windows.wait(chat_id, now)
        if wait > 0:
            self.too_many += 1
            self.too_many_by[limit] = self.too_many_by.get(limit, 0) + 1
            retry_after = max(1, math.ceil(wait))  # Telegram says it in whole seconds
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})

    async def _handle_download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        path = request.match_info["path"]
        self.downloads.append(path)
        for stored in self._files.values():
            if stored.file_path == path:
                return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    # ------------------------------------------------------------------ methods

    async def _get_me(self, params: dict[str, Any]) -> Any:
        return self.me

    async def _get_updates(self, params: dict[str, Any]) -> Any:
        if self.webhook.url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
                "the webhook first",
            )
        offset = _int(params, "offset", 0)
        limit = min(max(_int(params, "limit", 100), 1), 100)
        timeout = min(max(_int(params, "timeout", 0), 0), self.max_poll_timeout)
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"] or []) or None
        self._confirm(offset)
        # Like Telegram, a newer getUpdates terminates an older one still waiting.
        self._poll_generation += 1
        generation = self._poll_generation
        self._poke()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                )
            batch = self._deliverable(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing:
                return batch
            try:
                async with asyncio.timeout(remaining):
                    await self._changed.wait()
            except TimeoutError:
                pass

    async def _set_webhook(self, params: dict[str, Any]) -> Any:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.match(str(secret)):
            # Telegram allows only A-Z, a-z, 0-9, _ and -; the exact wording of its error is approximated.
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = _Webhook(
            url=url,
            secret_token=str(secret) if url and secret is not None else None,
            allowed_updates=params.get("allowed_updates") if url else None,
            max_connections=_int(params, "max_connections", 40),
        )
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> Any:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = _Webhook()
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook.url:
            info["max_connections"] = self.webhook.max_connections
            if self.webhook.allowed_updates:
                info["allowed_updates"] = self.webhook.allowed_updates
        return info

    async def _send_message(self, params: dict[str, Any]) -> Any:
        chat = self._target_chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return self._bot_message(chat, params, text=text)

    async def _edit_message_text(self, params: dict[str, Any]) -> Any:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        markup = _inline_markup(params)
        if "inline_message_id" in params:
            return True
        message = self._message_to_edit(params)
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        # Omitting reply_markup removes the keyboard, as on Telegram.
        if message["text"] == text and message.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        message["text"] = text
        _set_markup(message, markup)
        message["edit_date"] = _now()
        return copy.deepcopy(message)

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        markup = _inline_markup(params)
        if "inline_message_id" in params:
            return True
        message = self._message_to_edit(params)
        if message.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        _set_markup(message, markup)
        message["edit_date"] = _now()
        return copy.deepcopy(message)

    async def _delete_message(self, params: dict[str, Any]) -> Any:
        chat = self._target_chat(params)
        if self._messages.pop((chat["id"], _int(params, "message_id", 0)), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        if not query_id or query_id in self._answered_queries:  # Telegram takes one answer a query
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self._answered_queries.add(query_id)
        return True

    async def _send_chat_action(self, params: dict[str, Any]) -> Any:
        self._target_chat(params)
        return True

    async def _send_photo(self, params: dict[str, Any]) -> Any:
        chat = self._target_chat(params)
        stored = self._input_file(params, "photo", default_mime="image/jpeg")
        return self._bot_message(chat, params, photo=[_photo_size(stored)], **_caption_param(params))

    async def _send_document(self, params: dict[str, Any]) -> Any:
        chat = self._target_chat(params)
        stored = self._input_file(params, "document", default_mime="application/octet-stream")
        return self._bot_message(chat, params, document=_document(stored), **_caption_param(params))

    async def _send_voice(self, params: dict[str, Any]) -> Any:
        chat = self._target_chat(params)
        stored = self._input_file(params, "voice", default_mime="audio/ogg")
        voice = _voice(stored, _int(params, "duration", 0))
        return self._bot_message(chat, params, voice=voice, **_caption_param(params))

    async def _send_location(self, params: dict[str, Any]) -> Any:
        chat = self._target_chat(params)
        try:
            location = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
        except (KeyError, TypeError, ValueError):
            raise ApiError(400, "Bad Request: wrong latitude or longitude specified") from None
        return self._bot_message(chat, params, location=location)

    async def _set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, 'Bad Request: field "commands" must be an Array')
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.match(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params.get("scope"), params.get("language_code") or "")
        if commands:
            self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        else:
            self._commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> Any:
        return self.my_commands(params.get("language_code") or "", params.get("scope"))

    async def _delete_my_commands(self, params: dict[str, Any]) -> Any:
        self._commands.pop(self._commands_key(params.get("scope"), params.get("language_code") or ""), None)
        return True

    def menu_button(self, chat_id: int | None = None) -> dict[str, Any]:
        """The menu button a chat shows (the bot's default without ``chat_id``): Telegram's own unless set."""
        key = "" if chat_id is None else str(chat_id)
        return self._menu_buttons.get(key) or self._menu_buttons.get("") or {"type": "default"}

    async def _set_chat_menu_button(self, params: dict[str, Any]) -> Any:
        button = params.get("menu_button") or {"type": "default"}
        if isinstance(button, str):
            button = json.loads(button)
        if button.get("type") == "web_app":
            url = str(button.get("web_app", {}).get("url", ""))
            if not url.startswith("https://") or not button.get("text"):
                raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")  # Mini Apps open over HTTPS only
        self._menu_buttons[str(params.get("chat_id") or "")] = button
        return True

    async def _get_chat_menu_button(self, params: dict[str, Any]) -> Any:
        return self.menu_button(params.get("chat_id"))

    async def _get_file(self, params: dict[str, Any]) -> Any:
        stored = self._files.get(str(params.get("file_id", "")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return stored.as_file()

    # ------------------------------------------------------------------ state helpers

    def _poke(self) -> None:
        # Each waiter holds the event that was current when it started waiting; replacing it means the next
        # waiters do not wake up for a change they have already seen.
        self._changed.set()
        self._changed = asyncio.Event()

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        def allowed(update: dict[str, Any]) -> bool:
            kind = next((k for k in update if k != "update_id"), "")
            if self._allowed_updates is None:
                return kind not in _OPT_IN_UPDATES
            return kind in self._allowed_updates

        # Telegram never creates updates of types the bot did not ask for, so they are dropped, not kept.
        self._updates = [u for u in self._updates if allowed(u)]
        return copy.deepcopy(self._updates[:limit])

    def _update(self, body: dict[str, Any], update_id: int | None) -> dict[str, Any]:
        return body if update_id is None else {"update_id": update_id, **body}

    def _remember(self, update: dict[str, Any]) -> None:
        for value in update.values():
            if not isinstance(value, dict):
                continue
            message = value if "message_id" in value else value.get("message")
            if isinstance(message, dict) and isinstance(message.get("chat"), dict) and "message_id" in message:
                chat_id = message["chat"]["id"]
                self._chats.setdefault(chat_id, message["chat"])
                self._messages.setdefault((chat_id, message["message_id"]), copy.deepcopy(message))
                self._next_message_id[chat_id] = max(self._next_message_id.get(chat_id, 1), message["message_id"] + 1)
            if isinstance(value.get("chat"), dict):
                self._chats.setdefault(value["chat"]["id"], value["chat"])

    def _bot_as_user(self) -> dict[str, Any]:
        # Outside getMe, Telegram describes the bot with the plain User fields only.
        return {k: self.me[k] for k in ("id", "is_bot", "first_name", "username")}

    def _user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        # Remembered so the same rep looks the same in every update without repeating the details.
        user = self._users.setdefault(user_id, {"id": user_id, "is_bot": False, "first_name": "Rep"})
        if first_name is not None:
            user["first_name"] = first_name
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        return dict(user)

    def _chat(self, chat_id: int, *, chat_type: str | None = None, title: str | None = None) -> dict[str, Any]:
        chat = self._chats.get(chat_id)
        if chat is None:
            kind = chat_type or ("private" if chat_id > 0 else _group_type(chat_id))
            chat = {"id": chat_id, "type": kind}
            if kind == "private":
                user = self._users.get(chat_id, {})
                chat["first_name"] = user.get("first_name", "Rep")
                if "username" in user:
                    chat["username"] = user["username"]
            else:
                chat["title"] = title or "Team"
            self._chats[chat_id] = chat
        elif title is not None and chat["type"] != "private":
            chat["title"] = title
        return dict(chat)

    def _target_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        if isinstance(chat_id, str):
            if chat_id.lstrip("-").isdigit():
                return self._chat(int(chat_id))
            for chat in self._chats.values():
                if f"@{chat.get('username')}" == chat_id:
                    return dict(chat)
            raise ApiError(400, "Bad Request: chat not found")
        return self._chat(int(chat_id))

    def _new_message_id(self, chat_id: int | str) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _user_message(self, user: dict[str, Any], chat: dict[str, Any], **content: Any) -> dict[str, Any]:
        return {
            "message_id": self._new_message_id(chat["id"]),
            "from": user,
            "chat": chat,
            "date": _now(),
            **content,
        }

    def _bot_message(self, chat: dict[str, Any], params: dict[str, Any], **content: Any) -> dict[str, Any]:
        markup = _inline_markup(params)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat["id"]),
            "from": self._bot_as_user(),
            "chat": chat,
            "date": _now(),
            **content,
        }
        _set_markup(message, markup)
        self._messages[(chat["id"], message["message_id"])] = message
        return copy.deepcopy(message)

    def _message_to_edit(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(params)
        message = self._messages.get((chat["id"], _int(params, "message_id", 0)))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message.get("from", {}).get("id") != self.me["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _ensure_file(
        self, file_id: str, content: bytes, *, file_name: str | None = None, mime_type: str | None = None
    ) -> _StoredFile:
        # Placeholder bytes so a bot can download what a factory-made update refers to; register_file
        # (before or after) replaces them when a test cares about the content.
        if file_id not in self._files:
            self.register_file(file_id, content, file_name=file_name, mime_type=mime_type)
        return self._files[file_id]

    def _input_file(self, params: dict[str, Any], name: str, *, default_mime: str) -> _StoredFile:
        value = params.get(name)
        if isinstance(value, Upload):
            file_id = f"{name}-{next(self._file_counter)}"
            self.register_file(
                file_id,
                value.data,
                file_name=value.filename,
                mime_type=value.content_type or default_mime,
                file_path=f"{name}s/file_{next(self._file_counter)}",
            )
            return self._files[file_id]
        if isinstance(value, str) and value in self._files:
            return self._files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            # Telegram would fetch the URL; the fake has nothing to fetch, so the file is empty.
            file_id = f"{name}-{next(self._file_counter)}"
            self.register_file(file_id, b"", file_name=value.rsplit("/", 1)[-1] or None, mime_type=default_mime)
            return self._files[file_id]
        if value is None or value == "":
            raise ApiError(400, f"Bad Request: there is no {name} in the request")
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    @staticmethod
    def _commands_key(scope: Any, language_code: str) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), language_code


# ---------------------------------------------------------------------- wire helpers


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Parameters as Telegram reads them: query string, then a form, multipart or JSON body."""
    params: dict[str, Any] = {k: _decode(k, v) for k, v in request.query.items()}
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError as exc:
            raise ValueError(f"can't parse JSON: {exc}") from None
        if not isinstance(body, dict):
            raise ValueError("JSON body must be an object")
        params.update({k: _decode(k, v) if isinstance(v, str) else v for k, v in body.items()})
        return params
    fields, uploads = await read_form(request)
    params.update({key: _decode(key, value) for key, value in fields.items()})
    # A part referenced as attach://<name> belongs to the parameter that references it; a part not
    # referenced anywhere is the parameter of that name itself (PTB uploads the main file that way).
    referenced: set[str] = set()
    params = {k: _resolve_attachments(v, uploads, referenced) for k, v in params.items()}
    for key, upload in uploads.items():
        if key not in referenced:
            params[key] = upload
    return params


def _decode(name: str, value: str) -> Any:
    if name in _STRING_PARAMS:
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return value if isinstance(decoded, str) else decoded


def _resolve_attachments(value: Any, uploads: dict[str, Upload], referenced: set[str]) -> Any:
    if isinstance(value, str) and value.startswith("attach://"):
        name = value.removeprefix("attach://")
        if name in uploads:
            referenced.add(name)
            return uploads[name]
        return value
    if isinstance(value, list):
        return [_resolve_attachments(v, uploads, referenced) for v in value]
    if isinstance(value, dict):
        return {k: _resolve_attachments(v, uploads, referenced) for k, v in value.items()}
    return value


def _inline_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        # Reply keyboards, ForceReply and ReplyKeyboardRemove are never echoed: Message.reply_markup is
        # an inline keyboard only.
        return None
    for row in markup["inline_keyboard"]:
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    # Telegram does not echo an empty inline keyboard either.
    return markup if any(markup["inline_keyboard"]) else None


def _set_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = copy.deepcopy(markup)


def _chat_member(user: dict[str, Any], status: str) -> dict[str, Any]:
    member: dict[str, Any] = {"user": user, "status": status}
    # PTB refuses an administrator or a banned member without the fields Telegram always sends for them.
    if status == "administrator":
        rights = [
            "can_manage_chat",
            "can_delete_messages",
            "can_manage_video_chats",
            "can_restrict_members",
            "can_change_info",
            "can_invite_users",
            "can_post_stories",
            "can_edit_stories",
            "can_delete_stories",
        ]
        member |= {"can_be_edited": False, "is_anonymous": False, "can_promote_members": False}
        member |= dict.fromkeys(rights, True)
    elif status == "kicked":
        member["until_date"] = 0
    return member


def _photo_size(stored: _StoredFile) -> dict[str, Any]:
    # The fake does not decode images; the size is a plausible placeholder.
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": 1280,
        "height": 960,
        "file_size": len(stored.content),
    }


def _document(stored: _StoredFile) -> dict[str, Any]:
    document: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
    }
    if stored.file_name:
        document["file_name"] = stored.file_name
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    return document


def _voice(stored: _StoredFile, duration: int) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "duration": duration,
        "mime_type": stored.mime_type or "audio/ogg",
        "file_size": len(stored.content),
    }


def _caption(caption: str | None) -> dict[str, Any]:
    return {} if caption is None else {"caption": caption}


def _caption_param(params: dict[str, Any]) -> dict[str, Any]:
    caption = params.get("caption")
    if caption is not None and len(str(caption)) > 1024:
        raise ApiError(400, "Bad Request: message caption is too long")
    return _caption(None if caption is None else str(caption))


def _group_type(chat_id: int) -> str:
    # Supergroup ids are -100 followed by the channel id; basic groups are plain negative numbers.
    return "supergroup" if str(chat_id).startswith("-100") else "group"


def _int(params: dict[str, Any], name: str, default: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, f"Bad Request: invalid {name} specified") from None


def _utf16_len(text: str) -> int:
    # Entity offsets and lengths are counted in UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


def _now() -> int:
    return int(time.time())


def _default_description(status: int) -> str:
    known = {
        400: "Bad Request",
        401: "Unauthorized",
        403: BLOCKED,
        404: "Not Found",
        409: "Conflict",
        429: TOO_MANY_REQUESTS,
    }
    if status in known:
        return known[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


async def _serve(args: argparse.Namespace) -> None:
    """Run until stdin closes, then print what was accepted and refused, as JSON, on stdout."""
    limits = TelegramLimits().scaled(args.scale) if args.limits else None
    async with FakeBotApi(limits=limits, port=args.port) as api:
        print(api.url, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        accepted = [c.at for c in api.calls if c.method.lower() in _SENDING and c.status == HTTPStatus.OK]
        first = min(accepted, default=0.0)
        per_10s: dict[int, int] = {}
        for at in accepted:
            per_10s[int((at - first) // 10)] = per_10s.get(int((at - first) // 10), 0) + 1
        stats = {
            "accepted": len(accepted),
            "too_many": api.too_many,
            "too_many_by": api.too_many_by,
            "first": first,
            "last": max(accepted, default=0.0),
            "per_10s": [per_10s.get(i, 0) for i in range(max(per_10s, default=-1) + 1)],
        }
        if args.record:
            stats["sends"] = [
                {"chat_id": str(c.params.get("chat_id")), "text": c.params.get("text")}
                for c in api.calls
                if c.method.lower() == "sendmessage" and c.status == HTTPStatus.OK
            ]
        print(json.dumps(stats), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="a fake Telegram Bot API server on 127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--limits", action="store_true", help="enforce Telegram's flood limits")
    parser.add_argument("--scale", type=float, default=1.0, help="every limit this many times faster")
    parser.add_argument("--record", action="store_true", help="print every accepted sendMessage at the end too")
    asyncio.run(_serve(parser.parse_args()))
