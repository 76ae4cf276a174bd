"""The shipped transliterator: spellings people used for known words, a graphone model for the rest.

A romanization seen in the training lexicon is written the way people wrote it most often; any
other word goes through the graphone n-gram (beam search), and towards Devanagari its best
candidates are re-ranked by how common each spelling is as a Hindi word (wordfreq's list), because
the letters alone rarely settle vowel length or nasalization (``hai`` could be है or हाई). The files
are plain: a TSV lexicon, a TSV of graphones and a NumPy archive of the n-gram, so nothing here
needs torch, and loading takes well under a second.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import regex

from mixlingo.adapters.transliteration.decoder import Choices, decode
from mixlingo.adapters.transliteration.ngram import NGramModel

LEXICON = "lexicon.tsv"
GRAPHONES = "graphones.tsv"
NGRAM = "ngram.npz"
SETTINGS = "settings.json"

LATIN_RUN = regex.compile(r"[a-z]+")
_CACHE_SIZE = 50_000
_OTHER_LATIN = regex.compile(r"[\p{Latin}--[a-zA-Z]]", regex.V1)
NATIVE_RUN = regex.compile(r"[\p{Devanagari}--[\u0964\u0965\u0966-\u096F]]+", regex.V1)
"""Devanagari letters and signs; dandas and digits are left as they are."""
_MALFORMED = regex.compile(
    r"^[\u0900-\u0903\u093C-\u094D\u0962\u0963]"  # a word that starts with a sign
    r"|[^\u0915-\u0939\u0958-\u095F\u093C][\u093E-\u094D\u0962\u0963]"  # a vowel sign or virama after no consonant
    r"|[^\u0915-\u0939]\u093C"  # a nukta after no consonant
    r"|\u094D[\u0900-\u0903]"  # a nasal sign or visarga after a virama
)


def well_formed(native: str) -> bool:
    """Whether a Devanagari spelling follows the script's order of signs (the model can propose ones that do not)."""
    return not _MALFORMED.search(native)


@dataclass(frozen=True)
class DecodingSettings:
    """How the graphone model is searched; saved with the model, so evaluation and use agree."""

    max_chunk: int = 2
    beam: int = 16
    candidates: int = 10
    prior_weight: float = 1.5
    """Weight of log word frequency when re-ranking Devanagari candidates (0: letters only)."""
    unknown_log_frequency: float = -18.0
    """Log frequency given to a candidate missing from the word list (the list's rarest are about -13.8)."""
    prior_lang: str = "hi"


def hindi_word_prior(lang: str) -> Mapping[str, float]:
    """Word → frequency for ``lang`` from wordfreq (a dependency already; its data is CC BY-SA 4.0)."""
    import wordfreq

    frequencies: Mapping[str, float] = wordfreq.get_frequency_dict(lang)
    return frequencies


