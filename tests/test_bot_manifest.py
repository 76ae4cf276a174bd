"""manifest.yml asks for exactly what the app listens to and uses: scopes, commands, the shortcut, events."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import yaml

from mixlingo.bot import listeners
from mixlingo.config.groups import DEFAULT_SLACK_SCOPES

ROOT = Path(__file__).resolve().parents[1]


class Recorder:
    """Stands in for AsyncApp: records what each listener module registers."""

    def __init__(self) -> None:
        self.seen: dict[str, list[str]] = defaultdict(list)

    def __getattr__(self, kind: str):
        def register(name: str):
            self.seen[kind].append(name)
            return lambda **listeners: None

        return register


def test_manifest_matches_the_listeners() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    app = Recorder()
    listeners.register(app, SimpleNamespace(lazy=lambda f: f))
    assert manifest["oauth_config"]["scopes"]["bot"] == DEFAULT_SLACK_SCOPES
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == app.seen["command"]
    assert [s["callback_id"] for s in manifest["features"]["shortcuts"] if s["type"] == "message"] == app.seen["shortcut"]
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    expected = {e for e in app.seen["event"] if e != "message"} | {f"message.{k}" for k in ("channels", "groups", "im", "mpim")}
    assert events == expected
    assert app.seen["action"] and manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_slash_command_jobs_keep_their_names() -> None:
    """A command's lazy listener names its job in the queue, the metrics and the failed-jobs list."""
    jobs: dict[str, list[str]] = {}

    def command(name: str):
        def listeners(*, ack, lazy):
            jobs[name] = [function.__name__ for function in lazy]

        return listeners

    listeners.commands.register(SimpleNamespace(command=command), SimpleNamespace(lazy=lambda f: f))
    assert jobs == {"/translate": ["run_translate"], "/mixlingo": ["run_admin"]}
