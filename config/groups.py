"""The typed groups of settings: each part of mixlingo reads its group whole (``settings.slack``, ``settings.http``…).

A group's field keeps the flat name people set as its ``validation_alias``: ``settings.slack.bot_token`` is
``MIXLINGO_SLACK_BOT_TOKEN`` (also ``SLACK_BOT_TOKEN``, see ``env``), the ``slack_bot_token`` key of
``mixlingo.toml`` and the ``slack_bot_token=`` keyword of :func:`mixlingo.load`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, SecretStr, ValidationInfo, field_validator

from mixlingo.config.fields import RUNTIME, affects_output, parse_mapping
from mixlingo.config.secrets import has_url_secret

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


class SettingsGroup(BaseModel):
    """A group of settings, frozen like the settings themselves; fields are given by key or by flat name."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True, validate_by_name=True, validate_by_alias=True)


def _slack(name: str, default: Any, description: str) -> Any:
    """A Slack field: ``MIXLINGO_SLACK_<NAME>``, or Slack's own conventional ``SLACK_<NAME>``."""
    flat = f"slack_{name}"
    marker: dict[str, JsonValue] = {**RUNTIME, "env": [flat.upper()]}
    return Field(default=default, validation_alias=flat, json_schema_extra=marker, description=description)


class SlackSettings(SettingsGroup):
    """The Slack app's credentials and where its Web API is (``mixlingo serve``)."""

    bot_token: SecretStr | None = _slack("bot_token", None, "xoxb-… token for one workspace (also read from SLACK_BOT_TOKEN).")
    signing_secret: SecretStr | None = _slack(
        "signing_secret", None, "Verifies HTTP requests from Slack (also SLACK_SIGNING_SECRET).")
    app_token: SecretStr | None = _slack(
        "app_token", None, "xapp-… token: when set, serve uses Socket Mode (also SLACK_APP_TOKEN).")
    client_id: str | None = _slack("client_id", None, "OAuth client id for multi-workspace installs (also SLACK_CLIENT_ID).")
    client_secret: SecretStr | None = _slack("client_secret", None, "OAuth client secret (also SLACK_CLIENT_SECRET).")
    scopes: list[str] = Field(
        json_schema_extra=RUNTIME, default=DEFAULT_SLACK_SCOPES, validation_alias="slack_scopes",
        description="Bot scopes requested at install and checked at startup.",
    )
    api_url: str = Field(
        json_schema_extra=RUNTIME, default="https://slack.com/api/", validation_alias="slack_api_url",
        description="Slack Web API base URL (tests point it at a fake).",
    )

    @field_validator("scopes", mode="before")
    @classmethod
    def _split_scopes(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [s.strip() for s in value.replace(" ", ",").split(",") if s.strip()]
        return value

    @field_validator("api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        if has_url_secret(value):
            raise ValueError("must not hold a user name and password; Slack's Web API takes the bot token instead")
        return value


class HttpSettings(SettingsGroup):
    """Bounds on what one HTTP client of ``mixlingo serve`` can hold."""

    header_timeout: float = Field(
        json_schema_extra=RUNTIME, validation_alias="http_header_timeout",
        default=10.0, gt=0, le=600, description="Seconds a client has to send a request's headers, then it is dropped."
    )
    body_timeout: float = Field(
        json_schema_extra=RUNTIME, validation_alias="http_body_timeout",
        default=10.0, gt=0, le=600, description="Seconds a client has to send a request's body, then it gets 408."
    )
    max_connections: int = Field(
        json_schema_extra=RUNTIME, validation_alias="http_max_connections",
        default=512, ge=1, le=100_000, description="Open HTTP connections at most; more are closed at once."
    )


class ScaleOutSettings(SettingsGroup):
    """Where jobs and records go: the broker and its queue, the workers, the database and its token key (docs/deployment.md)."""

    broker_url: str | None = Field(
        json_schema_extra=RUNTIME, default=None, validation_alias="broker_url",
        description="Celery broker (redis://host:6379/0). Unset: one process runs everything (in-process workers).",
    )
    queue_name: str = Field(
        json_schema_extra=RUNTIME, validation_alias="queue_name",
        default="mixlingo", min_length=1, max_length=100, description="Broker queue for translation jobs."
    )
    worker_concurrency: int = Field(
        json_schema_extra=RUNTIME, validation_alias="worker_concurrency",
        default=4, ge=1, le=256, description="Jobs one `mixlingo worker` process runs at once."
    )
    job_lease_seconds: int = Field(
        json_schema_extra=RUNTIME, default=120, ge=2, le=3600, validation_alias="job_lease_seconds",
        description="A job holds its translation for this long; a crashed worker's job is redone after it.",
    )
    job_max_retries: int = Field(
        json_schema_extra=RUNTIME, validation_alias="job_max_retries",
        default=6, ge=0, le=100, description="Retries (with backoff) before a job is recorded as failed."
    )
    database_url: str = Field(
        json_schema_extra=RUNTIME, default=f"sqlite:///{Path.home() / '.local' / 'share' / 'mixlingo' / 'mixlingo.db'}",
        validation_alias="database_url", description="SQLAlchemy URL for installations, settings and translation records.",
    )
    encryption_key: SecretStr | None = Field(
        json_schema_extra=RUNTIME, default=None, validation_alias="encryption_key",
        description="Fernet key(s), comma-separated (newest first): encrypts stored bot/user tokens. "
        "Required with OAuth install. `mixlingo db keygen` makes one.",
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


class RerankerSettings(SettingsGroup):
    """Whether and how the n-best candidates are reranked: the encoder, where it stops, and the score's weights."""

    enabled: bool = Field(
        json_schema_extra=affects_output(), default=True, validation_alias="rerank",
        description="Rerank n-best candidates with mBERT similarity.",
    )
    model: str = Field(
        json_schema_extra=affects_output(), validation_alias="reranker_model",
        default="bert-base-multilingual-cased", description="Encoder for the reranker."
    )
    share_tagger: bool = Field(
        json_schema_extra=affects_output(), default=False, validation_alias="reranker_share_tagger",
        description="Use the mBERT tagger's encoder for the reranker when it is loaded.",
    )
    model_weight: float = Field(
        json_schema_extra=affects_output(), validation_alias="rerank_model_weight",
        default=1.0, description="Weight of the model's log-probability."
    )
    similarity_weight: float = Field(
        json_schema_extra=affects_output(), validation_alias="rerank_similarity_weight",
        default=2.0, description="Weight of source–candidate cosine similarity."
    )
    copy_penalty: float = Field(
        json_schema_extra=affects_output(), validation_alias="rerank_copy_penalty",
        default=1.0, ge=0, description="Penalty for a candidate that copies the source."
    )
    placeholder_penalty: float = Field(
        json_schema_extra=affects_output(), validation_alias="rerank_placeholder_penalty",
        default=2.0, ge=0, description="Penalty for dropping all markup placeholders."
    )
    length_penalty: float = Field(
        json_schema_extra=affects_output(), validation_alias="rerank_length_penalty",
        default=1.0, ge=0, description="Penalty for a wildly off length ratio."
    )
    layers: int = Field(
        json_schema_extra=affects_output(), default=6, ge=0, le=48, validation_alias="rerank_layers",
        description="Reranker: mean-pool this encoder layer and stop the forward there (a middle layer aligns languages "
        "as well as the last, at a fraction of the cost); 0: the last layer.",
    )
    skip_margin: float = Field(
        json_schema_extra=affects_output(), default=1.0, ge=0, validation_alias="rerank_skip_margin",
        description="Skip the reranker's encoder for a sentence whose best candidate leads by more than this "
        "(model score and penalties); 0: always embed.",
    )


class ModelSettings(SettingsGroup):
    """Which models tag and translate, where they are kept, and whether a missing one may be downloaded."""

    mbert: str = Field(
        json_schema_extra=affects_output(), default="sagorsarker/codeswitch-spaeng-lid-lince", validation_alias="mbert_model",
        description="Hub id or local directory of a BERT token-classification model.",
    )
    mbert_label_map: dict[str, str] = Field(
        json_schema_extra=affects_output(), default={"lang1": "en", "lang2": "es"}, validation_alias="mbert_label_map",
        description="The model's own labels → ISO 639-1 codes, as lang1=en,lang2=es or JSON; ISO 639 labels (spa, hin) need none.",
    )
    translation: dict[str, str] = Field(
        json_schema_extra=affects_output(), validation_alias="translation_models", default={
            "es-en": "Helsinki-NLP/opus-mt-es-en",
            "en-es": "Helsinki-NLP/opus-mt-en-es",
            "hi-en": "Helsinki-NLP/opus-mt-hi-en",
            "en-hi": "Helsinki-NLP/opus-mt-en-hi",
            "mul-en": "Helsinki-NLP/opus-mt-mul-en",
        },
        description="Direction (es-en, or a language group: dra-en, en-inc) → hub id or local dir; 'mul-en' serves any "
        "source into English. English and twelve South Asian languages need none: the published models are known.",
    )
    cache_dir: Path = Field(
        json_schema_extra=RUNTIME, default=Path.home() / ".cache" / "mixlingo" / "models", validation_alias="model_cache_dir",
        description="Where downloaded models are kept.",
    )
    optimized_dir: Path | None = Field(
        json_schema_extra=RUNTIME, default=None, validation_alias="optimized_model_dir",
        description="Converted models (CTranslate2, ONNX); default: <model_cache_dir>/optimized.",
    )
    offline: bool = Field(
        json_schema_extra=RUNTIME, default=False, validation_alias="offline",
        description="Never try the model hub, not even `mixlingo models pull`.",
    )
    allow_downloads: bool = Field(
        json_schema_extra=RUNTIME, default=False, validation_alias="allow_downloads",
        description="Let tag, translate and serve download a missing model on first use (default: only `mixlingo models pull` downloads).",
    )

    @property
    def hub_offline(self) -> bool:
        """True unless a model missing from the cache may be downloaded when it is first loaded."""
        return self.offline or not self.allow_downloads

    @field_validator("mbert_label_map", "translation", mode="before")
    @classmethod
    def _parse_mapping(cls, value: Any, info: ValidationInfo) -> Any:
        flat = {"mbert_label_map": "mbert_label_map", "translation": "translation_models"}
        return parse_mapping(value, flat[info.field_name or ""])
