"""The ``mixlingo serve`` command: the Slack app, or the local playground when nothing is configured."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated, Optional

import typer

from mixlingo.cli.app import app
from mixlingo.cli.support import setup_logging
from mixlingo.config import load_settings
from mixlingo.core.notes import print_notes


@app.command()
def serve(
    host: Annotated[Optional[str], typer.Option(help="Address to listen on (default: MIXLINGO_HOST, 127.0.0.1).")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port to listen on; 0 picks a free one (default: MIXLINGO_PORT, 3000).")] = None,
    public_playground: Annotated[bool, typer.Option(
        "--public-playground", help="Let the playground (no login) listen on a non-loopback address.")] = False,
) -> None:
    """Run the Slack app (Socket Mode with SLACK_APP_TOKEN, else HTTP), or the local playground without credentials."""
    setup_logging()  # from the first line: startup and connection errors may quote a URL with its password

    def say(line: str) -> None:
        typer.echo(line)

    def warn(line: str) -> None:
        print_notes([line])

    settings = load_settings(host=host, port=port, public_playground=public_playground or None)
    from mixlingo.bot.server import run
    from mixlingo.factory import translation_service

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(settings, say, warn, service=translation_service(settings)))
