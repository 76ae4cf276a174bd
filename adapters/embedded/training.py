"""Training the embedded tagger (BiLSTM, optionally ensembled with a CRF) from a labelled corpus.

Reproducible: the same data, seed and thread count give the same files.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import save_file
from torch import nn

from mixlingo.adapters.embedded import crf
from mixlingo.adapters.embedded.features import FEATURE_CONTRACT, FeatureExtractor, Zipf
from mixlingo.adapters.embedded.network import BiLstmTagger, as_tensors
from mixlingo.adapters.embedded.onnx_head import export_head
from mixlingo.adapters.embedded.tagger import CONFIG, CRF, HEAD, VOCAB, WEIGHTS, Encoding
from mixlingo.adapters.embedded.word_lists import model_zipf
from mixlingo.nlp.corpus import Corpus

Progress = Callable[[str, int, int], None]
"""(stage description, steps done, steps total)."""


@dataclass(frozen=True)
class EmbeddedTrainingOptions:
    langs: tuple[str, str] = ("en", "es")
    label_map: tuple[tuple[str, str], ...] = (("lang1", "en"), ("lang2", "es"))
    epochs: int = 8
    batch_size: int = 32
    learning_rate: float = 2e-3
    lr_decay: float = 0.7
    buckets: int = 1 << 16
    hidden: int = 128
    """LSTM units per direction (a smaller network for languages with less text and a tighter size budget)."""
    min_word_count: int = 2
    min_char_count: int = 3
    crf_weight: float = 0.5
    """Share of the CRF in the ensemble; 0 trains the BiLSTM alone."""
    crf_skip_above: float = 0.95
    """Tagging runs the CRF only on sentences where the network is less sure than this of
    some token (on the dev split, 0.95 skipped 69% of sentences and changed no accuracy)."""
    crf_c1: float = 0.05
    crf_c2: float = 0.01
    crf_iterations: int = 150
    seed: int = 0
    threads: int = 1
    evidence_lists: tuple[tuple[str, str], ...] = ()
    """(language, file in the model directory): the lists pair choice reads instead of ``word_lists``
    (fuller lists than the features may see; the caller writes the files)."""
    label_scales: tuple[tuple[str, float], ...] = ()
    """Per label, a factor its probability is multiplied by when tagging (then renormalised): a prior
    chosen on held-out data, e.g. for names, which a small gold set teaches too timidly."""
    extra_labels: tuple[str, ...] = ()
    """Labels the output layer has even when the corpus never uses them (a later fine-tuning may)."""
    word_lists: tuple[tuple[str, str], ...] = ()
    """(language, file in the model directory) for languages whose wordfreq list does not fit
    (:mod:`.word_lists`); the caller writes the files into the output directory first."""


def train_embedded(corpus: Corpus, out_dir: Path, options: EmbeddedTrainingOptions, progress: Progress | None = None,
                   start_from: Path | None = None) -> Path:
    """Train into ``out_dir``; with ``start_from`` (a model directory), fine-tune that model: its
    vocabularies, labels and weights are the starting point, and the corpus may use only its labels."""
    progress = progress or (lambda *_: None)
    random.seed(options.seed)
    torch.manual_seed(options.seed)
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(options.threads)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        labels = sorted({label for s in corpus.sentences for label in s.labels} | set(options.extra_labels))
        initial: dict[str, torch.Tensor] | None = None
        if start_from is None:
            vocab = _vocabulary(corpus, options)
        else:
            labels, vocab, initial = _starting_point(start_from, labels)
            options = replace(options, hidden=initial["lstm.weight_hh_l0"].shape[1], buckets=initial["ngrams.weight"].shape[0])
        zipf_of = model_zipf(out_dir, dict(options.word_lists))
        net = _train_network(corpus, labels, vocab, options, zipf_of, progress, initial)
        config: dict[str, Any] = {
            "kind": "bilstm+crf" if options.crf_weight > 0 else "bilstm",
            "labels": labels,
            "label_map": dict(options.label_map),
            "langs": list(options.langs),
            "buckets": options.buckets,
            "hidden": options.hidden,
            "crf_weight": options.crf_weight,
            "crf_skip_above": options.crf_skip_above,
            "seed": options.seed,
            "epochs": options.epochs,
            "feature_contract": FEATURE_CONTRACT,
        }
        if options.word_lists:
            config["word_lists"] = dict(options.word_lists)
        if options.evidence_lists:
            config["evidence_lists"] = dict(options.evidence_lists)
        if options.label_scales:
            config["label_scales"] = dict(options.label_scales)
        # float16 on disk halves the package size; the tagger computes in float32
        weights = {k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in net.state_dict().items()}
        save_file(weights, str(out_dir / WEIGHTS))
        export_head(net, out_dir / HEAD)
        (out_dir / VOCAB).write_text(json.dumps(vocab, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        if options.crf_weight > 0:
            with tempfile.TemporaryDirectory() as scratch:
                trained = Path(scratch) / "crf.crfsuite"
                _train_crf(corpus, trained, options, zipf_of, progress)
                crf.export(trained, labels, out_dir / CRF)
        (out_dir / CONFIG).write_text(json.dumps(config, indent=2, sort_keys=True), encoding="utf-8")
        return out_dir
    finally:
        torch.set_num_threads(previous_threads)


def _vocabulary(corpus: Corpus, options: EmbeddedTrainingOptions) -> dict[str, dict[str, int]]:
    """Word and character ids, most frequent first (then alphabetical), rare ones left to the unknown id."""
    words = Counter(t.lower() for s in corpus.sentences for t in s.tokens)
    chars = Counter(c for s in corpus.sentences for t in s.tokens for c in t)

    def by_count(item: tuple[str, int]) -> tuple[int, str]:
        return -item[1], item[0]

    return {
        "words": {w: i + 2 for i, (w, n) in enumerate(sorted(words.items(), key=by_count)) if n >= options.min_word_count},
        "chars": {c: i + 2 for i, (c, n) in enumerate(sorted(chars.items(), key=by_count)) if n >= options.min_char_count},
    }


def _starting_point(model_dir: Path, labels: list[str]) -> tuple[list[str], dict, dict[str, torch.Tensor]]:
    """A trained model's labels, vocabularies and float32 weights, to fine-tune from."""
    from safetensors.torch import load_file

    config = json.loads((model_dir / CONFIG).read_text(encoding="utf-8"))
    vocab = json.loads((model_dir / VOCAB).read_text(encoding="utf-8"))
    missing = sorted(set(labels) - set(config["labels"]))
    if missing:
        raise ValueError(f"{model_dir} has no label {', '.join(missing)}: train from scratch instead")
    weights = {k: v.float() if v.is_floating_point() else v for k, v in load_file(str(model_dir / WEIGHTS)).items()}
    return list(config["labels"]), vocab, weights


