"""The reranker picks what the combined score says, and its guards bite."""

from __future__ import annotations

import pytest

from mixlingo.adapters.fakes import FakeEncoder
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
    messages = [message_with("la casa", [("a", -1), ("b", -2)]), message_with("hola [1]", [("hi [1]", -1)])]
    Rerank(encoder).rerank_many(messages)
    assert encoder.calls == [["la casa", "hola", "a", "b", "hi"]]
