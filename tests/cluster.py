"""Several real mixlingo processes on this machine: front ends (``mixlingo serve``) and workers, sharing
Redis and PostgreSQL, posting to the fake Slack that runs in the test's event loop.

The database is reached through a loopback TCP proxy, so a test can take it
away and give it back. Everything binds to 127.0.0.1; every process is stopped
at the end (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout
from sqlalchemy.engine import make_url

from slack_harness import BOT_TOKEN, BOT_USER, SECRET, TEAM, FakeSlack, sign
from tcp_proxy import TcpProxy

TESTS = Path(__file__).parent
ROOT = TESTS.parent


class Proc:
    """A child process whose output is collected line by line (so its pipe never fills)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]):
        self.name, self.args, self.env = name, args, env
        self.lines: list[str] = []
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task | None = None

    async def start(self, ready: str, timeout: float = 90) -> re.Match:
        self.process = await asyncio.create_subprocess_exec(
            *self.args, env=self.env, cwd=str(ROOT), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            start_new_session=True)
        self._reader = asyncio.create_task(self._read())
        deadline = time.monotonic() + timeout
        pattern = re.compile(ready)
        while time.monotonic() < deadline:
            for line in self.lines:
                if match := pattern.search(line):
                    return match
            if self.process.returncode is not None:
                break
            await asyncio.sleep(0.05)
        raise AssertionError(f"{self.name} did not start ({ready!r}):\n" + "".join(self.lines[-40:]))

    async def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        while line := await self.process.stdout.readline():
            self.lines.append(line.decode(errors="replace"))

    def output(self) -> str:
        return "".join(self.lines)

    def kill(self) -> None:
        """SIGKILL: no clean-up, no ack, no goodbye — a crash."""
        if self.process and self.process.returncode is None:
            os.killpg(self.process.pid, signal.SIGKILL)

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), timeout=15)
        except (TimeoutError, ProcessLookupError):
            self.kill()
            await self.process.wait()
        if self._reader:
            await asyncio.wait_for(self._reader, timeout=5)


