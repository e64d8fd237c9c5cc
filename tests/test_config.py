"""Config: defaults, TOML files, validation, overrides, output settings."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import pytest

from mtjob.choices import Backend, Device
from mtjob.config import OUTPUT_SETTINGS, JobConfig, load_config
from mtjob.errors import ConfigError

CONFIGS = sorted((Path(__file__).resolve().parent.parent / "configs").glob("*.toml"))


def write(tmp_path: Path, text: str, name: str = "job.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_valid() -> None:
    config = load_config()
    assert config == JobConfig()
    assert config.device == "auto" and config.backend in ("ctranslate2", "transformers")
    assert config.mt_revision is None


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        JobConfig().beams = 2  # type: ignore[misc]


def test_there_are_configs() -> None:
    assert {p.name for p in CONFIGS} >= {"default.toml", "cpu.toml", "gpu.toml", "fast-cpu.toml"}


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_shipped_config_loads(path: Path) -> None:
    config = load_config(path)
    assert isinstance(config, JobConfig)


def test_default_toml_lists_every_setting() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    from mtjob.config import FIELDS

    data = tomllib.loads(CONFIGS[[p.name for p in CONFIGS].index("default.toml")].read_text())
    listed = {key for table in data.values() for key in table}
    assert listed == set(FIELDS)


def test_default_toml_equals_defaults() -> None:
    assert load_config(CONFIGS[[p.name for p in CONFIGS].index("default.toml")]) == JobConfig()


def test_gpu_and_cpu_profiles_differ_as_documented() -> None:
    by_name = {p.name: load_config(p) for p in CONFIGS}
    assert by_name["gpu.toml"].device == "cuda" and by_name["gpu.toml"].batch_tokens == 24000
    assert by_name["cpu.toml"] == JobConfig(device=Device.CPU)
    assert by_name["fast-cpu.toml"].beams == 1


@pytest.mark.parametrize("text, key", [
    ("[runtime]\nbatch_size = 4\n", "batch_size"),
    ("[models]\nmt_modle = \"x\"\n", "mt_modle"),
    ("beem = 3\n", "beem"),
    ("[runtime.more]\nthreads = 2\n", "more"),
])
def test_unknown_key_names_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value) and repr(key) in str(info.value)


@pytest.mark.parametrize("text, key", [
    ("[runtime]\nbatch_tokens = \"6000\"\n", "batch_tokens"),
    ("[runtime]\nthreads = 1.5\n", "threads"),
    ("[translation]\nbeams = true\n", "beams"),
    ("[summary]\nsummary = \"yes\"\n", "summary"),
    ("[translation]\nmax_length_factor = \"1.5\"\n", "max_length_factor"),
    ("[models]\nmt_model = 5\n", "mt_model"),
    ("[models]\nmt_revision = 3\n", "mt_revision"),
])
def test_wrong_type(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value) and key in str(info.value)


@pytest.mark.parametrize("text, message", [
    ("[runtime]\ndevice = \"tpu\"\n", "device"),
    ("[runtime]\nbackend = \"onnx\"\n", "backend"),
    ("[runtime]\ndtype = \"int4\"\n", "dtype"),
    ("[runtime]\nbatch_tokens = -1\n", "batch_tokens"),
    ("[runtime]\nthreads = -1\n", "threads"),
    ("[runtime]\nbatch_tokens = 32\nmin_batch_tokens = 64\n", "min_batch_tokens"),
    ("[summary]\nsum_min_length = 200\nsum_max_length = 100\n", "sum_min_length"),
    ("[translation]\nmax_length_factor = 0\n", "max_length_factor"),
    ("[translation]\nmax_length_factor = nan\n", "max_length_factor"),
    ("[translation]\nmax_length_factor = inf\n", "max_length_factor"),
    ("[models]\nmt_model = \"\"\n", "mt_model"),
    ("[runtime]\nbeams = 2\n[translation]\nbeams = 3\n", "twice"),
    ("[runtime\nbroken", "not valid TOML"),
])
def test_invalid_values(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text))


def test_float_field_accepts_int(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[translation]\nmax_length_factor = 2\n"))
    assert config.max_length_factor == 2.0 and isinstance(config.max_length_factor, float)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.toml")


def test_unreadable_path_is_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path)  # a folder


def test_not_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b"beams = 4 # \xff\n")
    with pytest.raises(ConfigError, match=str(path)):
        load_config(path)


def test_overrides_win_and_none_is_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "[runtime]\nbatch_tokens = 4000\ndevice = \"cpu\"\n"
                           "[translation]\nbeams = 2\n")
    config = load_config(path, {"batch_tokens": 1234, "device": None, "beams": None,
                                "max_length_offset": 3})
    assert config.batch_tokens == 1234        # override beats file
    assert config.device == "cpu"             # None override keeps the file's value
    assert config.beams == 2
    assert config.max_length_offset == 3      # override beats default
    assert load_config(None, {"device": None}).device == "auto"


@pytest.mark.parametrize("overrides, message", [
    ({"device": "tpu"}, "device"),
    ({"batch_tokens": "many"}, "batch_tokens"),
    ({"beams": True}, "beams"),
    ({"no_such_flag": 1}, "no_such_flag"),
    ({"beams": 0}, "beams"),
])
def test_bad_overrides(overrides: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(None, overrides)


def test_empty_string_means_none_for_optional() -> None:
    assert load_config(None, {"mt_revision": ""}).mt_revision is None
    assert load_config(None, {"mt_revision": "abc123"}).mt_revision == "abc123"


def test_output_settings_exclude_runtime_knobs() -> None:
    base = JobConfig()
    settings = base.output_settings()
    assert set(settings) == set(OUTPUT_SETTINGS)
    for knob in ("device", "batch_tokens", "threads", "min_batch_tokens", "group_articles",
                 "cache_dir", "allow_pickle"):
        assert knob not in settings
    moved = load_config(None, {"device": "cuda", "batch_tokens": 24000, "threads": 8})
    assert moved.output_settings() == settings
    assert load_config(None, {"beams": 1}).output_settings() != settings
    assert settings["mt_model"] == base.mt_model and settings["beams"] == base.beams


def test_to_json_round_trip() -> None:
    import json

    config = load_config(None, {"beams": 2, "mt_revision": "v1"})
    assert JobConfig(**json.loads(config.to_json())) == config


@pytest.mark.parametrize("backend, batch_tokens, budget", [
    (Backend.TRANSFORMERS, 0, 500), (Backend.CTRANSLATE2, 0, 1000),
    (Backend.CTRANSLATE2, 300, 300),
])
def test_token_budget_per_backend(backend: Backend, batch_tokens: int, budget: int) -> None:
    assert JobConfig(backend=backend, batch_tokens=batch_tokens).token_budget == budget


@pytest.mark.parametrize("installed, backend, budget", [
    (True, Backend.CTRANSLATE2, 1000), (False, Backend.TRANSFORMERS, 500)])
def test_auto_backend_is_resolved_once(monkeypatch: pytest.MonkeyPatch, installed: bool,
                                       backend: Backend, budget: int) -> None:
    """auto becomes the concrete backend at creation: the budget, the settings recorded in
    every abstract (so a rerun with auto skips) and config.json all name the one chosen."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: (
        (real("json") if installed else None) if name == "ctranslate2" else real(name, *a)))
    config = JobConfig(backend=Backend.AUTO)
    assert config.backend == backend and config.token_budget == budget
    assert config.output_settings()["backend"] == backend
    assert JobConfig(**json.loads(config.to_json())) == config
    assert JobConfig(backend=Backend.TRANSFORMERS).backend is Backend.TRANSFORMERS


def test_min_batch_tokens_is_checked_against_the_auto_budget() -> None:
    with pytest.raises(ConfigError, match=r"min_batch_tokens.*\(500\)"):
        JobConfig(backend=Backend.TRANSFORMERS, min_batch_tokens=600)
    assert JobConfig(backend=Backend.CTRANSLATE2, min_batch_tokens=600).token_budget == 1000
