"""The closed choices of the configuration, as Enums: ``--help`` lists them and the parser
rejects a typo with the allowed values."""

from __future__ import annotations

from enum import Enum


class Backend(str, Enum):
    auto = "auto"
    transformers = "transformers"
    ctranslate2 = "ctranslate2"


def resolve_backend(requested: str) -> str:
    """``auto`` -> ``ctranslate2`` when it is installed (its int8 CPU path and float16 GPU
    path are the fastest), else ``transformers``. ``find_spec`` looks without importing."""
    if requested != "auto":
        return requested
    from importlib.util import find_spec

    return "ctranslate2" if find_spec("ctranslate2") is not None else "transformers"


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


class DType(str, Enum):
    auto = "auto"
    float32 = "float32"
    float16 = "float16"
    bfloat16 = "bfloat16"


class Quantize(str, Enum):
    auto = "auto"
    none = "none"
    int8 = "int8"


class LangCheck(str, Enum):
    on = "on"
    off = "off"


class EngineKind(str, Enum):
    local = "local"
    ray = "ray"
