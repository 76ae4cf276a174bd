"""The shipped transliterator: spellings people used for known words, a character transformer for the rest.

A romanization seen in the training lexicon is written the way people wrote it most often; any other
word goes through the network (a batched beam search), and towards native script its candidates are
re-ranked by how common each spelling is as a word of the language, because the Latin letters alone
rarely settle vowel length or nasalization (``hai`` could be है or हाई). Everything about the language
comes from its model folder: the script, the alphabets, the word list and the re-ranking weights, all
written by the training command. Run time needs onnxruntime and NumPy, no torch.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import regex

from mixlingo.adapters.transliteration.beam import BeamSearch, Candidates
from mixlingo.adapters.transliteration.dakshina import native_letters
from mixlingo.adapters.transliteration.wordlist import WORDS, WordList

LEXICON = "lexicon.tsv"
SETTINGS = "settings.json"
DIRECTIONS = ("native", "latin")

LATIN_RUN = regex.compile(r"[a-z]+")
_OTHER_LATIN = regex.compile(r"[\p{Latin}--[a-zA-Z]]", regex.V1)
_CACHE_SIZE = 50_000
_TRUSTED_COUNT = 3.0
"""A romanization written by fewer people than this lets the network's best spelling compete with the lexicon's."""


def graph_paths(directory: Path, to: str) -> tuple[Path, Path]:
    """The encoder and step graphs of the network that writes towards ``to``."""
    return directory / f"to_{to}.encoder.onnx", directory / f"to_{to}.decoder.onnx"


@dataclass(frozen=True)
class Reranking:
    """score = network log probability + ``weight`` × log frequency of the spelling as a native word
    + ``backward`` × log probability that the other network writes the spelling back as the input.

    A listed word without a count gets ``listed``, a spelling not in the word list ``unknown``."""

    weight: float = 0.0
    listed: float = -14.0
    unknown: float = -20.0
    backward: float = 0.0

    def feature(self, frequency: np.ndarray, listed: np.ndarray) -> np.ndarray:
        return np.where(np.isnan(frequency), np.where(listed, self.listed, self.unknown), frequency)


@dataclass(frozen=True)
class Settings:
    """What the training command learned about the language besides the weights; saved as settings.json."""

    lang: str
    script: str
    """Unicode script name of the native side (Devanagari, Arabic, Tamil, ...)."""
    beam: int
    alphabets: dict[str, tuple[str, str]]
    """Per direction, (source alphabet, target alphabet) of its network: id 3 + i is character i."""
    reranking: Reranking = field(default_factory=Reranking)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Settings:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(raw["lang"], raw["script"], raw["beam"], {k: (v[0], v[1]) for k, v in raw["alphabets"].items()},
                   Reranking(**raw["reranking"]))


def save_lexicon(path: Path, pairs: Iterable[tuple[str, str, float]]) -> None:
    """(romanization, native word, count) rows, counts summed over repeated pairs."""
    counts: dict[tuple[str, str], float] = {}
    for latin, native, weight in pairs:
        counts[latin, native] = counts.get((latin, native), 0.0) + weight
    with path.open("w", encoding="utf-8", newline="\n") as file:
        file.write("# latin\tnative\tcount\n")
        file.writelines(f"{latin}\t{native}\t{count:g}\n" for (latin, native), count in sorted(counts.items()))


class Transliterator:
    """Romanized ⇄ native script for one language; see the module docstring for how."""

    def __init__(self, settings: Settings, lexicon: Sequence[tuple[str, str, float]], searches: dict[str, BeamSearch], words: WordList):
        self.lang = settings.lang
        self.settings = settings
        self.searches = searches
        self.words = words
        self.native_run = native_letters(settings.script)
        self._native: dict[str, list[tuple[str, float]]] = {}
        latin_counts: dict[str, tuple[float, str]] = {}
        for latin, native, count in lexicon:
            self._native.setdefault(latin, []).append((native, count))
            if native not in latin_counts or count > latin_counts[native][0]:
                latin_counts[native] = (count, latin)
        self._latin = {native: latin for native, (_count, latin) in latin_counts.items()}
        self._cache: dict[tuple[str, str], str] = {}

    def to_native(self, words: Sequence[str]) -> list[str]:
        """Each word's Latin letters (a–z, any case) written in the native script; anything else kept (café stays café)."""
        return self._convert(words, "native")

    def to_latin(self, words: Sequence[str]) -> list[str]:
        """Each word's native letters written in lowercase Latin letters; anything else kept."""
        return self._convert(words, "latin")

    def raw_candidates(self, words: Sequence[str], to: str) -> list[Candidates]:
        """The network's beam for each bare word (lowercase a–z, or native letters), best first, not re-ranked."""
        return self.searches[to].search(words, self.settings.beam)

    def candidates_batch(self, words: Sequence[str], to: str, n: int = 5) -> list[list[str]]:
        """The ``n`` best spellings of each bare word by the networks and (towards native script) the word list, best first.

        The lexicon is not consulted: this is what the model does with words it never saw."""
        found = self.raw_candidates(words, to)
        if to == "native" and (self.settings.reranking.weight or self.settings.reranking.backward):
            found = self._reranked(words, found)
        return [[spelling for spelling, _score in options[:n]] for options in found]

    def candidates(self, word: str, to: str, n: int = 5) -> list[str]:
        return self.candidates_batch([word], to, n)[0]

    def backward_scores(self, words: Sequence[str], found: Sequence[Candidates]) -> list[float]:
        """log P(word | spelling) by the network towards Latin, for every candidate of every word, flattened."""
        return self.searches["latin"].score([(spelling, word) for word, options in zip(words, found) for spelling, _score in options])

    def _reranked(self, words: Sequence[str], found: Sequence[Candidates]) -> list[Candidates]:
        reranking = self.settings.reranking
        flat = [spelling for options in found for spelling, _score in options]
        bonus = np.array(self._scores(flat))
        if reranking.backward:
            bonus += reranking.backward * np.array(self.backward_scores(words, found))
        out, place = [], 0
        for options in found:
            extra = bonus[place : place + len(options)].tolist()
            place += len(options)
            out.append(sorted(((spelling, score + more) for (spelling, score), more in zip(options, extra)), key=lambda item: -item[1]))
        return out

    def _scores(self, spellings: Sequence[str]) -> list[float]:
        """Re-ranking bonus of each spelling from the word list: weight × its (log) frequency feature."""
        reranking = self.settings.reranking
        if not spellings:
            return []
        return (reranking.weight * reranking.feature(*self.words.lookup(spellings))).tolist()

    def _convert(self, words: Sequence[str], to: str) -> list[str]:
        pattern = LATIN_RUN if to == "native" else self.native_run
        sources = [word.lower() if to == "native" else word for word in words]
        convertible = [to == "latin" or not _OTHER_LATIN.search(word) for word in words]  # café, Müller: not romanized
        runs = sorted({run for source, ok in zip(sources, convertible) if ok for run in pattern.findall(source)})
        self._resolve([run for run in runs if (run, to) not in self._cache], to)
        return [pattern.sub(lambda match: self._cache[match.group(), to], source) if ok and pattern.search(source) else word
                for word, source, ok in zip(words, sources, convertible)]

    def _resolve(self, runs: Sequence[str], to: str) -> None:
        """Fill the cache for ``runs``: the lexicon where it is sure, the network (one batch for all) otherwise."""
        if len(self._cache) + len(runs) > _CACHE_SIZE:
            self._cache.clear()  # a long-running bot sees ever new words: start over rather than grow
        if to == "latin":
            unknown = [run for run in runs if run not in self._latin]
            best = self.candidates_batch(unknown, to, 1)
            self._cache.update(((run, to), self._latin[run]) for run in runs if run in self._latin)
            self._cache.update(((run, to), found[0] if found else run) for run, found in zip(unknown, best))
            return
        unsure = [run for run in runs if max((count for _n, count in self._native.get(run, ())), default=0.0) < _TRUSTED_COUNT]
        guesses = dict(zip(unsure, self.candidates_batch(unsure, to, 1)))
        for run in runs:
            options = list(self._native.get(run, ()))
            options += [(spelling, 1.0) for spelling in guesses.get(run, ())]  # the network's best competes as if one person wrote it
            if not options:
                self._cache[run, to] = run
                continue
            bonus = self._scores([spelling for spelling, _count in options])
            self._cache[run, to] = max(zip(options, bonus), key=lambda item: math.log(item[0][1]) + item[1])[0][0]


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as file:
        return [line.rstrip("\n").split("\t") for line in file if not line.startswith("#")]


def load_model(directory: Path, lang: str, *, threads: int = 1) -> Transliterator:
    """The transliterator saved in ``directory`` for ``lang``."""
    settings = Settings.load(directory / SETTINGS)
    if settings.lang != lang:
        raise ValueError(f"{directory} holds the {settings.lang!r} model, not {lang!r}")
    lexicon = [(latin, native, float(count)) for latin, native, count in _rows(directory / LEXICON)]
    searches = {to: BeamSearch(*graph_paths(directory, to), *settings.alphabets[to], threads=threads) for to in DIRECTIONS}
    return Transliterator(settings, lexicon, searches, WordList.load(directory / WORDS))
