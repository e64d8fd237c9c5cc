"""The configuration reference: every field of ``JobConfig``, grouped by the section that
``configs/default.toml`` puts it in, with its flag, default, allowed values or range, whether
it shapes the output (a finished article made with another value is redone) and its help."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BAR = "\\|"  # a | inside a table cell
DEFAULTS = Path(__file__).resolve().parents[2] / "configs" / "default.toml"


def sections() -> dict[str, str]:
    """Each setting's section in ``configs/default.toml`` (``beams`` -> ``translation``)."""
    data = tomllib.loads(DEFAULTS.read_text(encoding="utf-8"))
    return {key: section for section, table in data.items() for key in table}


def _value(value: Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _allowed(name: str) -> str:
    from mtjob.config import CHOICES, FIELDS, base_type

    if name in CHOICES:
        return " \\| ".join(f"`{choice.value}`" for choice in CHOICES[name])
    if name == "threads":
        return "0 to 4 per core"
    bounds = FIELDS[name].metadata["bounds"]
    kind, optional = base_type(name)
    if bounds is not None:
        return f"{_value(kind(bounds[0]))} to {_value(kind(bounds[1]))}"
    return kind.__name__ + (" or not set" if optional else "")


def _flag(name: str) -> str:
    from mtjob.config import base_type

    flag = "--" + name.replace("_", "-")
    return f"{flag} / --no-{flag[2:]}" if base_type(name)[0] is bool else flag


def reference() -> str:
    """A table per section of ``configs/default.toml``, in its order."""
    from mtjob.config import FIELDS

    where = sections()
    missing = sorted(set(FIELDS) - set(where))
    if missing:
        raise RuntimeError(f"configs/default.toml lacks {', '.join(missing)}")
    out = []
    for section in dict.fromkeys(where.values()):
        out.append(f"### `[{section}]`\n\n| setting | flag | default | values | redoes "
                   "finished articles | what it does |\n|---|---|---|---|---|---|")
        for name in (n for n, s in where.items() if s == section):
            field = FIELDS[name]
            default = field.default.value if isinstance(field.default, Enum) else field.default
            out.append(f"| `{name}` | `{_flag(name)}` | `{_value(default)}` | {_allowed(name)} "
                       f"| {'yes' if field.metadata['output'] else 'no'} "
                       f"| {field.metadata['help'].replace('|', BAR)} |")
        out.append("")
    return "\n".join(out)
