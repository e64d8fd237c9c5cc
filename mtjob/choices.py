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


TERMS_HELP = ("Glossary terms and do-not-translate spans (URLs, codes, Latin names): enforce "
              "decodes a sentence again until its English holds them, flag only flags it; "
              "auto: enforce with a glossary, else off.")
CONSISTENCY_HELP = ("A recurring name gets one rendering across the article or the run, the "
                    "sentences that differ decoded again with it; auto: article with a "
                    "glossary, else off.")


class TermsMode(StrEnum):
    """What a run does with glossary terms and do-not-translate spans
    (docs/memory.md, "Terms and names")."""

    AUTO = "auto"  #: enforce when a glossary is given, else off
    ENFORCE = "enforce"  #: decode again until the English holds them; flag what still lacks
    FLAG = "flag"  #: only flag the English that lacks them
    OFF = "off"


class Consistency(StrEnum):
    """Where a recurring name must get one rendering (docs/memory.md, "Consistency")."""

    AUTO = "auto"  #: article when a glossary is given, else off
    ARTICLE = "article"
    RUN = "run"
    OFF = "off"


def resolve_term_modes(terms: TermsMode | str, consistency: Consistency | str,
                       glossary: bool) -> tuple[TermsMode, Consistency]:
    """``terms`` and ``consistency`` with ``auto`` resolved: enforce and article with a
    glossary, else off."""
    mode, scope = TermsMode(terms), Consistency(consistency)
    if mode == TermsMode.AUTO:
        mode = TermsMode.ENFORCE if glossary else TermsMode.OFF
    if scope == Consistency.AUTO:
        scope = Consistency.ARTICLE if glossary else Consistency.OFF
    return mode, scope
