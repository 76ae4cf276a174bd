"""The composition root: settings in, ready pipelines out. The only place that picks adapters."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from mixlingo import backends
from mixlingo.backends import runtime_kwargs
from mixlingo.config import Settings
from mixlingo.config.settings import parse_pair
from mixlingo.errors import ModelUnavailableError
from mixlingo.nlp.lexicon_tagger import SUPPORTED_LANGUAGES, LexiconTagger, check_pair
from mixlingo.nlp.markup import ProtectMarkup
from mixlingo.nlp.pair import ChoosePair
from mixlingo.nlp.pipeline import Pipeline
from mixlingo.nlp.tagging import TagLanguages, Tagger
from mixlingo.nlp.tokenizer import Tokenize
from mixlingo.nlp.assemble import AssembleTranslation
from mixlingo.nlp.plan import PlanTranslation
from mixlingo.nlp.rerank import Rerank, RerankWeights
from mixlingo.nlp.translate import Translate
from mixlingo.nlp.translation import Encoder, Translator


@dataclass
class Built:
    pipeline: Pipeline
    notes: list[str] = field(default_factory=list)
    """Plain-words remarks for the user, e.g. why a fallback tagger runs."""


def load_mbert(settings: Settings) -> Tagger:
    from mixlingo.adapters.mbert_tagger import MBertTagger  # torch is slow to import; only when asked

    return MBertTagger(
        settings.mbert_model,
        label_map=settings.mbert_label_map,
        cache_dir=settings.model_cache_dir,
        offline=settings.offline,
        batch_size=settings.batch_size,
        **runtime_kwargs(settings),
    )


def embedded_model_dir() -> Path:
    """The es/en tagger shipped inside the package."""
    return Path(str(files("mixlingo") / "data" / "taggers" / "spaeng"))


def load_embedded(model_dir: Path | None = None) -> Tagger:
    from mixlingo.adapters.embedded_tagger import EmbeddedTagger  # torch: only when asked

    return EmbeddedTagger(model_dir or embedded_model_dir())


def build_taggers(settings: Settings, notes: list[str]) -> list[Tagger]:
    """Taggers in order of preference for the configured choice.

    ``auto``: mBERT when its weights load, then the embedded es/en model, then
    the lexicon tagger for every other pair; each message goes to the first
    that covers its pair, and the note says why one was skipped.
    """
    if settings.tagger == "lexicon":
        return [LexiconTagger()]
    if settings.tagger == "mbert":
        return [load_mbert(settings)]
    if settings.tagger == "embedded":
        return [load_embedded()]
    taggers: list[Tagger] = []
    try:
        taggers.append(load_mbert(settings))
    except ModelUnavailableError as error:
        notes.append(f"mBERT tagger unavailable, using the embedded es/en tagger (lexicon for other pairs): {error}")
    return [*taggers, load_embedded(), LexiconTagger()]


def build_tag_pipeline(settings: Settings, pair: str | None = None) -> Built:
    """protect markup → tokenize → choose pair → tag. ``pair`` overrides the config ("auto": detect)."""
    notes: list[str] = []
    if pair == "auto":
        chooser = ChoosePair([], languages=sorted(SUPPORTED_LANGUAGES))
    else:
        pairs = [parse_pair(pair)] if pair else settings.language_pairs
        chooser = ChoosePair(pairs)
    taggers = build_taggers(settings, notes)
    if taggers[-1].languages() is None:  # the lexicon tagger is last: check its pairs up front
        for fixed in chooser.pairs:
            check_pair(fixed)
    notes += [note for tagger in taggers for note in getattr(tagger, "notes", [])]  # e.g. a runtime that fell back
    stages = [ProtectMarkup(), Tokenize(), chooser, TagLanguages(*taggers)]
    return Built(Pipeline(stages), notes)


def load_translator(settings: Settings, notes: list[str] | None = None) -> Translator:
    """The configured backend (see :mod:`mixlingo.backends`): CTranslate2 by default, transformers as fallback."""
    return backends.load_translator(settings, notes if notes is not None else [])


def load_encoder(settings: Settings, taggers: list[Tagger]) -> Encoder:
    if settings.reranker_share_tagger:
        for tagger in taggers:
            if hasattr(tagger, "encoder"):
                return tagger.encoder()
    from mixlingo.adapters.bert_encoder import BertEncoder

    return BertEncoder.load(
        settings.reranker_model, cache_dir=settings.model_cache_dir, offline=settings.offline,
        layers=settings.rerank_layers or None, **runtime_kwargs(settings),
    )


def rerank_weights(settings: Settings) -> RerankWeights:
    return RerankWeights(
        model=settings.rerank_model_weight,
        similarity=settings.rerank_similarity_weight,
        copy_penalty=settings.rerank_copy_penalty,
        placeholder_penalty=settings.rerank_placeholder_penalty,
        length_penalty=settings.rerank_length_penalty,
        skip_margin=settings.rerank_skip_margin,
    )


def build_translate_pipeline(
    settings: Settings,
    *,
    pair: str | None = None,
    strategy: str | None = None,
    translator: Translator | None = None,
    encoder: Encoder | None = None,
) -> Built:
    """protect → tokenize → pair → tag → plan → translate n-best → rerank → assemble."""
    built = build_tag_pipeline(settings, pair=pair)
    taggers = built.pipeline.stages[-1].taggers
    stages = list(built.pipeline.stages)
    translator = translator or load_translator(settings, built.notes)
    if settings.rerank:
        try:
            encoder = encoder or load_encoder(settings, list(taggers))
            built.notes += getattr(encoder, "notes", [])
        except ModelUnavailableError as error:
            built.notes.append(f"reranker off, the model's own best candidate is used: {error}")
            encoder = None
    translator, encoder, batched = backends.micro_batched(settings, translator, encoder if settings.rerank else None, list(taggers))
    stages[-1] = TagLanguages(*batched)
    stages += [
        PlanTranslation(strategy or settings.strategy, settings.spans_threshold, settings.max_unit_chars),
        Translate(translator, settings.n_best),
    ]
    if encoder is not None:
        stages.append(Rerank(encoder, rerank_weights(settings)))
    stages.append(AssembleTranslation())
    return Built(Pipeline(stages), built.notes)
