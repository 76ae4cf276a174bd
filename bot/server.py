"""``mixlingo serve``: the playground, the HTTP app or Socket Mode, depending on the credentials."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiohttp import web

from mixlingo.bot.checks import check_slack, choose_mode
from mixlingo.bot.http_limits import BoundedRunner, ServerLimits
from mixlingo.bot.service import TranslationService
from mixlingo.config import Settings
from mixlingo.core.errors import ConfigError

log = logging.getLogger("mixlingo.bot")

Say = Callable[[str], None]
NO_MODELS_IN_PLAYGROUND = ("no translation model is present, so the playground shows tags and plans only; "
                           "`mixlingo models pull` gets them")
TRY_DEMO_MODELS = "`mixlingo models tiny DIR` builds small demo models to try translation with."


async def start_site(app: web.Application, host: str, port: int, limits: ServerLimits | None = None, *,
                     setting: str = "--port or MIXLINGO_PORT") -> tuple[web.AppRunner, str]:
    """Listen on host:port (0 picks a free port), within ``limits``, and return the base URL.

    ``setting`` is what a person changes when the port is taken."""
    runner = BoundedRunner(app, limits or ServerLimits(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise ConfigError(f"cannot listen on {host}:{port} ({error.strerror}); pick another port with "
                          f"{setting}") from error
    bound = runner.addresses[0]
    shown = f"[{bound[0]}]" if ":" in str(bound[0]) else bound[0]
    return runner, f"http://{shown}:{bound[1]}"


async def run(settings: Settings, say: Say, warn: Say, *, service: TranslationService) -> None:
    """Serve until stopped; ``service`` (built by the caller, the composition root) runs the pipeline."""
    mode = choose_mode(settings.slack)
    if mode == "playground":
        _check_playground_bind(settings, warn)
    else:  # seconds at most, before the models and the database: a wrong token or no Slack is said at once
        identity = await check_slack(settings.slack, mode)
        if identity is not None:
            say(f"connected to {identity.get('team')} as @{identity.get('user')}")
    if mode == "playground" or not settings.scale_out.broker_url:  # a queue-mode front end never loads a model
        say("loading the tagger…")
        for note in await service.start():
            warn(note)
    try:
        if mode == "playground":
            if await service.check_models():  # said at start, not first on clicking Translate
                service.notes.append(NO_MODELS_IN_PLAYGROUND)
                warn(NO_MODELS_IN_PLAYGROUND)
                say(TRY_DEMO_MODELS)
            await _playground(settings, service, say, warn)
        else:
            await _slack(settings, service, mode, say, warn)
    finally:
        service.close()


async def _playground(settings: Settings, service: TranslationService, say: Say, warn: Say) -> None:
    from mixlingo.bot.playground import playground_app

    runner, url = await start_site(playground_app(service, public=settings.public_playground), settings.host,
                                   settings.port, ServerLimits.from_settings(settings))
    say(f"No Slack credentials set, so this is the local playground: open {url}/ (Ctrl-C to stop).")
    say("To run the Slack app, see docs/slack.md.")
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def _check_playground_bind(settings: Settings, warn: Say) -> None:
    """The playground has no login: loopback only, unless the user says otherwise (and then hears about it)."""
    from mixlingo.bot.playground import is_loopback

    if is_loopback(settings.host):
        return
    if not settings.public_playground:
        raise ConfigError(f"the playground has no login, so it listens on loopback only and {settings.host!r} is not "
                          "loopback; use --host 127.0.0.1, or add --public-playground to expose it anyway")
    warn(f"the playground listens on {settings.host} with no login: anyone who can reach this address can use it")


async def _slack(settings: Settings, service: TranslationService, mode: str, say: Say, warn: Say) -> None:
    from mixlingo.bot.app import build_app, uses_oauth
    from mixlingo.bot.context import Bot
    from mixlingo.bot.storage import Repository, open_database
    from mixlingo.bot.web import slack_web_app

    database = await open_database(settings.scale_out.database_url)
    bot = Bot(settings, service, Repository(database.engine))
    try:
        app = build_app(bot, database, runner=_jobs_runner(settings))
        if settings.scale_out.broker_url:
            say(f"front end: jobs go to queue {settings.scale_out.queue_name!r}; run `mixlingo worker` to process them")
        else:
            problem = await service.check_models()
            if problem:
                warn(f"translations will not work until the models are available: {problem}")
        if mode == "socket":
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            assert settings.slack.app_token is not None  # the socket mode is chosen for an app token
            app_token = settings.slack.app_token.get_secret_value()
            say("mixlingo is running in Socket Mode (Ctrl-C to stop).")
            handler = AsyncSocketModeHandler(app, app_token)
            try:
                await handler.start_async()
            finally:
                await handler.close_async()  # no reconnecting once stopped
            return
        limits = ServerLimits.from_settings(settings)
        # /metrics has no login: its own port on 127.0.0.1 by default, the public Slack port only when asked for
        separate_metrics = settings.metrics and not settings.metrics_on_slack_port
        web_app = slack_web_app(app, with_metrics=settings.metrics, metrics_route=not separate_metrics,
                                guard=_guard(settings), limits=limits)
        runners = []
        if separate_metrics:
            from mixlingo.bot.web import metrics_web_app

            metrics_runner, metrics_url = await start_site(metrics_web_app(), settings.metrics_host, settings.metrics_port,
                                                           limits, setting="MIXLINGO_METRICS_PORT")
            runners.append(metrics_runner)
            say(f"metrics at {metrics_url}/metrics")
        runner, url = await start_site(web_app, settings.host, settings.port, limits)
        runners.append(runner)
        say(f"mixlingo is listening on {url}/slack/events (health: {url}/healthz) (Ctrl-C to stop).")
        if uses_oauth(bot):
            say(f"Install it into a workspace from {url}/slack/install (behind your public HTTPS URL).")
        try:
            await asyncio.Event().wait()
        finally:
            for started in runners:
                await started.cleanup()
    finally:
        try:
            await asyncio.wait_for(bot.inflight.idle(), timeout=30)
        except TimeoutError:
            warn("stopped with translations still in progress")
        await database.close()


def _jobs_runner(settings: Settings):
    """Where the slow part of each request runs: the broker's workers, or this process."""
    if not settings.scale_out.broker_url:
        return None  # build_app's default: the in-process pool
    from mixlingo.bot import metrics
    from mixlingo.bot.jobs.queue import QueueRunner, queue_depth

    metrics.set_queue_depth(lambda: queue_depth(settings.scale_out))
    return QueueRunner(settings.scale_out)


def _guard(settings: Settings):
    from mixlingo.bot.replay import replay_guard, seen_for

    secret = settings.slack.signing_secret.get_secret_value() if settings.slack.signing_secret else ""
    return replay_guard(secret, seen_for(settings.scale_out.broker_url))
