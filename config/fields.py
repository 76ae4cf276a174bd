"""How a setting is declared: the marker that says whether it changes a translation, and the forms people type.

Shared by the top-level settings and their groups (:mod:`.groups`), which declare their fields the same way.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import JsonValue

from mixlingo.core.errors import InputError
from mixlingo.nlp.labels import normalize_language

ENV_PREFIX = "MIXLINGO_"

AFFECTS_OUTPUT = "affects_output"
"""Each setting's field says whether it changes what a translation says: ``json_schema_extra=affects_output()``
for those that do (they make up the translation cache key), ``json_schema_extra=RUNTIME`` for those that do
not (speed, where things live, Slack, scale-out). A field with neither fails the tests."""
RUNTIME: dict[str, JsonValue] = {AFFECTS_OUTPUT: False}


def affects_output() -> dict[str, JsonValue]:
    """The marker for a setting that changes the translation."""
    return {AFFECTS_OUTPUT: True}


# The format of each key=value setting, shown in its own error message.
MAPPING_EXAMPLES = {
    "mbert_label_map": "lang1=en,lang2=es",
    "translation_models": "es-en=Helsinki-NLP/opus-mt-es-en,en-es=Helsinki-NLP/opus-mt-en-es",
    "flag_languages": "mx=es,br=pt",
}


def parse_mapping(value: Any, setting: str) -> Any:
    """``key=value,key=value`` or JSON, as typed in a variable, into a dict; anything but a string passes as it is."""
    if not isinstance(value, str):
        return value
    example = MAPPING_EXAMPLES.get(setting, "key=value,key=value")
    if value.strip().startswith("{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError as error:
            raise ValueError(f"not valid JSON ({error.msg}); or write key=value pairs like {example}") from error
    entries = [e.split("=", 1) for e in value.split(",") if e.strip()]
    if not all(len(e) == 2 for e in entries):
        raise ValueError(f"write key=value pairs separated by commas, like {example}")
    return {k.strip(): v.strip() for k, v in entries}


def parse_pair(value: str) -> tuple[str, str]:
    """``"en-es"`` → ``("en", "es")``; a clear error for anything else."""
    parts = [normalize_language(part) for part in value.strip().replace("_", "-").split("-")]
    if len(parts) != 2 or not all(len(p) in (2, 3) and p.isalpha() for p in parts):
        raise InputError(f"{value!r} is not a language pair; write two ISO 639-1 codes like en-es")
    if parts[0] == parts[1]:
        raise InputError(f"{value!r} names the same language twice")
    return parts[0], parts[1]
