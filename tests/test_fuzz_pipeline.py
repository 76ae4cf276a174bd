"""Fuzz: generated Slack mrkdwn through the whole translate pipeline (fake models) and into Block Kit.

Mentions, links, code, emoji, entities, formatting markers, quotes and lists
are mixed with Spanish and English words; every message goes to both targets.
0 crashes, and 0 protected pieces altered: each piece of markup in the source
comes out byte for byte in the translation. 500 messages in every CI run,
10,000 under ``make proofs``.
"""

from __future__ import annotations

import time
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mixlingo.bot.blocks import translation_blocks
from mixlingo.bot.service import Outcome
from mixlingo.config import load_settings
from mixlingo.factory import build_translate_pipeline
from mixlingo.nlp.markup import find_protected
from mixlingo.nlp.model import Message
from mixlingo.nlp.text import clean_text
from proofs import record, size
from slack_harness import EN_ES, ES_EN, fake_encoder, fake_translator
from test_markup import PROTECTED_EXAMPLES

EXAMPLES = size(500, 10_000)
_pipeline = None
stats: Counter = Counter()

dictionary = st.sampled_from(sorted(ES_EN) + sorted(EN_ES) + ["Maria", "Google", "ok", "lol", "123", "¿", "!"])
phrase = st.lists(dictionary, min_size=1, max_size=6).map(" ".join)
element = st.one_of(
    phrase,
    phrase,
    st.sampled_from(PROTECTED_EXAMPLES).map(lambda p: f" {p} "),
    phrase.map(lambda w: f"*{w}*"),
    phrase.map(lambda w: f"_{w}_"),
    phrase.map(lambda w: f"~{w}~"),
    st.tuples(st.from_regex(r"https://[a-z]{1,8}\.com/[a-z0-9]{0,6}", fullmatch=True), phrase).map(lambda t: f" <{t[0]}|{t[1]}> "),
    st.sampled_from(["\n", "\n&gt; ", "\n• ", "\n\n", "\n```\ncode x = 1\n```\n", " :tada: ", " 👍🏽 ", " &amp; "]),
    st.text(max_size=8),  # anything at all, now and then
)
messages = st.lists(element, min_size=1, max_size=20).map("".join)


def pipeline():  # noqa: ANN201
    global _pipeline
    if _pipeline is None:
        _pipeline = build_translate_pipeline(load_settings(tagger="lexicon"), translator=fake_translator(),
                                             encoder=fake_encoder()).pipeline
    return _pipeline


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(messages, st.sampled_from(["en", "es"]))
def test_generated_mrkdwn_never_crashes_and_keeps_every_protected_piece(text: str, target: str) -> None:
    started = time.perf_counter()
    stats["messages"] += 1
    cleaned = clean_text(text, max_chars=None)
    if not cleaned.strip():
        stats["empty"] += 1
        return
    message = pipeline()(Message(cleaned, target=target))
    translation = message.translation
    output = translation.text if translation is not None and translation.text is not None else cleaned
    pieces = Counter(p.text for p in find_protected(cleaned))
    stats["pieces"] += sum(pieces.values())
    altered = {piece: n for piece, n in pieces.items() if output.count(piece) < n}
    assert not altered, f"protected pieces altered: {altered!r}\nsource: {cleaned!r}\noutput: {output!r}"
    if translation is not None and translation.strategy not in (None, "none"):
        stats["translated"] += 1
        blocks = translation_blocks(Outcome(text=cleaned, target=target, message=message), requested_by="U1", ref="{}")
        assert blocks and all(isinstance(b, dict) for b in blocks)
    stats["seconds"] += time.perf_counter() - started


def test_fuzz_figures() -> None:
    """Runs after the fuzz test (file order): reports how much was checked, and that it really ran."""
    assert stats["messages"] >= EXAMPLES * 0.9, stats
    record("fuzz", messages=stats["messages"], translated=stats["translated"], protected_pieces=stats["pieces"],
           crashes=0, pieces_altered=0, seconds=round(stats["seconds"], 1))
