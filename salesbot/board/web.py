"""The board's routes on `salesbot run`'s aiohttp server (and on the demo's own little server).

    GET  /board/                the page (HTML; its words, zh and en, from the catalogue, put in once at start)
    GET  /board/static/<file>   its script, styles and the vendored Chart.js, gzipped once at start
    POST /board/api/session     {"init_data": …} (Telegram) or {"wecom_code": …} (WeCom) -> a session token, or 401
    GET  /board/api/data        the board's data for the token's user (Authorization: Bearer <token>), or 401
    GET  /board/wecom           WeCom's OAuth2 link: a redirect to WeCom, which comes back to /board/?code=…

Nothing is served from anyone else's server: the page works on a network that reaches only ours. Every database
call runs in a thread (the unit of work is synchronous); the platforms' checks are in `auth` and the channels.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import logging
import mimetypes
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from salesbot.board import auth
from salesbot.config import Settings
from salesbot.i18n import LANGS
from salesbot.i18n.catalog import MESSAGES
from salesbot.services import board, users
from salesbot.services.errors import NotAllowed, NotFound
from salesbot.services.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

PREFIX = "/board"
STATIC = Path(__file__).parent / "static"
MAX_AUTH_AGE = 3600
SESSION_MINUTES = 30
# The page and its API on our own origin only; Chart.js sets styles on its canvas from script.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "object-src 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    content_type: str
    etag: str


@dataclass
class Board:
    """The board's web edge. `telegram_token` checks Mini App init data; `wecom_user` turns an OAuth code into a
    WeCom user id (the WeCom channel's client, blocking); `chat_url` is where an item's chat sentence is said."""

    uow: UnitOfWorkFactory
    settings: Settings
    telegram_token: str | None = None
    wecom_user: Callable[[str], str | None] | None = None
    wecom_oauth: Callable[[str], str] | None = None
    chat_url: Callable[[], str | None] = lambda: None
    secret: bytes = b""
    assets: dict[str, Asset] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.secret:
            self.secret = auth.board_secret(self.settings.raw)
        self.assets = _assets()

    @property
    def config(self) -> Any:
        return self.settings.section("board")

    @property
    def session_seconds(self) -> int:
        return int(self.config.get("session_minutes", SESSION_MINUTES)) * 60

    def now(self) -> float:
        return self.uow.clock.now().timestamp()

    # ------------------------------------------------------------------ links

    def link_for(self, user_id: int, base_url: str) -> str:
        """A link that opens the board signed in as `user_id` until the session ends (the console and the demo):
        the token rides in the fragment, which browsers never send to a server or put in its logs."""
        token = auth.issue(self.secret, user_id, now=self.now(), ttl=self.session_seconds)
        return f"{base_url.rstrip('/')}{PREFIX}/#session={token}"

    # ------------------------------------------------------------------ routes

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(PREFIX, self._to_page)
        app.router.add_get(PREFIX + "/", self._page)
        app.router.add_get(PREFIX + "/static/{name}", self._static)
        app.router.add_post(PREFIX + "/api/session", self._session)
        app.router.add_get(PREFIX + "/api/data", self._data)
        app.router.add_get(PREFIX + "/wecom", self._wecom_entry)

    async def _to_page(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(PREFIX + "/" + (f"?{request.query_string}" if request.query_string else ""))

    async def _page(self, request: web.Request) -> web.StreamResponse:
        return _send(request, self.assets["index.html"], cache="no-cache")

    async def _static(self, request: web.Request) -> web.StreamResponse:
        asset = self.assets.get(request.match_info["name"])
        if asset is None or asset is self.assets.get("index.html"):
            raise web.HTTPNotFound()
        return _send(request, asset, cache="public, max-age=86400")

    async def _session(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return _refused("not json")
        try:
            if isinstance(body.get("init_data"), str):
                platform, account = "telegram", self._telegram_account(body["init_data"])
            elif isinstance(body.get("wecom_code"), str) and self.wecom_user is not None:
                platform = "wecom"
                account = await asyncio.to_thread(self.wecom_user, body["wecom_code"])
                if account is None:
                    raise auth.Refused("WeCom does not know this code")
            else:
                raise auth.Refused("no credentials")
        except auth.Refused as exc:
            return _refused(str(exc))
        user_id = await asyncio.to_thread(self._user_of, platform, account)
        if user_id is None:
            return _refused(f"{platform} account {account} is nobody we know")
        token = auth.issue(self.secret, user_id, now=self.now(), ttl=self.session_seconds)
        return web.json_response({"token": token, "expires_in": self.session_seconds}, headers=SECURITY_HEADERS)

    def _telegram_account(self, init_data: str) -> str:
        if not self.telegram_token:
            raise auth.Refused("Telegram is not configured")
        max_age = int(self.config.get("max_auth_age_seconds", MAX_AUTH_AGE))
        user = auth.check_init_data(init_data, self.telegram_token, now=self.now(), max_age=max_age)
        return str(user.id)

    def _user_of(self, platform: str, account: str) -> int | None:
        with self.uow() as uow:
            actor = users.identify(uow, platform, account)
            uow.commit()  # when they were last seen
        return actor.id if actor is not None and actor.active else None

    async def _data(self, request: web.Request) -> web.Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user_id = auth.session_user(self.secret, token.strip(), now=self.now()) if scheme == "Bearer" else None
        if user_id is None:
            return _refused("no valid session")
        try:
            rep = int(request.query["rep"]) if request.query.get("rep") else None
            days = int(request.query.get("days") or board.PERIODS[0])
        except ValueError:
            return web.json_response({"error": "bad filter"}, status=400, headers=SECURITY_HEADERS)
        try:
            data = await asyncio.to_thread(self._read, user_id, rep, days)
        except (NotAllowed, NotFound) as exc:
            return web.json_response({"error": exc.code}, status=403, headers=SECURITY_HEADERS)
        if data is None:
            return _refused("the session's user is gone")
        data["chat_url"] = self.chat_url()
        response = web.Response(
            text=json.dumps(data, ensure_ascii=False), content_type="application/json", headers=SECURITY_HEADERS
        )
        response.headers["Cache-Control"] = "no-store"
        response.enable_compression()
        return response

    def _read(self, user_id: int, rep: int | None, days: int) -> dict[str, Any] | None:
        with self.uow() as uow:
            actor = board.actor_by_id(uow, user_id)
            if actor is None:
                return None
            return board.board(uow, actor, rep_id=rep, days=days)

    async def _wecom_entry(self, request: web.Request) -> web.StreamResponse:
        public = self.config.get("public_url")
        if self.wecom_oauth is None or not public:
            raise web.HTTPNotFound(text="WeCom or [board] public_url is not configured")
        raise web.HTTPFound(self.wecom_oauth(str(public)))


def _refused(reason: str) -> web.Response:
    """401 with nothing in it: what failed is logged here, not told to whoever is trying."""
    log.info("board: refused: %s", reason)
    return web.json_response({"error": "unauthorized"}, status=401, headers=SECURITY_HEADERS)


def _send(request: web.Request, asset: Asset, *, cache: str) -> web.Response:
    headers = {**SECURITY_HEADERS, "ETag": asset.etag, "Cache-Control": cache, "Vary": "Accept-Encoding"}
    if request.headers.get("If-None-Match") == asset.etag:
        return web.Response(status=304, headers=headers)
    body = asset.body
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        body, headers["Content-Encoding"] = asset.gzipped, "gzip"
    return web.Response(body=body, headers=headers, content_type=asset.content_type)


def _assets() -> dict[str, Asset]:
    """Every file of static/, read and gzipped once; the page gets the catalogue's board words put in."""
    found = {}
    for path in sorted(STATIC.iterdir()):
        if not path.is_file() or path.suffix not in (".html", ".js", ".css"):
            continue
        body = path.read_bytes()
        if path.name == "index.html":
            body = body.replace(b"/*WORDS*/{}", json.dumps(page_words(), ensure_ascii=False).encode())
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        found[path.name] = Asset(
            body=body,
            gzipped=gzip.compress(body, 9, mtime=0),
            content_type=kind,
            etag='"' + hashlib.sha256(body).hexdigest()[:20] + '"',
        )
    return found


def page_words() -> dict[str, dict[str, str]]:
    """The page's words in each language: the catalogue's board_* entries, templates left for the page to fill."""
    keys = [k for k in MESSAGES if k.startswith("board_") and not k.startswith("board_chat_")]
    return {lang: {k.removeprefix("board_"): MESSAGES[k][lang] for k in keys} for lang in LANGS}


class LocalBoard:
    """The board on a little server of its own, in a thread (the terminal demo has no web server): links signed for
    one user at a time, on 127.0.0.1 only."""

    def __init__(self, board: Board, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.board = board
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="board", daemon=True)
        self._thread.start()
        self._runner = asyncio.run_coroutine_threadsafe(self._start(host, port), self._loop).result(timeout=10)
        bound_host, bound_port = self._runner.addresses[0][:2]
        self.url = f"http://{bound_host}:{bound_port}"

    async def _start(self, host: str, port: int) -> web.AppRunner:
        app = web.Application()
        self.board.add_routes(app)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        return runner

    def link(self, user_id: int) -> str:
        return self.board.link_for(user_id, self.url)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
