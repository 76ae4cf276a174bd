"""Typed settings: defaults < TOML file < environment variables < explicit overrides.

The TOML file is ``mixlingo.toml`` in the working directory, or the path in
``MIXLINGO_CONFIG``. Validation errors become one line per bad value naming
the variable and what is allowed, never a pydantic traceback.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic_core import ErrorDetails
from pydantic import AliasChoices, Field, JsonValue, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from mixlingo.config.secrets import has_url_secret, mask_url
from mixlingo.errors import ConfigError, InputError
from mixlingo.nlp.labels import normalize_language

ENV_PREFIX = "MIXLINGO_"
DEFAULT_CONFIG_FILE = "mixlingo.toml"

TaggerChoice = Literal["auto", "mbert", "embedded", "lexicon"]
StrategyChoice = Literal["auto", "whole", "spans"]
OutputMode = Literal["thread", "inline"]
TranslationBackend = Literal["auto", "ctranslate2", "transformers"]
EncoderBackend = Literal["auto", "onnx", "torch-int8", "torch"]
DeviceChoice = Literal["auto", "cpu", "cuda"]
ComputeType = Literal["auto", "int8", "int8_float16", "int8_float32", "float16", "float32"]

# Bot scopes every surface needs; the manifest (manifest.yml) asks for exactly these.
DEFAULT_SLACK_SCOPES = [
    "chat:write",
    "commands",
    "reactions:read",
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
]

# Slack reaction names (the part after "flag-", or the short alias like "es") → language.
DEFAULT_FLAG_LANGUAGES = {
    "es": "es", "mx": "es", "ar": "es", "co": "es", "cl": "es", "pe": "es", "ve": "es", "cu": "es", "uy": "es",
    "us": "en", "gb": "en", "uk": "en", "england": "en", "au": "en", "ca": "en", "ie": "en", "nz": "en",
    "fr": "fr", "be": "fr", "de": "de", "at": "de", "ch": "de", "it": "it", "pt": "pt", "br": "pt",
    "nl": "nl", "jp": "ja", "cn": "zh", "tw": "zh", "kr": "ko", "ru": "ru", "in": "hi", "tr": "tr",
    "pl": "pl", "se": "sv", "gr": "el", "ua": "uk", "sa": "ar", "eg": "ar",
}


# The format of each key=value setting, shown in its own error message.
MAPPING_EXAMPLES = {
    "mbert_label_map": "lang1=en,lang2=es",
    "translation_models": "es-en=Helsinki-NLP/opus-mt-es-en,en-es=Helsinki-NLP/opus-mt-en-es",
    "flag_languages": "mx=es,br=pt",
}
TOML_TABLE = "mixlingo"
"""mixlingo.toml may hold the settings at the top level or under one ``[mixlingo]`` table."""


AFFECTS_OUTPUT = "affects_output"
"""Each setting's field says whether it changes what a translation says: ``json_schema_extra=affects_output()``
for those that do (they make up the translation cache key, :func:`output_settings`), ``json_schema_extra=RUNTIME``
for those that do not (speed, where things live, Slack, scale-out; ``runtime(group, key)`` when grouped).
A field with neither fails the tests."""
RUNTIME: dict[str, JsonValue] = {AFFECTS_OUTPUT: False}


def affects_output(group: str | None = None, key: str | None = None) -> dict[str, JsonValue]:
    """The marker for a setting that changes the translation; ``group``/``key``: it is ``key`` of :meth:`Settings.group`."""
    marker: dict[str, JsonValue] = {AFFECTS_OUTPUT: True}
    if group is not None:
        marker.update(group=group, key=key)
    return marker


def runtime(group: str, key: str) -> dict[str, JsonValue]:
    """The marker for a setting that does not change the translation and is ``key`` of :meth:`Settings.group`."""
    return {AFFECTS_OUTPUT: False, "group": group, "key": key}


def _slack_env(name: str) -> AliasChoices:
    """Accept both MIXLINGO_<NAME> and Slack's own conventional <NAME>."""
    return AliasChoices(f"{ENV_PREFIX}{name}", name, name.lower())


