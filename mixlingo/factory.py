"""The composition root: settings in, ready pipelines out. The only place that picks adapters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from mixlingo import backends
from mixlingo.backends import runtime_kwargs
from mixlingo.config import Settings
from mixlingo.config.settings import parse_pair
from mixlingo.adapters.hub import is_cached, looks_like_path, not_downloaded
from mixlingo.core.errors import InputError, ModelNotDownloadedError, ModelUnavailableError
from mixlingo.core.notes import Note, as_notes
from mixlingo.transliteration import available_languages, load_transliterator
from mixlingo.nlp.lexicon_tagger import LexiconTagger, check_pair, supported_languages
from mixlingo.nlp.markup import ProtectMarkup
from mixlingo.nlp.pair import ChoosePair, WordEvidence
from mixlingo.nlp.pipeline import Pipeline, Stage
from mixlingo.nlp.tagging import ExplainsWords, TagLanguages, Tagger
from mixlingo.nlp.tokenizer import Tokenize
from mixlingo.nlp.assemble import AssembleTranslation
from mixlingo.nlp.directions import models_into
from mixlingo.nlp.plan import PlanTranslation, StrategyChoice
from mixlingo.nlp.script import ReadNativeScript, WriteScript
from mixlingo.nlp.rerank import Rerank, RerankWeights
from mixlingo.nlp.translate import Translate
from mixlingo.nlp.translation import Encoder, SharesEncoder, Translator

if TYPE_CHECKING:  # the bot (slack-bolt) loads only for the commands that serve it
    from mixlingo.bot.service import TranslationService


@dataclass
class Built:
    pipeline: Pipeline
    notes: list[Note] = field(default_factory=list)
    """Short plain-words remarks for the user (one line each), e.g. why a fallback tagger runs, each with the
    longer story behind it (cache paths, loader messages) that ``--verbose`` shows: :func:`mixlingo.core.notes.print_notes`."""


def _skipped(error: ModelUnavailableError) -> str:
    return f"{error} ({error.detail})" if error.detail else str(error)


def _require_dir(model_id: str, setting: str) -> None:
    """A model setting that names a local directory must point at one; the error names the setting."""
    if looks_like_path(model_id) and not Path(model_id).expanduser().is_dir():
        raise ModelUnavailableError(f"{setting}={model_id!r}: no such model directory; fix the path or unset it")


def _require_cached(model_id: str, settings: Settings, setting: str) -> None:
    """Fail in milliseconds, before torch is imported, when a model is missing and may not be downloaded."""
    _require_dir(model_id, setting)
    if not looks_like_path(model_id) and settings.models.hub_offline and not is_cached(model_id, settings.models.cache_dir):
        raise not_downloaded(model_id, settings.models.cache_dir)


def check_translation_models(settings: Settings) -> None:
    """Each local directory in MIXLINGO_TRANSLATION_MODELS exists (a hub id is checked when first used)."""
    for direction, model_id in settings.models.translation.items():
        _require_dir(model_id, f"MIXLINGO_TRANSLATION_MODELS[{direction}]")


def missing_translation_models(settings: Settings, target: str) -> list[str]:
    """The hub models that could translate into ``target`` when none of them is usable now; [] otherwise.

    A local directory that does not exist is an error naming its setting first."""
    check_translation_models(settings)
    sources = [lang for pair in settings.language_pairs for lang in pair]
    into = models_into(settings.models.translation, target, sources)
    if not into or not settings.models.hub_offline or any(is_cached(m, settings.models.cache_dir) for m in into):
        return []
    return into


def load_mbert(settings: Settings, pairs: list[tuple[str, str]] | None = None) -> Tagger:
    """The mBERT tagger; it refuses (one line) a model whose labels cover none of ``pairs``."""
    _require_cached(settings.models.mbert, settings, "MIXLINGO_MBERT_MODEL")
    from mixlingo.adapters.mbert_tagger import MBertTagger  # torch is slow to import; only when asked

    return MBertTagger(
        settings.models.mbert,
        label_map=settings.models.mbert_label_map,
        cache_dir=settings.models.cache_dir,
        offline=settings.models.hub_offline,
        batch_size=settings.batch_size,
        pairs=settings.language_pairs if pairs is None else pairs,
        **runtime_kwargs(settings),
    )


DEFAULT_EMBEDDED = "spaeng"
"""The shipped embedded tagger used when no pair is given (es/en); every folder of ``mixlingo/data/taggers`` is one."""


def _taggers_dir() -> Path:
    return Path(str(files("mixlingo") / "data" / "taggers"))


def shipped_embedded() -> dict[Path, tuple[str, ...]]:
    """Each shipped embedded model's directory and its languages, read from its config.json (nothing loaded), es/en first."""
    import json

    found: dict[Path, tuple[str, ...]] = {}
    folders = sorted(_taggers_dir().iterdir(), key=lambda d: (d.name != DEFAULT_EMBEDDED, d.name)) if _taggers_dir().is_dir() else []
    for directory in folders:
        try:
            found[directory] = tuple(json.loads((directory / "config.json").read_text(encoding="utf-8"))["langs"])
        except (OSError, ValueError, KeyError):
            continue  # not a model (or not shipped in this build)
    return found


