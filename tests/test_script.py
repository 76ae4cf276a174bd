"""Romanized Hindi reaches a hi→xx model in Devanagari; a reader may get Hindi back in Latin letters."""

from __future__ import annotations

import pytest

from mixlingo.adapters.testing.fakes import FakeTagger, FakeTranslator, FakeTransliterator
from mixlingo.nlp import Pipeline
from mixlingo.nlp.assemble import AssembleTranslation
from mixlingo.nlp.markup import ProtectMarkup
from mixlingo.nlp.pair import ChoosePair
from mixlingo.nlp.plan import PlanTranslation
from mixlingo.nlp.script import ReadNativeScript, WriteScript, split_target
from mixlingo.nlp.transliteration import transliterate_text
from mixlingo.nlp.tagging import TagLanguages
from mixlingo.nlp.tokenizer import Tokenize
from mixlingo.nlp.translate import Translate

TAGS = {"kal": "hi", "hai": "hi", "bhej": "hi", "dena": "hi", "कल": "hi", "है": "hi",
        "meeting": "en", "please": "en", "report": "en", "tomorrow": "en", "is": "en", "send": "en", "Priya": "entity"}
NATIVE = {"kal": "कल", "hai": "है", "bhej": "भेज", "dena": "देना"}
HI_EN = {"कल": "tomorrow", "है": "is", "भेज": "send", "देना": "give"}
EN_HI = {"tomorrow": "कल", "meeting": "मीटिंग", "is": "है"}


def pipeline(translit: FakeTransliterator, translator: FakeTranslator, default: str = "native") -> Pipeline:
    transliterators = {"hi": translit}
    return Pipeline([
        ("markup", ProtectMarkup()), ("tokenize", Tokenize()), ("pair", ChoosePair([("en", "hi")])),
        ("tag", TagLanguages(FakeTagger(TAGS))), ("plan", PlanTranslation("auto")),
        ("transliterate", ReadNativeScript(transliterators)), ("translate", Translate(translator, 1)),
        ("assemble", AssembleTranslation()), ("script", WriteScript(transliterators, default)),
    ])


def test_only_the_hindi_words_of_a_unit_reach_the_model_in_devanagari() -> None:
    translit, translator = FakeTransliterator("hi", NATIVE), FakeTranslator({("hi", "en"): HI_EN})
    message = pipeline(translit, translator)("kal *meeting* hai <@U024BE7LH>, please report bhej dena", target="en")
    [(source, target, [model_input], _)] = translator.calls
    assert (source, target) == ("hi", "en")
    assert model_input == "कल [1]meeting[2] है [3], please report भेज देना"  # English words, markup stay as written
    [unit] = message.translation.units
    assert unit.written == "kal [1]meeting[2] है [3], please report bhej dena".replace("है", "hai")
    assert message.translation.text == "tomorrow *meeting* is <@U024BE7LH>, please report send give"
    assert translit.calls == [("native", ["kal", "hai", "bhej", "dena"])]


def test_devanagari_hindi_and_other_languages_are_left_alone() -> None:
    translit = FakeTransliterator("hi", NATIVE)
    translator = FakeTranslator({("hi", "en"): HI_EN})
    message = pipeline(translit, translator)("कल meeting है", target="en")
    [unit] = message.translation.units
    assert unit.written is None and translit.calls == []
    assert message.translation.text == "tomorrow meeting is"


def test_a_reader_who_wants_latin_letters_gets_romanized_hindi_with_markup_intact() -> None:
    translit, translator = FakeTransliterator("hi", NATIVE | {"meeting": "मीटिंग"}), FakeTranslator({("en", "hi"): EN_HI})
    text = "tomorrow *meeting* is <@U024BE7LH> :tada:"
    native = pipeline(translit, translator)(text, target="hi")
    assert native.translation.text == "कल *मीटिंग* है <@U024BE7LH> :tada:"
    latin = pipeline(translit, translator)(text, target="hi-Latn")
    assert (latin.target, latin.script) == ("hi", "latin")
    assert latin.translation.text == "kal *meeting* hai <@U024BE7LH> :tada:"
    by_default = pipeline(translit, translator, default="latin")(text, target="hi")
    assert by_default.translation.text == latin.translation.text


@pytest.mark.parametrize(("target", "split"), [("hi", ("hi", None)), ("hi-Latn", ("hi", "latin")), ("en", ("en", None))])
def test_a_target_names_its_script_with_a_bcp47_subtag(target: str, split: tuple[str, str | None]) -> None:
    assert split_target(target) == split


def test_romanize_keeps_every_byte_that_is_not_a_devanagari_word() -> None:
    """Code stays as written; a link's label is text the reader reads, so it is romanized like the rest."""
    translit = FakeTransliterator("hi", NATIVE)
    text = "<@U1> कल `है` <https://x.in|है> है, ok 😂 है।"
    assert transliterate_text(text, translit, "latin") == "<@U1> kal `है` <https://x.in|hai> hai, ok 😂 hai।"
