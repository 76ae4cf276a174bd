"""Socket Mode under faults, against a real websocket on 127.0.0.1 (tests/socket_mode_standin.py).

`mixlingo serve` runs in process with an app-level token; the fake Web API's
``apps.connections.open`` points it at the stand-in, which sends ``hello`` and
then envelopes of each kind, resends some (``retry_attempt`` > 0), asks for a
refresh and drops the socket. Every envelope must be acked within Slack's 3 s,
and every command, shortcut and event must reach Slack exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from mixlingo.factory import translation_service
from mixlingo.config import load_settings
from slack_harness import BOT_TOKEN, BOT_USER, SECRET, TEAM, FakeSlack, fake_encoder, fake_translator
from socket_mode_standin import SocketModeStandIn

ACK_WITHIN = 3.0  # Slack's limit


@pytest.fixture
async def standin(fake: FakeSlack) -> AsyncIterator[SocketModeStandIn]:
    socket = SocketModeStandIn()
    await socket.start()
    fake.socket_url = socket.url
    yield socket
    await socket.close()


@contextlib.asynccontextmanager
async def socket_mode_app(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[None]:
    """``mixlingo serve`` with SLACK_APP_TOKEN: Socket Mode, in this process."""
    from mixlingo.bot import server

    settings = load_settings(slack_bot_token=BOT_TOKEN, slack_app_token="xapp-1-A0001-standin", slack_signing_secret=SECRET,
                             slack_api_url=fake.api_url, database_url=f"sqlite:///{tmp_path / 'socket.db'}",
                             tagger="lexicon")
    service = translation_service(settings, translator=fake_translator(), encoder=fake_encoder())
    lines: list[str] = []
    task = asyncio.create_task(server.run(settings, lines.append, lines.append, service=service))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def event(i: int) -> dict[str, Any]:
    reaction = {"type": "reaction_added", "user": "U1", "reaction": "us", "item_user": "U2",
                "item": {"type": "message", "channel": "C1", "ts": f"{i}.000100"}, "event_ts": f"{i}.2"}
    return {"token": "legacy", "team_id": TEAM, "api_app_id": "A0001", "type": "event_callback", "event": reaction,
            "event_id": f"EvSock{i}", "event_time": i, "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}]}


def command(i: int, fake: FakeSlack) -> dict[str, Any]:
    return {"token": "legacy", "team_id": TEAM, "team_domain": "test", "channel_id": "C1", "channel_name": "general",
            "user_id": "U1", "user_name": "u1", "command": "/translate", "text": f"es --public hello friend {i}",
            "api_app_id": "A0001", "is_enterprise_install": "false", "response_url": fake.response_url(f"cmd{i}"),
            "trigger_id": f"{i}.1.cmd"}


def shortcut(i: int, fake: FakeSlack) -> dict[str, Any]:
    return {"type": "message_action", "callback_id": "mixlingo_translate_message", "trigger_id": f"{i}.1.sc",
            "team": {"id": TEAM, "domain": "test"}, "user": {"id": "U1", "team_id": TEAM},
            "channel": {"id": "C1", "name": "general"}, "message_ts": f"{i}.1", "token": "legacy",
            "message": {"type": "message", "user": "U2", "ts": f"{i}.1", "text": f"hola amigo {i}"},
            "response_url": fake.response_url(f"sc{i}")}


async def one_of_each(standin: SocketModeStandIn, fake: FakeSlack, i: int, **options: Any) -> list[str]:
    fake.add_message("C1", {"type": "message", "user": "U2", "text": f"hola amigo {i}", "ts": f"{i}.000100"})
    return [await standin.send("events_api", event(i), **options),
            await standin.send("slash_commands", command(i, fake), **options),
            await standin.send("interactive", shortcut(i, fake), **options)]


async def reached_slack(fake: FakeSlack, i: int, timeout: float = 20) -> dict[str, int]:
    """How often each of message i's three requests reached Slack, once all three have (or the timeout passed)."""
    def counts() -> dict[str, int]:
        posts = [c for c in fake.of("chat.postMessage") if c.args.get("thread_ts") == f"{i}.000100"]
        return {"event": len(posts), "command": sum(n == f"cmd{i}" for n, _ in fake.responses),
                "shortcut": sum(n == f"sc{i}" for n, _ in fake.responses)}

    deadline = asyncio.get_running_loop().time() + timeout
    while min(counts().values()) == 0 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # room for a duplicate to show up
    return counts()


async def test_each_envelope_is_acked_in_time_and_posts_once_and_a_resend_posts_nothing(
        tmp_path: Path, fake: FakeSlack, standin: SocketModeStandIn) -> None:
    async with socket_mode_app(tmp_path, fake):
        await standin.connected()
        first = await one_of_each(standin, fake, 1)
        await standin.acked(first)
        assert await reached_slack(fake, 1) == {"event": 1, "command": 1, "shortcut": 1}
        resent = [await standin.resend(e) for e in first]  # Slack redelivers (retry_attempt 1)
        await standin.acked(resent)
        await asyncio.sleep(0.5)
        assert await reached_slack(fake, 1) == {"event": 1, "command": 1, "shortcut": 1}
    assert max(standin.acks.values()) < ACK_WITHIN, standin.acks
    assert {standin.envelopes[e]["retry_attempt"] for e in resent if "retry_attempt" in standin.envelopes[e]} == {1}


async def test_refresh_then_a_dropped_socket_reconnects_and_loses_nothing(
        tmp_path: Path, fake: FakeSlack, standin: SocketModeStandIn) -> None:
    async with socket_mode_app(tmp_path, fake):
        await standin.connected()
        await standin.acked(await one_of_each(standin, fake, 10))
        await standin.refresh()  # Slack asks for a refresh: the app connects anew
        await standin.connected(count=2)
        in_flight = await one_of_each(standin, fake, 11)  # on their way when…
        await standin.drop()  # …the socket drops
        await standin.connected(count=3)  # the app reconnects by itself
        # Slack redelivers what it has no ack for: here all of them, as if every ack was lost with the socket
        redelivered = [await standin.resend(e) for e in in_flight]
        after = await one_of_each(standin, fake, 12)
        await standin.acked(redelivered + after)
        for i in (10, 11, 12):
            assert await reached_slack(fake, i) == {"event": 1, "command": 1, "shortcut": 1}, i
        assert standin.opened == 3
    assert max(standin.acks.values()) < ACK_WITHIN, standin.acks
