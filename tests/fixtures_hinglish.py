"""Tiny stand-ins for the Hindi–English training sources, in their published layouts (the suite never reads ../shared/data)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

HINDI = "kal hum ghar jaenge aur khana khaenge yeh kaam bahut accha hai mujhe nahi pata kya hua tha".split()
DEVANAGARI = ["कल", "हम", "घर", "जाएंगे", "और", "खाना", "खाएंगे", "यह", "काम", "बहुत", "अच्छा", "है", "मुझे", "नहीं", "पता", "क्या", "हुआ", "था"]
ENGLISH = "please send the report before the meeting tomorrow it was a great day".split()


def write_sources(root: Path, seed: int = 0) -> Path:
    """``root`` holding dakshina-hi/, hinglish-top/ and phinc/ with a few dozen generated lines each."""
    rng = random.Random(seed)
    dakshina, top, phinc = root / "dakshina-hi", root / "hinglish-top", root / "phinc"
    for folder in (dakshina, top, phinc):
        folder.mkdir(parents=True, exist_ok=True)
    lexicon = [f"{d}\t{r}\t{rng.randint(1, 4)}" for d, r in zip(DEVANAGARI, HINDI)]
    (dakshina / "hi.translit.sampled.train.tsv").write_text("\n".join(lexicon[:14]) + "\n", encoding="utf-8")
    (dakshina / "hi.translit.sampled.dev.tsv").write_text("\n".join(lexicon[14:]) + "\n", encoding="utf-8")
    sentences = []
    for _ in range(40):
        picks = rng.sample(range(len(HINDI)), 6)
        sentences.append(" ".join(DEVANAGARI[i] for i in picks) + "\t" + " ".join(HINDI[i] for i in picks).capitalize() + ".")
    (dakshina / "hi.romanized.rejoined.tsv").write_text("\n".join(sentences) + "\n", encoding="utf-8")

    def mixed() -> tuple[str, str]:
        english = rng.sample(ENGLISH, 3)
        hindi = rng.sample(HINDI, 4)
        return " ".join(hindi[:2] + english + hindi[2:]), " ".join(english + rng.sample(ENGLISH, 2))

    for split in ("train", "validation"):
        rows = ["en_query\tcs_query\ten_parse\tcs_parse\tdomain"]
        for _ in range(30):
            cs, en = mixed()
            rows.append(f"{en}\t{cs}\t[IN:X {en} ]\t[IN:X {cs} ]\treminder")
        (top / f"{split}.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with (phinc / "phinc.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Sentence", "English_Translation"])
        for _ in range(60):
            cs, en = mixed()
            writer.writerow([f"@user {cs} https://t.co/x1", en])
    return root
