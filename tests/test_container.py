"""The container image and the compose stack, built and run for real with podman (`make container-test`).

Everything goes through scripts/container_base.sh, the set-up `make image` and `make up` use; without a registry it
builds local stand-ins for python:3.12-slim, Redis and PostgreSQL from Debian's archive first. The checks: the
runtime image is within its size, has no torch and runs as a user; it tags and transliterates with no network;
`serve` answers /healthz on a published port; the compose stack (migrate, serve, two workers, Redis, PostgreSQL, a
fake Slack Web API beside them) turns one signed Slack event into one job that a worker takes from Redis and one
post; and taking the stack down leaves nothing of it running. Models for the stack come from the tools image (the
one with torch), as docs/deployment.md has them come: a small Marian model, converted for the runtime, into the
stack's models volume.

Runs only with MIXLINGO_CONTAINER_TEST=1 (it takes minutes); skips when podman is missing.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from slack_harness import BOT_TOKEN, SECRET, TEAM, event_body, sign

if os.environ.get("MIXLINGO_CONTAINER_TEST") != "1":
    pytest.skip("builds and runs the container image only with MIXLINGO_CONTAINER_TEST=1 (make container-test)",
                allow_module_level=True)
if shutil.which("podman") is None:
    pytest.skip("podman is not installed (make container-test installs it)", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "container_base.sh"
IMAGE, TOOLS = "localhost/mixlingo-test:latest", "localhost/mixlingo-test-tools:latest"
SIZE_LIMIT = 700 * 1000 * 1000  # bytes, as podman counts an image's size
PROJECT = f"mixlingo-test-{os.getpid()}"
# Read now: the suite's autouse fixture clears MIXLINGO_* from the environment before each test.
ENV = {**{k: v for k, v in os.environ.items() if not k.startswith(("MIXLINGO_", "SLACK_", "COMPOSE_"))},
       **{k: v for k, v in os.environ.items() if k == "MIXLINGO_CONTAINER_HOME"},
       "MIXLINGO_CONTAINER_ENGINE": "podman", "MIXLINGO_STANDINS": "1",
       "MIXLINGO_IMAGE": IMAGE, "MIXLINGO_TOOLS_IMAGE": TOOLS}

MESSAGE = {"type": "message", "channel": "C1", "user": "U2", "text": "la casa es grande", "ts": "1700000000.000100"}
# The tools image builds a small Marian model (it learns a word list, so its translations are checkable) and converts
# it to CTranslate2 in the models volume, as `mixlingo models convert` does for pulled models.
DEMO_MODEL = """
import importlib.util
from pathlib import Path
assert importlib.util.find_spec("torch"), "the tools image has no torch"
from mixlingo.adapters.ct2_translator import convert_marian
from mixlingo.adapters.testing.tiny_models import build_tiny_marian
print(convert_marian(build_tiny_marian(Path("/models/demo/marian")), Path("/models/optimized")))
"""
STACK_SETTINGS = f"""\
SLACK_BOT_TOKEN={BOT_TOKEN}
SLACK_SIGNING_SECRET={SECRET}
MIXLINGO_SLACK_API_URL=http://slack:8080/api/
MIXLINGO_PAIRS=en-es
MIXLINGO_TAGGER=embedded
MIXLINGO_TRANSLATION_MODELS=es-en=/models/demo/marian
MIXLINGO_RERANK=false
MIXLINGO_OFFLINE=true
MIXLINGO_WORKER_METRICS_PORT=9100
"""


def script(*args: str, env: dict[str, str] | None = None, timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess[str]:
    out = subprocess.run([str(SCRIPT), *args], env=env or ENV, cwd=ROOT, capture_output=True, timeout=timeout,
                         encoding="utf-8", errors="replace")  # a log's last lines may begin inside a character
    if check and out.returncode != 0:
        raise AssertionError(f"container_base.sh {' '.join(args)}: exit {out.returncode}\n{(out.stdout + out.stderr)[-6000:]}")
    return out


def podman(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return script("podman", *args, **kwargs)


def logs(container: str, tail: int = 0) -> str:
    """A container's output, stdout and stderr (Celery writes its lines to stderr)."""
    out = podman("logs", *(["--tail", str(tail)] if tail else []), container, check=False)
    return out.stdout + out.stderr


