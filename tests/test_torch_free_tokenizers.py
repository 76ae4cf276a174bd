"""The tokenizers the ONNX and CTranslate2 paths read without transformers give exactly transformers' tokens.

Compared on the tiny test models and on replicas of the published layouts, over accents,
emoji, Slack placeholders, typed special tokens, ``>>xx<<`` prefixes, empty and over-long
inputs; then end to end (same tags, embeddings and translations); then in a fresh process,
which must load the converted models and translate without importing torch or transformers.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from transformers import AutoConfig, AutoTokenizer

from mixlingo.adapters.bert_config import read_config
from mixlingo.adapters.bert_encoder import BertEncoder
from mixlingo.adapters.bert_tokenizer import JsonBertTokenizer
from mixlingo.adapters.ct2_translator import CT2Translator
from mixlingo.adapters.marian_tokens import SentencePieceMarian, TransformersMarian
from mixlingo.adapters.mbert_tagger import MBertTagger
from mixlingo.adapters.testing.replica_models import CODESWITCH_LABELS, build_codeswitch_replica, build_opus_mt_replica

LABELS = {"lang1": "en", "lang2": "es"}
LONG = "oye el reporte mañana " * 60 + "😂 [3] fin"
TEXTS = [
    "oye el reporte mañana", "Ça déjà vu, naïve café — ¿qué tal?", "I'll send it 😂🎉 tomorrow!!",
    "see [1] and [2], then [10]", "mi amigo dijo que sí", "", " ", "  spaced   out  ", "tab\there\nnewline",
    "Zürich Ελληνικά 日本語 हिन्दी", "`code = x[3] + y`", "@user <https://example.com|link>", LONG,
]
MARIAN_TEXTS = [
    *TEXTS, ">>es<< send the report", ">>fr<<", ">>es<<mañana", ">> not a code", "a </s> b <unk> c <pad>",
    "</s>>>es<< after a special", "x<<y>>z", "<<>>", "la casa es grande.", "sí... ¿sí?",
]
WORDS = [["Oye", ",", "I", "will", "send", "el", "reporte", "mañana", "Maria", "?"], ["😂"], ["Ça", "déjà"],
         ["[1]", "x"], ["la", "reunión"] * 70, ["naïve", "", "café"]]


@pytest.fixture(scope="module")
def codeswitch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    words = {"en": ["I", "send", "the", "report"], "spa": ["Oye", "el", "reporte", "mañana"], "ne": ["Maria"]}
    return build_codeswitch_replica(tmp_path_factory.mktemp("codeswitch"), words, CODESWITCH_LABELS["spaeng"])


@pytest.fixture(scope="module")
def opus_mt_multi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    english, spanish = ["I", "will", "send", "the", "report", "to"], ["Oye", "el", "reporte", "mañana"]
    return build_opus_mt_replica(tmp_path_factory.mktemp("opus-mt-multi"), english, spanish, target_codes=["es", "fr"])


def assert_same_encoding(model_dir: Path, batches: list, max_length: int, **kwargs: object) -> None:
    ours, theirs = JsonBertTokenizer.from_dir(model_dir), AutoTokenizer.from_pretrained(str(model_dir))
    assert ours is not None
    for batch in batches:
        want = theirs(batch, truncation=True, max_length=max_length, padding=True, return_tensors="np", **kwargs)
        have = ours(batch, truncation=True, max_length=max_length, padding=True, return_tensors="np", **kwargs)
        for key in ("input_ids", "attention_mask"):
            assert have[key].tolist() == want[key].tolist(), (key, batch)
        assert [have.word_ids(row) for row in range(len(batch))] == [want.word_ids(row) for row in range(len(batch))]


@pytest.mark.parametrize("max_length", [128, 8])
def test_bert_texts_encode_as_transformers_does(tiny_bert_dir: Path, max_length: int) -> None:
    batches = [TEXTS, [" "], [LONG, "la casa"], *([text] for text in TEXTS if text)]
    assert_same_encoding(tiny_bert_dir, batches, max_length, return_token_type_ids=False)


@pytest.mark.parametrize("max_length", [128, 6])
def test_bert_words_align_as_transformers_does(tiny_bert_dir: Path, max_length: int) -> None:
    assert_same_encoding(tiny_bert_dir, [WORDS, WORDS[:1], WORDS[4:5]], max_length, is_split_into_words=True)


def _classic(tiny_bert_dir: Path, out: Path, settings: dict, *, keep_json: bool) -> Path:
    """The tiny BERT as a classic BertTokenizer layout: vocab.txt, these settings, tokenizer.json or not."""
    out.mkdir()
    shutil.copy(tiny_bert_dir / "config.json", out / "config.json")
    vocab = json.loads((tiny_bert_dir / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    (out / "vocab.txt").write_text("\n".join(sorted(vocab, key=vocab.get)) + "\n", encoding="utf-8")
    if keep_json:
        serialized = json.loads((tiny_bert_dir / "tokenizer.json").read_text(encoding="utf-8"))
        serialized["normalizer"] = {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                                    "strip_accents": None, "lowercase": bool(settings.get("do_lower_case", True))}
        (out / "tokenizer.json").write_text(json.dumps(serialized), encoding="utf-8")
    (out / "tokenizer_config.json").write_text(json.dumps(settings), encoding="utf-8")
    return out


CLASSIC = {
    "vocab.txt, cased, BertTokenizer": ({"tokenizer_class": "BertTokenizer", "do_lower_case": False}, False),
    "vocab.txt, uncased, no class": ({"do_lower_case": True}, False),
    "vocab.txt and tokenizer.json, cased, no class (as bert-base-multilingual-cased)": ({"do_lower_case": False}, True),
    "vocab.txt and tokenizer.json, uncased, BertTokenizerFast": ({"tokenizer_class": "BertTokenizerFast"}, True),
}


@pytest.mark.parametrize("layout", CLASSIC)
def test_classic_bert_layouts_encode_as_transformers_does(tiny_bert_dir: Path, tmp_path: Path, layout: str) -> None:
    settings, keep_json = CLASSIC[layout]
    model_dir = _classic(tiny_bert_dir, tmp_path / "classic", settings, keep_json=keep_json)
    assert type(AutoTokenizer.from_pretrained(str(model_dir))).__name__ == "BertTokenizer"
    upper = [text.upper() for text in TEXTS]
    assert_same_encoding(model_dir, [TEXTS, upper, [LONG, "la casa"], ["a [CLS] b [SEP] [MASK] [unk] [PAD]"]], 128)
    assert_same_encoding(model_dir, [TEXTS], 8)
    assert_same_encoding(model_dir, [WORDS, [[w.upper() for w in WORDS[0]]]], 128, is_split_into_words=True)


def test_the_published_codeswitch_layout_encodes_as_transformers_does(codeswitch: Path) -> None:
    assert not (codeswitch / "tokenizer.json").is_file()  # vocab.txt, tokenizer_config.json, special_tokens_map.json
    assert_same_encoding(codeswitch, [TEXTS, ["Oye el reporte mañana Maria"]], 128)
    assert_same_encoding(codeswitch, [WORDS], 128, is_split_into_words=True)


def test_bert_layouts_transformers_would_change_keep_transformers(tiny_bert_dir: Path, codeswitch: Path, tmp_path: Path) -> None:
    disagreeing = _classic(tiny_bert_dir, tmp_path / "disagreeing", {"do_lower_case": False}, keep_json=True)
    serialized = json.loads((disagreeing / "tokenizer.json").read_text(encoding="utf-8"))
    serialized["normalizer"]["lowercase"] = True  # the file and the settings disagree: which wins is transformers' call
    (disagreeing / "tokenizer.json").write_text(json.dumps(serialized), encoding="utf-8")
    assert JsonBertTokenizer.from_dir(disagreeing) is None
    never_split = _classic(tiny_bert_dir, tmp_path / "never-split", {"do_lower_case": True, "never_split": ["x"]},
                           keep_json=False)
    assert JsonBertTokenizer.from_dir(never_split) is None  # a setting this module does not know
    changed = shutil.copytree(tiny_bert_dir, tmp_path / "lowercased")
    settings = json.loads((changed / "tokenizer_config.json").read_text())
    (changed / "tokenizer_config.json").write_text(json.dumps({**settings, "do_lower_case": True}))
    assert JsonBertTokenizer.from_dir(changed) is None
    (changed / "tokenizer_config.json").write_text(json.dumps({**settings, "tokenizer_class": "BertTokenizer"}))
    assert JsonBertTokenizer.from_dir(changed) is None


def test_bert_config_reads_as_transformers_does(tiny_bert_dir: Path, codeswitch: Path) -> None:
    for model_dir in (tiny_bert_dir, codeswitch):
        ours, theirs = read_config(model_dir), AutoConfig.from_pretrained(str(model_dir))
        for name in ("id2label", "num_labels", "max_position_embeddings", "num_hidden_layers", "hidden_size"):
            assert getattr(ours, name) == getattr(theirs, name), name


def marian_pair(model_dir: Path) -> tuple[SentencePieceMarian, TransformersMarian]:
    ours = SentencePieceMarian.from_dir(model_dir)
    assert ours is not None
    return ours, TransformersMarian(AutoTokenizer.from_pretrained(str(model_dir)))


@pytest.mark.parametrize("max_length", [128, 5, 1])
def test_marian_tokens_are_transformers_tokens(tiny_marian_dir: Path, opus_mt_multi: Path, max_length: int) -> None:
    for model_dir in (tiny_marian_dir, opus_mt_multi):
        ours, theirs = marian_pair(model_dir)
        assert ours.encode(MARIAN_TEXTS, max_length) == theirs.encode(MARIAN_TEXTS, max_length)
        assert ours.get_vocab() == theirs.get_vocab()


def test_marian_decoding_is_transformers_decoding(tiny_marian_dir: Path, opus_mt_multi: Path) -> None:
    rng = random.Random(0)
    for model_dir in (tiny_marian_dir, opus_mt_multi):
        ours, theirs = marian_pair(model_dir)
        vocab = [*ours.get_vocab(), "never-in-the-vocabulary", "▁", ">>xx<<"]
        hypotheses = [rng.choices(vocab, k=rng.randint(0, 12)) for _ in range(300)]
        hypotheses += [tokens[:-1] for tokens in ours.encode(MARIAN_TEXTS, 512)]  # what a source turns back into
        assert [ours.decode(tokens) for tokens in hypotheses] == [theirs.decode(tokens) for tokens in hypotheses]


def test_marian_layouts_transformers_would_change_keep_transformers(tiny_marian_dir: Path, tmp_path: Path) -> None:
    for change in ({"separate_vocabs": True}, {"clean_up_tokenization_spaces": True}, {"additional_special_tokens": ["<x>"]}):
        changed = shutil.copytree(tiny_marian_dir, tmp_path / str(len(list(tmp_path.iterdir()))))
        settings = json.loads((changed / "tokenizer_config.json").read_text())
        (changed / "tokenizer_config.json").write_text(json.dumps({**settings, **change}))
        assert SentencePieceMarian.from_dir(changed) is None, change
    (changed / "source.spm").unlink()
    assert SentencePieceMarian.from_dir(changed) is None


def test_translations_are_the_same_with_either_marian_tokenizer(
    tiny_marian_dir: Path, opus_mt_multi: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = {"es-en": str(tiny_marian_dir), "en-mul": str(opus_mt_multi)}
    texts = ["la casa es grande", "mi amigo dijo que sí [1] 😂", "", LONG]

    def translate() -> list:
        translator = CT2Translator(models, cache_dir=tmp_path, device="cpu", max_new_tokens=12)
        return translator.translate(texts, "es", "en", 3) + translator.translate(["send the report"], "en", "es", 2)

    ours = translate()
    monkeypatch.setattr(SentencePieceMarian, "from_dir", classmethod(lambda cls, model_dir: None))
    assert translate() == ours


def test_tags_and_embeddings_are_the_same_with_either_bert_tokenizer(
    tiny_bert_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def run() -> tuple:
        tagger = MBertTagger(str(tiny_bert_dir), label_map=LABELS, cache_dir=tmp_path, backend="onnx", threads=1)
        encoder = BertEncoder.load(str(tiny_bert_dir), cache_dir=tmp_path, backend="onnx", threads=1)
        return tagger.tag_batch(WORDS), encoder.embed(TEXTS), type(tagger.tokenizer).__name__

    tags, vectors, name = run()
    assert name == "JsonBertTokenizer"
    monkeypatch.setattr(JsonBertTokenizer, "from_dir", classmethod(lambda cls, model_dir: None))
    want_tags, want_vectors, want_name = run()
    assert want_name != name and tags == want_tags and np.array_equal(vectors, want_vectors)


FRESH_PROCESS = """
import json, sys
from pathlib import Path
from mixlingo.adapters.bert_encoder import BertEncoder
from mixlingo.adapters.ct2_translator import CT2Translator
from mixlingo.adapters.mbert_tagger import MBertTagger

