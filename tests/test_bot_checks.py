"""Startup checks: the mode the credentials ask for, and plain-words errors for what is wrong."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from typer.testing import CliRunner

from slack_harness import FakeSlack, fake_encoder, fake_translator

from mixlingo.bot.checks import check_app_token, check_bot_token, choose_mode
from mixlingo.cli import app
from mixlingo.config import load_settings
from mixlingo.config.groups import DEFAULT_SLACK_SCOPES
from mixlingo.core.errors import ConfigError

runner = CliRunner()


@pytest.mark.parametrize(
    ("env", "mode"),
    [
        ({}, "playground"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, "http"),
        ({"MIXLINGO_SLACK_BOT_TOKEN": "xoxb-1", "MIXLINGO_SLACK_SIGNING_SECRET": "s"}, "http"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SLACK_SIGNING_SECRET": "s"}, "http"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, "socket"),
    ],
)
def test_mode_follows_the_credentials(monkeypatch: pytest.MonkeyPatch, env: dict, mode: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert choose_mode(load_settings().slack) == mode


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-1", "SLACK_SIGNING_SECRET": "s"},
         "SLACK_BOT_TOKEN is a user token; use the Bot User OAuth Token (starts with xoxb-)"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
        ({"SLACK_SIGNING_SECRET": "s"}, "there is no token: set SLACK_BOT_TOKEN"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_SIGNING_SECRET": "s"}, "SLACK_CLIENT_SECRET is not set"),
        ({"SLACK_APP_TOKEN": "xoxb-1", "SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN must be an app-level token"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "Socket Mode (SLACK_APP_TOKEN is set) also needs SLACK_BOT_TOKEN"),
    ],
)
def test_incomplete_credentials_say_what_is_missing_and_where(monkeypatch: pytest.MonkeyPatch, env: dict, message: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        choose_mode(load_settings().slack)
    assert message in str(error.value) and "\n" not in str(error.value)
    result = runner.invoke(app, ["serve"])  # the CLI: one red line and exit code 2, no traceback
    assert result.exit_code == 2 and message.split(";")[0] in " ".join(result.stderr.split())


async def test_missing_scopes_are_named_with_where_to_add_them(fake: FakeSlack) -> None:
    fake.scopes = "chat:write,commands"
    client = AsyncWebClient(token="xoxb-1", base_url=fake.api_url)
    with pytest.raises(ConfigError) as error:
        await check_bot_token(client, DEFAULT_SLACK_SCOPES)
    text = str(error.value)
    assert "missing the scopes reactions:read, channels:history, groups:history, im:history, mpim:history" in text
    assert "OAuth & Permissions → Scopes → Bot Token Scopes" in text and "reinstall" in text
    fake.scopes = ",".join(DEFAULT_SLACK_SCOPES)
    assert (await check_bot_token(client, DEFAULT_SLACK_SCOPES))["user_id"] == "UBOT"


async def test_rejected_token_and_unreachable_slack(fake: FakeSlack) -> None:
    fake.auth_error = "invalid_auth"
    with pytest.raises(ConfigError, match=r"Slack rejected SLACK_BOT_TOKEN \(invalid_auth\)"):
        await check_bot_token(AsyncWebClient(token="xoxb-bad", base_url=fake.api_url), DEFAULT_SLACK_SCOPES)
    with pytest.raises(ConfigError, match="cannot reach Slack"):
        await check_bot_token(AsyncWebClient(token="xoxb-1", base_url="http://127.0.0.1:9/api/", timeout=5), DEFAULT_SLACK_SCOPES)
    await check_app_token(AsyncWebClient(base_url=fake.api_url), "xapp-1")


def test_settings_accept_both_env_names_and_hide_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-plain")
    assert load_settings().slack.bot_token.get_secret_value() == "xoxb-plain"
    monkeypatch.setenv("MIXLINGO_SLACK_BOT_TOKEN", "xoxb-prefixed")
    assert load_settings().slack.bot_token.get_secret_value() == "xoxb-prefixed"
    assert "xoxb-prefixed" not in repr(load_settings())
    monkeypatch.setenv("MIXLINGO_AUTOTRANSLATE_OUTPUT", "sideways")
    with pytest.raises(ConfigError, match="MIXLINGO_AUTOTRANSLATE_OUTPUT='sideways' is not valid: must be 'thread' or 'inline'"):
        load_settings()


async def test_serve_in_token_mode_checks_slack_then_answers_signed_requests(tmp_path, fake: FakeSlack) -> None:
    import asyncio
    import contextlib
    import re

    from aiohttp import ClientSession
    from slack_harness import SECRET, TIMEOUT, fake_encoder, fake_translator, sign

    from mixlingo.bot.server import run
    from mixlingo.factory import translation_service

    settings = load_settings(slack_bot_token="xoxb-1", slack_signing_secret=SECRET, slack_api_url=fake.api_url,
                             database_url=f"sqlite:///{tmp_path / 'serve.db'}", tagger="lexicon", port=0,
                             metrics_port=0)
    service = translation_service(settings, translator=fake_translator(), encoder=fake_encoder())
    lines: list[str] = []
    url: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def say(line: str) -> None:
        lines.append(line)
        if (found := re.search(r"listening on (http://\S+)/slack/events", line)) and not url.done():
            url.set_result(found.group(1))

    task = asyncio.create_task(run(settings, say, lines.append, service=service))
    try:
        base = await asyncio.wait_for(asyncio.shield(url), timeout=60)
        assert "connected to Test Team as @mixlingo" in lines
        body = "command=%2Ftranslate&text=es+hello+friend&user_id=U1&channel_id=C1&team_id=T0001&response_url=" + fake.response_url()
        async with ClientSession(timeout=TIMEOUT) as session:
            async with session.get(base + "/healthz") as response:
                assert response.status == 200
            headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
            async with session.post(base + "/slack/events", data=body, headers=headers) as response:
                assert response.status == 200
        while not fake.responses:  # the lazy listener answers on the response_url
            await asyncio.sleep(0.02)
        assert fake.responses[0][1]["blocks"][0]["text"]["text"] == "hola amigo"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_serve_stops_on_missing_scopes_before_listening(tmp_path, fake: FakeSlack) -> None:
    from slack_harness import SECRET, fake_encoder, fake_translator

    from mixlingo.bot.server import run
    from mixlingo.factory import translation_service

    fake.scopes = "chat:write,commands,channels:history,groups:history,im:history,mpim:history"
    settings = load_settings(slack_bot_token="xoxb-1", slack_signing_secret=SECRET, slack_api_url=fake.api_url,
                             database_url=f"sqlite:///{tmp_path / 'serve.db'}", tagger="lexicon", port=0,
                             metrics_port=0)
    lines: list[str] = []
    with pytest.raises(ConfigError, match="missing the scope reactions:read: add it under OAuth & Permissions"):
        await run(settings, lines.append, lines.append,
                  service=translation_service(settings, translator=fake_translator(), encoder=fake_encoder()))
    assert not any("listening" in line for line in lines)


async def test_model_check_reports_missing_models_in_plain_words() -> None:
    from slack_harness import fake_encoder, fake_translator
    from test_bot_slash import MissingModels

    from mixlingo.factory import translation_service

    settings = load_settings(tagger="lexicon")
    broken = translation_service(settings, translator=MissingModels(), encoder=fake_encoder())
    working = translation_service(settings, translator=fake_translator(), encoder=fake_encoder())
    try:
        problem = await broken.check_models()
        assert problem.startswith("the translation models are not available on this server") and "models pull" in problem
        assert await working.check_models() is None
    finally:
        broken.close()
        working.close()


async def test_a_silent_slack_is_one_error_within_3_seconds_before_anything_loads(tmp_path) -> None:
    """A Slack that takes the connection but never answers (a proxy, a firewall) is named in seconds, once."""
    import asyncio
    import socket
    import time

    from mixlingo.bot.server import run
    from mixlingo.factory import translation_service

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections complete in the backlog; nothing ever answers
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/api/"
    settings = load_settings(slack_bot_token="xoxb-1-2-abc", slack_signing_secret="s", slack_api_url=url, port=0,
                             database_url=f"sqlite:///{tmp_path / 'm.db'}", tagger="lexicon")
    service = translation_service(settings, translator=fake_translator(), encoder=fake_encoder())
    said: list[str] = []
    started = time.monotonic()
    try:
        with pytest.raises(ConfigError, match="cannot reach Slack at http://127.0.0.1:"):
            await asyncio.wait_for(run(settings, said.append, said.append, service=service), timeout=30)
    finally:
        silent.close()
    assert time.monotonic() - started < 3
    assert said == []  # nothing loaded first: no "loading the tagger…", no database


async def test_slack_mode_starts_without_alembic_lines_or_bolt_warnings(fake: FakeSlack, tmp_path) -> None:
    """What `mixlingo serve` prints on a good start: our own lines only, at the default log level."""
    import asyncio
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIXLINGO_", "SLACK_"))}
    env.update(SLACK_BOT_TOKEN="xoxb-1-2-abc", SLACK_SIGNING_SECRET="s", MIXLINGO_SLACK_API_URL=fake.api_url,
               MIXLINGO_PORT="0", MIXLINGO_METRICS_PORT="0",
               MIXLINGO_DATABASE_URL=f"sqlite:///{tmp_path / 'm.db'}", MIXLINGO_TAGGER="lexicon",
               MIXLINGO_MODEL_CACHE_DIR=str(tmp_path / "cache"), HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1")
    def default_signals() -> None:  # an ignored SIGINT is inherited through exec: serve must get Ctrl-C as a person does
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    process = await asyncio.create_subprocess_exec(str(Path(sys.executable).parent / "mixlingo"), "serve", cwd=tmp_path,
                                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                                   preexec_fn=default_signals)
    lines = []
    try:
        while line := (await asyncio.wait_for(process.stdout.readline(), timeout=120)).decode():
            lines.append(line)
            if "listening on" in line:
                break
    finally:
        process.send_signal(signal.SIGINT)
        # communicate, not wait: what serve prints while it stops must be read, or a full pipe blocks its exit
        rest, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    output = "".join(lines)
    assert "listening on" in output and "connected to" in output
    assert "alembic" not in output and " INFO " not in output and "will be unused" not in output
