"""The tag set: ISO 639-1 language codes plus a few non-language labels.

Every tagger maps its own label set onto this one, so the rest of the pipeline
never sees ``lang1``/``lang2`` or a model's private names.
"""

from __future__ import annotations

from collections.abc import Mapping

OTHER = "other"  # punctuation, numbers, emoji, markup: nothing to translate
NE = "ne"  # a named entity: keep as it is
MIXED = "mixed"  # one word built from two languages ("googlear")
AMBIGUOUS = "ambiguous"  # fits both languages equally
UNK = "unk"  # a word no language claims

NON_LANGUAGE = frozenset({OTHER, NE, MIXED, AMBIGUOUS, UNK})

# LinCE-style names that are not languages, mapped onto ours.
_COMMON = {"other": OTHER, "ne": NE, "mixed": MIXED, "ambiguous": AMBIGUOUS, "unk": UNK, "fw": UNK}


def is_language(tag: str | None) -> bool:
    return tag is not None and tag not in NON_LANGUAGE


def map_label(raw: str, label_map: Mapping[str, str]) -> str:
    """A model's own label → our tag. Unknown labels become ``unk``, never an error."""
    name = raw.strip()
    for prefix in ("B-", "I-"):  # BIO-style token classifiers
        if name.startswith(prefix):
            name = name[len(prefix) :]
    if name in label_map:
        return label_map[name]
    lowered = name.lower()
    if lowered in _COMMON:
        return _COMMON[lowered]
    if len(lowered) == 2 and lowered.isalpha():
        return lowered
    return UNK
