"""The translation part of the data model, and the protocols of the models it needs.

A :class:`Translation` hangs off a :class:`~mixlingo.nlp.model.Message`: the plan
(which character ranges to translate, from which language), the n-best
candidates per unit, the reranker's scores, and the final text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

import numpy as np

Strategy = Literal["none", "whole", "spans"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One n-best output: text (with MT placeholders) and its length-normalised log-probability."""

    text: str
    score: float


@runtime_checkable
class Translator(Protocol):
    """Translates batches of segments for one direction, returning n candidates each, best first."""

    notes: list[str]
    """Short remarks for the user (a model that fell back); the Translate stage passes them on once."""

    def describe(self) -> str:
        """What it runs on, after any fallback (``CTranslate2 int8``): for the bench."""
        ...

    def has_direction(self, source: str, target: str) -> bool: ...

    def translate(self, texts: Sequence[str], source: str, target: str, n: int) -> list[list[Candidate]]: ...


@runtime_checkable
class Encoder(Protocol):
    """Embeds texts into one vector each (L2-normalised), for cross-lingual similarity."""

    notes: list[str]
    """Short remarks for the user (a runtime that fell back)."""

    def describe(self) -> str:
        """What it runs on, after any fallback (``onnx``): for the bench."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class SharesEncoder(Protocol):
    """A tagger whose model can also embed texts for the reranker, so one model serves both."""

    def encoder(self, layers: int | None = None) -> Encoder:
        """An encoder over this tagger's model that pools layer ``layers`` (None: as the tagger sees fit)."""
        ...


@dataclass(slots=True)
class Scored:
    """A candidate with the reranker's view of it."""

    candidate: Candidate
    similarity: float | None = None
    penalties: dict[str, float] = field(default_factory=dict)
    final: float = 0.0


@dataclass(slots=True)
class Unit:
    """One piece of text sent to the translator: a sentence of a segment."""

    start: int
    end: int
    """Character range in ``Message.text``."""
    source: str
    """The model input: the text with inline markup as MT placeholders."""
    pieces: list[tuple[str, str]]
    """(placeholder, original text) for each inline protected piece or name, in order."""
    lang: str
    written: str | None = None
    """The source as the message wrote it, when a stage rewrote ``source`` for the model (romanized
    Hindi put into Devanagari, which the hi→xx models read)."""
    scored: list[Scored] = field(default_factory=list)
    chosen: int = 0
    output: str | None = None
    """The chosen translation with the pieces put back."""
    missing_pieces: int = 0
    fallback: list[Unit | str] = field(default_factory=list)
    """The unit cut at its formatting markers, for when the model lost a ``*…*`` pair: sub-units, each
    translated on its own, and between them the markers and spacing as written (see :mod:`.fill`).
    Empty unless some candidate broke a pair."""

    def lead(self) -> float:
        """How far the chosen candidate's final score leads the runner-up's (infinite when it had no rival).

        A small lead is a near-tie that another CPU's rounding could flip.
        """
        finals = sorted((s.final for s in self.scored), reverse=True)
        return finals[0] - finals[1] if len(finals) > 1 else float("inf")


@dataclass(slots=True)
class Translation:
    target: str
    strategy: Strategy
    reason: str
    units: list[Unit] = field(default_factory=list)
    text: str | None = None
    """The final message text, markup restored."""
    notes: list[str] = field(default_factory=list)

    def lead(self) -> float:
        """The smallest lead of any unit's choice: how decisive the whole translation is."""
        return min((unit.lead() for unit in self.units), default=float("inf"))
