"""One replay rule: a signature is used once for its whole window, whatever headers are added; an event runs once.

Every request goes to the app as ``mixlingo serve`` builds it (replay guard,
metrics, bolt) on 127.0.0.1, wired to the fake Slack Web API.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from mixlingo.bot import metrics
from mixlingo.bot.jobs.inprocess import InProcessRunner
from mixlingo.bot.jobs.queue import QueueUnavailable
from mixlingo.bot.replay import MAX_FUTURE_SKEW, WINDOW, nesting_depth
from slack_harness import SECRET, TEAM, FakeSlack, command_body, event_body, guarded, sign

RETRY_HEADERS = ({"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}, {"X-Slack-Retry-Num": "2"},
                 {"X-Slack-Retry-Num": "3", "X-Slack-Retry-Reason": "http_error"})


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def rejected(reason: str) -> float:
    return metrics.REJECTED.labels(reason)._value.get()


FORM = "application/x-www-form-urlencoded"


async def test_a_public_command_resent_with_retry_headers_posts_once(tmp_path: Path, fake: FakeSlack) -> None:
    """Row 1: a signed `/translate es … --public` resent with an added X-Slack-Retry-Num was 4 public posts."""
    bot, driver = await guarded(tmp_path, fake)
    try:
        body, signature = command_body("es --public hello friend, the report is ready", fake), None
        signature = sign(body)
        assert (await driver.post(body, FORM, signature=signature))[0] == 200
        for headers in RETRY_HEADERS:
            status, _ = await driver.post(body, FORM, signature=signature, headers=headers)
            assert status == 401, headers
        await driver.settle()
        assert len(fake.responses) == 1 and fake.responses[0][1]["response_type"] == "in_channel"
    finally:
        await driver.close()  # type: ignore[attr-defined]


async def test_a_shortcut_and_a_button_resent_with_retry_headers_run_once(tmp_path: Path, fake: FakeSlack) -> None:
    bot, driver = await guarded(tmp_path, fake)
    try:
        shortcut = {"type": "message_action", "callback_id": "mixlingo_translate_message", "trigger_id": "1.2",
                    "team": {"id": TEAM, "domain": "test"}, "user": {"id": "U1", "team_id": TEAM},
                    "channel": {"id": "C1", "name": "general"}, "message_ts": "1.1", "token": "legacy",
                    "message": {"type": "message", "user": "U2", "ts": "1.1", "text": "hola amigo"},
                    "response_url": fake.response_url("shortcut")}
        body = urlencode({"payload": json.dumps(shortcut)})
        signature = sign(body)
        assert (await driver.post(body, FORM, signature=signature))[0] == 200
        for headers in RETRY_HEADERS:
            assert (await driver.post(body, FORM, signature=signature, headers=headers))[0] == 401
        await driver.settle()
        assert [name for name, _ in fake.responses] == ["shortcut"]
    finally:
        await driver.close()  # type: ignore[attr-defined]


async def test_an_event_resent_verbatim_is_acknowledged_and_runs_nothing(tmp_path: Path, fake: FakeSlack) -> None:
    """A byte-identical resend of an acked event (same event_id, same signature, same second) was a 401,
    which Slack counts as a failed delivery; it is a 200 that runs nothing, with or without retry headers."""
    bot, driver = await guarded(tmp_path, fake)
    fake.add_message("C1", {"type": "message", "user": "U2", "text": "hola amigo", "ts": "5.1"})
    try:
        body = event_body({"type": "reaction_added", "user": "U1", "reaction": "us",
                           "item": {"type": "message", "channel": "C1", "ts": "5.1"}}, "EvVerbatim")
        signature = sign(body)
        enqueued = metrics.ENQUEUED.labels("run_reaction")._value.get()
        assert (await driver.post(body, "application/json", signature=signature))[0] == 200
        replayed, duplicates = rejected("replayed"), rejected("duplicate_event")
        for headers in ({}, *RETRY_HEADERS):
            assert (await driver.post(body, "application/json", signature=signature, headers=headers))[0] == 200
        await driver.settle()
        assert metrics.ENQUEUED.labels("run_reaction")._value.get() - enqueued == 1
        assert rejected("duplicate_event") - duplicates == 1 + len(RETRY_HEADERS) and rejected("replayed") == replayed
        assert len(fake.of("chat.postMessage")) == 1
    finally:
        await driver.close()  # type: ignore[attr-defined]


class FailsFirst(InProcessRunner):
    """The first job cannot be handed over (a broker outage): the ack is a 5xx and Slack retries."""

    failed = False
    started = 0

    def start(self, function, request) -> None:
        if not FailsFirst.failed:
            FailsFirst.failed = True
            raise QueueUnavailable("broker down")
        FailsFirst.started += 1
        super().start(function, request)


async def test_slacks_retry_of_a_failed_event_runs_once_and_a_retry_of_a_done_one_runs_nothing(
        tmp_path: Path, fake: FakeSlack) -> None:
    """Slack re-signs a retry (new timestamp): event_id, not a header, says it is the same event."""
    bot, driver = await guarded(tmp_path, fake, runner=FailsFirst)
    fake.add_message("C1", {"type": "message", "user": "U2", "text": "hola amigo", "ts": "6.1"})
    try:
        body = event_body({"type": "reaction_added", "user": "U1", "reaction": "us",
                           "item": {"type": "message", "channel": "C1", "ts": "6.1"}}, "EvRetried")
        now = int(time.time())
        status, _ = await driver.post(body, "application/json", signature=sign(body, now))
        assert status >= 500  # the first delivery failed: not acknowledged
        for n, headers in enumerate(RETRY_HEADERS, start=1):  # Slack's retries, each newly signed
            status, _ = await driver.post(body, "application/json", signature=sign(body, now + n), headers=headers)
            assert status == 200
        await driver.settle()
        assert FailsFirst.started == 1  # the first retry ran; the later ones were recognised
        assert len(fake.of("chat.postMessage")) == 1
    finally:
        await driver.close()  # type: ignore[attr-defined]


async def test_concurrent_deliveries_of_one_event_run_it_once(tmp_path: Path, fake: FakeSlack) -> None:
    bot, driver = await guarded(tmp_path, fake)
    try:
        before = metrics.ENQUEUED.labels("run_reaction")._value.get()
        body = event_body({"type": "reaction_added", "user": "U1", "reaction": "us",
                           "item": {"type": "message", "channel": "C1", "ts": "7.1"}}, "EvConcurrent")
        now = int(time.time())
        statuses = await asyncio.gather(*[driver.post(body, "application/json", signature=sign(body, now - i),
                                                      headers={"X-Slack-Retry-Num": str(i)}) for i in range(5)])
        assert [s for s, _ in statuses] == [200] * 5
        assert metrics.ENQUEUED.labels("run_reaction")._value.get() - before == 1
    finally:
        await driver.close()  # type: ignore[attr-defined]


async def test_a_signature_is_remembered_for_its_whole_window_and_future_timestamps_are_refused(
        tmp_path: Path, fake: FakeSlack) -> None:
    """Row 2: +299 s ahead, resent 370 s later, was accepted twice (remembered 360 s from first use)."""
    clock = FakeClock()
    bot, driver = await guarded(tmp_path, fake, clock=clock)
    try:
        def command(i: int) -> str:  # not an event: an event's resend goes by its event_id instead
            return command_body(f"es hello friend {i}", fake)

        far = command(1)
        far_signature = sign(far, int(clock.now) + WINDOW - 1)
        assert (await driver.post(far, FORM, signature=far_signature))[0] == 401  # too far ahead
        statuses = []
        for later in (370, 1, 200):  # within its window from here on: one use at most
            clock.now += later
            statuses.append((await driver.post(far, FORM, signature=far_signature))[0])
        assert statuses == [200, 401, 401]

        near = command(2)
        clock.now = time.time()  # bolt checks the signature again, on the real clock
        timestamp = int(clock.now) + MAX_FUTURE_SKEW - 1  # a little clock drift is fine…
        near_signature = sign(near, timestamp)
        assert (await driver.post(near, FORM, signature=near_signature))[0] == 200
        clock.now = timestamp + WINDOW - 1  # …and it is remembered until its own window closes
        assert (await driver.post(near, FORM, signature=near_signature))[0] == 401
        await driver.settle()
    finally:
        await driver.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize(("body", "content_type", "expected"), [
    ('{"type": "event_callback", "event": ', "application/json", "invalid JSON at line 1"),
    ("[1, 2]", "application/json", "expected a JSON object"),
    ("payload=%7Bnot+json", FORM, "invalid JSON"),
    ('{"a": "\xff"}', "application/json", None),
    ("[" * 100_000, "application/json", "nested deeper than 64"),
    ('{"a": ' + "[{" * 50_000, "application/json", "nested deeper than 64"),
    ("payload=" + "%5B" * 100_000, FORM, "nested deeper than 64"),
    ('{"a": ' + '{"b": ' * 65 + "1" + "}" * 66, "application/json", "nested deeper than 64"),
    ('{"n": ' + "1" * 100_000 + "}", "application/json", "a number longer than"),
    ("payload=" + quote('{"n": ' + "9" * 100_000 + "}"), FORM, "a number longer than"),
])
async def test_a_signed_malformed_body_is_a_400_with_one_log_line(tmp_path: Path, fake: FakeSlack,
                                                                  caplog: pytest.LogCaptureFixture, body: str,
                                                                  content_type: str, expected: str | None) -> None:
    """Row 11: a correctly signed body with malformed JSON was a 500 with the parser's traceback; so were a body
    nested 100,000 deep (RecursionError) and a number of 100,000 digits (Python's integer-string limit)."""
    bot, driver = await guarded(tmp_path, fake)
    try:
        caplog.set_level(logging.INFO)  # bolt sets the "mixlingo" logger to the root's level on each request
        caplog.set_level(logging.INFO, logger="mixlingo")
        caplog.clear()
        if expected is None:  # bytes that are not UTF-8, signed as they are
            raw = b'{"a": "\xff"}'
            headers = {"Content-Type": content_type, **sign(raw.decode("latin-1"))}
            headers["X-Slack-Signature"] = _sign_bytes(raw, headers["X-Slack-Request-Timestamp"])
            async with driver.session.post(driver.url("/slack/events"), data=raw, headers=headers) as response:
                status, text = response.status, await response.text()
            expected = "not UTF-8"
        else:
            status, text = await driver.post(body, content_type)
        assert status == 400 and expected in json.loads(text)["error"]
        lines = [r for r in caplog.records if r.levelno >= logging.INFO and r.name.startswith(("mixlingo", "aiohttp.server"))]
        assert len(lines) == 1 and lines[0].levelno == logging.INFO and not lines[0].exc_info
        assert "malformed body" in lines[0].getMessage()
    finally:
        await driver.close()  # type: ignore[attr-defined]


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


def test_nesting_is_counted_as_the_parser_sees_it_brackets_in_strings_aside() -> None:
    """The guard's depth count, made without parsing, equals the parsed depth; strings full of brackets,
    escaped quotes and backslashes do not move it."""
    rng = random.Random(7)

    def build(depth: int) -> object:
        if depth == 0:
            return rng.choice(["[[{", '"]}\\', "a\\\"[", 1, None, "}}}]"])
        inner = [build(depth - 1) for _ in range(rng.randrange(1, 3))]
        return {rng.choice(["k", "[", '"{'] ): inner[0], "more": inner} if rng.random() < 0.5 else inner

    for _ in range(200):
        value = build(rng.randrange(0, 12))
        for text in (json.dumps(value), json.dumps(value, indent=1)):
            assert nesting_depth(text) == _depth(value), text
    assert nesting_depth('"' + '\\"' * 1000) == 0  # an unterminated string is read to the end, once


def _sign_bytes(raw: bytes, timestamp: str) -> str:
    import hashlib
    import hmac

    return "v0=" + hmac.new(SECRET.encode(), f"v0:{timestamp}:".encode() + raw, hashlib.sha256).hexdigest()
