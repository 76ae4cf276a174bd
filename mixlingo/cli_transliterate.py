"""`mixlingo transliterate` (romanized ⇄ native script) and `mixlingo transliterator train|eval`.

Input is read like `mixlingo translate` reads it: TEXT, '-' for one input per line of stdin, or
--file with one input per line; output is one line per input line, in order. Bad input is one
``error:`` line and exit code 2; in a file, a bad line is reported and left empty, the others kept.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.markup import escape

from mixlingo.cli_app import app, transliterator_app
from mixlingo.cli_support import console, errors
from mixlingo.errors import InputError

if TYPE_CHECKING:  # rich's progress bar loads only when training runs
    from rich.progress import Progress


def _strict_utf8(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{where} is not valid UTF-8 (byte {error.start + 1}); save it as UTF-8 and try again") from error


def _inputs(text: str | None, file: Path | None) -> tuple[list[str], bool]:
    """(the inputs, whether they are lines of a batch) from TEXT, '-' or --file."""
    if file is not None:
        if text is not None:
            raise InputError("give either TEXT or --file, not both")
        try:
            raw = file.read_bytes()
        except OSError as error:
            raise InputError(f"cannot read {file}: {error.strerror}") from error
        return _strict_utf8(raw, str(file)).splitlines(), True
    if text == "-":
        if sys.stdin.isatty():
            raise InputError("'-' reads the text from standard input, but nothing was piped in")
        return _strict_utf8(sys.stdin.buffer.read(), "standard input").splitlines(), True
    if text is None or not text.strip():
        raise InputError("the text is empty; give some words, '-' for stdin, or --file PATH")
    if any("\udc80" <= ch <= "\udcff" for ch in text):  # bytes that were not UTF-8, as the shell passed them
        raise InputError("the text is not valid UTF-8")
    return [text], False


@app.command("transliterate")
def transliterate(
    text: Annotated[Optional[str], typer.Argument(help="The text; '-' reads one input per line from stdin.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language whose script to use.")] = "hi",
    to: Annotated[str, typer.Option("--to", help="native (the language's script) | latin.")] = "native",
    file: Annotated[Optional[Path], typer.Option("--file", help="Transliterate each line of this file.")] = None,
) -> None:
    """Write romanized text in the language's own script (e.g. kal → कल), or with --to latin the other way.

    Slack markup, emoji, numbers and punctuation stay as they are. Exit codes: 0 done; 2 bad input
    (with a file: any bad line; the other lines are still written, a bad line's output line is empty)."""
    from mixlingo.transliteration import check_direction, check_language, load_transliterator
    from mixlingo.nlp.transliteration import transliterate_text

    direction = check_direction(to)
    check_language(lang)
    inputs, batch = _inputs(text, file)
    model = load_transliterator(lang)
    if not batch:
        typer.echo(transliterate_text(inputs[0], model, direction))
        return
    if not inputs:
        raise InputError("the input has no lines; give some text")
    for line in inputs:  # a blank line stays a blank line, as in `mixlingo translate`: output lines stay aligned
        typer.echo(transliterate_text(line, model, direction) if line.strip() else "")


@transliterator_app.command("train")
def train(
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Folder of the Dakshina Hindi files (hi.translit.sampled.*.tsv).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the model files to.")],
    order: Annotated[int, typer.Option(help="n-gram order over graphones.")] = 6,
    limit: Annotated[Optional[int], typer.Option(help="Score only this many held-out inputs per direction.")] = None,
) -> None:
    """Train on the lexicon's train split (and the aligned sentences), holding out every dev word; then score on dev."""
    from mixlingo.adapters.transliteration.training import TrainingOptions, train_and_save

    with _progress() as progress:
        task = progress.add_task("preparing", total=None)
        pairs = train_and_save(data_dir, out, TrainingOptions(order=order),
                               lambda what, done, total: progress.update(task, description=what, completed=done, total=total))
    console.print(f"[green]model written to[/] {escape(str(out))} ({pairs:,} training pairs)", highlight=False)
    _report(data_dir, out, limit, as_json=False)


@transliterator_app.command("eval")
def eval_(
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Folder holding hi.translit.sampled.dev.tsv.")],
    model: Annotated[Optional[Path], typer.Option("--model", help="Model folder (default: the shipped hi model).")] = None,
    limit: Annotated[Optional[int], typer.Option(help="Score only this many inputs per direction.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Top-1/top-5 of the character model on the dev split (words it never saw), both directions, and its speed."""
    from mixlingo.transliteration import models_dir

    _report(data_dir, model or models_dir() / "hi", limit, as_json=as_json)


def _progress() -> Progress:
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(), console=errors)


def _report(data_dir: Path, model_dir: Path, limit: int | None, *, as_json: bool) -> None:
    import time

    from mixlingo.adapters.transliteration.model import load_model
    from mixlingo.adapters.transliteration.training import evaluate, held_out_pairs

    if not (model_dir / "ngram.npz").is_file():
        raise InputError(f"{model_dir} holds no transliteration model (ngram.npz)")
    held_out = held_out_pairs(data_dir)
    started = time.perf_counter()
    model = load_model(model_dir, "hi")
    load_seconds = time.perf_counter() - started
    scores = evaluate(model, held_out, limit)
    if as_json:
        typer.echo(json.dumps({"load_seconds": round(load_seconds, 3), **{k: v.__dict__ for k, v in scores.items()}}, indent=2))
        return
    for to, score in scores.items():
        console.print(f"to {to}: top-1 [bold]{score.top1:.1%}[/], top-5 {score.top5:.1%} on {score.inputs:,} unseen inputs, "
                      f"{score.ms_per_word:.1f} ms per word", highlight=False)
    console.print(f"loaded in {load_seconds:.2f} s", highlight=False)
