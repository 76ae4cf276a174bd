"""The mBERT adapter, loaded through from_pretrained from a tiny real-format model."""

from __future__ import annotations

from pathlib import Path

import pytest

from mixlingo.adapters.mbert_tagger import MBertTagger
from mixlingo.core.errors import ModelUnavailableError

LABELS = {"lang1": "en", "lang2": "es"}


@pytest.fixture(scope="module")
def tagger(tiny_bert_dir: Path) -> MBertTagger:
    return MBertTagger(str(tiny_bert_dir), label_map=LABELS, cache_dir=tiny_bert_dir / "cache", batch_size=2)


def test_labels_come_from_the_model_config_mapped_to_iso_codes(tagger: MBertTagger) -> None:
    assert sorted(tagger.labels) == ["en", "entity", "es", "other"]
    assert tagger.languages() == ("en", "es")


def test_tags_each_word_by_its_first_sub_token(tagger: MBertTagger) -> None:
    words = ["Oye", ",", "I", "will", "send", "el", "reporte", "mañana", "Maria", "?"]
    tags = tagger.tag_batch([words])[0]
    assert [t.lang for t in tags] == ["es", "other", "en", "en", "en", "es", "es", "es", "entity", "other"]
    assert all(0.5 < t.confidence <= 1.0 for t in tags)


def test_batches_and_long_messages_keep_one_tag_per_word(tagger: MBertTagger) -> None:
    sentences = [["el", "reporte"], ["the", "report", "tomorrow"], [], ["mañana"] * 500]
    tags = tagger.tag_batch(sentences)
    assert [len(t) for t in tags] == [2, 3, 0, 500]
    assert {t.lang for t in tags[3]} == {"es"}


def test_missing_local_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        MBertTagger(str(tmp_path / "nope"), label_map=LABELS, cache_dir=tmp_path)


def test_directory_that_is_not_a_model_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelUnavailableError, match="not a usable model directory"):
        MBertTagger(str(tmp_path / "empty"), label_map=LABELS, cache_dir=tmp_path)


def test_uncached_hub_model_names_the_model_cache_and_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError) as error:
        MBertTagger("someone/not-cached-model", label_map=LABELS, cache_dir=tmp_path / "cache")
    message = str(error.value)
    assert "someone/not-cached-model" in message
    assert "mixlingo models pull" in message
    assert str(tmp_path / "cache") in error.value.detail  # the detail behind --verbose


def test_a_model_whose_labels_cover_none_of_the_pairs_is_refused_at_load(tiny_bert_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match=r"cannot tag en-es with its labels") as refused:
        MBertTagger(str(tiny_bert_dir), label_map={}, cache_dir=tmp_path, pairs=[("en", "es")])
    assert "its labels read lang1→unknown, lang2→unknown" in refused.value.detail
    tagger = MBertTagger(str(tiny_bert_dir), label_map=LABELS, cache_dir=tmp_path, pairs=[("en", "hi"), ("en", "es")])
    assert tagger.languages() == ("en", "es")
