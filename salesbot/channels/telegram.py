"""Telegram, through python-telegram-bot 22: updates in as `Incoming`, `Reply` out as messages with inline keyboards.

The adapter holds PTB's Application rather than extending it, and only translates: every decision is
the router's. It is the only module that imports `telegram`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import re
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import Any, Protocol, TypeVar

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    MenuButtonWebApp,
    Message,
    Update,
    WebAppInfo,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import BaseRequest
from telegram.warnings import PTBDeprecationWarning

from salesbot.channels.errors import DeliveryFailed, MalformedUpdate
from salesbot.channels.intake import LEASE, Inbox, Intake
from salesbot.channels.replies import SentMarks, send_with_retries
from salesbot.handlers.messages import Attachment, Conversation, Incoming, Location, Reply
from salesbot.i18n import t

log = logging.getLogger(__name__)
T = TypeVar("T")

PLATFORM = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
COMMANDS = ("start", "help", "customers", "deals", "approvals", "receivables", "cancel", "lang")
GROUP_COMMANDS = ("link", "unlink", "help")
MAX_TEXT = 4096
UPDATES = ["message", "callback_query", "my_chat_member"]  # what we ask Telegram for, polling or webhook
ANSWERED_KEPT = 10_000  # callback query ids remembered as answered, without shared values (one process)
PROMPT_TTL = 2 * 24 * 3600.0  # seconds a question's buttons are remembered for taking away
ANSWER_TTL = 24 * 3600.0  # seconds a press is remembered as answered: Telegram takes no answer that late anyway
SHOWN_TTL = 7 * 24 * 3600.0  # seconds what a message shows is remembered, so an edit to the same is not sent
POLL_TIMEOUT = 30  # seconds a getUpdates long poll may wait for an update
POLL_MAX_WAIT = 60  # seconds between tries at most, while getUpdates fails


def bot_api_base(url: str | None) -> str | None:
    """`SALESBOT_TELEGRAM_BASE_URL` may name the server ("http://host:8081") or PTB's form ending in /bot."""
    if not url:
        return None
    url = url.rstrip("/")
    return url if url.endswith("/bot") else url + "/bot"


def webhook_secret(token: str) -> str:
    """The secret_token Telegram sends back with every webhook call: derived from the bot token, so every
    worker behind the load balancer agrees on it without another secret to distribute."""
    return hmac.new(token.encode(), b"salesbot-webhook", hashlib.sha256).hexdigest()[:64]


