"""The character transformer, in torch: trained here, then exported to two ONNX graphs for use.

A small encoder–decoder transformer reads a word one character at a time and writes it in the other
script. Words are short and alphabets small, so a few hundred thousand weights do. Run time needs no
torch: :func:`export_onnx` writes an encoder graph (the word's states and every decoder layer's
cross-attention keys and values, computed once) and a step graph (one output character for any number
of hypotheses, with the self-attention keys and values of the characters so far passed in and out),
which :mod:`mixlingo.adapters.transliteration.beam` drives with NumPy and onnxruntime.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import torch
from torch import nn

PAD, BOS, EOS = 0, 1, 2
"""Ids every vocabulary starts with; characters follow from 3."""

NEG = -1e9
"""Additive attention mask for padded source positions (finite, so a masked softmax never makes NaN)."""

MAX_LENGTH = 64
"""Longest word, in characters, either side (positions are learned)."""


@dataclass(frozen=True)
class Shape:
    source_vocab: int
    target_vocab: int
    width: int = 128
    heads: int = 4
    feed_forward: int = 512
    encoder_layers: int = 2
    decoder_layers: int = 2
    dropout: float = 0.1


class _Attention(nn.Module):
    def __init__(self, shape: Shape):
        super().__init__()
        self.heads, self.size = shape.heads, shape.width // shape.heads
        self.query = nn.Linear(shape.width, shape.width)
        self.key_value = nn.Linear(shape.width, 2 * shape.width)
        self.out = nn.Linear(shape.width, shape.width)

    def split(self, x: torch.Tensor) -> torch.Tensor:
        """[N, T, W] → [N, H, T, W/H]."""
        return x.reshape(x.shape[0], x.shape[1], self.heads, self.size).transpose(1, 2)

    def keys_values(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        key, value = self.key_value(x).chunk(2, dim=-1)
        return self.split(key), self.split(value)

    def attend(self, x: torch.Tensor, key: torch.Tensor, value: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``x`` [N, T, W] attending over ``key``/``value`` [N, H, S, W/H]; ``mask`` adds to the scores ([N, 1, T or 1, S])."""
        query = self.split(self.query(x))
        weights = torch.softmax(query @ key.transpose(-1, -2) / math.sqrt(self.size) + mask, dim=-1)
        mixed = (weights @ value).transpose(1, 2)
        return self.out(mixed.reshape(x.shape[0], x.shape[1], -1))


class _FeedForward(nn.Sequential):
    def __init__(self, shape: Shape):
        super().__init__(nn.Linear(shape.width, shape.feed_forward), nn.GELU(), nn.Linear(shape.feed_forward, shape.width))