def recipe_file(lang: str) -> Path:
    """The shipped training recipe of the en/``lang`` tagger (``mixlingo/data/languages/<lang>.json``)."""
    path = Path(str(files("mixlingo") / "data" / "languages" / f"{lang}.json"))
    if not path.is_file():
        shipped = sorted(p.stem for p in path.parent.glob("*.json"))
        raise InputError(f"no training recipe for {lang!r} (shipped: {', '.join(shipped) or 'none'}); pass --recipe FILE")
    return path


def embedded_model_dir(pair: tuple[str, str] | None = None) -> Path:
    """The shipped embedded model for ``pair`` (the es/en one when no shipped model covers it, or no pair is given)."""
    models = shipped_embedded()
    for directory, langs in models.items():
        if pair is not None and set(pair) <= set(langs):
            return directory
    return _taggers_dir() / DEFAULT_EMBEDDED


def load_embedded(model_dir: Path | None = None) -> Tagger:
    from mixlingo.adapters.embedded.tagger import EmbeddedTagger  # torch: only when asked

    return EmbeddedTagger(model_dir or embedded_model_dir())


def load_embedded_for(pairs: list[tuple[str, str]] | None) -> list[Tagger]:
    """Every shipped embedded model that covers one of ``pairs`` (all of them when the pair is detected per message)."""
    models = shipped_embedded()
    wanted = [d for d, langs in models.items() if not pairs or any(set(p) <= set(langs) for p in pairs)]
    return [load_embedded(directory) for directory in wanted]


def _embedded_names(taggers: list[Tagger]) -> str:
    """``the embedded hi/en tagger`` (or ``es/en and hi/en taggers``, or ``the lexicon tagger``) for the fallback note."""
    names = ["/".join(sorted(t.languages() or (), key=lambda lang: lang == "en")) for t in taggers]
    if not names:
        return "the lexicon tagger"
    return f"the embedded {' and '.join(names)} tagger{'s' if len(names) > 1 else ''}"


