"""Tiny models in the real on-disk formats, built locally in seconds.

Tests load them through the same ``from_pretrained`` code as production, so the
whole path (config, weights, tokenizer files) is exercised without a model hub.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import cast

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
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS, show_progress=False)
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
    config = BertConfig(  # type: ignore[call-arg]  # num_labels: accepted (PreTrainedConfig takes it), missing from transformers 5's typed __init__
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


# A word-for-word dictionary: the tiny Marian learns it in both directions, so one model serves es→en and en→es.
TINY_ES_EN = {
    "oye": "hey", "el": "the", "reporte": "report", "mañana": "tomorrow", "vamos": "we", "a": "to", "revisar": "check",
    "esto": "this", "antes": "before", "de": "of", "la": "the", "reunión": "meeting", "mi": "my", "amigo": "friend",
    "dijo": "said", "que": "that", "sí": "yes", "casa": "house", "es": "is", "grande": "big", "y": "and", "bonita": "nice",
}

# Hindi in Devanagari → English, word for word; English words inside Hindi are copied as they are, as
# opus-mt-hi-en does. Romanized Hindi ("kal") is not in it: a model like this cannot read Latin-letter Hindi.
TINY_HI_EN = {
    "कल": "tomorrow", "है": "is", "भेज": "send", "देना": "give", "आज": "today", "मैं": "I", "घर": "home",
    "नहीं": "not", "काम": "work", "बहुत": "very", "अच्छा": "good", "हम": "we", "और": "and", "भी": "also",
    "meeting": "meeting", "please": "please", "report": "report", "office": "office", "ok": "ok",
}


def build_tiny_marian(
    out_dir: Path, dictionary: Mapping[str, str] = TINY_ES_EN, *, steps: int = 300, seed: int = 0
) -> Path:
    """A 1+1-layer MarianMT with two sentencepiece models and vocab.json (the real file layout), trained.

    It learns ``dictionary`` word for word in both directions (in seconds), so its
    best beam candidate wins by a clear margin: tests can compare backends on it
    without tripping over near-tied scores, which untrained weights are full of.
    """
    quiet_transformers()
    rng = random.Random(seed)
    torch.manual_seed(seed)
    reverse: dict[str, str] = {}
    for source_word, target_word in dictionary.items():
        reverse.setdefault(target_word, source_word)
    pairs = [_dictionary_pair(rng, mapping) for _ in range(1000) for mapping in (dictionary, reverse)]
    tokenizer = _marian_tokenizer(out_dir, [text for pair in pairs[:600] for text in pair])
    config = _tiny_marian_config(len(tokenizer))
    model = _train_seq2seq(config, tokenizer, pairs, steps)
    model.save_pretrained(out_dir)
    return out_dir


def _dictionary_pair(rng: random.Random, mapping: Mapping[str, str]) -> tuple[str, str]:
    """A sentence and its word-for-word translation, written as units reach the translator.

    Punctuation and markup placeholders (``[1]``) are copied through and attached to
    a neighbouring word as often as not, as in ``[2]el reporte[3] mañana.``.
    """
    source, target = "", ""
    for _ in range(rng.randint(1, 9)):
        if rng.random() < 0.2:
            kept = rng.choice([f"[{rng.randint(1, 6)}]", ",", ".", "?"])
            glue = "" if kept[0] != "[" or rng.random() < 0.5 else " "
            source, target = source + glue + kept, target + glue + kept
            continue
        word = rng.choice(list(mapping))
        glue = "" if not source or (source.endswith("]") and rng.random() < 0.5) else " "
        source, target = source + glue + word, target + glue + mapping[word]
    return source.strip(), target.strip()


def _marian_tokenizer(out_dir: Path, corpus: Sequence[str]):  # MarianTokenizer
    """Source and target sentencepiece models trained on ``corpus``, vocab.json, saved as opus-mt saves them."""
    import json
    import tempfile

    import sentencepiece as spm
    from transformers import MarianTokenizer

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        lines = list(corpus)
        (Path(tmp) / "corpus.txt").write_text("\n".join(lines + [".,!?[]0123456789"]), encoding="utf-8")
        spm_paths = []
        for name in ("source", "target"):
            prefix = Path(tmp) / name
            spm.SentencePieceTrainer.train(
                input=str(Path(tmp) / "corpus.txt"), model_prefix=str(prefix), vocab_size=120, model_type="unigram",
                hard_vocab_limit=False, bos_id=-1, eos_id=-1, unk_id=0, character_coverage=1.0, minloglevel=2,
                seed_sentencepiece_size=1000, shuffle_input_sentence=False,
            )
            spm_paths.append(prefix.with_suffix(".model"))
        vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
        for path in spm_paths:
            processor = spm.SentencePieceProcessor(model_file=str(path))
            for i in range(processor.get_piece_size()):
                vocab.setdefault(processor.id_to_piece(i), len(vocab))
        vocab["<pad>"] = len(vocab)
        (Path(tmp) / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        tokenizer = MarianTokenizer(
            vocab=str(Path(tmp) / "vocab.json"), source_spm=str(spm_paths[0]), target_spm=str(spm_paths[1])
        )
        tokenizer.save_pretrained(out_dir)
    return tokenizer


def _tiny_marian_config(size: int):  # MarianConfig
    from transformers import MarianConfig

    # Scaled embeddings with a wider init: with opus-mt's 0.02 init the sinusoidal positions drown the
    # token embeddings of so small a model and it never learns to attend to the source.
    return MarianConfig(  # type: ignore[call-arg]  # num_beams, max_length, bad_words_ids: not config fields, transformers 5.24 drops them
        vocab_size=size, d_model=64, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=128, decoder_ffn_dim=128, max_position_embeddings=128,
        pad_token_id=size - 1, decoder_start_token_id=size - 1, eos_token_id=0, bad_words_ids=[[size - 1]],
        forced_eos_token_id=0, num_beams=4, max_length=64, scale_embedding=True, init_std=0.1,
    )


def _train_seq2seq(config, tokenizer, pairs: Sequence[tuple[str, str]], steps: int, batch: int = 32):
    from transformers import MarianMTModel

    model = MarianMTModel(config)
    embeddings = cast(torch.nn.Embedding, model.get_input_embeddings()).weight  # Marian's are an nn.Embedding
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a model this small trains fastest on one thread, and a busy machine cannot stall it
    try:
        model.train()
        for step in range(steps):
            chunk = [pairs[(step * batch + i) % len(pairs)] for i in range(batch)]
            encoded = tokenizer([s for s, _ in chunk], text_target=[t for _, t in chunk], padding=True, return_tensors="pt")
            encoded["labels"][encoded["labels"] == config.pad_token_id] = -100
            model(**encoded).loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            with torch.no_grad():  # opus-mt's decoder starts from a zero <pad> embedding, and CTranslate2 assumes it
                embeddings[config.pad_token_id].zero_()
    finally:
        torch.set_num_threads(threads)
    return model.eval()


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
