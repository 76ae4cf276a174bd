"""A fake Slack Web API that runs as a service of the compose stack in tests/test_container.py.

The containers cannot reach the test process on the host's loopback address, so the fake runs beside them, in the
mixlingo image (it needs only aiohttp), and the test reads what it recorded through its published port. It answers
the calls a flag-reaction job makes as tests/slack_harness.py's FakeSlack does: auth.test with the bot's scopes,
conversations.history with the messages the test gave it, chat.postMessage recorded with its metadata.

    python3 container_slack.py PORT          GET /calls: every call so far; POST /messages: add a channel message
"""

from __future__ import annotations

import itertools
import json
import sys
from typing import Any

from aiohttp import web

SCOPES = "chat:write,commands,reactions:read,channels:history,groups:history,im:history,mpim:history"
IDENTITY = {"ok": True, "url": "https://test.slack.com/", "team": "Test Team", "user": "mixlingo", "team_id": "T0001",
            "user_id": "UBOT", "bot_id": "BBOT", "is_enterprise_install": False}

calls: list[dict[str, Any]] = []
messages: dict[tuple[str, str], dict[str, Any]] = {}
posted: list[dict[str, Any]] = []
stamps = itertools.count(1)


async def arguments(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        return await request.json()
    form: dict[str, Any] = dict(await request.post())
    form.update(request.query)
    for key in ("blocks", "metadata", "attachments"):
        if isinstance(form.get(key), str):
            form[key] = json.loads(form[key])
    return form


async def api(request: web.Request) -> web.Response:
    method, args = request.match_info["method"], await arguments(request)
    token = (request.headers.get("Authorization") or "").removeprefix("Bearer ") or args.get("token")
    calls.append({"method": method, "args": args, "token": token})
    channel = args.get("channel")
    if method == "auth.test":
        return web.json_response(IDENTITY, headers={"x-oauth-scopes": SCOPES})
    if method == "chat.postMessage":
        ts = f"{2000 + next(stamps)}.000100"
        posted.append({"type": "message", "channel": channel, "thread_ts": args.get("thread_ts"), "ts": ts,
                       "text": args.get("text"), "metadata": args.get("metadata"), "bot_id": "BBOT"})
        return web.json_response({"ok": True, "channel": channel, "ts": ts, "message": {"text": args.get("text")}})
    if method == "chat.postEphemeral":
        return web.json_response({"ok": True, "message_ts": "1.0"})
    if method in ("conversations.history", "conversations.replies"):
        if args.get("include_all_metadata"):  # a job looking for its own earlier post
            found = [p for p in posted if p["channel"] == channel]
        else:
            message = messages.get((channel, args.get("latest") or args.get("ts")))
            found = [message] if message else []
        return web.json_response({"ok": True, "messages": found, "has_more": False})
    return web.json_response({"ok": False, "error": "unknown_method"})


async def recorded(_: web.Request) -> web.Response:
    return web.json_response(calls)


async def add_message(request: web.Request) -> web.Response:
    message = await request.json()
    messages[(message["channel"], message["ts"])] = message
    return web.json_response({"ok": True})


def main() -> None:
    app = web.Application()
    app.router.add_route("*", "/api/{method}", api)
    app.router.add_get("/calls", recorded)
    app.router.add_post("/messages", add_message)
    web.run_app(app, host="0.0.0.0", port=int(sys.argv[1]), print=lambda line: print(line, flush=True))


if __name__ == "__main__":
    main()
