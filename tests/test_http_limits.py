"""`mixlingo serve` in HTTP mode bounds what a client can hold, and keeps /metrics off the Slack port on request.

The server runs in process as `mixlingo serve` starts it (``bot.server.run``),
wired to the fake Slack Web API, with timeouts of a fraction of a second so the
suite stays fast; the bounds checked are generous multiples of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

from mixlingo.bot import metrics
from mixlingo.factory import translation_service
from mixlingo.config import load_settings
from slack_harness import BOT_TOKEN, BOT_USER, SECRET, TEAM, TIMEOUT, FakeSlack, fake_encoder, fake_translator, sign
from slow_clients import cut_short, slow_body, slow_head, trickle

FAST = {"http_header_timeout": 0.5, "http_body_timeout": 0.5}


@contextlib.asynccontextmanager
async def serving(tmp_path: Path, fake: FakeSlack, **overrides: Any) -> AsyncIterator[dict[str, str]]:
    """``mixlingo serve`` (HTTP mode) in this process; yields the URLs it printed ("slack", and "metrics" if apart)."""
    from mixlingo.bot import server

    overrides.setdefault("metrics_port", 0)  # never a fixed port: other servers may run beside the suite
    settings = load_settings(slack_bot_token=BOT_TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.api_url,
                             database_url=f"sqlite:///{tmp_path / 'serve.db'}", tagger="lexicon",
                             port=0, **{"host": "127.0.0.1", **overrides})
    service = translation_service(settings, translator=fake_translator(), encoder=fake_encoder())
    lines: list[str] = []
    task = asyncio.create_task(server.run(settings, lines.append, lines.append, service=service))
    urls: dict[str, str] = {}
    try:
        for _ in range(600):
            for line in lines:
                if found := re.search(r"listening on (http://\S+)/slack/events", line):
                    urls["slack"] = found.group(1)
                if found := re.search(r"metrics at (http://\S+)/metrics", line):
                    urls["metrics"] = found.group(1)
            if "slack" in urls or task.done():
                break
            await asyncio.sleep(0.05)
        assert "slack" in urls, lines
        yield urls
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def sample(counter: Any, *labels: str) -> float:
    return counter.labels(*labels)._value.get()


async def test_slow_headers_and_slow_bodies_are_dropped_within_bounds(tmp_path: Path, fake: FakeSlack) -> None:
    """Row 7: 100 connections trickling headers or a body were held ≥ 90 s."""
    async with serving(tmp_path, fake, **FAST) as urls:
        port = port_of(urls["slack"])
        heads = [trickle(port, *slow_head(), interval=0.1, give_up=60) for _ in range(5)]
        bodies = [trickle(port, *slow_body(), interval=0.1, give_up=60) for _ in range(5)]
        results = await asyncio.gather(*heads, *bodies)
    held = [seconds for seconds, _ in results]
    assert all(answer is not None for _, answer in results), "a slow client was still connected after 60 s"
    assert max(held) < 30  # 0.5 s timeouts: a bound, not a timing, that holds on a busy machine
    for _, answer in results[5:]:
        assert answer.startswith(b"HTTP/1.1 408"), answer[:80]


async def test_connections_beyond_the_cap_are_closed_and_the_rest_still_served(tmp_path: Path, fake: FakeSlack) -> None:
    async with serving(tmp_path, fake, http_max_connections=4, http_header_timeout=30) as urls:
        port = port_of(urls["slack"])
        before = sample(metrics.REJECTED, "too_many_connections")
        idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(4)]
        await asyncio.sleep(0.1)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        with contextlib.suppress(ConnectionError):
            assert await asyncio.wait_for(reader.read(), 10) == b""  # closed, unanswered
        writer.close()
        assert sample(metrics.REJECTED, "too_many_connections") - before == 1
        for _, idle_writer in idle:
            idle_writer.close()
        await asyncio.sleep(0.2)
        async with ClientSession(timeout=TIMEOUT) as session, session.get(urls["slack"] + "/healthz") as response:
            assert response.status == 200


async def test_a_client_that_disconnects_mid_body_is_one_info_line(tmp_path: Path, fake: FakeSlack,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    """Row 5: 20 partial bodies were 500 log lines (tracebacks) and 20 failed acks in the metrics."""
    body = json.dumps({"type": "event_callback", "team_id": TEAM, "event_id": "EvCut", "event": {"type": "app_mention"},
                       "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}]}).encode()
    async with serving(tmp_path, fake) as urls:
        caplog.set_level(logging.INFO)
        caplog.set_level(logging.INFO, logger="mixlingo")
        caplog.clear()
        failed, server_errors = sample(metrics.ERRORS, "ack_failed"), sample(metrics.REQUESTS, "/slack/events", "500")
        for _ in range(20):
            await cut_short(port_of(urls["slack"]), body, sent=len(body) // 2, headers=sign(body.decode()))
        await asyncio.sleep(0.3)
        records = [r for r in caplog.records if r.name != "aiohttp.access"]
    assert sample(metrics.ERRORS, "ack_failed") == failed
    assert sample(metrics.REQUESTS, "/slack/events", "500") == server_errors
    assert [r.levelno for r in records] == [logging.INFO] * 20, [r.getMessage() for r in records]
    assert all("disconnected before its request body arrived" in r.getMessage() and not r.exc_info for r in records)


MALFORMED_HEADS = {
    "header line over 8 KiB": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n",
    "300 headers": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(300))
                   + b"\r\n",
    "request line over 8 KiB": b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "header without a colon": b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n",
}


async def _raw(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()


@pytest.mark.parametrize("kind", MALFORMED_HEADS)
async def test_a_malformed_request_head_is_a_400_and_one_info_line(tmp_path: Path, fake: FakeSlack,
                                                                   caplog: pytest.LogCaptureFixture, kind: str) -> None:
    """aiohttp logged a request it could not parse (header line over 8 KiB, over 128 headers) as an ERROR with
    a traceback quoting the whole line."""
    async with serving(tmp_path, fake) as urls:
        caplog.set_level(logging.INFO)
        caplog.set_level(logging.INFO, logger="mixlingo")
        caplog.clear()
        before = sample(metrics.REJECTED, "malformed_http")
        answer = await _raw(port_of(urls["slack"]), MALFORMED_HEADS[kind])
        await asyncio.sleep(0.1)
        records = [r for r in caplog.records if r.name != "aiohttp.access"]
        async with ClientSession(timeout=TIMEOUT) as session, session.get(urls["slack"] + "/healthz") as response:
            assert response.status == 200  # still serving
    assert answer.split(b"\r\n", 1)[0].endswith(b"400 Bad Request"), answer[:80]
    assert [(r.name, r.levelno) for r in records] == [("mixlingo.bot", logging.INFO)], [r.getMessage() for r in records]
    line = records[0].getMessage()
    assert "refused a malformed HTTP request" in line and not records[0].exc_info and len(line) <= 200, line
    assert sample(metrics.REJECTED, "malformed_http") - before == 1


async def test_a_signed_body_over_the_size_limit_is_a_413_and_one_info_line(tmp_path: Path, fake: FakeSlack,
                                                                           caplog: pytest.LogCaptureFixture) -> None:
    """A body over aiohttp's 1 MiB limit was refused with no log line at all."""
    body = json.dumps({"type": "event_callback", "event": {"type": "message", "text": "x" * 2**21}})
    async with serving(tmp_path, fake) as urls, ClientSession(timeout=TIMEOUT) as session:
        caplog.set_level(logging.INFO)
        caplog.set_level(logging.INFO, logger="mixlingo")
        caplog.clear()
        headers = {"Content-Type": "application/json", **sign(body)}
        async with session.post(urls["slack"] + "/slack/events", data=body.encode(), headers=headers) as response:
            status, answer = response.status, await response.json()
        records = [r for r in caplog.records if r.name != "aiohttp.access"]
    assert status == 413 and "over 1048576 bytes" in answer["error"]
    assert [(r.name, r.levelno) for r in records] == [("mixlingo.bot", logging.INFO)], [r.getMessage() for r in records]
    assert not records[0].exc_info