class TelegramChannel:
    platform = PLATFORM

    def __init__(
        self,
        *,
        token: str,
        router: Conversation,
        base_url: str | None = None,
        base_file_url: str | None = None,
        request: BaseRequest | None = None,
        board_url: str | None = None,
        inbox: Inbox | None = None,
        intake_lease: float = LEASE,
        prompts: Values | None = None,
    ) -> None:
        """`inbox` keeps updates fetched by long polling; `prompts` (shared by the workers) remembers each chat's
        newest question with buttons, so typing an answer takes them away."""
        builder = Application.builder().token(token)
        if request is not None:  # PTB's own seam for the HTTP layer; the benchmark answers the Bot API in-process
            builder = builder.request(request)
        if base := bot_api_base(base_url):
            builder = builder.base_url(base).base_file_url(base_file_url or base.removesuffix("/bot") + "/file/bot")
        self.app = builder.build()
        self.app.add_handler(TypeHandler(Update, self._on_update))
        self._router = router
        self._sent = SentMarks(PLATFORM, router.replied)
        self.secret = webhook_secret(token)
        self.board_url = board_url  # the managers' board, opened as a Mini App (HTTPS only, Telegram's rule)
        self._inbox = inbox
        self._intake = (
            Intake(PLATFORM, inbox, handle=self._handle_kept, chat_of=chat_of, lease=intake_lease)
            if inbox is not None
            else None
        )
        self._polling: asyncio.Task[None] | None = None
        self._stopping = False
        self._prompts = prompts
        self._answered: dict[str, None] = {}  # callback queries answered lately, oldest first (no shared values)

    @property
    def bot(self) -> Any:
        return self.app.bot

    async def start(self) -> None:
        await self.app.initialize()
        await self.register_commands()
        if self.board_url:
            # The menu button beside the text field opens the board in every private chat with the bot.
            button = MenuButtonWebApp(t("zh", "board_menu"), WebAppInfo(self.board_url))
            await _quietly(self.bot.set_chat_menu_button(menu_button=button))

    def chat_url(self) -> str | None:
        """The bot's chat, where the board sends a reader back to act on what they saw."""
        name = self._username()
        return f"https://t.me/{name}" if name else None

    async def start_polling(self) -> None:
        """Long polling that loses nothing (issue 18): each batch getUpdates returns is kept in the inbox, committed,
        and only then confirmed, by the next getUpdates' offset; the kept updates are handled after, by the intake
        (`channels.intake`). A worker killed anywhere leaves each update either unconfirmed at Telegram (fetched
        again) or kept (handled by the next claim), never neither. PTB's own updater confirms a batch as soon as
        it has fetched it, so it is not used."""
        if self._intake is None:
            raise RuntimeError("long polling keeps updates in the inbox: the channel needs one")
        self._intake.start()
        self._polling = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        self._stopping = True
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
        if self._intake is not None:
            await self._intake.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()

    async def _poll(self) -> None:
        assert self._inbox is not None and self._intake is not None
        offset: int | None = None
        failures = 0
        while not self._stopping:
            try:
                batch = await self.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=UPDATES, read_timeout=POLL_TIMEOUT + 10
                )
                if batch:
                    kept = [(str(u.update_id), {"update": u.to_dict()}) for u in batch]
                    await asyncio.to_thread(self._inbox.keep_many, PLATFORM, kept)
                    offset = batch[-1].update_id + 1  # confirmed by the next call: after the commit
                    self._intake.wake()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Telegram or the database away: wait a little longer each time
                failures += 1
                wait = min(2 ** min(failures, 6), POLL_MAX_WAIT)
                log.warning("telegram: polling failed (%s: %s); again in %ss", type(exc).__name__, exc, wait)
                await asyncio.sleep(wait)

    async def _handle_kept(self, row: Any) -> None:
        """A kept update from the inbox; a failure raises, and the intake tries the row again later."""
        await self._on_update(Update.de_json(row.payload["update"], self.bot), None)

    async def set_webhook(self, url: str) -> None:
        await self.bot.set_webhook(url, secret_token=self.secret, allowed_updates=UPDATES)

    def verified(self, headers: Any) -> bool:
        """Telegram echoes the secret_token we registered; anything else did not come from Telegram."""
        given = headers.get(SECRET_HEADER, "")
        return bool(given) and hmac.compare_digest(given, self.secret)

    async def register_commands(self) -> None:
        names = (*COMMANDS, "board") if self.board_url else COMMANDS
        for lang in ("zh", "en"):
            commands = [BotCommand(name, t(lang, f"cmd_{name}")) for name in names]
            await self.bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats(), language_code=lang)
            in_groups = [BotCommand(name, t(lang, f"cmd_{name}")) for name in GROUP_COMMANDS]
            await self.bot.set_my_commands(in_groups, scope=BotCommandScopeAllGroupChats(), language_code=lang)
        await self.bot.set_my_commands([BotCommand(n, t("en", f"cmd_{n}")) for n in names])

    async def process(self, data: dict[str, Any]) -> None:
        """One webhook update. Handled here rather than through PTB's dispatch, which logs a handler's failure
        and carries on: a reply we could not send must fail the webhook, so that Telegram sends it again."""
        try:
            update = Update.de_json(data, self.bot)
        except Exception as exc:
            raise MalformedUpdate(f"{type(exc).__name__}: {exc}") from exc
        await self._on_update(update, None)

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE | None) -> None:
        incoming = to_incoming(update, self._username())
        query = update.callback_query
        if query is not None and await self._first_answer(query.id):
            # Answer at once, whatever happens next: the phone stops its spinner and shows nothing misleading.
            # Once, across workers: Telegram refuses a second answer to the same press (a webhook retried on
            # another worker, a replay), so the first worker to claim it in the database answers.
            await _quietly(query.answer())
        if incoming is None:
            return
        if self.board_url and incoming.chat_type == "private" and incoming.text.strip() == "/board":
            await self._offer_board(update, incoming)
            return
        replies = await asyncio.to_thread(self._router.handle, incoming)
        if query is not None and replies and _pressed_on(query):
            # The pressed keyboard has done its work: take it away so nobody presses it again. Only a keyboard the
            # message has, and a button it has: a forged or unknown press changes nothing, that card's buttons
            # included, and an edit to what the message already shows is one Telegram refuses.
            await self._take_keyboard(incoming.chat_id, str(query.message.message_id))  # type: ignore[union-attr]
            await self._forget_prompt(incoming.chat_id, str(query.message.message_id))  # type: ignore[union-attr]
        elif incoming.button is None and incoming.event is None and incoming.chat_type == "private":
            await self._clear_prompt(incoming.chat_id)  # typed: the question's buttons are answered, or moot
        chat_id = int(incoming.chat_id)
        prompt: str | None = None
        try:
            for reply in replies:
                sent: list[str | None] = []

                async def send(skip: int, reply: Reply = reply, sent: list[str | None] = sent) -> None:
                    sent.append(await self.send(incoming, reply, skip=skip))

                await send_with_retries(send)
                if reply.buttons and sent and sent[-1] is not None:
                    prompt = sent[-1]
        except DeliveryFailed as exc:
            if not exc.permanent:
                # Kept by the router: the retry Telegram sends for a failed webhook takes them at once.
                await asyncio.to_thread(self._router.release, incoming)
                raise
            log.error("telegram: reply to %s cannot be delivered: %s", chat_id, exc)
        if prompt is not None and incoming.chat_type == "private":
            await self._remember_prompt(incoming.chat_id, prompt)
        if replies and incoming.update_id is not None:
            await self._sent.mark(incoming.update_id)

    async def _offer_board(self, update: Update, incoming: Incoming) -> None:
        """/board: a button that opens the board as a Mini App. Nothing is shown here: the page signs the reader
        in from what Telegram hands it, and shows only what they may see."""
        user = update.effective_user
        lang = "zh" if user is None or (user.language_code or "zh").startswith("zh") else "en"
        button = InlineKeyboardButton(t(lang, "board_open"), web_app=WebAppInfo(str(self.board_url)))
        markup = InlineKeyboardMarkup([[button]])
        await _delivering(self.bot.send_message(int(incoming.chat_id), t(lang, "board_offer"), reply_markup=markup))

    async def _first_answer(self, query_id: str) -> bool:
        """True for the one worker that answers this press; in the shared values when there are some."""
        if self._prompts is not None:
            return await asyncio.to_thread(self._prompts.claim, f"telegram:answered:{query_id}", "1", ANSWER_TTL)
        if query_id in self._answered:
            return False
        self._answered[query_id] = None
        while len(self._answered) > ANSWERED_KEPT:
            self._answered.pop(next(iter(self._answered)))
        return True

    async def _shown(self, chat_id: str, message_id: str, part: str, value: str) -> bool:
        """Record that a message now shows `value` for `part` (its keyboard, its text): True when that is a change,
        so the edit is worth sending. Telegram refuses an edit to what a message already shows ("message is not
        modified"); two presses on one card, a retried outbox edit or a typed answer after a press would each
        send one. Compared in the shared values, so two workers do not both edit."""
        if self._prompts is None:
            return True
        key = f"telegram:shown:{part}:{chat_id}:{message_id}"
        return await asyncio.to_thread(self._prompts.claim, key, value, SHOWN_TTL)

    async def _unshown(self, chat_id: str, message_id: str, *parts: str) -> None:
        """The edit failed: what was recorded is not what the message shows, so a later try must not be skipped."""
        if self._prompts is not None:
            for part in parts:
                await _quietly_call(
                    asyncio.to_thread(self._prompts.expire, f"telegram:shown:{part}:{chat_id}:{message_id}")
                )

    async def _take_keyboard(self, chat_id: str, message_id: str) -> None:
        if not await self._shown(chat_id, message_id, "keyboard", "none"):
            return
        edit = self.bot.edit_message_reply_markup(chat_id=int(chat_id), message_id=int(message_id), reply_markup=None)
        if not await _quietly(edit):
            await self._unshown(chat_id, message_id, "keyboard")

    async def _remember_prompt(self, chat_id: str, message_id: str) -> None:
        """The newest question with buttons in this chat: typing an answer takes its buttons away (issue 18)."""
        if self._prompts is not None:
            await _quietly_call(asyncio.to_thread(self._prompts.set, _prompt_key(chat_id), message_id, PROMPT_TTL))

    async def _forget_prompt(self, chat_id: str, message_id: str) -> None:
        """A question whose buttons were pressed has none left to take away."""
        if self._prompts is None:
            return
        key = _prompt_key(chat_id)
        if await asyncio.to_thread(self._prompts.get, key) == message_id:
            await asyncio.to_thread(self._prompts.expire, key)

    async def _clear_prompt(self, chat_id: str) -> None:
        if self._prompts is None:
            return
        key = _prompt_key(chat_id)
        message_id = await asyncio.to_thread(self._prompts.get, key)
        if message_id is None:
            return
        await asyncio.to_thread(self._prompts.expire, key)
        await self._take_keyboard(chat_id, message_id)

    def _username(self) -> str | None:
        try:
            return self.bot.username
        except RuntimeError:  # not initialised (no getMe yet): no mention can be recognised
            return None

    async def send(self, address: Any, message: Reply, *, skip: int = 0) -> str | None:
        """Outbox delivery; returns the id of the message that carries the buttons, so it can be edited later.
        `skip`: how many leading parts went out on an earlier try (`DeliveryFailed.sent_parts`)."""
        return await self._send(int(address.chat_id), message, skip)

    async def edit(self, address: Any, ref: str, message: Reply) -> None:
        """Rewrite a sent card with its outcome; the new text has no keyboard, so nobody presses an old one.
        Not sent when the card already shows exactly that (a retried edit): Telegram would refuse it."""
        chat_id, text = str(address.chat_id), split_text(message.text)[0]
        digest = hashlib.sha256(text.encode()).hexdigest()[:32]
        changed = [
            part
            for part, value in (("text", digest), ("keyboard", "none"))
            if await self._shown(chat_id, ref, part, value)
        ]
        if not changed:
            log.info("telegram: message %s in %s already shows this edit; not sent again", ref, chat_id)
            return
        edit = self.bot.edit_message_text(text, chat_id=int(chat_id), message_id=int(ref), reply_markup=None)
        try:
            await _delivering(edit)
        except DeliveryFailed as exc:
            if "not modified" in str(exc).lower():  # shown before it was recorded (an older worker): done
                return
            await self._unshown(chat_id, ref, *changed)
            raise

    async def _send(self, chat_id: int, reply: Reply, skip: int = 0) -> str | None:
        """The reply's parts in order: files forwarded by id, our files, then the text in pieces (the keyboard on the
        last). A part that fails raises with how many went before it."""
        parts: list[Callable[[], Awaitable[Any]]] = []
        for forward in reply.forwards:
            send = {
                "photo": self.bot.send_photo,
                "voice": self.bot.send_voice,
                "audio": self.bot.send_audio,
                "video": self.bot.send_video,
            }.get(forward.kind, self.bot.send_document)
            parts.append(partial(send, chat_id, forward.file_id))
        for file in reply.files:
            upload = InputFile(file.data, filename=file.name)
            send = self.bot.send_photo if file.mime.startswith("image/") else self.bot.send_document
            parts.append(partial(send, chat_id, upload))
        chunks = split_text(reply.text)
        markup = keyboard(reply)
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            parts.append(partial(self.bot.send_message, chat_id, chunk, reply_markup=markup if last else None))
        sent = None
        for n, part in enumerate(parts):
            if n < skip:
                continue
            try:
                sent = await _delivering(part())
            except DeliveryFailed as exc:
                exc.sent_parts = n
                raise
        return None if sent is None else str(sent.message_id)


