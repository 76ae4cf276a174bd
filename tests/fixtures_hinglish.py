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


def write_gold(root: Path, seed: int = 0, messages: int = 30) -> Path:
    """``root/hinglish-gold/phinc_gold.conll``: generated messages labelled in context, with names (``ne``)."""
    rng = random.Random(seed)
    folder = root / "hinglish-gold"
    folder.mkdir(parents=True, exist_ok=True)
    blocks = []
    for number in range(messages):
        tokens = [(w, "hi") for w in rng.sample(HINDI, 3)] + [(w, "en") for w in rng.sample(ENGLISH, 2)]
        tokens += [(rng.choice(["Priya", "Ravi", "Delhi"]), "ne"), ("!", "other")]
        text = " ".join(t for t, _ in tokens)
        blocks.append(f"# id = gen-{number}\n# text = {text}\n" + "\n".join(f"{t}\t{label}" for t, label in tokens))
    (folder / "phinc_gold.conll").write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return root


TAMIL = "naalaikku veetukku vaa enna panra romba nalla irukku avan sonnaan inniki kaalaila".split()
TAMIL_NATIVE = ["நாளைக்கு", "வீட்டுக்கு", "வா", "என்ன", "பண்ற", "ரொம்ப", "நல்லா", "இருக்கு", "அவன்", "சொன்னான்", "இன்னிக்கு", "காலையில"]


def write_dakshina_language(root: Path, lang: str = "ta", seed: int = 0) -> Path:
    """``root/dakshina/<lang>/`` in Dakshina's layout for the other languages (lexicon, line-aligned sentences)."""
    rng = random.Random(seed)
    folder = root / "dakshina" / lang
    folder.mkdir(parents=True, exist_ok=True)
    lexicon = [f"{n}\t{r}\t{rng.randint(1, 4)}" for n, r in zip(TAMIL_NATIVE, TAMIL)]
    (folder / f"{lang}.translit.sampled.train.tsv").write_text("\n".join(lexicon[:9]) + "\n", encoding="utf-8")
    (folder / f"{lang}.translit.sampled.dev.tsv").write_text("\n".join(lexicon[9:]) + "\n", encoding="utf-8")
    native, roman = [], []
    for _ in range(60):
        picks = rng.sample(range(len(TAMIL)), 6)
        native.append(" ".join(TAMIL_NATIVE[i] for i in picks))
        roman.append(" ".join(TAMIL[i] for i in picks))
    (folder / f"{lang}.romanized.rejoined.dev.native.txt").write_text("\n".join(native) + "\n", encoding="utf-8")
    (folder / f"{lang}.romanized.rejoined.dev.roman.txt").write_text("\n".join(roman) + "\n", encoding="utf-8")
    return root
