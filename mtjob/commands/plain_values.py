"""Option values converted without pydantic when the conversion is plain.

Typer (0.29) converts every option value through a pydantic ``TypeAdapter``: the first option
of a command imports pydantic, a large share of a quick ``mtjob translate "..."``
(docs/performance.md, "The quick path"). The options of ``run`` and ``translate`` are plain
(text, whole or decimal numbers, flags, choices, paths, and optional or list forms of those),
so their values are converted here. A value that does not convert plainly goes to typer's own
conversion, so every error reads exactly as typer words it.

This leans on typer's private ``_runtime_param`` hook: typer 0.29 has no public one (its
``parser=`` and ``click_type=`` values go through a pydantic ``TypeAdapter`` too:
``typer._adapters.build_leaf_adapter``). If a typer release moves the hook, every value simply
takes typer's way again (and ``tests/test_quick_start.py`` sees pydantic back).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

try:
    from typer._coercion import RuntimeParam, build_runtime_param
except ImportError:  # pragma: no cover - another typer: its own conversion throughout
    RuntimeParam = None  # type: ignore[assignment,misc]

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
#: Typer's defaults for a path option: nothing to check beyond readability.
_PATH_DEFAULTS = {"exists": False, "file_okay": True, "dir_okay": True, "writable": False,
                  "readable": True, "resolve_path": False, "allow_dash": False,
                  "path_type": None}


class _NotPlain(Exception):
    pass


def _leaf(kind: Any, value: Any) -> Any:
    if kind is str and isinstance(value, str):
        return value
    if kind is bool and isinstance(value, bool):
        return value
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        if kind is int and _INT.fullmatch(value):
            return int(value)
        if kind is float and _FLOAT.fullmatch(value):
            return float(value)
        if isinstance(kind, type) and issubclass(kind, Enum):
            for member in kind:
                if member.value == value:
                    return member
        if kind is Path and value and (not os.path.exists(value)
                                       or os.access(value, os.R_OK)):
            return Path(value)
    raise _NotPlain


def _plain_kind(annotation: Any) -> tuple[Any, bool] | None:
    """(the leaf type, whether a list) for a plain annotation; None otherwise."""
    if get_origin(annotation) in (Union, UnionType):
        args = [a for a in get_args(annotation) if a is not NoneType]
        if len(args) != 1:
            return None
        annotation = args[0]
    many = get_origin(annotation) is list
    if many:
        (annotation,) = get_args(annotation)
    plain = annotation in (str, int, float, bool, Path) or (
        isinstance(annotation, type) and issubclass(annotation, Enum))
    return (annotation, many) if plain else None


if RuntimeParam is not None:
    @dataclass(frozen=True)
    class _PlainParam(RuntimeParam):
        kind: Any = None
        many: bool = False

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                if self.many:
                    return [_leaf(self.kind, item) for item in value]
                return _leaf(self.kind, value)
            except _NotPlain:
                typer_way = build_runtime_param(param.type_descriptor)
                return typer_way._coerce_value(value, param=param, ctx=ctx)


def install(params: list[Any]) -> None:
    """Give each plain parameter the plain conversion (before any value is converted)."""
    if RuntimeParam is None:
        return
    for param in params:
        desc = getattr(param, "type_descriptor", None)
        if desc is None or getattr(param, "_runtime_param", "unset") is not None:
            continue
        info, found = desc.parameter_info, _plain_kind(desc.annotation)
        if found is None or desc.file_annotation is not None or any(
                getattr(info, k, None) is not None for k in ("parser", "min", "max")) \
                or not getattr(info, "case_sensitive", True):
            continue
        if found[0] is Path and any(getattr(info, k, v) != v
                                    for k, v in _PATH_DEFAULTS.items()):
            continue
        param._runtime_param = _PlainParam(info, desc.annotation, *found)
