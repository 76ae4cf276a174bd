"""What every `mixlingo` command shares: the consoles and the error wrapper."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import typer
from rich.console import Console

from mixlingo.errors import MixlingoError

console = Console()
errors = Console(stderr=True)


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Show :class:`MixlingoError` as one clear line and exit 2, instead of a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except MixlingoError as error:
            errors.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper
