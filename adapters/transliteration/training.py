"""Train a language's transliterator from its Dakshina files, choose the re-ranking on a tuning split, measure on dev.

One recipe for every language; the language code only names the files. Held out: every native word of
the lexicon's dev split, removed from every training source (sentences included), so the figures on
dev are for words the networks never saw. Tuning: the training words whose CRC-32 is a multiple of 10
are kept out of the networks' training and used to choose the re-ranking weights; the lexicon of
known spellings keeps them. The networks are trained once, on the other nine tenths.
"""

from __future__ import annotations

import itertools
import json
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import regex

from mixlingo.adapters.transliteration.dakshina import Dakshina, Pair, native_letters
from mixlingo.adapters.transliteration.fitting import FitOptions, fit
from mixlingo.adapters.transliteration.model import (
    DIRECTIONS, LEXICON, SETTINGS, Reranking, Settings, Transliterator, graph_paths, load_model, save_lexicon,
)
from mixlingo.adapters.transliteration.network import export_onnx
from mixlingo.adapters.transliteration.wordlist import WORDS, WordList, read_word_list, text_frequencies
from mixlingo.core.errors import InputError

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class TrainingOptions:
    """What ``transliterator train`` can change; the defaults built the shipped models."""

    fit: FitOptions = field(default_factory=FitOptions)
    beam: int = 8
    word_lists: tuple[Path, ...] = ()
    """Spelling lists (JSON array or one word per line) whose words count as real words when re-ranking."""
    wordfreq: bool = True
    """Use wordfreq's list for the language, when wordfreq has one."""
    int8: bool = False
    """Store the networks' weights in 8 bits (a quarter of the size)."""


def is_tuning(native: str) -> bool:
    return zlib.crc32(native.encode("utf-8")) % 10 == 0


def _gold(pairs: Iterable[Pair], to: str) -> dict[str, set[str]]:
    gold: defaultdict[str, set[str]] = defaultdict(set)
    for latin, native, _weight in pairs:
        if to == "native":
            gold[latin].add(native)
        else:
            gold[native].add(latin)
    return dict(gold)


def build_word_list(data: Dakshina, letters: regex.Pattern[str], options: TrainingOptions) -> WordList:
    """Word frequencies from wordfreq (if it knows the language) and the native Wikipedia text; the spelling lists as members."""
    counted: list[Mapping[str, float]] = []
    if options.wordfreq:
        import wordfreq

        if data.lang in wordfreq.available_languages():
            counted.append({w: f for w, f in wordfreq.get_frequency_dict(data.lang).items() if letters.fullmatch(w)})
    text = data.native_text()
    if text is not None:
        counted.append(text_frequencies(text, letters))
    return WordList.build(counted, [read_word_list(path) for path in options.word_lists])


def choose_reranking(model: Transliterator, words: Sequence[str], gold: Sequence[set[str]]) -> tuple[Reranking, float]:
    """The weights that put a right spelling first most often for the tuning inputs ``words``, and that top-1."""
    candidates = model.raw_candidates(words, "native")
    flat = [(row, spelling, score) for row, found in enumerate(candidates) for spelling, score in found]
    if not flat:
        return Reranking(), 0.0
    rows = np.array([row for row, _s, _v in flat])
    model_score = np.array([score for _r, _s, score in flat])
    backward = np.array(model.backward_scores(words, candidates))
    backward[~np.isfinite(backward)] = -100.0
    right = np.array([spelling in gold[row] for row, spelling, _v in flat])
    frequency, listed = model.words.lookup([spelling for _r, spelling, _v in flat])
    best: tuple[float, Reranking] = (-1.0, Reranking())
    for weight, listed_value, unknown_value, backward_weight in itertools.product(
        (0.0, 0.5, 1.0, 1.5, 2.0, 3.0), (-12.0, -14.0, -16.0, -18.0, -20.0), (-18.0, -21.0, -24.0, -27.0, -30.0), (0.0, 0.5, 1.0, 1.5, 2.0)
    ):
        if unknown_value > listed_value:
            continue
        choice = Reranking(weight, listed_value, unknown_value, backward_weight)
        total = model_score + weight * choice.feature(frequency, listed) + backward_weight * backward
        order = np.lexsort((-total, rows))  # per row, best first
        first = np.ones(len(order), dtype=bool)
        first[1:] = rows[order][1:] != rows[order][:-1]
        top1 = float(right[order][first].sum()) / len(candidates)
        if top1 > best[0]:
            best = (top1, choice)
    return best[1], best[0]


