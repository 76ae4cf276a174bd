"""Fuzz: generated Slack mrkdwn through the whole translate pipeline (fake models) and into Block Kit.

Mentions, links, code, emoji, entities, formatting markers, quotes and lists
are mixed with Spanish and English words, and now and then a piece longer than
the unit limit (MIXLINGO_MAX_UNIT_CHARS); every message goes to both targets.
0 crashes, and 0 protected pieces altered: each piece of markup in the source
comes out byte for byte in the translation. 500 messages in every CI run,
10,000 under ``make proofs``.

Then the same messages through a model that writes hostile text (``<!channel>``,
mentions, links, raw ``<>&``, dropped or repeated placeholders): 0 pieces
altered and 0 new pings or links in the post.
"""

from __future__ import annotations

import random
import time
from collections import Counter

import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mixlingo.bot.blocks import translation_blocks
from mixlingo.bot.service import Outcome
from mixlingo.config import load_settings
from mixlingo.factory import build_translate_pipeline
from mixlingo.nlp.markup import find_protected
from mixlingo.adapters.testing.fakes import FakeTranslator
from mixlingo.nlp.model import Message
from mixlingo.nlp.text import clean_text
from mixlingo.nlp.translation import Candidate
from mixlingo.nlp.units import MT_PLACEHOLDER
from proofs import record, size
from slack_harness import EN_ES, ES_EN, fake_encoder, fake_translator
from test_markup import PROTECTED_EXAMPLES

EXAMPLES = size(500, 10_000)
HOSTILE_EXAMPLES = size(300, 5_000)
MAX_UNIT_CHARS = 400  # the default MIXLINGO_MAX_UNIT_CHARS
_pipeline = None
stats: Counter = Counter()
hostile_stats: Counter = Counter()

dictionary = st.sampled_from(sorted(ES_EN) + sorted(EN_ES) + ["Maria", "Google", "ok", "lol", "123", "¿", "!"])
phrase = st.lists(dictionary, min_size=1, max_size=6).map(" ".join)
element = st.one_of(
    phrase,
    phrase,
    st.sampled_from(PROTECTED_EXAMPLES).map(lambda p: f" {p} "),
    phrase.map(lambda w: f"*{w}*"),
    phrase.map(lambda w: f"_{w}_"),
    phrase.map(lambda w: f"~{w}~"),
    st.tuples(phrase, st.sampled_from("*_~"), phrase).map(lambda t: f" hola {t[1]}{t[0]}{t[1]} {t[2]} "),  # inside a sentence
    st.tuples(st.from_regex(r"https://[a-z]{1,8}\.com/[a-z0-9]{0,6}", fullmatch=True), phrase).map(lambda t: f" <{t[0]}|{t[1]}> "),
    st.sampled_from(["\n", "\n&gt; ", "\n• ", "\n\n", "\n```\ncode x = 1\n```\n", " :tada: ", " 👍🏽 ", " &amp; "]),
    st.text(max_size=8),  # anything at all, now and then
)
length = st.integers(min_value=MAX_UNIT_CHARS + 1, max_value=3 * MAX_UNIT_CHARS)
long_piece = st.one_of(  # longer than a unit: never cut, never sent to a model
    length.map(lambda n: " `" + ("x = f(y) " * n)[:n] + "` "),
    length.map(lambda n: " <@U1|" + "n" * n + "> "),
    length.map(lambda n: " " + "👍" * n + " "),
    length.map(lambda n: " <https://example.com/" + "a" * n + "|el reporte> "),
)
messages = st.lists(st.one_of(element, element, element, element, element, long_piece), min_size=1, max_size=20).map("".join)


def pipeline():
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
    stats["long_pieces"] += sum(n for piece, n in pieces.items() if len(piece) > MAX_UNIT_CHARS)
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
    assert stats["long_pieces"] > 0, stats
    record("fuzz", messages=stats["messages"], translated=stats["translated"], protected_pieces=stats["pieces"],
           long_pieces=stats["long_pieces"], crashes=0, pieces_altered=0, seconds=round(stats["seconds"], 1))


