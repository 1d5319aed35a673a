"""The managers' board (issue 22) without a browser: its data and scopes, the platforms' sign-in, and its HTTP API
on `salesbot run`'s server. The page itself, in headless Chromium, is tests/test_board_browser.py."""

from __future__ import annotations

import asyncio
import gzip
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from salesbot.board import auth
from salesbot.bootstrap import App
from salesbot.channels.telegram import TelegramChannel
from salesbot.channels.wecom import WeComChannel, WeComConfig
from salesbot.services import board, receivables, users
from salesbot.services.errors import NotAllowed
from salesbot.services.inbox import Inbox
from salesbot.services.shared_values import SharedValues
from tests.board_support import (
    BOT_TOKEN,
    REP1_DEALS,
    REP2_DEALS,
    TELEGRAM_IDS,
    board_settings,
    fill,
    init_data,
    serve,
)
from tests.fakes.telegram_api import BOT_USER, FakeBotApi
from tests.fakes.wecom_api import FakeWeComApi
from tests.telegram.support import feed
from tests.wecom.callbacks import random_encoding_aes_key


@pytest.fixture
def world(app: App) -> App:
    fill(app)
    return app


def _customers(data: dict[str, Any]) -> set[str]:
    return {deal["customer"] for stage in data["pipeline"] for deal in stage["deals"]}


def _as(world: App, handle: str, **filters: Any) -> dict[str, Any]:
    with world.uow() as uow:
        return board.board(uow, users.by_handle(uow, handle), **filters)


# ---------------------------------------------------------------------------------------------------- the data


def test_a_manager_sees_the_teams_deals_by_stage_and_a_rep_only_theirs(world: App) -> None:
    team = _as(world, "mgr1")
    assert _customers(team) == REP1_DEALS | REP2_DEALS
    stages = {row["stage"]: row for row in team["pipeline"]}
    assert [row["stage"] for row in team["pipeline"]] == ["lead", "qualified", "proposal", "negotiation"]
    negotiation = stages["negotiation"]
    assert negotiation["count"] == 2 and negotiation["amounts"] == {"CNY": "1180000.00"}
    first = negotiation["deals"][0]
    assert (first["customer"], first["rep"], first["amount"]) == ("阿里巴巴", "张伟", "880000.00")
    assert first["chat"] == "阿里巴巴赢单了"  # the last open stage: the chat sentence that wins it
    assert stages["qualified"]["amounts"] == {"CNY": "120000.00", "USD": "64000.00"}  # never added across currencies
    assert [row["count"] for row in team["funnel"]] == [0, 2, 1, 2]
    assert _customers(_as(world, "rep1")) == REP1_DEALS
    assert _customers(_as(world, "rep2")) == REP2_DEALS


def test_days_in_stage_count_from_the_last_move(world: App) -> None:
    world.clock.advance(timedelta(days=3))
    data = _as(world, "mgr1")
    days = {d["customer"]: d["days"] for stage in data["pipeline"] for d in stage["deals"]}
    assert days["京东"] == 3 and days["阿里巴巴"] == 3


def test_a_filter_on_one_rep_is_their_own_book_and_only_for_who_may_see_it(world: App) -> None:
    with world.uow() as uow:
        rep2 = users.by_handle(uow, "rep2")
    narrowed = _as(world, "mgr1", rep_id=rep2.id)
    assert _customers(narrowed) == REP2_DEALS
    assert {row["rep"] for row in narrowed["receivables"]["by_rep"]} == {"Tom Lee"}
    assert narrowed["me"]["name"] == "李娜"
    with pytest.raises(NotAllowed):
        _as(world, "rep1", rep_id=rep2.id)


