"""``mixlingo bench``: the naive transformers pipeline against the optimised one, same messages, one run.

Each variant runs in its own child process (started one after the other), so
its peak RSS is its own and thread settings do not leak between them. Per
variant: build the pipeline, warm up, translate every message one at a time
(latency), then a burst of concurrent messages (throughput), then repeats
through the translation cache. The parent shows a progress bar and compares.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import platform
import queue as queue_module
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mixlingo.adapters.levers import Lever
from mixlingo.bench.measure import Figures, ModelClock, hooked, measure, percentile, preload_directions, rss_mib, watch_pipeline
from mixlingo.bench.references import targets
from mixlingo.core.errors import InputError
from mixlingo.nlp.batching import BatchingTranslator
from mixlingo.nlp.pipeline import Pipeline
from mixlingo.nlp.rerank import Rerank
from mixlingo.nlp.tagging import TagLanguages
from mixlingo.nlp.translate import Translate

# Chat-like messages of realistic lengths: mixed Spanish/English, Slack markup, several sentences some of the time.
MESSAGES = [
    "Oye, I'll send el reporte mañana, ok?",
    "¿Alguien sabe si la reunión de hoy sigue en pie? I have a conflict at 3.",
    "<@U024BE7LH> ya subí los cambios al branch, can you review when you get a chance?",
    "jajaja no manches, that demo was wild 😂",
    "Necesito que revisemos el presupuesto antes del viernes. "
    "The client wants numbers by Monday and we still don't have the final estimate from the vendor.",
    "ok dale",
    "El deploy falló otra vez :face_palm: parece que es el mismo error de timeout que vimos la semana pasada",
    "Can we move la llamada to tomorrow morning? Hoy estoy full con entrevistas.",
    "Les comparto el link del documento: <https://docs.example.com/d/123|propuesta final>. Porfa dejen sus comentarios antes del jueves.",
    "Buenísimo, gracias por la ayuda! You saved me hours.",
    "*Importante*: a partir del lunes todos los tickets urgentes van al canal de soporte, no por DM.",
    "No encuentro el archivo que mencionaste, ¿lo puedes volver a mandar? I think the link expired.",
    "Mañana no voy a estar, tengo cita con el doctor. Back on Thursday.",
    "La verdad el nuevo diseño se ve mucho mejor, but the font on mobile is too small.",
    "Qué onda equipo, ¿cómo van con el sprint? Recuerden actualizar el board antes de la retro.",
    "Perfecto, entonces quedamos así: tú haces el backend y yo me encargo del frontend. Let's sync again on Friday.",
    "alguien tiene acceso al dashboard de métricas?? me sale error 403",
    "Gracias a todos por venir al offsite 🎉 fue increíble conocerlos en persona",
    "Estoy revisando los logs y veo muchos reintentos en la cola de mensajes; creo que el worker se quedó sin memoria anoche.",
    "sí, ya lo vi",
    "El cliente pidió un descuento del 15% si firmamos el contrato anual. ¿Qué opinan? I'm leaning towards yes.",
    "Recordatorio: la encuesta de clima laboral cierra hoy a las 6pm, ¡no se olviden de llenarla!",
    "<!here> el servidor de staging va a estar caído de 2 a 4 por mantenimiento",
    "¿Me ayudas con una duda rápida sobre la API? No entiendo por qué el endpoint devuelve una lista vacía.",
]


@dataclass
class BenchOptions:
    messages: int = 20
    burst: int = 16
    new_tokens: int = 20
    target: str = "en"
    threads: int = 0
    marian_dir: Path | None = None
    bert_dir: Path | None = None
    label_map: dict[str, str] = field(default_factory=lambda: {"lang1": "en", "lang2": "es"})
    cache_dir: Path = Path.home() / ".cache" / "mixlingo" / "bench"
    baseline: bool = True
    """Run the one-at-a-time transformers baseline too (the slowest part; no target depends on it)."""
    levers_off: frozenset[Lever] = frozenset()
    """Adapter levers each run turns off (:mod:`mixlingo.adapters.levers`): what one lever is worth."""

    def check(self) -> None:
        if not 1 <= self.messages <= 10_000:
            raise InputError(f"--messages {self.messages}: give a number from 1 to 10000")
        if not 1 <= self.burst <= 256:
            raise InputError(f"--burst {self.burst}: give a number from 1 to 256")
        if not 0 <= self.new_tokens <= 512:
            raise InputError(f"--new-tokens {self.new_tokens}: give 0 (let the model stop) to 512")
        for flag, path in (("--marian-dir", self.marian_dir), ("--bert-dir", self.bert_dir)):
            if path is not None and not (path / "config.json").is_file():
                raise InputError(f"{flag} {path}: not a model directory (no config.json); give a from_pretrained directory")


VARIANTS: dict[str, dict[str, Any]] = {
    "baseline": dict(translation_backend="transformers", encoder_backend="torch", micro_batch_ms=0, translation_cache_size=0),
    "optimised": dict(translation_backend="auto", encoder_backend="auto"),
}


def messages_for(count: int) -> list[str]:
    return [MESSAGES[i % len(MESSAGES)] for i in range(count)]


def settings_for(variant: str, options: BenchOptions, marian: Path, bert: Path) -> dict[str, Any]:
    fixed = {} if options.new_tokens == 0 else {"max_new_tokens": options.new_tokens, "min_new_tokens": options.new_tokens}
    return dict(
        VARIANTS.get(variant, VARIANTS["optimised"]),
        tagger="mbert", mbert_model=str(bert), mbert_label_map=options.label_map, reranker_model=str(bert),
        translation_models=translation_models(marian), strategy="whole", offline=True,
        threads=options.threads, model_cache_dir=options.cache_dir / "hf-cache",
        optimized_model_dir=options.cache_dir / "optimized", **fixed,
    )


def translation_models(marian: Path) -> dict[str, str]:
    """es→en and en→es as two model directories, so both are really loaded (the memory target counts both)."""
    other = marian.parent / f"{marian.name}-en-es"
    if marian.parent.name and (marian / "config.json").is_file() and not (other / "config.json").is_file():
        other.mkdir(parents=True, exist_ok=True)
        for file in marian.iterdir():
            if file.is_file() and not (other / file.name).exists():
                (other / file.name).symlink_to(file.resolve())
    return {"es-en": str(marian), "en-es": str(other if (other / "config.json").is_file() else marian)}


def run_variant(variant: str, overrides: dict[str, Any], texts: list[str], burst: int, target: str, events) -> Figures | None:
    """In the child: build, warm up, measure. ``events`` gets ("advance", n) and ("phase", text).

    ``convert``: only load (the one-off conversions happen then and on the first message); nothing measured."""
    from mixlingo.backends import translation_cache
    from mixlingo.config import load_settings
    from mixlingo.factory import build_translate_pipeline

    events.put(("phase", f"{variant}: loading models"))
    stages_rss = {"imports": rss_mib()}
    settings = load_settings(**overrides)
    if settings.threads:  # --threads applies to the plain torch path too, so both sides get the same cores
        from mixlingo.adapters.bert_runtime import set_torch_threads

        set_torch_threads(settings.threads)
    started = time.perf_counter()
    built = build_translate_pipeline(settings)
    pipeline = built.pipeline
    stages_rss["tagger + reranker loaded"] = rss_mib()
    preload_directions(pipeline.get_pipe("translate", Translate).translator, settings)
    stages_rss["both translation directions loaded"] = rss_mib()
    if variant == "convert":  # only the one-off conversions were wanted (the first message does them)
        pipeline.run(texts[0], target=target)
        return None
    clock = ModelClock()
    watch_pipeline(clock, pipeline)
    stage_s: dict[str, float] = dict.fromkeys(pipeline.pipe_names, 0.0)

    def timed(name: str, _stage: object, seconds: float) -> None:
        stage_s[name] += seconds

    load_s = 0.0

    def warmed() -> None:
        nonlocal load_s
        stages_rss["after warm-up"] = rss_mib()  # warm-up: lazy loads, first-call allocations
        load_s = time.perf_counter() - started

    workers = 1 if settings.micro_batch_ms <= 0 else burst  # the naive bot ran one message at a time
    measured = measure(
        variant, texts, lambda text: pipeline.run(text, target=target), lambda batch: run_burst(pipeline, batch, target, workers),
        burst=burst, burst_workers=workers, clock=clock, events=events, after_warm_up=warmed,
        during_latency=lambda: hooked(pipeline.hooks, timed),  # the one-at-a-time runs only: a burst's stages overlap
    )
    figures, finished = measured.figures, measured.results
    cache = translation_cache(settings)
    if cache.size:
        repeats = []
        for text, message in zip(texts, finished):
            cache.put(text, target, settings.strategy, message)
        for text in texts:
            t0 = time.perf_counter()
            cache.get(text, target, settings.strategy)
            repeats.append(time.perf_counter() - t0)
        figures.repeat_p50_s = percentile(repeats, 50)
    else:
        figures.repeat_p50_s = figures.latency_p50_s  # no cache: a repeat costs a translation
    figures.load_s = load_s
    figures.backends = describe(pipeline)
    figures.stage_mean_s = {name: seconds / len(texts) for name, seconds in stage_s.items()}
    figures.rss_by_stage_mib = {**stages_rss, "after the runs": rss_mib()}
    figures.notes = list(built.notes)
    for message in finished:
        figures.outputs.append(message.translation.text if message.translation else None)
        figures.leads.append(message.translation.lead() if message.translation else float("inf"))
        figures.units.append([(u.lang, u.source) for u in message.translation.units] if message.translation else [])
        figures.notes += [n for n in (message.translation.notes if message.translation else []) if n not in figures.notes]
    return figures


def run_burst(pipeline: Pipeline, texts: list[str], target: str, workers: int) -> None:
    """The burst as a bot process sees it: ``workers`` threads, each running one message through the pipeline."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda t: pipeline.run(t, target=target), texts))


