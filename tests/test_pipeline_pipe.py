"""``Pipeline.pipe``: a batch of texts through the stages, one batched call per model stage."""

from __future__ import annotations

from mixlingo.errors import InputError
from mixlingo.nlp.model import Message
from mixlingo.nlp.pipeline import Pipeline


class Upper:
    def __call__(self, message: Message) -> Message:
        message.text = message.text.upper()
        return message


class BatchedSuffix:
    """A model-like stage: counts how many messages each call saw."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def __call__(self, message: Message) -> Message:
        return self.many([message])[0]

    def many(self, messages: list[Message]) -> list[Message]:
        self.calls.append(len(messages))
        for message in messages:
            if "BAD" in message.text:
                raise InputError(f"cannot handle {message.text!r}")
            message.text += "!"
        return messages


def test_pipe_batches_model_stages_and_keeps_order() -> None:
    stage = BatchedSuffix()
    pipeline = Pipeline([Upper(), stage])
    out = list(pipeline.pipe(["a", "b", "c", "d", "e"], batch_size=2))
    assert [m.text for m in out] == ["A!", "B!", "C!", "D!", "E!"]
    assert stage.calls == [2, 2, 1]
    assert [m.text for m in out] == [pipeline.run(t).text for t in "abcde"]


def test_bad_input_fails_only_its_own_text() -> None:
    stage = BatchedSuffix()
    out = list(Pipeline([Upper(), stage]).pipe(["ok", "bad one", "x" * 30, "fine"], max_chars=20))
    assert isinstance(out[1], InputError) and "BAD ONE" in str(out[1])
    assert isinstance(out[2], InputError)  # too long: refused at the boundary, like run()
    assert [out[0].text, out[3].text] == ["OK!", "FINE!"]
    assert stage.calls[0] == 3  # the batch was tried whole first, then one by one