def test_the_aging_by_rep_is_the_chats_aging(world: App) -> None:
    data = _as(world, "mgr1")
    with world.uow() as uow:
        chat = receivables.aging(uow, users.by_handle(uow, "mgr1"))
    for row in data["receivables"]["by_rep"]:
        expected = chat.by_rep[row["rep"]][row["currency"]]
        assert {k: Decimal(v) for k, v in row["buckets"].items()} == expected
    assert data["receivables"]["by_rep"][0]["currency"] == "CNY"  # the team's currency first
    debtors = data["receivables"]["debtors"]
    assert debtors and debtors[0]["chat"] == f"{debtors[0]['customer']}还欠多少"


def test_the_teams_activity_over_the_period(world: App) -> None:
    data = _as(world, "mgr1", days=7)
    per = {row["rep"]: row for row in data["activity"]["by_rep"]}
    assert (per["张伟"]["visits"], per["张伟"]["moves"], per["张伟"]["payments"]) == (2, 1, 1)
    assert per["张伟"]["received"] == {"CNY": "10000.00"}
    assert (per["Tom Lee"]["visits"], per["Tom Lee"]["moves"]) == (1, 1)
    assert data["activity"]["totals"]["visits"] == 3
    world.clock.advance(timedelta(days=8))
    assert _as(world, "mgr1", days=7)["activity"]["totals"]["visits"] == 0
    assert _as(world, "mgr1", days=30)["activity"]["totals"]["visits"] == 3


# ---------------------------------------------------------------------------------------------------- sign-in


def test_init_data_is_checked_as_telegram_documents_it() -> None:
    now = 1_800_000_000
    good = init_data(42, auth_date=now - 10)
    assert auth.check_init_data(good, BOT_TOKEN, now=now, max_age=3600).id == 42
    tampered = good.replace("%22id%22%3A42", "%22id%22%3A43")
    assert tampered != good
    for refused in (
        tampered,
        init_data(42, auth_date=now - 10, token="4242:another-bot"),
        init_data(42, auth_date=now - 3601),  # stale
        good.split("&hash=")[0],  # unsigned
        "",
    ):
        with pytest.raises(auth.Refused):
            auth.check_init_data(refused, BOT_TOKEN, now=now, max_age=3600)


def test_session_tokens_expire_and_cannot_be_forged() -> None:
    secret = b"k" * 32
    token = auth.issue(secret, 7, now=1000, ttl=60)
    assert auth.session_user(secret, token, now=1059) == 7
    assert auth.session_user(secret, token, now=1061) is None
    assert auth.session_user(b"x" * 32, token, now=1000) is None
    assert auth.session_user(secret, token.replace("7.", "8.", 1), now=1000) is None


# ---------------------------------------------------------------------------------------------------- over HTTP


async def test_the_api_answers_signed_init_data_and_refuses_the_rest(world: App) -> None:
    runner, url = await serve(world, board_settings(max_auth_age_seconds=600))
    now = int(world.clock.now().timestamp())
    try:
        async with httpx.AsyncClient(base_url=url) as http:
            good = init_data(TELEGRAM_IDS["mgr1"], auth_date=now - 5)
            answer = await http.post("/board/api/session", json={"init_data": good})
            assert answer.status_code == 200
            token = answer.json()["token"]
            data = await http.get("/board/api/data", headers={"Authorization": f"Bearer {token}"})
            assert data.status_code == 200 and _customers(data.json()) == REP1_DEALS | REP2_DEALS
            for bad in (
                good.replace("auth_date=", "auth_date=1"),
                init_data(TELEGRAM_IDS["mgr1"], auth_date=now - 601),
                init_data(555, auth_date=now),  # signed, but nobody we know
                good.split("&hash=")[0],
            ):
                refused = await http.post("/board/api/session", json={"init_data": bad})
                assert refused.status_code == 401 and "token" not in refused.json()
            for header in ({}, {"Authorization": "Bearer 3.9999999999.forged"}, {"Authorization": token}):
                assert (await http.get("/board/api/data", headers=header)).status_code == 401
            rep2 = str(users_id(world, "rep2"))
            as_rep = await http.post(
                "/board/api/session", json={"init_data": init_data(TELEGRAM_IDS["rep1"], auth_date=now)}
            )
            theirs = await http.get(
                "/board/api/data",
                params={"rep": rep2},
                headers={"Authorization": f"Bearer {as_rep.json()['token']}"},
            )
            assert theirs.status_code == 403
    finally:
        await runner.cleanup()