def say(request: pytest.FixtureRequest, line: str) -> None:
    """A line of the run's figures on the terminal, whatever pytest captures."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"container-test: {line}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http(url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def wait_for(what: str, check: Callable[[], Any], timeout: float, explain: Callable[[], str] = lambda: "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(1)
    raise AssertionError(f"{what}: not within {timeout:.0f} s\n{explain()}")


@pytest.fixture(scope="module")
def image(request: pytest.FixtureRequest) -> str:
    started = time.monotonic()
    script("setup", timeout=900)
    set_up = time.monotonic()
    script("image", timeout=900)
    built = time.monotonic()
    size = int(podman("image", "inspect", "--format", "{{.Size}}", IMAGE).stdout)
    say(request, f"set-up {set_up - started:.0f} s, image build {built - set_up:.0f} s, "
                 f"image size {size / 1e6:.0f} MB ({size / 2**20:.0f} MiB)")
    return IMAGE


def test_the_runtime_image_is_small_has_no_torch_and_runs_as_a_user(image: str) -> None:
    size = int(podman("image", "inspect", "--format", "{{.Size}}", image).stdout)
    assert size <= SIZE_LIMIT, f"{size / 1e6:.0f} MB"
    probe = "import importlib.util as u, os; print(os.getuid(), [m for m in ('torch', 'transformers') if u.find_spec(m)])"
    uid, missing = podman("run", "--rm", "--network", "none", image, "python3", "-c", probe).stdout.split(None, 1)
    assert (uid, missing.strip()) == ("10001", "[]")
    config = json.loads(podman("image", "inspect", image).stdout)[0]["Config"]
    assert config["Cmd"] == ["mixlingo", "serve"] and "/models" in config["Volumes"]
    assert "MIXLINGO_MODEL_CACHE_DIR=/models" in config["Env"]


def test_the_image_tags_with_no_network(image: str) -> None:
    tagged = podman("run", "--rm", "--network", "none", image, "mixlingo", "tag", "--pair", "en-hi", "kal meeting hai").stdout
    rows = re.findall(r"│\s*\d+\s*│\s*(\S+)\s*│\s*(\w+)\s*│", tagged)
    assert rows == [("kal", "hi"), ("meeting", "en"), ("hai", "hi")], tagged
    assert "tagger: embedded" in tagged


def test_the_image_transliterates_with_no_network(image: str) -> None:
    written = podman("run", "--rm", "--network", "none", image, "mixlingo", "transliterate", "kal meeting hai").stdout
    assert written.strip() == "कल मीटिंग है"


def test_serve_answers_healthz_on_a_published_port(image: str) -> None:
    port, name = free_port(), f"{PROJECT}-serve"
    podman("run", "--detach", "--name", name, "--publish", f"127.0.0.1:{port}:3000", image,
           "mixlingo", "serve", "--public-playground")
    try:
        def healthy() -> bool:
            running = podman("inspect", "--format", "{{.State.Running}}", name).stdout.strip() == "true"
            assert running, f"serve stopped:\n{logs(name, 40)}"
            return http(f"http://127.0.0.1:{port}/healthz")[0] == 200

        wait_for("GET /healthz from the host", healthy, 120, lambda: logs(name, 40))
        assert podman("healthcheck", "run", name, check=False).returncode == 0  # the image's HEALTHCHECK
    finally:
        podman("rm", "--force", "--volumes", "--time", "10", name, check=False)


def listed(kind: str) -> set[str]:
    """The names of podman's containers, volumes or networks."""
    return set(podman(kind, "ls", *(["--all"] if kind == "container" else []), "--format", "{{.Name}}" if kind != "container"
                      else "{{.Names}}").stdout.split())


@dataclass
class Stack:
    env: dict[str, str]
    serve: str
    slack: str
    before: dict[str, set[str]]
    """podman's containers, volumes and networks before the stack came up."""

    def containers(self) -> list[dict[str, Any]]:
        listed = podman("ps", "--all", "--filter", f"label=io.podman.compose.project={PROJECT}", "--format", "json").stdout
        return json.loads(listed or "[]")

    def names(self, service: str) -> list[str]:
        return sorted(c["Names"][0] for c in self.containers() if c["Labels"].get("com.docker.compose.service") == service)

    def metric(self, container: str, port: int, name: str, having: str = "") -> float:
        """The sum of a metric's samples (those whose labels have ``having``), read inside the container: the
        metrics ports are not published."""
        read = f"import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:{port}/metrics').read().decode())"
        text = podman("exec", container, "python3", "-c", read).stdout
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith(name + "{") and having in line)

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{logs(name, 30)}" for name in sorted(c["Names"][0] for c in self.containers()))

    def down(self) -> subprocess.CompletedProcess[str]:
        out = script("down", "--volumes", env=self.env, timeout=300, check=False)
        podman("volume", "rm", "--force", f"{PROJECT}_models", check=False)
        return out


