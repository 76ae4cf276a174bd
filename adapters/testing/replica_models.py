"""Tiny models saved exactly as the published repositories are laid out, for tests.

- :func:`build_codeswitch_replica`: a BERT token classifier as the 2020 uploads of
  ``sagorsarker/codeswitch-*-lid-lince`` hold it: ``config.json``, ``pytorch_model.bin``,
  ``vocab.txt``, ``tokenizer_config.json``, ``special_tokens_map.json``; no
  ``tokenizer.json``, no safetensors; language names as labels (``en``, ``spa``, ``hin``,
  ``nep``) beside LinCE's non-language ones (``ne``, ``fw``, ``unk`` …).
- :func:`build_opus_mt_replica`: a MarianMT as ``Helsinki-NLP/opus-mt-*`` holds it:
  ``source.spm``, ``target.spm``, ``vocab.json``, ``pytorch_model.bin``; with
  ``target_codes`` it is a multi-target model whose vocabulary has ``>>es<<``-style tokens.

The tagger's answer is set by its weights, not learned: each known word's embedding points
at its label and the classifier reads that direction back, with a bias that sends every
word it does not know to ``unk``. The expected tags are certain on any CPU.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import torch

BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
LINCE_NON_LANGUAGE_LABELS = ["other", "ne", "mixed", "ambiguous", "fw", "unk"]
FALLBACK_LABEL = "unk"

# The codeswitch models' label sets: one language name per side beside LinCE's other labels.
CODESWITCH_LABELS = {
    "spaeng": ["other", "en", "spa", "ne", "mixed", "ambiguous", "fw", "unk"],
    "hineng": ["other", "en", "hin", "ne", "mixed", "ambiguous", "fw", "unk"],
    "nepeng": ["other", "en", "nep", "ne", "mixed", "ambiguous", "fw", "unk"],
}


def build_codeswitch_replica(
    out_dir: Path, words_by_label: Mapping[str, Sequence[str]], labels: Sequence[str], *, hidden: int = 32
) -> Path:
    """A 1-layer BERT token classifier in the 2020 file layout that tags each listed word with its label.

    ``words_by_label`` maps model labels (``spa``, ``en``, ``ne`` …) to whole words; any other
    word is ``[UNK]`` and gets :data:`FALLBACK_LABEL` through the classifier bias.
    """
    from transformers import BertConfig, BertForTokenClassification

    labels = list(labels)
    if len(labels) > hidden or FALLBACK_LABEL not in labels:
        raise ValueError(f"labels must include {FALLBACK_LABEL!r} and number at most {hidden}")
    vocab = list(BERT_SPECIALS)
    word_label: dict[str, int] = {}
    for label, words in words_by_label.items():
        for word in words:
            if word not in word_label:
                vocab.append(word)
                word_label[word] = labels.index(label)
    config = BertConfig(  # type: ignore[call-arg]  # num_labels: accepted (PreTrainedConfig takes it), missing from transformers 5's typed __init__
        vocab_size=len(vocab), hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=2 * hidden, max_position_embeddings=128, num_labels=len(labels),
        id2label=dict(enumerate(labels)), label2id={label: i for i, label in enumerate(labels)},
        architectures=["BertForTokenClassification"],
    )
    model = BertForTokenClassification(config).eval()
    with torch.no_grad():
        _set_weights(model, vocab, word_label, labels.index(FALLBACK_LABEL))
    out_dir.mkdir(parents=True, exist_ok=True)
    config.save_pretrained(out_dir)
    state = {name: tensor.contiguous() for name, tensor in model.state_dict().items()}
    state["bert.embeddings.position_ids"] = torch.arange(128).unsqueeze(0)  # as transformers 3.x saved it
    torch.save(state, out_dir / "pytorch_model.bin")
    (out_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    (out_dir / "tokenizer_config.json").write_text(
        json.dumps({"do_lower_case": False, "model_max_length": 512}), encoding="utf-8"
    )
    specials = dict(zip(["pad_token", "unk_token", "cls_token", "sep_token", "mask_token"], BERT_SPECIALS))
    (out_dir / "special_tokens_map.json").write_text(json.dumps(specials), encoding="utf-8")
    return out_dir


def _set_weights(model, vocab: list[str], word_label: dict[str, int], fallback: int) -> None:
    """Embeddings carry the label, the layer passes them through, the classifier reads them back."""
    bert = model.bert
    hidden = model.config.hidden_size
    embeddings = torch.zeros(len(vocab), hidden)
    for word, label in word_label.items():
        embeddings[vocab.index(word), label] = 8.0
    bert.embeddings.word_embeddings.weight.copy_(embeddings)
    bert.embeddings.position_embeddings.weight.zero_()
    bert.embeddings.token_type_embeddings.weight.zero_()
    for layer in bert.encoder.layer:  # zero residual branches: LayerNorm of a normalised vector is itself
        layer.attention.output.dense.weight.zero_()
        layer.attention.output.dense.bias.zero_()
        layer.output.dense.weight.zero_()
        layer.output.dense.bias.zero_()
    classifier = torch.zeros(model.config.num_labels, hidden)
    classifier[:, : model.config.num_labels] = torch.eye(model.config.num_labels)
    model.classifier.weight.copy_(classifier)
    bias = torch.zeros(model.config.num_labels)
    bias[fallback] = 1.0  # a word it does not know (an all-zero vector) lands on the fallback label
    model.classifier.bias.copy_(bias)


def build_opus_mt_replica(
    out_dir: Path,
    source_words: Sequence[str],
    target_words: Sequence[str],
    *,
    target_codes: Sequence[str] = (),
    seed: int = 0,
) -> Path:
    """A 1+1-layer MarianMT (random weights) with ``source.spm``, ``target.spm``, ``vocab.json``, ``pytorch_model.bin``.

    ``target_codes`` (``["es", "fr"]``) adds ``>>es<<``-style tokens, as multi-target
    opus-mt models (``en-ROMANCE``, ``en-mul``) have them in their vocabulary.
    """
    import sentencepiece as spm
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    rng = random.Random(seed)
    torch.manual_seed(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        spm_paths = []
        for name, words in (("source", source_words), ("target", target_words)):
            corpus = Path(tmp) / f"{name}.txt"
            lines = [" ".join(rng.choice(list(words)) for _ in range(rng.randint(3, 12))) for _ in range(300)]
            corpus.write_text("\n".join(lines + [".,!?[]0123456789"]), encoding="utf-8")
            prefix = Path(tmp) / name
            spm.SentencePieceTrainer.train(
                input=str(corpus), model_prefix=str(prefix), vocab_size=120, model_type="unigram",
                hard_vocab_limit=False, bos_id=-1, eos_id=-1, unk_id=0, character_coverage=1.0, minloglevel=2,
            )
            spm_paths.append(prefix.with_suffix(".model"))
        vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
        for code in target_codes:
            vocab[f">>{code}<<"] = len(vocab)
        for path in spm_paths:
            processor = spm.SentencePieceProcessor(model_file=str(path))
            for i in range(processor.get_piece_size()):
                vocab.setdefault(processor.id_to_piece(i), len(vocab))
        vocab["<pad>"] = len(vocab)
        size = len(vocab)
        (Path(tmp) / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        tokenizer = MarianTokenizer(
            vocab=str(Path(tmp) / "vocab.json"), source_spm=str(spm_paths[0]), target_spm=str(spm_paths[1])
        )
        tokenizer.save_pretrained(out_dir)
    config = MarianConfig(  # type: ignore[call-arg]  # num_beams, max_length, bad_words_ids: not config fields, transformers 5.24 drops them
        vocab_size=size, d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=128,
        pad_token_id=size - 1, decoder_start_token_id=size - 1, eos_token_id=0, bad_words_ids=[[size - 1]],
        forced_eos_token_id=0, num_beams=4, max_length=64, architectures=["MarianMTModel"],
    )
    model = MarianMTModel(config).eval()
    config.save_pretrained(out_dir)
    torch.save({name: tensor.contiguous() for name, tensor in model.state_dict().items()}, out_dir / "pytorch_model.bin")
    return out_dir
