"""URL credentials never shown: not in `config show`, not in errors, not in `serve`'s logs."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mixlingo.bot import redact
from mixlingo.config import load_settings
from mixlingo.config.secrets import mask_url
from mixlingo.config.settings import setting_fields
from mixlingo.core.errors import ConfigError

PASSWORDS = {"database_url": "pw-db-5eCrEt", "broker_url": "pw-broker-5eCrEt"}
URLS = {"database_url": f"postgresql://mix:{PASSWORDS['database_url']}@127.0.0.1:1/mix",
        "broker_url": f"redis://:{PASSWORDS['broker_url']}@127.0.0.1:1/0"}
REFUSED_WITH_CREDENTIALS = {"slack_api_url"}  # Slack takes the bot token, never a URL password


def _mixlingo(*args: str, env: dict[str, str], cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("MIXLINGO_", "SLACK_"))}
    full.update(COLUMNS="400", MIXLINGO_MODEL_CACHE_DIR=str(cwd / "models"), **env)
    return subprocess.run([sys.executable, "-m", "mixlingo", *args], env=full, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def test_every_url_setting_is_covered() -> None:
    url_settings = {name for name in setting_fields() if name.endswith("_url")}
    assert url_settings == set(URLS) | REFUSED_WITH_CREDENTIALS


def test_mask_url_hides_passwords_only() -> None:
    assert mask_url("redis://:s3cret@h:6379/0") == "redis://:***@h:6379/0"
    assert mask_url("db postgresql+asyncpg://mix:p@ss@127.0.0.1/x down") == "db postgresql+asyncpg://mix:***@127.0.0.1/x down"
    assert mask_url("rediss://h/0?password=s3cret&db=1") == "rediss://h/0?password=***&db=1"
    assert mask_url("sqlite:////tmp/a.db and redis://user@h/0") == "sqlite:////tmp/a.db and redis://user@h/0"


def test_config_show_masks_every_url_password(tmp_path: Path) -> None:
    result = _mixlingo("config", "show", env={f"MIXLINGO_{k.upper()}": v for k, v in URLS.items()}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "redis://:***@127.0.0.1:1/0" in result.stdout and "postgresql://mix:***@127.0.0.1:1/mix" in result.stdout
    for password in PASSWORDS.values():
        assert password not in result.stdout + result.stderr


@pytest.mark.parametrize("name, value", [
    ("broker_url", "http://user:pw-wrong-5eCrEt@127.0.0.1/0"),
    ("slack_api_url", "https://user:pw-api-5eCrEt@slack.example/api/"),
])
def test_a_refused_url_is_named_without_its_password(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(**{name: value})
    assert "5eCrEt" not in str(caught.value) and str(caught.value).startswith(f"{name}=")
    result = _mixlingo("config", "show", env={f"MIXLINGO_{name.upper()}": value}, cwd=tmp_path)
    assert result.returncode == 2 and "5eCrEt" not in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_serve_startup_error_does_not_show_the_database_password(tmp_path: Path) -> None:
    env = {"MIXLINGO_DATABASE_URL": URLS["database_url"], "MIXLINGO_BROKER_URL": URLS["broker_url"],
           "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SLACK_SIGNING_SECRET": "s", "MIXLINGO_PORT": "0"}
    # OAuth installs: no bot token to check with Slack first, so the database is the first thing reached
    result = _mixlingo("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "cannot reach the database at postgresql" in result.stderr
    assert "5eCrEt" not in result.stdout + result.stderr


def test_serve_logs_never_carry_a_url_password(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from mixlingo.bot import server
    from mixlingo.cli.serve import serve

    monkeypatch.setattr(redact, "_installed", False)  # as in a fresh `mixlingo serve` process
    original = logging.getLogRecordFactory()

    async def failing_run(settings, say, warn, *, service) -> None:
        log = logging.getLogger("mixlingo.bot")
        log.error("broker down: cannot connect to %s", URLS["broker_url"])
        try:
            raise ConnectionError(f"connecting to {URLS['database_url']} failed")
        except ConnectionError:
            log.exception("database connection error")

    monkeypatch.setattr(server, "run", failing_run)
    try:
        with caplog.at_level(logging.INFO):
            serve(host=None, port=0)
    finally:
        logging.setLogRecordFactory(original)
    assert "cannot connect to redis://:***@127.0.0.1:1/0" in caplog.text
    text = caplog.text + "".join(logging.Formatter().format(r) for r in caplog.records)
    assert "connecting to postgresql://mix:***@" in text
    for password in PASSWORDS.values():
        assert password not in text
