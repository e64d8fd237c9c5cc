"""The translator interface shared by the transformers and CTranslate2 backends."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..config import JobConfig


#: Set by the engine when a run stops (SIGTERM, Ctrl-C) while batches still run in worker
#: threads; a backend that can stop between decoding steps (transformers) then does.
CANCEL = threading.Event()
#: Name prefix of the engine's pool threads, where calls run beside others.
POOL_THREADS = "mtjob-pool"


@dataclass(frozen=True)
class GenOptions:
    """Decoding settings for one batch. ``max_new_tokens`` is the batch's output limit."""

    beams: int
    max_new_tokens: int
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0


@dataclass(frozen=True)
class Hypothesis:
    """One translated segment and the number of target tokens generated (special ones excluded)."""

    text: str
    tokens: int


class Translator(Protocol):
    """A source->target model. Cheap to create: weights load on the first ``translate``."""

    @property
    def model_max_tokens(self) -> int:
        """The model's own limit on source tokens (special tokens included), known from the
        tokenizer alone, without loading weights."""

    @property
    def parallel_batches(self) -> int:
        """How many ``translate`` calls may run at once, from different threads."""

    def check(self) -> None:
        """Resolve the model (hub cache or folder); raises ModelUnavailableError."""

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Source tokens per text, the end-of-sequence token included."""

    def translate(self, texts: list[str], options: GenOptions) -> list[Hypothesis]:
        """Translate one batch; raises the backend's out-of-memory error unchanged."""

    def info(self) -> dict[str, Any]:
        """Provenance: model id, resolved revision, backend, device, precision."""


def make_translator(config: JobConfig) -> Translator:
    """The backend the config asks for (imports of heavy libraries are deferred to it)."""
    if config.backend == "ctranslate2":
        from .ct2 import CTranslate2Translator

        return CTranslate2Translator(config)
    from .hf import TransformersTranslator

    return TransformersTranslator(config)
