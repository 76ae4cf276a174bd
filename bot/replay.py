"""One replay rule for every Slack request: a signed request is used once, and an event runs once.

* Signatures (HTTP). Slack signs a timestamp with the body, and a signature
  verifies for five minutes either side of *its own* timestamp; a captured
  request could be sent again inside that window, with any headers added
  (``X-Slack-Retry-Num`` included: the signature does not cover headers). So
  every accepted signature is remembered until its window has closed, whatever
  the headers say, and a timestamp more than :data:`MAX_FUTURE_SKEW` ahead is
  refused (it would stretch the window to ten minutes). An event is the
  exception: a second delivery of it, even byte for byte, is answered 200 and
  runs nothing (by its ``event_id``, below), since Slack counts a 401 as a
  failed delivery.
* Deliveries (HTTP and Socket Mode). Slack's own retry of an event is a new
  request: newly signed over HTTP, a new envelope over Socket Mode. It is
  recognised by ``event_id``, which the signature covers (over Socket Mode, a
  resent command or interaction by its ``trigger_id``): the first delivery
  that was acknowledged wins and later ones are acknowledged without running
  anything. A delivery whose ack failed (a 5xx, an exception) leaves no trace,
  so Slack's retry of it is accepted and runs once.

The memory (``MemorySeen``, or ``RedisSeen`` when several front ends share a
Redis broker) is bounded by time: keys expire with their window.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import time
from collections.abc import Awaitable, Callable
from itertools import accumulate
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body
from slack_bolt.response import BoltResponse
from slack_sdk.signature import Clock, SignatureVerifier

from mixlingo.bot import metrics

log = logging.getLogger("mixlingo.bot")

WINDOW = 60 * 5
"""Slack's verification window, either side of a request's timestamp (bolt and slack_sdk use the same)."""
MAX_FUTURE_SKEW = 60
"""A timestamp further ahead than this (seconds) is refused: clocks drift, but not by minutes."""
MAX_NESTING = 64
"""Deepest nesting of arrays and objects a signed body may have; Slack's own payloads nest about ten deep."""
MARGIN = 60
"""Signatures are remembered this much longer than their window, against clock steps."""
SIGNED_PATHS = ("/slack/events",)

EVENT_RUNNING_SECONDS = 30
"""How long a delivery in progress holds its event_id (a crashed front end's claim lapses after it)."""
EVENT_DONE_SECONDS = 60 * 60
"""How long an acknowledged event_id is remembered: Slack's last retry comes about 6 minutes after the first try."""
DUPLICATE_WAIT_SECONDS = 2.5
"""A duplicate arriving while the first delivery runs waits this long for its outcome (inside Slack's 3 s)."""

_RUNNING, _DONE = "running", "done"


class MemorySeen:
    """Keys seen in this process (one front end), each with a value and an expiry."""

    def __init__(self, limit: int = 200_000, clock: Callable[[], float] = time.monotonic):
        self.seen: dict[str, tuple[float, str]] = {}
        self.limit = limit
        self.clock = clock

    def _live(self, key: str) -> str | None:
        entry = self.seen.get(key)
        return entry[1] if entry is not None and entry[0] > self.clock() else None

    async def first_use(self, key: str, ttl: float, value: str = "1") -> bool:
        now = self.clock()
        if len(self.seen) >= self.limit:
            self.seen = {k: e for k, e in self.seen.items() if e[0] > now}
        if self._live(key) is not None:
            return False
        self.seen[key] = (now + ttl, value)
        return True

    async def value(self, key: str) -> str | None:
        return self._live(key)

    async def put(self, key: str, value: str, ttl: float) -> None:
        self.seen[key] = (self.clock() + ttl, value)

    async def forget(self, key: str) -> None:
        self.seen.pop(key, None)


