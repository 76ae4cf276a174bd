"""Cut an exported BERT ONNX graph so less of it sits in memory (:mod:`.bert_runtime` runs the pieces).

- **Word embeddings outside the graph**: mBERT's 119,547 × 768 table is 88 MiB even in int8 and
  every session holds its own copy, yet a batch reads a few hundred rows. The table (int8, with its
  scale and zero point) goes into a ``.npy`` file that the runner memory-maps and looks rows up in,
  dequantising them as the graph's ``DequantizeLinear`` did; the graph takes the looked-up rows as an
  input (``word_embeddings``). Only the pages of rows actually read become resident.
- **Split at a layer**: the token classifier's graph cut after encoder layer L gives a *front*
  (embeddings and layers 1..L → that layer's hidden states) and a *back* (layers L+1.. and the
  classifier). A tagger runs both; a sentence encoder that pools layer L runs the front alone, so the
  tagger and the reranker share one model in memory.

The pieces are cut once from the cached int8 graph with ``onnx.utils.Extractor`` and cached beside it;
the weights are the same quantised tensors, so each piece computes what the whole graph did.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

WORD_INPUT = "word_embeddings"
"""The input that replaces the in-graph word-embedding lookup."""
MASK, IDS = "attention_mask", "input_ids"


@dataclass(frozen=True)
class WordTable:
    """The int8 word-embedding table, memory-mapped, and how to dequantise its rows."""

    rows: np.ndarray
    scale: np.float32
    zero_point: np.float32

    @classmethod
    def open(cls, path: Path) -> WordTable:
        meta = np.load(path.with_suffix(".scale.npy"))
        return cls(np.load(path, mmap_mode="r"), np.float32(meta[0]), np.float32(meta[1]))

    def lookup(self, ids: np.ndarray) -> np.ndarray:
        """(batch, seq) ids → (batch, seq, hidden) float32, as ``DequantizeLinear`` computes it."""
        picked = self.rows[np.asarray(ids, dtype=np.int64)]
        return ((picked.astype(np.float32) - self.zero_point) * self.scale).astype(np.float32)


def _layer_output(graph, layer: int) -> str:  # an onnx GraphProto
    """The tensor holding encoder layer ``layer``'s (1-based) output in a transformers BERT export."""
    suffix = f"/encoder/layer.{layer - 1}/output/LayerNorm/LayerNormalization_output_0"
    found = [out for node in graph.node for out in node.output if out.endswith(suffix)]
    if len(found) != 1:
        raise ValueError(f"no single output of encoder layer {layer} in the graph ({len(found)} found)")
    return found[0]


def _word_lookup(graph):
    """(table initializer, scale, zero point, dequantised output name) of the word-embedding lookup."""
    inits = {t.name: t for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "DequantizeLinear" and "word_embeddings" in node.output[0]:
            gather = next(n for n in graph.node if node.input[0] in n.output)
            if gather.op_type == "Gather" and gather.input[1] == IDS and gather.input[0] in inits:
                return inits[gather.input[0]], inits[node.input[1]], inits[node.input[2]], node.output[0]
    raise ValueError("no quantised word-embedding lookup (Gather → DequantizeLinear on input_ids) in the graph")


def pieces_paths(graph_path: Path, split_at: int | None = None) -> dict[str, Path]:
    """Where the pieces of ``graph_path`` are cached: ``table`` and ``whole`` (or ``front``/``back`` when split)."""
    stem = graph_path.name.removesuffix(".onnx")
    folder = graph_path.parent
    out = {"table": folder / f"{stem}.words.npy"}
    if split_at:
        out |= {"front": folder / f"{stem}.front-L{split_at}.onnx", "back": folder / f"{stem}.back-L{split_at}.onnx"}
    else:
        out["whole"] = folder / f"{stem}.nowords.onnx"
    return out


def cut(graph_path: Path, split_at: int | None = None) -> dict[str, Path]:
    """The pieces (cut once, cached beside the graph); a ``ValueError`` when the graph is not a BERT export we know."""
    paths = pieces_paths(graph_path, split_at)
    if all(p.is_file() for p in paths.values()):
        return paths
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from onnx.utils import Extractor

    model = onnx.load(str(graph_path))
    graph = model.graph
    table, scale, zero, looked_up = _word_lookup(graph)
    hidden = int(numpy_helper.to_array(table).shape[1])
    cuts = [looked_up] + ([_layer_output(graph, split_at)] if split_at else [])
    graph.value_info.extend(helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", "sequence", hidden])
                            for name in cuts)
    extractor = Extractor(model)
    outputs = [o.name for o in graph.output]
    pieces = ({"front": ([IDS, MASK, looked_up], [cuts[1]]), "back": ([cuts[1], MASK, IDS, looked_up], outputs)} if split_at
              else {"whole": ([IDS, MASK, looked_up], outputs)})
    for name, (inputs, wanted) in pieces.items():
        piece = extractor.extract_model(inputs, wanted)
        _rename(piece.graph, looked_up, WORD_INPUT)
        used = {i for node in piece.graph.node for i in node.input}
        kept = [i for i in piece.graph.input if i.name in used or i.name in wanted]
        del piece.graph.input[:]
        piece.graph.input.extend(kept)
        tmp = paths[name].with_suffix(".tmp")
        onnx.save(piece, str(tmp))
        tmp.replace(paths[name])
    tmp_table = paths["table"].with_suffix(".tmp.npy")
    np.save(tmp_table, numpy_helper.to_array(table))
    np.save(paths["table"].with_suffix(".scale.npy"),
            np.array([numpy_helper.to_array(scale), numpy_helper.to_array(zero)], dtype=np.float32).reshape(-1))
    tmp_table.replace(paths["table"])
    return paths


def _rename(graph, old: str, new: str) -> None:
    for value in graph.input:
        if value.name == old:
            value.name = new
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new
