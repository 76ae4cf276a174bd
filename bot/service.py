"""The translation service: owns the pipeline and runs it off the event loop.

Model inference blocks, so runs go to worker threads (``pipeline_workers``); the
event loop keeps acking Slack while a model works, and concurrent messages share
model calls through the pipeline's micro-batching. A translation cache answers a
repeat (a second flag reaction on the same message) without touching a model. The pipeline is built once and serves
every target language (the target travels on the message). Stages work on the
message in place, so that when a model is missing the caller still gets the tags
and the plan, plus the plain-words reason, instead of an exception.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from mixlingo.bot import metrics
from mixlingo.config import Settings
from mixlingo.core.errors import InputError, MixlingoError, ModelUnavailableError
from mixlingo.nlp.cache import TranslationCache
from mixlingo.nlp.directions import key_languages
from mixlingo.nlp.labels import is_language, normalize_language
from mixlingo.nlp.model import Message
from mixlingo.nlp.pipeline import Pipeline
from mixlingo.nlp.summary import summarize
from mixlingo.nlp.script import latin_form
from mixlingo.nlp.translation import Unit

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What one run produced: the tagged message, its plan, and the text or the reason there is none."""

    text: str
    target: str
    message: Message | None = None
    error: str | None = None
    models_missing: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def strategy(self) -> str | None:
        t = self.message.translation if self.message else None
        return t.strategy if t else None

    @property
    def reason(self) -> str | None:
        t = self.message.translation if self.message else None
        return t.reason if t else None

    @property
    def translated(self) -> str | None:
        t = self.message.translation if self.message else None
        return t.text if t and self.error is None else None

    @property
    def units(self) -> list[Unit]:
        t = self.message.translation if self.message else None
        return list(t.units) if t else []

    @property
    def has_translation(self) -> bool:
        """True when there is something to post: no error and a strategy other than "none"."""
        return self.error is None and self.strategy not in (None, "none") and bool(self.translated)

    @property
    def source_languages(self) -> tuple[str, ...]:
        """The languages that were translated from (the plan's units), else the message's languages."""
        t = self.message.translation if self.message else None
        if t and t.units:
            return tuple(dict.fromkeys(u.lang for u in t.units))
        if self.message is None:
            return ()
        return tuple(x for x in summarize(self.message).languages if x != self.target)


class TranslationService:
    """Async façade over the translate pipeline.

    What it runs is passed in, as bolt takes its ``client`` and ``installation_store``:
    ``build`` makes the pipeline (called once, off the event loop, on first use: loading
    models is slow) and ``cache`` keeps finished translations. The composition root
    (``mixlingo.factory.translation_service``) wires the real ones; tests pass fakes.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        build: Callable[[], Pipeline],
        cache: TranslationCache,
        languages: tuple[str, ...] | None = None,
        romanized: tuple[str, ...] = (),
    ):
        """``romanized``: languages a reader may also ask for in Latin letters (``hi`` offers ``hi-Latn``)."""
        self.settings = settings
        self.romanized = romanized
        self._build_pipeline = build
        self._languages = languages
        self._executor = ThreadPoolExecutor(max_workers=settings.pipeline_workers, thread_name_prefix="mixlingo-model")
        self.cache = cache
        self._built: Pipeline | None = None
        self._lock = asyncio.Lock()
        self.notes: list[str] = []

    # --- lifecycle --------------------------------------------------------------

    async def start(self) -> list[str]:
        """Build the pipeline (loads the tagger; may take a while). Returns plain-words notes."""
        await self._pipeline()
        return self.notes

    async def check_models(self) -> str | None:
        """None when translation works; otherwise the plain-words reason (for startup checks)."""
        sample = {"en": "hola amigo", "es": "hello friend"}
        for target in self.languages():
            outcome = await self.translate(sample.get(target, "hola hello"), target)
            if outcome.models_missing:
                return outcome.error
        return None

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    # --- queries ----------------------------------------------------------------

    def languages(self) -> tuple[str, ...]:
        """Target languages people may ask for: the configured pairs and translation-model directions."""
        if self._languages is not None:
            return self._languages
        found: list[str] = [lang for pair in self.settings.language_pairs for lang in pair]
        for direction in self.settings.models.translation:
            found += key_languages(direction)  # not "mul", nor a language group ("dra" in en-dra)
        found += [latin_form(lang) for lang in found if lang in self.romanized]
        return tuple(dict.fromkeys(found))

    async def translate(self, text: str, target: str) -> Outcome:
        target = normalize_language(target)  # a stored or typed "ES" is es
        pipeline = await self._pipeline()
        cached = self.cache.get(text, target, self.settings.strategy)
        if cached is not None:
            assert cached.translation is not None  # the cache keeps translated messages only
            return Outcome(text=text, target=target, message=cached, notes=list(cached.translation.notes))
        outcome = await self._in_thread(lambda: self._run(pipeline, text, target))
        if outcome.error is None and outcome.message is not None:
            self.cache.put(text, target, self.settings.strategy, outcome.message)
        return outcome

    async def tag(self, text: str) -> Outcome:
        """Tags only (the translate pipeline's stages before planning need no target)."""
        pipeline = await self._pipeline()
        return await self._in_thread(lambda: self._run(pipeline.until("plan"), text, None))

    # --- internals --------------------------------------------------------------

    async def _pipeline(self) -> Pipeline:
        async with self._lock:
            if self._built is None:
                self._built = await self._in_thread(self._build)
                self.notes = list(self._built.notes)
            return self._built

    def _build(self) -> Pipeline:
        pipeline = self._build_pipeline()
        pipeline.hooks.append(lambda _name, stage, seconds: metrics.observe_stage(type(stage).__name__, seconds))
        return pipeline

    async def _in_thread(self, work: Callable):
        return await asyncio.get_running_loop().run_in_executor(self._executor, work)

    def _run(self, pipeline: Pipeline, text: str, target: str | None) -> Outcome:
        outcome = Outcome(text=text, target=target or "")
        try:
            message = pipeline.make_message(text, target=target, max_chars=self.settings.max_message_chars)
        except InputError as error:
            outcome.error = str(error)
            return outcome
        outcome.message = message  # stages work in place: a failing stage leaves the tags and plan made so far
        try:
            pipeline(message)
        except ModelUnavailableError as error:
            outcome.error = sentence(f"the translation models are not available on this server: {error}")
            outcome.models_missing = True
        except MixlingoError as error:
            outcome.error = str(error)
        except Exception as error:  # a model crashing must not take the bot down; say so plainly
            log.exception("translation failed")
            outcome.error = f"The translation failed unexpectedly ({type(error).__name__}: {error}). The server log has details."
        if outcome.message.translation is not None:
            outcome.notes = list(outcome.message.translation.notes)
        return outcome


def sentence(text: str) -> str:
    """``text`` ending as a sentence does: with its own ``.``, ``!`` or ``?``, else a full stop added."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def words_by_language(message: Message) -> list[tuple[str, str]]:
    """(language, text) for each same-language run, for "show tags" and the playground."""
    return [(span.label or "?", span.text(message)) for span in message.spans_by_lang() if is_language(span.label)]
