"""A classic BERT tokenizer (``vocab.txt`` + ``do_lower_case``) built with the ``tokenizers`` library alone.

Published BERT models often ship only ``vocab.txt``, or declare ``BertTokenizer``; transformers
then builds a WordPiece tokenizer from the vocabulary and the case settings, and importing it
imports torch (about 220 MiB resident). :func:`wordpiece_from_vocab` builds the same tokenizer
the same way, for the settings it knows; for any other it returns None and the caller uses
transformers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tokenizers import AddedToken, Tokenizer, normalizers, pre_tokenizers, processors
from tokenizers.models import WordPiece

from mixlingo.adapters.tokenizer_files import default_specials, read_json, tokenizer_class

BERT_CLASSES = {"BertTokenizer", "BertTokenizerFast"}
SPECIALS = {"pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]", "mask_token": "[MASK]"}
# tokenizer_config.json keys this builder honours, or that change nothing on the encode path it serves.
KNOWN_KEYS = {"tokenizer_class", "do_lower_case", "tokenize_chinese_chars", "strip_accents", "model_max_length",
              "name_or_path", "padding_side", "truncation_side", "backend", *SPECIALS}


def wordpiece_from_vocab(model_dir: Path) -> Tokenizer | None:
    """transformers' ``BertTokenizer`` for this directory, or None where it could differ from it."""
    settings = read_json(model_dir / "tokenizer_config.json")
    if (
        tokenizer_class(model_dir, settings, {"bert": "BertTokenizer"}) not in BERT_CLASSES
        or not (model_dir / "vocab.txt").is_file()
        or (model_dir / "added_tokens.json").is_file()
        or not set(settings) <= KNOWN_KEYS
        or not default_specials(settings, read_json(model_dir / "special_tokens_map.json"), SPECIALS)
    ):
        return None
    vocab: dict[str, int] = {}
    for index, token in enumerate((model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()):
        vocab.setdefault(token, index)
    if not set(SPECIALS.values()) <= set(vocab):
        return None
    normalizer: dict[str, Any] = {"type": "BertNormalizer", "clean_text": True, "lowercase": bool(settings.get("do_lower_case", True)),
                  "handle_chinese_chars": bool(settings.get("tokenize_chinese_chars", True)),
                  "strip_accents": settings.get("strip_accents")}
    if not _file_agrees((model_dir / "tokenizer.json"), normalizer, vocab):
        return None
    tokenizer = Tokenizer(WordPiece(vocab, unk_token=SPECIALS["unk_token"]))
    tokenizer.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=normalizer["handle_chinese_chars"],
        strip_accents=normalizer["strip_accents"], lowercase=normalizer["lowercase"],
    )
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    cls, sep = SPECIALS["cls_token"], SPECIALS["sep_token"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{cls}:0 $A:0 {sep}:0", pair=f"{cls}:0 $A:0 {sep}:0 $B:1 {sep}:1",
        special_tokens=[(cls, vocab[cls]), (sep, vocab[sep])],
    )
    tokenizer.add_special_tokens([AddedToken(token, special=True, normalized=False) for token in SPECIALS.values()])
    return tokenizer


def _file_agrees(path: Path, normalizer: dict[str, Any], vocab: dict[str, int]) -> bool:
    """No tokenizer.json, or one that says the same as the settings (its normaliser, a plain WordPiece over
    the same vocabulary): then it does not matter which of the two transformers reads."""
    if not path.is_file():
        return True
    serialized = json.loads(path.read_text(encoding="utf-8"))
    model = serialized.get("model") or {}
    return (
        serialized.get("normalizer") == normalizer
        and (serialized.get("pre_tokenizer") or {}).get("type") == "BertPreTokenizer"
        and model.get("type") == "WordPiece"
        and model.get("unk_token") == SPECIALS["unk_token"]
        and model.get("continuing_subword_prefix", "##") == "##"
        and model.get("max_input_chars_per_word", 100) == 100
        and model.get("vocab") == vocab
    )