def parse_pair(value: str) -> tuple[str, str]:
    """``"en-es"`` → ``("en", "es")``; a clear error for anything else."""
    parts = [normalize_language(part) for part in value.strip().replace("_", "-").split("-")]
    if len(parts) != 2 or not all(len(p) in (2, 3) and p.isalpha() for p in parts):
        raise InputError(f"{value!r} is not a language pair; write two ISO 639-1 codes like en-es")
    if parts[0] == parts[1]:
        raise InputError(f"{value!r} names the same language twice")
    return parts[0], parts[1]


class Settings(BaseSettings):
    """Everything mixlingo can be told. Later issues add translation and Slack settings."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="forbid", validate_default=True, frozen=True, validate_by_name=True
    )

    pairs: Annotated[list[str], NoDecode] = Field(
        json_schema_extra=affects_output(), default=["en-es"],
        description="Language pairs the workspace mixes; with more than one, each message gets the pair its words fit best.",
    )
    tagger: TaggerChoice = Field(
        json_schema_extra=affects_output(), default="auto",
        description="auto: mBERT when its weights load, else the shipped embedded tagger for the pair (es/en, hi/en), else lexicon.",
    )
    mbert_model: str = Field(
        json_schema_extra=affects_output(), default="sagorsarker/codeswitch-spaeng-lid-lince",
        description="Hub id or local directory of a BERT token-classification model.",
    )
    mbert_label_map: Annotated[dict[str, str], NoDecode] = Field(
        json_schema_extra=affects_output(), default={"lang1": "en", "lang2": "es"},
        description="The model's own labels → ISO 639-1 codes, as lang1=en,lang2=es or JSON; ISO 639 labels (spa, hin) need none.",
    )
    model_cache_dir: Path = Field(
        json_schema_extra=RUNTIME, default=Path.home() / ".cache" / "mixlingo" / "models",
        description="Where downloaded models are kept.",
    )
    offline: bool = Field(json_schema_extra=RUNTIME, default=False, description="Never try the model hub, not even `mixlingo models pull`.")
    allow_downloads: bool = Field(
        json_schema_extra=RUNTIME, default=False,
        description="Let tag, translate and serve download a missing model on first use (default: only `mixlingo models pull` downloads).",
    )
    target_language: str = Field(
        json_schema_extra=RUNTIME,
        default="en", min_length=2, max_length=3, description="Default language to translate into."
    )
    output_script: Literal["native", "latin"] = Field(
        json_schema_extra=affects_output(), default="native",
        description="Hindi output in Devanagari (native) or Latin letters (latin); each reader can choose in App Home.",
    )
    strategy: StrategyChoice = Field(json_schema_extra=affects_output(), default="auto", description="auto | whole | spans (see README).")
    spans_threshold: float = Field(
        json_schema_extra=affects_output(),
        default=0.5, ge=0.0, le=1.0, description="auto picks spans when at least this share of words is already in the target."
    )
    translation_models: Annotated[dict[str, str], NoDecode] = Field(
        json_schema_extra=affects_output(), default={
            "es-en": "Helsinki-NLP/opus-mt-es-en",
            "en-es": "Helsinki-NLP/opus-mt-en-es",
            "hi-en": "Helsinki-NLP/opus-mt-hi-en",
            "en-hi": "Helsinki-NLP/opus-mt-en-hi",
            "mul-en": "Helsinki-NLP/opus-mt-mul-en",
        },
        description="Direction (es-en, or a language group: dra-en, en-inc) → hub id or local dir; 'mul-en' serves any "
        "source into English. English and twelve South Asian languages need none: the published models are known.",
    )
    n_best: int = Field(json_schema_extra=affects_output(), default=4, ge=1, le=32, description="Candidates per sentence from beam search.")
    num_beams: int = Field(json_schema_extra=affects_output(), default=4, ge=1, le=64, description="Beam width (at least n_best is used).")
    max_new_tokens: int | None = Field(
        json_schema_extra=affects_output(),
        default=None, ge=1, description="Cap on generated tokens (default: the model's limit)."
    )
    max_unit_chars: int = Field(
        json_schema_extra=affects_output(),
        default=400, ge=20, description="Longer sentences are split before translation."
    )
    rerank: bool = Field(json_schema_extra=affects_output(), default=True, description="Rerank n-best candidates with mBERT similarity.")
    reranker_model: str = Field(
        json_schema_extra=affects_output(),
        default="bert-base-multilingual-cased", description="Encoder for the reranker."
    )
    reranker_share_tagger: bool = Field(
        json_schema_extra=affects_output(), default=False, description="Use the mBERT tagger's encoder for the reranker when it is loaded."
    )
    rerank_model_weight: float = Field(
        json_schema_extra=affects_output("rerank_weights", "model"),
        default=1.0, description="Weight of the model's log-probability."
    )
    rerank_similarity_weight: float = Field(
        json_schema_extra=affects_output("rerank_weights", "similarity"),
        default=2.0, description="Weight of source–candidate cosine similarity."
    )
    rerank_copy_penalty: float = Field(
        json_schema_extra=affects_output("rerank_weights", "copy_penalty"),
        default=1.0, ge=0, description="Penalty for a candidate that copies the source."
    )
    rerank_placeholder_penalty: float = Field(
        json_schema_extra=affects_output("rerank_weights", "placeholder_penalty"),
        default=2.0, ge=0, description="Penalty for dropping all markup placeholders."
    )
    rerank_length_penalty: float = Field(
        json_schema_extra=affects_output("rerank_weights", "length_penalty"),
        default=1.0, ge=0, description="Penalty for a wildly off length ratio."
    )
    rerank_layers: int = Field(
        json_schema_extra=affects_output(), default=6, ge=0, le=48,
        description="Reranker: mean-pool this encoder layer and stop the forward there (a middle layer aligns languages "
        "as well as the last, at a fraction of the cost); 0: the last layer.",
    )
    rerank_skip_margin: float = Field(
        json_schema_extra=affects_output("rerank_weights", "skip_margin"), default=1.0, ge=0,
        description="Skip the reranker's encoder for a sentence whose best candidate leads by more than this "
        "(model score and penalties); 0: always embed.",
    )
    max_message_chars: int = Field(json_schema_extra=RUNTIME, default=40_000, ge=1, description="Longest message accepted.")
    batch_size: int = Field(json_schema_extra=RUNTIME, default=16, ge=1, le=1024, description="Sentences per model call.")

    # --- speed (docs/performance.md) ---
    translation_backend: TranslationBackend = Field(
        json_schema_extra=affects_output(),
        default="auto", description="auto (CTranslate2 int8 when installed, else transformers) | ctranslate2 | transformers."
    )
    encoder_backend: EncoderBackend = Field(
        json_schema_extra=affects_output(),
        default="auto", description="Tagger/reranker runtime: auto (ONNX Runtime int8, else torch int8) | onnx | torch-int8 | torch."
    )
    device: DeviceChoice = Field(
        json_schema_extra=affects_output(),
        default="auto", description="CTranslate2 device: auto (cuda when a GPU is there) | cpu | cuda."
    )
    compute_type: ComputeType = Field(
        json_schema_extra=affects_output(), default="auto", description="CTranslate2 compute type; auto: int8 on CPU, int8_float16 on GPU."
    )
    threads: int = Field(json_schema_extra=RUNTIME, default=0, ge=0, le=256, description="Threads per model call; 0: one per CPU core.")
    optimized_model_dir: Path | None = Field(
        json_schema_extra=RUNTIME, default=None, description="Converted models (CTranslate2, ONNX); default: <model_cache_dir>/optimized."
    )
    min_new_tokens: int | None = Field(
        json_schema_extra=affects_output(),
        default=None, ge=1, description="Floor on generated tokens (the bench fixes lengths)."
    )
    translation_cache_size: int = Field(
        json_schema_extra=RUNTIME,
        default=1024, ge=0, description="Finished translations kept in memory; 0: off."
    )
    micro_batch_ms: float = Field(
        json_schema_extra=RUNTIME,
        default=5.0, ge=0, le=1000, description="Concurrent messages are gathered this long into one model call; 0: off."
    )
    micro_batch_max: int = Field(json_schema_extra=RUNTIME, default=64, ge=1, le=4096, description="Most items in one gathered model call.")
    model_calls_at_once: int = Field(
        json_schema_extra=RUNTIME, default=1, ge=0, le=64,
        description="Micro-batched model calls (tagger, translator, reranker) that may run at the same time; each "
        "already uses `threads` threads, so 1 avoids oversubscribing the cores; 0: no limit.",
    )
    pipeline_workers: int = Field(
        json_schema_extra=RUNTIME,
        default=1, ge=1, le=64, description="Messages one bot process translates at once (>1: they share micro-batches)."
    )

    # --- Slack app (mixlingo serve) ---
    slack_bot_token: SecretStr | None = Field(
        json_schema_extra=RUNTIME, default=None, validation_alias=_slack_env("SLACK_BOT_TOKEN"),
        description="xoxb-… token for one workspace (also read from SLACK_BOT_TOKEN).",
    )
    slack_signing_secret: SecretStr | None = Field(
        json_schema_extra=RUNTIME, default=None, validation_alias=_slack_env("SLACK_SIGNING_SECRET"),
        description="Verifies HTTP requests from Slack (also SLACK_SIGNING_SECRET).",
    )
    slack_app_token: SecretStr | None = Field(
        json_schema_extra=RUNTIME, default=None, validation_alias=_slack_env("SLACK_APP_TOKEN"),
        description="xapp-… token: when set, serve uses Socket Mode (also SLACK_APP_TOKEN).",
    )
    slack_client_id: str | None = Field(
        json_schema_extra=RUNTIME, default=None, validation_alias=_slack_env("SLACK_CLIENT_ID"),
        description="OAuth client id for multi-workspace installs (also SLACK_CLIENT_ID).",
    )
    slack_client_secret: SecretStr | None = Field(
        json_schema_extra=RUNTIME, default=None, validation_alias=_slack_env("SLACK_CLIENT_SECRET"),
        description="OAuth client secret (also SLACK_CLIENT_SECRET).",
    )
    slack_scopes: Annotated[list[str], NoDecode] = Field(
        json_schema_extra=RUNTIME, default=DEFAULT_SLACK_SCOPES, description="Bot scopes requested at install and checked at startup."
    )
    slack_api_url: str = Field(
        json_schema_extra=RUNTIME, default="https://slack.com/api/", description="Slack Web API base URL (tests point it at a fake)."
    )
    database_url: str = Field(
        json_schema_extra=RUNTIME, default=f"sqlite:///{Path.home() / '.local' / 'share' / 'mixlingo' / 'mixlingo.db'}",
        description="SQLAlchemy URL for installations, settings and translation records.",
    )
    flag_languages: Annotated[dict[str, str], NoDecode] = Field(
        json_schema_extra=RUNTIME, default=DEFAULT_FLAG_LANGUAGES,
        description="Flag reaction (es, flag-mx, us…) → language, as mx=es,br=pt or JSON.",
    )
    autotranslate_output: OutputMode = Field(
        json_schema_extra=RUNTIME, default="thread", description="Where auto-translations go: thread | inline."
    )
    host: str = Field(json_schema_extra=RUNTIME, default="127.0.0.1", description="Address `mixlingo serve` listens on.")
    port: int = Field(json_schema_extra=RUNTIME, default=3000, ge=0, le=65535, description="Port `mixlingo serve` listens on.")
    public_playground: bool = Field(
        json_schema_extra=RUNTIME, default=False, description="Let the playground listen on a non-loopback address (it has no login)."
    )
    http_header_timeout: float = Field(
        json_schema_extra=runtime("http", "header_timeout"),
        default=10.0, gt=0, le=600, description="Seconds a client has to send a request's headers, then it is dropped."
    )
    http_body_timeout: float = Field(
        json_schema_extra=runtime("http", "body_timeout"),
        default=10.0, gt=0, le=600, description="Seconds a client has to send a request's body, then it gets 408."
    )
    http_max_connections: int = Field(
        json_schema_extra=runtime("http", "max_connections"),
        default=512, ge=1, le=100_000, description="Open HTTP connections at most; more are closed at once."
    )

    # --- Scale-out (queue workers, PostgreSQL, metrics, token encryption): docs/deployment.md ---
    broker_url: str | None = Field(
        json_schema_extra=RUNTIME, default=None,
        description="Celery broker (redis://host:6379/0). Unset: one process runs everything (in-process workers).",
    )
    queue_name: str = Field(
        json_schema_extra=RUNTIME,
        default="mixlingo", min_length=1, max_length=100, description="Broker queue for translation jobs."
    )
    worker_concurrency: int = Field(
        json_schema_extra=RUNTIME,
        default=4, ge=1, le=256, description="Jobs one `mixlingo worker` process runs at once."
    )
    job_lease_seconds: int = Field(
        json_schema_extra=RUNTIME, default=120, ge=2, le=3600,
        description="A job holds its translation for this long; a crashed worker's job is redone after it.",
    )
    job_max_retries: int = Field(
        json_schema_extra=RUNTIME,
        default=6, ge=0, le=100, description="Retries (with backoff) before a job is recorded as failed."
    )
    encryption_key: SecretStr | None = Field(
        json_schema_extra=RUNTIME, default=None,
        description="Fernet key(s), comma-separated (newest first): encrypts stored bot/user tokens. "
        "Required with OAuth install. `mixlingo db keygen` makes one.",
    )
    metrics: bool = Field(json_schema_extra=RUNTIME, default=True, description="Serve Prometheus metrics at /metrics.")
    metrics_port: int = Field(
        json_schema_extra=RUNTIME, default=9464, ge=0, le=65535,
        description="The front end's /metrics port, on MIXLINGO_METRICS_HOST, never the Slack port (0: any free port).",
    )
    metrics_host: str = Field(
        json_schema_extra=RUNTIME, default="127.0.0.1", min_length=1,
        description="Where /metrics listens (front ends and workers); 127.0.0.1: only a Prometheus on the same host.",
    )
    metrics_on_slack_port: bool = Field(
        json_schema_extra=RUNTIME, default=False,
        description="Serve /metrics on the public Slack port instead of its own (anyone who reaches the port reads it).",
    )
    worker_metrics_port: int | None = Field(
        json_schema_extra=RUNTIME, default=None, ge=0, le=65535, description="Port for a worker's /metrics (unset: none; 0: any free port)."
    )

    @field_validator("broker_url")
    @classmethod
    def _check_broker(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if value.split("://", 1)[0] not in ("redis", "rediss", "amqp", "amqps", "memory"):
            raise ValueError("must be a broker URL like redis://127.0.0.1:6379/0 (or amqp://…)")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        if has_url_secret(value):
            raise ValueError("must not hold a user name and password; Slack's Web API takes the bot token instead")
        return value

    @field_validator("encryption_key")
    @classmethod
    def _check_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        import base64
        import binascii

        for key in value.get_secret_value().split(","):
            try:
                ok = len(base64.urlsafe_b64decode(key.strip().encode())) == 32
            except (binascii.Error, ValueError):
                ok = False
            if not ok:
                raise ValueError("must be Fernet keys (32 url-safe base64 bytes each, comma-separated); "
                                 "make one with `mixlingo db keygen`")
        return value

    @field_validator("target_language", mode="before")
    @classmethod
    def _normalise_target(cls, value: Any) -> Any:
        return normalize_language(value) if isinstance(value, str) else value

    @field_validator("pairs", mode="before")
    @classmethod
    def _split_pairs(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [p for p in value.replace(";", ",").split(",") if p.strip()]
        return value

    @field_validator("pairs")
    @classmethod
    def _check_pairs(cls, value: list[str]) -> list[str]:
        return ["-".join(parse_pair(p)) for p in value]

    @field_validator("slack_scopes", mode="before")
    @classmethod
    def _split_scopes(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [s.strip() for s in value.replace(" ", ",").split(",") if s.strip()]
        return value

    @field_validator("flag_languages")
    @classmethod
    def _normalise_flags(cls, value: dict[str, str]) -> dict[str, str]:
        return {k.strip().strip(":").lower().removeprefix("flag-"): normalize_language(v) for k, v in value.items()}

    @field_validator("mbert_label_map", "translation_models", "flag_languages", mode="before")
    @classmethod
    def _parse_mapping(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        example = MAPPING_EXAMPLES.get(info.field_name or "", "key=value,key=value")
        if value.strip().startswith("{"):
            try:
                return json.loads(value)
            except json.JSONDecodeError as error:
                raise ValueError(f"not valid JSON ({error.msg}); or write key=value pairs like {example}") from error
        entries = [e.split("=", 1) for e in value.split(",") if e.strip()]
        if not all(len(e) == 2 for e in entries):
            raise ValueError(f"write key=value pairs separated by commas, like {example}")
        return {k.strip(): v.strip() for k, v in entries}

    @property
    def hub_offline(self) -> bool:
        """True unless a model missing from the cache may be downloaded when it is first loaded."""
        return self.offline or not self.allow_downloads

    @property
    def language_pairs(self) -> list[tuple[str, str]]:
        return [parse_pair(p) for p in self.pairs]

    def group(self, name: str) -> dict[str, Any]:
        """The settings declared in group ``name`` (``affects_output(name, key)``, ``runtime(name, key)``), by their key
        in the group: ``settings.group("rerank_weights")`` is ``{"model": …, "similarity": …, …}``, ``settings.group("http")``
        ``{"header_timeout": …, "body_timeout": …, "max_connections": …}``."""
        return {
            str(marker["key"]): getattr(self, field)
            for field, marker in _markers().items()
            if marker.get("group") == name
        }

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = config_file()
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path, toml_table_header=_toml_header(path)))
        return tuple(sources)


def _markers() -> dict[str, dict[str, JsonValue]]:
    """Each setting's ``json_schema_extra`` marker (empty for a field that has none)."""
    return {name: dict(info.json_schema_extra) if isinstance(info.json_schema_extra, dict) else {}
            for name, info in Settings.model_fields.items()}


