"""A pipeline is a list of named stages; a stage is anything with ``__call__(Message) -> Message``.

Stages are found by name (``get_pipe("tag")``), never by class or position, in the spirit of
spaCy's ``Language``. A stage with a batch method (``tag_many``, ``translate_many``,
``rerank_many``) gets a whole batch in one call from :meth:`Pipeline.pipe`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any, Protocol, TypeVar, overload, runtime_checkable

from mixlingo.core.errors import InputError
from mixlingo.nlp.labels import normalize_language
from mixlingo.nlp.model import Message
from mixlingo.nlp.script import split_target
from mixlingo.nlp.text import clean_text

BATCH_METHODS = ("tag_many", "translate_many", "rerank_many")
T = TypeVar("T")
S = TypeVar("S")


@runtime_checkable
class Stage(Protocol):
    def __call__(self, message: Message) -> Message: ...


StageHook = Callable[[str, Stage, float], None]
"""Called after each stage with its name, the stage and the seconds it took (timing, metrics)."""


def _named(stage: Stage | tuple[str, Stage]) -> tuple[str, Stage]:
    return stage if isinstance(stage, tuple) else (type(stage).__name__, stage)


class Pipeline:
    """Runs named stages in order over a :class:`Message`.

    A message without a ``target`` stops before the first stage that needs one
    (``needs_target = True``), so ``nlp(text)`` tags and ``nlp(text, target="en")`` translates.
    """

    def __init__(
        self, stages: Iterable[Stage | tuple[str, Stage]], *, notes: Sequence[str] = (), max_chars: int | None = None
    ):
        self._pipes = [_named(stage) for stage in stages]
        names = [name for name, _ in self._pipes]
        if len(set(names)) != len(names):
            raise ValueError(f"stage names must be unique: {names}")
        self._disabled: set[str] = set()
        self.notes: list[str] = list(notes)
        """Short plain-words remarks from building it (e.g. why a fallback tagger runs), one line each."""
        self.hooks: list[StageHook] = []
        self.max_chars = max_chars
        """The longest text accepted when none is given per call (``None``: no limit)."""

    # --- running ----------------------------------------------------------------

    def __call__(self, text: str | Message, *, target: str | None = None, max_chars: int | None = None) -> Message:
        message = self.make_message(text, target=target, max_chars=max_chars)
        for name, stage in self._active():
            if message.target is None and getattr(stage, "needs_target", False):
                break
            message = self._timed(name, stage, stage, message)
        return message

    def run(self, text: str, *, max_chars: int | None = None, target: str | None = None) -> Message:
        """Clean raw input at the boundary, then run every stage."""
        return self(text, target=target, max_chars=max_chars)

    def pipe(
        self, texts: Iterable[str | Message], *, batch_size: int = 32, target: str | None = None,
        max_chars: int | None = None,
    ) -> Iterator[Message]:
        """Messages in input order; each stage sees ``batch_size`` messages at a time (one model call per batch)."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        items = iter(texts)
        while batch := [self.make_message(t, target=target, max_chars=max_chars) for t in islice(items, batch_size)]:
            for name, stage in self._active():
                todo = [m for m in batch if m.target is not None] if getattr(stage, "needs_target", False) else batch
                if todo:
                    self._timed(name, stage, self._run_batch, stage, todo)
            yield from batch

    def make_message(self, text: str | Message, *, target: str | None = None, max_chars: int | None = None) -> Message:
        """A :class:`Message` from raw text (cleaned; ``InputError`` when it cannot be), or the message itself."""
        script = None
        if target is not None:
            target, script = split_target(normalize_language(target))  # "hi-Latn": Hindi, in Latin letters
        if isinstance(text, Message):
            if target is not None:
                text.target, text.script = target, script
            return text
        cleaned = clean_text(text, max_chars=max_chars or self.max_chars)
        if not cleaned.strip():  # as the CLI says it, so the library and the CLI agree
            raise InputError("the message is empty; give some text to tag or translate")
        return Message(cleaned, target=target, script=script)

    @staticmethod
    def _run_batch(stage: Stage, messages: list[Message]) -> None:
        many = next((getattr(stage, m) for m in BATCH_METHODS if hasattr(stage, m)), None)
        if many is not None:
            many(messages)
            return
        for message in messages:
            stage(message)  # stages work on the message in place

    def _timed(self, name: str, stage: Stage, work: Callable[..., T], *args: Any) -> T:
        started = time.perf_counter()
        try:
            result = work(*args)
        except Exception as error:
            error.add_note(f"in pipeline stage {name!r} ({type(stage).__name__})")
            raise
        for hook in self.hooks:
            hook(name, stage, time.perf_counter() - started)
        return result

    def _active(self) -> list[tuple[str, Stage]]:
        return [(name, stage) for name, stage in self._pipes if name not in self._disabled]

    # --- stages by name ---------------------------------------------------------

    @property
    def pipe_names(self) -> list[str]:
        """The names of the enabled stages, in order."""
        return [name for name, _ in self._active()]

    @property
    def pipeline(self) -> list[tuple[str, Stage]]:
        """``(name, stage)`` of the enabled stages, in order."""
        return self._active()

    @property
    def stages(self) -> list[Stage]:
        return [stage for _, stage in self._active()]

    def has_pipe(self, name: str) -> bool:
        return any(n == name for n, _ in self._pipes)

    @overload
    def get_pipe(self, name: str) -> Stage: ...
    @overload
    def get_pipe(self, name: str, kind: type[S]) -> S: ...

    def get_pipe(self, name: str, kind: type[Any] | None = None) -> Any:
        """The stage called ``name``; with ``kind``, checked to be one (a typed handle on its own attributes,
        e.g. ``get_pipe("tag", TagLanguages).taggers``): a stage of another class is a TypeError."""
        for n, stage in self._pipes:
            if n == name:
                if kind is not None and not isinstance(stage, kind):
                    raise TypeError(f"stage {name!r} is a {type(stage).__name__}, not a {kind.__name__}")
                return stage
        raise KeyError(f"no stage named {name!r}; the stages are {[n for n, _ in self._pipes]}")

    def replace_pipe(self, name: str, stage: Stage) -> Stage:
        """Put ``stage`` where the stage called ``name`` was; returns the old one."""
        old = self.get_pipe(name)
        self._pipes = [(n, stage if n == name else s) for n, s in self._pipes]
        return old

    replace = replace_pipe

    def until(self, name: str) -> Pipeline:
        """A pipeline of the enabled stages before ``name`` (sharing them): ``until("plan")`` only tags."""
        self.get_pipe(name)
        stages = self._active()
        end = next((i for i, (n, _) in enumerate(stages) if n == name), len(stages))
        before = Pipeline(stages[:end], notes=self.notes, max_chars=self.max_chars)
        before.hooks = self.hooks
        return before

    @contextmanager
    def select_pipes(self, *, enable: Iterable[str] | None = None, disable: Iterable[str] | None = None) -> Iterator[None]:
        """Run only some stages inside a ``with`` block: ``with nlp.select_pipes(disable=["rerank"]): ...``.

        It changes this pipeline for every thread while the block runs; for a lasting, shared
        sub-pipeline use :meth:`until`."""
        if (enable is None) == (disable is None):
            raise ValueError("give exactly one of enable= or disable=")
        off = set(disable or ()) if enable is None else {n for n, _ in self._pipes} - set(enable)
        for name in off | set(enable or ()):
            self.get_pipe(name)
        before = self._disabled
        self._disabled = before | off
        try:
            yield
        finally:
            self._disabled = before
