"""The embedded tagger's features: names and places from the gazetteer, and the message's balance."""

from __future__ import annotations

from mixlingo.nlp.gazetteer import gazetteer, name_strengths
from mixlingo.adapters.embedded.features import FeatureExtractor


def test_gazetteer_knows_common_names_and_places_but_not_words() -> None:
    assert len(gazetteer()) > 50_000
    first, last, place = name_strengths("Maria")
    assert first == 3
    assert name_strengths("#Houston")[2] == 3  # a hashtag of a place is still the place
    assert name_strengths("Rodriguez")[1] == 3
    assert name_strengths("que") == (0, 0, 0) and name_strengths("the") == (0, 0, 0)


def test_name_features_mark_capitalised_names_more_strongly() -> None:
    features = FeatureExtractor(("en", "es"))
    title = features.word_features("Houston")
    lower = features.word_features("houston")
    assert title["gz_place=3"] == 1.0 and title["gz_place_title=3"] == 1.0
    assert "gz_place=3" in lower and "gz_place_title=3" not in lower
    assert not any(name.startswith("gz_") for name in features.word_features("reporte"))


def test_the_message_balance_decides_words_that_look_like_both_languages() -> None:
    features = FeatureExtractor(("en", "es"))
    english = features.sentence_parts(["I", "will", "send", "the", "report", "no"])
    spanish = features.sentence_parts(["yo", "te", "mando", "el", "reporte", "no"])
    assert english[-1][1][0] == "sent_en=4" and spanish[-1][1][0] == "sent_en=0"
    assert "ambiguous_sent_en=4" in english[-1][1]  # "no" is common in both languages
    assert "ambiguous_sent_en=4" not in english[2][1]  # "send" clearly is English
    merged = features.sentence_features(["I", "will", "send", "the", "report", "no"])
    assert merged[-1]["sent_en=4"] == 1.0 and merged[-1]["-1:w=report"] == 1.0
