"""A pipeline is a list of stages; a stage is anything with ``__call__(Message) -> Message``.

A stage that runs a model may also offer ``many(messages) -> messages``: one model call for
the whole batch. :meth:`Pipeline.pipe` uses it; the other stages run message by message.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, runtime_checkable

from mixlingo.errors import InputError
from mixlingo.nlp.model import Message
from mixlingo.nlp.text import clean_text


@runtime_checkable
class Stage(Protocol):
    def __call__(self, message: Message) -> Message: ...


class Pipeline:
    """Runs stages in order over a :class:`Message`."""

    def __init__(self, stages: Iterable[Stage]):
        self.stages = list(stages)

    def __call__(self, message: Message) -> Message:
        for stage in self.stages:
            message = stage(message)
        return message

    def run(self, text: str, *, max_chars: int | None = None, target: str | None = None) -> Message:
        """Clean raw input at the boundary, then run every stage."""
        return self(Message(clean_text(text, max_chars=max_chars), target=target))

    def pipe(
        self, texts: Iterable[str], *, batch_size: int = 32, max_chars: int | None = None, target: str | None = None
    ) -> Iterator[Message | InputError]:
        """Translate (or tag) many texts, ``batch_size`` at a time, yielding one result per text in order.

        Model stages see a whole batch in one call (their ``many``), which costs far less per message
        than one call each. A text that is bad input yields its :class:`InputError` in its place; if a
        batch fails on input, its messages are run one at a time so only the bad one fails.
        """
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from self._pipe_batch(batch, max_chars, target)
                batch = []
        if batch:
            yield from self._pipe_batch(batch, max_chars, target)

    def _pipe_batch(self, texts: list[str], max_chars: int | None, target: str | None) -> list[Message | InputError]:
        results: list[Message | InputError] = []
        for text in texts:
            try:
                results.append(Message(clean_text(text, max_chars=max_chars), target=target))
            except InputError as error:
                results.append(error)
        messages = [r for r in results if isinstance(r, Message)]
        try:
            done = iter(self.many(messages))
        except InputError as error:
            if len(messages) == 1:
                return [error if isinstance(r, Message) else r for r in results]
            # stages change messages in place: each is run again from its text, alone
            return [r if isinstance(r, InputError) else _or_error(self, text, max_chars, target) for r, text in zip(results, texts)]
        return [r if isinstance(r, InputError) else next(done) for r in results]

    def many(self, messages: list[Message]) -> list[Message]:
        """Every stage over a batch: batched where the stage can, message by message otherwise."""
        for stage in self.stages:
            batched = getattr(stage, "many", None)
            messages = list(batched(messages)) if batched is not None else [stage(m) for m in messages]
        return messages

    @property
    def names(self) -> list[str]:
        return [type(stage).__name__ for stage in self.stages]


def _or_error(pipeline: Pipeline, text: str, max_chars: int | None, target: str | None) -> Message | InputError:
    try:
        return pipeline.run(text, max_chars=max_chars, target=target)
    except InputError as error:
        return error
