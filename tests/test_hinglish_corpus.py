"""The Hindi–English silver corpus and `tagger train --pair en-hi`, on tiny generated sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures_hinglish import ENGLISH, HINDI, write_sources
from typer.testing import CliRunner

from mixlingo.adapters.embedded.hinglish_corpus import build
from mixlingo.adapters.embedded.tagger import EmbeddedTagger
from mixlingo.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sources(tmp_path_factory.mktemp("hinglish"))


def test_silver_labels_follow_the_sources(sources: Path) -> None:
    corpus = build(sources, english_sentences=20, dakshina_sentences=20, splices=10)
    labelled = [(t, label) for s in corpus.train.sentences for t, label in zip(s.tokens, s.labels)]
    assert {label for _, label in labelled} <= {"en", "hi", "other", "entity"}
    assert not any(t.startswith(("http", "t.co")) for t, _ in labelled)  # URLs are protected at tag time: never trained on
    assert all(label == "other" for t, label in labelled if t.startswith(("@", "#")) or not t[:1].isalpha())
    english = [label for t, label in labelled if t.lower() in ENGLISH]
    hindi = [label for t, label in labelled if t.lower() in HINDI]
    # Silver, not gold: tolerances, not exact labels (the sources are consistent, so most follow them).
    assert english.count("en") / len(english) >= 0.8
    assert hindi.count("hi") / len(hindi) >= 0.8
    assert set(corpus.dev) == {"top", "phinc-en", "phinc-silver"}
    assert corpus.sizes["phinc"] == 54 and corpus.sizes["top"] == 30  # one PHINC pair in ten is held out


def test_missing_source_folder_is_one_actionable_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["tagger", "train", "--pair", "en-hi", "--data-dir", str(tmp_path), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "has no dakshina-hi/ folder" in result.stderr and "pass the folder that holds" in result.stderr
    assert result.stderr.count("error") == 1 and "training" not in result.stderr


def test_train_en_hi_writes_a_loadable_reproducible_model(sources: Path, tmp_path: Path) -> None:
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = runner.invoke(app, ["tagger", "train", "--pair", "en-hi", "--data-dir", str(sources), "--out", str(out),
                                     "--epochs", "1"])
        assert result.exit_code == 0, result.output
        assert "held-out top" in result.stdout
        outs.append(out)
    for name in ("model.safetensors", "sequence.onnx", "vocab.json", "config.json", "hi-latn-frequency.tsv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    config = json.loads((outs[0] / "config.json").read_text(encoding="utf-8"))
    assert config["word_lists"] == {"hi": "hi-latn-frequency.tsv"} and config["langs"] == ["en", "hi"]
    assert "CC BY-SA 4.0" in (outs[0] / "hi-latn-frequency.tsv").read_text(encoding="utf-8").splitlines()[1]
    tagger = EmbeddedTagger(outs[0])
    assert tagger.languages() == ("en", "hi")
    assert len(tagger.tag_batch([["kal", "meeting", "hai", "!"]])[0]) == 4
