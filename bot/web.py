"""The HTTP side: bolt's own aiohttp server routes (events, install, OAuth redirect) plus /healthz."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.app.async_server import AsyncSlackAppServer
from slack_bolt.async_app import AsyncApp

EVENTS_PATH = "/slack/events"


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def slack_web_app(app: AsyncApp) -> web.Application:
    """bolt's AsyncSlackAppServer builds the routes; we only add a health check."""
    server = AsyncSlackAppServer(port=0, path=EVENTS_PATH, app=app)
    server.web_app.router.add_get("/healthz", healthz)
    return server.web_app
