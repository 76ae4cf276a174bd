"""The HTTP side: bolt's own aiohttp server routes (events, install, OAuth redirect) plus /healthz and /metrics."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from slack_bolt.app.async_server import AsyncSlackAppServer
from slack_bolt.async_app import AsyncApp

from mixlingo.bot import metrics

EVENTS_PATH = "/slack/events"


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def slack_web_app(app: AsyncApp, *, with_metrics: bool = True, guard: Callable | None = None) -> web.Application:
    """bolt's AsyncSlackAppServer builds the routes; we add a health check, metrics and the replay guard."""
    server = AsyncSlackAppServer(port=0, path=EVENTS_PATH, app=app)
    server.web_app.router.add_get("/healthz", healthz)
    if with_metrics:
        server.web_app.router.add_get("/metrics", metrics.metrics_handler)
        server.web_app.middlewares.append(metrics.count_requests)
    if guard is not None:
        server.web_app.middlewares.append(guard)
    return server.web_app
