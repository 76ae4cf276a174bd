"""The fields each kind of Slack payload must carry for its listener to act on it.

Slack always sends them; a signed payload without them (a test tool, a proxy that trims
fields, a request replayed from elsewhere) has nothing a listener could act on. It is
answered at ack, with one log line naming what is missing, instead of becoming a job that
fails with a traceback (``KeyError: 'channel_id'``, ``respond is unsupported here``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.response import BoltResponse

from mixlingo.bot import metrics

log = logging.getLogger("mixlingo.bot")

COMMAND = ("user_id", "channel_id", "response_url")
SHORTCUT = ("user.id", "channel.id", "response_url", "message")
ACTION = ("user.id",)
EVENTS = {
    "reaction_added": ("user", "item"),
    "message": ("channel",),
    "app_home_opened": ("user",),
}
REACTED_MESSAGE = ("item.channel", "item.ts")
"""A reaction to a message also needs where the message is (a reaction to a file has no channel)."""


def missing_fields(body: Any) -> tuple[str, list[str]] | None:
    """(what the payload is, the fields it lacks), or None when it has what its listener needs."""
    if not isinstance(body, dict):
        return None
    needed: tuple[str, ...]
    if "command" in body:
        what, needed = f"{body['command']} command", COMMAND
    elif body.get("type") == "message_action":
        what, needed = "message shortcut", SHORTCUT
    elif body.get("type") == "block_actions":
        what, needed = "button click", ACTION
    elif body.get("type") == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "event", ["event.type"]
        what, needed = f"{event['type']} event", tuple(f"event.{f}" for f in EVENTS.get(event["type"], ()))
        item = event.get("item")
        if event["type"] == "reaction_added" and isinstance(item, dict) and item.get("type") == "message":
            needed += tuple(f"event.{f}" for f in REACTED_MESSAGE)
    else:
        return None
    lacking = [field for field in needed if not _present(body, field)]
    return (what, lacking) if lacking else None


def _present(body: dict[str, Any], dotted: str) -> bool:
    value: Any = body
    for key in dotted.split("."):
        if not isinstance(value, dict):
            return False
        value = value.get(key)
    return value not in (None, "", {}, [])


async def refuse_incomplete(body: Any, next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
    """bolt middleware: a payload that lacks a field its listener needs is acknowledged, logged once, and dropped."""
    found = missing_fields(body)
    if found is None:
        await next()
        return None
    what, lacking = found
    metrics.REJECTED.labels("incomplete").inc()
    log.info("acknowledged a %s missing %s; nothing to act on, so nothing runs", what, ", ".join(lacking))
    return BoltResponse(status=200, body="")
