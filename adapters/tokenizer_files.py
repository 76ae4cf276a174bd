"""Reading a model directory's tokenizer files as transformers reads them, for the tokenizers that skip it.

The BERT and Marian tokenizers built without transformers (:mod:`.bert_tokenizer`,
:mod:`.bert_wordpiece`, :mod:`.marian_tokens`) each take a layout only when these files say
nothing that would make transformers tokenize differently; the reading itself is shared.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def read_json(path: Path) -> dict[str, Any]:
    """A tokenizer or model settings file; a missing one reads as empty, as transformers treats it."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def token_content(token: str | dict[str, Any]) -> str:
    """A special token as written in the settings: a plain string, or an ``AddedToken`` dict."""
    return token["content"] if isinstance(token, dict) else token


def tokenizer_class(model_dir: Path, settings: Mapping[str, Any], implied: Mapping[str, str]) -> str | None:
    """The declared ``tokenizer_class``, else the one AutoTokenizer picks for the model type (``implied``)."""
    declared = settings.get("tokenizer_class")
    if declared is not None:
        return str(declared)
    return implied.get(read_json(model_dir / "config.json").get("model_type", ""))


def default_specials(settings: Mapping[str, Any], special_map: Mapping[str, Any], specials: Mapping[str, str]) -> bool:
    """Every special token the settings or ``special_tokens_map.json`` name is the default one, and no other is named."""
    return (
        all(token_content(settings.get(key, value)) == value for key, value in specials.items())
        and set(special_map) <= set(specials)
        and all(token_content(value) == specials[key] for key, value in special_map.items())
    )
