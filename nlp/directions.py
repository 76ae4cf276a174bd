"""Which translation model serves a direction: one pure function for every caller.

``models`` is ``MIXLINGO_TRANSLATION_MODELS``: direction (``es-en``, ``mul-en``, ``en-mul``, or a language
group, ``dra-en``, ``en-inc``) → hub id or local directory. A configured direction always comes first.

For English and twelve South Asian languages the published opus-mt models are known here, so a pair such
as ``en-ta`` needs no setting: a direct model where one is published (``opus-mt-ur-en``), then the
language family's group model (``opus-mt-dra-en`` for Dravidian, ``opus-mt-en-inc`` for Indic, told the
target by a ``>>tam<<``-style token), then ``opus-mt-mul-en`` / ``opus-mt-en-mul``. ``models pull``,
``models list``, ``translate --explain``, the translators and the factory all ask here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from mixlingo.nlp.labels import alpha3

MULTI = "mul"
"""The direction key's word for "any language": ``mul-en`` reads any source, ``en-mul`` writes any target."""
PIVOT = "en"
HUB = "Helsinki-NLP/opus-mt-"

GROUPS: dict[str, tuple[str, ...]] = {
    "dra": ("kn", "ml", "ta", "te"),
    "inc": ("bn", "gu", "hi", "mr", "pa", "sd", "si", "ur"),
}
"""mixlingo's languages in each published group model (``opus-mt-dra-en``, ``opus-mt-en-dra``, ``opus-mt-inc-en``,
``opus-mt-en-inc``); the models' cards list a few more (Assamese, Nepali, Oriya …) that are left to ``mul``."""

PUBLISHED_DIRECT = frozenset({
    "bn-en", "hi-en", "ml-en", "mr-en", "pa-en", "ur-en",
    "en-hi", "en-ml", "en-mr", "en-ur",
})
"""The single-pair opus-mt models published between English and those twelve languages."""

TARGET_IDS = {
    "bn": "ben", "gu": "guj", "hi": "hin", "kn": "kan", "ml": "mal", "mr": "mar",
    "pa": "pan_Guru", "sd": "snd_Arab", "si": "sin", "ta": "tam", "te": "tel", "ur": "urd",
}
"""Each language's ``>>id<<`` in the multi-target models (``en-dra``, ``en-inc``, ``en-mul``), as their cards list
the target languages: ISO 639-3, with the script where the card names one (Punjabi, Sindhi)."""

Kind = Literal["direct", "group", "multilingual"]


@dataclass(frozen=True)
class Route:
    """One model that can serve a direction, and how to ask it."""

    model: str
    """Hub id or local directory."""
    prefix: str
    """Put before each input: ``">>tam<< "`` for a multi-target model, else empty."""
    key: str
    """The direction key that names it (``ta-en``, ``dra-en``, ``en-mul``), in MIXLINGO_TRANSLATION_MODELS or not."""
    kind: Kind
    configured: bool
    """Named in MIXLINGO_TRANSLATION_MODELS, rather than known here as the published model."""

    def describe(self) -> str:
        """``Helsinki-NLP/opus-mt-en-dra >>tam<< (group model)``: for ``models list`` and ``--explain``."""
        token = f" {self.prefix.strip()}" if self.prefix else ""
        return f"{self.model}{token} ({self.kind} model)"


def target_ids(target: str) -> tuple[str, ...]:
    """The ``>>id<<`` codes that may name ``target`` in a multi-target model, the likeliest first:
    the published models' own id (``pan_Guru``), the code as given (``es``, as ``en-ROMANCE`` has it),
    its ISO 639-3 form (``spa``, as ``en-mul`` has it)."""
    return tuple(dict.fromkeys(code for code in (TARGET_IDS.get(target), target, alpha3(target)) if code))


def group_of(lang: str) -> str | None:
    return next((group for group, members in GROUPS.items() if lang in members), None)


def candidates(models: Mapping[str, str], source: str, target: str) -> list[Route]:
    """Every model that can serve ``source``→``target``, the preferred first.

    A configured direct model, then the published direct one; the group model (a configured group key
    replaces the published one); a configured multi-source (``mul-<target>``), then multi-target
    (``<source>-mul``) model; then for English and the twelve languages the published ``mul`` model.
    Keys match in any case; the codes are taken as given (normalised ones, as
    :func:`mixlingo.config.settings.parse_pair` makes)."""
    keyed = {key.lower(): value for key, value in models.items()}
    token = f">>{TARGET_IDS.get(target, target)}<< "
    known = PIVOT in (source, target) and {source, target} - {PIVOT} <= TARGET_IDS.keys()
    found: list[Route] = []

    def add(key: str, kind: Kind, prefix: str = "", *, published: bool = False) -> None:
        if key in keyed:
            found.append(Route(keyed[key], prefix, key, kind, configured=True))
        elif published:
            found.append(Route(HUB + key, prefix, key, kind, configured=False))

    add(f"{source}-{target}", "direct", published=f"{source}-{target}" in PUBLISHED_DIRECT)
    if known and (group := group_of(source if target == PIVOT else target)) is not None:
        if target == PIVOT:
            add(f"{group}-{PIVOT}", "group", published=True)
        else:
            add(f"{PIVOT}-{group}", "group", token, published=True)
    add(f"{MULTI}-{target}", "multilingual", published=known and target == PIVOT)
    add(f"{source}-{MULTI}", "multilingual", token, published=known and source == PIVOT)
    unique: dict[tuple[str, str], Route] = {}
    for route in found:
        unique.setdefault((route.model, route.prefix), route)
    return list(unique.values())


def model_for(
    models: Mapping[str, str], source: str, target: str, usable: Callable[[str], bool] | None = None
) -> Route | None:
    """The model for ``source``→``target``, or None when nothing serves it.

    ``usable`` (a model id → can it load now, e.g. is it downloaded) lets a later candidate stand in for
    a preferred one that cannot; when none can, the preferred one is named (its error says how to get it)."""
    routes = candidates(models, source, target)
    if usable is not None:
        for route in routes:
            if usable(route.model):
                return route
    return routes[0] if routes else None


def hops(
    models: Mapping[str, str], source: str, target: str, usable: Callable[[str], bool] | None = None
) -> list[Route] | None:
    """The models a translation goes through: one, or two through English when no model serves the pair
    (as :class:`mixlingo.nlp.translate.Translate` routes it); None when neither way works."""
    direct = model_for(models, source, target, usable)
    if direct is not None:
        return [direct]
    if PIVOT in (source, target):
        return None
    first, second = model_for(models, source, PIVOT, usable), model_for(models, PIVOT, target, usable)
    return [first, second] if first is not None and second is not None else None


def models_into(models: Mapping[str, str], target: str, sources: Iterable[str] = ()) -> list[str]:
    """Every model that can translate into ``target``: the configured ones (``*-target``, ``*-mul``), then
    those that serve each of ``sources`` (known here or configured), in order of preference."""
    found = [model for key, model in models.items() if key.lower().endswith((f"-{target}", f"-{MULTI}"))]
    for source in sources:
        if source != target:
            found += [route.model for route in candidates(models, source, target)]
    return list(dict.fromkeys(found))


def key_languages(key: str) -> list[str]:
    """The languages a direction key names: ``en-dra`` → ``[en]`` (groups and ``mul`` name none)."""
    return [part for part in key.lower().split("-") if part != MULTI and part not in GROUPS]
