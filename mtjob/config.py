"""Job configuration: one frozen dataclass, loaded from TOML, overridden by CLI flags.

Each field carries its own help text, help panel, choices and whether it changes the output;
the CLI flags, the TOML keys and the settings recorded beside every abstract all derive from
the fields. TOML files group the fields in sections (``[models]``, ``[runtime]``, ...) for
readability; the section names carry no meaning, and every field name is unique. CLI flags
use the same names in kebab-case (``batch_tokens`` <-> ``--batch-tokens``).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import sys
import typing
from dataclasses import dataclass, fields
from enum import Enum
from pathlib import Path
from typing import Any

from .choices import Backend, Device, DType, EngineKind, LangCheck, Quantize, resolve_backend
from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


#: ``batch_tokens = 0`` (the default) picks the budget per backend, as measured on CPU with
#: ``python -m scripts.bench`` (README, Performance). GPUs want far more (configs/gpu.toml).
AUTO_BATCH_TOKENS = {"transformers": 500, "ctranslate2": 1000}

MODELS, DECODING, PERFORMANCE, OUTPUT, CLUSTER = (
    "Models", "Decoding", "Performance", "Output", "Cluster")


def setting(default: Any, help: str, panel: str, *, output: bool = False,
            choices: type[Enum] | None = None,
            bounds: tuple[float, float] | None = None) -> Any:
    """A config field with what the CLI and the provenance need to know about it. ``output``:
    the setting changes what is written, so a finished article made with another value is
    redone; runtime-only knobs (device, batch size, threads, engine) are not, so moving a job
    to a GPU or a Ray pool does not redo finished work. ``bounds``: the sane range of a
    number (inclusive); values outside it fail validation instead of crashing a run."""
    return dataclasses.field(default=default, metadata={
        "help": help, "panel": panel, "output": output, "choices": choices, "bounds": bounds})


def max_threads() -> int:
    """Threads a run may ask for: 4 per core this process may use (more cannot help, and
    libgomp crashes when it cannot create them)."""
    return 4 * max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                   else os.cpu_count() or 1)


@dataclass(frozen=True)
class JobConfig:
    """Every setting of a run, validated on creation."""

    # [models]
    mt_model: str = setting("Helsinki-NLP/opus-mt-ar-en", "Translation model: hub id or local "
                            "folder.", MODELS, output=True)
    mt_revision: str | None = setting(None, "Hub revision (commit) of the translation model.",
                                      MODELS, output=True)
    sum_model: str = setting("sshleifer/distilbart-cnn-12-6", "Summarization model: hub id or "
                             "local folder.", MODELS, output=True)
    sum_revision: str | None = setting(None, "Hub revision (commit) of the summarizer.",
                                       MODELS, output=True)
    allow_pickle: bool = setting(False, "Load pickle (pytorch_model.bin) weights: trusted "
                                 "models only.", MODELS)
    cache_dir: str | None = setting(None, "Hugging Face cache folder (default: HF_HOME).",
                                    MODELS)
    # [runtime]
    backend: str = setting("auto", "Inference library. auto: ctranslate2 when installed, "
                           "else transformers (the exact reference).", PERFORMANCE,
                           output=True, choices=Backend)
    device: str = setting("auto", "auto: a GPU when one is visible, else the CPU.",
                          PERFORMANCE, choices=Device)
    dtype: str = setting("auto", "auto: float32 on CPU, bfloat16/float16 on GPU.", PERFORMANCE,
                         output=True, choices=DType)
    quantize: str = setting("auto", "auto: int8 on CPU for ctranslate2, none for "
                            "transformers.", PERFORMANCE, output=True, choices=Quantize)
    threads: int = setting(0, "CPU threads (0: every core this process may use).", PERFORMANCE)
    batch_tokens: int = setting(0, "Padded source tokens per batch (0: per backend, 500 for "
                                "transformers, 1000 for ctranslate2).", PERFORMANCE,
                                bounds=(0, 10_000_000))
    min_batch_tokens: int = setting(64, "Smallest token budget after out-of-memory halving.",
                                    PERFORMANCE, bounds=(1, 1_000_000))
    group_articles: int = setting(16, "Articles whose sentences share batches.", PERFORMANCE,
                                  bounds=(1, 100_000))
    shortlist: str | None = setting(None, "Vocabulary shortlist file, or auto (mtjob models "
                                    "shortlist): faster, may change a few words.", PERFORMANCE)
    # [translation]
    beams: int = setting(4, "Beam size for translation.", DECODING, output=True, bounds=(1, 64))
    max_source_tokens: int = setting(256, "Longest segment sent to the model (longer "
                                     "sentences are split, never cut).", DECODING, output=True,
                                     bounds=(1, 100_000))
    max_length_factor: float = setting(1.5, "Output limit per segment: factor x source "
                                       "tokens + offset.", DECODING, output=True,
                                       bounds=(0.01, 10))
    max_length_offset: int = setting(10, "Output limit per segment: added tokens.", DECODING,
                                     output=True, bounds=(0, 10_000))
    retry_degenerate: bool = setting(True, "Retry flagged segments once with anti-repetition "
                                     "settings.", DECODING, output=True)
    # [trust] (README, Trust signals)
    min_score: float = setting(-1.5, "Flag low_confidence below this mean log-prob per token "
                               "(not yet calibrated: README, Trust signals).", DECODING,
                               output=True, bounds=(-100, 0))
    max_uncovered: float = setting(0.4, "Flag source_uncovered when more than this share of "
                                   "source words is unaligned (with --alignments).", DECODING,
                                   output=True, bounds=(0, 1))
    alignment_layer: int = setting(-2, "Decoder layer whose cross-attention gives the "
                                   "alignments (negative: from the last).", DECODING,
                                   output=True, bounds=(-64, 64))
    # [summary]
    summary: bool = setting(True, "Write an English abstract per article.", OUTPUT,
                            output=True)
    sum_beams: int = setting(4, "Beam size for the abstract.", DECODING, output=True,
                             bounds=(1, 64))
    sum_min_length: int = setting(56, "Shortest abstract, in tokens.", DECODING, output=True,
                                  bounds=(0, 100_000))
    sum_max_length: int = setting(142, "Longest abstract, in tokens.", DECODING, output=True,
                                  bounds=(1, 100_000))
    # [input]
    max_file_bytes: int = setting(5_000_000, "Refuse input files larger than this.", OUTPUT,
                                  bounds=(1, 2**31))
    lang_check: str = setting("on", "Identify each paragraph's language offline: other "
                              "languages are flagged lang and copied, not translated; an "
                              "article mostly not Arabic is flagged not_arabic.", OUTPUT,
                              output=True, choices=LangCheck)
    # [trust] (README, Trust signals)
    alignments: bool = setting(False, "Record word alignments per sentence (and flag "
                               "source_uncovered).", OUTPUT, output=True)
    glossary: str | None = setting(None, "TSV of Arabic terms and expected renderings "
                                   "(term TAB a|b): misses are flagged.", OUTPUT)
    memory: str | None = setting(None, "Translation memory (SQLite, from mtjob memory add), "
                                 "opened read-only: an exact match is taken instead of "
                                 "decoded, a close one kept as a suggestion. Not part of the "
                                 "skip key: --force applies a newer memory.", OUTPUT)
    report: bool = setting(False, "Write the HTML review pages into OUT/report/ as the run "
                           "goes (open OUT/report/index.html).", OUTPUT)
    text: bool = setting(False, "Also write OUT/NAME.en.txt: the English, a blank line between "
                         "paragraphs, for reading in an editor.", OUTPUT)
    # [cluster]
    engine: str = setting("local", "Where model calls run: this process or Ray actors.",
                          CLUSTER, choices=EngineKind)
    address: str | None = setting(None, "Ray cluster address (ray engine; default: start a "
                                  "local Ray).", CLUSTER)
    workers: int = setting(2, "Ray model actors (ray engine).", CLUSTER, bounds=(1, 4096))
    actor_start_timeout: float = setting(600.0, "Seconds to wait for the Ray model actors to "
                                         "start before giving up (ray engine).", CLUSTER,
                                         bounds=(1, 86_400))
    gpus_per_worker: float = setting(0.0, "GPUs per Ray actor (ray engine).", CLUSTER,
                                     bounds=(0, 64))

    def __post_init__(self) -> None:
        if self.backend == Backend.auto.value:  # resolved once: the outputs record the choice
            object.__setattr__(self, "backend", resolve_backend(self.backend))
        for f in fields(self):
            choices = f.metadata.get("choices")
            value = getattr(self, f.name)
            if choices is not None and value not in {c.value for c in choices}:
                allowed = ", ".join(c.value for c in choices)
                raise ConfigError(f"{f.name} must be one of {allowed}; got {value!r}")
            if isinstance(value, str) and any("\ud800" <= c <= "\udfff" for c in value):
                raise ConfigError(f"{f.name} {value!r} is not valid UTF-8 (rename it)")
            low, high = f.metadata["bounds"] or (None, None)
            if f.name == "threads":
                low, high = 0, max_threads()
            if low is not None and not (math.isfinite(value) and low <= value <= high):
                raise ConfigError(f"{f.name} must be between {low:g} and {high:g}, got {value!r}")
        if self.min_batch_tokens > self.token_budget:
            raise ConfigError(f"min_batch_tokens must not exceed batch_tokens "
                              f"({self.token_budget})")
        if self.sum_min_length > self.sum_max_length:
            raise ConfigError("sum_min_length must not exceed sum_max_length")
        if not self.mt_model or not self.sum_model:
            raise ConfigError("mt_model and sum_model must not be empty")

    @property
    def token_budget(self) -> int:
        """Padded source tokens per batch: ``batch_tokens``, or the backend's default if 0."""
        return self.batch_tokens or AUTO_BATCH_TOKENS[self.backend]

    def output_settings(self, glossary_sha256: str | None = None) -> dict[str, Any]:
        """The settings that determine the output, as recorded beside every abstract
        (``glossary_sha256``: the hash of the glossary as a run loaded it)."""
        settings = {name: getattr(self, name) for name in OUTPUT_SETTINGS}
        if self.glossary is not None:  # its content, not its path, shapes the output
            from .text.glossary import load_once

            settings["glossary_sha256"] = glossary_sha256 or load_once(self.glossary)[1]
        return settings

    def to_dict(self) -> dict[str, Any]:  # no shortlist key when unset: the bytes of before
        return {k: v for k, v in dataclasses.asdict(self).items() if v or k != "shortlist"}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"