def describe(pipeline: Pipeline) -> dict[str, str]:
    """Which runtime each model part actually runs on (after fallbacks), as each one says."""
    out: dict[str, str] = {}
    if "tag" in pipeline.pipe_names:
        out["tagger"] = pipeline.get_pipe("tag", TagLanguages).taggers[0].describe()
    if "translate" in pipeline.pipe_names:
        translator = pipeline.get_pipe("translate", Translate).translator
        out["translator"] = translator.describe()
        out["micro_batching"] = "on" if isinstance(translator, BatchingTranslator) else "off"
    if "rerank" in pipeline.pipe_names:
        out["reranker"] = pipeline.get_pipe("rerank", Rerank).encoder.describe()
    return out


def _child(variant: str, overrides: dict[str, Any], texts: list[str], burst: int, target: str, events,
           levers_off: frozenset[Lever] = frozenset()) -> None:
    try:
        from mixlingo.adapters.hub import quiet_transformers
        from mixlingo.adapters.levers import turn_off
        from mixlingo.bench.references import REFERENCES

        quiet_transformers()
        turn_off(levers_off)
        if variant in REFERENCES:  # texts: the optimised run's units, for the floor
            events.put(("result", REFERENCES[variant](overrides, texts, burst, target, events)))
        else:
            events.put(("result", run_variant(variant, overrides, texts, burst, target, events)))
    except BaseException as error:  # reported by the parent as one line
        events.put(("error", f"{type(error).__name__}: {error}", traceback.format_exc()))