class RedisSeen:
    """Keys seen by any front end sharing this Redis (SET NX with expiry: atomic)."""

    def __init__(self, url: str, prefix: str = "mixlingo:seen:"):
        import redis.asyncio

        self.client = redis.asyncio.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.prefix = prefix

    async def first_use(self, key: str, ttl: float, value: str = "1") -> bool:
        return bool(await self.client.set(self.prefix + key, value.encode(), nx=True, ex=max(1, int(ttl + 0.999))))

    async def value(self, key: str) -> str | None:
        found = await self.client.get(self.prefix + key)
        return found.decode() if isinstance(found, bytes) else found

    async def put(self, key: str, value: str, ttl: float) -> None:
        await self.client.set(self.prefix + key, value.encode(), ex=max(1, int(ttl + 0.999)))

    async def forget(self, key: str) -> None:
        await self.client.delete(self.prefix + key)


Seen = MemorySeen | RedisSeen


def seen_for(broker_url: str | None) -> Seen:
    """Shared memory when front ends share a Redis broker, else this process's."""
    if (broker_url or "").startswith(("redis://", "rediss://")):
        return RedisSeen(broker_url)  # type: ignore[arg-type]
    return MemorySeen()


def remember_for(timestamp: int, now: float) -> float:
    """Seconds a signature must be remembered: until its window (around its own timestamp) has closed."""
    return max(1.0, timestamp + WINDOW + MARGIN - now)


class _Clock(Clock):
    def __init__(self, now: Callable[[], float]):
        self._now = now

    def now(self) -> float:
        return self._now()


def replay_guard(signing_secret: str, seen: Seen, *, clock: Callable[[], float] = time.time) -> Callable:
    """aiohttp middleware: verify the signature, refuse a second use of it, and refuse a body bolt cannot parse."""
    verifier = SignatureVerifier(signing_secret, clock=_Clock(clock))

    @web.middleware
    async def guard(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        if request.method != "POST" or request.path not in SIGNED_PATHS:
            return await handler(request)
        body = await request.read()  # aiohttp keeps it: bolt's handler reads it again
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        now = clock()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:  # Slack sends UTF-8 only; slack_sdk's verifier would raise on it
            return _malformed(f"not UTF-8 at byte {error.start}")
        if not timestamp.isdigit() or not signature or not verifier.is_valid(text, timestamp, signature):
            stale = timestamp.isdigit() and abs(now - int(timestamp)) > WINDOW
            metrics.REJECTED.labels("stale" if stale else "signature").inc()
            return web.json_response({"error": "invalid request"}, status=401)
        if int(timestamp) > now + MAX_FUTURE_SKEW:
            metrics.REJECTED.labels("future").inc()
            return web.json_response({"error": "invalid request"}, status=401)
        parsed, problem = parse_signed_body(text, request.headers.get("Content-Type"))
        if not await seen.first_use("sig:" + signature, remember_for(int(timestamp), now)) \
                and _event_id(parsed) is None:
            metrics.REJECTED.labels("replayed").inc()
            return web.json_response({"error": "replayed request"}, status=401)
        # an event resent as it was goes on: its event_id decides (EventDeliveries answers 200 and runs nothing)
        if problem:
            return _malformed(problem)
        return await handler(request)

    return guard


def _malformed(problem: str) -> web.Response:
    metrics.REJECTED.labels("malformed").inc()
    log.info("refused a request with a malformed body (%s)", problem)
    return web.json_response({"error": f"malformed request body: {problem}"}, status=400)


def _event_id(parsed: Any) -> str | None:
    """The event_id of a signed event delivery (None: not an event, or not parsable)."""
    if not isinstance(parsed, dict) or parsed.get("type") != "event_callback":
        return None
    event_id = parsed.get("event_id")
    return event_id if isinstance(event_id, str) else None


def parse_signed_body(body: str, content_type: str | None) -> tuple[Any, str | None]:
    """The body as bolt will parse it, and why bolt could not (None: it can): a JSON object, or a form (whose
    payload is one). Nesting is measured before parsing, so a body nested thousands deep is refused without
    recursing into it (the parser would raise RecursionError)."""
    media_type = (content_type or "").split(";")[0].strip() or None
    depth = nesting_depth(_json_text(body, media_type) or "")
    if depth > MAX_NESTING:
        return None, f"JSON nested deeper than {MAX_NESTING} levels"
    try:
        parsed = parse_body(body, media_type)
    except json.JSONDecodeError as error:
        return None, f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
    except ValueError:  # the only other error json raises: Python's limit on the digits of an integer
        return None, f"a number longer than {sys.get_int_max_str_digits()} digits"
    if not isinstance(parsed, dict):
        return parsed, f"expected a JSON object, got {type(parsed).__name__}"
    return parsed, None


def _json_text(body: str, media_type: str | None) -> str | None:
    """The JSON that bolt's ``parse_body`` reads from this body: the body itself, or a form's ``payload``."""
    if media_type == "application/json" or body.startswith("{"):
        return body
    if "payload" in body:
        return dict(parse_qsl(body, keep_blank_values=True)).get("payload")
    return None


_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.?)*+(?:"|\Z)', re.DOTALL)
"""A JSON string, or an unterminated one to the end: possessive, so each character is read once (no backtracking)."""
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nesting_depth(text: str) -> int:
    """How deep ``text``'s arrays and objects nest (brackets inside strings skipped), counted without parsing."""
    return max(accumulate(map(_STEP.__getitem__, _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text)))), default=0)


