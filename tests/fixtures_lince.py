"""A small LinCE-format corpus written by the tests (the suite never reads ../shared/data)."""

from __future__ import annotations

import random
from pathlib import Path

ENGLISH = "I will send the report tomorrow we need to check this before meeting my friend said yes you know".split()
SPANISH = "oye el reporte mañana vamos a revisar esto antes de la reunión mi amigo dijo que sí pues".split()
NAMES = ["Maria", "Google", "Texas", "Juan"]
OTHER = [",", "!", "?", ".", "😂", "@user", "jaja"]


def write_corpus(path: Path, sentences: int = 60, seed: int = 0, malformed: bool = False) -> Path:
    rng = random.Random(seed)
    lines = []
    for number in range(1, sentences + 1):
        lines.append(f"# sent_enum = {number}")
        for _ in range(rng.randint(2, 4)):
            label, words = rng.choice([("lang1", ENGLISH), ("lang2", SPANISH)])
            for _ in range(rng.randint(1, 4)):
                lines.append(f"{rng.choice(words)}\t{label}")
            if rng.random() < 0.3:
                lines.append(f"{rng.choice(NAMES)}\tne")
            if rng.random() < 0.5:
                token = rng.choice(OTHER)
                lines.append(f"{token}\t{'lang2' if token == 'jaja' else 'other'}")
        if malformed and number == 2:
            lines.append("broken line with no label")
            lines.append("casa lang2")
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
