"""Planning: which strategy, why, and exactly which text goes to the translator."""

from __future__ import annotations

from mixlingo.adapters.testing.fakes import FakeTagger
from mixlingo.nlp import Message, Pipeline
from mixlingo.nlp.markup import ProtectMarkup
from mixlingo.nlp.pair import ChoosePair
from mixlingo.nlp.plan import PlanTranslation
from mixlingo.nlp.tagging import TagLanguages
from mixlingo.nlp.tokenizer import Tokenize

LEXICON = {
    "oye": "es", "el": "es", "reporte": "es", "mañana": "es", "la": "es", "casa": "es", "es": "es",
    "grande": "es", "vamos": "es", "con": "es", "a": "es", "playa": "es", "hola": "es",
    "i'll": "en", "send": "en", "the": "en", "report": "en", "ok": "en", "is": "en", "ready": "en",
    "we": "en", "need": "en", "it": "en", "today": "en", "Maria": "entity",
}


def plan(text: str, target: str = "en", strategy: str = "auto", max_unit_chars: int = 400) -> Message:
    stages = [ProtectMarkup(), Tokenize(), ChoosePair([("en", "es")]), TagLanguages(FakeTagger(LEXICON)),
              PlanTranslation(strategy, 0.5, max_unit_chars)]
    return Pipeline(stages).run(text, target=target)


def test_nothing_to_translate_when_every_word_is_in_the_target() -> None:
    t = plan("the report is ready :tada:").translation
    assert t.strategy == "none" and t.reason == "every word is already in en" and t.units == []


def test_nothing_to_translate_when_there_are_no_words() -> None:
    t = plan("👍 :tada: `ls -la` <https://x.com>").translation
    assert t.strategy == "none" and "no words" in t.reason


def test_auto_picks_spans_when_most_words_are_in_the_target() -> None:
    t = plan("we need the report today, Maria, la casa es grande").translation
    assert t.strategy == "spans"
    assert "auto: 56% of the 9 words are already in en" in t.reason
    assert [u.source for u in t.units] == ["la casa es grande"]


def test_auto_picks_whole_when_most_words_are_foreign() -> None:
    t = plan("Oye, I'll send el reporte mañana").translation
    assert t.strategy == "whole" and "translated from es" in t.reason
    assert [u.source for u in t.units] == ["Oye, I'll send el reporte mañana"]


def test_spans_keep_target_words_names_and_markup_in_place() -> None:
    message = plan("the report <@U1> vamos con Maria a la playa :tada: ok", strategy="spans")
    units = message.translation.units
    assert [(u.source, u.pieces) for u in units] == [("vamos con [1] a la playa", [("[1]", "Maria")])]
    assert message.text[units[0].start : units[0].end] == "vamos con Maria a la playa"


def test_inline_markup_becomes_placeholders_and_structure_splits_units() -> None:
    text = "Oye <@U1>, *el reporte* mañana\n• la casa\n```code```\nhola"
    units = plan(text, strategy="whole").translation.units
    assert [u.source for u in units] == ["Oye [1], [2]el reporte[3] mañana", "la casa", "hola"]
    assert units[0].pieces == [("[1]", "<@U1>"), ("[2]", "*"), ("[3]", "*")]


def test_link_label_is_its_own_unit_and_the_url_is_never_sent() -> None:
    units = plan("mira <https://x.com/a|la casa grande> hola", strategy="whole").translation.units
    assert [u.source for u in units] == ["mira", "la casa grande", "hola"]


def test_literal_bracket_numbers_are_not_reused_as_placeholders() -> None:
    units = plan("hola [1] <@U1> la casa", strategy="whole").translation.units
    assert units[0].source == "hola [1] [2] la casa" and units[0].pieces == [("[2]", "<@U1>")]


def test_long_input_is_split_into_sentences_and_model_sized_chunks() -> None:
    text = "Hola la casa es grande. Vamos a la playa! " + "la casa " * 40
    units = plan(text, strategy="whole", max_unit_chars=60).translation.units
    assert units[0].source == "Hola la casa es grande."
    assert units[1].source == "Vamos a la playa!"
    assert all(len(u.source) <= 60 for u in units)
    assert " ".join(u.source for u in units[2:]) == ("la casa " * 40).strip()


def test_spans_in_a_spanish_reader_translate_the_english_parts() -> None:
    t = plan("Oye, I'll send el reporte mañana", target="es").translation
    assert t.strategy == "spans" and [(u.source, u.lang) for u in t.units] == [("I'll send", "en")]


def test_markup_at_the_edges_of_a_unit_stays_outside_it() -> None:
    units = plan(":wave: *la casa es grande* :tada:", strategy="whole").translation.units
    assert [u.source for u in units] == ["la casa es grande"] and units[0].pieces == []


LONG_PIECES = [
    "`" + "x = compute(y) " * 70 + "`",  # a 1,052-character inline code span
    "<@U1|" + "n" * 900 + ">",
    "👍" * 600,
    "*" + "la casa " * 60 + "*",  # a formatted run longer than the limit: its markers are short pieces
]


def test_a_piece_longer_than_the_unit_limit_is_never_cut_and_stays_untranslated() -> None:
    for piece in LONG_PIECES:
        text = f"Hola la casa es grande {piece} vamos a la playa con Maria."
        message = plan(text, strategy="whole", max_unit_chars=400)
        units = message.translation.units
        assert units, piece[:20]
        for unit in units:
            for p in message.protected:
                overlaps = unit.start < p.end and p.start < unit.end
                assert not overlaps or (unit.start <= p.start and p.end <= unit.end), (piece[:20], unit.source[:60])
                assert not overlaps or p.end - p.start <= 400, "a long piece went into a unit"
        assert all(u.end - u.start <= 400 for u in units)


def test_a_chunk_cut_never_lands_inside_a_piece_when_there_is_no_space_to_cut_at() -> None:
    text = "hola" + "a" * 30 + "`" + "b" * 50 + "` la casa"
    units = plan(text, strategy="whole", max_unit_chars=60).translation.units
    code = text.index("`")
    assert all(not (u.start < code < u.end < code + 52) and not (code < u.start < code + 52) for u in units)