def build_taggers(settings: Settings, notes: list[Note], pairs: list[tuple[str, str]] | None = None) -> list[Tagger]:
    """Taggers in order of preference for the configured choice.

    ``auto``: mBERT when it is in the cache (or may be downloaded), then each shipped
    embedded model that covers a configured pair (es/en, hi/en), then the lexicon tagger
    for every other pair; each message goes to the first that covers its pair, and one
    short note says why mBERT was skipped and which tagger runs instead.
    """
    if settings.tagger == "lexicon":
        return [LexiconTagger()]
    if settings.tagger == "mbert":
        return [load_mbert(settings, pairs)]
    wanted = pairs if pairs is not None else settings.language_pairs
    if settings.tagger == "embedded":
        return load_embedded_for(wanted) or [load_embedded()]
    taggers: list[Tagger] = []
    if settings.models.hub_offline and not is_cached(settings.models.mbert, settings.models.cache_dir):
        embedded = load_embedded_for(wanted)
        notes.append(Note(f"mBERT tagger not downloaded, using {_embedded_names(embedded)}; `mixlingo models pull` gets it",
                          f"mBERT tagger: {_skipped(not_downloaded(settings.models.mbert, settings.models.cache_dir))}"))
    else:
        try:
            taggers.append(load_mbert(settings, pairs))
        except ModelUnavailableError as error:
            embedded = load_embedded_for(wanted)
            notes.append(Note(f"mBERT tagger could not load, using {_embedded_names(embedded)}; see `--verbose`",
                              f"mBERT tagger: {_skipped(error)}"))
        else:
            embedded = load_embedded_for(wanted)
    return [*taggers, *embedded, LexiconTagger()]


def pair_evidence(taggers: list[Tagger], pairs: list[tuple[str, str]]) -> dict[tuple[str, str], WordEvidence]:
    """For each pair, how well the first tagger that covers it and can say so explains a message's words."""
    evidence: dict[tuple[str, str], WordEvidence] = {}
    for pair in pairs:
        for tagger in taggers:
            if isinstance(tagger, ExplainsWords) and set(pair) <= set(tagger.languages() or ()):
                evidence[pair] = partial(_explained_share, tagger)
                break
    return evidence


def _explained_share(tagger: ExplainsWords, words: Sequence[str]) -> float:
    return tagger.evidence([words])[0]


def build_tag_pipeline(settings: Settings, pair: str | None = None) -> Built:
    """protect markup → tokenize → choose pair → tag. ``pair`` overrides the config ("auto": detect)."""
    notes: list[Note] = []
    stages, taggers = _tag_stages(settings, notes, pair)
    return Built(Pipeline([*stages, ("tag", TagLanguages(*taggers))], notes=notes), notes)


def _tag_stages(settings: Settings, notes: list[Note], pair: str | None) -> tuple[list[tuple[str, Stage]], list[Tagger]]:
    """The stages before tagging (protect markup → tokenize → choose pair) and the taggers the tag stage runs,
    so that each pipeline wraps its taggers as it needs and is built once."""
    pairs = [] if pair == "auto" else [parse_pair(pair)] if pair else settings.language_pairs
    taggers = build_taggers(settings, notes, pairs)
    chooser = ChoosePair(pairs, languages=sorted(supported_languages()) if pair == "auto" else (),
                         evidence=pair_evidence(taggers, pairs))
    if taggers[-1].languages() is None:  # the lexicon tagger is last: check up front the pairs only it would tag
        for fixed in chooser.pairs:
            if not any(set(fixed) <= set(t.languages() or ()) for t in taggers[:-1]):
                check_pair(fixed)
    notes += as_notes(note for tagger in taggers for note in tagger.notes)  # e.g. a runtime that fell back
    return [("markup", ProtectMarkup()), ("tokenize", Tokenize()), ("pair", chooser)], taggers


def load_translator(settings: Settings, notes: list[Note] | None = None) -> Translator:
    """The configured backend (see :mod:`mixlingo.backends`): CTranslate2 by default, transformers as fallback."""
    return backends.load_translator(settings, notes if notes is not None else [])


def load_encoder(settings: Settings, taggers: list[Tagger]) -> Encoder:
    """The reranker's encoder: the tagger's own model when asked to share, or when the reranker *is* the
    tagger's model (one copy in memory, cut at ``rerank_layers``: the same vectors as a second copy)."""
    for tagger in taggers:
        if isinstance(tagger, SharesEncoder) and settings.reranker.share_tagger:
            return tagger.encoder(settings.reranker.layers or None)
        if getattr(tagger, "model_id", None) == settings.reranker.model and hasattr(tagger, "layer_encoder"):
            if (shared := tagger.layer_encoder(settings.reranker.layers)) is not None:
                return shared
    _require_cached(settings.reranker.model, settings, "MIXLINGO_RERANKER_MODEL")
    from mixlingo.adapters.bert_encoder import BertEncoder

    return BertEncoder.load(
        settings.reranker.model, cache_dir=settings.models.cache_dir, offline=settings.models.hub_offline,
        layers=settings.reranker.layers or None, **runtime_kwargs(settings),
    )