def _train_network(corpus: Corpus, labels: list[str], vocab: dict, options: EmbeddedTrainingOptions, zipf_of: Zipf,
                   progress: Progress, initial: dict[str, torch.Tensor] | None = None) -> BiLstmTagger:
    encoding = Encoding(vocab["words"], vocab["chars"], options.langs, options.buckets, zipf_of)
    index = {label: i for i, label in enumerate(labels)}
    examples = [(s.tokens, [index[label] for label in s.labels]) for s in corpus.sentences]
    net = BiLstmTagger(len(vocab["words"]) + 2, len(vocab["chars"]) + 2, len(labels), options.buckets, hidden=options.hidden)
    if initial is not None:
        net.load_state_dict(initial)
    optimizer = torch.optim.Adam(net.parameters(), lr=options.learning_rate)
    order = random.Random(options.seed)
    steps_per_epoch = (len(examples) + options.batch_size - 1) // options.batch_size
    total = steps_per_epoch * options.epochs
    net.train()
    for epoch in range(options.epochs):
        order.shuffle(examples)
        for step in range(steps_per_epoch):
            batch = examples[step * options.batch_size : (step + 1) * options.batch_size]
            inputs = as_tensors(encoding.batch([tokens for tokens, _ in batch]))
            targets = torch.full(inputs[0].shape, -100)
            for row, (_, ids) in enumerate(batch):
                targets[row, : len(ids)] = torch.tensor(ids)
            logits = net(*inputs)
            loss = nn.functional.cross_entropy(logits.reshape(-1, len(labels)), targets.reshape(-1), ignore_index=-100)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            progress(f"network, epoch {epoch + 1}/{options.epochs}", epoch * steps_per_epoch + step + 1, total)
        for group in optimizer.param_groups:
            group["lr"] *= options.lr_decay
    net.eval()
    return net


def _train_crf(corpus: Corpus, path: Path, options: EmbeddedTrainingOptions, zipf_of: Zipf, progress: Progress) -> None:
    import pycrfsuite

    class Trainer(pycrfsuite.Trainer):
        def on_iteration(self, log, info):  # crfsuite's hook
            progress("CRF", min(int(info.get("num", 0)), options.crf_iterations), options.crf_iterations)

    features = FeatureExtractor(options.langs, zipf_of=zipf_of)
    trainer = Trainer(verbose=False)
    for sentence in corpus.sentences:
        trainer.append(pycrfsuite.ItemSequence(features.sentence_features(sentence.tokens)), sentence.labels)
    trainer.set_params(
        {"c1": options.crf_c1, "c2": options.crf_c2, "max_iterations": options.crf_iterations,
         "feature.possible_transitions": True}
    )
    trainer.train(str(path))
    progress("CRF", options.crf_iterations, options.crf_iterations)
