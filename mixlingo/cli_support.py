"""What every `mixlingo` command shares: the consoles and the error wrapper."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperOption

from mixlingo.errors import MixlingoError
from mixlingo.notes import Note, print_notes

console = Console()
errors = Console(stderr=True)
_noted: set[str] = set()


def _flag_type(self: TyperOption, ctx: Any) -> str | None:
    """A flag takes no value, so ``--help`` shows no ``<bool>`` after it."""
    return None if self.is_flag else _typed(self, ctx)


_typed = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]


def note(text: str | Note) -> None:
    """One short line on stderr, at most once per command however often it is raised."""
    print_notes([text], shown=_noted)


def show_notes(notes: Sequence[Note | str], *, verbose: bool) -> None:
    """The notes, each once per command; with ``--verbose`` also the detail behind them (cache paths, loader messages)."""
    print_notes(notes, verbose=verbose, shown=_noted)


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Show :class:`MixlingoError` as one clear line and exit 2, instead of a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _noted.clear()  # once per command run: a process runs one command (tests run many in one process)
        try:
            return command(*args, **kwargs)
        except MixlingoError as error:
            errors.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from error

    return wrapper
