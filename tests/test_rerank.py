"""The reranker picks what the combined score says, and its guards bite."""

from __future__ import annotations

import pytest

from mixlingo.adapters.testing.fakes import FakeEncoder
from mixlingo.nlp.model import Message
from mixlingo.nlp.rerank import Rerank, RerankWeights
from mixlingo.nlp.translation import Candidate, Scored, Translation, Unit


def message_with(source: str, candidates: list[tuple[str, float]], pieces=()) -> Message:
    unit = Unit(0, len(source), source, list(pieces), "es", scored=[Scored(Candidate(t, s)) for t, s in candidates])
    message = Message(source, target="en")
    message.translation = Translation("en", "whole", "test", units=[unit])
    return message


def test_combined_score_can_overrule_the_model_order() -> None:
    encoder = FakeEncoder({"la casa": (1, 0), "the house": (1, 0), "the home": (0.6, 0.8)})
    message = message_with("la casa", [("the home", -0.2), ("the house", -0.5)])
    Rerank(encoder, RerankWeights(model=1.0, similarity=2.0)).rerank_many([message])
    unit = message.translation.units[0]
    assert [round(s.similarity, 3) for s in unit.scored] == [0.6, 1.0]
    assert [round(s.final, 3) for s in unit.scored] == [1.0, 1.5]  # -0.2+2*0.6, -0.5+2*1.0
    assert unit.chosen == 1


def test_with_no_similarity_weight_the_model_order_wins() -> None:
    encoder = FakeEncoder({"la casa": (1, 0), "the house": (1, 0), "the home": (0.6, 0.8)})
    message = message_with("la casa", [("the home", -0.2), ("the house", -0.5)])
    Rerank(encoder, RerankWeights(similarity=0.0)).rerank_many([message])
    assert message.translation.units[0].chosen == 0


def test_untranslated_copy_is_penalised() -> None:
    message = message_with("la casa grande", [("La casa grande!", -0.01), ("the big house", -0.3)])
    Rerank(FakeEncoder({})).rerank_many([message])
    unit = message.translation.units[0]
    assert unit.scored[0].penalties == {"copy": 1.0}
    assert unit.chosen == 1


def test_dropped_placeholders_are_penalised_in_proportion() -> None:
    pieces = [("[1]", "<@U1>"), ("[2]", ":tada:")]
    message = message_with("hola [1] [2]", [("hi", -0.01), ("hi [1]", -0.2), ("hi [1] [2]", -0.4)], pieces)
    Rerank(FakeEncoder({}), RerankWeights(length_penalty=0)).rerank_many([message])
    unit = message.translation.units[0]
    assert [s.penalties.get("placeholders", 0) for s in unit.scored] == [2.0, 1.0, 0]
    assert unit.chosen == 2


@pytest.mark.parametrize(("candidate", "penalised"), [("ok", True), ("the big house", False), ("word " * 30, True)])
def test_wild_length_ratio_is_penalised(candidate: str, penalised: bool) -> None:
    message = message_with("la casa grande", [(candidate, -0.1)])
    Rerank(FakeEncoder({})).rerank_many([message])
    assert ("length" in message.translation.units[0].scored[0].penalties) is penalised


def test_all_messages_are_embedded_in_one_encoder_call() -> None:
    encoder = FakeEncoder({})
    messages = [message_with("la casa", [("a", -1), ("b", -2)]), message_with("hola [1]", [("hi [1]", -1), ("hey [1]", -1.5)])]
    Rerank(encoder).rerank_many(messages)
    assert encoder.calls == [["la casa", "hola", "a", "b", "hi", "hey"]]


def test_a_sentence_whose_best_candidate_leads_by_the_margin_is_not_embedded() -> None:
    encoder = FakeEncoder({"la casa": (1, 0), "the house": (1, 0), "the home": (0.6, 0.8)})
    clear = message_with("el perro", [("the dog", -0.1), ("dog the", -2.5)])  # leads by 2.4
    close = message_with("la casa", [("the home", -0.2), ("the house", -0.5)])  # leads by 0.3
    Rerank(encoder, RerankWeights(skip_margin=1.0)).rerank_many([clear, close])
    assert encoder.calls == [["la casa", "the home", "the house"]]  # only the close one, in one call
    unit = clear.translation.units[0]
    assert unit.chosen == 0 and [s.similarity for s in unit.scored] == [None, None]
    assert [round(s.final, 3) for s in unit.scored] == [-0.1, -2.5]
    assert close.translation.units[0].chosen == 1  # similarity still overrules the model where it is close


def test_without_a_margin_every_sentence_is_embedded_and_each_distinct_text_once() -> None:
    encoder = FakeEncoder({})
    first = message_with("la casa", [("the house", -0.1), ("the house", -0.2), ("home", -3.0)])
    second = message_with("la casa", [("the house", -0.3), ("a house", -0.4)])
    Rerank(encoder, RerankWeights(skip_margin=0.0)).rerank_many([first, second])
    assert len(encoder.calls) == 1
    assert sorted(encoder.calls[0]) == ["a house", "home", "la casa", "the house"]
    assert all(s.similarity is not None for s in first.translation.units[0].scored)


def test_a_sentence_with_one_distinct_candidate_needs_no_encoder() -> None:
    encoder = FakeEncoder({})
    message = message_with("la casa", [("the house", -0.1), ("the house", -0.2)])
    Rerank(encoder).rerank_many([message])
    assert encoder.calls == [] and message.translation.units[0].chosen == 0