HOSTILE = ["<!channel>", "<!here>", "<!everyone>", "<@U0EVIL>", "<#C0EVIL|general>", "<https://evil.example|click>",
           "<https://evil.example>", "<mailto:x@evil.example|mail>", "<", ">", "&", "&amp;", "|", "@channel",
           "https://evil.example", "*", "_", "~", " ", "the", "report", "[1]", "[99]"]
LIVE = regex.compile(r"<([@#!][^<>|]*|(?:https?|mailto|ftp|tel):[^<>|]*)(?:\|[^<>]*)?>")
"""A live token in Slack mrkdwn, keyed by what it points at (a label may be translated)."""


def hostile_pipeline(rng: random.Random):
    def write(text: str, source: str, target: str) -> list[Candidate]:
        marks = MT_PLACEHOLDER.findall(text)
        outputs = []
        for _ in range(4):
            parts = rng.choices(HOSTILE, k=rng.randint(0, 12)) + rng.sample(marks, rng.randint(0, len(marks)))
            parts += rng.choices(marks, k=rng.randint(0, 2)) if marks else []
            rng.shuffle(parts)
            outputs.append(Candidate("".join(parts), -rng.random()))
        return outputs

    translator = FakeTranslator({("es", "en"): {}, ("en", "es"): {}}, candidates=write)
    return build_translate_pipeline(load_settings(tagger="lexicon"), translator=translator, encoder=fake_encoder()).pipeline


@settings(max_examples=HOSTILE_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(messages, st.sampled_from(["en", "es"]), st.integers(min_value=0, max_value=2**32))
@example("A*©0", "en", 0)  # found at full size: a marker merged with an emoji, the marker dropped
def test_hostile_model_output_adds_no_ping_and_alters_no_piece(text: str, target: str, seed: int) -> None:
    started = time.perf_counter()
    hostile_stats["messages"] += 1
    cleaned = clean_text(text, max_chars=None)
    if not cleaned.strip():
        return
    message = hostile_pipeline(random.Random(seed))(Message(cleaned, target=target))
    translation = message.translation
    if translation is None or translation.text is None or translation.strategy == "none":
        return
    output = translation.text
    hostile_stats["translated"] += 1
    hostile_stats["model_outputs"] += len(translation.units)
    # each piece on its own (a model may move ``*`` away from a neighbouring emoji); formatting markers
    # may be dropped in pairs, with a note
    pieces = Counter(p.text for p in find_protected(cleaned, merge=False) if p.kind != "format")
    altered = {piece: n for piece, n in pieces.items() if output.count(piece) < n}
    assert not altered, f"protected pieces altered: {altered!r}\nsource: {cleaned!r}\noutput: {output!r}"
    new = set(LIVE.findall(output)) - set(LIVE.findall(cleaned))
    assert not new, f"new pings or links: {new!r}\nsource: {cleaned!r}\noutput: {output!r}"
    outcome = Outcome(text=cleaned, target=target, message=message)
    blocks = translation_blocks(outcome, requested_by=None, ref="{}")
    sections = [b["text"] for b in blocks if b["type"] == "section"]
    assert all(s.get("verbatim") is True for s in sections)  # Slack auto-links nothing the text does not spell out
    posted = "".join(s["text"] for s in sections)
    assert not set(LIVE.findall(posted)) - set(LIVE.findall(cleaned))
    hostile_stats["unformatted_pairs"] += sum("bold/italic/strike" in note for note in translation.notes)
    hostile_stats["seconds"] += time.perf_counter() - started


def test_hostile_figures() -> None:
    assert hostile_stats["messages"] >= HOSTILE_EXAMPLES * 0.9 and hostile_stats["translated"] > 0, hostile_stats
    record("hostile_output", messages=hostile_stats["messages"], translated=hostile_stats["translated"],
           model_outputs=hostile_stats["model_outputs"], pieces_altered=0, new_pings=0,
           notes_unformatted=hostile_stats["unformatted_pairs"], seconds=round(hostile_stats["seconds"], 1))
