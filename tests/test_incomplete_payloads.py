"""A signed payload that lacks a field its listener needs is answered at ack, with one log line.

Slack always sends ``channel_id``, ``user_id`` and ``response_url`` with a command, ``user``,
``channel`` and ``response_url`` with a shortcut, ``user`` and ``item`` with a reaction; a payload
without them (a test tool, a proxy that trims, a replay from elsewhere) used to become a job that
failed with a traceback. Each request goes to the real app, signed, and what reaches the fake Slack
Web API is what is checked.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest

from mixlingo.bot import metrics
from slack_harness import TEAM, Slack

FORM = "application/x-www-form-urlencoded"


def enqueued() -> float:
    return sum(s.value for m in metrics.ENQUEUED.collect() for s in m.samples if s.name.endswith("_total"))


def command(slack: Slack, name: str, text: str, *, drop: str) -> tuple[str, str]:
    form = {"command": name, "text": text, "user_id": "U1", "user_name": "u1", "channel_id": "C1",
            "channel_name": "general", "team_id": TEAM, "team_domain": "test",
            "response_url": slack.fake.response_url(), "trigger_id": "1.2.3", "api_app_id": "A0001", "token": "legacy"}
    del form[drop]
    return urlencode(form), FORM


def shortcut(slack: Slack, *, drop: str) -> tuple[str, str]:
    payload: dict[str, Any] = {
        "type": "message_action", "callback_id": "mixlingo_translate_message", "trigger_id": "1.2",
        "team": {"id": TEAM, "domain": "test"}, "user": {"id": "U1", "team_id": TEAM},
        "channel": {"id": "C1", "name": "general"}, "message_ts": "1.1", "token": "legacy",
        "message": {"type": "message", "user": "U2", "ts": "1.1", "text": "hola amigo"},
        "response_url": slack.fake.response_url("shortcut")}
    del payload[drop]
    return urlencode({"payload": json.dumps(payload)}), FORM


def event(event: dict[str, Any], n: int) -> tuple[str, str]:
    return json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A0001", "type": "event_callback",
                       "event": event, "event_id": f"EvIncomplete{n}", "event_time": 1,
                       "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}]}), "application/json"


def reaction(**changes: Any) -> dict[str, Any]:
    base = {"type": "reaction_added", "user": "U1", "reaction": "us", "item_user": "U2",
            "item": {"type": "message", "channel": "C1", "ts": "1.1"}, "event_ts": "1.2"}
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


CASES = {
    "translate without channel_id": lambda s: command(s, "/translate", "es hello friend", drop="channel_id"),
    "translate without user_id": lambda s: command(s, "/translate", "es hello friend", drop="user_id"),
    "translate without response_url": lambda s: command(s, "/translate", "es hello friend", drop="response_url"),
    "autotranslate without channel_id": lambda s: command(s, "/mixlingo", "autotranslate status", drop="channel_id"),
    "shortcut without channel": lambda s: shortcut(s, drop="channel"),
    "shortcut without user": lambda s: shortcut(s, drop="user"),
    "shortcut without response_url": lambda s: shortcut(s, drop="response_url"),
    "reaction without user": lambda s: event(reaction(user=None), 1),
    "reaction without channel": lambda s: event(reaction(item={"type": "message", "ts": "1.1"}), 2),
    "reaction without item": lambda s: event(reaction(item=None), 3),
    "message without channel": lambda s: event({"type": "message", "user": "U2", "text": "hola", "ts": "1.3"}, 4),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_a_payload_missing_a_field_is_answered_at_ack_with_one_log_line(
        slack: Slack, caplog: pytest.LogCaptureFixture, case: str) -> None:
    slack.fake.add_message("C1", {"type": "message", "user": "U2", "text": "hola amigo", "ts": "1.1"})
    await slack.bot.repo.set_channel(TEAM, "C1", auto_translate=True, languages=("en",), by="U9")
    body, content_type = CASES[case](slack)
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="mixlingo")
    caplog.clear()
    jobs = enqueued()
    status, _ = await slack.driver.post(body, content_type)
    await slack.driver.settle()
    assert status == 200, case
    assert enqueued() == jobs, "a job was started"
    assert slack.fake.responses == [] and [c.method for c in slack.fake.calls if c.method != "auth.test"] == []
    lines = [r for r in caplog.records if r.levelno >= logging.INFO and r.name.startswith(("mixlingo", "slack_bolt"))]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    assert not lines[0].exc_info and lines[0].levelno < logging.ERROR
    assert "missing" in lines[0].getMessage()
    assert await slack.bot.repo.failed_jobs() == []
