"""The shipped transliterators, by language, and ``mixlingo.transliterate`` for library users.

Each language's model lives in ``mixlingo/data/transliteration/<lang>/`` (see its README.md); it is
loaded on first use and kept, so a process pays the load (well under a second) once. Any language whose
folder holds a model (written by ``mixlingo transliterator train --lang XX``) is available.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from mixlingo.core.errors import InputError
from mixlingo.nlp.transliteration import DIRECTIONS, Direction, Transliterator, transliterate_text

MODEL_FILE = "settings.json"


def models_dir() -> Path:
    return Path(__file__).resolve().parent / "data" / "transliteration"


def available_languages() -> list[str]:
    """Languages with a shipped transliteration model, sorted."""
    root = models_dir()
    return sorted(p.name for p in root.iterdir() if (p / MODEL_FILE).is_file()) if root.is_dir() else []


def check_language(lang: str) -> str:
    """``lang`` if a model ships for it; otherwise an InputError that names the ones that do."""
    if lang not in available_languages():
        raise InputError(f"no transliteration model for {lang!r}; available: {', '.join(available_languages()) or 'none'}")
    return lang


def check_direction(to: str) -> Direction:
    for direction in DIRECTIONS:
        if to == direction:
            return direction
    raise InputError(f"unknown direction {to!r}; use 'native' (into the language's own script) or 'latin'")


@cache
def load_transliterator(lang: str) -> Transliterator:
    """The shipped model for ``lang`` (InputError if there is none), loaded once per process."""
    from mixlingo.adapters.transliteration.model import load_model

    return load_model(models_dir() / check_language(lang), lang)


def transliterate(text: str, lang: str = "hi", to: str = "native") -> str:
    """``text`` with its words put into ``lang``'s script (``to="native"``) or into Latin letters (``to="latin"``).

    Slack markup (mentions, links, ``:emoji:``, code), numbers, punctuation and spacing are kept byte for
    byte; towards native script only Latin-letter words change, towards Latin only words in another script.
    """
    direction = check_direction(to)
    if not isinstance(text, str) or not text.strip():
        raise InputError("the text is empty; give some words to transliterate")
    return transliterate_text(text, load_transliterator(lang), direction)
