"""Romanized Tamil (Tanglish) and Urdu pairs through replicas of the published group models, offline.

The translators are saved as ``Helsinki-NLP/opus-mt-dra-en`` / ``-en-dra`` / ``-en-inc`` / ``-en-mul`` are
(``.spm`` files, ``vocab.json`` with ``>>tam<<``-style target tokens, ``pytorch_model.bin``; random weights,
so only what reaches them is checked), the tagger as a codeswitch mBERT with a ``tam`` label. The Tamil
transliterator is a word table: which words reach the model in Tamil script is the point, not spelling.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import regex
from typer.testing import CliRunner

from mixlingo.adapters.marian import MarianTranslator
from mixlingo.adapters.testing.fakes import FakeTransliterator
from mixlingo.adapters.testing.replica_models import build_codeswitch_replica, build_opus_mt_replica
from mixlingo.cli import app

runner = CliRunner()
TANGLISH = "naalaikku meeting irukku, report anuppu pannunga"
TAMIL = {"naalaikku": "நாளைக்கு", "irukku": "இருக்கு", "anuppu": "அனுப்பு", "pannunga": "பண்ணுங்க"}
ENGLISH = ["send", "the", "report", "tomorrow", "meeting", "is", "please", "ok"]
PUNCT = [",", "!", "?", "."]
TAMIL_SCRIPT = regex.compile(r"\p{Tamil}")
HUB = "Helsinki-NLP/opus-mt-"


@pytest.fixture(scope="module")
def tanglish_tagger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    words = {"en": ENGLISH, "tam": list(TAMIL), "ne": ["Priya", "Chennai"], "other": PUNCT}
    labels = ["other", "en", "tam", "ne", "mixed", "ambiguous", "fw", "unk"]
    return build_codeswitch_replica(tmp_path_factory.mktemp("codeswitch-tameng"), words, labels)


@pytest.fixture(scope="module")
def dra_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_opus_mt_replica(tmp_path_factory.mktemp("opus-mt-dra-en"), [*TAMIL.values(), *ENGLISH], ENGLISH)


@pytest.fixture(scope="module")
def en_dra(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_opus_mt_replica(tmp_path_factory.mktemp("opus-mt-en-dra"), ENGLISH, list(TAMIL.values()),
                                 target_codes=["kan", "mal", "tam", "tel"])


@pytest.fixture
def tamil_workspace(monkeypatch: pytest.MonkeyPatch, tanglish_tagger: Path, dra_en: Path, en_dra: Path) -> None:
    """``MIXLINGO_PAIRS=en-ta``, the group models as local directories under their group keys, a Tamil transliterator."""
    import mixlingo.factory

    monkeypatch.setattr(mixlingo.factory, "available_languages", lambda: ["hi", "ta"])
    monkeypatch.setattr(mixlingo.factory, "load_transliterator", lambda lang: FakeTransliterator(lang, TAMIL))
    monkeypatch.setenv("MIXLINGO_PAIRS", "en-ta")
    monkeypatch.setenv("MIXLINGO_MBERT_MODEL", str(tanglish_tagger))
    monkeypatch.setenv("MIXLINGO_TAGGER", "mbert")
    monkeypatch.setenv("MIXLINGO_TRANSLATION_MODELS", f"dra-en={dra_en},en-dra={en_dra}")
    monkeypatch.setenv("MIXLINGO_TRANSLATION_BACKEND", "transformers")
    monkeypatch.setenv("MIXLINGO_RERANK", "false")
    monkeypatch.setenv("MIXLINGO_MAX_NEW_TOKENS", "4")


@pytest.fixture
def model_inputs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str], list[int]]]:
    """(model, each text as the tokenizer got it, the first token id of each) for every model call."""
    seen: list[tuple[str, list[str], list[int]]] = []
    real = MarianTranslator._generate

    def spy(self, tokenizer, model, batch, n):
        ids = tokenizer(batch)["input_ids"]
        seen.append((model.name_or_path, list(batch), [row[0] for row in ids]))
        return real(self, tokenizer, model, batch, n)

    monkeypatch.setattr(MarianTranslator, "_generate", spy)
    return seen


def test_tanglish_reaches_the_dravidian_group_model_in_tamil_script(
    tamil_workspace: None, model_inputs: list, dra_en: Path
) -> None:
    result = runner.invoke(app, ["translate", "--json", "--strategy", "whole", "--to", "en", TANGLISH])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tagger"] == "mbert" and data["pair"] == ["en", "ta"]
    [unit] = data["translation"]["units"]
    assert unit["source_lang"] == "ta" and unit["written"] == TANGLISH
    assert unit["source"] == "நாளைக்கு meeting இருக்கு, report அனுப்பு பண்ணுங்க"  # English words stay as typed
    [(model, [text], _)] = model_inputs
    assert Path(model) == dra_en and text == unit["source"]  # no target token: dra-en writes English only


def test_english_reaches_the_english_to_dravidian_model_with_the_tamil_token(
    tamil_workspace: None, model_inputs: list, en_dra: Path
) -> None:
    from transformers import AutoTokenizer

    result = runner.invoke(app, ["translate", "--json", "--to", "ta", "please send the report tomorrow"])
    assert result.exit_code == 0, result.output
    [(model, [text], [first_id])] = model_inputs
    assert Path(model) == en_dra and text == ">>tam<< please send the report tomorrow"
    assert first_id == AutoTokenizer.from_pretrained(en_dra).get_vocab()[">>tam<<"]  # one token, the model's own


def test_explain_names_the_group_model_of_each_direction(tamil_workspace: None, dra_en: Path) -> None:
    result = runner.invoke(app, ["translate", "--explain", "--strategy", "whole", "--to", "en", TANGLISH],
                           env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert f"models: ta→en {dra_en} (group model)" in out
    assert "(written “naalaikku meeting irukku, report anuppu pannunga”)" in out


def test_explain_without_a_downloaded_model_still_names_the_planned_ones(
    tamil_workspace: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MIXLINGO_TRANSLATION_MODELS")
    result = runner.invoke(app, ["translate", "--explain", "--strategy", "whole", "--to", "en", TANGLISH],
                           env={"COLUMNS": "300"})
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert f"models: ta→en {HUB}dra-en (group model)" in out
    assert "no model that translates into en is downloaded" in out


def test_models_list_shows_the_model_of_each_direction_of_a_tamil_and_an_urdu_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIXLINGO_PAIRS", "en-ta,en-ur")
    result = runner.invoke(app, ["models", "list"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    rows = [" ".join(line.strip("│ ").split()) for line in result.output.splitlines() if "→" in line and "│" in line]
    assert f"en→ta │ {HUB}en-dra >>tam<< (group model) │ not downloaded" in rows
    assert f"ta→en │ {HUB}dra-en (group model) │ not downloaded" in rows
    assert f"en→ur │ {HUB}en-ur (direct model) │ not downloaded" in rows
    assert f"ur→en │ {HUB}ur-en (direct model) │ not downloaded" in rows
    assert "translation models for the configured pairs (en-ta, en-ur)" in result.output

    listed = json.loads(runner.invoke(app, ["models", "list", "--json"]).stdout)["directions"]
    by_direction = {(d["source"], d["target"]): d["models"] for d in listed}
    assert list(by_direction) == [("en", "ta"), ("ta", "en"), ("en", "ur"), ("ur", "en")]
    [en_ta] = by_direction[("en", "ta")]
    assert en_ta == {"model": f"{HUB}en-dra", "token": ">>tam<<", "kind": "group", "key": "en-dra",
                     "configured": False, "downloaded": False}


def test_models_list_says_what_stands_in_until_the_group_model_is_pulled(
    dra_en: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_published_layouts import _as_hub_cache

    cache = tmp_path / "model-cache"
    _as_hub_cache(dra_en, cache, f"{HUB}mul-en")  # a replica stands in for the downloaded mul-en
    monkeypatch.setenv("MIXLINGO_MODEL_CACHE_DIR", str(cache))
    monkeypatch.setenv("MIXLINGO_PAIRS", "en-ta")
    result = runner.invoke(app, ["models", "list"], env={"COLUMNS": "300"})
    out = " ".join(result.output.split())
    assert f"ta→en │ {HUB}dra-en (group model) │ not downloaded; until then {HUB}mul-en (multilingual model)" in out


def test_a_downloaded_mul_model_stands_in_for_a_missing_group_model_and_says_so(
    dra_en: Path, tmp_path: Path
) -> None:
    from test_published_layouts import _as_hub_cache

    _as_hub_cache(dra_en, tmp_path / "cache", f"{HUB}mul-en")
    translator = MarianTranslator({}, cache_dir=tmp_path / "cache", offline=True, max_new_tokens=4)
    assert translator.model_for("ta", "en").model == f"{HUB}mul-en"
    assert len(translator.translate(["நாளைக்கு meeting"], "ta", "en", 2)[0]) == 2
    assert translator.notes == [f"ta→en: {HUB}dra-en is not downloaded (`mixlingo models pull` gets it), "
                                f"so {HUB}mul-en translates it"]
    translator.translate(["இருக்கு"], "ta", "en", 1)
    assert len(translator.notes) == 1  # said once


def test_a_group_model_without_the_targets_token_passes_it_to_the_next(en_dra: Path, tmp_path: Path) -> None:
    en_inc = build_opus_mt_replica(tmp_path / "en-inc", ENGLISH, list(TAMIL.values()), target_codes=["hin", "urd"])
    en_mul = build_opus_mt_replica(tmp_path / "en-mul", ENGLISH, list(TAMIL.values()), target_codes=["snd_Arab", "tam"])
    translator = MarianTranslator({"en-inc": str(en_inc), "en-mul": str(en_mul)}, cache_dir=tmp_path, max_new_tokens=4)
    tokenizer, _ = translator.load(str(en_mul))
    assert translator.target_prefix(str(en_mul), tokenizer, "en", "sd", "") == ">>snd_Arab<< "
    assert len(translator.translate(["send the report"], "en", "sd", 2)[0]) == 2
    assert translator.notes == [f"en→sd: {en_inc} cannot write sd, so {en_mul} translates it"]
    from mixlingo.core.errors import InputError

    only_inc = MarianTranslator({"en-inc": str(en_inc)}, cache_dir=tmp_path, offline=True, max_new_tokens=4)
    with pytest.raises(InputError, match=r"has no >>snd_Arab<< target token, so it cannot translate into sd"):
        only_inc.translate(["send the report"], "en", "sd", 1)


def test_ctranslate2_keeps_the_tamil_token_whole(en_dra: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mixlingo.adapters.ct2_translator import CT2Translator, _Converted
    from mixlingo.adapters.marian_tokens import SentencePieceMarian

    encoded: list[list[str]] = []
    real = SentencePieceMarian.encode

    def spy(self, batch, max_length):
        encoded.extend(real(self, batch, max_length))
        return encoded[-len(batch):]

    monkeypatch.setattr(SentencePieceMarian, "encode", spy)
    translator = CT2Translator({"en-dra": str(en_dra)}, cache_dir=tmp_path, device="cpu", max_new_tokens=4)
    assert isinstance(translator.load(str(en_dra))[1], _Converted)
    assert len(translator.translate(["send the report"], "en", "ta", 2)[0]) == 2
    assert encoded and encoded[0][0] == ">>tam<<" and translator.notes == []


def test_the_missing_model_check_names_the_group_model_a_tamil_pair_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    from mixlingo.config import load_settings
    from mixlingo.factory import missing_translation_models

    monkeypatch.setenv("MIXLINGO_PAIRS", "en-ta")
    assert f"{HUB}dra-en" in missing_translation_models(load_settings(), "en")
    assert missing_translation_models(load_settings(), "ta") == [f"{HUB}en-dra", f"{HUB}en-mul"]
