"""The on-disk word-frequency index answers exactly as wordfreq's own dict, and is only an optimisation."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import wordfreq

from mixlingo.nlp.frequency_index import open_index
from mixlingo.nlp.word_frequency import FrequencyTable, _frequency_bands, _frequency_file, band_search


def _sample(expected: dict[str, float]) -> list[str]:
    return random.Random(0).sample(sorted(expected), 300) + ["zzqxv", "", "the", "mañana", "'"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_index_and_the_in_memory_search_answer_as_wordfreq(tmp_path: Path, lang: str) -> None:
    source = _frequency_file(lang)
    assert source is not None
    bands = _frequency_bands(source)
    assert bands is not None
    index = open_index(source, lambda: bands, tmp_path)
    assert index is not None and list(tmp_path.glob("*.sqlite"))
    expected = wordfreq.get_frequency_dict(lang)
    words = _sample(expected)
    for table in (FrequencyTable(index.band, lambda: bands), FrequencyTable(band_search(bands), lambda: bands)):
        assert [table.get(w, 0.0) for w in words] == [expected.get(w, 0.0) for w in words]
    promoted = FrequencyTable(index.band, lambda: bands)
    promoted.promote_after = 10  # many distinct words: the whole list is read into a dict once
    assert [promoted.get(w, 0.0) for w in words] == [expected.get(w, 0.0) for w in words]
    assert promoted.as_dict() == expected


def test_a_built_index_is_reused_and_not_read_again(tmp_path: Path) -> None:
    source = _frequency_file("es")
    assert source is not None
    assert open_index(source, lambda: _frequency_bands(source), tmp_path) is not None

    def must_not_read() -> list[list[str]]:
        raise AssertionError("the list was read again")

    index = open_index(source, must_not_read, tmp_path)
    assert index is not None and index.band("hola") is not None
    assert not list(tmp_path.glob("*.partial"))  # only the finished index is left


def test_an_unwritable_cache_means_no_index_not_an_error(tmp_path: Path) -> None:
    source = _frequency_file("en")
    assert source is not None
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    assert open_index(source, lambda: _frequency_bands(source), blocked / "wordfreq") is None
