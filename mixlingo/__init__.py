"""mixlingo: a Slack translator that understands code-switched messages.

Use it from Python::

    import mixlingo

    nlp = mixlingo.load(tagger="embedded")        # any setting, as keyword arguments
    message = nlp("Oye, I will send el reporte mañana")
    print([(t.text, t.lang) for t in message.tokens])
    translated = nlp("Oye, I will send el reporte mañana", target="en").translation.text
    for message in nlp.pipe(lines, target="en", batch_size=32): ...
    mixlingo.transliterate("kal meeting hai")       # romanized Hindi into Devanagari; to="latin" the other way

The names below are imported on first use, so ``import mixlingo`` stays cheap (no torch, no transformers).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load": "mixlingo.loading",
    "transliterate": "mixlingo.transliteration",
    "Pipeline": "mixlingo.nlp.pipeline",
    "Stage": "mixlingo.nlp.pipeline",
    "Message": "mixlingo.nlp.model",
    "Token": "mixlingo.nlp.model",
    "TokenKind": "mixlingo.nlp.model",
    "Span": "mixlingo.nlp.model",
    "Translation": "mixlingo.nlp.translation",
    "Tagger": "mixlingo.nlp.tagging",
    "Translator": "mixlingo.nlp.translation",
    "Encoder": "mixlingo.nlp.translation",
    "Settings": "mixlingo.config",
    "MixlingoError": "mixlingo.core.errors",
    "InputError": "mixlingo.core.errors",
    "ConfigError": "mixlingo.core.errors",
    "ModelUnavailableError": "mixlingo.core.errors",
    "ModelNotDownloadedError": "mixlingo.core.errors",
}

__all__ = [
    "__version__", "load", "transliterate", "Pipeline", "Stage", "Message", "Token", "TokenKind", "Span", "Translation",
    "Tagger", "Translator", "Encoder", "Settings",
    "MixlingoError", "InputError", "ConfigError", "ModelUnavailableError", "ModelNotDownloadedError",
]

if TYPE_CHECKING:
    from mixlingo.config import Settings
    from mixlingo.core.errors import ConfigError, InputError, MixlingoError, ModelNotDownloadedError, ModelUnavailableError
    from mixlingo.loading import load
    from mixlingo.transliteration import transliterate
    from mixlingo.nlp.model import Message, Span, Token, TokenKind
    from mixlingo.nlp.pipeline import Pipeline, Stage
    from mixlingo.nlp.tagging import Tagger
    from mixlingo.nlp.translation import Encoder, Translation, Translator


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mixlingo' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
