"""The shipped embedded tagger tags without torch, with the same numbers as the torch network."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from mixlingo.adapters.embedded.tagger import EmbeddedTagger, _torch_network
from mixlingo.factory import embedded_model_dir
from mixlingo.nlp.gazetteer import gazetteer
from mixlingo.nlp.word_frequency import frequencies


def test_numpy_input_layer_equals_the_torch_network() -> None:
    import torch
    from safetensors.numpy import load_file

    from mixlingo.adapters.embedded.network import as_tensors

    model = embedded_model_dir()
    tagger = EmbeddedTagger(model)
    weights = {k: v.astype(np.float32) if v.dtype.kind == "f" else v for k, v in load_file(str(model / "model.safetensors")).items()}
    vocab = json.loads((model / "vocab.json").read_text(encoding="utf-8"))
    net = _torch_network(weights, len(vocab["words"]) + 2, len(vocab["chars"]) + 2, len(tagger.raw_labels), tagger.config["buckets"])
    sentences = [["Oye", "I'll", "send", "el", "reporte", "mañana", "#tbt", "supercalifragilisticexpialidocious"],
                 ["ok", "?", "😂", "b", "", "https://x.y/z", "@user", "ÑANDÚ"]]
    arrays = tagger.encoding.batch(sentences)
    with torch.inference_mode():
        expected = net.inputs(*as_tensors(arrays)).numpy()
    np.testing.assert_allclose(tagger.input_layer(*arrays), expected, atol=1e-5)


def test_frequency_table_answers_as_wordfreqs_dict() -> None:
    import wordfreq

    for lang in ("en", "es"):
        table, expected = frequencies(lang), wordfreq.get_frequency_dict(lang)
        sample = random.Random(0).sample(sorted(expected), 500) + ["zzqxv", "", "the", "mañana"]
        assert [table.get(w, 0.0) for w in sample] == [expected.get(w, 0.0) for w in sample]


@pytest.mark.parametrize("word", ["maria", "texas", "smith", "reporte"])
def test_gazetteer_rows_match_the_file(word: str) -> None:
    from importlib.resources import files

    rows = {}
    for line in (files("mixlingo") / "data" / "gazetteer" / "names_places.tsv").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            key, _, strengths = line.partition("\t")
            rows[key] = strengths
    assert gazetteer().get(word) == rows.get(word)
