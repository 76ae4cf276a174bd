"""The pipeline on replicas of the published models, with default settings (only model locations set).

The taggers are saved as the 2020 ``sagorsarker/codeswitch-*-lid-lince`` uploads are
(``pytorch_model.bin``, ``vocab.txt``, ``tokenizer_config.json``, codeswitch label names);
the translators as ``Helsinki-NLP/opus-mt-*`` are (``.spm`` files, ``vocab.json``,
``pytorch_model.bin``), one of them multi-target with ``>>es<<`` tokens.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mixlingo.adapters.model_check import check_model_dir
from mixlingo.adapters.testing.replica_models import CODESWITCH_LABELS, build_codeswitch_replica, build_opus_mt_replica
from mixlingo.cli import app

runner = CliRunner()
ENGLISH = ["I", "will", "send", "the", "report", "tomorrow", "to", "okay"]
PUNCT = [",", "!", "?", "."]
WORDS = {
    "spaeng": {"en": ENGLISH, "spa": ["Oye", "el", "reporte", "mañana"], "ne": ["Maria", "Google"], "other": PUNCT},
    "hineng": {"en": ENGLISH, "hin": ["kal", "main", "bhejunga", "yaar"], "ne": ["Priya", "Delhi"], "other": PUNCT},
    "nepeng": {"en": ENGLISH, "nep": ["ma", "bholi", "pathaunchu", "hai"], "ne": ["Ram", "Kathmandu"], "other": PUNCT},
}


@pytest.fixture(scope="session")
def codeswitch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One replica per published codeswitch model, each with its own label set."""
    root = tmp_path_factory.mktemp("codeswitch")
    return {name: build_codeswitch_replica(root / name, WORDS[name], CODESWITCH_LABELS[name]) for name in WORDS}


@pytest.fixture(scope="session")
def opus_mt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_opus_mt_replica(tmp_path_factory.mktemp("opus-mt-es-en"), WORDS["spaeng"]["spa"] + ENGLISH, ENGLISH)