FIELDS = {f.name: f for f in fields(JobConfig)}
#: The field types, resolved once: ``str``, ``int``, ``float``, ``bool``, or ``X | None``.
TYPES = typing.get_type_hints(JobConfig)
OUTPUT_SETTINGS = tuple(name for name, f in FIELDS.items() if f.metadata["output"])


def base_type(name: str) -> tuple[type, bool]:
    """(the field's type without ``None``, whether ``None`` is allowed)."""
    kind = TYPES[name]
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    return (args[0], True) if args else (kind, False)


def _coerce(name: str, value: Any, where: str) -> Any:
    """Check a raw value against the field's type; TOML has no null, so "" means None."""
    kind, optional = base_type(name)
    if optional and value in ("", None):
        return None
    if isinstance(value, Enum):
        value = value.value
    ok = {
        str: isinstance(value, str),
        bool: isinstance(value, bool),
        int: isinstance(value, int) and not isinstance(value, bool),
        float: isinstance(value, (int, float)) and not isinstance(value, bool),
    }[kind]
    if not ok:
        raise ConfigError(f"{where}: {name} must be {kind.__name__}, got {value!r}")
    return float(value) if kind is float else value


def load_config(path: Path | None = None, overrides: dict[str, Any] | None = None) -> JobConfig:
    """Build the config from defaults, an optional TOML file, then non-None overrides."""
    values: dict[str, Any] = {}
    if path is not None:
        from .inputs.pathcheck import read_setting_file

        try:  # a folder, a FIFO, no permission...: a ConfigError naming it, never a hang
            data = tomllib.loads(read_setting_file(path, "config file").decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        for section, table in data.items():
            items = table.items() if isinstance(table, dict) else [(section, table)]
            for key, value in items:
                if key not in FIELDS:
                    raise ConfigError(f"{path}: unknown setting {key!r} in [{section}]")
                if key in values:
                    raise ConfigError(f"{path}: setting {key!r} given twice")
                values[key] = _coerce(key, value, str(path))
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key not in FIELDS:
            raise ConfigError(f"unknown setting {key!r}")
        values[key] = _coerce(key, value, "command line")
    return JobConfig(**values)
