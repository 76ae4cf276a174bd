"""Every Slack request is verified: forged, tampered, stale and replayed requests are refused and do nothing.

The proof sends 1,000 bad requests (in every CI run: they are cheap) to the
real HTTP app with the replay guard the server installs, and counts how many
were accepted (any 2xx), started a job, or reached Slack: all must be 0.
Two more proofs: every kind of request Slack sends (command, shortcut, button,
event), accepted once and then resent with retry headers added, is refused
each time; and clients that send their headers or body a byte at a time, or
disconnect half-way, are all dropped within the server's timeouts.
Also: OAuth ``state`` is checked, tokens are encrypted at rest (a missing key is
a clear error), and no token ever reaches a log.
"""

from __future__ import annotations

import hashlib
import hmac
import asyncio
import json
import logging
import random
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from aiohttp import ClientSession, ClientTimeout
from aiohttp.test_utils import TestServer

from mixlingo.bot import metrics
from mixlingo.bot.crypto import new_key
from mixlingo.bot.replay import MemorySeen, replay_guard
from mixlingo.bot.web import slack_web_app
from mixlingo.core.errors import ConfigError
from proofs import record, size
from slack_harness import BOT_USER, SECRET, TEAM, FakeSlack, command_body, event_body, guarded, open_app, sign
from slow_clients import cut_short, slow_body, slow_head, trickle


def enqueued() -> float:
    return sum(s.value for m in metrics.ENQUEUED.collect() for s in m.samples if s.name.endswith("_total"))


