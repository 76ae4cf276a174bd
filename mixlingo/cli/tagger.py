"""`mixlingo tagger train|eval`: build and measure taggers on LinCE-format corpora, the Hindi–English
sources (train) and tweet-id-format gold (eval)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from mixlingo.cli.app import tagger_app
from mixlingo.cli.support import console, errors
from mixlingo.core.errors import InputError
from mixlingo.core.notes import Note, print_notes

if TYPE_CHECKING:  # the corpus reader and scorer load only when a tagger command runs
    from mixlingo.nlp.corpus import Corpus
    from mixlingo.nlp.evaluation import Report
    from mixlingo.nlp.language_scores import LanguageScores


def _langs(value: str) -> tuple[str, str]:
    from mixlingo.config.settings import parse_pair

    return parse_pair(value.replace(",", "-"))


def _load(data: Path) -> Corpus:
    return _load_labelled(data)[0]


def _load_labelled(data: Path, pair: tuple[str, str] | None = None) -> tuple[Corpus, dict[str, str] | None]:
    """The corpus in any format (LinCE, tweet-id, language-code CoNLL for ``pair``), and the fixed label map of
    the latter two (None for LinCE)."""
    from mixlingo.nlp.tweet_corpus import read_labelled

    corpus, label_map = read_labelled(data, pair)
    print_notes([Note(f"{data}: {problem}", kind="warning") for problem in corpus.problems[:20]])
    if len(corpus.problems) > 20:
        errors.print(f"[yellow]warning:[/] … and {len(corpus.problems) - 20} more malformed lines", highlight=False)
    if not corpus.sentences:
        raise InputError(f"{data.name} holds no sentences in a known format; `mixlingo tagger eval --help` lists them",
                         detail=f"{data}: LinCE (token<TAB>label, blank line between), the tweet-id format (a numeric id "
                                "line, then token<spaces>hi|en|rest lines), or CoNLL labelled with --langs' codes")
    return corpus, label_map


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(), console=errors)


@tagger_app.command("train")
def train(
    out: Annotated[Path, typer.Option(help="Directory to write the model to.")],
    data: Annotated[Optional[Path], typer.Option(help="LinCE-format training file (es/en and other LinCE pairs).")] = None,
    data_dir: Annotated[Optional[Path], typer.Option(
        help="--pair en-XX: the folder holding the sources the language's recipe names.")] = None,
    pair: Annotated[Optional[str], typer.Option(help="en-XX trains that pair's tagger from --data-dir by XX's recipe.")] = None,
    recipe: Annotated[Optional[Path], typer.Option(
        help="--pair en-XX: a recipe file (JSON; default: the one shipped for XX).")] = None,
    start_from: Annotated[Optional[Path], typer.Option(
        help="--pair en-XX: a model already trained on the recipe's silver text; only the gold fine-tuning runs.")] = None,
    kind: Annotated[str, typer.Option(help="embedded (BiLSTM+CRF) | bilstm | mbert")] = "embedded",
    seed: Annotated[int, typer.Option(help="Same seed, same data → same model.")] = 0,
    epochs: Annotated[Optional[int], typer.Option(help="Training epochs (default: per kind).")] = None,
    langs: Annotated[str, typer.Option(help="ISO codes of lang1,lang2 in the corpus.")] = "en,es",
    base: Annotated[str, typer.Option(help="mbert: base model (hub id or dir).")] = "bert-base-multilingual-cased",
    threads: Annotated[int, typer.Option(help="CPU threads for training.")] = 1,
) -> None:
    """Train a tagger on the corpus minus its fixed validation split, then report on that split."""
    from mixlingo.config import load_settings

    if pair is not None:
        _train_pair(_langs(pair), data_dir, recipe, out, kind, seed, epochs, threads, start_from)
        return
    if data is None:
        raise InputError("give --data FILE (a LinCE corpus), or --pair en-XX --data-dir DIR")
    codes = _langs(langs)
    label_map = {"lang1": codes[0], "lang2": codes[1]}
    more: dict[str, Any] = {"epochs": epochs} if epochs else {}
    corpus = _load(data)
    train_part, validation = corpus.split()
    errors.print(f"training {kind} on {len(train_part.sentences):,} sentences; validation: {len(validation.sentences):,}")
    with _progress() as progress:
        task = progress.add_task("preparing", total=None)

        def report(description: str, done: int, total: int) -> None:
            progress.update(task, description=description, completed=done, total=total)

        if kind in ("embedded", "bilstm"):
            from mixlingo.adapters.embedded.training import EmbeddedTrainingOptions, train_embedded

            options = EmbeddedTrainingOptions(
                langs=codes, label_map=tuple(label_map.items()), seed=seed, threads=threads,
                crf_weight=0.5 if kind == "embedded" else 0.0, **more,
            )
            train_embedded(train_part, out, options, report)
        elif kind == "mbert":
            from mixlingo.adapters.mbert_training import MBertTrainingOptions, fine_tune_mbert

            settings = load_settings()
            mbert_options = MBertTrainingOptions(base=base, seed=seed, threads=threads, **more)
            fine_tune_mbert(train_part, out, mbert_options, label_map=label_map, cache_dir=settings.models.cache_dir,
                            offline=settings.models.hub_offline, progress=report)
        else:
            raise InputError(f"unknown --kind {kind!r}; use embedded, bilstm or mbert")
    console.print(f"[green]model written to[/] {out}")
    tagger = _tagger_from(str(out), label_map)
    _print_report(_evaluate(tagger, validation, label_map, codes), as_json=False)


def _train_pair(pair: tuple[str, str], data_dir: Path | None, recipe_path: Path | None, out: Path, kind: str, seed: int,
                epochs: int | None, threads: int, start_from: Path | None) -> None:
    """A language's recipe: silver labels from its sources, gold fine-tuning where it has gold, then a report on the held-out parts."""
    from mixlingo.adapters.embedded.pair_training import pair_options, train_pair
    from mixlingo.adapters.embedded.recipe import load_recipe
    from mixlingo.adapters.embedded.sources import find
    from mixlingo.factory import load_embedded, recipe_file

    if "en" not in pair or pair[0] == pair[1]:
        raise InputError(f"--pair {'-'.join(pair)}: a recipe trains English with one other language, e.g. --pair en-hi")
    lang = pair[1] if pair[0] == "en" else pair[0]
    recipe = load_recipe(recipe_path or recipe_file(lang))
    if data_dir is None:
        raise InputError(f"--pair en-{lang} needs --data-dir DIR: the folder holding {', '.join(recipe.folders)}")
    if kind not in ("embedded", "bilstm"):
        raise InputError(f"--pair en-{lang} trains the embedded tagger only (--kind embedded or bilstm), not {kind!r}")
    for folder in recipe.folders:
        find(data_dir, folder)  # every source present, before minutes of work
    if start_from is not None and not (start_from / "config.json").is_file():
        raise InputError(f"--start-from {start_from}: no trained model there (no config.json)")
    options = pair_options(lang, **{**recipe.network, "seed": seed, "threads": threads, **({"epochs": epochs} if epochs else {})})
    errors.print(f"training the {lang}/en tagger from {data_dir} ({options.epochs} epochs, seed {seed})")
    with _progress() as progress:
        task = progress.add_task("building the silver corpus", total=None)

        def report(description: str, done: int, total: int) -> None:
            progress.update(task, description=description, completed=done, total=total)

        corpus = train_pair(recipe, data_dir, out, options, report, start_from=start_from)
    console.print(f"[green]model written to[/] {out}; training sentences per source: "
                  + ", ".join(f"{name} {count:,}" for name, count in corpus.sizes.items())
                  + (f", gold {len(corpus.gold_train):,}" if corpus.gold_train else ""), highlight=False)
    from mixlingo.tagger_card import write_card

    tagger = load_embedded(out)
    held_out = {}
    for name, part in corpus.dev.items():
        scores = _evaluate(tagger, part, {}, ("en", lang)).languages
        if scores is not None:
            held_out[name] = scores
            _print_languages(scores, title=f"held-out {name}: ")
    if not (out / "README.md").exists():  # a card written by hand stays
        write_card(out, recipe, corpus.sizes, held_out)


