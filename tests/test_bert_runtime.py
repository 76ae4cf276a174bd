"""ONNX Runtime / torch int8 runners agree with the plain torch path on the tiny BERT; fallbacks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mixlingo.adapters import bert_runtime, torch_bert
from mixlingo.adapters.bert_encoder import BertEncoder
from mixlingo.adapters.bert_runtime import OnnxRunner
from mixlingo.adapters.torch_bert import TorchRunner
from mixlingo.adapters.mbert_tagger import MBertTagger

from agreement import assert_same_order_where_decisive

LABELS = {"lang1": "en", "lang2": "es"}
TEXTS = ["oye el reporte mañana", "I will send the report tomorrow", "la reunión", "my friend said yes okay", ""]
SENTENCES = [["Oye", ",", "I", "will", "send", "el", "reporte", "mañana", "Maria", "?"], ["the", "report"], ["mañana"] * 200]


def encoder(tiny_bert_dir: Path, cache: Path, backend: str) -> BertEncoder:
    return BertEncoder.load(str(tiny_bert_dir), cache_dir=cache, backend=backend, threads=1)


@pytest.mark.parametrize("backend", ["onnx", "torch-int8"])
def test_optimised_encoders_agree_with_torch(tiny_bert_dir: Path, tmp_path: Path, backend: str) -> None:
    plain, fast = encoder(tiny_bert_dir, tmp_path, "torch"), encoder(tiny_bert_dir, tmp_path, backend)
    assert fast.runner.name == backend and fast.notes == []
    a, b = plain.embed(TEXTS), fast.embed(TEXTS)
    assert a.shape == b.shape and np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-4)
    assert (a * b).sum(1).min() > 0.99  # cosine of each text's two embeddings
    # what the reranker uses: the similarity ranking of candidates against a source, wherever int8 cannot flip it
    assert_same_order_where_decisive((a[1:] @ a[0]).tolist(), (b[1:] @ b[0]).tolist(), eps=0.02)


def test_onnx_fp32_graph_matches_torch_exactly(tiny_bert_dir: Path, tmp_path: Path) -> None:
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(str(tiny_bert_dir))
    path = torch_bert.export_onnx(model, "tokens", tmp_path / "fp32.onnx", quantize=False)
    ids, mask = np.array([[2, 10, 11, 12, 3], [2, 13, 3, 0, 0]]), np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    hidden, logits = OnnxRunner(path, model.config, 1)(ids, mask)
    ref_hidden, ref_logits = TorchRunner(model, "tokens")(ids, mask)
    assert np.abs(logits - ref_logits).max() < 1e-4 and np.abs(hidden - ref_hidden).max() < 1e-4


def test_onnx_tagger_tags_like_the_torch_tagger_and_shares_its_graph(tiny_bert_dir: Path, tmp_path: Path) -> None:
    plain = MBertTagger(str(tiny_bert_dir), label_map=LABELS, cache_dir=tmp_path, backend="torch")
    fast = MBertTagger(str(tiny_bert_dir), label_map=LABELS, cache_dir=tmp_path, backend="onnx", threads=1)
    assert isinstance(fast.runner, OnnxRunner)
    expected = [t for s in plain.tag_batch(SENTENCES) for t in s]
    got = [t for s in fast.tag_batch(SENTENCES) for t in s]
    decisive = [i for i, t in enumerate(expected) if t.confidence >= 0.6]  # the runner-up is at least 0.2 behind
    assert len(decisive) >= 0.9 * len(expected)
    assert [got[i].lang for i in decisive] == [expected[i].lang for i in decisive]
    assert fast.encoder().runner is fast.runner  # one model in memory serves tagger and reranker
    cached = list((tmp_path / "optimized" / "onnx").rglob("*.int8.onnx"))  # exported graphs (not the pieces cut from them)
    assert len(cached) == 1 and cached[0].name == "tokens.int8.onnx"


def test_missing_onnx_runtime_falls_back_to_torch_int8_with_a_note(
    tiny_bert_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bert_runtime, "onnx_available", lambda: False)
    fast = encoder(tiny_bert_dir, tmp_path, "auto")
    assert fast.runner.name == "torch-int8"
    assert len(fast.notes) == 1 and "ONNX Runtime is not installed" in fast.notes[0]


def test_failed_export_falls_back_to_torch_int8_with_a_note(
    tiny_bert_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> Path:
        raise RuntimeError("exporter exploded")

    monkeypatch.setattr(torch_bert, "export_onnx", broken)
    tagger = MBertTagger(str(tiny_bert_dir), label_map=LABELS, cache_dir=tmp_path, backend="onnx")
    assert tagger.runner.name == "torch-int8" and "exporter exploded" in tagger.notes[0]
    assert [t.lang for t in tagger.tag_batch([["el", "reporte"]])[0]] == ["es", "es"]


LONG_CODE = "`" + "x = compute(y) + other[3] " * 42 + "`"  # 1,100 characters: far past 128 positions


@pytest.mark.parametrize("backend", ["torch", "onnx"])
def test_encoder_truncates_to_the_models_own_position_limit(tiny_bert_dir: Path, tmp_path: Path, backend: str) -> None:
    enc = encoder(tiny_bert_dir, tmp_path, backend)
    assert enc.runner.config.max_position_embeddings == 128 and enc.max_length == 128
    vectors = enc.embed([LONG_CODE, "la casa " * 200, "la casa"])
    assert vectors.shape[0] == 3 and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


@pytest.mark.parametrize("backend", ["torch", "onnx"])
def test_tagger_windows_fit_the_models_positions(tiny_bert_dir: Path, tmp_path: Path, backend: str) -> None:
    tagger = MBertTagger(str(tiny_bert_dir), label_map=LABELS, cache_dir=tmp_path, backend=backend, threads=1)
    assert tagger.max_tokens == 128
    words = ["reunión"] * 300 + [LONG_CODE] + ["casa"] * 10  # 96-word windows: far more sub-tokens than positions
    tags = tagger.tag_batch([words, ["la", "casa"]])
    assert [len(t) for t in tags] == [len(words), 2]
    assert all(t.confidence > 0 for t in tags[0]), "a word past the model's positions was left untagged"


@pytest.mark.parametrize("backend", ["torch", "onnx"])
def test_an_encoder_stopped_at_a_middle_layer_pools_that_layer(tiny_bert_dir: Path, tmp_path: Path, backend: str) -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer

    short = BertEncoder.load(str(tiny_bert_dir), cache_dir=tmp_path, backend=backend, threads=1, layers=1)
    assert short.runner.config.num_hidden_layers == 1
    if backend == "onnx":
        assert short.runner.source.name == "base-L1.int8.onnx"
    tokenizer, full = AutoTokenizer.from_pretrained(str(tiny_bert_dir)), AutoModel.from_pretrained(str(tiny_bert_dir)).eval()
    assert full.config.num_hidden_layers == 2
    encoded = tokenizer(TEXTS[:4], padding=True, return_tensors="pt", return_token_type_ids=False)
    with torch.inference_mode():
        layer1 = full(**encoded, output_hidden_states=True).hidden_states[1]
    mask = encoded["attention_mask"][..., None].float()
    expected = torch.nn.functional.normalize((layer1 * mask).sum(1) / mask.sum(1), dim=-1).numpy()
    got = short.embed(TEXTS[:4])
    assert (got * expected).sum(1).min() > (0.9999 if backend == "torch" else 0.99)
