"""Which translation model serves each direction a workspace needs, as ``models pull``, ``models list`` and
``translate --explain`` show it. The choice itself is :mod:`mixlingo.nlp.directions`'s; this module adds
what the settings say: the configured pairs, the cache, whether downloads are allowed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mixlingo.adapters.hub import is_cached, looks_like_path
from mixlingo.config import Settings
from mixlingo.nlp.directions import Route, hops


def usable(settings: Settings) -> Callable[[str], bool]:
    """Can a model load now, as the translators judge it: downloaded, an existing directory, or downloads allowed."""
    return lambda model: is_cached(model, settings.models.cache_dir) or not (settings.models.hub_offline or looks_like_path(model))


def needed_directions(settings: Settings, pairs: Iterable[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """Both ways within each pair (the configured ones by default), then each of their languages into the default
    target language."""
    pairs = list(settings.language_pairs if pairs is None else pairs)
    wanted = [(a, b) for pair in pairs for a, b in (pair, pair[::-1])]
    wanted += [(lang, settings.target_language) for pair in pairs for lang in pair if lang != settings.target_language]
    return list(dict.fromkeys(wanted))


@dataclass(frozen=True)
class DirectionPlan:
    source: str
    target: str
    preferred: list[Route] | None
    """The models the direction goes through once everything is pulled (two: through English); None: none serves it."""
    now: list[Route] | None
    """The ones that serve it with what is downloaded now (a stand-in where a preferred one is missing)."""

    @property
    def direction(self) -> str:
        return f"{self.source}→{self.target}"

    def models(self) -> str:
        return describe_hops(self.preferred) if self.preferred else "none: add one to MIXLINGO_TRANSLATION_MODELS"


def plan_direction(settings: Settings, source: str, target: str) -> DirectionPlan:
    models = settings.models.translation
    return DirectionPlan(source, target, hops(models, source, target), hops(models, source, target, usable(settings)))


def describe_hops(routes: list[Route]) -> str:
    """One model, or ``A, then B`` through English."""
    if len(routes) == 1:
        return routes[0].describe()
    return f"through en: {routes[0].describe()}, then {routes[1].describe()}"


def status(settings: Settings, plan: DirectionPlan) -> str:
    """``downloaded`` / ``local`` / ``not downloaded`` (and what stands in until it is) for ``models list``."""
    if not plan.preferred:
        return ""
    missing = [r.model for r in plan.preferred if not is_cached(r.model, settings.models.cache_dir)]
    if not missing:
        return "local" if all(looks_like_path(r.model) for r in plan.preferred) else "downloaded"
    said = "not downloaded" if len(plan.preferred) == 1 else f"not downloaded: {', '.join(missing)}"
    if plan.now and plan.now != plan.preferred and all(is_cached(r.model, settings.models.cache_dir) for r in plan.now):
        said += f"; until then {describe_hops(plan.now)}"
    return said


def planned_models(settings: Settings, directions: Iterable[tuple[str, str]]) -> str:
    """``ta→en Helsinki-NLP/opus-mt-dra-en (group model) · …``: the models ``--explain`` says a message goes to."""
    lines = []
    for source, target in dict.fromkeys(directions):
        plan = plan_direction(settings, source, target)
        lines.append(f"{plan.direction} {describe_hops(plan.now) if plan.now else plan.models()}")
    return " · ".join(lines)
