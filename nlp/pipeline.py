"""A pipeline is a list of stages; a stage is anything with ``__call__(Message) -> Message``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

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

    @property
    def names(self) -> list[str]:
        return [type(stage).__name__ for stage in self.stages]
