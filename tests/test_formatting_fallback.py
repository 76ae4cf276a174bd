"""Bold, italic and strike survive any model output: a pair the model lost is translated on its own and wrapped again.

A model may drop, repeat, swap or garble the placeholders of ``*…*`` in a sentence; the words
between them were then shown unformatted. Now such a sentence is translated again cut at its
markers, so every pair of the source wraps the translation of its own words, markers byte for byte.
"""

from __future__ import annotations

import random
from typing import Any

import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mixlingo.adapters.testing.fakes import FakeTagger, FakeTranslator
from mixlingo.nlp import Pipeline
from mixlingo.nlp.assemble import AssembleTranslation
from mixlingo.nlp.fill import keeps_formatting
from mixlingo.nlp.markup import ProtectMarkup
from mixlingo.nlp.pair import ChoosePair
from mixlingo.nlp.plan import PlanTranslation
from mixlingo.nlp.tagging import TagLanguages
from mixlingo.nlp.tokenizer import Tokenize
from mixlingo.nlp.translate import Translate
from mixlingo.nlp.translation import Candidate, Unit
from mixlingo.nlp.units import MT_PLACEHOLDER, split_at_formatting
from slack_harness import FakeSlack, open_app

ES_EN = {"la": "the", "casa": "house", "el": "the", "reporte": "report", "es": "is", "grande": "big", "muy": "very",
         "nueva": "new", "hola": "hello", "amigo": "friend", "para": "for", "mañana": "tomorrow", "y": "and"}
WORDS = sorted(ES_EN)
_TOKEN = regex.compile(r"\[\d+\]|\w+|\s+|.")


def word_for_word(text: str) -> str:
    """What the fake model makes of words: each looked up, in place; placeholders and the rest as they are."""
    return "".join(ES_EN.get(t.lower(), t) if regex.fullmatch(r"\w+", t) else t for t in _TOKEN.findall(text))


def hostile(rng: random.Random) -> FakeTranslator:
    """Translates the words faithfully, and does what a model may do to the placeholders, differently per candidate."""

    def write(text: str, source: str, target: str) -> list[Candidate]:
        return [Candidate(_mangle(word_for_word(text), rng), -0.1 * (i + 1)) for i in range(4)]

    return FakeTranslator({("es", "en"): ES_EN}, candidates=write)


def _mangle(text: str, rng: random.Random) -> str:
    tokens = _TOKEN.findall(text)
    slots = [i for i, t in enumerate(tokens) if MT_PLACEHOLDER.fullmatch(t)]
    if not slots:
        return text
    # one way of mangling per candidate, or several at once; never a repeat together with a drop or a garble,
    # which together are a clean move to other words: what a model that reorders a sentence rightly does
    how = rng.choice(["keep", "drop", "drop_all", "duplicate", "reorder", "garble", "everything"])
    if how in ("reorder", "everything"):  # the placeholders change places among themselves
        marks = [tokens[i] for i in slots]
        rng.shuffle(marks)
        for i, mark in zip(slots, marks, strict=True):
            tokens[i] = mark
    if how == "duplicate":
        tokens.insert(rng.randrange(len(tokens) + 1), tokens[rng.choice(slots)])
    if how in ("garble", "everything"):
        i = rng.choice(slots)
        tokens[i] = rng.choice(["[ {} ]", "({})", "【{}】", "[{}", "{}]", "[#{}]"]).format(tokens[i][1:-1])
    if how in ("drop", "everything"):
        for i in rng.sample(slots, rng.randint(1, len(slots))):
            tokens[i] = ""
    if how == "drop_all":
        tokens = [t for t in tokens if not MT_PLACEHOLDER.fullmatch(t)]
    return "".join(tokens)


def pipeline(translator: FakeTranslator) -> Pipeline:
    return Pipeline([("markup", ProtectMarkup()), ("tokenize", Tokenize()), ("pair", ChoosePair([("en", "es")])),
                     ("tag", TagLanguages(FakeTagger({w: "es" for w in WORDS}))), ("plan", PlanTranslation("whole")),
                     ("translate", Translate(translator)), ("assemble", AssembleTranslation())])


# A message: Spanish phrases, some formatted (a pair may hold another of a different marker), with
# mentions, emoji and sentence ends between them.
phrase = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)


@st.composite
def formatted(draw: st.DrawFn, depth: int = 0) -> tuple[str, str, list[str]]:
    """(source, its expected translation, the expected translation of every pair in it)."""
    mark = draw(st.sampled_from("*_~"))
    words = draw(phrase)
    parts = [(words, word_for_word(words))]
    inside: list[str] = []
    if depth == 0 and draw(st.booleans()):  # another pair inside this one, with another marker
        source, expected, inside = draw(formatted(depth=1).filter(lambda f: f[0][0] != mark))
        parts.insert(draw(st.integers(0, 1)), (source, expected))
        after = draw(phrase)
        parts.append((after, word_for_word(after)))
    source = mark + " ".join(s for s, _ in parts) + mark
    expected = mark + " ".join(e for _, e in parts) + mark
    return source, expected, [expected, *inside]


