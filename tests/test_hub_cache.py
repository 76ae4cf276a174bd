"""``is_cached`` reads the hub cache's layout itself; it must answer as huggingface_hub does."""

from __future__ import annotations

from pathlib import Path

import pytest
from huggingface_hub import try_to_load_from_cache

from mixlingo.adapters.hub import is_cached

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _layout(cache: Path, name: str, *, ref: bool, snapshot: bool, config: bool, no_exist: bool = False) -> None:
    repo = cache / ("models--" + name.replace("/", "--"))
    (repo / "blobs").mkdir(parents=True)
    if ref:
        (repo / "refs").mkdir()
        (repo / "refs" / "main").write_text(COMMIT)
    if snapshot:
        (repo / "snapshots" / COMMIT).mkdir(parents=True)
        if config:
            (repo / "snapshots" / COMMIT / "config.json").write_text("{}")
    if no_exist:
        (repo / ".no_exist" / COMMIT).mkdir(parents=True)
        (repo / ".no_exist" / COMMIT / "config.json").write_text("")


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("org/complete", {"ref": True, "snapshot": True, "config": True}),
        ("org/no-config", {"ref": True, "snapshot": True, "config": False}),
        ("org/no-ref", {"ref": False, "snapshot": True, "config": True}),
        ("org/no-snapshot", {"ref": True, "snapshot": False, "config": False}),
        ("org/known-missing", {"ref": True, "snapshot": True, "config": False, "no_exist": True}),
        ("single-name", {"ref": True, "snapshot": True, "config": True}),
        ("org/never-pulled", None),
    ],
)
def test_is_cached_agrees_with_huggingface_hub(tmp_path: Path, name: str, layout: dict[str, bool] | None) -> None:
    if layout is not None:
        _layout(tmp_path, name, **layout)
    theirs = isinstance(try_to_load_from_cache(name, "config.json", cache_dir=str(tmp_path)), str)
    assert is_cached(name, tmp_path) is theirs
    assert is_cached(name, tmp_path) is (name in ("org/complete", "single-name"))


@pytest.mark.parametrize("name", ["org/a/b", "org--x/y", "bad id!", "org/../x"])
def test_an_invalid_repo_id_is_never_cached(tmp_path: Path, name: str) -> None:
    assert is_cached(name, tmp_path) is False


def test_a_local_directory_is_cached_when_it_exists(tmp_path: Path) -> None:
    assert is_cached(str(tmp_path), tmp_path / "cache") is True
    assert is_cached(str(tmp_path / "missing"), tmp_path / "cache") is False