async def test_metrics_on_their_own_port_are_off_the_slack_port(tmp_path: Path, fake: FakeSlack) -> None:
    """Row 14: /metrics was served on the public Slack port."""
    async with serving(tmp_path, fake, metrics_port=0) as urls, ClientSession(timeout=TIMEOUT) as session:
        assert urls["metrics"] != urls["slack"]
        async with session.get(urls["metrics"] + "/metrics") as response:
            assert response.status == 200 and "mixlingo_http_requests_total" in await response.text()
        async with session.get(urls["slack"] + "/metrics") as response:
            assert response.status == 404
        async with session.get(urls["slack"] + "/healthz") as response:
            assert response.status == 200
        async with session.get(urls["metrics"] + "/metrics") as response:  # the Slack port is still counted
            assert 'mixlingo_http_requests_total{path="/healthz",status="200"}' in await response.text()



async def test_metrics_are_on_their_own_local_port_unless_put_on_the_slack_port(tmp_path: Path, fake: FakeSlack) -> None:
    """/metrics (no login) was served on the public Slack port unless MIXLINGO_METRICS_PORT was set."""
    defaults = load_settings()
    assert defaults.metrics_port == 9464 and defaults.metrics_host == "127.0.0.1" and not defaults.metrics_on_slack_port
    async with serving(tmp_path, fake, host="0.0.0.0") as urls, ClientSession(timeout=TIMEOUT) as session:
        assert urls["metrics"].startswith("http://127.0.0.1:")  # the Slack port is public, the metrics stay local
        async with session.get(f"http://127.0.0.1:{port_of(urls['slack'])}/metrics") as response:
            assert response.status == 404
        async with session.get(urls["metrics"] + "/metrics") as response:
            assert response.status == 200 and "mixlingo_http_requests_total" in await response.text()
    async with serving(tmp_path, fake, metrics_on_slack_port=True) as urls, ClientSession(timeout=TIMEOUT) as session:
        assert "metrics" not in urls  # asked for explicitly: on the Slack port, and no port of its own
        async with session.get(urls["slack"] + "/metrics") as response:
            assert response.status == 200