def rerank_weights(settings: Settings) -> RerankWeights:
    """The reranker's weights, from its group of settings."""
    group = settings.reranker
    return RerankWeights(model=group.model_weight, similarity=group.similarity_weight, copy_penalty=group.copy_penalty,
                         placeholder_penalty=group.placeholder_penalty, length_penalty=group.length_penalty,
                         skip_margin=group.skip_margin)


def romanized_languages(settings: Settings, pair: str | None = None) -> tuple[str, ...]:
    """The languages of the pairs (``pair`` overrides; "auto": every one) that ship a transliterator: their
    romanized words are read in their own script, and readers may ask for them in Latin letters (``hi-Latn``)."""
    pairs = [parse_pair(pair)] if pair and pair != "auto" else settings.language_pairs
    wanted = {lang for p in pairs for lang in p} | {settings.target_language}
    return tuple(lang for lang in available_languages() if pair == "auto" or lang in wanted)


def build_translate_pipeline(
    settings: Settings,
    *,
    pair: str | None = None,
    strategy: StrategyChoice | None = None,
    translator: Translator | None = None,
    encoder: Encoder | None = None,
) -> Built:
    """protect → tokenize → pair → tag → plan → [native script] → translate n-best → rerank → assemble → [script].

    The two script stages run where a language of the pairs ships a transliterator (any language
    :func:`mixlingo.transliteration.available_languages` names)."""
    if translator is None:
        check_translation_models(settings)
    notes: list[Note] = []
    stages, taggers = _tag_stages(settings, notes, pair)
    translator = translator or load_translator(settings, notes)
    if settings.reranker.enabled:
        try:
            encoder = encoder or load_encoder(settings, taggers)
            notes += as_notes(encoder.notes)
        except ModelUnavailableError as error:
            notes.append(Note("reranker model not downloaded, so reranking is off; `mixlingo models pull` gets it"
                              if isinstance(error, ModelNotDownloadedError)
                              else "reranker could not load, so reranking is off; see `--verbose`",
                              f"reranker: {_skipped(error)}"))
            encoder = None
    translator, encoder, batched = backends.micro_batched(settings, translator, encoder if settings.reranker.enabled else None, taggers)
    transliterators = {lang: load_transliterator(lang) for lang in romanized_languages(settings, pair)}
    stages += [
        ("tag", TagLanguages(*batched)),
        ("plan", PlanTranslation(strategy or settings.strategy, settings.spans_threshold, settings.max_unit_chars)),
    ]
    if transliterators:
        stages.append(("transliterate", ReadNativeScript(transliterators)))
    stages.append(("translate", Translate(translator, settings.n_best)))
    if encoder is not None:
        stages.append(("rerank", Rerank(encoder, rerank_weights(settings))))
    stages.append(("assemble", AssembleTranslation()))
    if transliterators:
        stages.append(("script", WriteScript(transliterators, settings.output_script)))
    return Built(Pipeline(stages, notes=notes), notes)


def translation_service(
    settings: Settings,
    *,
    translator: Translator | None = None,
    encoder: Encoder | None = None,
    languages: tuple[str, ...] | None = None,
) -> TranslationService:
    """The bot's service with what it runs passed in: the translate pipeline (built on first use,
    with fakes for ``translator``/``encoder`` when given) and the translation cache."""
    from mixlingo.bot.service import TranslationService

    def build() -> Pipeline:
        return build_translate_pipeline(settings, translator=translator, encoder=encoder).pipeline

    return TranslationService(settings, build=build, cache=backends.translation_cache(settings), languages=languages,
                              romanized=romanized_languages(settings))
