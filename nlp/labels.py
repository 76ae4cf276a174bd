"""The tag set: ISO 639-1 language codes plus a few non-language labels.

Every tagger maps its own label set onto this one, so the rest of the pipeline
never sees ``lang1``/``lang2``, ``spa``/``hin`` or a model's private names.
The non-language tags are longer than any ISO 639 code (2–3 letters), so no
language can ever be mistaken for one: Nepali is ``ne``, a name is ``entity``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from langcodes import Language
from langcodes.tag_parser import LanguageTagError

OTHER = "other"  # punctuation, numbers, emoji, markup: nothing to translate
ENTITY = "entity"  # a named entity: keep as it is
MIXED = "mixed"  # one word built from two languages ("googlear")
AMBIGUOUS = "ambiguous"  # fits both languages equally
UNKNOWN = "unknown"  # a word no language claims

NON_LANGUAGE = frozenset({OTHER, ENTITY, MIXED, AMBIGUOUS, UNKNOWN})

# LinCE's non-language labels (``ne`` = named entity, ``fw`` = a third language), read on input.
LINCE_NON_LANGUAGE = {"other": OTHER, "ne": ENTITY, "mixed": MIXED, "ambiguous": AMBIGUOUS, "unk": UNKNOWN, "fw": UNKNOWN}

# Codes that are valid ISO 639 but name no language a tagger can emit.
_SPECIAL_CODES = frozenset({"mul", "und", "zxx", "mis"})


def is_language(tag: str | None) -> bool:
    return tag is not None and tag not in NON_LANGUAGE


@lru_cache(maxsize=1024)
def language_code(code: str) -> str | None:
    """Any ISO 639-1/-2/-3 code → its ISO 639-1 code (``spa`` → ``es``, ``nep`` → ``ne``), or None.

    A language without a two-letter code keeps its three-letter one (``yue``).
    """
    try:
        language = Language.get(code.strip())
    except (LanguageTagError, ValueError):
        return None
    found = language.language
    if not found or found in _SPECIAL_CODES or not language.is_valid():
        return None
    return found


def alpha3(tag: str) -> str:
    """A language tag written as ISO 639-3 (``ne`` → ``nep``), the way models store language labels."""
    try:
        return Language.get(tag).to_alpha3()
    except (LanguageTagError, LookupError, ValueError):
        return tag


def map_label(raw: str, label_map: Mapping[str, str]) -> str:
    """A model's own label → our tag. Unknown labels become ``unknown``, never an error.

    In order: the configured label map (``lang2=es``), our own tag names, LinCE's
    non-language names (so a model's ``ne`` is a name, ``unk`` is unknown), then any
    ISO 639 code (``spa``, ``hin``, ``nep``, ``en``) through :func:`language_code`.
    """
    name = raw.strip()
    for prefix in ("B-", "I-"):  # BIO-style token classifiers
        if name.startswith(prefix):
            name = name[len(prefix) :]
    if name in label_map:
        target = label_map[name]
        return target if target in NON_LANGUAGE else language_code(target) or target
    lowered = name.lower()
    if lowered in NON_LANGUAGE:
        return lowered
    if lowered in LINCE_NON_LANGUAGE:
        return LINCE_NON_LANGUAGE[lowered]
    return language_code(lowered) or UNKNOWN


def label_mapping(raw_labels: list[str], label_map: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each model label beside the tag it becomes, in the model's order."""
    return [(raw, map_label(raw, label_map)) for raw in raw_labels]


def describe_mapping(mapping: list[tuple[str, str]]) -> str:
    """``other→other, spa→es, ne→entity``: how a model's labels read, in one line."""
    return ", ".join(raw if raw == tag else f"{raw}→{tag}" for raw, tag in mapping)


def pairs_covered(tags: list[str], pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs whose both languages are among ``tags``."""
    languages = {tag for tag in tags if is_language(tag)}
    return [pair for pair in pairs if set(pair) <= languages]
