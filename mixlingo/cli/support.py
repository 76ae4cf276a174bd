"""What every `mixlingo` command shares: the consoles, the notes, the error wrapper and the logging set-up.

The commands themselves are registered on the apps of :mod:`mixlingo.cli.app`, which applies :func:`friendly`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from mixlingo.core.errors import ERROR_WIDTH, MixlingoError
from mixlingo.core.notes import ELIDED, Note, fit, print_notes

console = Console()
errors = Console(stderr=True)
_noted: set[str] = set()


def note(text: str | Note) -> None:
    """One short line on stderr, at most once per command however often it is raised."""
    print_notes([text], shown=_noted)


def show_notes(notes: Sequence[Note | str], *, verbose: bool) -> None:
    """The notes, each once per command; with ``--verbose`` also the detail behind them (cache paths, loader messages)."""
    print_notes(notes, verbose=verbose, shown=_noted)


FRIENDLY = "__mixlingo_friendly__"  # set on the wrapper; tests find it on every registered command's callback
QUIET_LOGGERS = ("aiohttp.access", "slack_bolt", "slack_sdk", "celery", "kombu", "alembic")  # their INFO says nothing to a user


def print_error(message: str, *, detail: str = "", verbose: bool = False) -> None:
    """Each line of ``message`` as an ``error:`` line of at most :data:`ERROR_WIDTH` characters on stderr; with
    ``verbose``, then the ``detail`` behind it, and any line that had to be shortened, whole."""
    whole = []
    for text in message.splitlines() or [""]:
        line = fit(f"error: {text}", ERROR_WIDTH)
        if ELIDED in line:
            whole.append(text)
        errors.print(f"[bold red]error:[/] {escape(line.removeprefix('error: '))}", highlight=False, soft_wrap=True)
    for text in (*whole, detail) if verbose else ():
        if text:
            errors.print(f"[dim]detail:[/] {escape(text)}", highlight=False, soft_wrap=True)


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Show :class:`MixlingoError` (InputError, ConfigError, ModelUnavailableError, …) as clear ``error:`` lines
    (one per line of its message; with ``--verbose``, then its detail) on stderr and exit 2, instead of a traceback.
    Every command has it: :meth:`mixlingo.cli.app.App.command` applies it; applying it twice wraps once."""
    if getattr(command, FRIENDLY, False):
        return command

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _noted.clear()  # once per command run: a process runs one command (tests run many in one process)
        try:
            return command(*args, **kwargs)
        except MixlingoError as error:
            print_error(str(error), detail=error.detail, verbose=kwargs.get("verbose") is True)
            raise typer.Exit(2) from error

    setattr(wrapper, FRIENDLY, True)
    return wrapper


def setup_logging() -> None:
    """Log lines for the long-running commands (``serve``, ``worker``): INFO and up with a time stamp, the
    libraries' chatter at WARNING, and URL passwords redacted from the first line on (startup and connection
    errors may quote a URL with its password)."""
    import logging

    from mixlingo.bot import redact

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for quiet in QUIET_LOGGERS:
        logging.getLogger(quiet).setLevel(logging.WARNING)
    redact.install()
