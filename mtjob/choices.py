"""The closed choices of the configuration, as ``StrEnum``s: the config's fields hold members,
``--help`` lists the values, the parser rejects a typo with the allowed values, and the
resolved config and settings written beside the outputs hold the very words as before."""

from __future__ import annotations

from .vocabulary import StrEnum


class Backend(StrEnum):
    """The inference library."""

    AUTO = "auto"  #: CTranslate2 when it is installed, else transformers (resolved at once)
    TRANSFORMERS = "transformers"
    CTRANSLATE2 = "ctranslate2"


def resolve_backend(requested: Backend | str) -> Backend:
    """``auto`` -> ``ctranslate2`` when it is installed (its int8 CPU path and float16 GPU
    path are the fastest), else ``transformers``. ``find_spec`` looks without importing."""
    if Backend(requested) != Backend.AUTO:
        return Backend(requested)
    from importlib.util import find_spec

    return Backend.CTRANSLATE2 if find_spec("ctranslate2") is not None else Backend.TRANSFORMERS


class Device(StrEnum):
    AUTO = "auto"
    CPU = "cpu"
    CUDA = "cuda"


class DType(StrEnum):
    AUTO = "auto"
    FLOAT32 = "float32"
    FLOAT16 = "float16"
    BFLOAT16 = "bfloat16"


class Quantize(StrEnum):
    AUTO = "auto"
    NONE = "none"
    INT8 = "int8"


class LangCheck(StrEnum):
    ON = "on"
    OFF = "off"


class EngineKind(StrEnum):
    LOCAL = "local"
    RAY = "ray"
