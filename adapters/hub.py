"""Loading models with ``from_pretrained`` from a hub id or a local directory.

A hub model is read from the cache only, unless the caller allows downloads
(``offline=False``: ``mixlingo models pull``, or ``MIXLINGO_ALLOW_DOWNLOADS``), so
tagging and translating never wait on the network. Every failure — not cached,
no network, a directory that is not a model — is turned into one
:class:`ModelUnavailableError`: a short line that says how to fix it, with the
loader's own words in its ``detail``.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from mixlingo.core.errors import ModelNotDownloadedError, ModelUnavailableError


def looks_like_path(model_id: str) -> bool:
    return model_id.startswith((".", "/", "~")) or Path(model_id).expanduser().exists()


_REPO_ID = re.compile(r"^(?:[\w\-.]+/)?[\w\-.]+$")


def is_cached(model_id: str, cache_dir: Path) -> bool:
    """A local model directory, or a hub model whose files are in the cache: loadable with no network.

    Reads the hub cache's own layout (``models--org--name/refs/main`` → ``snapshots/<commit>/``),
    as ``huggingface_hub.try_to_load_from_cache`` does, without importing huggingface_hub: that
    import costs a fifth of a second of every CLI call."""
    if looks_like_path(model_id):
        return Path(model_id).expanduser().is_dir()
    if not _REPO_ID.match(model_id) or "--" in model_id or ".." in model_id or len(model_id) > 96:
        return False  # not a valid repo id
    repo = cache_dir / ("models--" + model_id.replace("/", "--"))
    ref = repo / "refs" / "main"
    commit = ref.read_text().strip() if ref.is_file() else "main"
    return (repo / "snapshots" / commit / "config.json").is_file()


def not_downloaded(model_id: str, cache_dir: Path) -> ModelNotDownloadedError:
    """The error for a hub model that is not in the cache while downloads are off."""
    return ModelNotDownloadedError(
        f"model {model_id!r} is not downloaded; run `mixlingo models pull` "
        "(or set MIXLINGO_ALLOW_DOWNLOADS=true to fetch it on first use)",
        detail=f"looked in the model cache {cache_dir}; tag, translate and serve never download unless "
        "MIXLINGO_ALLOW_DOWNLOADS=true (and MIXLINGO_OFFLINE is off)",
    )


def from_pretrained(loader: type, model_id: str, *, cache_dir: Path, offline: bool, **kwargs: Any) -> Any:
    """``loader.from_pretrained(model_id)`` with the cache dir and a clear error on failure.

    Any: transformers' Auto classes annotate what they load as the Auto class itself, not the model,
    tokenizer or config they return.

    ``offline``: never download (the default for tag/translate/serve); a model missing from
    the cache fails at once, before transformers is imported."""
    local = looks_like_path(model_id)
    if local:
        path = Path(model_id).expanduser()
        if not path.is_dir():
            raise ModelUnavailableError(f"model directory {str(path)!r} does not exist; check the setting that names it")
        model_id = str(path)
    elif offline and not is_cached(model_id, cache_dir):
        raise not_downloaded(model_id, cache_dir)
    try:
        return _load(loader, model_id, cache_dir=cache_dir, local_only=True, **kwargs)
    except (OSError, ValueError) as error:
        if local or offline or not hub_reachable():
            raise _explain(model_id, cache_dir, offline, local, error) from error
    try:
        return _load(loader, model_id, cache_dir=cache_dir, local_only=False, **kwargs)
    except (OSError, ValueError) as error:
        raise _explain(model_id, cache_dir, offline, local, error) from error


def quiet_transformers() -> None:
    """Load reports and progress bars ("Writing model shards") are noise in a CLI, a bench or a bot."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def _load(loader: Any, model_id: str, *, cache_dir: Path, local_only: bool, **kwargs: Any) -> Any:
    quiet_transformers()
    return loader.from_pretrained(model_id, cache_dir=str(cache_dir), local_files_only=local_only, **kwargs)


def hub_endpoint() -> str:
    """The model hub's address: huggingface.co, or a mirror named by ``HF_ENDPOINT``."""
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def hub_reachable(timeout: float = 3.0) -> bool:
    """A quick TCP check, so an offline machine fails in seconds, not after a minute of retries."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes"}:
        return False
    url = urlparse(hub_endpoint())
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "", port), timeout=timeout):
            return True
    except OSError:
        return False


def _explain(model_id: str, cache_dir: Path, offline: bool, local: bool, error: Exception) -> ModelUnavailableError:
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if local:
        return ModelUnavailableError(f"{model_id!r} is not a usable model directory ({reason[:120]})", detail=str(error))
    if offline:
        found = not_downloaded(model_id, cache_dir)
        return ModelNotDownloadedError(str(found), detail=f"{found.detail}; the loader said: {str(error).strip()}")
    return ModelUnavailableError(
        f"model {model_id!r} could not be downloaded: the model hub is not reachable; "
        "run `mixlingo models pull` where it is, or point the setting at a model directory",
        detail=f"model cache {cache_dir}; the loader said: {str(error).strip()}",
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

    if offline and not is_cached(model_id, cache_dir):
        raise not_downloaded(model_id, cache_dir)
    try:
        return Path(snapshot_download(model_id, cache_dir=str(cache_dir), local_files_only=True))
    except Exception as error:  # "not cached" comes in several types
        if offline or not hub_reachable():
            raise _explain(model_id, cache_dir, offline, False, error) from error
    try:
        return Path(snapshot_download(model_id, cache_dir=str(cache_dir)))
    except Exception as error:  # any failure becomes one line for the user
        raise _explain(model_id, cache_dir, offline, False, error) from error


def fingerprint(path: Path) -> str:
    """A short hash of a model directory's top-level files (names, sizes, times): changes when the model does."""
    import hashlib

    digest = hashlib.sha256(str(path.resolve()).encode())
    for file in sorted(p for p in path.iterdir() if p.is_file()):
        stat = file.stat()
        digest.update(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]
