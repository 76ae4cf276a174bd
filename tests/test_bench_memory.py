"""Memory levers on the tiny BERT: the word embeddings memory-mapped outside the graph, and the tagger's
graph cut at the reranker's layer so that one model serves both. Each piece computes what the whole did."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mixlingo.adapters.bert_encoder import BertEncoder
from mixlingo.adapters.bert_graphs import WORD_INPUT, pieces_paths
from mixlingo.adapters.bert_runtime import OnnxRunner, SplitOnnxRunner
from mixlingo.adapters.mbert_tagger import MBertTagger

LABELS = {"lang1": "en", "lang2": "es"}
TEXTS = ["oye el reporte mañana", "I will send the report tomorrow", "la reunión", "my friend said yes okay"]
SENTENCES = [["Oye", ",", "I", "will", "send", "el", "reporte", "mañana", "Maria", "?"], ["the", "report"]]
ATOL = 1e-5
"""Float32 rounding only: the pieces hold the same int8 weights and see the same inputs."""


def tagger(tiny_bert_dir: Path, cache: Path) -> MBertTagger:
    return MBertTagger(str(tiny_bert_dir), label_map=LABELS, cache_dir=cache, backend="onnx", threads=1)


def ids_and_mask(tagged: MBertTagger) -> tuple[np.ndarray, np.ndarray]:
    encoded = tagged.tokenizer(TEXTS, return_tensors="np", padding=True, truncation=True, max_length=64,
                               return_token_type_ids=False)
    return encoded["input_ids"], encoded["attention_mask"]


def test_the_word_table_lives_outside_the_graph_and_gives_the_same_outputs(tiny_bert_dir: Path, tmp_path: Path) -> None:
    fast = tagger(tiny_bert_dir, tmp_path)
    runner = fast.runner
    assert isinstance(runner, OnnxRunner) and runner.table is not None and WORD_INPUT in runner.inputs
    assert isinstance(runner.table.rows, np.memmap)  # read from disk as rows are touched, not loaded whole
    assert runner.path == pieces_paths(runner.source)["whole"] and runner.path.stat().st_size < runner.source.stat().st_size
    whole = OnnxRunner(runner.source, runner.config, 1)  # the exported graph, table inside
    assert WORD_INPUT not in whole.inputs
    ids, mask = ids_and_mask(fast)
    (hidden, logits), (ref_hidden, ref_logits) = runner(ids, mask), whole(ids, mask)
    assert logits is not None and ref_logits is not None
    assert np.abs(logits - ref_logits).max() < ATOL and np.abs(hidden - ref_hidden).max() < ATOL


def test_a_reranker_on_the_taggers_model_is_the_taggers_graph_cut_at_its_layer(tiny_bert_dir: Path, tmp_path: Path) -> None:
    fast = tagger(tiny_bert_dir, tmp_path)
    before = fast.tag_batch(SENTENCES)
    ids, mask = ids_and_mask(fast)
    _, logits_before = fast.runner(ids, mask)
    shared = fast.layer_encoder(1)
    assert shared is not None and isinstance(fast.runner, SplitOnnxRunner)
    assert shared.runner.session is fast.runner.front.session  # one model in memory
    assert shared.runner.config.num_hidden_layers == 1 and fast.runner.config.num_hidden_layers == 2
    _, logits_after = fast.runner(ids, mask)
    assert logits_before is not None and logits_after is not None
    assert np.abs(logits_after - logits_before).max() < ATOL
    after = fast.tag_batch(SENTENCES)
    assert [[t.lang for t in s] for s in after] == [[t.lang for t in s] for s in before]
    assert all(abs(a.confidence - b.confidence) < 1e-4 for s, r in zip(after, before) for a, b in zip(s, r))
    own = BertEncoder.load(str(tiny_bert_dir), cache_dir=tmp_path, backend="onnx", threads=1, layers=1)
    assert np.abs(shared.embed(TEXTS) - own.embed(TEXTS)).max() < ATOL  # the vectors a second copy would give
    assert fast.layer_encoder(1) is not None and fast.runner.layers == 1  # asked again: the same cut, no new sessions


def test_the_factory_shares_the_taggers_model_when_the_reranker_is_that_model(tiny_bert_dir: Path, tmp_path: Path) -> None:
    from mixlingo.config import load_settings
    from mixlingo.factory import load_encoder

    fast = tagger(tiny_bert_dir, tmp_path)
    settings = load_settings(reranker_model=str(tiny_bert_dir), rerank_layers=1, encoder_backend="onnx",
                             model_cache_dir=tmp_path, offline=True, threads=1)
    encoder = load_encoder(settings, [fast])
    assert isinstance(fast.runner, SplitOnnxRunner) and encoder.runner.session is fast.runner.front.session  # type: ignore[attr-defined]
    torch_tagger = MBertTagger(str(tiny_bert_dir), label_map=LABELS, cache_dir=tmp_path, backend="torch")
    assert torch_tagger.layer_encoder(1) is None  # torch cannot cut: the factory loads the reranker on its own


def test_the_levers_script_can_keep_the_word_table_inside(tiny_bert_dir: Path, tmp_path: Path,
                                                          monkeypatch) -> None:
    from mixlingo.adapters import levers

    monkeypatch.setattr(levers, "_off", levers._off)  # all on again after the test
    with pytest.raises(ValueError, match="unknown levers word; the levers are spin, trim, words, sources"):
        levers.turn_off(["word"])  # type: ignore[list-item]
    levers.turn_off(["words"])
    runner = tagger(tiny_bert_dir, tmp_path).runner
    assert isinstance(runner, OnnxRunner) and runner.table is None and runner.path == runner.source


# --- the shared-model path: the tagger's forward also gives the source's sentence vector -----------------

MESSAGES = [
    "la casa es grande y bonita",
    "oye el reporte mañana",
    "vamos a revisar esto antes de la reunión. mi amigo dijo que sí",
    "the meeting is tomorrow, y el reporte es grande",
]
DECISIVE = 0.3
"""As tests/test_fast_pipeline.py: a choice leading by more than this is one batch-dependent int8 rounding cannot flip."""


def test_a_sentence_the_tagger_saw_needs_no_encoder_forward(tiny_bert_dir: Path, tmp_path: Path) -> None:
    fast = tagger(tiny_bert_dir, tmp_path)
    alone = [[(t.lang, t.confidence) for t in s] for s in fast.tag_batch(SENTENCES)]
    shared = fast.layer_encoder(1)
    assert shared is not None and fast.source_vectors is not None and shared.known is fast.source_vectors
    tags = fast.tag_batch(SENTENCES + [["la", "casa", "es", "grande"]])
    assert [[t.lang for t in s] for s in tags[:2]] == [[lang for lang, _ in s] for s in alone]  # the same tags
    assert all(abs(t.confidence - c) < 1e-4 for s, r in zip(tags, alone) for t, (_, c) in zip(s, r))
    own = BertEncoder.load(str(tiny_bert_dir), cache_dir=tmp_path, backend="onnx", threads=1, layers=1)
    texts = ["la casa es grande", "el perro"]  # the first was tagged (same token ids), the second was not
    got, want = shared.embed(texts), own.embed(texts)
    assert fast.source_vectors.hits == 1
    # dynamic int8 quantises each batch as a whole, so vectors from other batches differ by rounding only
    assert min(float(got[i] @ want[i]) for i in range(2)) > 0.999


def test_the_shared_path_chooses_as_two_models_do_where_the_choice_is_decisive(
    tiny_models_env: None, tiny_bert_dir: Path, tmp_path: Path
) -> None:
    from mixlingo.config import load_settings
    from mixlingo.factory import build_translate_pipeline

    copy = tmp_path / "reranker-copy"  # the same weights under another name: a second model, loaded on its own
    copy.mkdir()
    for file in tiny_bert_dir.iterdir():
        if file.is_file():
            (copy / file.name).symlink_to(file.resolve())
    common = dict(tagger="mbert", mbert_model=str(tiny_bert_dir), mbert_label_map=LABELS, rerank_layers=1,
                  rerank_skip_margin=0.0, encoder_backend="onnx", threads=1, strategy="whole")
    one = build_translate_pipeline(load_settings(**common, reranker_model=str(tiny_bert_dir))).pipeline
    two = build_translate_pipeline(load_settings(**common, reranker_model=str(copy))).pipeline
    shared_tagger = one.get_pipe("tag").taggers[0].inner
    assert shared_tagger.source_vectors is not None and two.get_pipe("tag").taggers[0].inner.source_vectors is None
    got = [one.run(text, target="en") for text in MESSAGES]
    want = [two.run(text, target="en") for text in MESSAGES]
    assert shared_tagger.source_vectors.hits > 0  # some sources came from the tagger's forward
    decisive = 0
    for have, expected in zip(got, want, strict=True):
        assert [t.lang for t in have.tokens] == [t.lang for t in expected.tokens]
        for unit_have, unit_want in zip(have.translation.units, expected.translation.units, strict=True):
            if unit_want.lead() > DECISIVE:
                decisive += 1
                assert unit_have.scored[unit_have.chosen].candidate.text == unit_want.scored[unit_want.chosen].candidate.text
    assert decisive > 0  # the comparison has teeth
