"""A BERT's ``config.json`` read with :mod:`json`, so the ONNX path needs no transformers to know its model.

Only what the runners and the tagger read: ``id2label`` keyed by int and ``num_labels``
(as transformers builds them, ``LABEL_i`` when the file names none), and every other
key as it is written (``max_position_embeddings``, ``num_hidden_layers``, ``hidden_size`` …).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Literal

from mixlingo.core.errors import ModelUnavailableError

Head = Literal["tokens", "base"]
"""What a forward returns: a token classifier's last hidden layer and logits, or a base model's hidden layer."""


def read_config(model_dir: Path) -> SimpleNamespace:
    """The model's config as attributes; a missing or unreadable file is one actionable error."""
    try:
        data = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelUnavailableError(
            f"{str(model_dir)!r} is not a usable model directory (config.json: {type(error).__name__})",
            detail=str(error),
        ) from error
    labels = data.get("id2label")
    if labels:
        id2label = {int(index): label for index, label in labels.items()}
    else:
        id2label = {index: f"LABEL_{index}" for index in range(int(data.get("num_labels", 2)))}
    return SimpleNamespace(**{**data, "id2label": id2label, "num_labels": len(id2label)})