def output_settings() -> tuple[str, ...]:
    """The settings that change what a translation says, from their fields' markers: the cache key's settings."""
    return tuple(name for name, marker in _markers().items() if marker.get(AFFECTS_OUTPUT) is True)


def unclassified_settings() -> tuple[str, ...]:
    """Settings whose field says neither ``affects_output()`` nor ``RUNTIME`` (should be none; a test checks)."""
    return tuple(name for name, marker in _markers().items() if not isinstance(marker.get(AFFECTS_OUTPUT), bool))


def _toml_header(path: Path) -> tuple[str, ...]:
    """``("mixlingo",)`` when the file keeps its settings in a ``[mixlingo]`` table; ``()`` for top-level keys."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ()  # the TOML source reports the parse error itself
    table = data.get(TOML_TABLE)
    if not isinstance(table, dict):
        return ()
    others = sorted(key for key in data if key != TOML_TABLE)
    if others:
        raise ConfigError(
            f"{path}: settings are both under [{TOML_TABLE}] and at the top level ({', '.join(others)}); "
            f"put them all under [{TOML_TABLE}], e.g.  [{TOML_TABLE}]  tagger = \"embedded\""
        )
    return (TOML_TABLE,)


def known_env_names() -> set[str]:
    """Every MIXLINGO_* variable mixlingo reads."""
    return {f"{ENV_PREFIX}{name.upper()}" for name in Settings.model_fields} | {f"{ENV_PREFIX}CONFIG"}


def did_you_mean(name: str, known: set[str]) -> str:
    """`` (did you mean X?)`` for the closest known name, or nothing when none is close."""
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    return f"; did you mean {close[0]}?" if close else ""


_warned: set[str] = set()


def warn_unknown_env() -> list[str]:
    """One stderr warning (once per process) per MIXLINGO_* variable that is not a setting, e.g. a typo."""
    from mixlingo.notes import Note, print_notes

    known = known_env_names()
    warnings = []
    for name in sorted(os.environ):
        if name.startswith(ENV_PREFIX) and name not in known and name not in _warned:
            _warned.add(name)
            warnings.append(Note(f"{name} is unknown and ignored{did_you_mean(name, known)}", kind="warning"))
    print_notes(warnings)
    return [f"{note.kind}: {note}" for note in warnings]


def env_format(value: Any) -> str:
    """A setting's value as a person types it in a ``MIXLINGO_*`` variable: ``en-es``, ``lang1=en,lang2=es``, ``true``.

    Secrets show as ``***`` when set, and the password of a URL as ``***``; an unset value is empty."""
    if value is None:
        return ""
    if isinstance(value, SecretStr):
        return "***" if value.get_secret_value() else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ",".join(f"{key}={item}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return ",".join(str(item) for item in value)
    return mask_url(str(value))


def config_file() -> Path | None:
    """The TOML file settings are read from: ``MIXLINGO_CONFIG``, else ``mixlingo.toml`` when it exists."""
    path = Path(os.environ.get(f"{ENV_PREFIX}CONFIG", DEFAULT_CONFIG_FILE))
    return path if path.is_file() else None


def _read_config_file(path: Path) -> dict[str, Any]:
    """The file's settings (the ``[mixlingo]`` table's, when it has one); a syntax error names the file."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read it ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    table = data.get(TOML_TABLE)
    return table if isinstance(table, dict) else data


