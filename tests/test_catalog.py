"""genmedia_skills.validation.catalog: the model and parameter tables read as plain JSON."""

import json

import pytest

from conftest import ROOT
from genmedia_skills.validation import catalog

NAME = "giggle/image-catalog.json"
RAW = json.loads((ROOT / "schemas" / NAME).read_text(encoding="utf-8"))
DEF_KEYS = sorted(RAW["$defs"])
MODELS = [entry["const"] for entry in RAW["$defs"]["model"]["oneOf"]]


def test_the_catalog_defines_the_expected_parameters():
    assert set(DEF_KEYS) == {"model", "aspect_ratio", "resolution", "generate_count", "reference"}


@pytest.mark.parametrize("key", DEF_KEYS)
def test_param_returns_each_definition_as_in_the_file(key):
    assert catalog.param(NAME, key) == RAW["$defs"][key]


def test_param_of_an_unknown_key_raises_key_error():
    with pytest.raises(KeyError):
        catalog.param(NAME, "no_such_parameter")


def test_load_is_cached_and_equals_the_file():
    first = catalog.load(NAME)
    assert first == RAW
    assert catalog.load(NAME) is first


def test_choices_of_an_enum_in_catalog_order():
    assert catalog.choices(catalog.param(NAME, "aspect_ratio")) == [
        "16:9", "9:16", "1:1", "3:4", "4:3", "2:3", "3:2", "21:9", "auto"]
    assert catalog.choices(catalog.param(NAME, "resolution")) == ["1K", "2K", "4K"]


def test_choices_of_a_oneof_are_its_consts_in_order():
    assert catalog.choices(catalog.param(NAME, "model")) == MODELS
    assert MODELS == ["seedream45", "midjourney", "nano-banana-2", "nano-banana-2-fast", "gpt-image-2-fast"]


def test_choices_of_plain_definitions():
    assert catalog.choices(catalog.param(NAME, "generate_count")) == []
    assert catalog.choices({}) == []
    assert catalog.choices({"enum": []}) == []
    # enum wins over oneOf when a definition has both
    assert catalog.choices({"enum": ["a"], "oneOf": [{"const": "b"}]}) == ["a"]


def test_choices_returns_a_copy():
    definition = catalog.param(NAME, "resolution")
    values = catalog.choices(definition)
    values.append("8K")
    assert catalog.choices(definition) == ["1K", "2K", "4K"]
    assert definition["enum"] == ["1K", "2K", "4K"]


@pytest.mark.parametrize("model", MODELS)
def test_option_finds_the_oneof_entry(model):
    entry = catalog.option(catalog.param(NAME, "model"), model)
    assert entry["const"] == model
    assert entry["description"]


def test_option_of_unknown_values_is_empty():
    model = catalog.param(NAME, "model")
    assert catalog.option(model, "dall-e-3") == {}
    assert catalog.option(model, None) == {}
    assert catalog.option(model, "SEEDREAM45") == {}   # exact: normalization is the caller's job
    assert catalog.option(catalog.param(NAME, "aspect_ratio"), "16:9") == {}   # an enum has no entries


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_an_expected_window(model):
    window = catalog.option(catalog.param(NAME, "model"), model)["x-expected-seconds"]
    assert isinstance(window, list) and len(window) == 2
    lo, hi = window
    assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in window)
    assert 0 < lo < hi


@pytest.mark.parametrize("key", [k for k in DEF_KEYS if catalog.choices(RAW["$defs"][k])])
def test_defaults_are_among_the_choices(key):
    definition = catalog.param(NAME, key)
    assert definition["default"] in catalog.choices(definition)


def test_choices_are_unique():
    for key in DEF_KEYS:
        values = catalog.choices(catalog.param(NAME, key))
        assert len(values) == len(set(values)), key
        # case-insensitive matching in the CLI needs them unique ignoring case too
        assert len({v.lower() for v in values}) == len(values), key


def test_count_default_is_within_its_bounds():
    count = catalog.param(NAME, "generate_count")
    assert count["type"] == "integer"
    assert 1 <= count["minimum"] <= count["default"] <= count["maximum"]


def test_every_definition_with_a_default_has_a_valid_one():
    for key in DEF_KEYS:
        definition = catalog.param(NAME, key)
        if "default" not in definition:
            assert key == "reference"
            continue
        if catalog.choices(definition):
            assert definition["default"] in catalog.choices(definition)
        else:
            assert definition["minimum"] <= definition["default"] <= definition["maximum"]
