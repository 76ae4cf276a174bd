"""What a model directory holds, read from its files alone (no weights loaded): for ``models pull`` and ``models list``.

A tagger's labels are shown as they map onto mixlingo's tags, so a model whose labels
cover none of the configured pairs is caught when it is fetched, not on the first message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mixlingo.nlp.labels import describe_mapping, label_mapping, pairs_covered

_WEIGHTS = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json", "pytorch_model.bin.index.json")


@dataclass(frozen=True)
class ModelCheck:
    path: Path
    kind: str
    """``tagger``, ``translation``, ``encoder`` or ``unknown``."""
    tokenizer: str
    weights: str
    labels: list[tuple[str, str]] = field(default_factory=list)
    """A tagger's labels beside the tags they become."""
    targets: list[str] = field(default_factory=list)
    """A multi-target translation model's ``>>xx<<`` codes."""
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Plain lines for a terminal: what it is, its labels, then any warning."""
        out = [f"{self.kind} · tokenizer: {self.tokenizer} · weights: {self.weights}"]
        if self.labels:
            out.append(f"labels: {describe_mapping(self.labels)}")
        if self.targets:
            out.append(f"target tokens: {', '.join(f'>>{code}<<' for code in self.targets)}")
        return out


def snapshot_dir(path: Path) -> Path:
    """A hub cache entry (``models--org--name``) → its newest snapshot; any other directory as it is."""
    snapshots = path / "snapshots"
    if snapshots.is_dir():
        found = sorted((p for p in snapshots.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
        if found:
            return found[-1]
    return path


def check_model_dir(
    path: Path, *, label_map: Mapping[str, str], pairs: Sequence[tuple[str, str]] = ()
) -> ModelCheck:
    """Read ``config.json`` and the tokenizer files; warn when a tagger covers none or only some of ``pairs``."""
    path = snapshot_dir(path)
    warnings: list[str] = []
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return ModelCheck(path, "unknown", _tokenizer_kind(path), _weights(path), warnings=[f"no readable config.json ({error})"])
    architectures = config.get("architectures") or []
    id2label = config.get("id2label") or {}
    named = any(not str(label).startswith("LABEL_") for label in id2label.values())
    kind = "encoder"
    if any(a.endswith("ForTokenClassification") for a in architectures) or (not architectures and named):
        kind = "tagger"
    elif config.get("model_type") == "marian" or any(a.endswith(("MTModel", "ForConditionalGeneration")) for a in architectures):
        kind = "translation"
    labels: list[tuple[str, str]] = []
    if kind == "tagger":
        labels = label_mapping([id2label[k] for k in sorted(id2label, key=int)], label_map)
        covered = pairs_covered([tag for _, tag in labels], list(pairs))
        missing = [pair for pair in pairs if pair not in covered]
        if missing:
            warnings.append(
                f"its labels do not cover {', '.join('-'.join(p) for p in missing)}"
                + (" (the mBERT tagger will refuse it)" if not covered else "")
                + "; set MIXLINGO_MBERT_LABEL_MAP or MIXLINGO_PAIRS, or choose a tagger trained on the pair"
            )
    tokenizer = _tokenizer_kind(path)
    if tokenizer == "none found":
        warnings.append("no tokenizer files (tokenizer.json, vocab.txt or *.spm)")
    return ModelCheck(path, kind, tokenizer, _weights(path), labels, _target_codes(path), warnings)


def _tokenizer_kind(path: Path) -> str:
    if (path / "tokenizer.json").is_file():
        return "fast (tokenizer.json)"
    if (path / "source.spm").is_file() and (path / "target.spm").is_file():
        return "SentencePiece (source.spm, target.spm, vocab.json)"
    if (path / "vocab.txt").is_file():
        return "WordPiece (vocab.txt)"
    for name in ("sentencepiece.bpe.model", "spiece.model", "tokenizer.model"):
        if (path / name).is_file():
            return f"SentencePiece ({name})"
    return "none found"


def _weights(path: Path) -> str:
    return ", ".join(name for name in _WEIGHTS if (path / name).is_file()) or "none found"


def _target_codes(path: Path) -> list[str]:
    try:
        vocab = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(vocab, dict):
        return []
    return sorted(t[2:-2] for t in vocab if t.startswith(">>") and t.endswith("<<") and len(t) > 4)
