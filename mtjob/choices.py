"""The closed choices of the configuration, as Enums: ``--help`` lists them and the parser
rejects a typo with the allowed values; and how ``auto`` resolves where a function says."""

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


TERMS_HELP = ("Glossary terms and do-not-translate spans (URLs, codes, Latin names): enforce "
              "decodes a sentence again until its English holds them, flag only flags it; "
              "auto: enforce with a glossary, else off.")
CONSISTENCY_HELP = ("A recurring name gets one rendering across the article or the run, the "
                    "sentences that differ decoded again with it; auto: article with a "
                    "glossary, else off.")


class TermsMode(str, Enum):
    """What a run does with glossary terms and do-not-translate spans (README, Terms)."""

    auto = "auto"  #: enforce when a glossary is given, else off
    enforce = "enforce"  #: decode again until the English holds them; flag what still lacks
    flag = "flag"  #: only flag the English that lacks them
    off = "off"


class Consistency(str, Enum):
    """Where a recurring name must get one rendering (README, Terms)."""

    auto = "auto"  #: article when a glossary is given, else off
    article = "article"
    run = "run"
    off = "off"


def resolve_term_modes(terms: str, consistency: str, glossary: bool) -> tuple[str, str]:
    """``terms`` and ``consistency`` with ``auto`` resolved: enforce and article with a
    glossary, else off."""
    return (("enforce" if glossary else "off") if terms == TermsMode.auto.value else terms,
            ("article" if glossary else "off") if consistency == Consistency.auto.value
            else consistency)
