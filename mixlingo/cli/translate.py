"""``mixlingo tag`` and ``mixlingo translate``: one message, or a batch of lines, tagged or translated.

Errors a user can fix are one red line and exit code 2 (:func:`mixlingo.cli.support.friendly`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.text import Text

from mixlingo.config import Settings, load_settings
from mixlingo.cli.app import app
from mixlingo.cli.support import console, errors, note, print_error, show_notes
from mixlingo.core.errors import InputError, ModelNotDownloadedError
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