@tagger_app.command("eval")
def eval_(
    data: Annotated[Path, typer.Option(
        help="File to evaluate on: LinCE format, the tweet-id format (hi/en/rest labels), "
             "or CoNLL labelled with --langs' codes, ne, other, xx.")],
    tagger: Annotated[str, typer.Option(help="embedded | lexicon | mbert | a model directory.")] = "embedded",
    split: Annotated[str, typer.Option(
        help="all (the whole file, default) | validation (every 10th sentence: the split `train` holds out)")] = "all",
    langs: Annotated[str, typer.Option(help="ISO codes of lang1,lang2 in the corpus.")] = "en,es",
    threads: Annotated[int, typer.Option(help="CPU threads while tagging (1 = one core).")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """LinCE-style report on the whole file (or --split validation): accuracy, weighted F1, per-label scores, confusion matrix, tokens/s.

    A tweet-id-format file (hi/en/rest) is scored for en-hi, with the language-token figures beside the report."""
    from mixlingo.adapters.bert_runtime import set_torch_threads  # torch: only when asked

    from mixlingo.nlp.tweet_corpus import TWEET_LABEL_MAP

    corpus, fixed_map = _load_labelled(data, _langs(langs))
    pair = ("en", "hi") if fixed_map == TWEET_LABEL_MAP else _langs(langs)
    label_map = fixed_map if fixed_map is not None else {"lang1": pair[0], "lang2": pair[1]}
    if split not in ("validation", "all"):
        raise InputError("--split must be validation or all")
    part = corpus.split()[1] if split == "validation" else corpus
    if split == "validation":
        errors.print(f"scoring the validation split only: {len(part.sentences):,} of {len(corpus.sentences):,} sentences "
                     "(--split all scores the whole file)", highlight=False)
    set_torch_threads(threads)
    report = _evaluate(_tagger_from(tagger, label_map, pair), part, label_map, pair)
    _print_report(report, as_json=as_json)


def _tagger_from(name: str, label_map: dict[str, str], langs: tuple[str, str] | None = None):
    from mixlingo.config import load_settings
    from mixlingo.factory import embedded_model_dir, load_embedded, load_mbert

    settings = load_settings()
    if name == "lexicon":
        from mixlingo.nlp.lexicon_tagger import LexiconTagger

        return LexiconTagger()
    if name == "embedded":
        return load_embedded(embedded_model_dir(langs))
    pair = [langs or (label_map["lang1"], label_map["lang2"])]
    if name == "mbert":
        return load_mbert(settings, pair)
    path = Path(name).expanduser()
    if (path / "model.safetensors").is_file() and (path / "vocab.json").is_file() and not (path / "tokenizer.json").is_file():
        return load_embedded(path)
    return load_mbert(settings.replace(mbert_model=str(path), mbert_label_map=label_map), pair)


def _evaluate(tagger, corpus: Corpus, label_map: dict[str, str], pair: tuple[str, str]) -> Report:
    from mixlingo.nlp.evaluation import evaluate
    from mixlingo.nlp.language_scores import language_scores

    sentences = [s.tokens for s in corpus.sentences]
    predicted: list[list[str]] = []
    with _progress() as progress:
        task = progress.add_task(f"tagging with {tagger.name}", total=len(sentences))
        started = time.perf_counter()
        for start in range(0, len(sentences), 2048):  # big chunks: taggers sort them by length
            chunk = sentences[start : start + 2048]
            predicted += [[t.lang for t in tags] for tags in tagger.tag_batch(chunk, pair)]
            progress.advance(task, len(chunk))
        seconds = time.perf_counter() - started
    gold = corpus.gold(label_map)
    report = evaluate(tagger.name, gold, predicted, seconds)
    if any(label in pair for labels in gold for label in labels):
        report.languages = language_scores(gold, predicted, pair)
    return report


def _print_report(report: Report, *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    console.print(
        f"[bold]{report.tagger}[/] on {report.sentences:,} sentences / {report.tokens:,} tokens: "
        f"accuracy [bold]{report.accuracy:.2%}[/], weighted F1 [bold]{report.weighted_f1 * 100:.2f}[/], "
        f"language-token accuracy {report.language_accuracy:.2%}, {report.tokens_per_second:,.0f} tokens/s",
        highlight=False,
    )
    if report.languages is not None:
        _print_languages(report.languages)
    table = Table(title="per label")
    for column in ("label", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label, score in report.labels.items():
        table.add_row(label, f"{score.precision:.3f}", f"{score.recall:.3f}", f"{score.f1:.3f}", f"{score.support:,}")
    console.print(table)
    labels = list(report.labels)
    matrix = Table(title="confusion (rows: gold, columns: predicted)")
    matrix.add_column("gold")
    for label in labels:
        matrix.add_column(label, justify="right")
    for gold in labels:
        row = report.confusion.get(gold, {})
        matrix.add_row(gold, *[str(row.get(p, 0)) if row.get(p) else "·" for p in labels])
    console.print(matrix)


def _print_languages(scores: LanguageScores, title: str = "") -> None:
    langs = " / ".join(scores.f1)
    console.print(
        f"{title}{langs} gold tokens ({scores.tokens:,}): accuracy [bold]{scores.accuracy:.2%}[/] over those tagged {langs}, "
        f"{scores.non_language_share:.2%} tagged entity/other, "
        + ", ".join(f"{lang} F1 [bold]{f1:.3f}[/]" for lang, f1 in scores.f1.items()),
        highlight=False,
    )
