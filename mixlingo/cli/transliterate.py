"""`mixlingo transliterate` (romanized ⇄ native script) and `mixlingo transliterator train|eval --lang XX`.

Input is read like `mixlingo translate` reads it: TEXT, '-' for one input per line of stdin, or
--file with one input per line; output is one line per input line, in order. Bad input is one
``error:`` line and exit code 2; in a file, a bad line is reported and left empty, the others kept.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.markup import escape

from mixlingo.cli.app import app, transliterator_app
from mixlingo.cli.support import console, errors
from mixlingo.core.errors import InputError

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
    from mixlingo.nlp.transliteration import transliterate_text, transliterate_texts

    direction = check_direction(to)
    check_language(lang)
    inputs, batch = _inputs(text, file)
    model = load_transliterator(lang)
    if not batch:
        typer.echo(transliterate_text(inputs[0], model, direction))
        return
    if not inputs:
        raise InputError("the input has no lines; give some text")
    written = iter(transliterate_texts([line for line in inputs if line.strip()], model, direction))  # one batch: much faster per word
    for line in inputs:  # a blank line stays a blank line, as in `mixlingo translate`: output lines stay aligned
        typer.echo(next(written) if line.strip() else "")


@transliterator_app.command("train")
def train(
    lang: Annotated[str, typer.Option("--lang", help="Language code; the Dakshina files are named after it (XX.translit.sampled.*.tsv).")],
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Folder of the language's Dakshina files.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the model to (mixlingo/data/transliteration/XX ships it).")],
    word_list: Annotated[Optional[list[Path]], typer.Option("--word-list", help="A spelling list (JSON array or one word per line) "
                                                            "whose words count as real words when re-ranking; repeatable.")] = None,
    epochs: Annotated[int, typer.Option(help="Passes over the training pairs, per direction.")] = 10,
    threads: Annotated[int, typer.Option(help="CPU threads for torch.")] = 1,
    int8: Annotated[bool, typer.Option("--int8", help="Store the networks' weights in 8 bits: a quarter of the size.")] = False,
    limit: Annotated[Optional[int], typer.Option(help="Score only this many held-out inputs per direction.")] = None,
) -> None:
    """Train the transliterator for --lang on its Dakshina lexicon (and romanized sentences), holding out every dev word; then score on dev.

    Needs torch (training only). Word frequencies for re-ranking come from wordfreq when it knows the
    language, from the native Wikipedia text in --data-dir when present, and from each --word-list."""
    from mixlingo.adapters.transliteration.fitting import FitOptions
    from mixlingo.adapters.transliteration.training import TrainingOptions, train_and_save

    options = TrainingOptions(fit=FitOptions(epochs=epochs, threads=threads), word_lists=tuple(word_list or ()), int8=int8)
    with _progress() as progress:
        task = progress.add_task("preparing", total=None)
        report = train_and_save(lang, data_dir, out, options,
                                lambda what, done, total: progress.update(task, description=what, completed=done, total=total))
    console.print(f"[green]model written to[/] {escape(str(out))}: {report.training_pairs:,} training pairs, "
                  f"{report.cpu_seconds / 60:.1f} min of CPU; re-ranking chosen on {report.tuning_inputs:,} tuning inputs "
                  f"(top-1 {report.tuning_top1:.1%})", highlight=False)
    scores, load_seconds = _report(lang, data_dir, out, limit, as_json=False)
    from mixlingo.adapters.transliteration.card import write_card
    from mixlingo.adapters.transliteration.model import Settings

    if write_card(out, lang, Settings.load(out / "settings.json").script, scores, report.training_pairs, load_seconds):
        console.print(f"model card written: {escape(str(out / 'README.md'))}", highlight=False)


@transliterator_app.command("eval")
def eval_(
    lang: Annotated[str, typer.Option("--lang", help="Language code of the model and of the Dakshina files.")],
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Folder holding XX.translit.sampled.dev.tsv.")],
    model: Annotated[Optional[Path], typer.Option("--model", help="Model folder (default: the shipped model for --lang).")] = None,
    limit: Annotated[Optional[int], typer.Option(help="Score only this many inputs per direction.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Top-1/top-5 of the networks on the dev split (words they never saw), both directions; load time and time per word."""
    from mixlingo.transliteration import models_dir

    _report(lang, data_dir, model or models_dir() / lang, limit, as_json=as_json)


def _progress() -> Progress:
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(), console=errors)


def _report(lang: str, data_dir: Path, model_dir: Path, limit: int | None, *, as_json: bool) -> tuple[dict[str, Any], float]:
    """Score the model in ``model_dir`` on the dev split and print it; (the scores per direction, the load time)."""
    from mixlingo.adapters.transliteration.model import SETTINGS, load_model
    from mixlingo.adapters.transliteration.training import evaluate, held_out_pairs, single_word_ms

    if not (model_dir / SETTINGS).is_file():
        raise InputError(f"{model_dir} holds no transliteration model ({SETTINGS})")
    held_out = held_out_pairs(lang, data_dir, model_dir)
    started, cpu = time.perf_counter(), time.process_time()
    model = load_model(model_dir, lang)
    load_seconds, load_cpu = time.perf_counter() - started, time.process_time() - cpu
    scores = evaluate(model, held_out, limit)
    single = single_word_ms(model, held_out)
    if as_json:
        typer.echo(json.dumps({"load_seconds": round(load_seconds, 3), "load_cpu_seconds": round(load_cpu, 3), "single_word_ms": single,
                               **{k: v.__dict__ for k, v in scores.items()}}, indent=2))
        return scores, load_seconds
    for to, score in scores.items():
        console.print(f"to {to}: top-1 [bold]{score.top1:.1%}[/], top-5 {score.top5:.1%} on {score.inputs:,} unseen inputs; per word "
                      f"{score.ms_per_word:.2f} ms in one batch ({score.cpu_ms_per_word:.2f} ms of CPU), "
                      f"{single[to][0]:.1f} ms one word at a time ({single[to][1]:.1f} ms of CPU)", highlight=False)
    console.print(f"loaded in {load_seconds:.2f} s ({load_cpu:.2f} s of CPU)", highlight=False)
    return scores, load_seconds