bert, marian, cache = (Path(p) for p in sys.argv[1:4])
tagger = MBertTagger(str(bert), label_map={"lang1": "en", "lang2": "es"}, cache_dir=cache, backend="onnx", threads=1)
encoder = BertEncoder.load(str(bert), cache_dir=cache, backend="onnx", threads=1, layers=1)
translator = CT2Translator({"es-en": str(marian)}, cache_dir=cache, device="cpu", max_new_tokens=12)
tags = [t.lang for t in tagger.tag_batch([["mi", "amigo", "said", "yes"]])[0]]
vectors = encoder.embed(["la casa", "the house"]).tolist() + tagger.encoder().embed(["la casa"]).tolist()
best = translator.translate(["la casa es grande"], "es", "en", 2)[0][0].text
heavy = sorted(m for m in ("torch", "transformers") if m in sys.modules)
print(json.dumps({"tags": tags, "vectors": vectors, "best": best, "heavy": heavy, "notes": translator.notes}))
"""


def test_a_fresh_process_runs_converted_models_without_torch_or_transformers(
    tiny_bert_dir: Path, tiny_marian_dir: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    args = [str(tiny_bert_dir), str(tiny_marian_dir), str(cache)]
    first = subprocess.run([sys.executable, "-c", FRESH_PROCESS, *args], capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr  # exports and converts: this one needs torch
    second = subprocess.run([sys.executable, "-c", FRESH_PROCESS, *args], capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    want, got = json.loads(first.stdout), json.loads(second.stdout)
    assert got["heavy"] == [], f"the converted-model path imported {got['heavy']}"
    assert got["notes"] == [] and got["tags"] == want["tags"] and got["best"] == want["best"] == "the house is big"
    assert np.allclose(got["vectors"], want["vectors"], atol=1e-6)


CODESWITCH_PROCESS = """
import json, sys
from pathlib import Path
from mixlingo.adapters.mbert_tagger import MBertTagger

model, cache = (Path(p) for p in sys.argv[1:3])
tagger = MBertTagger(str(model), label_map={}, cache_dir=cache, backend="onnx", threads=1, pairs=[("en", "es")])
tags = [t.lang for t in tagger.tag_batch([["Oye", "I", "send", "el", "reporte", "Maria"]])[0]]
print(json.dumps({"tags": tags, "heavy": sorted(m for m in ("torch", "transformers") if m in sys.modules)}))
"""


def test_the_published_codeswitch_layout_tags_without_torch_once_exported(codeswitch: Path, tmp_path: Path) -> None:
    """The default tagger's layout (vocab.txt only) no longer needs transformers for its tokenizer."""
    args = [str(codeswitch), str(tmp_path / "cache")]
    first = subprocess.run([sys.executable, "-c", CODESWITCH_PROCESS, *args], capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr  # exports the graph: this one needs torch
    second = subprocess.run([sys.executable, "-c", CODESWITCH_PROCESS, *args], capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    want, got = json.loads(first.stdout), json.loads(second.stdout)
    assert got["heavy"] == [] and got["tags"] == want["tags"]