def prepare_models(options: BenchOptions, phase) -> tuple[Path, Path]:
    """The given model dirs, or real-size random ones built (once) into the bench cache."""
    marian, bert = options.marian_dir, options.bert_dir
    if marian is None or bert is None:
        from mixlingo.adapters.bench_models import build_mbert, build_opus_mt

        if marian is None:
            phase("building opus-mt-size Marian (random weights, cached)")
            marian = build_opus_mt(options.cache_dir / "opus-mt-random")
        if bert is None:
            phase("building mBERT-base-size model (random weights, cached)")
            bert = build_mbert(options.cache_dir / "mbert-random")
    return marian, bert


def run_bench(options: BenchOptions, progress=None) -> dict[str, Any]:
    """Run both variants in child processes; ``progress(kind, value)`` gets ("phase", text) / ("advance", n)."""
    options.check()
    load_before = _load_average()
    progress = progress or (lambda kind, value: None)
    marian, bert = prepare_models(options, lambda text: progress("phase", text))
    texts = messages_for(options.messages)
    results: dict[str, Figures | None] = {}
    if conversions_missing(options, marian, bert):
        # Converting is a one-off cost with its own memory peak: done in a child of its own, not measured.
        progress("phase", "converting for the fast backends (once; cached)")
        _in_child("convert", settings_for("optimised", options, marian, bert), texts[:1], 1, options.target, progress, results,
                  options.levers_off)
        results.clear()
    for variant in VARIANTS:
        if variant == "baseline" and not options.baseline:
            continue
        _in_child(variant, settings_for(variant, options, marian, bert), texts, options.burst, options.target, progress, results,
                  options.levers_off)
    optimised = results["optimised"]
    assert optimised is not None
    _in_child("floor", settings_for("optimised", options, marian, bert), optimised.units, options.burst,
              options.target, progress, results, options.levers_off)
    _in_child("naive_batched", settings_for("baseline", options, marian, bert), texts, options.burst, options.target,
              progress, results, options.levers_off)
    summary = summarise(options, results, marian, bert)
    summary["machine"]["load_average_before_after"] = [load_before, _load_average()]
    return summary


