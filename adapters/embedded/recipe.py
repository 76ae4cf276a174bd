"""A language's training recipe for the en/XX tagger: which sources to read and how to mix them.

The recipe is data (``mixlingo/data/languages/XX.json``), so the code that builds the corpus and
trains the network never names a language: the next language is a new file, not new code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mixlingo.core.errors import InputError

PARALLEL_FORMATS = ("hinglish-top", "phinc")
NETWORK_OPTIONS = frozenset({"hidden", "buckets", "epochs", "min_word_count", "batch_size"})


@dataclass(frozen=True)
class ParallelSource:
    """Code-mixed sentences with English versions (a folder under the data directory)."""

    folder: str
    format: str
    mixed: bool = True
    """Train on its code-mixed side (silver labels); False reads its English side only."""
    english: str = "sample"
    """How its English sides join the English text: ``all``, ``sample`` (shared quota) or ``none``."""
    counts: bool = False
    """Its code-mixed words that the English side lacks add to the romanized-XX counts."""


@dataclass(frozen=True)
class Mix:
    english_sentences: int = 1000
    """English sides drawn (the ``sample`` sources' quota)."""
    native_sentences: int = 6000
    """Romanized XX sentences drawn."""
    splices: int = 3000
    """Synthetic switches: an English phrase spliced into an XX sentence."""
    native_script_sentences: int = 0
    """Sentences in the native script (all XX)."""


@dataclass(frozen=True)
class Gold:
    """Token labels decided in context: trained on (all but the held-out part), then reported on."""

    path: str
    weight: int = 8
    """Each gold message counts this many times beside the silver text when fine-tuning."""
    held_out_every: int = 5
    """Every n-th message (the last of each block) is held out for the report, never trained on."""
    label_scales: dict[str, float] = field(default_factory=dict)
    """Priors for the fine-tuned model (:attr:`EmbeddedTrainingOptions.label_scales`), chosen on a split of the gold training messages."""


@dataclass(frozen=True)
class LanguageRecipe:
    lang: str
    name: str
    script: str
    """The native script's Unicode name (``Devanagari``, ``Tamil``, ``Arabic``)."""
    dakshina: str
    """Folder of the language's Dakshina lexicon and sentences."""
    notice: str
    """Attribution and licence of what the romanized-XX word list is derived from."""
    parallel: tuple[ParallelSource, ...] = ()
    gold: Gold | None = None
    mix: Mix = field(default_factory=Mix)
    held_out_sentences_every: int = 0
    """For a language without real code-mixed text: every n-th romanized sentence is held out
    (spliced with English phrases for the report), 0 for none."""
    homograph_zipf: float = 5.3
    """A common English word (Zipf ≥ 5.5) in romanized XX text is an XX word spelled alike when the romanized-XX
    counts give it at least this Zipf value (Hindi ``to``, ``is``, ``me``, ``the``: 5.4–7.2), else an English
    word the writer kept (Tamil ``the``, ``of``: ≤ 5.3). 0 takes every common English word there for XX."""
    word_list_from_sentences: bool = True
    """The model's romanized-XX frequency list counts the romanized sentences it trains on too. False: the
    lexicon alone, so the network also meets XX words its list lacks and learns their look (an inflecting
    language's sentences hold many forms no list has)."""
    network: dict[str, int] = field(default_factory=dict)
    """Overrides of the network's training options (``hidden``, ``buckets``, ``epochs``, ``min_word_count``):
    a smaller network for a language with less text, so twelve languages stay light."""

    @property
    def folders(self) -> list[str]:
        return [self.dakshina, *(p.folder for p in self.parallel)] + ([str(Path(self.gold.path).parent)] if self.gold else [])


def load_recipe(path: Path) -> LanguageRecipe:
    """The recipe in ``path``; a one-line error naming the problem otherwise."""
    try:
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        parallel = tuple(ParallelSource(**entry) for entry in raw.pop("parallel", []))
        gold = Gold(**raw.pop("gold")) if raw.get("gold") else None
        raw.pop("gold", None)
        mix = Mix(**raw.pop("mix", {}))
        recipe = LanguageRecipe(parallel=parallel, gold=gold, mix=mix, **raw)
    except OSError as error:
        raise InputError(f"cannot read the recipe {path}: {error.strerror or error}") from error
    except (ValueError, TypeError) as error:
        raise InputError(f"{path} is not a valid language recipe: {error}") from error
    unknown = sorted(set(recipe.network) - NETWORK_OPTIONS)
    if unknown:
        raise InputError(f"{path}: unknown network option {unknown[0]!r}; known: {', '.join(sorted(NETWORK_OPTIONS))}")
    for source in recipe.parallel:
        if source.format not in PARALLEL_FORMATS:
            raise InputError(f"{path}: unknown parallel format {source.format!r}; known: {', '.join(PARALLEL_FORMATS)}")
        if source.english not in ("all", "sample", "none"):
            raise InputError(f"{path}: english must be all, sample or none, not {source.english!r}")
    return recipe