def users_id(world: App, handle: str) -> int:
    with world.uow() as uow:
        return users.by_handle(uow, handle).id


async def test_the_page_comes_from_our_server_gzipped_under_300_kb(world: App) -> None:
    runner, url = await serve(world, board_settings())
    try:
        async with httpx.AsyncClient(base_url=url) as http:
            page = await http.get("/board/", headers={"Accept-Encoding": "gzip"})
            assert page.status_code == 200 and "default-src 'self'" in page.headers["Content-Security-Policy"]
            html = page.text
            assert "http://" not in html and "https://" not in html  # nothing from another server
            assert "销售看板" in html and "Sales board" in html  # the catalogue's words, both languages
            transferred = len(await _raw(http, "/board/"))
            for name in ("board.js", "board.css", "chart.umd.min.js"):
                asset = await _raw(http, f"/board/static/{name}")
                assert len(gzip.decompress(asset)) > len(asset)
                transferred += len(asset)
            assert transferred < 300 * 1024
            assert (await http.get("/board/static/../web.py")).status_code == 404
    finally:
        await runner.cleanup()


async def _raw(http: httpx.AsyncClient, path: str) -> bytes:
    """The bytes as they travel (gzip), not decoded."""
    async with http.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers.get("Content-Encoding") == "gzip"
        return b"".join([chunk async for chunk in response.aiter_raw()])


async def test_wecom_signs_in_through_oauth_with_the_channels_client(world: App) -> None:
    async with FakeWeComApi() as api:
        config = WeComConfig(
            corp_id=api.corp_id,
            agent_id=api.agent_id,
            secret=api.secret,
            token="boardToken",
            aes_key=random_encoding_aes_key(),
            api_base_url=f"{api.url}/cgi-bin/",
        )
        channel = WeComChannel(config, router=world.router, inbox=Inbox(world.uow), tokens=SharedValues(world.uow))
        with world.uow() as uow:
            users.link_account(
                uow, users.by_handle(uow, "admin"), handle="mgr1", platform="wecom", platform_user_id="lina"
            )
            uow.commit()
        settings = board_settings(public_url="https://bot.example.com/board/")
        runner, url = await serve(world, settings, {"wecom": channel})
        try:
            async with httpx.AsyncClient(base_url=url) as http:
                entry = await http.get("/board/wecom")
                assert entry.status_code == 302
                target = urlsplit(entry.headers["Location"])
                query = parse_qs(target.query)
                assert target.netloc == "open.weixin.qq.com" and target.fragment == "wechat_redirect"
                assert query["appid"] == [api.corp_id] and query["agentid"] == [str(api.agent_id)]
                assert query["redirect_uri"] == ["https://bot.example.com/board/"]
                assert query["scope"] == ["snsapi_base"]
                code = api.oauth_code("lina")
                answer = await http.post("/board/api/session", json={"wecom_code": code})
                assert answer.status_code == 200
                data = await http.get("/board/api/data", headers={"Authorization": f"Bearer {answer.json()['token']}"})
                assert data.json()["me"]["name"] == "李娜"
                # A code works once; one WeCom never gave, or gave someone we do not know, not at all.
                for again in (code, "made-up", api.oauth_code("stranger")):
                    assert (await http.post("/board/api/session", json={"wecom_code": again})).status_code == 401
            assert len(api.sent("auth/getuserinfo")) == 4
        finally:
            await runner.cleanup()


