"""Messages as plain JSON-ready dicts: the CLI's ``--json`` output and the playground's API answer.

One shape for both, so what a user scripts against on the command line is what the browser gets.
"""

from __future__ import annotations

from typing import Any

from mixlingo.nlp.model import Message
from mixlingo.nlp.summary import summarize


def message_to_dict(message: Message) -> dict[str, Any]:
    summary = summarize(message)
    return {
        "text": message.text,
        "pair": list(message.pair) if message.pair else None,
        "pair_reason": message.pair_reason,
        "tagger": message.tagger,
        "summary": {
            "dominant": summary.dominant,
            "languages": list(summary.languages),
            "code_switched": summary.code_switched,
            "word_counts": summary.word_counts,
        },
        "tokens": [
            {
                "text": t.text,
                "start": t.start,
                "end": t.end,
                "kind": t.kind.value,
                "lang": t.lang,
                "confidence": None if t.confidence is None else round(t.confidence, 4),
                "protected": t.protected,
            }
            for t in message.tokens
        ],
    }


def translation_to_dict(message: Message) -> dict[str, Any]:
    data = message_to_dict(message)
    t = message.translation
    if t is None:
        return data
    data["translation"] = {
        "target": t.target,
        "strategy": t.strategy,
        "reason": t.reason,
        "text": t.text,
        "notes": t.notes,
        "units": [
            {
                "start": u.start,
                "end": u.end,
                "source_lang": u.lang,
                "source": u.source,
                "written": u.written,
                "output": u.output,
                "chosen": u.chosen,
                "candidates": [
                    {
                        "text": s.candidate.text,
                        "model_score": round(s.candidate.score, 4),
                        "similarity": None if s.similarity is None else round(s.similarity, 4),
                        "penalties": {k: round(v, 4) for k, v in s.penalties.items()},
                        "final": round(s.final, 4),
                    }
                    for s in u.scored
                ],
            }
            for u in t.units
        ],
    }
    return data