def _load_average() -> float | None:
    """1-minute load average: other work on the machine skews timings, so the report says how busy it was."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def conversions_missing(options: BenchOptions, marian: Path, bert: Path) -> bool:
    from mixlingo.adapters.bert_runtime import onnx_available, onnx_path
    from mixlingo.adapters.ct2_translator import converted_path, ctranslate2_available

    optimized = options.cache_dir / "optimized"
    wanted = [converted_path(marian, optimized) / "model.bin"] if ctranslate2_available() else []
    if onnx_available():
        from mixlingo.config import load_settings

        from mixlingo.adapters.bert_graphs import pieces_paths

        layers = load_settings(**settings_for("optimised", options, marian, bert)).reranker.layers or None
        tokens = onnx_path(bert, "tokens", optimized)  # the reranker is the tagger's model, cut at its layer
        wanted += [tokens, *pieces_paths(tokens).values()]
        wanted += [*pieces_paths(tokens, layers).values()] if layers else [onnx_path(bert, "base", optimized)]
    if ctranslate2_available():
        wanted.append(converted_path(Path(translation_models(marian)["en-es"]), optimized) / "model.bin")
    return not all(path.is_file() for path in wanted)


def _in_child(variant: str, overrides: dict[str, Any], texts: list[Any], burst: int, target: str, progress,
              results: dict[str, Figures | None], levers_off: frozenset[Lever] = frozenset()) -> None:
    context = mp.get_context("spawn")
    events = context.Queue()
    child = context.Process(target=_child, args=(variant, overrides, texts, burst, target, events, levers_off), daemon=True)
    child.start()
    while variant not in results:
        try:
            event = events.get(timeout=1.0)
        except queue_module.Empty as error:
            if not child.is_alive():
                raise InputError(
                    f"the {variant} run stopped unexpectedly (exit code {child.exitcode}); is the machine out of memory?"
                ) from error
            continue
        if event[0] == "result":
            results[variant] = event[1]
        elif event[0] == "error":
            child.join(5)
            raise InputError(f"the {variant} run failed: {event[1]}")
        else:
            progress(*event)
    child.join(30)


RATIO_KEYS = ("latency_p50_s", "latency_p95_s", "burst_msgs_per_s", "peak_rss_mib", "repeat_p50_s")


def summarise(options: BenchOptions, results: dict[str, Figures | None], marian: Path, bert: Path) -> dict[str, Any]:
    fast, base = results["optimised"], results.get("baseline")
    assert fast is not None
    ratios = {key: (getattr(fast, key) / getattr(base, key) if base and getattr(base, key) else float("nan")) for key in RATIO_KEYS}
    nan_row: dict[str, Any] = {key: float("nan") for key in fast.as_dict()} | {"burst": fast.burst}
    return {
        "machine": machine(),
        "options": {k: str(v) if isinstance(v, Path) else sorted(v) if isinstance(v, frozenset) else v
                    for k, v in asdict(options).items()},
        "models": {"marian": str(marian), "bert": str(bert)},
        "baseline": base.as_dict() if base else nan_row,
        "optimised": fast.as_dict(),
        "ratios_optimised_over_baseline": ratios,
        **{name: run.as_dict() for name in ("floor", "naive_batched") if (run := results.get(name)) is not None},
        "targets": targets({name: run for name, run in results.items() if run is not None}),
        "agreement": agreement({"outputs": base.outputs, "leads": base.leads} if base else {"outputs": [], "leads": []},
                               {"outputs": fast.outputs, "leads": fast.leads}),
    }


DECISIVE_LEAD = 0.3
"""A baseline choice leading its runner-up by more than this is one int8 rounding cannot flip."""


def agreement(base: dict[str, Any], fast: dict[str, Any]) -> dict[str, Any]:
    """Same final translation, counted only over messages whose baseline choice is decisive.

    Random-weight models give near-tied candidates whose order int8 rounding flips
    differently on every CPU; agreement on those says nothing about the backends.
    """
    decisive = [i for i, lead in enumerate(base["leads"]) if lead > DECISIVE_LEAD]
    same = sum(base["outputs"][i] == fast["outputs"][i] for i in decisive)
    return {"same_final_translation": same, "decisive_messages": len(decisive), "messages": len(base["outputs"]),
            "decisive_lead": DECISIVE_LEAD, "rate": same / len(decisive) if decisive else None}


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    flags: set[str] = set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and not cpu:
                cpu = line.split(":", 1)[1].strip()
            elif line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return {"cpu": cpu, "isa": [f for f in ISA_FLAGS if f in flags], "cores": os.cpu_count(),
            "python": platform.python_version(), "os": platform.platform(), "gpu": _gpu(), "versions": _versions()}


ISA_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_int8")
"""The instruction sets that change the int8 kernels' speed (and so the ratios): reported with every run."""


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("onnxruntime", "ctranslate2", "torch", "transformers", "numpy"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def _gpu() -> str | None:
    try:
        from mixlingo.adapters.ct2_translator import default_device

        return "CUDA" if default_device() == "cuda" else None
    except Exception:  # no CTranslate2: no GPU it could use either
        return None
