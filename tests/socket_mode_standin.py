"""A stand-in for Slack's Socket Mode endpoint: a real websocket server on 127.0.0.1 speaking the protocol.

The fake Web API's ``apps.connections.open`` hands out ``ws://127.0.0.1:PORT/link/?ticket=N``;
each connection gets ``hello``, then whatever envelopes the test sends. It
records every ack (by ``envelope_id``, with the seconds it took), can ask for a
refresh (``disconnect`` / ``refresh_requested``), drop a socket, and
redelivers what was not acked on the next connection, with ``retry_attempt``
raised, as Slack does.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer


@dataclass
class SocketModeStandIn:
    server: TestServer | None = None
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    opened: int = 0
    sent_at: dict[str, float] = field(default_factory=dict)
    envelopes: dict[str, dict[str, Any]] = field(default_factory=dict)
    acks: dict[str, float] = field(default_factory=dict)
    """envelope_id → seconds from sending to its ack."""
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _tickets: itertools.count = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/link/", self._link)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self.server is not None:
            await self.server.close()

    def url(self) -> str:
        assert self.server is not None
        return f"ws://127.0.0.1:{self.server.port}/link/?ticket={next(self._tickets)}"

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.opened += 1
        self.sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": len(self.sockets),
                                      "debug_info": {"host": "applink-standin", "approximate_connection_time": 18060},
                                      "connection_info": {"app_id": "A0001"}}))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    ack = json.loads(message.data)
                    envelope_id = ack.get("envelope_id")
                    if envelope_id in self.sent_at and envelope_id not in self.acks:
                        self.acks[envelope_id] = time.monotonic() - self.sent_at[envelope_id]
        finally:
            if ws in self.sockets:
                self.sockets.remove(ws)
        return ws

    async def connected(self, count: int = 1, timeout: float = 20) -> None:
        """Wait until ``count`` connections have been opened in all, and one is open now."""
        deadline = time.monotonic() + timeout
        while not self.sockets or self.opened < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"the app did not open {count} Socket Mode connection(s)")
            await asyncio.sleep(0.02)

    async def send(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0,
                   socket: web.WebSocketResponse | None = None) -> str:
        """Send an envelope (``events_api``, ``slash_commands`` or ``interactive``) on the newest socket."""
        envelope_id = f"env-{next(self._ids)}"
        envelope: dict[str, Any] = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                                    "accepts_response_payload": kind != "events_api"}
        if kind == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason="timeout" if retry_attempt else "")
        self.envelopes[envelope_id] = envelope
        self.sent_at[envelope_id] = time.monotonic()
        await (socket or self.sockets[-1]).send_str(json.dumps(envelope))
        return envelope_id

    async def resend(self, envelope_id: str, socket: web.WebSocketResponse | None = None) -> str:
        """Slack's redelivery of an envelope: a new envelope_id, the same payload, retry_attempt raised."""
        old = self.envelopes[envelope_id]
        return await self.send(old["type"], old["payload"], retry_attempt=old.get("retry_attempt", 0) + 1,
                               socket=socket)

    async def refresh(self) -> None:
        """``disconnect`` (refresh_requested) on the current socket: the app should connect anew."""
        await self.sockets[-1].send_str(json.dumps({"type": "disconnect", "reason": "refresh_requested",
                                                    "debug_info": {"host": "applink-standin"}}))

    async def drop(self) -> None:
        """Close the current socket from this side, without warning."""
        await self.sockets[-1].close()

    def unacked(self) -> list[str]:
        return [e for e in self.sent_at if e not in self.acks]

    async def acked(self, envelope_ids: list[str], timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not all(e in self.acks for e in envelope_ids):
            if time.monotonic() > deadline:
                raise AssertionError(f"not acked: {[e for e in envelope_ids if e not in self.acks]}")
            await asyncio.sleep(0.02)
