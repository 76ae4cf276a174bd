"""Typed settings: defaults < TOML file < environment variables < explicit overrides.

The TOML file is ``mixlingo.toml`` in the working directory, or the path in
``MIXLINGO_CONFIG``. Validation errors become one line per bad value naming
the variable and what is allowed, never a pydantic traceback.

Each part of mixlingo reads its group whole (:mod:`.groups`: ``settings.models``, ``settings.reranker``,
``settings.slack``, ``settings.http``, ``settings.scale_out``); a setting keeps one flat name wherever a person
writes it: ``MIXLINGO_<NAME>``, the file's key, the keyword argument (:func:`setting_fields`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, JsonValue, PrivateAttr, SecretStr, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from mixlingo.config.fields import AFFECTS_OUTPUT, ENV_PREFIX, RUNTIME, affects_output, parse_mapping, parse_pair
from mixlingo.config.groups import HttpSettings, ModelSettings, RerankerSettings, ScaleOutSettings, SettingsGroup, SlackSettings
from mixlingo.config.secrets import mask_url
from mixlingo.core.errors import ConfigError
from mixlingo.nlp.labels import normalize_language

__all__ = ["AFFECTS_OUTPUT", "ENV_PREFIX", "RUNTIME", "Settings", "affects_output", "load_settings", "parse_pair"]

DEFAULT_CONFIG_FILE = "mixlingo.toml"

TaggerChoice = Literal["auto", "mbert", "embedded", "lexicon"]
StrategyChoice = Literal["auto", "whole", "spans"]
OutputMode = Literal["thread", "inline"]
TranslationBackend = Literal["auto", "ctranslate2", "transformers"]
EncoderBackend = Literal["auto", "onnx", "torch-int8", "torch"]
DeviceChoice = Literal["auto", "cpu", "cuda"]
ComputeType = Literal["auto", "int8", "int8_float16", "int8_float32", "float16", "float32"]

# Slack reaction names (the part after "flag-", or the short alias like "es") → language.
DEFAULT_FLAG_LANGUAGES = {
    "es": "es", "mx": "es", "ar": "es", "co": "es", "cl": "es", "pe": "es", "ve": "es", "cu": "es", "uy": "es",
    "us": "en", "gb": "en", "uk": "en", "england": "en", "au": "en", "ca": "en", "ie": "en", "nz": "en",
    "fr": "fr", "be": "fr", "de": "de", "at": "de", "ch": "de", "it": "it", "pt": "pt", "br": "pt",
    "nl": "nl", "jp": "ja", "cn": "zh", "tw": "zh", "kr": "ko", "ru": "ru", "in": "hi", "tr": "tr",
    "pl": "pl", "se": "sv", "gr": "el", "ua": "uk", "sa": "ar", "eg": "ar",
}


TOML_TABLE = "mixlingo"
"""mixlingo.toml may hold the settings at the top level or under one ``[mixlingo]`` table."""



class Settings(BaseSettings):
    """Everything mixlingo can be told: the settings of the whole pipeline at the top, each part's group below it."""

    model_config = SettingsConfigDict(extra="forbid", validate_default=True, frozen=True, validate_by_name=True)

    pairs: list[str] = Field(
        json_schema_extra=affects_output(), default=["en-es"],
        description="Language pairs the workspace mixes; with more than one, each message gets the pair its words fit best.",
    )
    tagger: TaggerChoice = Field(
        json_schema_extra=affects_output(), default="auto",
        description="auto: mBERT when its weights load, else the shipped embedded tagger for the pair (es/en, hi/en), else lexicon.",
    )
    models: ModelSettings = ModelSettings()
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
    reranker: RerankerSettings = RerankerSettings()
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
    slack: SlackSettings = SlackSettings()
    flag_languages: dict[str, str] = Field(
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
    http: HttpSettings = HttpSettings()

    # --- Scale-out (queue workers, PostgreSQL, metrics, token encryption): docs/deployment.md ---
    scale_out: ScaleOutSettings = ScaleOutSettings()
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

    _language_pairs: tuple[tuple[str, str], ...] = PrivateAttr(default=())

    @model_validator(mode="before")
    @classmethod
    def _nest(cls, data: Any) -> Any:
        """Settings given by their flat names (variables, file keys, keyword arguments) go into their groups."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for group, model in GROUPS.items():
            found = {name: data.pop(name) for name in _flat_names(model) if name in data}
            if found:
                given = data.get(group)
                base = given.model_dump() if isinstance(given, SettingsGroup) else dict(given or {})
                data[group] = {**base, **found}
        return data

    def model_post_init(self, context: Any) -> None:
        self._language_pairs = tuple((p.split("-", 1)[0], p.split("-", 1)[1]) for p in self.pairs)  # checked by _check_pairs

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

    @field_validator("flag_languages", mode="before")
    @classmethod
    def _parse_flags(cls, value: Any) -> Any:
        return parse_mapping(value, "flag_languages")

    @field_validator("flag_languages")
    @classmethod
    def _normalise_flags(cls, value: dict[str, str]) -> dict[str, str]:
        return {k.strip().strip(":").lower().removeprefix("flag-"): normalize_language(v) for k, v in value.items()}

    @property
    def language_pairs(self) -> list[tuple[str, str]]:
        """``pairs`` as (language, language), parsed once when the settings were made."""
        return list(self._language_pairs)

    def value(self, name: str) -> Any:
        """A setting's value by its flat name (``mbert_model`` is ``settings.models.mbert``)."""
        field = setting_fields()[name]
        return getattr(getattr(self, field.group), field.key) if field.group else getattr(self, name)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed, by their flat names, checked as loaded ones are."""
        values = {name: self.value(name) for name in setting_fields()}
        return type(self).model_validate({**values, **changes})

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
        sources: list[PydanticBaseSettingsSource] = [init_settings, FlatEnvSource(settings_cls)]
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path, toml_table_header=_toml_header(path)))
        return tuple(sources)


GROUPS: dict[str, type[SettingsGroup]] = {
    "models": ModelSettings, "reranker": RerankerSettings, "slack": SlackSettings, "http": HttpSettings, "scale_out": ScaleOutSettings,
}
"""Each group's attribute on :class:`Settings` and its model."""


def _flat_names(model: type[SettingsGroup]) -> list[str]:
    return [str(info.validation_alias) for info in model.model_fields.values()]


@dataclass(frozen=True)
class SettingField:
    """One setting as people write it: ``name`` (``MIXLINGO_<NAME>``, the file key, the keyword), where it lives
    (``group`` attribute and ``key`` in it; no group: a top-level field) and the variables it is read from."""

    name: str
    group: str | None
    key: str
    info: FieldInfo

    @property
    def env(self) -> list[str]:
        """``MIXLINGO_<NAME>``, then any other name it is read from (Slack's own ``SLACK_BOT_TOKEN``)."""
        extra = self.info.json_schema_extra
        others = extra.get("env") if isinstance(extra, dict) else None
        names = [str(name) for name in others] if isinstance(others, list) else []
        return [f"{ENV_PREFIX}{self.name.upper()}", *names]


@cache
def setting_fields() -> dict[str, SettingField]:
    """Every setting by its flat name, in the order ``mixlingo config show`` lists them."""
    fields: dict[str, SettingField] = {}
    for name, info in Settings.model_fields.items():
        model = GROUPS.get(name)
        if model is None:
            fields[name] = SettingField(name, None, name, info)
            continue
        for key, member in model.model_fields.items():
            flat = str(member.validation_alias)
            fields[flat] = SettingField(flat, name, key, member)
    return fields


class FlatEnvSource(PydanticBaseSettingsSource):
    """The variables people set, each read under its flat name (``MIXLINGO_SLACK_BOT_TOKEN``, or ``SLACK_BOT_TOKEN``),
    whichever group the setting lives in; names are case-insensitive. Values stay text: the fields parse them."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # __call__ reads every setting at once

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name in setting_fields():
            variable = _env_source(name)
            if variable is not None:
                found[name] = os.environ[variable]
        return found


def _markers() -> dict[str, dict[str, JsonValue]]:
    """Each setting's ``json_schema_extra`` marker (empty for a field that has none)."""
    return {name: dict(field.info.json_schema_extra) if isinstance(field.info.json_schema_extra, dict) else {}
            for name, field in setting_fields().items()}


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
    return {f"{ENV_PREFIX}{name.upper()}" for name in setting_fields()} | {f"{ENV_PREFIX}CONFIG"}


def did_you_mean(name: str, known: set[str]) -> str:
    """`` (did you mean X?)`` for the closest known name, or nothing when none is close."""
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    return f"; did you mean {close[0]}?" if close else ""


_warned: set[str] = set()


def warn_unknown_env() -> list[str]:
    """One stderr warning (once per process) per MIXLINGO_* variable that is not a setting, e.g. a typo."""
    from mixlingo.core.notes import Note, print_notes

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


def _env_source(field: str) -> str | None:
    """The environment variable that sets ``field``, if one does: the first of its names that is set
    (``MIXLINGO_SLACK_BOT_TOKEN`` before ``SLACK_BOT_TOKEN``), matched case-insensitively."""
    present = {name.upper(): name for name in os.environ}
    return next((present[name.upper()] for name in setting_fields()[field].env if name.upper() in present), None)


def _field_of(loc: tuple[int | str, ...]) -> str:
    """The setting a validation error's location names: ``("pairs", 0)`` is ``pairs``, ``("slack", "bot_token")``
    and ``("slack", "slack_bot_token")`` are ``slack_bot_token``."""
    first = str(loc[0]) if loc else "?"
    if first in GROUPS and len(loc) > 1:
        inner = str(loc[1])
        return next((name for name, field in setting_fields().items() if field.group == first and inner in (name, field.key)), inner)
    return first


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning validation errors into a :class:`ConfigError` a person can act on.

    ``overrides`` are settings by field name (the CLI's options, ``mixlingo.load``'s keyword arguments);
    an error names where the bad value came from: the keyword argument, the variable, or the file and key.
    """
    overrides = {k: v for k, v in overrides.items() if v is not None}
    unknown = sorted(set(overrides) - set(setting_fields()))
    if unknown:
        raise ConfigError("; ".join(
            f"unknown setting {name!r} given as a keyword argument{did_you_mean(name, set(setting_fields()))}"
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
    field = _field_of(error["loc"])
    if error["type"] == "extra_forbidden":
        if field == TOML_TABLE:
            return f"{path}: [{TOML_TABLE}] must be a table of settings, like  [{TOML_TABLE}]  tagger = \"embedded\""
        return (f"unknown setting {field!r} in {path or 'the config file'}{did_you_mean(field.lower(), set(setting_fields()))} "
                "(`mixlingo config show` lists every setting; a file key is its name without MIXLINGO_, in lower case)")
    message = error["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
    known = setting_fields().get(field)
    secret = known is not None and "SecretStr" in str(known.info.annotation)

    def shown(value: Any) -> str:
        return "(hidden)" if secret else mask_url(repr(value))

    env_name = _env_source(field) if known is not None else None
    if field in overrides:
        return f"{field}={shown(overrides[field])} is not valid: {message}"
    if env_name is not None:
        return f"{env_name}={shown(os.environ[env_name])} is not valid: {message}"
    if path is not None and field in file_values:
        return f"{path}: {field} = {shown(file_values[field])} is not valid: {message}"
    return f"{ENV_PREFIX}{field.upper()}={shown(error.get('input'))} is not valid: {message}"
