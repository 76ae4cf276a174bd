"""Assembling the bolt ``AsyncApp``: one workspace by token, or many by OAuth install."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.lazy_listener.async_runner import AsyncLazyListenerRunner
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from mixlingo.bot import listeners, redact
from mixlingo.bot.context import Bot
from mixlingo.bot.crypto import EncryptedInstallationStore, TokenCipher
from mixlingo.bot.payloads import refuse_incomplete
from mixlingo.bot.replay import EventDeliveries, seen_for
from mixlingo.bot.slack_retry import retry_handlers
from mixlingo.bot.storage import Database
from mixlingo.bot.storage.oauth_states import ExpiringOAuthStateStore


class _TokenGivenByClient(logging.Filter):
    """bolt reads SLACK_BOT_TOKEN itself and, as we hand it a client that already holds the token (with our
    retries and API URL), warns that its own copy "will be unused": true, and nothing for the user to do."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger("slack_bolt.AsyncApp").addFilter(_TokenGivenByClient())


class MixlingoApp(AsyncApp):
    """bolt's app, with the event replay rule (``bot/replay.py``) in front of every dispatch, HTTP or Socket Mode."""

    deliveries: EventDeliveries | None = None

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        if self.deliveries is None:
            return await super().async_dispatch(req)
        return await self.deliveries.dispatch(req, super().async_dispatch)


def uses_oauth(bot: Bot) -> bool:
    slack = bot.settings.slack
    return bool(slack.client_id and slack.client_secret)


def build_app(bot: Bot, database: Database, *, runner: AsyncLazyListenerRunner | None = None) -> AsyncApp:
    """The bolt app with every mixlingo listener; Web API calls go to ``settings.slack.api_url``.

    ``runner`` decides where lazy listeners (the slow part) run: the in-process
    pool by default, the broker on a queue-mode front end, the caller on a worker.
    """
    redact.install()
    slack = bot.settings.slack
    secret = slack.signing_secret.get_secret_value() if slack.signing_secret else ""
    if uses_oauth(bot):
        assert slack.client_secret is not None  # uses_oauth checked it
        cipher = TokenCipher.from_settings(bot.settings)  # before anything is stored: no key, no start
        client = AsyncWebClient(base_url=slack.api_url, retry_handlers=retry_handlers())
        oauth = AsyncOAuthSettings(
            client_id=slack.client_id,
            client_secret=slack.client_secret.get_secret_value(),
            scopes=slack.scopes,
            user_scopes=[],
            installation_store=EncryptedInstallationStore(client_id=slack.client_id, engine=database.engine,
                                                          cipher=cipher),
            state_store=ExpiringOAuthStateStore(database.engine),
        )
        app = MixlingoApp(signing_secret=secret, client=client, oauth_flow=AsyncOAuthFlow(client=client, settings=oauth),
                       name="mixlingo")
    else:
        token = slack.bot_token.get_secret_value() if slack.bot_token else None
        client = AsyncWebClient(token=token, base_url=slack.api_url, retry_handlers=retry_handlers())
        app = MixlingoApp(signing_secret=secret, client=client, name="mixlingo")
    if runner is None:
        from mixlingo.bot.jobs.inprocess import InProcessRunner

        runner = InProcessRunner(bot)
    app.listener_runner.lazy_listener_runner = runner
    app.deliveries = EventDeliveries(seen_for(bot.settings.scale_out.broker_url))
    app.use(refuse_incomplete)  # a payload without the fields its listener needs: acked, one log line, no job
    listeners.register(app, bot)
    return app
