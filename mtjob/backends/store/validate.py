"""Checks that a resolved model can be used, before any article is read: its config, its
weights' headers (a truncated file is caught without loading it) and its tokenizer."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

from ...errors import ModelError
from .hub import ModelSource


def check_config(source: ModelSource) -> dict[str, Any]:
    """``config.json``: present, JSON, a ``model_type``, and no custom code. (Whether
    transformers knows the type is checked when the weights load: asking now imports torch.)"""
    path = source.path / "config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"model {source.ref!r}: no config.json in {source.path}") from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"model {source.ref!r}: config.json is unreadable ({exc})") from None
    if not isinstance(config, dict) or not isinstance(config.get("model_type"), str):
        raise ModelError(f"model {source.ref!r}: config.json names no model_type")
    if "auto_map" in config:
        raise ModelError(f"model {source.ref!r} needs its own code (auto_map in config.json); "
                         "mtjob never runs code shipped with a model")
    return config


def check_weights(source: ModelSource) -> None:
    """Every ``*.safetensors`` file: a readable header whose tensors fit in the file."""
    for path in sorted(source.path.glob("*.safetensors")):
        problem = _safetensors_problem(path)
        if problem:
            raise ModelError(f"model {source.ref!r}: {path.name} {problem}; download it again")


def _safetensors_problem(path: Path) -> str | None:
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
            if len(head) < 8:
                return "is truncated (no header)"
            (length,) = struct.unpack("<Q", head)
            if length > size - 8 or length > 100 * 2**20:
                return "is truncated or not a safetensors file (header longer than the file)"
            header = json.loads(handle.read(length))
    except (OSError, ValueError) as exc:
        return f"has an unreadable header ({exc})"
    ends = [t["data_offsets"][1] for name, t in header.items()
            if name != "__metadata__" and isinstance(t, dict) and "data_offsets" in t]
    if 8 + length + max(ends, default=0) > size:
        return f"is truncated ({size} bytes, its header needs {8 + length + max(ends)})"
    return None


def check_tokenizer(source: ModelSource, tokens: Any) -> None:
    """Load the tokenizer and count one text: missing vocabulary files fail here."""
    try:
        tokens.count_tokens(["test"])
    except Exception as exc:
        raise ModelError(f"model {source.ref!r}: its tokenizer cannot be loaded from "
                         f"{source.path} ({type(exc).__name__}: {exc})") from None
