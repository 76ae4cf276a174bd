"""Real-size models with random weights, built locally for ``mixlingo bench`` (nothing is downloaded).

Same architectures and vocabulary sizes as the production models, so a forward
costs what it costs in production: mBERT-base (12 layers, 768 hidden, 119,547
tokens) and opus-mt (6+6 layers, 512 hidden, 65,001 tokens). Tokenizers are
real WordPiece / sentencepiece models trained on wordfreq's en+es word lists,
so messages split into realistic numbers of sub-words (the vocabularies are
padded to full size with filler entries that Marian is biased never to emit).
Outputs are nonsense;
the bench fixes generated lengths so every run does the same work. The
tagger's classifier leans to ``lang2`` so every message is planned the same way
(whole, es→en) whichever runtime runs it.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from transformers import BertConfig, BertForTokenClassification, MarianConfig, MarianMTModel, PreTrainedTokenizerFast

from mixlingo.adapters.hub import quiet_transformers

MBERT_VOCAB = 119_547
OPUS_MT_VOCAB = 65_001
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
LABELS = ["lang1", "lang2", "ne", "other"]
DONE = "mixlingo-bench.json"


def _words(count: int) -> list[str]:
    from wordfreq import top_n_list

    seen: dict[str, None] = {}
    for lang in ("en", "es"):
        for word in top_n_list(lang, count):
            seen.setdefault(word, None)
            seen.setdefault(word.capitalize(), None)
    return list(seen)


def build_mbert(out_dir: Path, *, seed: int = 0) -> Path:
    """mBERT-base token classifier (random weights) with a 119,547-token WordPiece vocabulary."""
    quiet_transformers()
    if (out_dir / DONE).is_file():
        return out_dir
    torch.manual_seed(seed)
    chars = sorted({c for w in _words(20_000) for c in w} | set("0123456789.,;:!?¿¡'\"()[]{}-_*/&%$#@+=<>|~`^"))
    vocab: dict[str, int] = {}
    for token in SPECIAL + chars + [f"##{c}" for c in chars] + _words(40_000):
        vocab.setdefault(token, len(vocab))
    for i in range(MBERT_VOCAB - len(vocab)):
        vocab.setdefault(f"[unused{i}]", len(vocab))
    vocab = dict(list(vocab.items())[:MBERT_VOCAB])
    tokenizer = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=False, strip_accents=False)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
        mask_token="[MASK]", model_max_length=512,
    )
    config = BertConfig(  # type: ignore[call-arg]  # num_labels: accepted (PreTrainedConfig takes it), missing from transformers 5's typed __init__
        vocab_size=MBERT_VOCAB, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
        intermediate_size=3072, max_position_embeddings=512, num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)), label2id={label: i for i, label in enumerate(LABELS)},
    )
    model = BertForTokenClassification(config).eval()
    with torch.no_grad():
        model.classifier.bias.copy_(torch.tensor([0.0, 12.0, 0.0, 0.0]))  # every word reads as lang2 (es)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    fast.save_pretrained(out_dir)
    (out_dir / DONE).write_text(json.dumps({"kind": "mbert-base", "vocab": MBERT_VOCAB}), encoding="utf-8")
    return out_dir


def build_opus_mt(out_dir: Path, *, seed: int = 0) -> Path:
    """opus-mt-size MarianMT (random weights), two sentencepiece models, a 65,001-entry vocab.json."""
    quiet_transformers()
    if (out_dir / DONE).is_file():
        return out_dir
    import sentencepiece as spm
    from transformers import MarianTokenizer

    rng = random.Random(seed)
    torch.manual_seed(seed)
    words = _words(20_000)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        corpus.write_text("\n".join(" ".join(rng.choices(words, k=rng.randint(4, 20))) for _ in range(30_000)), encoding="utf-8")
        prefix = Path(tmp) / "spm"
        spm.SentencePieceTrainer.train(
            input=str(corpus), model_prefix=str(prefix), vocab_size=16_000, model_type="unigram",
            bos_id=-1, eos_id=-1, unk_id=0, character_coverage=1.0, minloglevel=2, hard_vocab_limit=False,
        )
        processor = spm.SentencePieceProcessor(model_file=str(prefix.with_suffix(".model")))
        vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
        for i in range(processor.get_piece_size()):
            vocab.setdefault(processor.id_to_piece(i), len(vocab))
        real = len(vocab)
        for i in range(OPUS_MT_VOCAB - 1 - len(vocab)):
            vocab[f"<unused{i}>"] = len(vocab)
        vocab["<pad>"] = len(vocab)
        (Path(tmp) / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        spm_file = str(prefix.with_suffix(".model"))
        MarianTokenizer(vocab=str(Path(tmp) / "vocab.json"), source_spm=spm_file, target_spm=spm_file).save_pretrained(out_dir)
    size = len(vocab)
    config = MarianConfig(  # type: ignore[call-arg]  # num_beams, max_length, bad_words_ids: not config fields, transformers 5.24 drops them
        vocab_size=size, d_model=512, encoder_layers=6, decoder_layers=6, encoder_attention_heads=8,
        decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048, max_position_embeddings=512,
        pad_token_id=size - 1, decoder_start_token_id=size - 1, eos_token_id=0, bad_words_ids=[[size - 1]],
        forced_eos_token_id=0, num_beams=4, max_length=512, scale_embedding=True, share_encoder_decoder_embeddings=True,
    )
    model = MarianMTModel(config).eval()
    with torch.no_grad():  # never generate the filler entries: they would decode to long "<unusedN>" strings
        model.final_logits_bias[:, real : size - 1] = -100.0
        # and favour whole-word pieces, so the output splits into words like a translation (not one long string)
        word_starts = [i for piece, i in vocab.items() if piece.startswith("▁") and len(piece) > 2]
        model.final_logits_bias[0, word_starts] = 5.0
    model.save_pretrained(out_dir)
    (out_dir / DONE).write_text(json.dumps({"kind": "opus-mt", "vocab": size}), encoding="utf-8")
    return out_dir