async def _delivering(call: Awaitable[T]) -> T:
    """A Bot API call for the outbox: failures become DeliveryFailed, so the dispatcher can retry or park them."""
    try:
        return await call
    except RetryAfter as exc:
        with warnings.catch_warnings():  # PTB 22 warns that the int becomes a timedelta; we accept both
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        raise DeliveryFailed(str(exc), retry_after=seconds) from exc
    except Forbidden as exc:
        raise DeliveryFailed(f"forbidden: {exc.message}", permanent=True) from exc
    except BadRequest as exc:
        # A 400 says what we sent is wrong (chat not found, text too long, a bad button): sending it again cannot
        # help, and it would hold up that person's later messages (issue 18). Only 429s, 5xx and the network pass.
        raise DeliveryFailed(f"bad request: {exc.message}", permanent=True) from exc
    except ChatMigrated as exc:  # the group became a supergroup: this id is gone (the "moved" event re-links it)
        raise DeliveryFailed(f"chat moved to {exc.new_chat_id}", permanent=True) from exc
    except TelegramError as exc:
        raise DeliveryFailed(str(exc)) from exc  # 5xx, timeouts, the network


def to_incoming(update: Update, bot_username: str | None = None) -> Incoming | None:
    """The platform-free message, or None for updates we do not act on (edits, the bot's own, channel posts)."""
    update_id = str(update.update_id)
    if update.my_chat_member is not None:
        return _membership(update_id, update.my_chat_member)
    if update.callback_query is not None:
        query = update.callback_query
        chat = query.message.chat if query.message is not None else None
        return Incoming(
            platform=PLATFORM,
            chat_id=str(chat.id if chat else query.from_user.id),
            sender_id=str(query.from_user.id),
            button=query.data or "",
            update_id=update_id,
            chat_type=_chat_type(chat.type) if chat else "private",
        )
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    chat_type = _chat_type(message.chat.type)
    if chat_type is None:
        return None
    if message.migrate_to_chat_id is not None:
        return Incoming(
            platform=PLATFORM,
            chat_id=str(message.chat.id),
            sender_id=str(message.from_user.id),
            update_id=update_id,
            chat_type=chat_type,
            event="moved",
            moved_to=str(message.migrate_to_chat_id),
        )
    text = message.text or message.caption or ""
    addressed = True
    if chat_type == "group":
        text, addressed = _addressed(message, text, bot_username)
    location = message.location or (message.venue.location if message.venue else None)
    return Incoming(
        platform=PLATFORM,
        chat_id=str(message.chat.id),
        sender_id=str(message.from_user.id),
        text=text,
        update_id=update_id,
        chat_type=chat_type,
        chat_title=message.chat.title or "",
        attachments=_attachments(message),
        location=Location(location.latitude, location.longitude) if location else None,
        addressed=addressed,
    )