@pytest.fixture(scope="session")
def opus_mt_multi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Like ``opus-mt-en-ROMANCE``: one model, several targets chosen by a ``>>xx<<`` token."""
    return build_opus_mt_replica(
        tmp_path_factory.mktemp("opus-mt-en-romance"), ENGLISH, WORDS["spaeng"]["spa"], target_codes=["es", "fr", "it"]
    )


def tag_json(*args: str) -> dict:
    result = runner.invoke(app, ["tag", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_replicas_have_the_published_files(codeswitch: dict[str, Path], opus_mt: Path, opus_mt_multi: Path) -> None:
    for path in codeswitch.values():
        files = {p.name for p in path.iterdir()}
        assert files == {"config.json", "pytorch_model.bin", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"}
    for path in (opus_mt, opus_mt_multi):
        files = {p.name for p in path.iterdir()}
        assert {"source.spm", "target.spm", "vocab.json", "pytorch_model.bin", "config.json"} <= files
        assert not {"model.safetensors", "tokenizer.json"} & files
    labels = json.loads((codeswitch["nepeng"] / "config.json").read_text())["id2label"]
    assert sorted(labels.values()) == sorted(CODESWITCH_LABELS["nepeng"])


@pytest.mark.parametrize(
    ("model", "pair", "text", "expected"),
    [
        ("spaeng", None, "Oye, I will send el reporte mañana to Maria!",
         {"Oye": "es", "I": "en", "el": "es", "reporte": "es", "mañana": "es", "Maria": "entity", "!": "other"}),
        ("hineng", "en-hi", "kal main send the report yaar, Priya",
         {"kal": "hi", "main": "hi", "send": "en", "report": "en", "yaar": "hi", "Priya": "entity"}),
        ("nepeng", "en-ne", "ma bholi report pathaunchu to Ram in Kathmandu",
         {"ma": "ne", "bholi": "ne", "report": "en", "pathaunchu": "ne", "Ram": "entity", "Kathmandu": "entity",
          "in": "unknown"}),
    ],
)
def test_tag_uses_the_mbert_tagger_on_each_codeswitch_layout(
    codeswitch: dict[str, Path], monkeypatch: pytest.MonkeyPatch, model: str, pair: str | None, text: str,
    expected: dict[str, str],
) -> None:
    monkeypatch.setenv("MIXLINGO_MBERT_MODEL", str(codeswitch[model]))
    data = tag_json(text, *(["--pair", pair] if pair else []))
    assert data["tagger"] == "mbert"
    tags = {t["text"]: t["lang"] for t in data["tokens"]}
    assert {word: tags[word] for word in expected} == expected


def test_a_model_whose_labels_cover_no_pair_is_refused_in_one_line(
    codeswitch: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIXLINGO_MBERT_MODEL", str(codeswitch["spaeng"]))
    result = runner.invoke(app, ["tag", "--tagger", "mbert", "--pair", "en-hi", "kal main send the report"])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "cannot tag en-hi" in result.stderr and "MIXLINGO_MBERT_LABEL_MAP (e.g. lang2=hi)" in result.stderr
    labels = runner.invoke(app, ["tag", "--verbose", "--tagger", "mbert", "--pair", "en-hi", "kal main send the report"])
    assert labels.exit_code == 2 and "spa→es" in labels.stderr  # what its labels read: behind --verbose
    auto = runner.invoke(app, ["tag", "--json", "--pair", "en-hi", "kal main send the report"])
    assert auto.exit_code == 0 and json.loads(auto.stdout)["tagger"] == "embedded"  # the shipped hi/en tagger
    assert "mBERT tagger could not load" in auto.stderr  # the fallback says so in one short line ...
    verbose = runner.invoke(app, ["tag", "--json", "--verbose", "--pair", "en-hi", "kal main send the report"])
    assert "cannot tag en-hi" in verbose.stderr  # ... and why, with --verbose


def test_translate_runs_through_the_multilingual_replica_with_its_target_token(
    codeswitch: dict[str, Path], opus_mt: Path, opus_mt_multi: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mixlingo.adapters.marian import MarianTranslator

    prefixes: list[str] = []
    real = MarianTranslator.target_prefix

    def spy(self, *args, **kwargs):
        prefixes.append(real(self, *args, **kwargs))
        return prefixes[-1]

    monkeypatch.setattr(MarianTranslator, "target_prefix", spy)
    monkeypatch.setenv("MIXLINGO_MBERT_MODEL", str(codeswitch["spaeng"]))
    monkeypatch.setenv("MIXLINGO_TRANSLATION_MODELS", f"es-en={opus_mt},en-mul={opus_mt_multi}")
    result = runner.invoke(app, ["translate", "--json", "--to", "es", "Oye, I will send the report tomorrow to Maria"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tagger"] == "mbert"
    assert data["translation"]["units"] and all(u["source_lang"] == "en" for u in data["translation"]["units"])
    assert prefixes and set(prefixes) == {">>es<< "}
    assert not any("could not convert" in note for note in data["translation"]["notes"])


def test_ctranslate2_converts_the_bin_layouts_and_keeps_the_target_token(
    opus_mt: Path, opus_mt_multi: Path, tmp_path: Path
) -> None:
    from mixlingo.adapters.ct2_translator import CT2Translator, _Converted, converted_path

    translator = CT2Translator({"es-en": str(opus_mt), "en-mul": str(opus_mt_multi)}, cache_dir=tmp_path, device="cpu",
                               max_new_tokens=4)
    for model in (opus_mt, opus_mt_multi):
        assert isinstance(translator.load(str(model))[1], _Converted)  # really CTranslate2, no fallback
    assert len(translator.translate(["send the report"], "en", "es", 2)[0]) == 2
    assert len(translator.translate(["el reporte"], "es", "en", 2)[0]) == 2
    assert translator.notes == []
    converted = converted_path(opus_mt_multi, translator.optimized_dir)
    vocabularies = [p.read_text(encoding="utf-8") for p in converted.iterdir() if "vocabulary" in p.name]
    assert vocabularies and all('">>es<<"' in v or "\n>>es<<\n" in v for v in vocabularies)  # the token is in


def test_nepali_english_end_to_end_tag_plan_translate(
    codeswitch: dict[str, Path], opus_mt: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIXLINGO_MBERT_MODEL", str(codeswitch["nepeng"]))
    monkeypatch.setenv("MIXLINGO_TRANSLATION_MODELS", f"mul-en={opus_mt}")
    result = runner.invoke(app, ["translate", "--json", "--pair", "en-ne", "--to", "en", "ma bholi pathaunchu to Ram"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["pair"] == ["en", "ne"] and data["tagger"] == "mbert"
    assert {t["text"]: t["lang"] for t in data["tokens"]}["Ram"] == "entity"
    units = data["translation"]["units"]
    assert units and {u["source_lang"] for u in units} == {"ne"}


def test_a_direct_key_on_a_multi_target_model_gets_the_token_and_a_missing_target_is_refused(
    opus_mt_multi: Path, tmp_path: Path
) -> None:
    from mixlingo.adapters.marian import MarianTranslator
    from mixlingo.core.errors import InputError

    translator = MarianTranslator({"en-es": str(opus_mt_multi), "en-de": str(opus_mt_multi)}, cache_dir=tmp_path, max_new_tokens=4)
    tokenizer, _ = translator.load(str(opus_mt_multi))
    assert translator.target_prefix(str(opus_mt_multi), tokenizer, "en", "es", "") == ">>es<< "
    ids = tokenizer([">>es<< send the report"])["input_ids"][0]
    assert ids[0] == tokenizer.get_vocab()[">>es<<"]
    assert len(translator.translate(["send the report"], "en", "es", 2)[0]) == 2
    with pytest.raises(InputError, match="has no >>de<< target token"):
        translator.translate(["send the report"], "en", "de", 2)


def test_the_post_pull_check_shows_labels_and_tokenizer_and_warns_on_a_missing_pair(
    codeswitch: dict[str, Path], opus_mt_multi: Path
) -> None:
    check = check_model_dir(codeswitch["hineng"], label_map={"lang1": "en", "lang2": "es"}, pairs=[("en", "es"), ("en", "hi")])
    assert check.kind == "tagger" and check.tokenizer == "WordPiece (vocab.txt)" and check.weights == "pytorch_model.bin"
    assert ("hin", "hi") in check.labels and ("ne", "entity") in check.labels
    assert len(check.warnings) == 1 and "do not cover en-es" in check.warnings[0] and "refuse" not in check.warnings[0]
    refused = check_model_dir(codeswitch["hineng"], label_map={}, pairs=[("en", "es")])
    assert "the mBERT tagger will refuse it" in refused.warnings[0]
    marian = check_model_dir(opus_mt_multi, label_map={}, pairs=[("en", "es")])
    assert marian.kind == "translation" and marian.targets == ["es", "fr", "it"] and not marian.warnings
    assert marian.tokenizer.startswith("SentencePiece (source.spm, target.spm")


def test_models_pull_then_list_report_what_each_model_is(
    codeswitch: dict[str, Path], opus_mt: Path, opus_mt_multi: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIXLINGO_MBERT_MODEL", str(codeswitch["spaeng"]))
    monkeypatch.setenv("MIXLINGO_RERANKER_MODEL", str(codeswitch["spaeng"]))
    # en-hi's directions local too: otherwise the pull wants the published opus-mt-hi-en / -en-hi from the hub
    monkeypatch.setenv("MIXLINGO_TRANSLATION_MODELS", f"es-en={opus_mt},en-mul={opus_mt_multi},hi-en={opus_mt},en-hi={opus_mt}")
    monkeypatch.setenv("MIXLINGO_PAIRS", "en-es,en-hi")
    result = runner.invoke(app, ["models", "pull"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "tagger · tokenizer: WordPiece (vocab.txt) · weights: pytorch_model.bin" in out
    assert "labels: other, en, spa→es, ne→entity, mixed, ambiguous, fw→unknown, unk→unknown" in out
    assert "warning: its labels do not cover en-hi" in out
    assert "target tokens: >>es<<, >>fr<<, >>it<<" in out
    listed = runner.invoke(app, ["models", "list"])
    assert listed.exit_code == 0, listed.output
    assert "spa→es" in listed.output and "(local)" in listed.output


def _as_hub_cache(model_dir: Path, cache: Path, repo_id: str) -> None:
    """Lay a model out as huggingface_hub caches a download: blobs, a snapshot of symlinks, refs/main."""
    import hashlib
    import os

    repo = cache / f"models--{repo_id.replace('/', '--')}"
    revision = "0" * 40
    snapshot = repo / "snapshots" / revision
    snapshot.mkdir(parents=True)
    (repo / "blobs").mkdir()
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(revision)
    for file in model_dir.iterdir():
        data = file.read_bytes()
        blob = repo / "blobs" / hashlib.sha256(data).hexdigest()
        blob.write_bytes(data)
        os.symlink(os.path.relpath(blob, snapshot), snapshot / file.name)


def test_models_list_shows_how_a_cached_hub_models_labels_map(
    codeswitch: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "model-cache"
    _as_hub_cache(codeswitch["nepeng"], cache, "sagorsarker/codeswitch-nepeng-lid-lince")
    monkeypatch.setenv("MIXLINGO_MODEL_CACHE_DIR", str(cache))
    result = runner.invoke(app, ["models", "list"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "sagorsarker/codeswitch-nepeng-lid-lince" in out
    assert "labels: other, en, nep→ne, ne→entity, mixed, ambiguous, fw→unknown, unk→unknown" in out
    assert "warning: its labels do not cover en-es" in out  # the default pair