class _EncoderLayer(nn.Module):
    def __init__(self, shape: Shape):
        super().__init__()
        self.norm1, self.attention = nn.LayerNorm(shape.width), _Attention(shape)
        self.norm2, self.feed_forward = nn.LayerNorm(shape.width), _FeedForward(shape)
        self.dropout = nn.Dropout(shape.dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = self.norm1(x)
        x = x + self.dropout(self.attention.attend(h, *self.attention.keys_values(h), mask))
        return x + self.dropout(self.feed_forward(self.norm2(x)))


class _DecoderLayer(nn.Module):
    def __init__(self, shape: Shape):
        super().__init__()
        self.norm1, self.self_attention = nn.LayerNorm(shape.width), _Attention(shape)
        self.norm2, self.cross_attention = nn.LayerNorm(shape.width), _Attention(shape)
        self.norm3, self.feed_forward = nn.LayerNorm(shape.width), _FeedForward(shape)
        self.dropout = nn.Dropout(shape.dropout)

    def forward(self, x: torch.Tensor, causal: torch.Tensor, cross_keys: torch.Tensor, cross_values: torch.Tensor,
                mask: torch.Tensor) -> torch.Tensor:
        h = self.norm1(x)
        x = x + self.dropout(self.self_attention.attend(h, *self.self_attention.keys_values(h), causal))
        x = x + self.dropout(self.cross_attention.attend(self.norm2(x), cross_keys, cross_values, mask))
        return x + self.dropout(self.feed_forward(self.norm3(x)))


class Transliterator(nn.Module):
    def __init__(self, shape: Shape):
        super().__init__()
        self.shape = shape
        self.source_embedding = nn.Embedding(shape.source_vocab, shape.width, padding_idx=PAD)
        self.target_embedding = nn.Embedding(shape.target_vocab, shape.width, padding_idx=PAD)
        self.source_position = nn.Embedding(MAX_LENGTH, shape.width)
        self.target_position = nn.Embedding(MAX_LENGTH + 1, shape.width)
        self.encoder = nn.ModuleList(_EncoderLayer(shape) for _ in range(shape.encoder_layers))
        self.encoder_norm = nn.LayerNorm(shape.width)
        self.decoder = nn.ModuleList(_DecoderLayer(shape) for _ in range(shape.decoder_layers))
        self.decoder_norm = nn.LayerNorm(shape.width)
        self.output = nn.Linear(shape.width, shape.target_vocab)
        self.dropout = nn.Dropout(shape.dropout)

    def decoder_layers(self) -> list[_DecoderLayer]:
        return cast(list[_DecoderLayer], list(self.decoder))

    def encode(self, source: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(each decoder layer's cross-attention keys and values, stacked: [L, N, H, S, W/H] twice) for right-padded ``source``."""
        mask = ((source == PAD).float() * NEG)[:, None, None, :]
        positions = torch.arange(source.shape[1], device=source.device)
        x = self.dropout(self.source_embedding(source) + self.source_position(positions))
        for layer in self.encoder:
            x = layer(x, mask)
        memory = self.encoder_norm(x)
        pairs = [layer.cross_attention.keys_values(memory) for layer in self.decoder_layers()]
        return torch.stack([k for k, _v in pairs]), torch.stack([v for _k, v in pairs])

    def forward(self, source: torch.Tensor, target_in: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits [N, T, V] for ``target_in`` (BOS then the target, right-padded); every step at once."""
        cross_keys, cross_values = self.encode(source)
        mask = ((source == PAD).float() * NEG)[:, None, None, :]
        steps = target_in.shape[1]
        causal = torch.triu(torch.full((steps, steps), NEG, device=source.device), diagonal=1)
        x = self.dropout(self.target_embedding(target_in) + self.target_position(torch.arange(steps, device=source.device)))
        for i, layer in enumerate(self.decoder):
            x = layer(x, causal, cross_keys[i], cross_values[i], mask)
        return self.output(self.decoder_norm(x))

    def step(
        self, previous: torch.Tensor, position: torch.Tensor, self_keys: torch.Tensor, self_values: torch.Tensor,
        cross_keys: torch.Tensor, cross_values: torch.Tensor, mask: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(log probabilities [N, V] of the next character, self-attention keys and values with this step's appended).

        ``previous`` [N] ids written last, ``position`` [1] its index, ``self_keys``/``self_values``
        [L, N, H, t, W/H] of the earlier steps, ``mask`` [N, S] (0 or NEG per source position)."""
        x = self.target_embedding(previous)[:, None, :] + self.target_position(position)[None]
        cross_mask = mask[:, None, None, :]
        keys, values = [], []
        for i, layer in enumerate(self.decoder_layers()):
            h = layer.norm1(x)
            key, value = layer.self_attention.keys_values(h)
            key, value = torch.cat([self_keys[i], key], dim=2), torch.cat([self_values[i], value], dim=2)
            keys.append(key)
            values.append(value)
            x = x + layer.self_attention.attend(h, key, value, torch.zeros(1))
            x = x + layer.cross_attention.attend(layer.norm2(x), cross_keys[i], cross_values[i], cross_mask)
            x = x + layer.feed_forward(layer.norm3(x))
        log_probs = torch.log_softmax(self.output(self.decoder_norm(x))[:, 0], dim=-1)
        return log_probs, torch.stack(keys), torch.stack(values)


class _Encoder(nn.Module):
    def __init__(self, model: Transliterator):
        super().__init__()
        self.model = model

    def forward(self, source: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.model.encode(source)


class _Step(nn.Module):
    def __init__(self, model: Transliterator):
        super().__init__()
        self.model = model

    def forward(self, *inputs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return self.model.step(*inputs)


def export_onnx(model: Transliterator, encoder_path: Path, decoder_path: Path, *, int8: bool = False) -> None:
    """Write the encoder and step graphs (inference mode; any batch size, word length and step) to the two paths.

    ``int8`` stores the matrix weights as 8-bit integers (onnxruntime's dynamic quantization): a
    quarter of the size, for a small change in the scores."""
    model.eval()
    shape = model.shape
    words = torch.full((2, 5), 3, dtype=torch.long)
    size = shape.width // shape.heads
    with torch.no_grad():
        cross_keys, cross_values = model.encode(words)
        torch.onnx.export(_Encoder(model), (words,), encoder_path, input_names=["source"], output_names=["cross_keys", "cross_values"],
                          dynamic_axes={"source": {0: "n", 1: "s"}, "cross_keys": {1: "n", 3: "s"}, "cross_values": {1: "n", 3: "s"}},
                          opset_version=17, dynamo=False)
        cache = torch.zeros((shape.decoder_layers, 2, shape.heads, 3, size))
        inputs = (torch.full((2,), BOS, dtype=torch.long), torch.tensor([3]), cache, cache, cross_keys, cross_values, torch.zeros((2, 5)))
        torch.onnx.export(_Step(model), inputs, decoder_path,
                          input_names=["previous", "position", "self_keys", "self_values", "cross_keys", "cross_values", "mask"],
                          output_names=["log_probs", "next_keys", "next_values"],
                          dynamic_axes={"previous": {0: "n"}, "self_keys": {1: "n", 3: "t"}, "self_values": {1: "n", 3: "t"},
                                        "cross_keys": {1: "n", 3: "s"}, "cross_values": {1: "n", 3: "s"}, "mask": {0: "n", 1: "s"},
                                        "log_probs": {0: "n"}, "next_keys": {1: "n", 3: "t1"}, "next_values": {1: "n", 3: "t1"}},
                          opset_version=17, dynamo=False)
    if int8:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        for path in (encoder_path, decoder_path):
            quantize_dynamic(path, path, weight_type=QuantType.QInt8)