async def test_telegram_opens_the_board_from_the_menu_button_and_from_board(world: App) -> None:
    async with FakeBotApi() as api:
        channel = TelegramChannel(
            token=api.token, router=world.router, base_url=f"{api.url}/bot", board_url="https://bot.example.com/board/"
        )
        await channel.start()
        try:
            assert api.menu_button() == {
                "type": "web_app",
                "text": "看板",
                "web_app": {"url": "https://bot.example.com/board/"},
            }
            await feed(channel, api.text_update(user_id=TELEGRAM_IDS["mgr1"], text="/board"))
            message = api.last_message(TELEGRAM_IDS["mgr1"])
            button = message["reply_markup"]["inline_keyboard"][0][0]
            assert button["web_app"] == {"url": "https://bot.example.com/board/"} and "看板" in button["text"]
            assert channel.chat_url() == f"https://t.me/{BOT_USER['username']}"
        finally:
            await channel.stop()


async def test_the_demos_link_signs_in_the_current_user_for_a_short_time(world: App) -> None:
    from salesbot.board.web import Board, LocalBoard

    local = await asyncio.to_thread(LocalBoard, Board(world.uow, board_settings(session_minutes=10)))
    try:
        link = local.link(users_id(world, "rep2"))
        assert link.startswith("http://127.0.0.1:") and "/board/#session=" in link
        page, token = link.split("#session=")
        async with httpx.AsyncClient() as http:
            assert (await http.get(page)).status_code == 200
            answer = await http.get(f"{local.url}/board/api/data", headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 200 and _customers(answer.json()) == REP2_DEALS
            world.clock.advance(timedelta(minutes=11))
            late = await http.get(f"{local.url}/board/api/data", headers={"Authorization": f"Bearer {token}"})
            assert late.status_code == 401
    finally:
        await asyncio.to_thread(local.close)


def test_targets_show_per_rep_and_team_with_what_counted_and_follow_the_filter(world: App) -> None:
    def standing(data: dict[str, Any]) -> list[tuple[str, str, str, str, str, int]]:
        return [(t["kind"], t["who"], t["target"], t["done"], t["currency"], t["percent"]) for t in data["targets"]]

    team = _as(world, "mgr1")
    # The measure is the configured one (payments): 张伟's 10,000 CNY counts for him and for the team; Tom Lee's
    # target is in USD, where nothing was paid, and is never added to the CNY ones.
    assert standing(team) == [
        ("team", "east", "200000.00", "10000.00", "CNY", 5),
        ("rep", "Tom Lee", "8000.00", "0", "USD", 0),
        ("rep", "张伟", "50000.00", "10000.00", "CNY", 20),
    ]
    assert {t["measure"] for t in team["targets"]} == {"payments"}
    assert (team["targets"][0]["starts_on"], team["targets"][0]["ends_on"]) == ("2026-01-01", "2026-03-31")
    assert standing(_as(world, "rep2")) == [("rep", "Tom Lee", "8000.00", "0", "USD", 0)], "a rep sees their own"
    with world.uow() as uow:
        rep1 = users.by_handle(uow, "rep1")
    assert standing(_as(world, "mgr1", rep_id=rep1.id)) == [("rep", "张伟", "50000.00", "10000.00", "CNY", 20)]
    assert len(_as(world, "admin")["targets"]) == 3
    world.clock.advance(timedelta(days=30))  # April: no target covers today
    assert _as(world, "mgr1")["targets"] is None


def test_the_aging_shows_the_reps_owed_most_in_each_currency(world: App, monkeypatch: pytest.MonkeyPatch) -> None:
    everyone = _as(world, "mgr1")["receivables"]["by_rep"]
    totals: dict[str, list[tuple[Decimal, str]]] = {}
    for row in everyone:
        totals.setdefault(row["currency"], []).append((Decimal(row["total"]), row["rep"]))
    assert any(len(reps) > 1 for reps in totals.values()), "the book has two reps owed in one currency"
    monkeypatch.setattr(board, "AGING_REPS", 1)  # as the 12 of a team of 100: only the most owed are drawn
    shown = _as(world, "mgr1")["receivables"]["by_rep"]
    assert {(row["currency"], row["rep"]) for row in shown} == {(c, max(reps)[1]) for c, reps in totals.items()}
    assert all(row in everyone for row in shown), "each with the same buckets as when all are shown"
