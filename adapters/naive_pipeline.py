"""The bench's reference: a naive but *batched* transformers pipeline, as a competent user would write it.

fp32 torch throughout, no conversion: the mBERT token classifier tags a batch of
messages (words split on spaces), Marian's ``generate`` translates the batch
(beam ``num_beams``, ``n_best`` returns), and the same mBERT, batch-encoded,
mean-pools its last layer for the sources and all candidates; the candidate with
the best model score + similarity wins. No markup handling, no cache: it is a
yardstick for ``mixlingo bench``, not a product path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import torch
from transformers import AutoModelForSeq2SeqLM, AutoModelForTokenClassification, AutoTokenizer


class NaiveBatchedPipeline:
    def __init__(
        self,
        marian_dirs: Mapping[str, Path],
        bert_dir: Path,
        *,
        num_beams: int = 4,
        n_best: int = 4,
        new_tokens: int | None = None,
        similarity_weight: float = 2.0,
    ):
        self.bert_tokenizer = AutoTokenizer.from_pretrained(str(bert_dir))
        self.bert = AutoModelForTokenClassification.from_pretrained(str(bert_dir)).eval()
        self.marian = {d: (AutoTokenizer.from_pretrained(str(p)), AutoModelForSeq2SeqLM.from_pretrained(str(p)).eval())
                       for d, p in marian_dirs.items()}
        self.num_beams, self.n_best, self.new_tokens = max(num_beams, n_best), n_best, new_tokens
        self.similarity_weight = similarity_weight

    def watch(self, clock) -> None:  # a mixlingo.bench.measure.ModelClock
        """Time each model call (tag, generate, embed) as the bench's model time."""
        clock.watch(self, "_tag", "tagger")
        clock.watch(self, "_generate", "translator", size=lambda texts, *_: len(texts))
        clock.watch(self, "_embed", "encoder")

    @torch.inference_mode()
    def run_batch(self, texts: Sequence[str], direction: str = "es-en") -> list[str]:
        self._tag([t.split() or ["."] for t in texts])  # the tags: a real user would plan from them; the bench plans whole
        candidates, scores = self._generate(list(texts), direction)
        vectors = self._embed(list(texts) + candidates)
        sources, cands = vectors[: len(texts)], vectors[len(texts):]
        chosen = []
        for i, src in enumerate(sources):
            block = slice(i * self.n_best, (i + 1) * self.n_best)
            final = scores[block] + self.similarity_weight * (cands[block] @ src)
            chosen.append(candidates[block][int(final.argmax())])
        return chosen

    def _tag(self, words: list[list[str]]) -> torch.Tensor:
        encoded = self.bert_tokenizer(words, is_split_into_words=True, padding=True, truncation=True, return_tensors="pt")
        return self.bert(**encoded).logits.argmax(-1)

    def _generate(self, texts: list[str], direction: str) -> tuple[list[str], torch.Tensor]:
        tokenizer, model = self.marian[direction]
        source = tokenizer(texts, return_tensors="pt", padding=True, truncation=True, max_length=512)
        fixed = {"max_new_tokens": self.new_tokens, "min_new_tokens": self.new_tokens} if self.new_tokens else {}
        out = model.generate(**source, num_beams=self.num_beams, num_return_sequences=self.n_best,
                             output_scores=True, return_dict_in_generate=True, **fixed)
        return tokenizer.batch_decode(out.sequences, skip_special_tokens=True), out.sequences_scores

    def _embed(self, texts: list[str]) -> torch.Tensor:
        encoded = self.bert_tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
        hidden = self.bert.bert(**encoded).last_hidden_state
        mask = encoded["attention_mask"][..., None].float()
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return torch.nn.functional.normalize(pooled, dim=-1)
