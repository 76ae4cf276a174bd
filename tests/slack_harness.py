"""Test harness for the Slack app: a fake Slack Web API over HTTP, and the real app driven by signed requests.

Like slack-bolt's own test suite, the fake Web API is a real HTTP server on
127.0.0.1 that the app's AsyncWebClient is pointed at (base_url); it records
every call (method, arguments, token) and answers like Slack does. Requests to
the app are signed here with HMAC-SHA256 independently of slack_sdk, so a
signing bug in the app cannot be hidden by the same bug in the tests.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import ClientSession, ClientTimeout, web
from aiohttp.test_utils import TestServer

from mixlingo.adapters.testing.fakes import FakeEncoder, FakeTranslator

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
TEAM = "T0001"
BOT_USER, BOT_ID = "UBOT", "BBOT"
ALL_SCOPES = "chat:write,commands,reactions:read,channels:history,groups:history,im:history,mpim:history"

ES_EN = {"oye": "hey", "el": "the", "reporte": "report", "mañana": "tomorrow", "hola": "hello", "amigo": "friend",
         "la": "the", "casa": "house", "es": "is", "grande": "big", "nueva": "new", "muy": "very", "bonita": "pretty",
         "gracias": "thanks", "por": "for", "todo": "everything", "reunión": "meeting"}
EN_ES = {"i'll": "yo", "send": "envío", "the": "el", "report": "reporte", "tomorrow": "mañana", "ok": "vale",
         "hello": "hola", "friend": "amigo", "meeting": "reunión", "is": "es", "ready": "lista", "we": "nosotros",
         "need": "necesitamos", "to": "a", "talk": "hablar", "thanks": "gracias", "see": "vemos", "you": "te"}
TIMEOUT = ClientTimeout(total=30)


def fake_translator() -> FakeTranslator:
    return FakeTranslator({("es", "en"): ES_EN, ("en", "es"): EN_ES})


def fake_encoder() -> FakeEncoder:
    return FakeEncoder({})


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None


@dataclass
class FakeSlack:
    """Records Web API calls and response_url posts; answers like Slack."""

    calls: list[Call] = field(default_factory=list)
    responses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    scopes: str = ALL_SCOPES
    auth_error: str | None = None
    server: TestServer | None = None
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    posted: list[dict[str, Any]] = field(default_factory=list)
    """Messages chat.postMessage really posted (with their metadata), for idempotence checks."""
    fault_modes: tuple[str, ...] = ()
    """While time.time() < fault_until, API calls answer in turn: "429" (Retry-After: 1), "500", or "posted-500"
    (chat.postMessage posts, then answers 500 — the response is lost); "ok" lets one through."""
    fault_until: float = 0.0
    fault_budget: int = 0
    latency: float = 0.0
    """Seconds chat.postMessage takes (a kill then lands in the middle of posts)."""
    """Or: the next ``fault_budget`` calls get the faults, whenever they come."""
    faults_served: int = 0
    _fault_turn: itertools.count = field(default_factory=itertools.count)
    socket_url: Any = None
    """A callable giving the websocket URL ``apps.connections.open`` answers (Socket Mode stand-in)."""

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/"))

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    def response_url(self, name: str = "r") -> str:
        return f"{self.url}response/{name}"

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def add_message(self, channel: str, message: dict[str, Any]) -> None:
        self.messages[(channel, message["ts"])] = message

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._respond)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    async def _args(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = dict(await request.post())
        form.update(request.query)
        for key in ("blocks", "view", "attachments"):
            if isinstance(form.get(key), str):
                form[key] = json.loads(form[key])
        return form

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append((request.match_info["name"], await request.json()))
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ") or args.get("token")
        self.calls.append(Call(method, args, token))
        if self.latency and method == "chat.postMessage":
            await asyncio.sleep(self.latency)
        faulty = time.time() < self.fault_until or self.fault_budget > 0
        if self.fault_modes and faulty and method != "auth.test":
            self.fault_budget -= 1
            mode = self.fault_modes[next(self._fault_turn) % len(self.fault_modes)]
            if mode != "ok":
                self.faults_served += 1
                if mode == "posted-500" and method == "chat.postMessage":
                    self._answer(method, args)
                if mode == "channel_not_found":
                    return web.json_response({"ok": False, "error": "channel_not_found"})
                if mode == "429":
                    return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"})
                return web.json_response({"ok": False, "error": "internal_error"}, status=500)
        body, headers = self._answer(method, args)
        return web.json_response(body, headers=headers)

    def posts_by_slot(self) -> dict[str, list[dict[str, Any]]]:
        """Posted translations grouped by their idempotence slot (team/channel/ts/target)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for post in self.posted:
            slot = ((post.get("metadata") or {}).get("event_payload") or {}).get("slot", "?")
            out.setdefault(slot, []).append(post)
        return out

    def _answer(self, method: str, args: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        if method == "auth.test":
            if self.auth_error:
                return {"ok": False, "error": self.auth_error}, {}
            return ({"ok": True, "url": "https://test.slack.com/", "team": "Test Team", "user": "mixlingo",
                     "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID, "is_enterprise_install": False},
                    {"x-oauth-scopes": self.scopes})
        if method == "chat.postMessage":
            ts = f"{2000 + next(self._ts)}.000100"
            metadata = args.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            self.posted.append({"channel": args.get("channel"), "thread_ts": args.get("thread_ts"), "ts": ts,
                                "text": args.get("text"), "metadata": metadata, "bot_id": BOT_ID})
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": {"text": args.get("text")}}, {}
        if method in ("chat.update", "chat.delete"):
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}, {}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": "1.0"}, {}
        if method in ("conversations.history", "conversations.replies") and args.get("include_all_metadata"):
            channel, thread = args.get("channel"), args.get("ts")
            found = [p for p in self.posted if p["channel"] == channel and (method == "conversations.history"
                                                                           or p["thread_ts"] == thread)]
            return {"ok": True, "messages": found, "has_more": False}, {}
        if method in ("conversations.history", "conversations.replies"):
            found = self.messages.get((args.get("channel"), args.get("latest") or args.get("ts")))
            return {"ok": True, "messages": [found] if found else [], "has_more": False}, {}
        if method == "views.publish":
            return {"ok": True, "view": args.get("view")}, {}
        if method == "oauth.v2.access":
            return ({"ok": True, "app_id": "A0001", "authed_user": {"id": "UINSTALLER"}, "scope": ALL_SCOPES,
                     "token_type": "bot", "access_token": "xoxb-installed-token", "bot_user_id": BOT_USER,
                     "team": {"id": "T0002", "name": "Other Team"}, "enterprise": None,
                     "is_enterprise_install": False}, {})
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url() if self.socket_url else "wss://example.invalid/"}, {}
        return {"ok": False, "error": "unknown_method"}, {}


