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
import statistics
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mixlingo.bench_references import targets
from mixlingo.errors import InputError
from mixlingo.nlp.batching import BatchingTranslator
from mixlingo.nlp.pipeline import Pipeline

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


VARIANTS = {
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


def _proc_status_mib(field: str) -> float | None:
    """A memory figure of this process from /proc/self/status (Linux), in MiB; None where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mib() -> float:
    """Resident memory now (VmRSS), for the per-stage breakdown."""
    found = _proc_status_mib("VmRSS")
    return float("nan") if found is None else found


def preload_directions(translator, settings) -> None:  # noqa: ANN001
    """Load every configured direction (a burst only uses es→en; the memory target counts both)."""
    for direction in settings.translation_models:
        source, target = direction.split("-", 1)
        if source != "mul":
            translator.translate(["hola"], source, target, 1)


def peak_rss_mib() -> float:
    found = _proc_status_mib("VmHWM")
    if found is not None:
        return found
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_variant(variant: str, overrides: dict[str, Any], texts: list[str], burst: int, target: str, events) -> dict[str, Any]:  # noqa: ANN001
    """In the child: build, warm up, measure. ``events`` gets ("advance", n) and ("phase", text)."""
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
    preload_directions(pipeline.get_pipe("translate").translator, settings)
    stages_rss["both translation directions loaded"] = rss_mib()
    for text in texts[:2]:
        pipeline.run(text, target=target)  # warm-up: lazy loads, CTranslate2 conversion on first use
    stages_rss["after warm-up"] = rss_mib()
    load_s = time.perf_counter() - started
    if variant == "convert":  # only the one-off conversions were wanted
        return {"variant": variant}
    events.put(("advance", 2))
    events.put(("phase", f"{variant}: one message at a time"))
    latencies, outputs, leads, finished, notes = [], [], [], [], list(built.notes)
    stage_s: dict[str, float] = dict.fromkeys(pipeline.pipe_names, 0.0)

    def timed(name: str, _stage: object, seconds: float) -> None:
        stage_s[name] += seconds

    pipeline.hooks.append(timed)  # the one-at-a-time runs only: a burst's stages overlap
    for text in texts:
        t0 = time.perf_counter()
        message = pipeline.run(text, target=target)
        latencies.append(time.perf_counter() - t0)
        finished.append(message)
        outputs.append(message.translation.text if message.translation else None)
        leads.append(message.translation.lead() if message.translation else float("inf"))
        notes += [n for n in (message.translation.notes if message.translation else []) if n not in notes]
        events.put(("advance", 1))
    pipeline.hooks.remove(timed)
    workers = 1 if settings.micro_batch_ms <= 0 else burst  # the naive bot ran one message at a time
    events.put(("phase", f"{variant}: burst of {burst} ({workers} worker{'s' if workers > 1 else ''})"))
    burst_texts = [texts[i % len(texts)] for i in range(burst)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        t0 = time.perf_counter()
        list(pool.map(lambda t: pipeline.run(t, target=target), burst_texts))
        burst_s = time.perf_counter() - t0
    events.put(("advance", burst))
    cache = translation_cache(settings)
    repeats = []
    if cache.size:
        for text, message in zip(texts, finished):
            cache.put(text, target, settings.strategy, message)
        for text in texts:
            t0 = time.perf_counter()
            cache.get(text, target, settings.strategy)
            repeats.append(time.perf_counter() - t0)
    return {
        "variant": variant,
        "backends": describe(pipeline),
        "load_s": load_s,
        "latency_p50_s": _percentile(latencies, 50),
        "latency_p95_s": _percentile(latencies, 95),
        "latency_mean_s": statistics.fmean(latencies),
        "stage_mean_s": {name: seconds / len(texts) for name, seconds in stage_s.items()},
        "burst": burst,
        "burst_workers": workers,
        "burst_s": burst_s,
        "burst_msgs_per_s": burst / burst_s,
        "repeat_p50_s": _percentile(repeats, 50) if repeats else _percentile(latencies, 50),
        "peak_rss_mib": peak_rss_mib(),
        "rss_by_stage_mib": {**stages_rss, "after the runs": rss_mib()},
        "outputs": outputs,
        "leads": leads,
        "units": [[(u.lang, u.source) for u in m.translation.units] if m.translation else [] for m in finished],
        "notes": notes,
    }


def describe(pipeline: Pipeline) -> dict[str, str]:
    """Which runtime each model part actually runs on (after fallbacks), as each one says."""
    out: dict[str, str] = {}
    if "tag" in pipeline.pipe_names:
        out["tagger"] = pipeline.get_pipe("tag").taggers[0].describe()
    if "translate" in pipeline.pipe_names:
        translator = pipeline.get_pipe("translate").translator
        out["translator"] = translator.describe()
        out["micro_batching"] = "on" if isinstance(translator, BatchingTranslator) else "off"
    if "rerank" in pipeline.pipe_names:
        out["reranker"] = pipeline.get_pipe("rerank").encoder.describe()
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _child(variant: str, overrides: dict[str, Any], texts: list[str], burst: int, target: str, events) -> None:  # noqa: ANN001
    try:
        from mixlingo.adapters.hub import quiet_transformers
        from mixlingo.bench_references import REFERENCES

        quiet_transformers()
        if variant in REFERENCES:  # texts: the optimised run's units, for the floor
            events.put(("result", REFERENCES[variant](overrides, texts, burst, target, events)))
        else:
            events.put(("result", run_variant(variant, overrides, texts, burst, target, events)))
    except BaseException as error:  # noqa: BLE001 - reported by the parent as one line
        events.put(("error", f"{type(error).__name__}: {error}", traceback.format_exc()))


def prepare_models(options: BenchOptions, phase) -> tuple[Path, Path]:  # noqa: ANN001
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


def run_bench(options: BenchOptions, progress=None) -> dict[str, Any]:  # noqa: ANN001
    """Run both variants in child processes; ``progress(kind, value)`` gets ("phase", text) / ("advance", n)."""
    options.check()
    load_before = _load_average()
    progress = progress or (lambda kind, value: None)
    marian, bert = prepare_models(options, lambda text: progress("phase", text))
    texts = messages_for(options.messages)
    results: dict[str, dict[str, Any]] = {}
    if conversions_missing(options, marian, bert):
        # Converting is a one-off cost with its own memory peak: done in a child of its own, not measured.
        progress("phase", "converting for the fast backends (once; cached)")
        _in_child("convert", settings_for("optimised", options, marian, bert), texts[:1], 1, options.target, progress, results)
        results.clear()
    for variant in VARIANTS:
        if variant == "baseline" and not options.baseline:
            continue
        _in_child(variant, settings_for(variant, options, marian, bert), texts, options.burst, options.target, progress, results)
    _in_child("floor", settings_for("optimised", options, marian, bert), results["optimised"]["units"], options.burst,
              options.target, progress, results)
    _in_child("naive_batched", settings_for("baseline", options, marian, bert), texts, options.burst, options.target,
              progress, results)
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

        layers = load_settings(**settings_for("optimised", options, marian, bert)).rerank_layers or None
        wanted += [onnx_path(bert, "tokens", optimized), onnx_path(bert, "base", optimized, layers)]
    if ctranslate2_available():
        wanted.append(converted_path(Path(translation_models(marian)["en-es"]), optimized) / "model.bin")
    return not all(path.is_file() for path in wanted)


def _in_child(variant: str, overrides: dict[str, Any], texts: list[str], burst: int, target: str, progress, results) -> None:  # noqa: ANN001
    context = mp.get_context("spawn")
    events = context.Queue()
    child = context.Process(target=_child, args=(variant, overrides, texts, burst, target, events), daemon=True)
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


def summarise(options: BenchOptions, results: dict[str, dict[str, Any]], marian: Path, bert: Path) -> dict[str, Any]:
    fast = results["optimised"]
    base = results.get("baseline") or {key: float("nan") for key in fast} | {"outputs": [], "leads": [], "burst": fast["burst"]}
    ratios = {
        key: fast[key] / base[key] if base[key] else float("nan")
        for key in ("latency_p50_s", "latency_p95_s", "burst_msgs_per_s", "peak_rss_mib", "repeat_p50_s")
    }
    return {
        "machine": machine(),
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(options).items()},
        "models": {"marian": str(marian), "bert": str(bert)},
        "baseline": {k: v for k, v in base.items() if k not in ("outputs", "leads")},
        "optimised": {k: v for k, v in fast.items() if k not in ("outputs", "leads", "units")},
        "ratios_optimised_over_baseline": ratios,
        **{name: {k: v for k, v in results[name].items() if k != "outputs"} for name in ("floor", "naive_batched") if name in results},
        "targets": targets(results),
        "agreement": agreement(base, fast),
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
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "os": platform.platform(), "gpu": _gpu()}


def _gpu() -> str | None:
    try:
        from mixlingo.adapters.ct2_translator import default_device

        return "CUDA" if default_device() == "cuda" else None
    except Exception:  # noqa: BLE001 - no CTranslate2: no GPU it could use either
        return None