class EventDeliveries:
    """Runs each event (by ``event_id``) once, however often and by whichever transport Slack delivers it."""

    def __init__(self, seen: Seen, *, wait: float = DUPLICATE_WAIT_SECONDS):
        self.seen = seen
        self.wait = wait

    async def dispatch(self, request: AsyncBoltRequest,
                       dispatch: Callable[[AsyncBoltRequest], Awaitable[BoltResponse]]) -> BoltResponse:
        key = delivery_key(request)
        if key is None or request.lazy_only:  # a worker running a job is not a delivery
            return await dispatch(request)
        if not await self._claim(key):
            if await self.seen.value(key) == _DONE:
                metrics.REJECTED.labels("duplicate_event").inc()
                log.info("%s was already delivered; acknowledged without running it again%s", key,
                         _retry_note(request))
                return BoltResponse(status=200, body="")
            metrics.REJECTED.labels("event_in_progress").inc()
            return BoltResponse(status=409, body="this event is being handled; retry later")
        acked = False
        try:
            response = await dispatch(request)
            acked = 200 <= response.status < 300
            return response
        finally:
            if acked:
                await self.seen.put(key, _DONE, EVENT_DONE_SECONDS)
            else:  # not acknowledged: Slack retries, and the retry must run
                await self.seen.forget(key)

    async def _claim(self, key: str) -> bool:
        """Take the event; while another delivery of it runs, wait (briefly) to see how that one ends."""
        deadline = time.monotonic() + self.wait
        while True:
            if await self.seen.first_use(key, EVENT_RUNNING_SECONDS, _RUNNING):
                return True
            if await self.seen.value(key) != _RUNNING or time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.05)


def delivery_key(request: AsyncBoltRequest) -> str | None:
    """What makes a delivery the same as an earlier one: the event_id of an event; over Socket Mode (no
    signatures there), the trigger_id of a command, shortcut or interaction. None: nothing to go by."""
    body: Any = request.body
    if not isinstance(body, dict):
        return None
    if body.get("type") == "event_callback":
        return f"event:{body['event_id']}" if isinstance(body.get("event_id"), str) else None
    if request.mode == "socket_mode" and isinstance(body.get("trigger_id"), str):
        return f"trigger:{body['trigger_id']}"
    return None


def _retry_note(request: AsyncBoltRequest) -> str:
    values = request.headers.get("x-slack-retry-num")
    retry = values[0] if values else None
    return f" (Slack's retry {retry})" if retry else ""
