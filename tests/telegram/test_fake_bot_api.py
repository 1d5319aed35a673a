"""The fake Bot API against the real python-telegram-bot: if PTB is happy with it, the bot's tests can trust it."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters
from telegram.warnings import PTBDeprecationWarning

from tests.fakes.telegram_api import FakeBotApi, Upload


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in pairs]])


async def test_get_me(ptb_bot: Bot) -> None:
    me = await ptb_bot.get_me()

    assert (me.id, me.is_bot, me.username) == (4242, True, "salesbot_test_bot")
    assert ptb_bot.username == "salesbot_test_bot"


async def test_send_message_records_the_keyboard_as_decoded_json(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    sent = await ptb_bot.send_message(
        chat_id=1001,
        text="选哪个客户?",
        parse_mode="HTML",
        reply_markup=keyboard(("华为", "cust:1"), ("Initech", "cust:2")),
    )

    [params] = fake_bot_api.sent("sendMessage", chat_id=1001)
    assert params["chat_id"] == 1001
    assert params["text"] == "选哪个客户?"
    assert params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "华为", "callback_data": "cust:1"}, {"text": "Initech", "callback_data": "cust:2"}]
        ]
    }
    assert sent.chat.id == 1001 and sent.chat.type == "private"
    assert sent.reply_markup is not None
    assert [b.callback_data for b in sent.reply_markup.inline_keyboard[0]] == ["cust:1", "cust:2"]
    assert sent.from_user is not None and sent.from_user.id == 4242


async def test_message_ids_count_per_chat_and_strings_stay_strings(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    first = await ptb_bot.send_message(1, "123")
    second = await ptb_bot.send_message(1, "true", disable_notification=True)
    other = await ptb_bot.send_message(2, "null")

    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert [p["text"] for p in fake_bot_api.sent()] == ["123", "true", "null"]
    assert fake_bot_api.sent()[1]["disable_notification"] is True


async def test_reply_keyboards_are_recorded_but_not_echoed(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    sent = await ptb_bot.send_message(1, "stage?", reply_markup=ReplyKeyboardMarkup([["won", "lost"]]))

    assert sent.reply_markup is None
    assert fake_bot_api.sent()[0]["reply_markup"]["keyboard"] == [[{"text": "won"}, {"text": "lost"}]]


async def test_callback_data_over_64_bytes_is_refused(ptb_bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await ptb_bot.send_message(1, "pick", reply_markup=keyboard(("x", "客户" * 11)))


async def test_edit_message_text_and_markup(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    sent = await ptb_bot.send_message(7, "pick one", reply_markup=keyboard(("A", "a")))

    edited = await ptb_bot.edit_message_text("picked A", chat_id=7, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert edited.text == "picked A" and edited.edit_date is not None
    assert edited.reply_markup is None  # Telegram drops the keyboard when an edit omits it

    with pytest.raises(BadRequest, match="Message is not modified"):
        await ptb_bot.edit_message_text("picked A", chat_id=7, message_id=sent.message_id)

    remarked = await ptb_bot.edit_message_reply_markup(7, sent.message_id, reply_markup=keyboard(("B", "b")))
    assert isinstance(remarked, Message) and remarked.reply_markup is not None
    stored = fake_bot_api.message(7, sent.message_id)
    assert stored is not None and stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "b"

    with pytest.raises(BadRequest, match="Message to edit not found"):
        await ptb_bot.edit_message_text("nope", chat_id=7, message_id=999)


async def test_answer_callback_query(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    assert await ptb_bot.answer_callback_query("77", text="已记录", show_alert=True) is True

    assert fake_bot_api.sent("answerCallbackQuery") == [
        {"callback_query_id": "77", "text": "已记录", "show_alert": True}
    ]


async def test_commands_are_kept_per_language(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    await ptb_bot.set_my_commands([BotCommand("help", "帮助"), BotCommand("deals", "我的商机")], language_code="zh")
    await ptb_bot.set_my_commands([BotCommand("help", "Help")], language_code="en")

    zh = await ptb_bot.get_my_commands(language_code="zh")
    assert [(c.command, c.description) for c in zh] == [("help", "帮助"), ("deals", "我的商机")]
    assert fake_bot_api.my_commands("en") == [{"command": "help", "description": "Help"}]
    assert await ptb_bot.get_my_commands() == ()

    await ptb_bot.delete_my_commands(language_code="zh")
    assert fake_bot_api.my_commands("zh") == []
    assert fake_bot_api.sent("setMyCommands")[0]["commands"][1] == {"command": "deals", "description": "我的商机"}

    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await ptb_bot.set_my_commands([BotCommand("Deals", "uppercase is refused")])


async def test_send_document_upload_round_trips_through_get_file(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    pdf = b"%PDF-1.4 quote"
    sent = await ptb_bot.send_document(5, InputFile(pdf, filename="quote.pdf"), caption="报价单")

    upload = fake_bot_api.sent("sendDocument")[0]["document"]
    assert isinstance(upload, Upload)
    assert (upload.filename, upload.content_type, upload.data) == ("quote.pdf", "application/pdf", pdf)
    assert sent.document is not None and sent.caption == "报价单"
    assert (sent.document.file_name, sent.document.file_size) == ("quote.pdf", len(pdf))

    file = await ptb_bot.get_file(sent.document.file_id)
    assert file.file_path is not None and file.file_path.startswith(f"{fake_bot_api.url}/file/bot{fake_bot_api.token}/")
    assert bytes(await file.download_as_bytearray()) == pdf

    again = await ptb_bot.send_document(6, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id

    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await ptb_bot.send_document(6, "no-such-file")


async def test_photo_voice_and_location(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    photo = await ptb_bot.send_photo(3, b"\xff\xd8 jpeg", caption="门店")
    fake_bot_api.voice_update(user_id=3)  # makes voice-1 a known file, as if the rep had sent it
    voice = await ptb_bot.send_voice(3, "voice-1", duration=5)
    location = await ptb_bot.send_location(3, latitude=31.23, longitude=121.47)

    assert photo.photo and photo.photo[-1].file_size == len(b"\xff\xd8 jpeg")
    assert voice.voice is not None and voice.voice.file_id == "voice-1"
    assert location.location is not None and location.location.latitude == pytest.approx(31.23)
    assert isinstance(fake_bot_api.sent("sendPhoto")[0]["photo"], Upload)
    # The rep's voice message took id 2: both sides of a chat draw from the same message ids.
    assert [m.message_id for m in (photo, voice, location)] == [1, 3, 4]


async def test_files_from_updates_can_be_downloaded(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    fake_bot_api.push_update(fake_bot_api.document_update(user_id=9, file_id="doc-9", file_name="合同.pdf"))
    fake_bot_api.register_file("doc-9", b"signed contract", mime_type="application/pdf")

    [update] = await ptb_bot.get_updates()
    assert update.message is not None and update.message.document is not None
    file = await update.message.document.get_file()
    assert bytes(await file.download_as_bytearray()) == b"signed contract"

    with pytest.raises(BadRequest, match="Invalid file_id"):
        await ptb_bot.get_file("unknown")


@pytest.mark.parametrize(
    ("build", "check"),
    [
        (lambda api: api.text_update(user_id=1, text="hello", username="rep1"), lambda u: u.message.text == "hello"),
        (lambda api: api.text_update(user_id=1, text="/start now"), lambda u: u.message.text.startswith("/start")),
        (lambda api: api.callback_update(user_id=1, data="d:1", message_id=42), lambda u: u.callback_query.data),
        (
            lambda api: api.location_update(user_id=1, latitude=1.5, longitude=2.5),
            lambda u: u.message.location.longitude == 2.5,
        ),
        (lambda api: api.photo_update(user_id=1, caption="c"), lambda u: u.message.photo[0].file_id == "photo-1"),
        (lambda api: api.document_update(user_id=1), lambda u: u.message.document.file_name == "contract.pdf"),
        (lambda api: api.voice_update(user_id=1, duration=7), lambda u: u.message.voice.to_dict()["duration"] == 7),
        (
            lambda api: api.group_update(user_id=1, chat_id=-100123, text="hi all", title="华东"),
            lambda u: (u.effective_chat.type, u.effective_chat.title) == ("supergroup", "华东"),
        ),
        (lambda api: api.my_chat_member_update(-55, "Sales"), lambda u: u.my_chat_member.new_chat_member.status),
        (
            lambda api: api.my_chat_member_update(-55, new_status="administrator"),
            lambda u: u.my_chat_member.new_chat_member.can_manage_chat,
        ),
        (lambda api: api.new_chat_members_update(-56), lambda u: u.message.new_chat_members[0].id == 4242),
    ],
    ids=["text", "command", "callback", "location", "photo", "document", "voice", "group", "added", "admin", "joined"],
)
async def test_every_factory_builds_an_update_ptb_parses(
    fake_bot_api: FakeBotApi,
    ptb_bot: Bot,
    build: Callable[[FakeBotApi], dict[str, Any]],
    check: Callable[[Update], Any],
) -> None:
    update_id = fake_bot_api.push_update(build(fake_bot_api))

    [update] = await ptb_bot.get_updates()
    assert update.update_id == update_id
    assert check(update)


async def test_text_command_carries_a_bot_command_entity(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    fake_bot_api.push_update(fake_bot_api.text_update(user_id=1, text="/deals mine"))

    [update] = await ptb_bot.get_updates()
    assert update.message is not None
    assert update.message.parse_entities(["bot_command"]) != {}


async def test_get_updates_offsets_confirm_like_telegram(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    ids = [fake_bot_api.push_update(fake_bot_api.text_update(user_id=1, text=f"m{i}")) for i in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3

    assert [u.update_id for u in await ptb_bot.get_updates()] == ids
    assert [u.update_id for u in await ptb_bot.get_updates(offset=ids[1])] == ids[1:]
    assert [u.update_id for u in await ptb_bot.get_updates()] == ids[1:]  # ids[0] is gone for good
    assert [u.update_id for u in await ptb_bot.get_updates(offset=-1)] == ids[2:]
    assert await ptb_bot.get_updates(offset=ids[2] + 1) == ()
    assert fake_bot_api.pending_updates() == []

    explicit = fake_bot_api.push_update({"update_id": ids[2] + 10, **fake_bot_api.text_update(user_id=1, text="x")})
    assert explicit == ids[2] + 10
    assert fake_bot_api.push_update(fake_bot_api.text_update(user_id=1, text="y")) == explicit + 1


async def test_long_poll_returns_as_soon_as_an_update_arrives(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    loop.call_later(0.1, fake_bot_api.push_update, fake_bot_api.text_update(user_id=1, text="late"))

    started = loop.time()
    updates = await ptb_bot.get_updates(timeout=10)

    assert [u.message.text for u in updates if u.message] == ["late"]
    assert loop.time() - started < 1.5


async def test_long_poll_without_updates_is_capped(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    fake_bot_api.max_poll_timeout = 0.2
    loop = asyncio.get_running_loop()
    started = loop.time()

    assert await ptb_bot.get_updates(timeout=30) == ()
    assert 0.15 < loop.time() - started < 1.5


async def test_application_polls_handles_and_confirms_each_update_once(fake_bot_api: FakeBotApi) -> None:
    seen: list[tuple[str, int, str]] = []

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        seen.append(("text", update.update_id, update.message.text))
        await update.message.reply_text("收到", reply_markup=keyboard(("OK", "ok")))

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert isinstance(query, CallbackQuery) and query.data is not None
        seen.append(("button", update.update_id, query.data))
        await query.answer("done")
        await query.edit_message_text("已确认")

    app = (
        Application.builder()
        .token(fake_bot_api.token)
        .base_url(f"{fake_bot_api.url}/bot")
        .base_file_url(f"{fake_bot_api.url}/file/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(CallbackQueryHandler(on_button))

    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.01, timeout=1)

        text_id = fake_bot_api.push_update(fake_bot_api.text_update(user_id=11, text="今天拜访了华为"))
        [reply] = await fake_bot_api.wait_for("sendMessage")
        assert (reply["chat_id"], reply["text"]) == (11, "收到")
        bot_message = fake_bot_api.last_message(11)
        assert bot_message is not None and bot_message["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ok"
        bot_message_id = bot_message["message_id"]

        button_id = fake_bot_api.push_update(
            fake_bot_api.callback_update(user_id=11, data="ok", message_id=bot_message_id)
        )
        await fake_bot_api.wait_for("editMessageText")
        # One more poll after the last update: its offset is what confirms it.
        polls = len(fake_bot_api.sent("getUpdates"))
        await fake_bot_api.wait_for("getUpdates", count=polls + 1)

        await app.updater.stop()
        await app.stop()

    assert seen == [("text", text_id, "今天拜访了华为"), ("button", button_id, "ok")]
    assert fake_bot_api.sent("answerCallbackQuery")[0]["text"] == "done"
    assert fake_bot_api.message(11, bot_message_id)["text"] == "已确认"  # type: ignore[index]
    assert fake_bot_api.sent("deleteWebhook"), "start_polling clears the webhook first"

    offsets = [p.get("offset", 0) for p in fake_bot_api.sent("getUpdates")]
    assert button_id + 1 in offsets
    delivered = [
        u["update_id"]
        for call in fake_bot_api.calls
        if call.method == "getUpdates" and call.status == 200 and call.response is not None
        for u in call.response["result"]
    ]
    assert sorted(delivered) == [text_id, button_id], "an update was delivered twice"
    assert fake_bot_api.pending_updates() == []


async def test_429_raises_retry_after(fake_bot_api: FakeBotApi, ptb_bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_bot_api.fail_next("sendMessage", status=429, retry_after=1)

    # PTB 22 builds RetryAfter around a timedelta and exposes an int (deprecated) unless PTB_TIMEDELTA is set.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        with pytest.raises(RetryAfter) as raised:
            await ptb_bot.send_message(1, "hi")
        as_int = raised.value.retry_after
        monkeypatch.setenv("PTB_TIMEDELTA", "true")
        as_timedelta = raised.value.retry_after

    assert as_int == 1
    assert as_timedelta == timedelta(seconds=1)
    assert fake_bot_api.calls[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert (await ptb_bot.send_message(1, "hi")).text == "hi"  # only the next call fails
    assert len(fake_bot_api.sent()) == 2


async def test_403_raises_forbidden(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    fake_bot_api.fail_next("sendMessage", status=403, times=2)

    for _ in range(2):
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await ptb_bot.send_message(1, "hi")
    await ptb_bot.send_message(1, "hi")


async def test_unknown_token_and_unknown_method(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=f"{fake_bot_api.url}/bot"):
            pass
    with pytest.raises(EndPointNotFound):
        await ptb_bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})

    async with httpx.AsyncClient(base_url=fake_bot_api.url) as client:
        unauthorized = await client.get("/bot999:WRONG/getMe")
        not_found = await client.post(f"/bot{fake_bot_api.token}/sendTelepathy")
        via_get = await client.get(f"/bot{fake_bot_api.token}/getMe")
        via_json = await client.post(
            f"/bot{fake_bot_api.token}/sendMessage",
            json={
                "chat_id": 8,
                "text": "json",
                "reply_markup": {"inline_keyboard": [[{"text": "a", "url": "https://x"}]]},
            },
        )

    assert (unauthorized.status_code, unauthorized.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert (not_found.status_code, not_found.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert via_get.json()["result"]["id"] == 4242
    assert via_json.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["url"] == "https://x"


async def test_webhook_blocks_polling_until_deleted(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    await ptb_bot.set_webhook("https://bot.example.test/hook", secret_token="s3cret-token")

    assert fake_bot_api.webhook.url == "https://bot.example.test/hook"
    assert fake_bot_api.webhook.secret_token == "s3cret-token"
    info = await ptb_bot.get_webhook_info()
    assert info.url == "https://bot.example.test/hook"
    with pytest.raises(Conflict):
        await ptb_bot.get_updates()

    assert await ptb_bot.delete_webhook(drop_pending_updates=True)
    assert (await ptb_bot.get_webhook_info()).url == ""
    assert await ptb_bot.get_updates() == ()


async def test_wait_for_times_out_with_what_was_seen(fake_bot_api: FakeBotApi, ptb_bot: Bot) -> None:
    with pytest.raises(TimeoutError, match="sendMessage called 0 time"):
        await fake_bot_api.wait_for("sendMessage", timeout=0.05)
