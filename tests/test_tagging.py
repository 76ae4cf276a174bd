"""The tagging stage, pair choice and the message summary, with a fake tagger."""

from __future__ import annotations

import pytest

from mixlingo.adapters.testing.fakes import FakeTagger
from mixlingo.core.errors import InputError
from mixlingo.nlp import Message, Pipeline
from mixlingo.nlp.markup import ProtectMarkup
from mixlingo.nlp.pair import ChoosePair
from mixlingo.nlp.summary import summarize
from mixlingo.nlp.tagging import TagLanguages
from mixlingo.nlp.tokenizer import Tokenize

LEXICON = {"oye": "es", "el": "es", "reporte": "es", "mañana": "es", "send": "en", "i'll": "en", "#tbt": "en"}


def pipeline(*taggers: FakeTagger, pairs=(("en", "es"),)) -> Pipeline:
    return Pipeline([ProtectMarkup(), Tokenize(), ChoosePair(list(pairs)), TagLanguages(*taggers)])


def test_words_get_tags_and_everything_else_is_other() -> None:
    tagger = FakeTagger(LEXICON)
    message = pipeline(tagger).run("Oye <@U1>, I'll send el reporte mañana #tbt :tada: 10")
    assert [(t.text, t.lang) for t in message.tokens] == [
        ("Oye", "es"),
        ("<@U1>", "other"),
        (",", "other"),
        ("I'll", "en"),
        ("send", "en"),
        ("el", "es"),
        ("reporte", "es"),
        ("mañana", "es"),
        ("#tbt", "en"),
        (":tada:", "other"),
        ("10", "other"),
    ]
    # the tagger saw every token but protected markup, for context
    assert tagger.calls == [[["Oye", ",", "I'll", "send", "el", "reporte", "mañana", "#tbt", "10"]]]
    assert message.tagger == "fake" and message.pair == ("en", "es")


def test_spans_are_index_ranges_of_same_language_words() -> None:
    message = pipeline(FakeTagger(LEXICON)).run("Oye, I'll send el reporte mañana")
    spans = message.spans_by_lang()
    assert [(s.start, s.end, s.label) for s in spans] == [(0, 1, "es"), (2, 4, "en"), (4, 7, "es")]
    assert spans[2].text(message) == "el reporte mañana"


def test_summary_reports_dominant_language_and_switching() -> None:
    summary = summarize(pipeline(FakeTagger(LEXICON)).run("Oye, I'll send el reporte mañana"))
    assert summary.dominant == "es"
    assert summary.languages == ("es", "en")
    assert summary.code_switched
    assert summarize(pipeline(FakeTagger(LEXICON)).run(":tada: 👍")).dominant is None


def test_each_pair_goes_to_the_first_tagger_that_covers_it() -> None:
    spa_eng = FakeTagger({"hola": "es"}, languages=("en", "es"))
    any_pair = FakeTagger({"bonjour": "fr"})
    stage = TagLanguages(spa_eng, any_pair)
    assert stage.tagger_for(("en", "es")) is spa_eng
    assert stage.tagger_for(("en", "fr")) is any_pair
    with pytest.raises(InputError, match="no configured tagger covers en-fr"):
        TagLanguages(spa_eng).tagger_for(("en", "fr"))


def test_batch_tagging_makes_one_call_per_pair() -> None:
    tagger = FakeTagger(LEXICON)
    stage = TagLanguages(tagger)
    messages = [Tokenize()(Message(text, pair=("en", "es"))) for text in ["oye", "send it", ""]]
    stage.tag_many(messages)
    assert len(tagger.calls) == 1 and tagger.calls[0] == [["oye"], ["send", "it"], []]


def test_tags_from_the_tagger_on_non_words_are_overruled_to_other() -> None:
    message = pipeline(FakeTagger({}, default="es")).run("hola , 10 😂")
    assert [(t.text, t.lang) for t in message.tokens] == [("hola", "es"), (",", "other"), ("10", "other"), ("😂", "other")]


def test_langid_picks_the_pair_among_configured_ones() -> None:
    chooser = ChoosePair([("en", "es"), ("en", "fr"), ("de", "fr")])
    assert chooser.choose("Je vais envoyer le rapport demain, okay? the meeting is at noon") == ("en", "fr")
    assert chooser.choose("Oye, voy a mandar el reporte mañana, ok? the meeting is at noon") == ("en", "es")


def test_langid_detects_a_pair_when_none_is_configured() -> None:
    chooser = ChoosePair([], languages=["en", "es", "fr", "de", "it", "pt"])
    assert set(chooser.choose("Oye, mañana te mando el reporte, and then we can talk about the budget")) == {
        "en",
        "es",
    }