def sign(body: str, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


class AppDriver:
    """Sends correctly (or deliberately wrongly) signed requests to the app under test."""

    def __init__(self, server: TestServer, session: ClientSession, inflight: Any):
        self.server, self.session, self.inflight = server, session, inflight
        self._event_ids = itertools.count(1)

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def post(self, body: str, content_type: str, *, headers: dict[str, str] | None = None,
                   signature: dict[str, str] | None = None) -> tuple[int, str]:
        all_headers = {"Content-Type": content_type, **(sign(body) if signature is None else signature), **(headers or {})}
        async with self.session.post(self.url("/slack/events"), data=body.encode(), headers=all_headers) as response:
            return response.status, await response.text()

    async def event(self, event: dict[str, Any], *, team: str = TEAM, event_id: str | None = None,
                    headers: dict[str, str] | None = None) -> tuple[int, str]:
        payload = {"token": "legacy", "team_id": team, "api_app_id": "A0001", "type": "event_callback",
                   "event": event, "event_id": event_id or f"Ev{next(self._event_ids):04d}",
                   "event_time": int(time.time()), "authorizations": [{"team_id": team, "user_id": BOT_USER, "is_bot": True}]}
        return await self.post(json.dumps(payload), "application/json", headers=headers)

    async def command(self, name: str, text: str, *, user: str = "U1", channel: str = "C1", response_url: str,
                      team: str = TEAM) -> tuple[int, str]:
        form = {"command": name, "text": text, "user_id": user, "user_name": user.lower(), "channel_id": channel,
                "channel_name": "general", "team_id": team, "team_domain": "test", "response_url": response_url,
                "trigger_id": "1.2.3", "api_app_id": "A0001", "token": "legacy"}
        return await self.post(urlencode(form), "application/x-www-form-urlencoded")

    async def interaction(self, payload: dict[str, Any]) -> tuple[int, str]:
        return await self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    async def settle(self) -> None:
        """Wait until every lazy listener the requests started has finished."""
        await asyncio.sleep(0)
        await asyncio.wait_for(self.inflight.idle(), timeout=30)


async def open_app(tmp_path: Path, fake: FakeSlack, *, translator: Any = None, **overrides: Any) -> tuple[Any, Any, AppDriver]:
    """The real app (token mode unless OAuth settings are given) on 127.0.0.1, wired to the fake Slack."""
    from mixlingo.bot.app import build_app
    from mixlingo.bot.context import Bot
    from mixlingo.factory import translation_service
    from mixlingo.bot.storage import Repository, open_database
    from mixlingo.bot.web import slack_web_app
    from mixlingo.config import load_settings

    values = {"slack_bot_token": BOT_TOKEN, "slack_signing_secret": SECRET, "slack_api_url": fake.api_url,
              "database_url": f"sqlite:///{tmp_path / 'mixlingo.db'}", "tagger": "lexicon"}
    values.update(overrides)
    settings = load_settings(**values)
    service = translation_service(settings, translator=translator or fake_translator(), encoder=fake_encoder())
    database = await open_database(settings.scale_out.database_url)
    bot = Bot(settings, service, Repository(database.engine))
    app = build_app(bot, database)
    server = TestServer(slack_web_app(app), host="127.0.0.1")
    await server.start_server()
    session = ClientSession(timeout=TIMEOUT)
    driver = AppDriver(server, session, bot.inflight)

    async def close() -> None:
        await driver.settle()
        await session.close()
        await server.close()
        await database.close()
        service.close()

    driver.close = close  # type: ignore[attr-defined]
    return bot, database, driver


async def guarded(tmp_path: Path, fake: FakeSlack, *, clock: Any = time.time, runner: Any = None) -> tuple[Any, AppDriver]:
    """The app with the replay guard `mixlingo serve` installs; ``runner`` replaces the in-process job runner."""
    from mixlingo.bot.app import build_app
    from mixlingo.bot.replay import MemorySeen, replay_guard
    from mixlingo.bot.web import slack_web_app

    bot, database, plain = await open_app(tmp_path, fake)
    app = build_app(bot, database, runner=runner(bot) if runner else None)
    server = TestServer(slack_web_app(app, guard=replay_guard(SECRET, MemorySeen(clock=clock), clock=clock)),
                        host="127.0.0.1")
    await server.start_server()
    driver = AppDriver(server, plain.session, bot.inflight)

    async def close() -> None:
        await driver.settle()
        await server.close()
        await plain.close()  # type: ignore[attr-defined]

    driver.close = close  # type: ignore[attr-defined]
    return bot, driver


def command_body(text: str, fake: FakeSlack) -> str:
    return urlencode({"command": "/translate", "text": text, "user_id": "U1", "user_name": "u1", "channel_id": "C1",
                      "channel_name": "general", "team_id": TEAM, "team_domain": "test",
                      "response_url": fake.response_url(), "trigger_id": "1.2.3", "api_app_id": "A0001",
                      "token": "legacy"})


def event_body(event: dict[str, Any], event_id: str) -> str:
    return json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A0001", "type": "event_callback",
                       "event": event, "event_id": event_id, "event_time": int(time.time()),
                       "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}]})


@dataclass
class Slack:
    bot: Any
    database: Any
    driver: AppDriver
    fake: FakeSlack


@pytest.fixture
async def fake() -> Any:
    slack = FakeSlack()
    await slack.start()
    yield slack
    await slack.close()


@pytest.fixture
async def slack(tmp_path: Path, fake: FakeSlack) -> Any:
    bot, database, driver = await open_app(tmp_path, fake)
    yield Slack(bot, database, driver, fake)
    await driver.close()  # type: ignore[attr-defined]
