"""A BERT tokenizer run by the ``tokenizers`` library alone, for the ONNX path.

transformers' fast tokenizer is this same library underneath, but importing it imports
torch (about 220 MiB resident). :meth:`JsonBertTokenizer.from_dir` reads the layouts that
transformers loads as the files stand: a generic ``tokenizer.json`` with no settings that
change it, or a classic ``BertTokenizer`` built from ``vocab.txt`` (:mod:`.bert_wordpiece`);
for any other it returns None and the caller uses transformers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tokenizers import Encoding, Tokenizer

from mixlingo.adapters.bert_wordpiece import SPECIALS, wordpiece_from_vocab
from mixlingo.adapters.tokenizer_files import read_json, token_content

# Classes that transformers builds straight from tokenizer.json (BertTokenizer rebuilds the normaliser instead).
GENERIC_CLASSES = {"TokenizersBackend", "PreTrainedTokenizerFast"}
SPECIAL_KEYS = ("cls_token", "sep_token", "unk_token", "pad_token", "mask_token")
# tokenizer_config.json keys that change nothing here, or that from_dir checks; any other means transformers.
KNOWN_KEYS = {"backend", "tokenizer_class", "model_max_length", "padding_side", "truncation_side",
              "clean_up_tokenization_spaces", "added_tokens_decoder", "name_or_path", *SPECIAL_KEYS}


class Encoded:
    """What callers read from transformers' ``BatchEncoding``: ``["input_ids"]``, ``["attention_mask"]``, ``word_ids(row)``."""

    def __init__(self, encodings: list[Encoding]):
        self._encodings = encodings
        self._arrays = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        }

    def __getitem__(self, key: str) -> np.ndarray:
        return self._arrays[key]

    def word_ids(self, row: int) -> list[int | None]:
        return self._encodings[row].word_ids


class JsonBertTokenizer:
    """The call transformers' fast tokenizer answers for the tagger and the encoder: padded, truncated, numpy."""

    is_fast = True  # it aligns sub-tokens with words, which the tagger requires

    def __init__(self, tokenizer: Tokenizer, *, pad_token: str, padding_side: str, truncation_side: str):
        self.tokenizer = tokenizer
        self.truncation_side = truncation_side
        tokenizer.enable_padding(direction=padding_side, pad_id=tokenizer.token_to_id(pad_token), pad_token=pad_token)

    @classmethod
    def from_dir(cls, model_dir: Path) -> JsonBertTokenizer | None:
        """The tokenizer, or None where transformers would read these files differently: a generic
        ``tokenizer.json`` as it stands, else a classic ``BertTokenizer`` built from ``vocab.txt``."""
        settings = read_json(model_dir / "tokenizer_config.json")
        if settings.get("tokenizer_class") in GENERIC_CLASSES:
            return cls._from_json(model_dir, settings)
        built = wordpiece_from_vocab(model_dir)
        if built is None:
            return None
        return cls(built, pad_token=SPECIALS["pad_token"], padding_side=settings.get("padding_side", "right"),
                   truncation_side=settings.get("truncation_side", "right"))

    @classmethod
    def _from_json(cls, model_dir: Path, settings: dict) -> JsonBertTokenizer | None:
        if (
            not (model_dir / "tokenizer.json").is_file()
            or not set(settings) <= KNOWN_KEYS
            or settings.get("clean_up_tokenization_spaces")
            or (model_dir / "special_tokens_map.json").is_file()
            or (model_dir / "added_tokens.json").is_file()
        ):
            return None
        serialized = json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))
        baked_padding = serialized.get("padding") or {}
        padding_side = settings.get("padding_side", str(baked_padding.get("direction", "right")).lower())
        if serialized.get("truncation") or baked_padding.get("pad_to_multiple_of") or baked_padding.get("length"):
            return None  # settings baked into the file, which transformers turns into call defaults of its own
        added = {token["id"]: token for token in serialized.get("added_tokens", [])}
        specials = {token["content"] for token in added.values() if token.get("special")}
        declared = {key: token_content(settings[key]) for key in SPECIAL_KEYS if settings.get(key) is not None}
        if "pad_token" not in declared or not set(declared.values()) <= specials:
            return None
        for index, token in settings.get("added_tokens_decoder", {}).items():
            listed = added.get(int(index), {})
            if any(listed.get(field) != value for field, value in token.items()):
                return None
        return cls(
            Tokenizer.from_file(str(model_dir / "tokenizer.json")),
            pad_token=declared["pad_token"],
            padding_side=padding_side,
            truncation_side=settings.get("truncation_side", "right"),
        )

    def __call__(
        self,
        texts: Sequence[str] | Sequence[Sequence[str]],
        *,
        max_length: int,
        is_split_into_words: bool = False,
        truncation: bool = True,
        padding: bool = True,
        return_tensors: str = "np",
        return_token_type_ids: bool | None = None,
    ) -> Encoded:
        """Always truncated to ``max_length`` (special tokens included) and padded to the longest, as numpy.

        ``truncation``, ``padding``, ``return_tensors`` and ``return_token_type_ids`` are taken so one
        call serves this tokenizer and transformers'; these are the only values callers pass.
        Not thread-safe (the settings live in the tokenizer): callers hold ``tokenizer_lock``.
        """
        self.tokenizer.enable_truncation(max_length, direction=self.truncation_side)
        return Encoded(self.tokenizer.encode_batch(list(texts), is_pretokenized=is_split_into_words))

