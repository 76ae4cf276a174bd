"""The no-training lexicon tagger on real-looking mixed messages."""

from __future__ import annotations

import pytest

from mixlingo.core.errors import InputError
from mixlingo.nlp.lexicon_tagger import LexiconTagger


@pytest.fixture(scope="module")
def tagger() -> LexiconTagger:
    return LexiconTagger()


CASES = [
    ("I'll send el reporte mañana".split(), ["en", "en", "es", "es", "es"]),
    ("no sé what you mean".split(), ["es", "es", "en", "en", "en"]),
    ("vamos a la playa this weekend with the kids".split(), ["es"] * 4 + ["en"] * 5),
]


@pytest.mark.parametrize(("words", "expected"), CASES)
def test_tags_code_switched_sentences(tagger: LexiconTagger, words: list[str], expected: list[str]) -> None:
    assert [t.lang for t in tagger.tag(words, ("en", "es"))] == expected


def test_confidence_is_a_probability_and_lower_where_words_are_shared(tagger: LexiconTagger) -> None:
    tags = tagger.tag(["the", "meeting", "no", "tomorrow"], ("en", "es"))
    assert all(0.0 <= t.confidence <= 1.0 for t in tags)
    assert tags[1].confidence > 0.9


def test_unknown_capitalised_words_mid_sentence_are_names(tagger: LexiconTagger) -> None:
    tags = tagger.tag("vamos con Xochitlana mañana".split(), ("en", "es"))
    assert tags[2].lang == "entity"


def test_words_no_list_knows_fall_back_to_spelling(tagger: LexiconTagger) -> None:
    # invented words: Spanish-looking and English-looking spellings
    tags = tagger.tag(["the", "snorfing", "blorkly", "."], ("en", "es"))
    assert [t.lang for t in tags[:3]] == ["en", "en", "en"]
    tags = tagger.tag(["los", "chapurreadores", "cantaban"], ("en", "es"))
    assert [t.lang for t in tags] == ["es", "es", "es"]


def test_other_pairs_work_without_training(tagger: LexiconTagger) -> None:
    tags = tagger.tag("je pense que the meeting is tomorrow".split(), ("en", "fr"))
    assert [t.lang for t in tags] == ["fr", "fr", "fr", "en", "en", "en", "en"]


def test_unsupported_language_is_a_clear_error(tagger: LexiconTagger) -> None:
    with pytest.raises(InputError, match="no word list for 'xx'; it has [0-9]+ languages") as raised:
        tagger.tag_batch([["hola"]], ("en", "xx"))
    assert raised.value.detail.startswith("supported: ar, bg")  # the list, shown with --verbose
    with pytest.raises(InputError, match="needs a language pair"):
        tagger.tag_batch([["hola"]], None)


def test_camel_case_hashtags_are_read_as_words_not_names(tagger: LexiconTagger) -> None:
    tags = tagger.tag(["great", "game", "MeAgarroElGol", "TechTrivia"], ("en", "es"))
    assert [t.lang for t in tags] == ["en", "en", "es", "en"]
