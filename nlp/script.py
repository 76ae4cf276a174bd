"""Which script a language is read and written in: Hindi in Devanagari or in Latin letters.

Hindi in chat is typed mostly in Latin letters ("kal meeting hai"), but the hi→xx translation
models were trained on Devanagari. So a romanized Hindi unit is put into Devanagari before a
model reads it (:class:`ReadNativeScript`), and a reader who prefers romanized Hindi gets the
translation back in Latin letters (:class:`WriteScript`). A reader names that wish with a BCP 47
script subtag on the target, ``hi-Latn``, or with the ``MIXLINGO_OUTPUT_SCRIPT=latin`` default.
"""

from __future__ import annotations

from collections.abc import Mapping
import regex

from mixlingo.nlp.model import Message, TokenKind
from mixlingo.nlp.transliteration import Direction as Script
from mixlingo.nlp.transliteration import Transliterator, in_source_script, transliterate_text

LATIN_SUBTAG = "-Latn"


def split_target(target: str) -> tuple[str, Script | None]:
    """``hi-Latn`` → (``hi``, ``latin``); ``hi`` → (``hi``, None: the configured default)."""
    if target.lower().endswith(LATIN_SUBTAG.lower()):
        return target[: -len(LATIN_SUBTAG)], "latin"
    return target, None


def latin_form(lang: str) -> str:
    """The target code that asks for ``lang`` in Latin letters: ``hi-Latn``."""
    return lang + LATIN_SUBTAG


class ReadNativeScript:
    """Stage (between plan and translate): romanized words of a unit's language, put into its script.

    Only the words the tagger gave the unit's language change; English words inside a Hindi unit,
    names, numbers and markup placeholders reach the model as they were written. The unit keeps
    what was written (``Unit.written``), for ``--explain``.
    """

    needs_target = True  # a message without a reader's language stops before this stage

    def __init__(self, transliterators: Mapping[str, Transliterator]):
        self.transliterators = dict(transliterators)

    def __call__(self, message: Message) -> Message:
        if message.translation is None:
            return message
        for unit in message.translation.units:
            transliterator = self.transliterators.get(unit.lang)
            if transliterator is None:
                continue
            words = [t for t in message.tokens if t.kind is TokenKind.WORD and t.lang == unit.lang
                     and unit.start <= t.start and t.end <= unit.end and in_source_script(t.text, "native")]
            if not words:
                continue
            native = transliterator.to_native([t.text for t in words])
            source = _replace_in_order(unit.source, [(t.text, n) for t, n in zip(words, native, strict=True)])
            if source != unit.source:
                unit.written, unit.source = unit.source, source
        return message


def _replace_in_order(text: str, replacements: list[tuple[str, str]]) -> str:
    """Each (old, new) replaced at its next whole-word occurrence after the previous one.

    A unit's source is the message text with inline markup as ``[n]`` placeholders, so its words
    appear in the tokens' order; a word that cannot be found (it never should) stays as it is.
    """
    out, cursor = [], 0
    for old, new in replacements:
        for match in regex.finditer(rf"(?<![\p{{L}}\p{{M}}\p{{N}}]){regex.escape(old)}(?![\p{{L}}\p{{M}}\p{{N}}])", text[cursor:]):
            start = cursor + match.start()
            out += [text[cursor:start], new]
            cursor = start + len(old)
            break
    out.append(text[cursor:])
    return "".join(out)


class WriteScript:
    """Stage (after assemble): a translation into a language the reader wants in Latin letters, romanized.

    Markup (mentions, links, emoji codes, code) is left byte for byte: only words in another
    script are transliterated, each as a whole.
    """

    needs_target = True

    def __init__(self, transliterators: Mapping[str, Transliterator], default: Script = "native"):
        self.transliterators = dict(transliterators)
        self.default = default

    def __call__(self, message: Message) -> Message:
        translation = message.translation
        transliterator = self.transliterators.get(message.target or "")
        if translation is None or translation.text is None or transliterator is None:
            return message
        if (message.script or self.default) != "latin":
            return message
        translation.text = transliterate_text(translation.text, transliterator, "latin")
        return message
