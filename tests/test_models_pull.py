"""`mixlingo models pull` end to end against a stand-in hub on 127.0.0.1 serving the tiny models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rich.filesize import decimal

from stand_in_hub import stand_in_hub

MIXLINGO = [sys.executable, "-m", "mixlingo"]
ROOT = Path(__file__).resolve().parents[1]


def _env(endpoint: str, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIXLINGO_", "HF_"))}
    return {
        **env, "HF_ENDPOINT": endpoint, "HF_HUB_OFFLINE": "0", "COLUMNS": "120",
        "MIXLINGO_MODEL_CACHE_DIR": str(cache), "XDG_CACHE_HOME": str(cache.parent / "xdg"),
        "MIXLINGO_MBERT_MODEL": "demo/tagger", "MIXLINGO_RERANKER_MODEL": "demo/tagger",
        "MIXLINGO_TRANSLATION_MODELS": "es-en=demo/marian,en-es=demo/marian",
    }


def _size(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


def test_pull_downloads_every_model_with_progress_and_total(tmp_path: Path, tiny_bert_dir: Path, tiny_marian_dir: Path) -> None:
    cache = tmp_path / "cache"
    with stand_in_hub({"demo/tagger": tiny_bert_dir, "demo/marian": tiny_marian_dir}) as (endpoint, requests):
        env = _env(endpoint, cache)
        pulled = subprocess.run([*MIXLINGO, "models", "pull"], env=env, capture_output=True, text=True, timeout=300)
        assert pulled.returncode == 0, pulled.stderr
        total = _size(tiny_bert_dir) + _size(tiny_marian_dir)
        assert f"2 models, {decimal(total)} to download" in pulled.stdout
        for model_id, directory in (("demo/tagger", tiny_bert_dir), ("demo/marian", tiny_marian_dir)):
            bar = next(line for line in pulled.stdout.splitlines() if line.startswith(model_id) and "━" in line)
            assert f"/{decimal(_size(directory))}".replace(" ", "") in bar.replace(" ", "")  # a bar per model, full
            assert f"ok {model_id} → " in pulled.stdout
        assert "GET /api/models/demo/tagger/revision/main" in requests
        assert any(r.startswith("GET /demo/marian/resolve/") and r.endswith("/model.safetensors") for r in requests)
        assert pulled.stderr.strip() == ""  # no leaked tqdm bars
        assert "ok word-frequency index for en, es" in pulled.stdout  # so the first tag need not build it
        assert len(list((tmp_path / "xdg" / "mixlingo" / "wordfreq").glob("*.sqlite"))) == 2

        served = len(requests)
        tagged = subprocess.run([*MIXLINGO, "tag", "--json", "I will send el reporte mañana"],
                                env={**env, "HF_HUB_OFFLINE": "1"}, capture_output=True, text=True, timeout=300)
        assert tagged.returncode == 0, tagged.stderr
        assert json.loads(tagged.stdout)["tagger"] == "mbert"  # auto finds mBERT in the cache
        assert "note:" not in tagged.stderr
        assert len(requests) == served  # tagging never went to the hub

    files = {p.name: p.read_bytes() for p in (cache / "models--demo--tagger").rglob("*") if p.is_file() and p.parent.name != "blobs"}
    assert files["model.safetensors"] == (tiny_bert_dir / "model.safetensors").read_bytes()


def test_pull_when_the_hub_is_unreachable_is_one_line(tmp_path: Path) -> None:
    env = _env("http://127.0.0.1:9", tmp_path / "cache")  # port 9 (discard): nothing listens
    pulled = subprocess.run([*MIXLINGO, "models", "pull"], env=env, capture_output=True, text=True, timeout=120)
    assert pulled.returncode == 2
    lines = pulled.stderr.strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("note: the model hub (http://127.0.0.1:9) is not reachable")
    assert "tagging works with the shipped es/en tagger" in lines[1] and "error" not in pulled.stderr
    assert lines[2].startswith("next: `mixlingo models tiny DIR`") and str(tmp_path / "cache") in lines[2]


def test_make_run_goes_on_without_the_hub_and_without_make_error_lines(tmp_path: Path) -> None:
    """The Makefile takes exit 2 (nothing downloaded) from `models pull` as expected, not as make's own error."""
    line = next(line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("\t") and "models pull" in line)
    command = line.strip().lstrip("-@").replace("$(VENV)/bin/mixlingo", " ".join(MIXLINGO)).replace("$$", "$")
    env = _env("http://127.0.0.1:9", tmp_path / "cache")
    ran = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0 and "note: the model hub" in ran.stderr
    assert not line.strip().startswith("-")  # make's "Error 2 (ignored)" comes from a leading '-'
    crashed = command.replace(f"{' '.join(MIXLINGO)} models pull", "sh -c 'exit 1'")  # exit 1: a bug
    assert subprocess.run(["sh", "-c", crashed], timeout=10).returncode != 0  # which still stops `make run`
