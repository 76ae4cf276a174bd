"""The Python surface: ``mixlingo.load()``, ``nlp(text)``, ``nlp.pipe(texts)`` and stages by name."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import mixlingo
from mixlingo.adapters.testing.fakes import FakeTagger
from mixlingo.nlp import Message, Pipeline
from mixlingo.nlp.pair import ChoosePair
from mixlingo.nlp.plan import PlanTranslation
from mixlingo.nlp.tagging import TagLanguages
from mixlingo.nlp.tokenizer import Tokenize

ROOT = Path(__file__).resolve().parents[1]
LEXICON = {"hola": "es", "amigo": "es", "el": "es", "reporte": "es", "hello": "en", "friend": "en", "send": "en"}


def small(tagger: FakeTagger | None = None) -> Pipeline:
    return Pipeline([("tokenize", Tokenize()), ("pair", ChoosePair([("en", "es")])),
                     ("tag", TagLanguages(tagger or FakeTagger(LEXICON))), ("plan", PlanTranslation())])


def test_import_mixlingo_loads_no_model_runtime() -> None:
    code = ("import sys, mixlingo; mixlingo.Message; mixlingo.Pipeline; mixlingo.InputError; mixlingo.Tagger; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers', 'ctranslate2', 'onnxruntime')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_public_name_resolves() -> None:
    for name in mixlingo.__all__:
        assert getattr(mixlingo, name) is not None, name
    assert mixlingo.Message is Message and issubclass(mixlingo.ModelNotDownloadedError, mixlingo.MixlingoError)
    with pytest.raises(AttributeError):
        mixlingo.no_such_name  # noqa: B018 - the attribute access is the test


def test_the_readme_python_example_runs_as_written(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use it from Python", 1)[1]
    example = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    (tmp_path / "example.py").write_text(example, encoding="utf-8")
    run = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "('Oye', 'es')" in run.stdout and "('send', 'en')" in run.stdout
    assert "['markup', 'tokenize', 'pair', 'tag', 'plan', 'translate', 'assemble']" in run.stdout


def test_load_builds_the_configured_pipeline_and_tags_without_a_target() -> None:
    nlp = mixlingo.load(tagger="lexicon", rerank=False)
    message = nlp("hola amigo, I will send el reporte")
    assert message.translation is None and message.tagger == "lexicon"
    assert {t.lang for t in message.tokens if t.is_word} == {"es", "en"}
    assert nlp.pipe_names == ["markup", "tokenize", "pair", "tag", "plan", "translate", "assemble"]
    assert nlp.max_chars is not None
    with pytest.raises(mixlingo.InputError):
        nlp("x" * (nlp.max_chars + 1))
    with pytest.raises(mixlingo.ConfigError):
        mixlingo.load(tagger="nope")


def test_a_target_runs_the_translation_stages() -> None:
    message = small()("hola amigo", target="en")
    assert message.translation is not None and message.translation.strategy == "whole"
    assert small()(Message("hello friend")).translation is None


def test_pipe_batches_each_stage_and_keeps_the_input_order() -> None:
    tagger = FakeTagger(LEXICON)
    nlp = small(tagger)
    texts = ["hola amigo", "hello friend", "el reporte", "send", "amigo"]
    messages = list(nlp.pipe(texts, batch_size=2, target="en"))
    assert [m.text for m in messages] == texts
    assert [len(call) for call in tagger.calls] == [2, 2, 1]  # one tagger call per batch
    assert [m.translation.strategy for m in messages] == ["whole", "none", "whole", "none", "whole"]
    assert [m.tokens[0].lang for m in nlp.pipe(texts)] == ["es", "en", "es", "en", "es"]
    with pytest.raises(ValueError, match="batch_size"):
        list(nlp.pipe(texts, batch_size=0))


def test_stages_by_name() -> None:
    nlp = small()
    assert nlp.pipe_names == ["tokenize", "pair", "tag", "plan"]
    assert isinstance(nlp.get_pipe("tag"), TagLanguages)
    assert nlp.until("plan").pipe_names == ["tokenize", "pair", "tag"]
    with pytest.raises(KeyError, match="no stage named 'rerank'"):
        nlp.get_pipe("rerank")
    other = TagLanguages(FakeTagger({"hola": "en"}))
    nlp.replace_pipe("tag", other)
    assert nlp.get_pipe("tag") is other and nlp("hola").tokens[0].lang == "en"
    with nlp.select_pipes(disable=["tag"]):
        assert nlp.pipe_names == ["tokenize", "pair", "plan"]
        assert nlp("hola").tokens[0].lang is None
    assert nlp.pipe_names == ["tokenize", "pair", "tag", "plan"]
    with nlp.select_pipes(enable=["tokenize"]):
        assert nlp.pipe_names == ["tokenize"]
    with pytest.raises(ValueError, match="unique"):
        Pipeline([("a", Tokenize()), ("a", Tokenize())])
    assert Pipeline([Tokenize()]).pipe_names == ["Tokenize"]  # unnamed stages go by their class


def test_a_stage_by_name_and_class() -> None:
    nlp = small()
    assert nlp.get_pipe("tag", TagLanguages) is nlp.get_pipe("tag")  # typed: .taggers is known to mypy
    assert nlp.get_pipe("tag", TagLanguages).taggers
    with pytest.raises(TypeError, match="stage 'plan' is a PlanTranslation, not a TagLanguages"):
        nlp.get_pipe("plan", TagLanguages)
    with pytest.raises(KeyError, match="no stage named 'rerank'"):
        nlp.get_pipe("rerank", TagLanguages)


def test_hooks_see_every_stage_and_errors_name_the_stage() -> None:
    nlp = small()
    seen: list[str] = []
    nlp.hooks.append(lambda name, stage, seconds: seen.append(name) if seconds >= 0 else None)
    nlp("hola", target="en")
    assert seen == ["tokenize", "pair", "tag", "plan"]

    def broken(message: Message) -> Message:
        raise RuntimeError("boom")

    nlp.replace("plan", broken)
    with pytest.raises(RuntimeError) as caught:
        nlp("hola", target="en")
    assert "in pipeline stage 'plan' (function)" in caught.value.__notes__


def test_errors_keep_their_cause_for_the_log() -> None:
    from pydantic import ValidationError

    with pytest.raises(mixlingo.ConfigError) as caught:
        mixlingo.load(tagger="nope")
    assert isinstance(caught.value.__cause__, ValidationError)


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_input_is_an_input_error_like_the_cli_says(text: str) -> None:
    """The README says bad input raises InputError, and the CLI refuses an empty message; ``nlp("")`` returned one."""
    nlp = mixlingo.load(tagger="lexicon", rerank=False)
    for run in (lambda: nlp(text), lambda: nlp(text, target="en"), lambda: list(nlp.pipe(["hola", text]))):
        with pytest.raises(mixlingo.InputError, match="the message is empty"):
            run()


def test_an_upper_case_target_is_the_same_language() -> None:
    """``target="EN"`` looked for an es→EN model; it is English, like ``en``."""
    message = small()("hola amigo", target=" EN ")
    assert message.target == "en" and message.translation is not None and message.translation.strategy == "whole"
    assert [m.target for m in small().pipe(["hola"], target="Es")] == ["es"]
