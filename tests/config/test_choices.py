"""The config's closed choices are enums (issue 30): a word from TOML, a flag or the API
becomes its member when the config is built, and everything written from the config (the
resolved config beside the outputs, the settings and skip key of every article) holds the
very words it held when the fields were strings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mtjob.choices import (
    Backend,
    Consistency,
    Device,
    DType,
    EngineKind,
    LangCheck,
    Quantize,
    TermsMode,
    resolve_backend,
)
from mtjob.cli import app
from mtjob.config import CHOICES, JobConfig, load_config
from mtjob.errors import ConfigError
from mtjob.outfolder.index import skip_key
from mtjob.vocabulary import Role

# Plain words, as TOML, a flag or an untyped caller of the API hands them over (the config
# turns each into its member): Any, since the fields are typed with the members.
WORDS: dict[str, Any] = {
    "backend": "transformers", "device": "cpu", "dtype": "float32", "quantize": "none",
    "lang_check": "off", "engine": "local", "terms": "flag", "consistency": "run"}


def test_every_choice_field_is_typed_with_its_enum():
    assert CHOICES == {"backend": Backend, "device": Device, "dtype": DType,
                       "quantize": Quantize, "lang_check": LangCheck, "engine": EngineKind,
                       "terms": TermsMode, "consistency": Consistency}


def test_words_from_toml_flags_and_the_api_become_members(tmp_path: Path):
    toml = tmp_path / "c.toml"
    toml.write_text("".join(f'{k} = "{v}"\n' for k, v in WORDS.items()))
    for config in (load_config(toml), JobConfig(**WORDS),
                   load_config(None, {k: CHOICES[k](v) for k, v in WORDS.items()})):
        for name, word in WORDS.items():
            value = getattr(config, name)
            assert type(value) is CHOICES[name] and value == word, name
    assert load_config(toml) == JobConfig(**WORDS)  # the same config, the same hash
    assert hash(load_config(toml)) == hash(JobConfig(**WORDS))


def test_what_the_config_writes_is_byte_for_byte_the_words():
    """The member-typed config writes what a config of plain strings wrote: so no finished
    article is redone (its settings and skip key are equal) and config.json is unchanged."""
    config = JobConfig(**WORDS)
    as_words = {**config.to_dict(), **WORDS}
    assert config.to_json() == json.dumps(as_words, indent=2, sort_keys=True) + "\n"
    settings = config.output_settings()
    words = {k: (WORDS.get(k, v)) for k, v in settings.items()}
    assert json.dumps(settings, sort_keys=True) == json.dumps(words, sort_keys=True)
    revisions = {Role.MT: "a" * 40, Role.SUMMARY: "b" * 40}
    # the revisions keyed by plain words, as before the roles were members: the same key
    word_revisions: dict[Any, str] = {"mt": "a" * 40, "summary": "b" * 40}
    assert skip_key(settings, revisions) == skip_key(words, word_revisions)


def test_a_wrong_word_names_the_allowed_ones(tmp_path: Path):
    with pytest.raises(ConfigError, match="dtype must be one of auto, float32, float16, "
                                          "bfloat16; got 'float8'"):
        JobConfig(dtype="float8")  # type: ignore[arg-type]  # a wrong word, to be refused
    toml = tmp_path / "c.toml"
    toml.write_text("device = 3\n")
    with pytest.raises(ConfigError, match="device must be str, got 3"):
        load_config(toml)
    result = CliRunner().invoke(app, ["run", str(tmp_path), "--lang-check", "maybe"])
    assert result.exit_code == 2 and "on, off" in result.output.replace("'", "")


def test_auto_resolves_to_a_backend_member():
    assert resolve_backend("ctranslate2") is Backend.CTRANSLATE2
    assert type(resolve_backend(Backend.AUTO)) is Backend
    assert type(JobConfig().backend) is Backend and JobConfig().backend != Backend.AUTO
