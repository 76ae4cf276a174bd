"""The ``mixlingo`` command line: ``tag``, ``translate``, ``models pull|list|tiny`` and ``config show`` here, the other
commands in their modules (imported at the end). Errors a user can fix are one red line and exit code 2.

The apps are declared in :mod:`mixlingo.cli_app`; a command is ``@app.command()`` on one of them (see
docs/architecture.md, "Adding a command")."""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from mixlingo.config import Settings, load_settings
from mixlingo.cli_app import app, config_app, models_app
from mixlingo.cli_support import console, errors, note, print_error, show_notes
from mixlingo.errors import InputError, ModelNotDownloadedError
from mixlingo.nlp.model import Message
from mixlingo.nlp.pipeline import Pipeline
from mixlingo.nlp.text import clean_text

REPLACED_NOTE = "invalid UTF-8 / lone surrogates were replaced with U+FFFD"
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Also show the detail behind each note.")]


def _read_text(text: str) -> str:
    if text != "-":
        return text
    if sys.stdin.isatty():
        raise InputError("'-' reads the message from standard input, but nothing was piped in")
    return sys.stdin.buffer.read().decode("utf-8", errors="surrogateescape")



@app.command()
def tag(
    text: Annotated[str, typer.Argument(help="The message to tag, or '-' to read it from stdin.")],
    pair: Annotated[
        Optional[str], typer.Option(help="Language pair like en-es, or 'auto' to detect it (default: config).")
    ] = None,
    tagger: Annotated[
        Optional[str], typer.Option(help="auto | mbert | embedded | lexicon (default: config).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    verbose: VerboseOption = False,
) -> None:
    """Tag every token of a message with its language."""
    from mixlingo.factory import build_tag_pipeline
    from mixlingo.nlp.serialize import message_to_dict
    from mixlingo.render import coloured_text, summary_line, tag_table

    settings = load_settings(tagger=tagger)
    raw = _read_text(text)
    cleaned = clean_text(raw, max_chars=settings.max_message_chars)
    if not cleaned.strip():
        raise InputError("the message is empty; give some text to tag")
    built = build_tag_pipeline(settings, pair=pair)
    message = built.pipeline.run(cleaned, max_chars=settings.max_message_chars)
    show_notes(built.notes, verbose=verbose)
    if cleaned != raw:
        note(REPLACED_NOTE)
    if as_json:
        typer.echo(json.dumps(message_to_dict(message), ensure_ascii=False, indent=2))
        return
    if not any(t.is_word or t.kind.value == "hashtag" for t in message.tokens):
        console.print("[dim]No words to tag: the message is only markup, emoji, numbers or punctuation.[/]")
    console.print(coloured_text(message))
    console.print(tag_table(message))
    console.print(summary_line(message), soft_wrap=True)


@app.command()
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
    verbose: VerboseOption = False,
) -> None:
    """Translate a code-switched message into one language, markup intact.

    Exit codes: 0 done; 2 bad input or settings (in batch mode: any bad line; the other
    lines are still translated, a bad line's output line is left empty)."""
    from mixlingo.factory import build_translate_pipeline, missing_translation_models

    if to is not None:
        _check_language(to)
    settings = load_settings(tagger=tagger, target_language=to, strategy=strategy, rerank=rerank)
    lines = _batch_lines(text, file)
    if lines is None and (text is None or not text.strip()):
        raise InputError("the message is empty; give some text, '-' for stdin, or --file PATH")
    missing = missing_translation_models(settings, settings.target_language)
    if missing:
        if explain_ and lines is None and text is not None and not as_json:  # what can be shown without a model: the tags and the plan
            _explain_plan(text, settings, pair=pair, verbose=verbose)
        named = missing[0] if len(missing) == 1 else f"{len(missing)} models; --verbose lists them"
        raise ModelNotDownloadedError(
            f"no model that translates into {settings.target_language} is downloaded ({named}); "
            "run `mixlingo models pull` (or set MIXLINGO_ALLOW_DOWNLOADS=true)",
            detail=f"not downloaded: {', '.join(missing)}",
        )
    built = build_translate_pipeline(settings, pair=pair)
    show_notes(built.notes, verbose=verbose)
    if lines is None:
        timings: list[tuple[str, float]] = []
        if explain_:
            built.pipeline.hooks.append(lambda name, _stage, seconds: timings.append((name, seconds)))
        assert text is not None  # checked above: a lone message is never empty
        message = _translate_one(built.pipeline, text, settings)
        _show(message, as_json=as_json, explain_=explain_)
        if explain_ and not as_json:
            from mixlingo.render import stage_times

            _print_planned_models(message, settings)
            console.print(f"[dim]time per stage: {stage_times(timings)}[/]", highlight=False, soft_wrap=True)
        return
    failed = _translate_batch(built.pipeline, lines, settings, as_json=as_json)
    if failed:
        print_error(f"{failed} of {len(lines)} lines were not translated (see above)")
        raise typer.Exit(2)


def _explain_plan(text: str, settings: Settings, *, pair: str | None, verbose: bool) -> None:
    """``--explain`` without a translation model: the tags and the planned strategy, as the playground shows them."""
    from mixlingo.factory import build_tag_pipeline
    from mixlingo.nlp.plan import PlanTranslation
    from mixlingo.render import explain

    built = build_tag_pipeline(settings, pair=pair)
    show_notes(built.notes, verbose=verbose)
    plan = PlanTranslation(settings.strategy, settings.spans_threshold, settings.max_unit_chars)
    planned = Pipeline([*built.pipeline.pipeline, ("plan", plan)], notes=built.notes)
    message = planned.run(text, max_chars=settings.max_message_chars, target=settings.target_language)
    for renderable in explain(message):
        console.print(renderable, soft_wrap=isinstance(renderable, Text))
    _print_planned_models(message, settings)


def _print_planned_models(message: Message, settings: Settings) -> None:
    """``models: ta→en Helsinki-NLP/opus-mt-dra-en (group model)``: which model each unit's direction goes to."""
    from mixlingo.translation_routes import planned_models

    translation = message.translation
    if translation is None or not translation.units:
        return
    line = planned_models(settings, [(unit.lang, translation.target) for unit in translation.units])
    console.print(Text.assemble(("models: ", "bold"), line), soft_wrap=True, highlight=False)


def _check_language(code: str) -> None:
    """``--to xx``: say that ``xx`` is not a language, rather than suggest a model for it."""
    import langcodes

    if not langcodes.tag_is_valid(code.strip()) or "-" in code.strip() or not code.strip().isalpha():
        raise InputError(f"--to {code!r} is not a language code; use an ISO 639-1 code like en, es or fr")


def _batch_lines(text: str | None, file: Path | None) -> list[str] | None:
    if file is not None:
        if text is not None:
            raise InputError("give either a message or --file, not both")
        try:
            raw = file.read_bytes()
        except OSError as error:
            raise InputError(f"cannot read {file}: {error.strerror}") from error
        return _decoded_lines(raw)
    if text == "-":
        if sys.stdin.isatty():
            raise InputError("'-' reads messages from standard input, but nothing was piped in")
        return _decoded_lines(sys.stdin.buffer.read())
    return None


def _decoded_lines(raw: bytes) -> list[str]:
    """Lines of UTF-8 input; bytes that are not UTF-8 become U+FFFD (later, in clean_text), with a note."""
    text = raw.decode("utf-8", errors="surrogateescape")
    if clean_text(text, max_chars=None) != text:
        note(REPLACED_NOTE)
    return text.splitlines()


def _translate_one(pipeline, text: str, settings: Settings):
    return pipeline.run(text, max_chars=settings.max_message_chars, target=settings.target_language)


def _show(message, *, as_json: bool, explain_: bool) -> None:
    from mixlingo.nlp.serialize import translation_to_dict
    from mixlingo.render import explain

    translation = message.translation
    if as_json:
        typer.echo(json.dumps(translation_to_dict(message), ensure_ascii=False, indent=None if not explain_ else 2))
        return
    if explain_:
        for renderable in explain(message):
            console.print(renderable, soft_wrap=isinstance(renderable, Text))
    for text in translation.notes:
        note(text)
    if translation.strategy == "none":
        reason = translation.reason.removeprefix("nothing to translate: ")
        console.print(f"[dim]Nothing to translate: {escape(reason)}.[/]", highlight=False)
        return
    if explain_:
        console.print(Text("→ ", style="bold") + Text(translation.text or ""))
    else:
        typer.echo(translation.text)


def _translate_batch(pipeline, lines: list[str], settings: Settings, *, as_json: bool) -> int:
    """One output line per input line, in order; a bad line is reported and left empty, never dropped.

    Lines go through ``pipeline.pipe`` ``batch_size`` at a time (one model call per stage and batch)."""
    from rich.progress import Progress

    from mixlingo.nlp.serialize import translation_to_dict

    failed = 0
    with Progress(console=errors, transient=True) as progress:
        task = progress.add_task("translating", total=len(lines))
        for start in range(0, len(lines), settings.batch_size):
            chunk = lines[start : start + settings.batch_size]
            for number, _line, result in _translate_chunk(pipeline, chunk, start + 1, settings):
                if isinstance(result, InputError):
                    failed += 1
                    print_error(f"line {number}: {result}")
                    typer.echo(json.dumps({"line": number, "error": str(result)}) if as_json else "")
                elif result is None:
                    typer.echo("{}" if as_json else "")
                elif as_json:
                    typer.echo(json.dumps(translation_to_dict(result), ensure_ascii=False))
                else:
                    t = result.translation
                    typer.echo(t.text if t is not None and t.strategy != "none" else result.text)
                progress.advance(task)
    return failed


def _translate_chunk(
    pipeline: Pipeline, lines: list[str], first: int, settings: Settings
) -> list[tuple[int, str, Message | InputError | None]]:
    """(line number, line, message | None for a blank line | the InputError that line got), in order.

    A bad line fails its whole batch, so that batch runs again line by line to say which line it was."""
    results: dict[int, Message | InputError | None] = {}
    ready: dict[int, Message] = {}
    for number, line in enumerate(lines, first):
        if not line.strip():
            results[number] = None
            continue
        try:
            ready[number] = pipeline.make_message(line, target=settings.target_language, max_chars=settings.max_message_chars)
        except InputError as error:
            results[number] = error
    try:
        results.update(zip(ready, pipeline.pipe(ready.values(), batch_size=len(ready) or 1)))
    except InputError:
        for number in ready:
            try:
                results[number] = _translate_one(pipeline, lines[number - first], settings)
            except InputError as error:
                results[number] = error
    return [(number, line, results[number]) for number, line in enumerate(lines, first)]


@models_app.command("pull")
def models_pull(
    pair: Annotated[
        Optional[list[str]], typer.Option("--pair", help="Only translation models for these pairs, e.g. es-en.")
    ] = None,
) -> None:
    """Download the configured models (tagger, reranker, translation) into the model cache, with progress."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from mixlingo.adapters.hub import hub_reachable, looks_like_path
    from mixlingo.adapters.model_store import fetch, plan
    from mixlingo.errors import ConfigError

    settings = load_settings()
    if settings.models.offline:
        raise ConfigError("MIXLINGO_OFFLINE is on, so nothing is downloaded; unset it to pull models")
    _prepare_word_lists(settings)
    configured = _models_to_pull(settings, pair)
    for model_id in configured:
        if looks_like_path(model_id):  # nothing to fetch, but checked like a download
            console.print(f"[green]local[/] {escape(model_id)}", highlight=False)
            _print_check(console, Path(model_id).expanduser(), settings)
    wanted = [m for m in configured if not looks_like_path(m)]
    if not wanted:
        console.print("Every configured model is a local directory: nothing to download.")
        return
    if not hub_reachable():
        _say_hub_unreachable(settings)
        raise typer.Exit(2)
    plans = [plan(model_id, settings.models.cache_dir) for model_id in wanted]
    total = sum(p.bytes_to_fetch for p in plans)
    console.print(f"{len(plans)} models, {_size(total)} to download "
                  f"({_size(sum(p.cached_bytes for p in plans))} already cached) into {settings.models.cache_dir}",
                  highlight=False, soft_wrap=True)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=console) as progress:
        for download in plans:
            task = progress.add_task(download.model_id, total=download.bytes_to_fetch or 1)
            path = fetch(download, settings.models.cache_dir, partial(progress.advance, task))
            progress.update(task, completed=download.bytes_to_fetch or 1)
            progress.console.print(f"[green]ok[/] {escape(download.model_id)} → {escape(str(path))}", highlight=False)
            _print_check(progress.console, path, settings)


def _say_hub_unreachable(settings: Settings) -> None:
    """What works without the hub, in one note, and the one next step (not an error: the shipped tagger still runs)."""
    from mixlingo.adapters.hub import hub_endpoint

    note(f"the model hub ({hub_endpoint()}) is not reachable, so no model was downloaded")
    errors.print("offline, tagging works with the shipped es/en tagger and the playground shows tags and plans, "
                 "but nothing is translated", highlight=False, soft_wrap=True)
    errors.print(f"next: `mixlingo models tiny DIR` builds small demo models to try translation with, or copy a "
                 f"model cache from where the hub is reachable into {escape(str(settings.models.cache_dir))}",
                 highlight=False, soft_wrap=True)


def _prepare_word_lists(settings: Settings) -> None:
    """Index the pairs' word-frequency lists now (a few seconds, once), so the first tag is as fast as the rest."""
    from mixlingo.nlp.word_frequency import frequencies, wordfreq_languages

    languages = sorted({lang for pair in settings.language_pairs for lang in pair} & wordfreq_languages())
    for lang in languages:
        frequencies(lang)
    if languages:
        console.print(f"[green]ok[/] word-frequency index for {', '.join(languages)}", highlight=False)


def _size(size: int) -> str:
    from rich.filesize import decimal

    return decimal(size)  # the unit the progress bars use


def _print_check(out, path: Path, settings: Settings) -> None:
    """What was fetched: kind, tokenizer, labels as they map; a warning when a tagger misses a configured pair."""
    from mixlingo.adapters.model_check import check_model_dir

    check = check_model_dir(path, label_map=settings.models.mbert_label_map, pairs=settings.language_pairs)
    for line in check.lines():
        out.print(f"   {line}", highlight=False, soft_wrap=True, markup=False)
    for warning in check.warnings:
        out.print(f"   [yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)


def _models_to_pull(settings: Settings, pairs: list[str] | None) -> list[str]:
    """The tagger, the reranker, the configured translation models and the one each direction of the pairs
    prefers (``opus-mt-dra-en`` for ta→en); with ``--pair``, only the model of each direction named."""
    from mixlingo.config.settings import parse_pair
    from mixlingo.nlp.directions import hops, model_for
    from mixlingo.translation_routes import needed_directions

    models = settings.models.translation
    if not pairs:
        needed = [route.model for source, target in needed_directions(settings)
                  for route in hops(models, source, target) or []]
        return list(dict.fromkeys([settings.models.mbert, settings.reranker.model, *models.values(), *needed]))
    wanted = []
    for text in pairs:
        source, target = parse_pair(text)
        found = model_for(models, source, target)
        if found is None:
            raise InputError(f"no translation model configured for {source}-{target}; set MIXLINGO_TRANSLATION_MODELS")
        wanted.append(found.model)
    return list(dict.fromkeys(wanted))


@models_app.command("list")
def models_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print the shipped and cached models as JSON.")] = False,
) -> None:
    """Show the models shipped with mixlingo (license, training data), then those in the cache (and configured
    local model directories), their size and how labels map."""
    from mixlingo.adapters.hub import looks_like_path
    from mixlingo.adapters.model_check import check_model_dir
    from mixlingo.adapters.model_store import list_cached
    from mixlingo.model_cards import shipped_cards
    from mixlingo.translation_routes import needed_directions, plan_direction

    settings = load_settings()
    rows = [(m.model_id, m.size_bytes, m.path) for m in list_cached(settings.models.cache_dir)]
    configured = [settings.models.mbert, settings.reranker.model, *settings.models.translation.values()]
    for model_id in dict.fromkeys(configured):
        path = Path(model_id).expanduser()
        if looks_like_path(model_id) and path.is_dir():
            rows.append((f"{model_id} (local)", sum(p.stat().st_size for p in path.iterdir() if p.is_file()), path))
    plans = [plan_direction(settings, source, target) for source, target in needed_directions(settings)]
    if as_json:
        cached = [{"model": model_id, "size_bytes": size, "path": str(path)} for model_id, size, path in rows]
        directions = [_direction_json(settings, plan) for plan in plans]
        typer.echo(json.dumps({"shipped": [card.to_dict() for card in shipped_cards()], "cached": cached,
                               "directions": directions}, indent=2))
        return
    shipped = Table(title="shipped with mixlingo (each folder's README.md is its model card)")
    for column in ("model", "license", "training data"):
        shipped.add_column(column, overflow="fold")
    for card in shipped_cards():
        shipped.add_row(card.name, card.license, card.training_data)
    console.print(shipped)
    console.print(_directions_table(settings, plans))
    _print_missing(settings)
    if not rows:
        console.print(f"No models cached in {settings.models.cache_dir}. Run `mixlingo models pull`.")
        return
    table = Table(title=f"models in {settings.models.cache_dir}")
    table.add_column("model", overflow="fold")
    table.add_column("size", justify="right")
    table.add_column("what it is · labels → tags", overflow="fold")
    for model_id, size, path in rows:
        check = check_model_dir(path, label_map=settings.models.mbert_label_map, pairs=settings.language_pairs)
        details = "\n".join([*check.lines(), *(f"warning: {w}" for w in check.warnings)])
        table.add_row(model_id, f"{size / 2**20:,.1f} MiB", Text(details))
    console.print(table)


def _directions_table(settings: Settings, plans: list) -> Table:
    """Each direction the configured pairs need, the model that serves it, and whether it is downloaded."""
    from mixlingo.translation_routes import status

    table = Table(title=f"translation models for the configured pairs ({', '.join(settings.pairs)})")
    for column in ("direction", "model", "status"):
        table.add_column(column, overflow="fold")
    for plan in plans:
        table.add_row(plan.direction, plan.models(), status(settings, plan))
    return table


def _direction_json(settings: Settings, plan) -> dict:
    from mixlingo.adapters.hub import is_cached

    def routes(found: list | None) -> list[dict]:
        return [{"model": r.model, "token": r.prefix.strip() or None, "kind": r.kind, "key": r.key,
                 "configured": r.configured, "downloaded": is_cached(r.model, settings.models.cache_dir)}
                for r in found or []]

    return {"source": plan.source, "target": plan.target, "models": routes(plan.preferred), "serving_now": routes(plan.now)}


def _print_missing(settings: Settings) -> None:
    """Which configured model is not usable offline, and the setting that names it (the detail behind notes)."""
    from mixlingo.adapters.hub import is_cached

    configured = [("MIXLINGO_MBERT_MODEL", settings.models.mbert), ("MIXLINGO_RERANKER_MODEL", settings.reranker.model)]
    configured += [(f"MIXLINGO_TRANSLATION_MODELS[{d}]", m) for d, m in settings.models.translation.items()]
    for setting, model_id in configured:
        if not is_cached(model_id, settings.models.cache_dir):
            console.print(escape(f"not downloaded: {model_id} ({setting})"), highlight=False, soft_wrap=True)


@models_app.command("tiny")
def models_tiny(
    out: Annotated[Path, typer.Argument(help="Directory to write the demo models to.")],
) -> None:
    """Build tiny demo models (a 2-layer BERT tagger, a 1-layer Marian with random weights) to try --explain offline."""
    from mixlingo.adapters.testing.tiny_models import build_demo_models

    tagger, marian = build_demo_models(out)
    console.print(f"[green]tiny models written to[/] {escape(str(out))}. Their translations are noise (random weights); "
                  "they show the machinery. Try:", highlight=False, soft_wrap=True)
    typer.echo(
        f"MIXLINGO_MBERT_MODEL={tagger} MIXLINGO_RERANKER_MODEL={tagger} "
        f"MIXLINGO_TRANSLATION_MODELS=es-en={marian},en-es={marian} MIXLINGO_MAX_NEW_TOKENS=6 "
        "mixlingo translate --explain \"Oye, I will send el reporte mañana\""
    )


@config_app.command("show")
def config_show(
    as_json: Annotated[bool, typer.Option("--json", help="Print {env var: value} as JSON.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also say what each setting does.")] = False,
) -> None:
    """Print every setting as MIXLINGO_NAME=value, one line each, in the form you would type it."""
    from mixlingo.config.settings import env_format, setting_fields

    settings = load_settings()
    if as_json:
        values = settings.model_dump(mode="json")  # secrets come out as '**********'
        typer.echo(json.dumps({f"MIXLINGO_{name.upper()}": values[f.group][f.key] if f.group else values[name]
                               for name, f in setting_fields().items()}, indent=2))
        return
    for name, field in setting_fields().items():
        line = Text(f"MIXLINGO_{name.upper()}", style="bold") + Text(f"={env_format(settings.value(name))}")
        console.print(line, soft_wrap=True, highlight=False)
        if verbose and field.info.description:
            console.print(Text(f"    {field.info.description}", style="dim"), soft_wrap=True, highlight=False)


# The other command modules register theirs when imported: here, after this module's, in the order `mixlingo --help`
# lists them (serve: the Slack app and playground; bench and models convert; worker, jobs, db: the scale-out commands;
# transliterate, transliterator train|eval; tagger train|eval).
from mixlingo import serve, bench_cli, cli_jobs, cli_transliterate, cli_tagger  # noqa: E402, F401


def main() -> None:
    app()
