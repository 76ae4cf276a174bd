"""A job as it travels through the queue: the verified request's raw body plus the listener to run.

No token travels: the worker looks the workspace's token up itself (env or
installation store), so the broker never holds a secret. The front end has
already verified the signature; the worker trusts the queue, not the body.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest

from mixlingo.bot.jobs.current import new_job_id

_KEPT_HEADERS = ("content-type", "x-slack-retry-num", "x-slack-retry-reason")


@dataclass(frozen=True)
class Envelope:
    function: str
    body: str
    headers: dict[str, str]
    id: str = field(default_factory=new_job_id)
    enqueued_at: float = field(default_factory=time.time)
    journaled: bool = False
    """Published with a journal entry (``bot/jobs/journal.py``): a copy whose entry is gone has already run."""

    @classmethod
    def of(cls, function: str, request: AsyncBoltRequest) -> Envelope:
        headers = {name: request.headers[name][0] for name in _KEPT_HEADERS if request.headers.get(name)}
        return cls(function=function, body=request.raw_body, headers=headers)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Envelope:
        return cls(function=str(data["function"]), body=str(data["body"]), headers=dict(data.get("headers") or {}),
                   id=str(data.get("id") or new_job_id()), enqueued_at=float(data.get("enqueued_at") or time.time()),
                   journaled=bool(data.get("journaled", False)))

    def request(self) -> AsyncBoltRequest:
        """The request bolt dispatches on the worker: the lazy listener only, signature already checked."""
        request = AsyncBoltRequest(body=self.body, headers=dict(self.headers), mode="socket_mode")
        request.lazy_only = True
        request.lazy_function_name = self.function
        return request

    def summary(self) -> tuple[str | None, str]:
        """(team, a short description) for the failed-jobs list, without message text."""
        request = AsyncBoltRequest(body=self.body, headers=dict(self.headers), mode="socket_mode")
        body = request.body or {}
        event = body.get("event") or {}
        team = request.context.team_id or body.get("team_id")
        if event:
            item = event.get("item") or {}
            where = event.get("channel") or item.get("channel") or "?"
            ts = event.get("ts") or item.get("ts") or (event.get("message") or {}).get("ts") or "?"
            kind = event.get("type", "?") + (f"/{event['subtype']}" if event.get("subtype") else "")
            return team, f"{kind} in {where} at {ts}"
        if body.get("command"):
            return team, f"{body['command']} by {body.get('user_id', '?')} in {body.get('channel_id', '?')}"
        return team, f"{body.get('type', 'request')} by {(body.get('user') or {}).get('id', '?')}"
