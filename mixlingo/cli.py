"""The ``mixlingo`` command line. Errors a user can fix are one red line and exit code 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from mixlingo import __version__
from mixlingo.config import Settings, load_settings
from mixlingo import cli_tagger
from mixlingo.cli_support import console, errors, friendly
from mixlingo.errors import InputError
from mixlingo.nlp.text import clean_text

app = typer.Typer(help="mixlingo: translation for code-switched Slack messages.", no_args_is_help=True)
models_app = typer.Typer(help="Download and inspect models.", no_args_is_help=True)
config_app = typer.Typer(help="Inspect the effective settings.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(config_app, name="config")
tagger_app = typer.Typer(help="Train and evaluate language taggers on LinCE-format data.", no_args_is_help=True)
app.add_typer(tagger_app, name="tagger")

def _read_text(text: str) -> str:
    if text != "-":
        return text
    if sys.stdin.isatty():
        raise InputError("'-' reads the message from standard input, but nothing was piped in")
    return sys.stdin.buffer.read().decode("utf-8", errors="surrogateescape")



@app.command()
@friendly
def tag(
    text: Annotated[str, typer.Argument(help="The message to tag, or '-' to read it from stdin.")],
    pair: Annotated[
        Optional[str], typer.Option(help="Language pair like en-es, or 'auto' to detect it (default: config).")
    ] = None,
    tagger: Annotated[
        Optional[str], typer.Option(help="auto | mbert | embedded | lexicon (default: config).")
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


@app.command()
@friendly
def translate(
    text: Annotated[
        Optional[str], typer.Argument(help="The message; '-' reads one message per line from stdin.")
    ] = None,
    to: Annotated[Optional[str], typer.Option("--to", help="Target language (default: config, en).")] = None,
    strategy: Annotated[Optional[str], typer.Option(help="auto | whole | spans (default: config).")] = None,
    explain_: Annotated[bool, typer.Option("--explain", help="Show tags, strategy and every scored candidate.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (one object per line in batch mode).")] = False,
    file: Annotated[Optional[Path], typer.Option("--file", help="Translate each line of this file.")] = None,
    pair: Annotated[Optional[str], typer.Option(help="Language pair like en-es, or 'auto'.")] = None,
    tagger: Annotated[Optional[str], typer.Option(help="auto | mbert | embedded | lexicon.")] = None,
    rerank: Annotated[Optional[bool], typer.Option("--rerank/--no-rerank", help="Rerank candidates.")] = None,
) -> None:
    """Translate a code-switched message into one language, markup intact."""
    from mixlingo.factory import build_translate_pipeline

    settings = load_settings(tagger=tagger, target_language=to, strategy=strategy, rerank=rerank)
    lines = _batch_lines(text, file)
    if lines is None and (text is None or not text.strip()):
        raise InputError("the message is empty; give some text, '-' for stdin, or --file PATH")
    built = build_translate_pipeline(settings, pair=pair)
    for note in built.notes:
        errors.print(f"[yellow]note:[/] {note}", highlight=False, soft_wrap=True)
    if lines is None:
        message = _translate_one(built.pipeline, text, settings)
        _show(message, as_json=as_json, explain_=explain_)
        return
    failed = _translate_batch(built.pipeline, lines, settings, as_json=as_json)
    if failed:
        raise typer.Exit(1)


def _batch_lines(text: str | None, file: Path | None) -> list[str] | None:
    if file is not None:
        if text is not None:
            raise InputError("give either a message or --file, not both")
        try:
            raw = file.read_bytes()
        except OSError as error:
            raise InputError(f"cannot read {file}: {error.strerror}") from None
        return raw.decode("utf-8", errors="surrogateescape").splitlines()
    if text == "-":
        if sys.stdin.isatty():
            raise InputError("'-' reads messages from standard input, but nothing was piped in")
        return sys.stdin.buffer.read().decode("utf-8", errors="surrogateescape").splitlines()
    return None


def _translate_one(pipeline, text: str, settings: Settings):  # noqa: ANN001, ANN202
    return pipeline.run(text, max_chars=settings.max_message_chars, target=settings.target_language)


def _show(message, *, as_json: bool, explain_: bool) -> None:  # noqa: ANN001
    from mixlingo.render import explain, translation_to_dict

    translation = message.translation
    if as_json:
        typer.echo(json.dumps(translation_to_dict(message), ensure_ascii=False, indent=None if not explain_ else 2))
        return
    if explain_:
        for renderable in explain(message):
            console.print(renderable)
    for note in translation.notes:
        errors.print(f"[yellow]note:[/] {note}", highlight=False, soft_wrap=True)
    if translation.strategy == "none":
        console.print(f"[dim]Nothing to translate: {translation.reason}.[/]", highlight=False)
        return
    if explain_:
        console.print(Text("→ ", style="bold") + Text(translation.text or ""))
    else:
        typer.echo(translation.text)


def _translate_batch(pipeline, lines: list[str], settings: Settings, *, as_json: bool) -> int:  # noqa: ANN001
    """One output line per input line, in order; a bad line is reported and left empty, never dropped.

    Lines go through the pipeline in batches (``Pipeline.pipe``): one model call per batch, not per line.
    """
    from rich.progress import Progress

    from mixlingo.render import translation_to_dict

    failed = 0
    results = pipeline.pipe((line for line in lines if line.strip()), batch_size=settings.batch_size,
                            max_chars=settings.max_message_chars, target=settings.target_language)
    with Progress(console=errors, transient=True) as progress:
        task = progress.add_task("translating", total=len(lines))
        for number, line in enumerate(lines, 1):
            progress.advance(task)
            if not line.strip():
                typer.echo("{}" if as_json else "")
                continue
            message = next(results)  # a batch runs when its first line is reached
            if isinstance(message, InputError):
                failed += 1
                errors.print(f"[bold red]error:[/] line {number}: {message}", highlight=False, soft_wrap=True)
                typer.echo(json.dumps({"line": number, "error": str(message)}) if as_json else "")
            elif as_json:
                typer.echo(json.dumps(translation_to_dict(message), ensure_ascii=False))
            else:
                t = message.translation
                typer.echo(t.text if t.strategy != "none" else message.text)
    return failed


@models_app.command("pull")
@friendly
def models_pull(
    pair: Annotated[
        Optional[list[str]], typer.Option("--pair", help="Only translation models for these pairs, e.g. es-en.")
    ] = None,
) -> None:
    """Download the configured models (tagger, reranker, translation) into the model cache."""
    from rich.progress import Progress

    from mixlingo.adapters.model_store import pull

    settings = load_settings()
    wanted = _models_to_pull(settings, pair)
    with Progress(console=console) as progress:
        task = progress.add_task("downloading", total=len(wanted))
        for model_id in wanted:
            progress.update(task, description=f"downloading {model_id}")
            path = pull(model_id, settings.model_cache_dir)
            progress.console.print(f"[green]ok[/] {model_id} → {path}")
            progress.advance(task)


def _models_to_pull(settings: Settings, pairs: list[str] | None) -> list[str]:
    from mixlingo.config.settings import parse_pair

    if not pairs:
        translation = list(settings.translation_models.values())
        return list(dict.fromkeys([settings.mbert_model, settings.reranker_model, *translation]))
    wanted = []
    for text in pairs:
        source, target = parse_pair(text)
        for key in (f"{source}-{target}", f"mul-{target}", f"{source}-mul"):
            if key in settings.translation_models:
                wanted.append(settings.translation_models[key])
                break
        else:
            raise InputError(f"no translation model configured for {source}-{target}; set MIXLINGO_TRANSLATION_MODELS")
    return list(dict.fromkeys(wanted))


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


tagger_app.command("train")(friendly(cli_tagger.train))
tagger_app.command("eval")(friendly(cli_tagger.eval_))


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


from mixlingo.serve import serve  # noqa: E402  (the Slack app and playground, issue 6)
app.command()(serve)

from mixlingo import bench_cli  # noqa: E402  (speed: issue 7)
app.command("bench")(friendly(bench_cli.bench)); models_app.command("convert")(friendly(bench_cli.convert))

from mixlingo import cli_jobs  # noqa: E402  (worker, jobs, db: scale-out, issue 8)
cli_jobs.register(app)


def main() -> None:
    app()
