"""Language codes ↔ names people read, for messages, menus and the playground."""

from __future__ import annotations

NAMES = {
    "ar": "Arabic", "ca": "Catalan", "de": "German", "el": "Greek", "en": "English", "es": "Spanish",
    "fr": "French", "hi": "Hindi", "it": "Italian", "ja": "Japanese", "ko": "Korean", "nl": "Dutch",
    "pl": "Polish", "pt": "Portuguese", "ru": "Russian", "sv": "Swedish", "tl": "Tagalog", "tr": "Turkish",
    "uk": "Ukrainian", "zh": "Chinese", "hi-Latn": "Hindi in Latin letters",
}


def name(code: str) -> str:
    return NAMES.get(code, code)


def label(code: str) -> str:
    """``Spanish (es)``."""
    return f"{name(code)} ({code})" if code in NAMES else code


def listing(codes: list[str] | tuple[str, ...]) -> str:
    """``Spanish (es), English (en)`` — for errors that list what is supported."""
    return ", ".join(label(c) for c in codes)
