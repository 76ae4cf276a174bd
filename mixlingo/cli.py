"""The ``mixlingo`` command line. Errors a user can fix are one red line and exit code 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from mixlingo import __version__
from mixlingo.config import Settings, load_settings
from mixlingo.errors import InputError, MixlingoError
from mixlingo.nlp.text import clean_text

app = typer.Typer(help="mixlingo: translation for code-switched Slack messages.", no_args_is_help=True)
models_app = typer.Typer(help="Download and inspect models.", no_args_is_help=True)
config_app = typer.Typer(help="Inspect the effective settings.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(config_app, name="config")

console = Console()
errors = Console(stderr=True)


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Show :class:`MixlingoError` as a clear line instead of a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except MixlingoError as error:
            errors.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper


def _read_text(text: str) -> str:
    if text != "-":
        return text
    if sys.stdin.isatty():
        raise InputError("'-' reads the message from standard input, but nothing was piped in")
    return sys.stdin.buffer.read().decode("utf-8", errors="surrogateescape")


def _quiet_transformers() -> None:
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - transformers is a dependency
        return
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


@app.command()
@friendly
def tag(
    text: Annotated[str, typer.Argument(help="The message to tag, or '-' to read it from stdin.")],
    pair: Annotated[
        Optional[str], typer.Option(help="Language pair like en-es, or 'auto' to detect it (default: config).")
    ] = None,
    tagger: Annotated[
        Optional[str], typer.Option(help="auto | mbert | lexicon (default: config).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Tag every token of a message with its language."""
    from mixlingo.factory import build_tag_pipeline
    from mixlingo.render import coloured_text, message_to_dict, tag_table

    settings = load_settings(tagger=tagger)
    raw = _read_text(text)
    cleaned = clean_text(raw, max_chars=settings.max_message_chars)
    if not cleaned.strip():
        raise InputError("the message is empty; give some text to tag")
    _quiet_transformers()
    built = build_tag_pipeline(settings, pair=pair)
    message = built.pipeline.run(cleaned, max_chars=settings.max_message_chars)
    for note in built.notes:
        errors.print(f"[yellow]note:[/] {note}", highlight=False, soft_wrap=True)
    if cleaned != raw:
        errors.print("[yellow]note:[/] invalid UTF-8 / lone surrogates were replaced with U+FFFD", highlight=False)
    if as_json:
        typer.echo(json.dumps(message_to_dict(message), ensure_ascii=False, indent=2))
        return
    if not any(t.is_word or t.kind.value == "hashtag" for t in message.tokens):
        console.print("[dim]No words to tag: the message is only markup, emoji, numbers or punctuation.[/]")
    console.print(coloured_text(message))
    console.print(tag_table(message))


@models_app.command("pull")
@friendly
def models_pull() -> None:
    """Download the configured models into the model cache."""
    from mixlingo.adapters.model_store import pull

    settings = load_settings()
    with console.status(f"downloading {settings.mbert_model} …"):
        path = pull(settings.mbert_model, settings.model_cache_dir)
    console.print(f"[green]ok[/] {settings.mbert_model} → {path}")


@models_app.command("list")
@friendly
def models_list() -> None:
    """Show the models in the cache and their size on disk."""
    from mixlingo.adapters.model_store import list_cached

    settings = load_settings()
    cached = list_cached(settings.model_cache_dir)
    if not cached:
        console.print(f"No models cached in {settings.model_cache_dir}. Run `mixlingo models pull`.")
        return
    table = Table(title=f"models in {settings.model_cache_dir}")
    table.add_column("model")
    table.add_column("size", justify="right")
    for model in cached:
        table.add_row(model.model_id, f"{model.size_bytes / 2**20:,.1f} MiB")
    console.print(table)


@config_app.command("show")
@friendly
def config_show() -> None:
    """Print every setting with its effective value and env var name."""
    settings = load_settings()
    table = Table(title="mixlingo settings")
    table.add_column("env var")
    table.add_column("value")
    table.add_column("meaning", style="dim")
    for name, info in Settings.model_fields.items():
        table.add_row(f"MIXLINGO_{name.upper()}", str(getattr(settings, name)), info.description or "")
    console.print(table)


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


def main() -> None:
    app()
