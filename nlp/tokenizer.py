"""Chat-text tokenizer with character offsets.

Protected pieces become single protected tokens; the text between them is split
into words (contractions and hyphenated words kept whole; the zero-width joiner and
non-joiner that Sinhala, Malayalam, Bengali or Urdu spelling needs stay inside a word),
hashtags, @handles, numbers, emoticons, emoji and punctuation runs.
"""

from __future__ import annotations

import regex

from mixlingo.nlp.model import Message, Token, TokenKind

_TOKEN = regex.compile(
    r"""
    (?P<hashtag>\#[\p{L}\p{N}_]+)
  | (?P<mention>@[\p{L}\p{N}_.]+(?<!\.))
  | (?P<emoticon>(?<![\p{L}\p{N}])(?:[:;=8][\-o'^]?[)\](\[dDpPoO/\\|*3]|<3|[xX][dD])(?![\p{L}\p{N}]))
  | (?P<number>\p{N}+(?:[.,:/]\p{N}+)*(?:%|\p{L}{1,2}(?![\p{L}]))?)
  | (?P<word>\p{L}[\p{L}\p{M}\p{N}_\u200C\u200D]*(?:['’\-][\p{L}\p{M}][\p{L}\p{M}\p{N}\u200C\u200D]*)*)
  | (?P<emoji>[\p{Extended_Pictographic}\p{Regional_Indicator}][\uFE0F\u200D\U0001F3FB-\U0001F3FF\p{Extended_Pictographic}]*)
  | (?P<punct>(?P<p>\p{P})(?P=p)*)
  | (?P<symbol>\S)
    """,
    regex.VERBOSE,
)

_KINDS = {
    "hashtag": TokenKind.HASHTAG,
    "mention": TokenKind.SYMBOL,
    "emoticon": TokenKind.EMOJI,
    "number": TokenKind.NUMBER,
    "word": TokenKind.WORD,
    "emoji": TokenKind.EMOJI,
    "punct": TokenKind.PUNCT,
    "symbol": TokenKind.SYMBOL,
}


def tokenize_span(text: str, start: int, end: int) -> list[Token]:
    return [
        Token(m.group(), m.start(), m.end(), _KINDS[m.lastgroup])
        for m in _TOKEN.finditer(text, start, end)
    ]


class Tokenize:
    """Stage: fill ``message.tokens`` from its text and protected pieces."""

    def __call__(self, message: Message) -> Message:
        tokens: list[Token] = []
        cursor = 0
        for piece in message.protected:
            tokens += tokenize_span(message.text, cursor, piece.start)
            if piece.text.strip():
                tokens.append(Token(piece.text, piece.start, piece.end, TokenKind.PROTECTED))
            cursor = piece.end
        tokens += tokenize_span(message.text, cursor, len(message.text))
        message.tokens = tokens
        return message
