"""Where model calls run. Two narrow protocols: ``Models`` (what a run can know before any
weights load) and ``Engine`` (translation batches and summaries, then close)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..backends.base import Hypothesis
    from ..config import JobConfig
    from ..text.segment import TokenCounter
    from .batching import BatchJob



class Progress(Protocol):
    """Steps done (segments translated, abstracts written) against a growing total."""

    def add_total(self, steps: int) -> None: ...

    def __call__(self, steps: int) -> None: ...


@dataclass(frozen=True)
class BatchOutcome:
    """A batch's hypotheses in order, or the error that failed it (and its articles)."""

    hypotheses: tuple[Hypothesis, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class SummaryOutcome:
    """An article's abstract, the method used and the tokens the summarizer read, or the
    error that failed it."""

    text: str | None = None
    method: str = "none"
    error: str | None = None
    input_tokens: int | None = None


class Engine(Protocol):
    """Runs model calls. Created only when a run has work for the models."""

    def translate_batches(self, jobs: list[BatchJob],
                          progress: Progress | None = None) -> list[BatchOutcome]: ...

    def planned_workers(self, calls: int) -> int:
        """How many of ``calls`` translation calls will run side by side, known before the
        weights load (the layout a load for that work gets), so that the calls can be
        planned for it."""

    def summarize(self, documents: list[list[str]]) -> list[SummaryOutcome]: ...

    def provenance(self) -> dict[str, Any]:
        """Per role ("mt", "summary"): model id, resolved revision, runtime facts."""

    def close(self) -> None: ...


class Models(Protocol):
    """The run's models before any weights load."""

    def revisions(self, config: JobConfig) -> dict[str, str]:
        """Resolve every model the run needs (cheaply: no weights load) and return the
        revision of each role ("mt", "summary"); a missing model fails here."""

    def check(self, config: JobConfig) -> None:
        """Check that every model the run needs can be used (config, weight headers,
        tokenizer) without loading weights; raises ``ModelError`` naming the model."""

    def tokenizer(self, config: JobConfig) -> TokenCounter:
        """The translation model's tokenizer (no weights, no workers)."""

    def engine(self, config: JobConfig) -> Engine:
        """The engine that loads the weights (in this process, or on workers)."""
