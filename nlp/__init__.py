"""The NLP core: the message data model and the pipeline stages that work on it.

Nothing here imports a model runtime; models come in through the protocols in
:mod:`mixlingo.nlp.tagging` and are implemented in :mod:`mixlingo.adapters`.
"""

from mixlingo.nlp.model import Message, ProtectedPiece, Span, Token
from mixlingo.nlp.pipeline import Pipeline, Stage

__all__ = ["Message", "Pipeline", "ProtectedPiece", "Span", "Stage", "Token"]
