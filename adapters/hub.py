"""Loading models with ``from_pretrained`` from a hub id or a local directory.

Every failure — not cached, no network, a directory that is not a model — is
turned into one :class:`ModelUnavailableError` that names the model, the cache
directory, and how to fix it.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

from mixlingo.errors import ModelUnavailableError

T = TypeVar("T")


def looks_like_path(model_id: str) -> bool:
    return model_id.startswith((".", "/", "~")) or Path(model_id).expanduser().exists()


def from_pretrained(loader: type[T], model_id: str, *, cache_dir: Path, offline: bool, **kwargs: Any) -> T:
    """``loader.from_pretrained(model_id)`` with the cache dir and a clear error on failure."""
    local = looks_like_path(model_id)
    if local:
        path = Path(model_id).expanduser()
        if not path.is_dir():
            raise ModelUnavailableError(f"model directory {str(path)!r} does not exist; check the setting that names it")
        model_id = str(path)
    try:
        return _load(loader, model_id, cache_dir=cache_dir, local_only=True, **kwargs)
    except (OSError, ValueError) as error:
        if local or offline or not hub_reachable():
            raise ModelUnavailableError(_explain(model_id, cache_dir, offline, local, error)) from None
    try:
        return _load(loader, model_id, cache_dir=cache_dir, local_only=False, **kwargs)
    except (OSError, ValueError) as error:
        raise ModelUnavailableError(_explain(model_id, cache_dir, offline, local, error)) from None


def _load(loader: Any, model_id: str, *, cache_dir: Path, local_only: bool, **kwargs: Any) -> Any:
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # load reports and progress bars are noise in a CLI or a bot
    hf_logging.disable_progress_bar()
    return loader.from_pretrained(model_id, cache_dir=str(cache_dir), local_files_only=local_only, **kwargs)


def hub_reachable(timeout: float = 3.0) -> bool:
    """A quick TCP check, so an offline machine fails in seconds, not after a minute of retries."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes"}:
        return False
    url = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "", port), timeout=timeout):
            return True
    except OSError:
        return False


def _explain(model_id: str, cache_dir: Path, offline: bool, local: bool, error: Exception) -> str:
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if local:
        return f"{model_id!r} is not a usable model directory ({reason})"
    where = "offline mode is on (MIXLINGO_OFFLINE)" if offline else "the model hub could not be reached"
    return (
        f"model {model_id!r} is not in the cache ({cache_dir}) and {where}. "
        f"Fix: run `mixlingo models pull` on a machine with internet access, "
        f"or point the setting at a local model directory. ({reason})"
    )


def resolve_model_dir(model_id: str, *, cache_dir: Path, offline: bool) -> Path:
    """The local directory holding a model's files (a local dir as is, a hub id's cached snapshot).

    Converters (CTranslate2, ONNX export) read files, not hub ids; this finds them
    with the same errors as :func:`from_pretrained`.
    """
    if looks_like_path(model_id):
        path = Path(model_id).expanduser()
        if not path.is_dir():
            raise ModelUnavailableError(f"model directory {str(path)!r} does not exist; check the setting that names it")
        return path
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(model_id, cache_dir=str(cache_dir), local_files_only=True))
    except Exception as error:  # noqa: BLE001 - "not cached" comes in several types
        if offline or not hub_reachable():
            raise ModelUnavailableError(_explain(model_id, cache_dir, offline, False, error)) from None
    try:
        return Path(snapshot_download(model_id, cache_dir=str(cache_dir)))
    except Exception as error:  # noqa: BLE001
        raise ModelUnavailableError(_explain(model_id, cache_dir, offline, False, error)) from None


def fingerprint(path: Path) -> str:
    """A short hash of a model directory's top-level files (names, sizes, times): changes when the model does."""
    import hashlib

    digest = hashlib.sha256(str(path.resolve()).encode())
    for file in sorted(p for p in path.iterdir() if p.is_file()):
        stat = file.stat()
        digest.update(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]
