"""Train the romanized ⇄ Devanagari transliterator from Dakshina files and measure it on unseen words.

Training data: the Dakshina lexicon's train split (``devanagari<TAB>romanization<TAB>annotator count``)
and, when present, the word-aligned Wikipedia sentences that native speakers romanized as they would
type them. Held out: every Devanagari word of the lexicon's dev split, which shares no word with train.
The rule is fixed: a held-out word is left out of every training source (sentences included), so the
figures on dev are for words the model never saw.
"""

from __future__ import annotations

import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import regex

from mixlingo.adapters.transliteration.alignment import best_alignment, train_alignment
from mixlingo.adapters.transliteration.model import DecodingSettings, GraphoneTransliterator, save_model
from mixlingo.adapters.transliteration.ngram import NGramModel, train_ngram
from mixlingo.errors import InputError

TRAIN = "hi.translit.sampled.train.tsv"
DEV = "hi.translit.sampled.dev.tsv"
SENTENCES = "hi.romanized.rejoined.aligned.tsv"

Progress = Callable[[str, int, int], None]
Pair = tuple[str, str, float]
"""(romanization, Devanagari, weight)."""

_LATIN = regex.compile(r"[a-z]+")
_NATIVE = regex.compile(r"[\p{Devanagari}--[\u0964\u0965\u0966-\u096F]]+", regex.V1)
_EDGES = regex.compile(r"^[^\p{L}\p{M}]+|[^\p{L}\p{M}]+$")


@dataclass(frozen=True)
class TrainingOptions:
    order: int = 6
    iterations: int = 3
    min_count: int = 2
    """Graphones and n-grams (order 3+) seen fewer times are left out."""
    decoding: DecodingSettings = field(default_factory=DecodingSettings)


def read_lexicon(path: Path) -> list[Pair]:
    """Dakshina lexicon rows as (lowercase romanization, NFC Devanagari, count)."""
    pairs: list[Pair] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {path}: {error}") from error
    for number, line in enumerate(lines, 1):
        parts = line.split("\t")
        if len(parts) != 3 or not parts[2].strip().isdigit():
            raise InputError(f"{path}:{number}: expected devanagari<TAB>romanization<TAB>count")
        native, latin = unicodedata.normalize("NFC", parts[0]), parts[1].lower()
        if _LATIN.fullmatch(latin) and _NATIVE.fullmatch(native):
            pairs.append((latin, native, float(parts[2])))
    return pairs


def read_aligned_sentences(path: Path) -> list[Pair]:
    """Word pairs of the aligned sentences (punctuation trimmed, letters only), weighted by occurrences."""
    seen: Counter[tuple[str, str]] = Counter()
    with path.open(encoding="utf-8") as file:
        for line in file:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 2:
                continue
            native = _EDGES.sub("", unicodedata.normalize("NFC", parts[0]))
            latin = _EDGES.sub("", parts[1].lower())
            if _LATIN.fullmatch(latin) and _NATIVE.fullmatch(native):
                seen[latin, native] += 1
    return [(latin, native, float(count)) for (latin, native), count in seen.items()]


def training_pairs(data_dir: Path, held_out: set[str]) -> list[Pair]:
    """Lexicon train rows plus sentence pairs, without any held-out Devanagari word."""
    path = data_dir / TRAIN
    if not path.is_file():
        raise InputError(f"{data_dir} has no {TRAIN}; give the folder of the Dakshina Hindi files")
    pairs = read_lexicon(path)
    if (data_dir / SENTENCES).is_file():
        pairs += read_aligned_sentences(data_dir / SENTENCES)
    return [pair for pair in pairs if pair[1] not in held_out]


def train_model(
    pairs: Sequence[Pair], options: TrainingOptions, progress: Progress | None = None
) -> tuple[list[tuple[str, str, float]], list[tuple[str, str, float]], NGramModel]:
    """(lexicon rows, graphones with counts, n-gram) learned from ``pairs``."""
    max_chunk = options.decoding.max_chunk
    table = train_alignment(pairs, max_chunk=max_chunk, iterations=options.iterations, progress=progress)
    aligned = [(best_alignment(latin, native, table, max_chunk), weight) for latin, native, weight in pairs]
    usage: Counter[tuple[str, str]] = Counter()
    for path, weight in aligned:
        for graphone in path or ():
            usage[graphone] += round(weight) or 1
    kept = sorted(g for g, c in usage.items() if c >= options.min_count)
    ids = {graphone: number for number, graphone in enumerate(kept, start=1)}
    sequences: list[list[int]] = []
    for path, weight in aligned:
        if path and all(g in ids for g in path):
            sequences += [[ids[g] for g in path]] * (round(weight) or 1)
    if progress:
        progress("counting n-grams", 0, 1)
    model = train_ngram(sequences, options.order, len(ids) + 1, min_count=options.min_count)
    lexicon: defaultdict[tuple[str, str], float] = defaultdict(float)
    for latin, native, weight in pairs:
        lexicon[latin, native] += weight
    return ([(latin, native, count) for (latin, native), count in sorted(lexicon.items())],
            [(latin, native, float(usage[latin, native])) for latin, native in kept], model)


@dataclass
class DirectionScore:
    inputs: int
    top1: float
    top5: float
    ms_per_word: float


def evaluate(model: GraphoneTransliterator, pairs: Iterable[Pair], limit: int | None = None) -> dict[str, DirectionScore]:
    """Top-1/top-5 of the character model on ``pairs`` in both directions.

    Towards Devanagari, each distinct romanization is one input and any Devanagari word the pairs give
    for it counts as right; towards Latin, each Devanagari word is one input and any of its
    romanizations counts (the Dakshina convention)."""
    native_gold: defaultdict[str, set[str]] = defaultdict(set)
    latin_gold: defaultdict[str, set[str]] = defaultdict(set)
    for latin, native, _weight in pairs:
        native_gold[latin].add(native)
        latin_gold[native].add(latin)
    scores = {}
    for to, gold in (("native", native_gold), ("latin", latin_gold)):
        inputs = sorted(gold)[:limit]
        top1 = top5 = 0
        started = time.perf_counter()
        for word in inputs:
            found = model.candidates(word, to, 5)
            top1 += bool(found) and found[0] in gold[word]
            top5 += any(spelling in gold[word] for spelling in found)
        seconds = time.perf_counter() - started
        scores[to] = DirectionScore(len(inputs), top1 / len(inputs), top5 / len(inputs), 1000 * seconds / len(inputs))
    return scores


def held_out_pairs(data_dir: Path) -> list[Pair]:
    path = data_dir / DEV
    if not path.is_file():
        raise InputError(f"{data_dir} has no {DEV}, the held-out split")
    return read_lexicon(path)


def train_and_save(data_dir: Path, out: Path, options: TrainingOptions, progress: Progress | None = None) -> int:
    """Train on ``data_dir`` without its dev words and write the model to ``out``; returns the number of training pairs."""
    held_out = {native for _latin, native, _weight in held_out_pairs(data_dir)}
    pairs = training_pairs(data_dir, held_out)
    lexicon, graphones, model = train_model(pairs, options, progress)
    save_model(out, lexicon, graphones, model, options.decoding)
    return len(pairs)

