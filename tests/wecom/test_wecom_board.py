"""WeCom's way to the board (issue 22): /board in the app answers a link through WeCom's OAuth2 to the page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.wecom.test_wecom_e2e import REP1, World, link, world  # noqa: F401 - the fixture, used by name

BOARD = "https://bot.example.com/board/"


async def test_board_answers_a_link_that_signs_in_through_wecom(world: World) -> None:  # noqa: F811
    world.channel.board_url = BOARD
    link(world.app, "rep1", REP1)
    await world.says(REP1, "/board")
    await world.settle()
    content = world.texts(REP1)[-1]
    assert "看板" in content
    href = content.split('href="')[1].split('"')[0]
    target = urlsplit(href)
    assert target.netloc == "open.weixin.qq.com" and target.fragment == "wechat_redirect"
    assert parse_qs(target.query)["redirect_uri"] == [BOARD]
