"""Where a run's settings come from: the defaults, then a TOML file, then the flags (or the
API's keywords), each value checked against its field's type, and naming the file and key
when it does not fit. Words of a closed set become their enum members when the config is
built."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .job_config import CHOICES, FIELDS, JobConfig, base_type

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _coerce(name: str, value: Any, where: str) -> Any:
    """Check a raw value against the field's type; TOML has no null, so "" means None."""
    kind, optional = base_type(name)
    if optional and value in ("", None):
        return None
    if isinstance(value, Enum):
        value = value.value
    if name in CHOICES:
        kind = str  # __post_init__ names the allowed words
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
        from ..inputs.pathcheck import read_setting_file

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
