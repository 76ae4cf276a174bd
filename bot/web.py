"""The HTTP side: bolt's own aiohttp server routes (events, install, OAuth redirect) plus /healthz and /metrics."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from slack_bolt.app.async_server import AsyncSlackAppServer
from slack_bolt.async_app import AsyncApp

from mixlingo.bot import metrics
from mixlingo.bot.http_limits import ServerLimits, read_body

EVENTS_PATH = "/slack/events"


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def slack_web_app(app: AsyncApp, *, with_metrics: bool = True, metrics_route: bool = True, guard: Callable | None = None,
                  limits: ServerLimits | None = None) -> web.Application:
    """bolt's AsyncSlackAppServer builds the routes; we add a health check, metrics, body limits and the replay guard.

    ``metrics_route=False`` still counts requests but serves ``/metrics`` elsewhere (``MIXLINGO_METRICS_PORT``).
    """
    server = AsyncSlackAppServer(port=0, path=EVENTS_PATH, app=app)
    server.web_app.router.add_get("/healthz", healthz)
    if with_metrics:
        if metrics_route:
            server.web_app.router.add_get("/metrics", metrics.metrics_handler)
        server.web_app.middlewares.append(metrics.count_requests)
    server.web_app.middlewares.append(read_body((limits or ServerLimits()).body_timeout))
    if guard is not None:
        server.web_app.middlewares.append(guard)
    return server.web_app


def metrics_web_app() -> web.Application:
    """``/metrics`` alone, for its own port."""
    site = web.Application()
    site.router.add_get("/metrics", metrics.metrics_handler)
    return site