element = st.one_of(
    phrase.map(lambda w: (w, [])),
    formatted().map(lambda f: (f[0], f[2])),
    formatted().map(lambda f: (f[0], f[2])),
    st.sampled_from(["<@U1>", ":tada:", "<#C1|general>", "👍", "hola.", "amigo!"]).map(lambda p: (p, [])),
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(element, min_size=1, max_size=6), st.integers(0, 2**32))
# Two pairs whose outer markers lie outside the unit: their inner markers once passed for a pair of their own.
@example([("*amigo*", ["*friend*"]), ("amigo amigo", []), ("*amigo*", ["*friend*"])], 14)
def test_every_pair_wraps_the_translation_of_its_words_whatever_the_model_does_to_placeholders(
        parts: list[tuple[str, list[str]]], seed: int) -> None:
    text = " ".join(source for source, _ in parts)
    message = pipeline(hostile(random.Random(seed)))(text, target="en")
    translation = message.translation
    output = translation.text if translation is not None and translation.text is not None else text
    for _, pairs in parts:
        for pair in pairs:
            assert pair in output, f"{pair!r} lost\nsource: {text!r}\noutput: {output!r}"
    for piece in ("<@U1>", ":tada:", "<#C1|general>", "👍"):
        assert output.count(piece) == text.count(piece), output


def test_a_pair_the_model_lost_is_translated_on_its_own_and_wrapped_again() -> None:
    """It was dropped, its words shown unformatted (``the house is big``), with a note."""
    lost = FakeTranslator({("es", "en"): ES_EN}, candidates=lambda text, s, t: [
        Candidate(MT_PLACEHOLDER.sub("", word_for_word(text)), -0.1)])
    message = pipeline(lost)("oye, *la casa* es muy _grande_ <@U1>", target="en")
    assert message.translation.text == "oye, *the house* is very _big_ <@U1>"
    assert any("translated on their own and formatted again" in note for note in message.translation.notes)
    kept = pipeline(FakeTranslator({("es", "en"): ES_EN}))("oye, *la casa* es muy _grande_ <@U1>", target="en")
    assert kept.translation.text == "oye, *the house* is very _big_ <@U1>" and kept.translation.notes == []
    [unit] = kept.translation.units
    assert unit.fallback == []  # the model kept the markers: the sentence went to it once


def test_keeps_formatting_wants_every_placeholder_once_in_order() -> None:
    pieces = [("[1]", "*"), ("[2]", "*"), ("[3]", "<@U1>")]
    assert keeps_formatting("[1]the house[2] for [3]", pieces)
    assert not keeps_formatting("[1]the house for [3]", pieces)  # dropped
    assert not keeps_formatting("[1]the[1] house[2] for [3]", pieces)  # repeated
    assert not keeps_formatting("[3]the house[1] for [2]", pieces)  # swapped
    assert not keeps_formatting("[1]the house[ 2] for [3]", pieces)  # garbled
    assert not keeps_formatting("[1][2] the house for [3]", pieces)  # around nothing
    assert keeps_formatting("anything at all", [("[1]", "<@U1>")])  # no markers: any output will do


def test_split_at_formatting_keeps_markers_and_spacing_as_written() -> None:
    unit = Unit(0, 30, "hola [1]el reporte[2] para [3]!", [("[1]", "*"), ("[2]", "*"), ("[3]", "<@U1>")], "es")
    parts = split_at_formatting(unit)
    assert [p if isinstance(p, str) else p.source for p in parts] == ["hola", " *", "el reporte", "* ", "para [3]!"]
    assert [p.pieces for p in parts if isinstance(p, Unit)] == [[], [], [("[3]", "<@U1>")]]
    only_markup = Unit(0, 9, "[1][2][3]", [("[1]", "_"), ("[2]", "<@U1>"), ("[3]", "_")], "es")
    assert split_at_formatting(only_markup) == ["_<@U1>_"]


async def test_a_slash_command_keeps_bold_when_the_model_drops_its_markers(tmp_path: Any, fake: FakeSlack) -> None:
    """Scenario: /translate through the real app, a model that drops every placeholder."""
    from slack_harness import ES_EN as HARNESS_ES_EN

    words = {**HARNESS_ES_EN, **ES_EN}

    def drops(text: str, source: str, target: str) -> list[Candidate]:
        out = "".join(words.get(t.lower(), t) if regex.fullmatch(r"\w+", t) else t for t in _TOKEN.findall(text))
        return [Candidate(MT_PLACEHOLDER.sub("", out), -0.1)]

    translator = FakeTranslator({("es", "en"): words, ("en", "es"): {}}, candidates=drops)
    _, _, driver = await open_app(tmp_path, fake, translator=translator)
    try:
        await driver.command("/translate", "en oye, *el reporte* es muy _grande_", response_url=fake.response_url())
        await driver.settle()
        [(_, body)] = fake.responses
        assert body["blocks"][0]["text"]["text"] == "hey, *the report* is very _big_"
    finally:
        await driver.close()  # type: ignore[attr-defined]