class Values(Protocol):
    """Values every worker shares (`services.shared_values.SharedValues`)."""

    def get(self, key: str, default: str | None = None) -> str | None: ...

    def set(self, key: str, value: str, ttl: float | None = None) -> None: ...

    def expire(self, key: str) -> None: ...

    def claim(self, key: str, value: str, ttl: float | None = None) -> bool: ...


def _prompt_key(chat_id: str) -> str:
    return f"telegram:prompt:{chat_id}"


def _pressed_on(query: Any) -> bool:
    """The press came from a keyboard the message still has, on a button it has."""
    message = query.message
    markup = getattr(message, "reply_markup", None) if message is not None else None
    if markup is None:
        return False
    return any(button.callback_data == query.data for row in markup.inline_keyboard for button in row)


def chat_of(payload: dict[str, Any]) -> str:
    """The chat a kept update belongs to, so one chat's updates are handled in order (`channels.intake`)."""
    update = payload.get("update", {})
    for kind in ("message", "edited_message", "my_chat_member"):
        if isinstance(update.get(kind), dict):
            return str(update[kind].get("chat", {}).get("id", ""))
    query = update.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message") or {}
        return str(message.get("chat", {}).get("id") or query.get("from", {}).get("id", ""))
    return ""


def _chat_type(telegram_type: str) -> str | None:
    """Telegram's four chat types as our two; a channel is not a conversation."""
    return {"private": "private", "group": "group", "supergroup": "group"}.get(telegram_type)


