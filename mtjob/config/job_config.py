"""``JobConfig``: every setting of a run, one frozen dataclass validated on creation, and the
tables derived from its fields (the flags, the TOML keys and the settings recorded beside
every abstract all come from them)."""

from __future__ import annotations

import dataclasses
import json
import math
import typing
from dataclasses import dataclass, fields
from typing import Any

from ..choices import (
    CONSISTENCY_HELP,
    TERMS_HELP,
    Backend,
    Consistency,
    Device,
    DType,
    EngineKind,
    LangCheck,
    Quantize,
    TermsMode,
    resolve_backend,
)
from ..errors import ConfigError
from ..vocabulary import Role, StrEnum
from .fields import CLUSTER, DECODING, MODELS, OUTPUT, PERFORMANCE, max_threads, setting

#: ``batch_tokens = 0`` (the default) picks the budget per backend, as measured on CPU with
#: ``python -m scripts.bench`` (docs/performance.md, "Earlier measurements"). GPUs want far
#: more (configs/gpu.toml).
AUTO_BATCH_TOKENS = {Backend.TRANSFORMERS: 500, Backend.CTRANSLATE2: 1000}

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
    backend: Backend = setting(Backend.AUTO, "Inference library. auto: ctranslate2 when "
                               "installed, else transformers (the exact reference).",
                               PERFORMANCE, output=True)
    device: Device = setting(Device.AUTO, "auto: a GPU when one is visible, else the CPU.",
                             PERFORMANCE)
    dtype: DType = setting(DType.AUTO, "auto: float32 on CPU, bfloat16/float16 on GPU.",
                           PERFORMANCE, output=True)
    quantize: Quantize = setting(Quantize.AUTO, "auto: int8 on CPU for ctranslate2, none for "
                                 "transformers.", PERFORMANCE, output=True)
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
    # [trust] (docs/output.md, "Trust signals")
    min_score: float = setting(-1.5, "Flag low_confidence below this mean log-prob per token "
                               "(not yet calibrated: docs, Trust signals).", DECODING,
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
    lang_check: LangCheck = setting(LangCheck.ON, "Identify each paragraph's language offline: "
                                    "other languages are flagged lang and copied, not "
                                    "translated; an article mostly not Arabic is flagged "
                                    "not_arabic.", OUTPUT, output=True)
    # [trust] (docs/output.md, "Trust signals")
    alignments: bool = setting(False, "Record word alignments per sentence (and flag "
                               "source_uncovered).", OUTPUT, output=True)
    glossary: str | None = setting(None, "Glossary, TSV or TBX "
                                   '(docs/memory.md, "Glossary files").', OUTPUT)
    terms: TermsMode = setting(TermsMode.AUTO, TERMS_HELP, OUTPUT)
    consistency: Consistency = setting(Consistency.AUTO, CONSISTENCY_HELP, OUTPUT)
    memory: str | None = setting(None, "Translation memory (SQLite, from mtjob memory add), "
                                 "opened read-only: an exact match is taken instead of "
                                 "decoded, a close one kept as a suggestion. Not part of the "
                                 "skip key: --force applies a newer memory.", OUTPUT)
    # The review pages; the key keeps the name TOML files, flags and config.json already hold.
    report: bool = setting(False, "Write the HTML review pages into OUT/report/ as the run "
                           "goes, every page kept current by each run with --report (open "
                           "OUT/report/index.html). mtjob export --format html writes the "
                           "same pages once, on demand, into OUT/export/html/.", OUTPUT)
    text: bool = setting(False, "Also write OUT/NAME.en.txt: the final English (post-edits in "
                         "place), a blank line between paragraphs.", OUTPUT)
    # [cluster]
    engine: EngineKind = setting(EngineKind.LOCAL, "Where model calls run: this process or Ray "
                                 "actors.", CLUSTER)
    address: str | None = setting(None, "Ray cluster address (ray engine; default: start a "
                                  "local Ray).", CLUSTER)
    workers: int = setting(2, "Ray model actors (ray engine).", CLUSTER, bounds=(1, 4096))
    actor_start_timeout: float = setting(600.0, "Seconds to wait for the Ray model actors to "
                                         "start before giving up (ray engine).", CLUSTER,
                                         bounds=(1, 86_400))
    gpus_per_worker: float = setting(0.0, "GPUs per Ray actor (ray engine).", CLUSTER,
                                     bounds=(0, 64))

    def __post_init__(self) -> None:
        for name, choices in CHOICES.items():  # a word (TOML, the API) becomes its member
            value = getattr(self, name)
            if value not in {c.value for c in choices}:
                allowed = ", ".join(c.value for c in choices)
                raise ConfigError(f"{name} must be one of {allowed}; got {value!r}")
            object.__setattr__(self, name, choices(value))
        # resolved once: the outputs record the choice
        object.__setattr__(self, "backend", resolve_backend(self.backend))
        for f in fields(self):
            value = getattr(self, f.name)
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
    def roles(self) -> tuple[Role, ...]:
        """The models this run uses: the summarizer only when it writes abstracts."""
        return (Role.MT, Role.SUMMARY) if self.summary else (Role.MT,)

    def model(self, role: Role) -> tuple[str, str | None]:
        """A role's model (hub id or folder) and its revision (None: the newest)."""
        if role == Role.MT:
            return self.mt_model, self.mt_revision
        return self.sum_model, self.sum_revision

    @property
    def token_budget(self) -> int:
        """Padded source tokens per batch: ``batch_tokens``, or the backend's default if 0."""
        return self.batch_tokens or AUTO_BATCH_TOKENS[self.backend]

    def output_settings(self, glossary_sha256: str | None = None) -> dict[str, Any]:
        """The settings that determine the output, as recorded beside every abstract
        (``glossary_sha256``: the hash of the glossary as a run loaded it)."""
        from ..inputs.pathcheck import glossary_settings

        return {**{name: getattr(self, name) for name in OUTPUT_SETTINGS}, **glossary_settings(
            self.glossary, glossary_sha256, self.terms, self.consistency)}

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if QUIET.get(k, ...) != v}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"


FIELDS = {f.name: f for f in fields(JobConfig)}
#: In ``to_dict`` only when set: a run without the feature writes what it wrote before.
QUIET: dict[str, object] = {"terms": TermsMode.AUTO, "consistency": Consistency.AUTO,
                             "shortlist": None}
#: The field types, resolved once: ``str``, ``int``, ``float``, ``bool``, an enum of
#: ``choices``, or ``X | None``.
TYPES = typing.get_type_hints(JobConfig)
#: The fields that take one of a closed set of words, and their enum.
CHOICES: dict[str, type[StrEnum]] = {
    name: kind for name, kind in TYPES.items()
    if isinstance(kind, type) and issubclass(kind, StrEnum)}
OUTPUT_SETTINGS = tuple(name for name, f in FIELDS.items() if f.metadata["output"])


def base_type(name: str) -> tuple[type, bool]:
    """(the field's type without ``None``, whether ``None`` is allowed)."""
    kind = TYPES[name]
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    return (args[0], True) if args else (kind, False)
