"""Flag reactions → target languages, from the configurable table (MIXLINGO_FLAG_LANGUAGES)."""

from __future__ import annotations

from collections.abc import Mapping


class FlagTable:
    def __init__(self, table: Mapping[str, str]):
        self.table = dict(table)

    def language(self, reaction: str) -> str | None:
        """``es``, ``flag-mx``, ``:us:`` → a language code; None for reactions that are not flags we know."""
        name = reaction.strip(":").lower().split("::", 1)[0]
        return self.table.get(name.removeprefix("flag-"))
