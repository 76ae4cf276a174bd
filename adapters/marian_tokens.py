"""Marian token strings for CTranslate2, from ``source.spm`` and ``vocab.json`` without transformers.

:class:`SentencePieceMarian` does what ``MarianTokenizer`` does on the CTranslate2 path, so the
tokens (and translations) are the same: special tokens typed in the text (``</s>``, ``<unk>``,
``<pad>``) are kept whole, so is a leading ``>>xx<<`` target token of each stretch of text; the
rest goes through the source SentencePiece model (transformers applies no Moses normalisation
when encoding); pieces missing from ``vocab.json`` become ``<unk>``, and ``</s>`` ends the input.
Decoding drops the special tokens and joins the rest with the *source* model, as
``MarianTokenizer.decode`` does for a shared vocabulary. Layouts it cannot read exactly
(separate vocabularies, extra special tokens, unusual settings) keep transformers'
tokenizer through :class:`TransformersMarian`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import sentencepiece

from mixlingo.adapters.tokenizer_files import default_specials, read_json, tokenizer_class

SPECIALS = {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}
# tokenizer_config.json keys that change nothing on this path, or that from_dir checks; any other means transformers.
KNOWN_KEYS = {"backend", "tokenizer_class", "model_max_length", "source_lang", "target_lang", "name_or_path",
              "separate_vocabs", "sp_model_kwargs", "clean_up_tokenization_spaces", "added_tokens_decoder",
              "special_tokens_map_file", "tokenizer_file", *SPECIALS}
_SPECIAL_SPLIT = re.compile("(" + "|".join(re.escape(token) for token in SPECIALS.values()) + ")")


class SentencePieceMarian:
    """``encode`` texts to the token strings CTranslate2 takes; ``decode`` a hypothesis back to text."""

    def __init__(self, source: sentencepiece.SentencePieceProcessor, vocab: dict[str, int]):
        self.source, self.vocab = source, vocab
        self.id_to_token = {index: token for token, index in vocab.items()}
        self.unk_id, self.eos_id = vocab[SPECIALS["unk_token"]], vocab[SPECIALS["eos_token"]]
        self.special_ids = {vocab[token] for token in SPECIALS.values()}

    @classmethod
    def from_dir(cls, model_dir: Path) -> SentencePieceMarian | None:
        """The tokenizer, or None where transformers would read these files differently."""
        if not all((model_dir / name).is_file() for name in ("source.spm", "target.spm", "vocab.json")):
            return None
        if not _standard_settings(model_dir):
            return None
        vocab = json.loads((model_dir / "vocab.json").read_text(encoding="utf-8"))
        if not isinstance(vocab, dict) or not set(SPECIALS.values()) <= set(vocab):
            return None
        for index, token in read_json(model_dir / "tokenizer_config.json").get("added_tokens_decoder", {}).items():
            if vocab.get(token.get("content")) != int(index) or token.get("content") not in SPECIALS.values():
                return None
        return cls(sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "source.spm")), vocab)

    def encode(self, texts: Sequence[str], max_length: int) -> list[list[str]]:
        """Token strings per text, ``</s>`` last, cut (before the ``</s>``) to ``max_length`` tokens in all."""
        return [self._tokens(text, max_length) for text in texts]

    def _tokens(self, text: str, max_length: int) -> list[str]:
        pieces: list[str] = []
        for stretch in _SPECIAL_SPLIT.split(text):
            if stretch in SPECIALS.values():
                pieces.append(stretch)
            elif stretch:
                code, rest = _split_language_code(stretch)
                pieces += code + self.source.encode(rest, out_type=str)
        ids = [self.vocab.get(piece, self.unk_id) for piece in pieces][: max(0, max_length - 1)]
        return [self.id_to_token[index] for index in [*ids, self.eos_id]]

    def decode(self, tokens: Sequence[str]) -> str:
        ids = [self.vocab.get(token, self.unk_id) for token in tokens]
        pieces = [self.id_to_token[index] for index in ids if index not in self.special_ids]
        return self.source.decode_pieces(pieces).replace("▁", " ").strip()

    def get_vocab(self) -> dict[str, int]:
        return dict(self.vocab)


class TransformersMarian:
    """The same three calls over transformers' ``MarianTokenizer``, for layouts the other does not read."""

    def __init__(self, tokenizer):  # a transformers tokenizer
        self.tokenizer = tokenizer

    def encode(self, texts: Sequence[str], max_length: int) -> list[list[str]]:
        ids = self.tokenizer(list(texts), truncation=True, max_length=max_length)["input_ids"]
        return [self.tokenizer.convert_ids_to_tokens(row) for row in ids]

    def decode(self, tokens: Sequence[str]) -> str:
        return self.tokenizer.decode(self.tokenizer.convert_tokens_to_ids(list(tokens)), skip_special_tokens=True)

    def get_vocab(self) -> dict[str, int]:
        return self.tokenizer.get_vocab()


def _split_language_code(text: str) -> tuple[list[str], str]:
    """``MarianTokenizer.remove_language_code``: a leading ``>>xx<<`` is one token, whatever follows it."""
    end = text.find("<<") if text.startswith(">>") else -1
    return ([text[: end + 2]], text[end + 2 :]) if end != -1 else ([], text)


def _standard_settings(model_dir: Path) -> bool:
    """The tokenizer files hold nothing that makes transformers tokenize differently from this module."""
    settings = read_json(model_dir / "tokenizer_config.json")
    return (
        tokenizer_class(model_dir, settings, {"marian": "MarianTokenizer"}) == "MarianTokenizer"
        and set(settings) <= KNOWN_KEYS
        and not settings.get("separate_vocabs")
        and not settings.get("sp_model_kwargs")
        and not settings.get("clean_up_tokenization_spaces")
        and default_specials(settings, read_json(model_dir / "special_tokens_map.json"), SPECIALS)
        and not (model_dir / "added_tokens.json").is_file()
    )
