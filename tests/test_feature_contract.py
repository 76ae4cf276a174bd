"""A model trained on other features than this code computes is refused in one line, never run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mixlingo.adapters.embedded.features import FEATURE_CONTRACT
from mixlingo.adapters.embedded.tagger import EmbeddedTagger
from mixlingo.core.errors import ModelUnavailableError
from mixlingo.factory import embedded_model_dir


def _copy_with_contract(tmp_path: Path, contract: int | None) -> Path:
    model = tmp_path / "model"
    shutil.copytree(embedded_model_dir(), model)
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    if contract is None:
        del config["feature_contract"]
    else:
        config["feature_contract"] = contract
    (model / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return model


def test_the_shipped_model_records_the_current_contract() -> None:
    config = json.loads((embedded_model_dir() / "config.json").read_text(encoding="utf-8"))
    assert config["feature_contract"] == FEATURE_CONTRACT


@pytest.mark.parametrize("contract", [FEATURE_CONTRACT + 1, None])
def test_another_or_missing_contract_is_one_actionable_line(tmp_path: Path, contract: int | None) -> None:
    with pytest.raises(ModelUnavailableError) as caught:
        EmbeddedTagger(_copy_with_contract(tmp_path, contract))
    message = str(caught.value)
    assert "\n" not in message
    assert f"contract {FEATURE_CONTRACT}" in message and "mixlingo tagger train" in message
    assert ("no feature contract" if contract is None else f"contract {contract}") in message
