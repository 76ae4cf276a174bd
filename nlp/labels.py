"""The tag set: ISO 639-1 language codes plus a few non-language labels.

Every tagger maps its own label set onto this one, so the rest of the pipeline
never sees ``lang1``/``lang2``, ``spa``/``hin`` or a model's private names.
The non-language tags are longer than any ISO 639 code (2–3 letters), so no
language can ever be mistaken for one: Nepali is ``ne``, a name is ``entity``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TypeGuard

OTHER = "other"  # punctuation, numbers, emoji, markup: nothing to translate
ENTITY = "entity"  # a named entity: keep as it is
MIXED = "mixed"  # one word built from two languages ("googlear")
AMBIGUOUS = "ambiguous"  # fits both languages equally
UNKNOWN = "unknown"  # a word no language claims

NON_LANGUAGE = frozenset({OTHER, ENTITY, MIXED, AMBIGUOUS, UNKNOWN})

# LinCE's non-language labels (``ne`` = named entity, ``fw`` = a third language), read on input.
LINCE_NON_LANGUAGE = {"other": OTHER, "ne": ENTITY, "mixed": MIXED, "ambiguous": AMBIGUOUS, "unk": UNKNOWN, "fw": UNKNOWN}

# The ISO 639-1 codes, each its own normal form: most labels and every configured pair are one of
# these, answered without importing langcodes (a tenth of a second of every CLI call).
ISO_639_1 = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de "
    "dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie "
    "ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg "
    "mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro "
    "ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tn to tr ts tt tw ty ug "
    "uk ur uz ve vi vo wa wo xh yi yo za zh zu".split()
)

# Codes that are valid ISO 639 but name no language a tagger can emit.
_SPECIAL_CODES = frozenset({"mul", "und", "zxx", "mis"})


def normalize_language(code: str) -> str:
    """A language as the user wrote it (``EN``, `` es ``, ``HI-LATN``, ``pt_br``) → as mixlingo names it.

    The one place every target and pair is written the same way (CLI, settings, the library's
    ``target=``, Slack): the language in lower case, a script subtag in title case, a region in
    upper case (``en``, ``hi-Latn``, ``pt-BR``), as BCP 47 writes them. Model ids are built from it.
    """
    first, *rest = code.strip().replace("_", "-").split("-")
    subtags = [first.lower()]
    for subtag in rest:
        subtags.append(subtag.title() if len(subtag) == 4 and subtag.isalpha() else
                       subtag.upper() if len(subtag) == 2 else subtag.lower())
    return "-".join(subtags)


def is_language(tag: str | None) -> TypeGuard[str]:
    return tag is not None and tag not in NON_LANGUAGE


@lru_cache(maxsize=1024)
def language_code(code: str) -> str | None:
    """Any ISO 639-1/-2/-3 code → its ISO 639-1 code (``spa`` → ``es``, ``nep`` → ``ne``), or None.

    A language without a two-letter code keeps its three-letter one (``yue``).
    """
    if code in ISO_639_1:
        return code
    from langcodes import Language
    from langcodes.tag_parser import LanguageTagError

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
    from langcodes import Language
    from langcodes.tag_parser import LanguageTagError

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