@pytest.fixture(scope="module")
def stack(image: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    serve_port, slack_port = free_port(), free_port()
    settings = tmp_path_factory.mktemp("stack") / "stack.env"
    settings.write_text(STACK_SETTINGS, encoding="utf-8")
    env = {**ENV, "COMPOSE_PROJECT_NAME": PROJECT, "APP_ENV_FILE": str(settings),
           "COMPOSE_FILE": f"{ROOT / 'compose.yaml'}:{ROOT / 'tests' / 'container_compose.yaml'}",
           "POSTGRES_PASSWORD": secrets.token_hex(12), "SERVE_PORT": f"127.0.0.1:{serve_port}",
           "SLACK_FAKE_PORT": f"127.0.0.1:{slack_port}"}
    before = {kind: listed(kind) for kind in ("container", "volume", "network")}
    stack = Stack(env, f"http://127.0.0.1:{serve_port}", f"http://127.0.0.1:{slack_port}", before)
    started = time.monotonic()
    try:
        script("image", "tools", timeout=900)
        built = time.monotonic()
        podman("run", "--rm", "--network", "none", "--volume", f"{PROJECT}_models:/models", TOOLS, "python3", "-c", DEMO_MODEL)
        models = time.monotonic()
        script("up", "--scale", "worker=2", env=env, timeout=600)
        wait_for("GET /healthz of the stack's serve", lambda: http(f"{stack.serve}/healthz")[0] == 200, 180, stack.logs)
        say(request, f"tools image build {built - started:.0f} s, demo model into the volume {models - built:.0f} s, "
                     f"stack up {time.monotonic() - models:.0f} s")
        yield stack
    finally:
        stack.down()


def test_the_stack_runs_migrate_once_then_serve_two_workers_redis_and_postgres(stack: Stack) -> None:
    (migrate,) = stack.names("migrate")
    state = json.loads(podman("inspect", migrate).stdout)[0]["State"]
    assert (state["Status"], state["ExitCode"]) == ("exited", 0), stack.logs()
    running = {c["Labels"]["com.docker.compose.service"]: 0 for c in stack.containers()}
    for c in stack.containers():
        running[c["Labels"]["com.docker.compose.service"]] += c["State"] == "running"
    assert running == {"migrate": 0, "serve": 1, "worker": 2, "redis": 1, "postgres": 1, "slack": 1}, stack.logs()
    wait_for("both workers ready", lambda: all(re.search(r"worker \S+ ready", logs(w)) for w in stack.names("worker")), 120,
             stack.logs)


def test_a_signed_slack_event_becomes_one_job_taken_from_redis_and_one_post(stack: Stack) -> None:
    status, _ = http(f"{stack.slack}/messages", json.dumps(MESSAGE).encode(), {"Content-Type": "application/json"})
    assert status == 200
    reaction = {"type": "reaction_added", "user": "U3", "reaction": "us", "event_ts": "1700000001.000200",
                "item": {"type": "message", "channel": MESSAGE["channel"], "ts": MESSAGE["ts"]}}
    body = event_body(reaction, "EvContainerTest1")
    status, text = http(f"{stack.serve}/slack/events", body.encode(), {"Content-Type": "application/json", **sign(body)})
    assert status == 200, text

    def posts() -> list[dict[str, Any]]:
        return [c for c in json.loads(http(f"{stack.slack}/calls")[1] or "[]") if c["method"] == "chat.postMessage"]

    workers = stack.names("worker")
    done = lambda: sum(stack.metric(w, 9100, "mixlingo_jobs_total", 'outcome="done"') for w in workers)  # noqa: E731
    wait_for("the worker's job done", lambda: done() >= 1, 180, stack.logs)
    (post,) = posts()
    assert post["args"]["channel"] == "C1" and post["args"]["thread_ts"] == MESSAGE["ts"], post
    assert "the house is big" in post["args"]["text"], post  # the demo model's translation, from the models volume
    assert post["args"]["metadata"]["event_payload"]["slot"] == f"{TEAM}/C1/{MESSAGE['ts']}/en"
    assert post["token"] == BOT_TOKEN
    (serve,) = stack.names("serve")
    assert stack.metric(serve, 9464, "mixlingo_jobs_enqueued_total") == 1  # the front end queued it, ran nothing
    assert "jobs go to queue 'mixlingo'" in logs(serve)
    (redis,) = stack.names("redis")
    assert podman("exec", redis, "redis-cli", "llen", "mixlingo").stdout.strip() == "0"  # taken off the queue
    assert done() == 1 and len(posts()) == 1


def test_taking_the_stack_down_leaves_nothing_running(stack: Stack) -> None:
    down = stack.down()
    assert down.returncode == 0, down.stdout + down.stderr
    assert stack.containers() == []
    for kind in ("container", "volume", "network"):  # the stack's own, its containers' anonymous volumes included
        assert listed(kind) - stack.before[kind] == set(), kind