def _membership(update_id: str, change: ChatMemberUpdated) -> Incoming | None:
    if _chat_type(change.chat.type) != "group":
        return None  # a user blocking the bot in private needs nothing: the outbox learns it from a 403
    present = ("member", "administrator", "creator", "restricted")
    was, now = change.old_chat_member.status in present, change.new_chat_member.status in present
    if was == now:
        return None
    return Incoming(
        platform=PLATFORM,
        chat_id=str(change.chat.id),
        sender_id=str(change.from_user.id),
        update_id=update_id,
        chat_type="group",
        chat_title=change.chat.title or "",
        event="joined" if now else "left",
    )


def _addressed(message: Message, text: str, bot_username: str | None) -> tuple[str, bool]:
    """In a group, what is meant for the bot: a command (not one for another bot), an @mention, a reply to it.
    The mention itself is taken out, so "@salesbot 今天拜访了华为" reads like the private message."""
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        target = command.partition("@")[2]
        return text, not target or (bot_username is not None and target.lower() == bot_username.lower())
    replied = message.reply_to_message
    author = replied.from_user if replied is not None else None
    if author is not None and author.is_bot and (author.username or "").lower() == (bot_username or "").lower():
        return text, True
    if bot_username:
        mention = re.compile(rf"@{re.escape(bot_username)}\b", re.IGNORECASE)
        if mention.search(text):
            return mention.sub("", text).strip(), True
    return text, False


