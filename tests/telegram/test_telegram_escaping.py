"""No injection on Telegram (issue 18, item 8): the bot sends with no parse mode, so a customer named like a link or
a mention is shown as the characters it is made of."""

from __future__ import annotations

from tests.fakes.telegram_api import FakeBotApi
from tests.telegram.support import feed, link

REP1 = 1001
NAMES = ("[click](http://x)", "<@all>", "<a href='http://x'>y</a>", "*bold* _it_ `code`")


async def test_customer_names_reach_telegram_as_plain_text(bot, fake_bot_api: FakeBotApi) -> None:  # type: ignore[no-untyped-def]
    app, channel = bot
    link(app, "rep1", REP1)
    app.seed_data({"customers": [{"name": name, "owner": "rep1"} for name in NAMES]})
    await feed(channel, fake_bot_api.text_update(user_id=REP1, text="我的客户"))
    [call] = [c for c in fake_bot_api.calls if c.method == "sendMessage" and c.status == 200]
    assert "parse_mode" not in call.params and "entities" not in call.params, "nothing in the text is markup"
    for name in NAMES:
        assert name in call.params["text"], name
