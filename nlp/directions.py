"""Which configured translation model serves a direction: one pure function for every caller.

``models`` is ``MIXLINGO_TRANSLATION_MODELS``: direction (``es-en``, ``mul-en``, ``en-mul``) → hub id or
local directory. ``models pull``, the translators (transformers and CTranslate2) and the factory ask here.
"""

from __future__ import annotations

from collections.abc import Mapping

MULTI = "mul"
"""The direction key's word for "any language": ``mul-en`` reads any source, ``en-mul`` writes any target."""


def model_for(models: Mapping[str, str], source: str, target: str) -> tuple[str, str] | None:
    """(model id, input prefix) for ``source``→``target``, or None when no configured model serves it.

    A direct model first, then a multi-source one (``mul-<target>``), then a multi-target one
    (``<source>-mul``), which is told the target by a ``>>target<< `` prefix. Keys match in any case; the codes are
    taken as given (normalised ones, as :func:`mixlingo.config.settings.parse_pair` makes)."""
    keyed = {key.lower(): value for key, value in models.items()}
    if f"{source}-{target}" in keyed:
        return keyed[f"{source}-{target}"], ""
    if f"{MULTI}-{target}" in keyed:
        return keyed[f"{MULTI}-{target}"], ""
    if f"{source}-{MULTI}" in keyed:
        return keyed[f"{source}-{MULTI}"], f">>{target}<< "
    return None


def models_into(models: Mapping[str, str], target: str) -> list[str]:
    """Every configured model that can translate into ``target`` from some language (``*-target``, ``*-mul``)."""
    return [model for key, model in models.items() if key.lower().endswith((f"-{target}", f"-{MULTI}"))]
