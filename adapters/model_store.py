"""Downloading models into the cache and listing what is there (huggingface_hub)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from huggingface_hub import scan_cache_dir, snapshot_download

from mixlingo.adapters.hub import hub_reachable, looks_like_path
from mixlingo.errors import ModelUnavailableError


@dataclass(frozen=True)
class CachedModel:
    model_id: str
    size_bytes: int
    path: Path


def pull(model_id: str, cache_dir: Path) -> Path:
    """Download a hub model's files into ``cache_dir`` (a local directory is left as it is)."""
    if looks_like_path(model_id):
        return Path(model_id).expanduser()
    if not hub_reachable():
        raise ModelUnavailableError(
            f"cannot download {model_id!r}: the model hub is not reachable from this machine. "
            f"Pull on a connected machine and copy {cache_dir} here, or set the model to a local directory."
        )
    try:
        return Path(snapshot_download(model_id, cache_dir=str(cache_dir)))
    except Exception as error:  # noqa: BLE001 - hub errors come in many types; all mean "not downloaded"
        raise ModelUnavailableError(f"download of {model_id!r} failed: {error}") from None


def list_cached(cache_dir: Path) -> list[CachedModel]:
    if not cache_dir.is_dir():
        return []
    info = scan_cache_dir(cache_dir)
    return sorted(
        (CachedModel(repo.repo_id, repo.size_on_disk, Path(repo.repo_path)) for repo in info.repos),
        key=lambda m: m.model_id,
    )