class GraphoneTransliterator:
    """Romanized ⇄ native script for one language; see the module docstring for how."""

    def __init__(
        self,
        lang: str,
        lexicon: Sequence[tuple[str, str, float]],
        graphones: Sequence[tuple[str, str]],
        model: NGramModel,
        settings: DecodingSettings,
        prior: Callable[[], Mapping[str, float]] | None = None,
    ):
        self.lang = lang
        self.model = model
        self.settings = settings
        self._native: dict[str, list[tuple[str, float]]] = {}
        latin_counts: dict[str, tuple[float, str]] = {}
        for latin, native, count in lexicon:
            self._native.setdefault(latin, []).append((native, count))
            if native not in latin_counts or count > latin_counts[native][0]:
                latin_counts[native] = (count, latin)
        self._latin = {native: latin for native, (_count, latin) in latin_counts.items()}
        self._from_latin: dict[str, list[tuple[int, str]]] = {}
        self._from_native: dict[str, list[tuple[int, str]]] = {}
        for graphone_id, (latin, native) in enumerate(graphones, start=1):
            self._from_latin.setdefault(latin, []).append((graphone_id, native))
            self._from_native.setdefault(native, []).append((graphone_id, latin))
        self._prior_source = prior
        self._prior: Mapping[str, float] | None = None
        self._cache: dict[tuple[str, str], str] = {}

    def to_native(self, words: Sequence[str]) -> list[str]:
        """Each word's Latin letters (a–z, any case) written in the native script; anything else kept (café stays café)."""
        return [self._convert(word, "native") for word in words]

    def to_latin(self, words: Sequence[str]) -> list[str]:
        """Each word's native letters written in lowercase Latin letters; anything else kept."""
        return [self._convert(word, "latin") for word in words]

    def candidates(self, word: str, to: str, n: int = 5) -> list[str]:
        """The character model's ``n`` best spellings of one bare word (lowercase a–z, or native letters), best first.

        The lexicon is not consulted: this is what the model does with a word it never saw."""
        choices: Choices = self._from_latin if to == "native" else self._from_native
        found = decode(word, choices, self.model, beam=self.settings.beam, nbest=max(n, self.settings.candidates),
                       max_chunk=self.settings.max_chunk)
        if to == "native":
            found = [item for item in found if well_formed(item[0])] or found
        if to == "native" and self.settings.prior_weight:
            found = sorted(found, key=lambda item: -(item[1] + self.settings.prior_weight * self._log_frequency(item[0])))
        return [spelling for spelling, _score in found[:n]]

    def _convert(self, word: str, to: str) -> str:
        if to == "native" and _OTHER_LATIN.search(word):
            return word  # café, Müller: not romanized Hindi
        pattern = LATIN_RUN if to == "native" else NATIVE_RUN
        source = word.lower() if to == "native" else word
        return pattern.sub(lambda match: self._run(match.group(), to), source) if pattern.search(source) else word

    def _run(self, run: str, to: str) -> str:
        key = (run, to)
        if key not in self._cache:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()  # a long-running bot sees ever new words: start over rather than grow
            known = self._known_native(run) if to == "native" else self._latin.get(run)
            if known is None:
                best = self.candidates(run, to, 1)
                known = best[0] if best else run
            self._cache[key] = known
        return self._cache[key]

    def _known_native(self, latin: str) -> str | None:
        """The lexicon's spelling for a romanization people used: by how many wrote it, and how common it is.

        Counts alone are few and tied, so the word's frequency weighs in; and when fewer than three
        people wrote the romanization, the character model's best spelling competes as if one had
        (``acha`` was written once, for अछा; अच्छा is what most mean)."""
        options = self._native.get(latin)
        if not options:
            return None
        if max(count for _native, count in options) < 3:
            options = [*options, *((spelling, 1.0) for spelling in self.candidates(latin, "native", 1))]
        weight = self.settings.prior_weight
        return max(options, key=lambda option: math.log(option[1]) + weight * self._log_frequency(option[0]))[0]

    def _log_frequency(self, word: str) -> float:
        if self._prior is None:
            self._prior = self._prior_source() if self._prior_source else {}
        frequency = self._prior.get(word)
        return math.log(frequency) if frequency else self.settings.unknown_log_frequency


def save_model(
    out: Path, lexicon: Sequence[tuple[str, str, float]], graphones: Sequence[tuple[str, str, float]], model: NGramModel,
    settings: DecodingSettings,
) -> None:
    """Write the four model files into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / LEXICON).open("w", encoding="utf-8", newline="\n") as file:
        file.write("# latin\tnative\tcount\n")
        file.writelines(f"{latin}\t{native}\t{count:g}\n" for latin, native, count in lexicon)
    with (out / GRAPHONES).open("w", encoding="utf-8", newline="\n") as file:
        file.write("# latin\tnative\tcount (line n after this one is graphone id n)\n")
        file.writelines(f"{latin}\t{native}\t{count:g}\n" for latin, native, count in graphones)
    np.savez_compressed(out / NGRAM, **model.to_arrays())  # type: ignore[arg-type]  # numpy's stub types **kwds as allow_pickle
    (out / SETTINGS).write_text(json.dumps(settings.__dict__, indent=2) + "\n", encoding="utf-8")


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as file:
        return [line.rstrip("\n").split("\t") for line in file if not line.startswith("#")]


def load_model(directory: Path, lang: str, *, prior: Callable[[], Mapping[str, float]] | None = None) -> GraphoneTransliterator:
    """The transliterator saved in ``directory``; the word prior (wordfreq's list for ``lang``) loads on first use."""
    settings = DecodingSettings(**json.loads((directory / SETTINGS).read_text(encoding="utf-8")))
    lexicon = [(latin, native, float(count)) for latin, native, count in _rows(directory / LEXICON)]  # ~80k rows
    graphones = [(latin, native) for latin, native, _count in _rows(directory / GRAPHONES)]
    with np.load(directory / NGRAM) as archive:
        model = NGramModel.from_arrays(dict(archive))
    if prior is None and settings.prior_weight:
        prior_lang = settings.prior_lang
        prior = lru_cache(maxsize=1)(lambda: hindi_word_prior(prior_lang))
    return GraphoneTransliterator(lang, lexicon, graphones, model, settings, prior)
