"""Choosing a message's pair from the taggers' own evidence, not from langid on romanized text."""

from __future__ import annotations

from collections.abc import Sequence

from mixlingo.nlp.markup import ProtectMarkup
from mixlingo.nlp.model import Message
from mixlingo.nlp.pair import ChoosePair, OutsidePair
from mixlingo.nlp.tokenizer import Tokenize

HINDI = {"kal", "meeting", "hai", "please", "report", "bhej", "dena", "ok", "yaar", "kya", "scene"}
SPANISH = {"oye", "i'll", "send", "el", "reporte", "mañana", "ok", "please", "report", "meeting", "the"}


def known_share(vocabulary: set[str]):  # a WordEvidence
    def explain(words: Sequence[str]) -> float:
        return sum(w.lower() in vocabulary for w in words) / len(words) if words else 0.0

    return explain


def chosen(text: str, chooser: ChoosePair) -> Message:
    message = Tokenize()(ProtectMarkup()(Message(text)))
    return chooser(message)


def two_pairs() -> ChoosePair:
    return ChoosePair([("en", "es"), ("en", "hi")],
                      evidence={("en", "es"): known_share(SPANISH), ("en", "hi"): known_share(HINDI)})


def test_langid_alone_reads_romanized_hindi_as_spanish() -> None:
    """Why the evidence is needed: the old langid choice picks en-es for this Hinglish message."""
    assert ChoosePair([("en", "es"), ("en", "hi")]).choose("kal meeting hai, please report bhej dena") == ("en", "es")


def test_each_message_gets_the_pair_whose_tagger_explains_its_words() -> None:
    chooser = two_pairs()
    hinglish = chosen("kal meeting hai, please report bhej dena <@U024BE7LH> :tada:", chooser)
    spanglish = chosen("Oye, I'll send el reporte mañana, ok?", chooser)
    assert hinglish.pair == ("en", "hi") and spanglish.pair == ("en", "es")
    assert hinglish.pair_evidence == 1.0
    assert hinglish.pair_reason is not None and "en-hi" in hinglish.pair_reason and "en-es 0.43" in hinglish.pair_reason


def test_a_tie_goes_to_the_pair_configured_first_and_says_so() -> None:
    message = chosen("please send the meeting report", ChoosePair(
        [("en", "hi"), ("en", "es")], evidence={("en", "es"): lambda _w: 0.5, ("en", "hi"): lambda _w: 0.5}))
    assert message.pair == ("en", "hi") and "configured first" in (message.pair_reason or "")
    empty = chosen(":tada: <@U1>", two_pairs())
    assert empty.pair == ("en", "es") and "no words" in (empty.pair_reason or "")


def test_without_evidence_for_every_pair_langid_decides_as_before() -> None:
    chooser = ChoosePair([("en", "es"), ("en", "fr")], evidence={("en", "es"): known_share(SPANISH)})
    message = chosen("Je vais envoyer le rapport demain, okay? the meeting is at noon", chooser)
    assert message.pair == ("en", "fr") and message.pair_evidence is None and "langid" in (message.pair_reason or "")


def test_a_message_its_pair_explains_gets_no_outside_pair_warning() -> None:
    outside = OutsidePair(min_probability=0.5)
    single = ChoosePair([("en", "hi")], evidence={("en", "hi"): known_share(HINDI)})
    explained = chosen("kal meeting hai please report bhej dena yaar kya scene", single)
    assert explained.pair_evidence == 1.0 and outside.language(explained) is None
    explained.pair_evidence = None  # langid alone would warn that this "looks like" another language
    assert outside.language(explained) not in (None, "en", "hi")
