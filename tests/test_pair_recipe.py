"""The en/XX recipe (`tagger train --pair en-XX`): silver corpus, gold fine-tuning and a second language, on tiny generated sources."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from fixtures_hinglish import ENGLISH, HINDI, TAMIL, write_dakshina_language, write_gold, write_sources
from typer.testing import CliRunner

from mixlingo.adapters.embedded.recipe import Mix, load_recipe
from mixlingo.adapters.embedded.silver_corpus import build
from mixlingo.adapters.embedded.tagger import EmbeddedTagger
from mixlingo.cli import app
from mixlingo.factory import recipe_file

runner = CliRunner()
SMALL = {"english_sentences": 20, "native_sentences": 20, "splices": 10}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_gold(write_sources(tmp_path_factory.mktemp("hinglish")))


def small_recipe(tmp_path: Path, lang: str = "hi", **changes: object) -> Path:
    raw = json.loads(recipe_file(lang).read_text(encoding="utf-8")) if lang == "hi" else {"lang": lang}
    raw.update(changes)
    path = tmp_path / f"{lang}.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_silver_labels_follow_the_sources(sources: Path) -> None:
    recipe = replace(load_recipe(recipe_file("hi")), mix=Mix(**SMALL))
    corpus = build(recipe, sources)
    labelled = [(t, label) for s in corpus.train.sentences for t, label in zip(s.tokens, s.labels)]
    assert {label for _, label in labelled} <= {"en", "hi", "other", "entity"}
    assert not any(t.startswith(("http", "t.co")) for t, _ in labelled)  # URLs are protected at tag time: never trained on
    assert all(label == "other" for t, label in labelled if t.startswith(("@", "#")) or not t[:1].isalpha())
    english = [label for t, label in labelled if t.lower() in ENGLISH]
    hindi = [label for t, label in labelled if t.lower() in HINDI]
    # Silver, not gold: tolerances, not exact labels (the sources are consistent, so most follow them).
    assert english.count("en") / len(english) >= 0.8
    assert hindi.count("hi") / len(hindi) >= 0.8
    assert set(corpus.dev) == {"phinc", "hinglish-top", "english", "gold"}
    assert corpus.sizes["phinc"] == 54 and corpus.sizes["hinglish-top"] == 30  # one PHINC pair in ten is held out
    assert len(corpus.gold_train) == 24 and len(corpus.dev["gold"].sentences) == 6  # every fifth gold message is held out
    assert {label for s in corpus.gold_train for label in s.labels} == {"hi", "en", "entity", "other"}


def test_missing_source_folder_is_one_actionable_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["tagger", "train", "--pair", "en-hi", "--data-dir", str(tmp_path), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "has no dakshina-hi/ folder" in result.stderr and "pass the folder that holds" in result.stderr
    assert result.stderr.count("error") == 1 and "training" not in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--pair", "hi-ta"], "English with one other language"),
    (["--pair", "en-xx"], "no training recipe for 'xx'"),
    (["--pair", "en-hi", "--recipe", "missing.json"], "cannot read the recipe"),
])
def test_bad_recipe_arguments_are_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["tagger", "train", *args, "--data-dir", str(tmp_path), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_train_en_hi_fine_tunes_on_gold_reproducibly(sources: Path, tmp_path: Path) -> None:
    recipe = small_recipe(tmp_path, mix=SMALL)
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = runner.invoke(app, ["tagger", "train", "--pair", "en-hi", "--data-dir", str(sources), "--out", str(out),
                                     "--recipe", str(recipe), "--epochs", "1"])
        assert result.exit_code == 0, result.output
        assert "held-out gold" in result.stdout and "gold 24" in result.stdout
        outs.append(out)
    for name in ("model.safetensors", "sequence.onnx", "vocab.json", "config.json", "hi-latn-frequency.tsv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    config = json.loads((outs[0] / "config.json").read_text(encoding="utf-8"))
    assert config["word_lists"] == {"hi": "hi-latn-frequency.tsv"} and config["langs"] == ["en", "hi"]
    assert "CC BY-SA 4.0" in (outs[0] / "hi-latn-frequency.tsv").read_text(encoding="utf-8")
    tagger = EmbeddedTagger(outs[0])
    assert tagger.languages() == ("en", "hi")
    assert len(tagger.tag_batch([["kal", "meeting", "hai", "!"]])[0]) == 4


def test_the_recipe_trains_a_second_language_from_data_alone(tmp_path: Path) -> None:
    """A made-up Tamil set (Dakshina's layout, English from PHINC's English side): same code path, no Tamil in the code."""
    data = write_dakshina_language(write_sources(tmp_path / "data"))
    recipe = small_recipe(
        tmp_path, lang="ta", name="Tamil", script="Tamil", dakshina="dakshina/ta", notice="Made-up test data.",
        parallel=[{"folder": "phinc", "format": "phinc", "mixed": False, "english": "sample"}],
        mix={"english_sentences": 40, "native_sentences": 40, "splices": 40, "native_script_sentences": 20},
        held_out_sentences_every=5, word_list_from_sentences=False,
    )
    out = tmp_path / "taeng"
    result = runner.invoke(app, ["tagger", "train", "--pair", "en-ta", "--data-dir", str(data), "--out", str(out),
                                 "--recipe", str(recipe), "--epochs", "6"])
    assert result.exit_code == 0, result.output
    assert "held-out spliced" in result.stdout
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["evidence_lists"] == {"ta": "ta-latn-evidence.tsv"}  # pair choice reads the sentences' words too
    card = (out / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\nlicense: cc-by-sa-4.0") and "| spliced |" in card and "synthetic" in card
    tagger = EmbeddedTagger(out)
    assert tagger.languages() == ("en", "ta")
    sentence = ["naalaikku", "romba", "nalla", "irukku", "please", "send", "the", "report", "நாளைக்கு"]
    tags = [t.lang for t in tagger.tag_batch([sentence])[0]]
    # a tiny model: most, not all, words right
    right = sum(tag == ("ta" if word in TAMIL or not word.isascii() else "en") for word, tag in zip(sentence, tags))
    assert right >= 7, tags


def test_eval_reads_gold_labelled_with_language_codes(sources: Path) -> None:
    gold = sources / "hinglish-gold" / "phinc_gold.conll"
    result = runner.invoke(app, ["tagger", "eval", "--data", str(gold), "--langs", "en,hi"])
    assert result.exit_code == 0, result.output
    assert "en / hi gold tokens (150)" in result.stdout  # 30 messages × 5 hi/en words; names and "!" are not counted
    assert "│ entity" in result.stdout  # `ne` is read as entity, `!` as other