@dataclass
class Cluster:
    fake: FakeSlack
    database_url: str
    redis_url: str
    queue: str
    lease: int = 5
    proxy: TcpProxy | None = None
    frontends: list[tuple[Proc, str]] = field(default_factory=list)
    frontend_metrics: list[str] = field(default_factory=list)
    """Each front end's /metrics base URL: its own port on 127.0.0.1, never the Slack port."""
    workers: list[tuple[Proc, str | None]] = field(default_factory=list)
    session: ClientSession | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    async def start(self, frontends: int = 2, workers: int = 2) -> None:
        url = make_url(self.database_url)
        self.proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
        port = await self.proxy.start()
        self.proxied_url = url.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
        self.session = ClientSession(timeout=ClientTimeout(total=30))
        await asyncio.gather(*[self.add_worker() for _ in range(workers)])
        await asyncio.gather(*[self.add_frontend() for _ in range(frontends)])

    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("MIXLINGO_", "SLACK_"))}
        return {**keep, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(TESTS), "HF_HUB_OFFLINE": "1",
                "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                "MIXLINGO_SLACK_API_URL": self.fake.api_url, "MIXLINGO_DATABASE_URL": self.proxied_url,
                "MIXLINGO_BROKER_URL": self.redis_url, "MIXLINGO_QUEUE_NAME": self.queue,
                "MIXLINGO_TAGGER": "lexicon", "MIXLINGO_HOST": "127.0.0.1", "MIXLINGO_PORT": "0",
                "MIXLINGO_JOB_LEASE_SECONDS": str(self.lease), "MIXLINGO_WORKER_METRICS_PORT": "0", "MIXLINGO_METRICS_PORT": "0",
                "MIXLINGO_WORKER_CONCURRENCY": "4", "MIXLINGO_OFFLINE": "true"}

    async def add_frontend(self) -> str:
        proc = Proc(f"frontend-{len(self.frontends)}", [sys.executable, "-m", "mixlingo", "serve"], self.env())
        match = await proc.start(r"listening on (http://127\.0\.0\.1:\d+)/slack/events")
        self.frontends.append((proc, match.group(1)))
        found = re.search(r"metrics at (http://\S+)/metrics", proc.output())
        assert found, proc.output()
        self.frontend_metrics.append(found.group(1))
        return match.group(1)

    async def add_worker(self) -> Proc:
        name = f"w{len(self.workers)}-{os.getpid()}"
        proc = Proc(f"worker-{name}", [sys.executable, str(TESTS / "proc_worker.py"), name], self.env())
        await proc.start(r"worker \S+ ready")
        found = re.search(r"metrics at (http://\S+)/metrics", proc.output())
        self.workers.append((proc, found.group(1) if found else None))
        return proc

    async def close(self) -> None:
        await asyncio.gather(*[p.stop() for p, _ in self.frontends + self.workers], return_exceptions=True)
        if self.session:
            await self.session.close()
        if self.proxy:
            await self.proxy.close()

    # --- traffic ----------------------------------------------------------------

    def event_body(self, event: dict[str, Any]) -> str:
        return json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A0001", "type": "event_callback",
                           "event": event, "event_id": f"Ev{os.getpid()}x{next(self._ids)}", "event_time": int(time.time()),
                           "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}]})

    async def post_event(self, event: dict[str, Any], frontend: int = 0) -> tuple[int, float]:
        """Send one signed event; (status, seconds until the ack)."""
        return await self.post_body(self.event_body(event), frontend)

    async def post_body(self, body: str, frontend: int = 0, retry: int = 0) -> tuple[int, float]:
        """POST a body signed now (Slack signs every attempt anew); a retry carries Slack's retry headers."""
        assert self.session is not None
        url = self.frontends[frontend % len(self.frontends)][1] + "/slack/events"
        headers = {"Content-Type": "application/json", **sign(body)}
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_error"}
        started = time.perf_counter()
        async with self.session.post(url, data=body.encode(), headers=headers) as response:
            await response.read()
            return response.status, time.perf_counter() - started

    async def deliver_event(self, event: dict[str, Any], frontend: int = 0, ack_lost: bool = False) -> tuple[list[int], float]:
        """Deliver one event as Slack does: an ack that is not a 2xx (or no ack) is resent, up to 3 times.

        ``ack_lost``: the first ack never reached Slack (it came too late), so Slack resends even after a 200.
        Returns every attempt's status (599: no answer) and the first attempt's ack time.
        """
        body, statuses, first = self.event_body(event), [], 0.0
        for attempt in range(4):
            try:
                status, took = await self.post_body(body, frontend + attempt, retry=attempt)
            except (TimeoutError, OSError, ClientError):
                status, took = 599, 0.0
            statuses.append(status)
            first = first or took
            if status < 500 and not (ack_lost and attempt == 0):
                break
            # Slack resends after its 3 s ack timeout, then minutes later; the test waits only for the next second,
            # so the resend is signed with a new timestamp (a same-second resend would be the same signature: a replay)
            await asyncio.sleep(1.05)
        return statuses, first

    async def burst(self, events: list[dict[str, Any]], concurrency: int = 16) -> list[int]:
        gate = asyncio.Semaphore(concurrency)

        async def one(i: int, event: dict[str, Any]) -> int:
            async with gate:
                return (await self.post_event(event, frontend=i))[0]

        return await asyncio.gather(*[one(i, e) for i, e in enumerate(events)])

    async def wait_for_slots(self, slots: set[str], timeout: float) -> float:
        """Wait until every slot has a post; returns the seconds it took (AssertionError with the missing ones)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if slots <= set(self.fake.posts_by_slot()):
                return time.monotonic() - started
            await asyncio.sleep(0.1)
        missing = sorted(slots - set(self.fake.posts_by_slot()))
        logs = "\n".join(p.output()[-3000:] for p, _ in self.workers)
        raise AssertionError(f"{len(missing)} translation(s) never posted, e.g. {missing[:5]}\n{logs}")

    async def metric(self, url: str, name: str) -> float:
        """Sum of every sample of ``name`` at a /metrics endpoint."""
        assert self.session is not None
        async with self.session.get(url + "/metrics") as response:
            text = await response.text()
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith(name) and not line.startswith("#"))


def message(i: int, channel: str = "C1", text: str = "hola amigo, la casa es muy bonita") -> dict[str, Any]:
    return {"type": "message", "channel": channel, "user": "U2", "text": f"{text} {i}", "ts": f"{1_000_000 + i}.000100"}


def slot(i: int, channel: str = "C1", target: str = "en") -> str:
    return f"{TEAM}/{channel}/{1_000_000 + i}.000100/{target}"
