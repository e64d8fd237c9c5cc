"""Job configuration: one frozen dataclass, loaded from TOML, overridden by CLI flags.

TOML files group the fields in sections (``[models]``, ``[runtime]``, ...) for readability; the
section names carry no meaning beyond that, and every field name is unique. CLI flags use the
same names in kebab-case (``batch_tokens`` <-> ``--batch-tokens``).
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BACKENDS = ("transformers", "ctranslate2")
DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("auto", "float32", "float16", "bfloat16")
QUANTIZE = ("auto", "none", "int8")
#: ``batch_tokens = 0`` (the default) picks the budget per backend, as measured on CPU with
#: ``scripts/bench.py`` (README, Performance): small batches suit torch's beam search (500 was
#: 2.4x faster than 6000); CTranslate2 ran 1.2x faster at 1000 than at 500 on one worker, and
#: ~6% on two (4 paired runs, one against; ~175 MB more). GPUs want far more (configs/gpu.toml).
AUTO_BATCH_TOKENS = {"transformers": 500, "ctranslate2": 1000}

#: Settings that change what is written. A finished article is skipped on rerun only when the
#: settings it was made with equal these; runtime-only knobs (device, batch size, threads,
#: engine) are left out so that moving a job to a GPU or a Ray pool does not redo finished work.
OUTPUT_SETTINGS = (
    "mt_model", "mt_revision", "sum_model", "sum_revision", "backend", "dtype", "quantize",
    "beams", "max_source_tokens", "max_length_factor", "max_length_offset", "retry_degenerate",
    "summary", "sum_beams", "sum_min_length", "sum_max_length",
)


@dataclass(frozen=True)
class JobConfig:
    """Every setting of a run, validated on creation."""

    # [models]
    mt_model: str = "Helsinki-NLP/opus-mt-ar-en"
    mt_revision: str | None = None
    sum_model: str = "sshleifer/distilbart-cnn-12-6"
    sum_revision: str | None = None
    allow_pickle: bool = False
    cache_dir: str | None = None
    # [runtime]
    backend: str = "transformers"
    device: str = "auto"
    dtype: str = "auto"
    quantize: str = "auto"
    threads: int = 0
    batch_tokens: int = 0  # 0: AUTO_BATCH_TOKENS[backend]
    min_batch_tokens: int = 64
    group_articles: int = 16
    # [translation]
    beams: int = 4
    max_source_tokens: int = 256
    max_length_factor: float = 1.5
    max_length_offset: int = 10
    retry_degenerate: bool = True
    # [summary]
    summary: bool = True
    sum_beams: int = 4
    sum_min_length: int = 56
    sum_max_length: int = 142
    # [input]
    max_file_bytes: int = 5_000_000

    def __post_init__(self) -> None:
        _choice("backend", self.backend, BACKENDS)
        _choice("device", self.device, DEVICES)
        _choice("dtype", self.dtype, DTYPES)
        _choice("quantize", self.quantize, QUANTIZE)
        for name in ("min_batch_tokens", "beams", "max_source_tokens",
                     "sum_beams", "sum_max_length", "max_file_bytes", "group_articles"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("threads", "batch_tokens", "sum_min_length", "max_length_offset"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must not be negative, got {getattr(self, name)}")
        if not math.isfinite(self.max_length_factor) or self.max_length_factor <= 0:
            raise ConfigError(f"max_length_factor must be positive, got {self.max_length_factor}")
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

    def output_settings(self) -> dict[str, Any]:
        """The settings that determine the output, as recorded beside every abstract."""
        return {name: getattr(self, name) for name in OUTPUT_SETTINGS}

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


_FIELDS = {f.name: f for f in fields(JobConfig)}


def _coerce(name: str, value: Any, where: str) -> Any:
    """Check a raw value against the field's declared type; TOML has no null, so "" means None."""
    kind = _FIELDS[name].type
    if "None" in kind and value in ("", None):
        return None
    base = kind.replace(" | None", "")
    ok = {
        "str": isinstance(value, str),
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
    }[base]
    if not ok:
        raise ConfigError(f"{where}: {name} must be {base}, got {value!r}")
    return float(value) if base == "float" else value


def load_config(path: Path | None = None, overrides: dict[str, Any] | None = None) -> JobConfig:
    """Build the config from defaults, an optional TOML file, then non-None overrides."""
    values: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except OSError as exc:  # a folder, no permission...
            raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        for section, table in data.items():
            items = table.items() if isinstance(table, dict) else [(section, table)]
            for key, value in items:
                if key not in _FIELDS:
                    raise ConfigError(f"{path}: unknown setting {key!r} in [{section}]")
                if key in values:
                    raise ConfigError(f"{path}: setting {key!r} given twice")
                values[key] = _coerce(key, value, str(path))
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key not in _FIELDS:
            raise ConfigError(f"unknown setting {key!r}")
        values[key] = _coerce(key, value, "command line")
    return JobConfig(**values)
