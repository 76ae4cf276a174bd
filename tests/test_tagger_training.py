"""`mixlingo tagger train|eval` end to end on a small generated corpus (never ../shared/data)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fixtures_lince import write_corpus
from typer.testing import CliRunner

from mixlingo.adapters.embedded.tagger import EmbeddedTagger
from mixlingo.adapters.embedded.training import EmbeddedTrainingOptions, train_embedded
from mixlingo.cli import app
from mixlingo.nlp.corpus import read_lince

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("lince") / "train.conll", sentences=80)


def test_same_seed_same_model_other_seed_other_model(corpus_path: Path, tmp_path: Path) -> None:
    corpus = read_lince(corpus_path)
    options = EmbeddedTrainingOptions(epochs=1, crf_iterations=5)
    a = train_embedded(corpus, tmp_path / "a", options)
    b = train_embedded(corpus, tmp_path / "b", options)
    c = train_embedded(corpus, tmp_path / "c", EmbeddedTrainingOptions(epochs=1, crf_iterations=5, seed=1))
    for name in ("model.safetensors", "sequence.onnx", "crf.safetensors", "vocab.json", "config.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "model.safetensors").read_bytes() != (c / "model.safetensors").read_bytes()


def test_train_then_eval_prints_the_lince_report(corpus_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    result = runner.invoke(app, ["tagger", "train", "--data", str(corpus_path), "--out", str(out), "--epochs", "6"])
    assert result.exit_code == 0, result.output
    assert "accuracy" in result.stdout and "weighted F1" in result.stdout and "confusion" in result.stdout
    result = runner.invoke(app, ["tagger", "eval", "--data", str(corpus_path), "--tagger", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["tagger"] == "embedded" and report["tokens"] > 0 and report["tokens_per_second"] > 0
    assert report["accuracy"] > 0.8  # a learnable toy corpus: words decide their language
    assert set(report["labels"]) >= {"en", "es", "other"}
    tagger = EmbeddedTagger(out)
    assert tagger.languages() == ("en", "es")
    tags = tagger.tag_batch([["I", "will", "send", "el", "reporte", "mañana", "!"]])[0]
    assert [t.lang for t in tags] == ["en", "en", "en", "es", "es", "es", "other"]


def test_eval_of_the_lexicon_tagger_and_bad_input(corpus_path: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["tagger", "eval", "--data", str(corpus_path), "--tagger", "lexicon", "--split", "all"])
    assert result.exit_code == 0 and "lexicon on 80 sentences" in result.stdout
    result = runner.invoke(app, ["tagger", "eval", "--data", str(tmp_path / "missing.conll")])
    assert result.exit_code == 2 and "no such corpus file" in result.stderr
    empty = tmp_path / "empty.conll"
    empty.write_text("just garbage\n", encoding="utf-8")
    result = runner.invoke(app, ["tagger", "train", "--data", str(empty), "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "holds no sentences" in result.stderr and "line 1" in result.stderr


def test_mbert_fine_tuning_end_to_end_on_a_tiny_bert(
    corpus_path: Path, tiny_bert_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "mbert-hi"
    result = runner.invoke(
        app,
        ["tagger", "train", "--kind", "mbert", "--base", str(tiny_bert_dir), "--data", str(corpus_path),
         "--out", str(out), "--epochs", "2", "--langs", "en,hi"],
    )
    assert result.exit_code == 0, result.output
    config = json.loads((out / "config.json").read_text())
    assert set(config["id2label"].values()) >= {"eng", "hin", "other", "ne"}  # ISO 639-3, as the codeswitch models
    monkeypatch.setenv("MIXLINGO_MBERT_MODEL", str(out))
    result = runner.invoke(app, ["tag", "--tagger", "mbert", "--pair", "en-hi", "--json", "I will send it"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tagger"] == "mbert" and all(t["lang"] in {"en", "hi", "other", "entity"} for t in data["tokens"])


def test_the_onnx_sequence_head_agrees_with_the_torch_network(corpus_path: Path, tmp_path: Path) -> None:
    model = train_embedded(read_lince(corpus_path), tmp_path / "m", EmbeddedTrainingOptions(epochs=3, crf_weight=0.0))
    fast = EmbeddedTagger(model)
    (model / "sequence.onnx").unlink()  # without the exported head, torch runs the whole network
    plain = EmbeddedTagger(model)
    assert fast.head is not None and plain.head is None
    sentences = [s.tokens for s in read_lince(corpus_path).sentences[:40]]
    for a, b in zip(fast.tag_batch(sentences), plain.tag_batch(sentences)):
        assert [t.lang for t in a] == [t.lang for t in b]
        assert all(abs(x.confidence - y.confidence) < 1e-5 for x, y in zip(a, b))


def test_a_model_from_an_older_version_is_a_clear_error(corpus_path: Path, tmp_path: Path) -> None:
    model = train_embedded(read_lince(corpus_path), tmp_path / "m", EmbeddedTrainingOptions(epochs=1, crf_iterations=5))
    (model / "crf.safetensors").rename(model / "crf.crfsuite")  # how round-1 models stored the CRF
    result = runner.invoke(app, ["tagger", "eval", "--data", str(corpus_path), "--tagger", str(model)])
    assert result.exit_code != 0
    assert "does not match this version of the embedded tagger" in result.output
    assert "mixlingo tagger train" in result.output and "Traceback" not in result.output


def test_the_crf_runs_only_where_the_network_hesitates(corpus_path: Path, tmp_path: Path) -> None:
    model = train_embedded(read_lince(corpus_path), tmp_path / "m", EmbeddedTrainingOptions(epochs=3, crf_iterations=10))
    cascade = EmbeddedTagger(model)
    assert cascade.crf_skip_above == 0.95  # written by training, read back from config.json
    cascade.crf_skip_above = 0.45  # a toy model is never 95% sure: split its sentences instead
    everywhere = EmbeddedTagger(model)
    everywhere.crf_skip_above = None
    network = EmbeddedTagger(model)
    network.crf = None
    skipped = averaged = 0
    for sentence in [s.tokens for s in read_lince(corpus_path).sentences[:40]]:
        alone = network.probabilities([sentence])[0]
        if alone.max(-1).min() >= 0.45:
            assert np.allclose(cascade.probabilities([sentence])[0], alone)
            skipped += 1
        else:
            assert np.allclose(cascade.probabilities([sentence])[0], everywhere.probabilities([sentence])[0])
            averaged += 1
    assert skipped and averaged
    by_length: dict[int, list[list[str]]] = {}
    for s in read_lince(corpus_path).sentences:
        by_length.setdefault(len(s.tokens), []).append(s.tokens)
    group = max(by_length.values(), key=len)  # sure and unsure sentences in one batch
    batched = cascade.probabilities(group)
    for sentence, probabilities in zip(group, batched):
        assert np.allclose(probabilities, cascade.probabilities([sentence])[0], atol=1e-6)


def test_eval_scores_the_whole_file_by_default_and_says_how_much(corpus_path: Path) -> None:
    whole = runner.invoke(app, ["tagger", "eval", "--data", str(corpus_path), "--tagger", "lexicon", "--json"])
    assert whole.exit_code == 0 and json.loads(whole.stdout)["sentences"] == 80
    part = runner.invoke(app, ["tagger", "eval", "--data", str(corpus_path), "--tagger", "lexicon", "--split", "validation"])
    assert part.exit_code == 0 and "scoring the validation split only: 8 of 80 sentences" in part.stderr
    assert "lexicon on 8 sentences /" in part.stdout and " tokens:" in part.stdout
