"""Downloading models into the cache and listing what is there (huggingface_hub).

Only ``mixlingo models pull`` downloads (tag, translate and serve read the cache): it asks
the hub for each model's file list and sizes first, so the user sees the total before
the bytes flow, then fetches file by file with a progress callback per model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huggingface_hub import hf_hub_download, scan_cache_dir, snapshot_download

from mixlingo.adapters.hub import hub_endpoint, hub_reachable, looks_like_path
from mixlingo.core.errors import ModelUnavailableError

Advance = Callable[[int], None]
"""Called with each chunk's size in bytes as a download proceeds."""


@dataclass(frozen=True)
class CachedModel:
    model_id: str
    size_bytes: int
    path: Path


@dataclass(frozen=True)
class DownloadPlan:
    """One hub model's files: what is already cached and how many bytes are left to fetch."""

    model_id: str
    revision: str
    files: tuple[tuple[str, int], ...]
    """(file name, size in bytes) of the files still to download."""
    cached_bytes: int

    @property
    def bytes_to_fetch(self) -> int:
        return sum(size for _, size in self.files)


def plan(model_id: str, cache_dir: Path) -> DownloadPlan:
    """The model's files and sizes, from the hub (no file is downloaded)."""
    try:
        infos = snapshot_download(model_id, cache_dir=str(cache_dir), dry_run=True, tqdm_class=_progress_class(lambda _: None))
    except Exception as error:  # hub errors come in many types; all mean "cannot plan"
        raise ModelUnavailableError(f"cannot download {model_id!r}: {_first_line(error)}", detail=str(error)) from error
    revision = infos[0].commit_hash if infos else "main"
    missing = tuple((info.filename, int(info.file_size or 0)) for info in infos if info.will_download)
    cached = sum(int(info.file_size or 0) for info in infos if not info.will_download)
    return DownloadPlan(model_id, revision, missing, cached)


def fetch(download: DownloadPlan, cache_dir: Path, advance: Advance) -> Path:
    """Download the planned files, reporting bytes as they arrive; returns the model's snapshot directory."""
    progress_class = _progress_class(advance)
    try:
        for filename, _ in download.files:
            hf_hub_download(download.model_id, filename, revision=download.revision, cache_dir=str(cache_dir),
                            tqdm_class=progress_class)
        return Path(snapshot_download(download.model_id, revision=download.revision, cache_dir=str(cache_dir),
                                      local_files_only=True, tqdm_class=progress_class))
    except Exception as error:  # any failure becomes one line for the user
        raise ModelUnavailableError(f"download of {download.model_id!r} failed: {_first_line(error)}",
                                    detail=str(error)) from error


def check_hub() -> None:
    """One clear line, in seconds, when the hub cannot be reached (instead of a minute of retries)."""
    if not hub_reachable():
        raise ModelUnavailableError(
            f"the model hub ({hub_endpoint()}) is not reachable, so no model was downloaded; "
            "tagging still works with the embedded tagger"
        )


def pull(model_id: str, cache_dir: Path, advance: Advance | None = None) -> Path:
    """Download a hub model's files into ``cache_dir`` (a local directory is left as it is)."""
    if looks_like_path(model_id):
        return Path(model_id).expanduser()
    check_hub()
    return fetch(plan(model_id, cache_dir), cache_dir, advance or (lambda _: None))


def _progress_class(advance: Advance) -> type:
    """A tqdm for huggingface_hub that draws nothing and forwards each byte count to ``advance``."""
    from huggingface_hub.utils import tqdm as hub_tqdm

    class Forward(hub_tqdm):
        def __init__(self, *args: Any, **kwargs: Any):
            kwargs["disable"] = True
            kwargs.pop("name", None)
            super().__init__(*args, **kwargs)
            if kwargs.get("initial"):
                advance(int(kwargs["initial"]))

        def update(self, n: int | float | None = 1) -> bool | None:
            advance(int(n or 0))
            return super().update(n)

    return Forward


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else type(error).__name__


def list_cached(cache_dir: Path) -> list[CachedModel]:
    if not cache_dir.is_dir():
        return []
    info = scan_cache_dir(cache_dir)
    return sorted(
        (CachedModel(repo.repo_id, repo.size_on_disk, Path(repo.repo_path)) for repo in info.repos),
        key=lambda m: m.model_id,
    )