def body_for(i: int) -> str:
    event = {"type": "reaction_added", "user": "U1", "reaction": "us", "item": {"type": "message", "channel": "C1", "ts": f"{i}.1"}}
    return json.dumps({"team_id": TEAM, "api_app_id": "A0001", "type": "event_callback", "event": event,
                       "event_id": f"EvSec{i}", "event_time": int(time.time()),
                       "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}]})


def bad_requests(n: int, valid: list[tuple[str, dict[str, str]]]) -> list[tuple[str, str, dict[str, str]]]:
    """(kind, body, headers): forged, tampered, stale, replayed, unsigned — in turn."""
    rng = random.Random(8)
    out = []
    for i in range(n):
        kind = ("forged", "tampered", "stale", "replayed", "unsigned", "future", "future_skew", "replayed_headers")[i % 8]
        body = body_for(10_000 + i)
        if kind == "forged":
            headers = sign(body, secret=f"guess-{rng.random()}")
        elif kind == "tampered":
            headers = sign(body)
            body = body.replace('"us"', '"es"') if i % 2 else body + " "
        elif kind == "stale":  # a correctly signed request from 5 min 1 s ago or earlier
            headers = sign(body, timestamp=int(time.time()) - 301 - rng.randrange(86_400))
        elif kind == "future":
            headers = sign(body, timestamp=int(time.time()) + 301 + rng.randrange(86_400))
        elif kind == "future_skew":  # inside the 5-minute window, but further ahead than any clock drifts
            headers = sign(body, timestamp=int(time.time()) + 90 + rng.randrange(200))
        elif kind == "replayed":  # a request that was accepted once, sent again verbatim
            body, headers = valid[i % len(valid)]
        elif kind == "replayed_headers":  # the same, with headers the signature does not cover
            body, headers = valid[i % len(valid)]
            headers = {**headers, "X-Slack-Retry-Num": str(1 + i % 3), "X-Slack-Retry-Reason": "http_timeout"}
        else:
            headers = {}
        out.append((kind, body, headers))
    return out


async def test_1000_forged_tampered_and_replayed_requests_none_accepted(tmp_path: Path, fake: FakeSlack) -> None:
    bot, database, driver = await open_app(tmp_path, fake)
    server = TestServer(_guarded(bot, database), host="127.0.0.1")
    await server.start_server()
    session = ClientSession(timeout=ClientTimeout(total=30))
    try:
        url = str(server.make_url("/slack/events"))
        valid = []
        for i in range(5):  # five genuine requests, accepted once each
            body = body_for(i)
            headers = {"Content-Type": "application/json", **sign(body)}
            async with session.post(url, data=body.encode(), headers=headers) as response:
                assert response.status == 200
            valid.append((body, headers))
        await driver.settle()
        jobs_before, calls_before = enqueued(), len(fake.calls)
        counts: dict[str, int] = {}
        accepted = 0
        for kind, body, headers in bad_requests(1000, valid):
            async with session.post(url, data=body.encode(), headers={"Content-Type": "application/json", **headers}) as response:
                await response.read()
                counts[kind] = counts.get(kind, 0) + 1
                if kind.startswith("replayed"):  # an event delivered once: acknowledged by its event_id, runs nothing
                    assert response.status == 200, (kind, response.status)
                elif 200 <= response.status < 300:
                    accepted += 1
                else:
                    assert response.status == 401, (kind, response.status)
        await driver.settle()
        started_jobs, reached_slack = enqueued() - jobs_before, len(fake.calls) - calls_before
        record("security", requests=1000, **{k: v for k, v in sorted(counts.items())}, accepted=accepted,
               jobs_started=int(started_jobs), slack_calls=reached_slack)
        assert accepted == 0 and started_jobs == 0 and reached_slack == 0
    finally:
        await session.close()
        await server.close()
        await driver.close()  # type: ignore[attr-defined]


def _guarded(bot, database, limits=None):
    """The app as `mixlingo serve` builds it: replay guard and metrics in front of bolt."""
    from mixlingo.bot.app import build_app

    return slack_web_app(build_app(bot, database), guard=replay_guard(SECRET, MemorySeen()), limits=limits)


async def test_oauth_state_is_checked(tmp_path: Path, fake: FakeSlack) -> None:
    bot, database, driver = await open_app(tmp_path, fake, slack_bot_token=None, slack_client_id="111.222",
                                           slack_client_secret="client-secret", encryption_key=new_key())
    try:
        async with driver.session.get(driver.url("/slack/install"), allow_redirects=False) as response:
            cookie = response.cookies["slack-app-oauth-state"].value
        attempts = {
            "forged state": (f"/slack/oauth_redirect?code=c&state=forged{cookie[6:]}", {"Cookie": f"slack-app-oauth-state={cookie}"}),
            "no cookie": (f"/slack/oauth_redirect?code=c&state={cookie}", {}),
            "other browser's cookie": (f"/slack/oauth_redirect?code=c&state={cookie}", {"Cookie": "slack-app-oauth-state=x"}),
            "no state": ("/slack/oauth_redirect?code=c", {"Cookie": f"slack-app-oauth-state={cookie}"}),
        }
        for name, (path, headers) in attempts.items():
            async with driver.session.get(driver.url(path), headers=headers) as response:
                assert response.status >= 400, name
        assert fake.of("oauth.v2.access") == []  # no code was ever exchanged
    finally:
        await driver.close()  # type: ignore[attr-defined]


async def test_multi_workspace_mode_without_a_key_is_a_clear_error(tmp_path: Path, fake: FakeSlack) -> None:
    with pytest.raises(ConfigError, match=r"MIXLINGO_ENCRYPTION_KEY is not set.*mixlingo db keygen"):
        await open_app(tmp_path, fake, slack_bot_token=None, slack_client_id="111.222", slack_client_secret="s")


async def test_no_token_ever_in_logs(tmp_path: Path, fake: FakeSlack, caplog: pytest.LogCaptureFixture) -> None:
    for name in (None, "slack_sdk", "slack_bolt"):  # slack_sdk logs whole API answers at debug level
        caplog.set_level(logging.DEBUG, logger=name)
    bot, database, driver = await open_app(tmp_path, fake, slack_bot_token=None, slack_client_id="111.222",
                                           slack_client_secret="client-secret", encryption_key=new_key())
    try:
        async with driver.session.get(driver.url("/slack/install"), allow_redirects=False) as response:
            cookie = response.cookies["slack-app-oauth-state"].value
        async with driver.session.get(driver.url(f"/slack/oauth_redirect?code=c&state={cookie}"),
                                      headers={"Cookie": f"slack-app-oauth-state={cookie}"}) as response:
            assert response.status == 200
        fake.add_message("C9", {"type": "message", "user": "U2", "ts": "7.1", "text": "hola amigo"})
        await driver.event({"type": "reaction_added", "user": "U1", "reaction": "us",
                            "item": {"type": "message", "channel": "C9", "ts": "7.1"}}, team="T0002")
        await driver.settle()
        logging.getLogger("mixlingo.test").error("oops, token xoxb-installed-token and xoxe.xoxp-1-abcdefgh leaked")
        assert [c.token for c in fake.of("chat.postMessage")] == ["xoxb-installed-token"]  # it was used…
        assert "oauth.v2.access" in caplog.text  # …the debug logs were on…
        assert "xoxb-installed-token" not in caplog.text and "xoxe.xoxp-1-abcdefgh" not in caplog.text  # …never logged
        assert "xoxb-…redacted" in caplog.text
    finally:
        await driver.close()  # type: ignore[attr-defined]


def test_signature_helper_is_independent_of_slack_sdk() -> None:
    body, ts = "a=1", 1_700_000_000
    expected = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    assert sign(body, ts)["X-Slack-Signature"] == expected
    assert len({k for k, *_ in bad_requests(16, [("x", {})])}) == 8


RETRY_HEADERS = ({"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
                 {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"}, {"X-Slack-Retry-Num": "3"},
                 {"X-Slack-Retry-Num": "1", "X-Forwarded-For": "10.0.0.1", "User-Agent": "Slackbot 1.0"})


def genuine(i: int, fake: FakeSlack) -> tuple[str, str, str]:
    """(kind, body, content type): a command, a message shortcut, a button click or an event, in turn."""
    form = "application/x-www-form-urlencoded"
    kind = ("command", "shortcut", "button", "event")[i % 4]
    if kind == "command":
        return kind, command_body(f"es --public hello friend {i}", fake), form
    if kind == "shortcut":
        payload = {"type": "message_action", "callback_id": "mixlingo_translate_message", "trigger_id": f"{i}.1",
                   "team": {"id": TEAM, "domain": "test"}, "user": {"id": "U1", "team_id": TEAM},
                   "channel": {"id": "C1", "name": "general"}, "message_ts": f"{i}.1", "token": "legacy",
                   "message": {"type": "message", "user": "U2", "ts": f"{i}.1", "text": f"hola amigo {i}"},
                   "response_url": fake.response_url(f"s{i}")}
        return kind, urlencode({"payload": json.dumps(payload)}), form
    if kind == "button":
        payload = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U1"}, "trigger_id": f"{i}.2",
                   "channel": {"id": "C1"}, "container": {"type": "message", "channel_id": "C1", "message_ts": f"{i}.9"},
                   "message": {"ts": f"{i}.9", "text": "x"}, "response_url": fake.response_url(f"b{i}"),
                   "actions": [{"action_id": "mixlingo_show_original", "block_id": "b", "type": "button",
                                "value": json.dumps({"t": f"hola amigo {i}"}), "action_ts": "1.1"}]}
        return kind, urlencode({"payload": json.dumps(payload)}), form
    event = {"type": "reaction_added", "user": "U1", "reaction": "us", "item": {"type": "message", "channel": "C1", "ts": f"{i}.1"}}
    return kind, event_body(event, f"EvHdr{i}"), "application/json"


def slack_effects(fake: FakeSlack) -> int:
    return len(fake.calls) + len(fake.responses)


async def test_replays_with_added_headers_none_accepted(tmp_path: Path, fake: FakeSlack) -> None:
    """Each kind of request, accepted once, then resent verbatim with retry (and other) headers added: nothing runs.

    Commands, shortcuts and buttons are refused (401); an event is acknowledged (200) by its event_id, since
    Slack counts a refused event delivery as a failure."""
    bot, driver = await guarded(tmp_path, fake)
    try:
        sent = []
        jobs_at_start, effects_at_start = enqueued(), slack_effects(fake)
        for i in range(size(8, 40)):
            kind, body, content_type = genuine(i, fake)
            signature = sign(body)
            status, _ = await driver.post(body, content_type, signature=signature)
            assert status == 200, kind
            sent.append((kind, body, content_type, signature))
        await driver.settle()
        jobs_before, effects_before = enqueued(), slack_effects(fake)
        assert jobs_before - jobs_at_start == len(sent) and effects_before - effects_at_start >= len(sent)  # each ran
        counts: dict[str, int] = {}
        accepted = 0
        for kind, body, content_type, signature in sent:
            for headers in RETRY_HEADERS:
                status, _ = await driver.post(body, content_type, signature=signature, headers=headers)
                counts[kind] = counts.get(kind, 0) + 1
                if kind == "event":  # a delivered event resent: acknowledged by its event_id, and nothing runs
                    assert status == 200, kind
                else:
                    accepted += 200 <= status < 300
        await driver.settle()
        jobs, effects = enqueued() - jobs_before, slack_effects(fake) - effects_before
        record("replay_headers", requests=sum(counts.values()), **dict(sorted(counts.items())), accepted=accepted,
               jobs_started=int(jobs), slack_calls=effects)
        assert accepted == 0 and jobs == 0 and effects == 0
    finally:
        await driver.close()  # type: ignore[attr-defined]


async def test_slow_and_vanishing_clients_none_accepted(tmp_path: Path, fake: FakeSlack) -> None:
    """Slowloris heads, bodies that never end, and bodies cut short: each dropped within its timeout, none acked."""
    from mixlingo.bot.http_limits import ServerLimits
    from mixlingo.bot.server import start_site

    limits = ServerLimits(header_timeout=0.5, body_timeout=0.5, max_connections=512)
    bot, database, driver = await open_app(tmp_path, fake)
    runner, url = await start_site(_guarded(bot, database, limits), "127.0.0.1", 0, limits)
    port = int(url.rsplit(":", 1)[1])
    try:
        n = size(20, 100)
        acks_before, failed_before = metrics.ACKS._value.get(), metrics.ERRORS.labels("ack_failed")._value.get()
        started = time.monotonic()
        results = await asyncio.gather(*[trickle(port, *slow_head(), interval=0.1, give_up=60) for _ in range(n)],
                                       *[trickle(port, *slow_body(), interval=0.1, give_up=60) for _ in range(n)])
        body = body_for(99).encode()
        await asyncio.gather(*[cut_short(port, body, sent=len(body) // 2, headers=sign(body.decode())) for _ in range(n)])
        await asyncio.sleep(0.2)
        held = [seconds for seconds, _ in results]
        still_held = sum(answer is None for _, answer in results)
        accepted = sum(1 for _, answer in results if answer and answer.startswith(b"HTTP/1.1 2"))
        acked = metrics.ACKS._value.get() - acks_before
        record("slow_clients", connections=3 * n, slow_headers=n, slow_bodies=n, cut_short=n,
               timeout_s=limits.header_timeout, held_max_s=round(max(held), 2), still_held_at_60s=still_held,
               accepted=accepted + int(acked), ack_failed=int(metrics.ERRORS.labels("ack_failed")._value.get() - failed_before),
               seconds=round(time.monotonic() - started, 1))
        assert still_held == 0 and accepted == 0 and acked == 0
        assert metrics.ERRORS.labels("ack_failed")._value.get() == failed_before
    finally:
        await runner.cleanup()
        await driver.close()  # type: ignore[attr-defined]