def _attachments(message: Message) -> tuple[Attachment, ...]:
    with warnings.catch_warnings():  # PTB 22 warns that durations become timedeltas; we read either
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        found = []
        if message.photo:
            largest = message.photo[-1]  # Telegram lists the sizes smallest first
            found.append(
                Attachment("photo", largest.file_id, largest.file_unique_id, None, "image/jpeg", largest.file_size)
            )
        for kind in ("document", "voice", "audio", "video", "video_note"):
            media = getattr(message, kind)
            if media is None:
                continue
            found.append(
                Attachment(
                    "video" if kind == "video_note" else kind,
                    media.file_id,
                    media.file_unique_id,
                    getattr(media, "file_name", None),
                    getattr(media, "mime_type", None),
                    media.file_size,
                    _seconds(getattr(media, "duration", None)),
                )
            )
    return tuple(found)


def _seconds(duration: int | timedelta | None) -> int | None:
    if duration is None:
        return None
    return int(duration.total_seconds()) if isinstance(duration, timedelta) else int(duration)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.key) for b in row] for row in reply.buttons]
    )


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Telegram refuses messages over 4096 characters: cut at line breaks where we can."""
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        chunks.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*chunks, text] if text or not chunks else chunks


async def _quietly(call: Any) -> bool:
    """The call, whose failure must not lose the reply it goes with (an expired query); False if it failed."""
    try:
        await call
    except TelegramError as exc:
        log.info("telegram: %s", exc)
        return False
    return True


async def _quietly_call(call: Awaitable[Any]) -> None:
    """A bookkeeping write that must not lose the reply it follows."""
    try:
        await call
    except Exception as exc:
        log.warning("telegram: %s", exc)
