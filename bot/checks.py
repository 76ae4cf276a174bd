"""Startup checks: which mode the credentials ask for, and whether Slack accepts them.

Every failure is a :class:`ConfigError` in plain words: which value is wrong,
where in the Slack app settings to fix it.
"""

from __future__ import annotations

from typing import Literal

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from mixlingo.config import SlackSettings
from mixlingo.config.secrets import mask_url
from mixlingo.core.errors import ConfigError

Mode = Literal["playground", "socket", "http"]
APPS = "https://api.slack.com/apps"
_REJECTED = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type"}


def choose_mode(slack: SlackSettings) -> Mode:
    """No credentials at all: the playground. SLACK_APP_TOKEN: Socket Mode. Otherwise HTTP."""
    token = slack.bot_token.get_secret_value() if slack.bot_token else ""
    app_token = slack.app_token.get_secret_value() if slack.app_token else ""
    oauth = bool(slack.client_id or slack.client_secret)
    if not (token or app_token or oauth or slack.signing_secret):
        return "playground"
    if token and not token.startswith("xoxb-"):
        kind = {"xoxp-": "a user token", "xapp-": "an app-level token", "xoxe": "a refresh token"}.get(token[:5], "not a bot token")
        raise ConfigError(f"SLACK_BOT_TOKEN is {kind}; use the Bot User OAuth Token (starts with xoxb-) from "
                          f"OAuth & Permissions at {APPS}")
    if oauth and not (slack.client_id and slack.client_secret):
        missing = "SLACK_CLIENT_SECRET" if slack.client_id else "SLACK_CLIENT_ID"
        raise ConfigError(f"{missing} is not set: OAuth install needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                          f"(Basic Information → App Credentials at {APPS})")
    if app_token:
        if not app_token.startswith("xapp-"):
            raise ConfigError(f"SLACK_APP_TOKEN must be an app-level token (starts with xapp-): Basic Information → "
                              f"App-Level Tokens at {APPS}, with the connections:write scope")
        if not token:
            raise ConfigError("Socket Mode (SLACK_APP_TOKEN is set) also needs SLACK_BOT_TOKEN, the xoxb- token from "
                              f"OAuth & Permissions at {APPS}")
        return "socket"
    if not (token or oauth):
        raise ConfigError("SLACK_SIGNING_SECRET is set but there is no token: set SLACK_BOT_TOKEN (one workspace) or "
                          "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (install to many workspaces), or unset everything "
                          "to run the local playground")
    if not slack.signing_secret:
        raise ConfigError(f"SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it (Basic Information "
                          f"→ App Credentials at {APPS}). Or set SLACK_APP_TOKEN to use Socket Mode instead")
    return "http"


CHECK_TIMEOUT = 2.5
"""Seconds the startup checks wait for Slack: an unreachable Slack is one error within 3 s, not after retries."""


def check_client(slack: SlackSettings, token: str | None = None) -> AsyncWebClient:
    """A client for the startup checks only: one try (no retry handlers), a short timeout."""
    # slack_sdk annotates timeout as int; it hands it to aiohttp's ClientTimeout, which takes the float
    return AsyncWebClient(token=token, base_url=slack.api_url, timeout=CHECK_TIMEOUT, retry_handlers=[])  # type: ignore[arg-type]


async def check_slack(slack: SlackSettings, mode: Mode) -> dict | None:
    """Before anything slow loads: the bot token (unless installs come by OAuth) and, in Socket Mode, the app token.

    Returns auth.test's answer for the bot token, or None under OAuth."""
    identity = None
    if not (slack.client_id and slack.client_secret) and slack.bot_token:
        identity = await check_bot_token(check_client(slack, slack.bot_token.get_secret_value()), slack.scopes)
    if mode == "socket" and slack.app_token:
        await check_app_token(check_client(slack), slack.app_token.get_secret_value())
    return identity


async def check_bot_token(client: AsyncWebClient, scopes: list[str]) -> dict:
    """auth.test the bot token and compare its scopes with the ones mixlingo uses."""
    try:
        response = await client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error")
        if code in _REJECTED:
            raise ConfigError(f"Slack rejected SLACK_BOT_TOKEN ({code}): copy the Bot User OAuth Token (xoxb-…) again "
                              f"from OAuth & Permissions at {APPS}, and reinstall the app if it was revoked") from error
        raise ConfigError(f"Slack's auth.test failed ({code})") from error
    except (OSError, ClientError, TimeoutError) as error:  # DNS, TLS, connection refused
        raise ConfigError(f"cannot reach Slack at {mask_url(client.base_url)} to check the token: {mask_url(str(error))}") from error
    header = response.headers.get("x-oauth-scopes") or response.headers.get("X-OAuth-Scopes") or ""
    granted = {x.strip() for x in header.split(",") if x.strip()}
    missing = [scope for scope in scopes if scope not in granted]
    if missing:
        raise ConfigError(
            f"the bot token is missing the scope{'s' if len(missing) > 1 else ''} {', '.join(missing)}: add "
            f"{'them' if len(missing) > 1 else 'it'} under OAuth & Permissions → Scopes → Bot Token Scopes at {APPS} "
            "(or recreate the app from manifest.yml), then reinstall the app to the workspace"
        )
    if not isinstance(response.data, dict):  # auth.test answers JSON; bytes would be a proxy's page
        raise ConfigError("Slack's auth.test did not answer with JSON")
    return response.data


async def check_app_token(client: AsyncWebClient, app_token: str) -> None:
    try:
        await client.apps_connections_open(app_token=app_token)
    except SlackApiError as error:
        code = error.response.get("error")
        raise ConfigError(f"Slack rejected SLACK_APP_TOKEN ({code}): create an app-level token with the "
                          f"connections:write scope under Basic Information → App-Level Tokens at {APPS}, and "
                          "turn Socket Mode on") from error
    except (OSError, ClientError, TimeoutError) as error:
        raise ConfigError(f"cannot reach Slack at {mask_url(client.base_url)} to check SLACK_APP_TOKEN: {mask_url(str(error))}") from error
