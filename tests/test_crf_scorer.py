"""The numpy CRF scorer must give crfsuite's own marginals for the weights crfsuite trained."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pycrfsuite
from fixtures_lince import write_corpus

from mixlingo.adapters.embedded.crf import CrfScorer, export
from mixlingo.nlp.corpus import read_lince
from mixlingo.adapters.embedded.features import FeatureExtractor


def test_marginals_equal_crfsuite_in_batches_and_alone(tmp_path: Path) -> None:
    corpus = read_lince(write_corpus(tmp_path / "train.conll", sentences=60))
    features = FeatureExtractor(("en", "es"))
    trainer = pycrfsuite.Trainer(verbose=False)
    for sentence in corpus.sentences:
        trainer.append(pycrfsuite.ItemSequence(features.sentence_features(sentence.tokens)), sentence.labels)
    trainer.set_params({"c1": 0.05, "c2": 0.01, "max_iterations": 30, "feature.possible_transitions": True})
    trainer.train(str(tmp_path / "m.crfsuite"))
    # "mixed" is a label the CRF never saw: its column must be all zeros, as crfsuite reports it
    labels = sorted({label for s in corpus.sentences for label in s.labels} | {"mixed"})
    export(tmp_path / "m.crfsuite", labels, tmp_path / "crf.safetensors")
    scorer = CrfScorer(tmp_path / "crf.safetensors", FeatureExtractor(("en", "es")))
    reference = pycrfsuite.Tagger()
    reference.open(str(tmp_path / "m.crfsuite"))
    sentences = [s.tokens for s in corpus.sentences] + [["Unseen", "wordz", "#here", "!"]]
    by_length: dict[int, list[list[str]]] = {}
    for tokens in sentences:
        by_length.setdefault(len(tokens), []).append(tokens)
    checked = 0
    for group in by_length.values():
        batched = scorer.marginals(group)
        for tokens, marginals in zip(group, batched):
            reference.set(pycrfsuite.ItemSequence(features.sentence_features(tokens)))
            expected = np.array([
                [reference.marginal(label, j) if label in reference.labels() else 0.0 for label in labels]
                for j in range(len(tokens))
            ])
            assert np.allclose(marginals, expected, atol=1e-5)
            assert np.allclose(scorer.marginals([tokens])[0], marginals)
            checked += 1
    assert checked == len(sentences)
    assert np.allclose(batched.sum(-1), 1.0)
