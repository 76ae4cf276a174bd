"""Direction → model: one pure function for models pull, the translators and the factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from mixlingo.adapters.marian import MarianTranslator
from mixlingo.cli.models import _models_to_pull
from mixlingo.config import load_settings
from mixlingo.core.errors import InputError
from mixlingo.nlp.directions import TARGET_IDS, Route, candidates, hops, key_languages, model_for, models_into, target_ids

MODELS = {"es-en": "direct/es-en", "mul-en": "any/into-en", "en-mul": "en/into-any", "fr-mul": "fr/into-any"}


def served(route: Route | None) -> tuple[str, str] | None:
    """(model, input prefix) of a route."""
    return None if route is None else (route.model, route.prefix)


def test_a_direct_model_comes_first() -> None:
    assert served(model_for(MODELS, "es", "en")) == ("direct/es-en", "")


def test_then_a_multi_source_model() -> None:
    assert served(model_for(MODELS, "de", "en")) == ("any/into-en", "")


def test_then_a_multi_target_model_with_its_target_token() -> None:
    assert served(model_for(MODELS, "en", "de")) == ("en/into-any", ">>de<< ")
    assert served(model_for(MODELS, "fr", "en")) == ("any/into-en", "")  # mul-en before fr-mul


def test_none_when_nothing_serves_it() -> None:
    assert model_for(MODELS, "de", "es") is None
    assert model_for({}, "es", "en") is None


def test_keys_match_in_any_case() -> None:
    assert served(model_for({"ES-EN": "a"}, "es", "en")) == ("a", "")
    assert served(model_for({"EN-MUL": "b"}, "en", "de")) == ("b", ">>de<< ")


def test_models_into_a_target() -> None:
    assert models_into(MODELS, "en") == ["direct/es-en", "any/into-en", "en/into-any", "fr/into-any"]
    assert models_into({"es-en": "a", "en-es": "b"}, "es") == ["b"]


@pytest.mark.parametrize("source, target", [("es", "en"), ("de", "en"), ("en", "de"), ("de", "es")])
def test_every_caller_asks_the_same_function(source: str, target: str, tmp_path: Path) -> None:
    expected = model_for(MODELS, source, target)
    assert MarianTranslator(MODELS, cache_dir=tmp_path).model_for(source, target) == expected
    settings = load_settings(translation_models=MODELS)
    if expected is None:
        with pytest.raises(InputError, match=f"no translation model configured for {source}-{target}"):
            _models_to_pull(settings, [f"{source}-{target}"])
    else:
        assert _models_to_pull(settings, [f"{source}-{target}"]) == [expected.model]


# English and the twelve South Asian languages: the published opus-mt models, with nothing configured.
HUB = "Helsinki-NLP/opus-mt-"
INTO_ENGLISH = {
    "bn": "bn-en", "hi": "hi-en", "ml": "ml-en", "mr": "mr-en", "pa": "pa-en", "ur": "ur-en",  # direct
    "kn": "dra-en", "ta": "dra-en", "te": "dra-en",  # Dravidian group
    "gu": "inc-en", "sd": "inc-en", "si": "inc-en",  # Indic group
}
FROM_ENGLISH = {
    "hi": ("en-hi", ""), "ml": ("en-ml", ""), "mr": ("en-mr", ""), "ur": ("en-ur", ""),
    "kn": ("en-dra", ">>kan<< "), "ta": ("en-dra", ">>tam<< "), "te": ("en-dra", ">>tel<< "),
    "bn": ("en-inc", ">>ben<< "), "gu": ("en-inc", ">>guj<< "), "pa": ("en-inc", ">>pan_Guru<< "),
    "sd": ("en-inc", ">>snd_Arab<< "), "si": ("en-inc", ">>sin<< "),
}


@pytest.mark.parametrize("lang", sorted(INTO_ENGLISH))
def test_into_english_a_direct_model_then_the_group_then_mul(lang: str) -> None:
    routes = candidates({}, lang, "en")
    assert served(routes[0]) == (HUB + INTO_ENGLISH[lang], "")
    assert routes[0].kind == ("group" if INTO_ENGLISH[lang].startswith(("dra", "inc")) else "direct")
    assert served(routes[-1]) == (HUB + "mul-en", "") and routes[-1].kind == "multilingual"
    group = "dra" if lang in ("kn", "ml", "ta", "te") else "inc"
    assert [r.key for r in routes] == list(dict.fromkeys([INTO_ENGLISH[lang], f"{group}-en", "mul-en"]))
    assert not any(r.configured for r in routes)


@pytest.mark.parametrize("lang", sorted(FROM_ENGLISH))
def test_from_english_the_group_and_mul_models_get_the_languages_target_token(lang: str) -> None:
    key, prefix = FROM_ENGLISH[lang]
    routes = candidates({}, "en", lang)
    assert served(routes[0]) == (HUB + key, prefix)
    token = f">>{TARGET_IDS[lang]}<< "
    group = "dra" if lang in ("kn", "ml", "ta", "te") else "inc"
    assert served(routes[-2]) == (HUB + f"en-{group}", token)
    assert served(routes[-1]) == (HUB + "en-mul", token) and routes[-1].kind == "multilingual"


def test_every_one_of_the_twelve_is_served_both_ways() -> None:
    assert sorted(TARGET_IDS) == sorted(["hi", "bn", "gu", "kn", "ml", "mr", "pa", "sd", "si", "ta", "te", "ur"])
    for lang in TARGET_IDS:
        assert model_for({}, lang, "en") is not None and model_for({}, "en", lang) is not None


def test_a_configured_direction_or_group_key_comes_before_the_published_model() -> None:
    assert served(model_for({"ta-en": "/models/my-ta-en"}, "ta", "en")) == ("/models/my-ta-en", "")
    local_group = model_for({"EN-DRA": "/models/en-dra"}, "en", "te")
    assert local_group is not None and served(local_group) == ("/models/en-dra", ">>tel<< ") and local_group.configured
    assert model_for({"dra-en": "/models/dra-en"}, "ml", "en").model == HUB + "ml-en"  # the direct model still first
    # a configured mul-en (the default setting) stays behind the group model
    assert [r.key for r in candidates({"mul-en": HUB + "mul-en"}, "ta", "en")] == ["dra-en", "mul-en"]


def test_a_model_that_cannot_load_gives_way_to_the_next_and_the_preferred_is_named_when_none_can() -> None:
    downloaded = {HUB + "mul-en", HUB + "en-mul"}
    assert model_for({}, "ta", "en", downloaded.__contains__).model == HUB + "mul-en"
    assert served(model_for({}, "en", "si", downloaded.__contains__)) == (HUB + "en-mul", ">>sin<< ")
    assert model_for({}, "ta", "en", lambda model: False).model == HUB + "dra-en"


def test_other_languages_get_no_published_model() -> None:
    assert candidates({}, "de", "en") == [] and candidates({}, "en", "ne") == []
    assert candidates({}, "ta", "hi") == []  # no model between two of them: through English


def test_a_pair_without_english_goes_through_english() -> None:
    assert [served(r) for r in hops({}, "ta", "ur") or []] == [(HUB + "dra-en", ""), (HUB + "en-ur", "")]
    assert hops({}, "de", "fr") is None


def test_target_ids_try_the_cards_id_then_the_code_then_iso_639_3() -> None:
    assert target_ids("pa") == ("pan_Guru", "pa", "pan")
    assert target_ids("ta") == ("tam", "ta")
    assert target_ids("es") == ("es", "spa")  # en-ROMANCE has >>es<<, en-mul >>spa<<


def test_models_into_english_include_what_the_pairs_languages_need() -> None:
    assert models_into({}, "en", ["en", "ta"]) == [HUB + "dra-en", HUB + "mul-en"]
    assert models_into({"es-en": "a"}, "en", ["ur"]) == ["a", HUB + "ur-en", HUB + "inc-en", HUB + "mul-en"]


def test_a_direction_key_names_languages_not_groups() -> None:
    assert key_languages("en-dra") == ["en"] and key_languages("inc-en") == ["en"] and key_languages("mul-en") == ["en"]
    assert key_languages("en-ta") == ["en", "ta"]


def test_models_pull_takes_what_the_configured_pairs_need(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIXLINGO_PAIRS", "en-ta,en-ur")
    pulled = _models_to_pull(load_settings(), None)
    assert {HUB + "dra-en", HUB + "en-dra", HUB + "ur-en", HUB + "en-ur"} <= set(pulled)
    assert HUB + "inc-en" not in pulled and HUB + "en-mul" not in pulled  # stand-ins are not needed
    assert _models_to_pull(load_settings(), ["en-ta"]) == [HUB + "en-dra"]