def _env_names(field: str) -> list[str]:
    """The variables a setting is read from: MIXLINGO_<NAME>, and Slack's own name for the Slack settings."""
    info = Settings.model_fields.get(field)
    if info is not None and isinstance(info.validation_alias, AliasChoices):
        return [str(choice) for choice in info.validation_alias.choices]
    return [f"{ENV_PREFIX}{field.upper()}"]


def _env_source(field: str) -> str | None:
    """The environment variable that set ``field``, if one did (names are case-insensitive, as for pydantic-settings)."""
    wanted = {name.upper() for name in _env_names(field)}
    return next((name for name in os.environ if name.upper() in wanted), None)


def _field_of(loc: str) -> str:
    """The setting a validation error's location names (an alias such as SLACK_BOT_TOKEN included)."""
    if loc in Settings.model_fields:
        return loc
    return next((field for field in Settings.model_fields if loc.upper() in {n.upper() for n in _env_names(field)}), loc)


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning validation errors into a :class:`ConfigError` a person can act on.

    ``overrides`` are settings by field name (the CLI's options, ``mixlingo.load``'s keyword arguments);
    an error names where the bad value came from: the keyword argument, the variable, or the file and key.
    """
    overrides = {k: v for k, v in overrides.items() if v is not None}
    unknown = sorted(set(overrides) - set(Settings.model_fields))
    if unknown:
        raise ConfigError("; ".join(
            f"unknown setting {name!r} given as a keyword argument{did_you_mean(name, set(Settings.model_fields))}"
            for name in unknown) + " (`mixlingo config show` lists every setting; a keyword is its name without "
            "MIXLINGO_, in lower case)")
    warn_unknown_env()
    config_path = os.environ.get(f"{ENV_PREFIX}CONFIG")
    if config_path and not Path(config_path).is_file():
        raise ConfigError(f"{ENV_PREFIX}CONFIG={config_path!r}: no such file")
    path = config_file()
    file_values = _read_config_file(path) if path is not None else {}
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise ConfigError("\n".join(_describe(e, overrides, path, file_values) for e in error.errors())) from error
    except ValueError as error:  # the file changed between our read and the settings source's
        raise ConfigError(f"{path or 'config file'}: {error}") from error


def _describe(error: ErrorDetails, overrides: dict[str, Any], path: Path | None, file_values: dict[str, Any]) -> str:
    loc = str(error["loc"][0]) if error["loc"] else "?"
    field = _field_of(loc)
    if error["type"] == "extra_forbidden":
        if loc == TOML_TABLE:
            return f"{path}: [{TOML_TABLE}] must be a table of settings, like  [{TOML_TABLE}]  tagger = \"embedded\""
        return (f"unknown setting {loc!r} in {path or 'the config file'}{did_you_mean(loc.lower(), set(Settings.model_fields))} "
                "(`mixlingo config show` lists every setting; a file key is its name without MIXLINGO_, in lower case)")
    message = error["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
    info = Settings.model_fields.get(field)
    secret = info is not None and "SecretStr" in str(info.annotation)

    def shown(value: Any) -> str:
        return "(hidden)" if secret else mask_url(repr(value))

    env_name = _env_source(field)
    if field in overrides:
        return f"{field}={shown(overrides[field])} is not valid: {message}"
    if env_name is not None:
        return f"{env_name}={shown(os.environ[env_name])} is not valid: {message}"
    if path is not None and field in file_values:
        return f"{path}: {field} = {shown(file_values[field])} is not valid: {message}"
    return f"{ENV_PREFIX}{field.upper()}={shown(error.get('input'))} is not valid: {message}"
