"""Tiny models in the real on-disk formats, built locally in seconds.

Tests load them through the same ``from_pretrained`` code as production, so the
whole path (config, weights, tokenizer files) is exercised without a model hub.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import BertConfig, BertForTokenClassification, PreTrainedTokenizerFast

from mixlingo.adapters.hub import quiet_transformers

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_wordpiece_tokenizer(corpus: Sequence[str], vocab_size: int = 600) -> PreTrainedTokenizerFast:
    """A cased BERT WordPiece tokenizer trained on ``corpus`` (the real tokenizer.json format)."""
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=False, strip_accents=False)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS)
    tokenizer.train_from_iterator(corpus, trainer)
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )


def build_tiny_token_classifier(
    out_dir: Path,
    words_by_label: Mapping[str, Sequence[str]],
    *,
    steps: int = 150,
    seed: int = 0,
) -> Path:
    """Train a 2-layer BERT to tag words by label on synthetic mixed sentences; save it.

    The words of each label are the whole 'language'; sentences mix them with
    runs, so the model learns a real (if tiny) word → label mapping.
    """
    quiet_transformers()
    rng = random.Random(seed)
    torch.manual_seed(seed)
    labels = sorted(words_by_label)
    sentences = [_synthetic_sentence(rng, words_by_label) for _ in range(400)]
    tokenizer = build_wordpiece_tokenizer([" ".join(w for w, _ in s) for s in sentences])
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    model = BertForTokenClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for step in range(steps):
        batch = [sentences[(step * 16 + i) % len(sentences)] for i in range(16)]
        encoded = tokenizer(
            [[w for w, _ in s] for s in batch], is_split_into_words=True, padding=True, return_tensors="pt"
        )
        targets = torch.full(encoded["input_ids"].shape, -100)
        for row, sentence in enumerate(batch):
            seen = set()
            for position, word_id in enumerate(encoded.word_ids(row)):
                if word_id is not None and word_id not in seen:
                    seen.add(word_id)
                    targets[row, position] = labels.index(sentence[word_id][1])
        loss = model(**encoded, labels=targets).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def _synthetic_sentence(rng: random.Random, words_by_label: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    labels = sorted(words_by_label)
    sentence: list[tuple[str, str]] = []
    while len(sentence) < rng.randint(4, 14):
        label = rng.choice(labels)
        for _ in range(rng.randint(1, 4)):
            sentence.append((rng.choice(list(words_by_label[label])), label))
    return sentence


TINY_ES = "oye el reporte mañana vamos a revisar esto antes de la reunión mi amigo dijo que sí la casa es grande y bonita".split()
TINY_EN = "hey the report tomorrow we will check this before the meeting my friend said yes the house is big and nice".split()


def build_tiny_marian(out_dir: Path, source_words: Sequence[str] = TINY_ES, target_words: Sequence[str] = TINY_EN, *, seed: int = 0) -> Path:
    """A 1+1-layer MarianMT with two sentencepiece models and vocab.json: the real file layout.

    Random weights: the output is not a translation, but every file, the
    tokenizer and ``generate`` (beam search, n-best, scores) are the real ones.
    """
    quiet_transformers()
    import json
    import tempfile

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
    config = MarianConfig(
        vocab_size=size, d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=128,
        pad_token_id=size - 1, decoder_start_token_id=size - 1, eos_token_id=0, bad_words_ids=[[size - 1]],
        forced_eos_token_id=0, num_beams=4, max_length=64,
    )
    MarianMTModel(config).save_pretrained(out_dir)
    return out_dir


# Words per label for the demo tagger (``mixlingo models tiny``), the same kind the tests train on.
DEMO_WORDS = {
    "lang1": "I will send the report tomorrow okay we need to check this before meeting my friend said yes".split(),
    "lang2": "oye el reporte mañana vamos a revisar esto antes de la reunión mi amigo dijo que sí".split(),
    "other": [",", "!", "?", ".", "...", "😂", "@user"],
    "ne": ["Maria", "Google", "Texas"],
}


def build_demo_models(out_dir: Path) -> tuple[Path, Path]:
    """(tagger dir, Marian dir) under ``out_dir``: the test models, for a demo of ``translate --explain``."""
    out_dir = Path(out_dir)
    tagger = build_tiny_token_classifier(out_dir / "tagger", DEMO_WORDS)
    marian = build_tiny_marian(out_dir / "marian")
    return tagger, marian