@dataclass
class DirectionScore:
    inputs: int
    top1: float
    top5: float
    ms_per_word: float
    """Wall-clock, the inputs decoded as one batch."""
    cpu_ms_per_word: float
    """The same in this process's CPU time (what other jobs on a busy machine do not inflate)."""


def evaluate(model: Transliterator, pairs: Iterable[Pair], limit: int | None = None) -> dict[str, DirectionScore]:
    """Top-1/top-5 of the networks (lexicon off) on ``pairs`` in both directions, decoding all inputs of a direction as one batch.

    Towards native script, each distinct romanization is one input and any native word the pairs give
    for it counts as right; towards Latin, each native word is one input and any of its romanizations
    counts (the Dakshina convention)."""
    pairs = list(pairs)
    scores = {}
    for to in DIRECTIONS:
        gold = _gold(pairs, to)
        inputs = sorted(gold)[:limit]
        started, cpu = time.perf_counter(), time.process_time()
        found = model.candidates_batch(inputs, to, 5)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        top1 = sum(bool(f) and f[0] in gold[w] for w, f in zip(inputs, found))
        top5 = sum(any(s in gold[w] for s in f) for w, f in zip(inputs, found))
        scores[to] = DirectionScore(len(inputs), top1 / len(inputs), top5 / len(inputs), 1000 * seconds / len(inputs),
                                    1000 * cpu_seconds / len(inputs))
    return scores


def single_word_ms(model: Transliterator, pairs: Iterable[Pair], count: int = 200) -> dict[str, tuple[float, float]]:
    """(wall-clock, CPU) milliseconds per word when ``count`` held-out inputs are decoded one call each (a one-word message)."""
    pairs = list(pairs)
    times = {}
    for to in DIRECTIONS:
        inputs = sorted(_gold(pairs, to))[:count]
        started, cpu = time.perf_counter(), time.process_time()
        for word in inputs:
            model.candidates_batch([word], to, 1)
        count_used = max(len(inputs), 1)
        times[to] = (1000 * (time.perf_counter() - started) / count_used, 1000 * (time.process_time() - cpu) / count_used)
    return times


@dataclass
class TrainingReport:
    training_pairs: int
    tuning_inputs: int
    tuning_top1: float
    cpu_seconds: float


def train_and_save(lang: str, data_dir: Path, out: Path, options: TrainingOptions, progress: Progress | None = None) -> TrainingReport:
    """Train ``lang``'s transliterator from the Dakshina files in ``data_dir`` and write it to ``out``."""
    started = time.process_time()
    data = Dakshina(lang, data_dir)
    script = data.script()
    letters = native_letters(script)
    held_out = {native for _latin, native, _weight in data.lexicon("dev", letters)}
    pairs = [pair for pair in data.lexicon("train", letters) + data.sentence_pairs(letters) if pair[1] not in held_out]
    if not pairs:
        raise InputError(f"no usable training pairs in {data_dir}")
    fitting = [pair for pair in pairs if not is_tuning(pair[1])]
    tuning = [pair for pair in pairs if is_tuning(pair[1])]
    out.mkdir(parents=True, exist_ok=True)
    alphabets: dict[str, tuple[str, str]] = {}
    for to in DIRECTIONS:
        distinct = sorted({(latin, native) if to == "native" else (native, latin) for latin, native, _weight in fitting})
        network, source, target = fit(distinct, options.fit, progress, label=f"to {to}")
        export_onnx(network, *graph_paths(out, to), int8=options.int8)
        alphabets[to] = (source, target)
    build_word_list(data, letters, options).save(out / WORDS)
    save_lexicon(out / LEXICON, pairs)
    settings = Settings(lang=lang, script=script, beam=options.beam, alphabets=alphabets, reranking=Reranking())
    settings.save(out / SETTINGS)
    if progress:
        progress("choosing the re-ranking on the tuning split", 0, 1)
    model = load_model(out, lang)
    gold = _gold(tuning, "native")
    inputs = sorted(gold)
    reranking, top1 = choose_reranking(model, inputs, [gold[w] for w in inputs])
    Settings(**{**asdict(settings), "reranking": reranking}).save(out / SETTINGS)
    return TrainingReport(len(pairs), len(inputs), top1, time.process_time() - started)


def held_out_pairs(lang: str, data_dir: Path, model_dir: Path) -> list[Pair]:
    settings = json.loads((model_dir / SETTINGS).read_text(encoding="utf-8"))
    return Dakshina(lang, data_dir).lexicon("dev", native_letters(settings["script"]))

