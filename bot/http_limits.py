"""Bounds on what one HTTP client can hold: time to send its headers and body, and how many connections in all.

aiohttp reads a request's headers without a deadline of its own, so a client
trickling a header a few bytes at a time held a connection for as long as it
liked. Here:

* a connection must deliver a whole request head within ``header_timeout``
  of connecting (or of its previous response): aiohttp's keep-alive timer,
  which partial headers do not reset, closes it otherwise;
* a request body must arrive within ``body_timeout``: the client gets 408 and
  the connection is closed;
* at most ``max_connections`` are open at once: one over is closed at once;
* a client that disconnects mid-body, a body over the size limit, and a request
  aiohttp cannot parse (a header line over 8 KiB, more than 128 headers) are each
  one INFO line, not an error with a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler

from mixlingo.bot import metrics

log = logging.getLogger("mixlingo.bot")

CLIENT_CLOSED = 499
"""Status recorded for a request whose client went away before sending it all (nginx's convention)."""


@dataclass(frozen=True)
class ServerLimits:
    header_timeout: float = 10.0
    body_timeout: float = 10.0
    max_connections: int = 512

    @classmethod
    def from_settings(cls, settings) -> ServerLimits:
        return cls(**settings.http.model_dump())  # the http group of settings, whole


class OneLineBadRequests(RequestHandler):
    """aiohttp's connection handler, saying a request it cannot parse in one INFO line.

    aiohttp answers such a request 400 and logs it as an ERROR with a traceback, though the fault is the
    client's, and its message quotes the offending line (up to 8 KiB): here it is one short line instead."""

    def handle_error(self, request: web.BaseRequest, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        if _client_fault(exc):
            metrics.REJECTED.labels("malformed_http").inc()
            log.info("refused a malformed HTTP request from %s (%s)", request.remote, _shortened(exc))
        return super().handle_error(request, status, exc, message)

    def log_exception(self, *args, **kwargs) -> None:
        if not _client_fault(kwargs.get("exc_info")):  # a client's fault is said by handle_error, in one line
            super().log_exception(*args, **kwargs)


def _client_fault(error: object) -> bool:
    return isinstance(error, HttpProcessingError) and 400 <= error.code < 500


def _shortened(error: BaseException | None, limit: int = 100) -> str:
    text = " ".join(f"{type(error).__name__}: {getattr(error, 'message', error)}".split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class CappedServer(web.Server):
    """aiohttp's low-level server, closing any connection beyond the cap as soon as it is made."""

    def __init__(self, *args, max_connections: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_connections = max_connections
        self._last_note = 0.0

    def __call__(self) -> RequestHandler:
        return OneLineBadRequests(self, loop=self._loop, **self._kwargs)

    def connection_made(self, handler, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        if len(self.connections) > self.max_connections:
            metrics.REJECTED.labels("too_many_connections").inc()
            if time.monotonic() - self._last_note > 60:  # one line a minute, not one per connection
                self._last_note = time.monotonic()
                log.warning("refusing connections: %d open is the limit (MIXLINGO_HTTP_MAX_CONNECTIONS)",
                            self.max_connections)
            transport.close()


class BoundedRunner(web.AppRunner):
    """An AppRunner whose server applies :class:`ServerLimits`."""

    def __init__(self, app: web.Application, limits: ServerLimits, **kwargs):
        super().__init__(app, keepalive_timeout=limits.header_timeout, lingering_time=min(2.0, limits.body_timeout),
                         **kwargs)
        self.limits = limits

    async def _make_server(self) -> web.Server:
        built = await super()._make_server()  # runs the app's startup hooks and freezes it
        return CappedServer(built.request_handler, request_factory=built.request_factory,
                            handler_cancellation=built.handler_cancellation, loop=asyncio.get_running_loop(),
                            max_connections=self.limits.max_connections, **self._kwargs)


def read_body(timeout: float) -> Callable:
    """aiohttp middleware: read the whole body first, within ``timeout``; handlers then read aiohttp's copy."""

    @web.middleware
    async def whole_body(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        if request.can_read_body:
            try:
                async with asyncio.timeout(timeout):
                    await request.read()
            except TimeoutError:
                metrics.REJECTED.labels("slow_client").inc()
                log.info("dropped %s: its request body took longer than %g s", request.remote, timeout)
                response = web.json_response({"error": f"request body not received within {timeout:g} s"}, status=408)
                response.force_close()
                return response
            except ConnectionError:
                metrics.REJECTED.labels("client_disconnected").inc()
                log.info("%s disconnected before its request body arrived", request.remote)
                return web.Response(status=CLIENT_CLOSED)
            except web.HTTPRequestEntityTooLarge as error:
                metrics.REJECTED.labels("too_large").inc()
                log.info("refused a request body from %s: over %d bytes", request.remote, request.client_max_size)
                return web.json_response({"error": f"request body over {request.client_max_size} bytes"},
                                         status=error.status)
        return await handler(request)

    return whole_body
