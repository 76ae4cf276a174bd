"""The ``mixlingo serve`` command: the Slack app, or the local playground when nothing is configured."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Annotated, Optional

import typer
from rich.console import Console

from mixlingo.config import load_settings
from mixlingo.errors import MixlingoError
from mixlingo.notes import print_notes

errors = Console(stderr=True)


def serve(
    host: Annotated[Optional[str], typer.Option(help="Address to listen on (default: MIXLINGO_HOST, 127.0.0.1).")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port to listen on; 0 picks a free one (default: MIXLINGO_PORT, 3000).")] = None,
    public_playground: Annotated[bool, typer.Option(
        "--public-playground", help="Let the playground (no login) listen on a non-loopback address.")] = False,
) -> None:
    """Run the Slack app (Socket Mode with SLACK_APP_TOKEN, else HTTP), or the local playground without credentials."""
    from mixlingo.bot import redact

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("aiohttp.access", "slack_bolt", "slack_sdk", "alembic"):  # their INFO lines say nothing to a user
        logging.getLogger(noisy).setLevel(logging.WARNING)
    redact.install()  # from the first line: startup and connection errors may quote a URL with its password

    def say(line: str) -> None:
        typer.echo(line)

    def warn(line: str) -> None:
        print_notes([line])

    try:
        settings = load_settings(host=host, port=port, public_playground=public_playground or None)
        from mixlingo.bot.server import run
        from mixlingo.factory import translation_service

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run(settings, say, warn, service=translation_service(settings)))
    except MixlingoError as error:
        errors.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from error
