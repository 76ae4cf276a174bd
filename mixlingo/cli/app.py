"""The ``mixlingo`` command tree, declared in one place: the app and every sub-app.

A command module registers its commands with the apps' own decorator, nothing else::

    from mixlingo.cli.app import models_app

    @models_app.command("pull")
    def models_pull(...) -> None: ...

:meth:`App.command` is Typer's decorator plus what every command shares: the error wrapper
(:func:`mixlingo.cli.support.friendly`: a :class:`~mixlingo.core.errors.MixlingoError` is one ``error:`` line
and exit code 2) and the help formatting of :class:`Command` / :class:`Group`. ``mixlingo.cli`` imports the
command modules, in the order ``mixlingo --help`` lists their commands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar, cast

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption

from mixlingo import __version__
from mixlingo.cli.support import friendly

F = TypeVar("F", bound=Callable[..., Any])


def _flags_take_no_value(params: list[Any]) -> list[Any]:
    """A flag (``--json``, ``--help``) takes no value, so help shows no ``<bool>`` after it.

    Typer shows an option's ``metavar`` in place of its type when one is set; a flag's is the empty string."""
    for param in params:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
    return params


class Command(TyperCommand):
    """Every leaf command (``App.command`` passes it as ``cls``)."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _flags_take_no_value(super().get_params(ctx))


class Group(TyperGroup):
    """The app and every sub-app (``App`` passes it as ``cls``)."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _flags_take_no_value(super().get_params(ctx))


class App(typer.Typer):
    """A Typer app whose every command gets the error wrapper and :class:`Command`'s help."""

    def __init__(self, *, help: str, **kwargs: Any) -> None:
        super().__init__(help=help, cls=Group, no_args_is_help=True, **kwargs)

    def command(self, name: str | None = None, **kwargs: Any) -> Callable[[F], F]:
        """``@app.command("name")``: register the function, wrapped by ``friendly``; returns the wrapped function
        (so calling it in Python behaves as the command does)."""
        register = super().command(name, cls=Command, **kwargs)

        def decorator(function: F) -> F:
            wrapped = cast(F, friendly(function))
            register(wrapped)
            return wrapped

        return decorator


app = App(help="mixlingo: translation for code-switched Slack messages.")
models_app = App(help="Download and inspect models.")
config_app = App(help="Inspect the effective settings.")
tagger_app = App(help="Train and evaluate language taggers on LinCE-format data.")
jobs_app = App(help="Inspect and retry translation jobs that failed for good.")
db_app = App(help="Database schema and token-encryption key.")
transliterator_app = App(help="Train and measure the transliteration models.")

app.add_typer(models_app, name="models")
app.add_typer(config_app, name="config")
app.add_typer(tagger_app, name="tagger")
app.add_typer(jobs_app, name="jobs")
app.add_typer(db_app, name="db")
app.add_typer(transliterator_app, name="transliterator")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mixlingo {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """mixlingo: translation for code-switched Slack messages."""
