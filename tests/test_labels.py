"""Label names from any published convention onto one tag set that no language code can collide with."""

from __future__ import annotations

import pytest

from mixlingo.nlp.labels import (
    NON_LANGUAGE,
    alpha3,
    describe_mapping,
    label_mapping,
    language_code,
    map_label,
    pairs_covered,
)

DEFAULT_MAP = {"lang1": "en", "lang2": "es"}


@pytest.mark.parametrize(
    ("raw", "tag"),
    [
        ("lang1", "en"), ("lang2", "es"),  # LinCE
        ("spa", "es"), ("en", "en"), ("eng", "en"), ("hin", "hi"), ("nep", "ne"),  # codeswitch models
        ("B-spa", "es"), ("I-hin", "hi"), ("EN", "en"),  # BIO prefixes, case
        ("ne", "entity"), ("unk", "unknown"), ("fw", "unknown"), ("other", "other"),  # LinCE non-language names
        ("mixed", "mixed"), ("ambiguous", "ambiguous"), ("entity", "entity"), ("unknown", "unknown"),
        ("LABEL_0", "unknown"), ("xx", "unknown"), ("mul", "unknown"), ("", "unknown"),
    ],
)
def test_the_default_label_map_reads_lince_and_language_names_alike(raw: str, tag: str) -> None:
    assert map_label(raw, DEFAULT_MAP) == tag


def test_a_configured_label_wins_and_its_value_is_normalised() -> None:
    assert map_label("lang2", {"lang1": "en", "lang2": "nep"}) == "ne"
    assert map_label("ne", {"ne": "ne"}) == "ne"  # a model that means Nepali by "ne" can say so


def test_no_non_language_tag_is_a_language_code() -> None:
    assert all(language_code(tag) is None for tag in NON_LANGUAGE)
    assert language_code("unk") == "unk" and language_code("ne") == "ne"  # why the old names `unk`/`ne` had to go


def test_iso_639_codes_of_every_length_map_to_iso_639_1() -> None:
    assert [language_code(c) for c in ("spa", "fre", "ger", "chi", "nep", "hi")] == ["es", "fr", "de", "zh", "ne", "hi"]
    assert language_code("yue") == "yue"  # no two-letter code: the three-letter one stays
    assert [alpha3(c) for c in ("ne", "en", "hi")] == ["nep", "eng", "hin"]


def test_mapping_description_and_pair_coverage() -> None:
    mapping = label_mapping(["other", "en", "nep", "ne", "unk"], DEFAULT_MAP)
    assert describe_mapping(mapping) == "other, en, nep→ne, ne→entity, unk→unknown"
    tags = [tag for _, tag in mapping]
    assert pairs_covered(tags, [("en", "es"), ("en", "ne")]) == [("en", "ne")]


def test_the_two_letter_fast_path_is_exactly_langcodes_own_iso_639_1_set() -> None:
    """The codes answered without langcodes are those langcodes itself keeps as they are."""
    import string

    from langcodes import Language

    from mixlingo.nlp.labels import ISO_639_1

    def kept_by_langcodes(code: str) -> bool:
        language = Language.get(code)
        return language.language == code and language.is_valid()

    two_letter = {a + b for a in string.ascii_lowercase for b in string.ascii_lowercase}
    assert ISO_639_1 == {code for code in two_letter if kept_by_langcodes(code)}
    assert language_code("iw") == "he" and language_code("spa") == "es"  # the rest still goes through langcodes
