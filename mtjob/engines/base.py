"""Where model calls run. Two narrow protocols: ``Models`` (what a run can know before any
weights load) and ``Engine`` (translation batches and summaries, then close); each declares
every method a run calls, and ``ModelsBase`` gives the optional ones their defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..backends.base import Hypothesis
    from ..config import JobConfig
    from ..text.segment import TokenCounter
    from ..vocabulary import Role
    from .batching import BatchJob



class Progress(Protocol):
    """A run's progress a stage at a time, each stage's total known when it begins:
    ``begin("translating", 304, "sentences")``, then steps done as they are."""

    def begin(self, stage: str, total: int, unit: str) -> None: ...

    def __call__(self, steps: int) -> None: ...


class _Labelled:
    def __init__(self, progress: Progress, label: str) -> None:
        self.progress, self.label = progress, label

    def begin(self, stage: str, total: int, unit: str) -> None:
        self.progress.begin(f"{self.label}: {stage}", total, unit)

    def __call__(self, steps: int) -> None:
        self.progress(steps)


def labelled(progress: Progress | None, label: str) -> Progress | None:
    """``progress`` whose stages say what they are part of (``articles 17-32 of 300``)."""
    return None if progress is None else _Labelled(progress, label)


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

    def summarize(self, documents: list[list[str]],
                  progress: Progress | None = None) -> list[SummaryOutcome]: ...

    def provenance(self) -> dict[Role, Any]:
        """Per role: model id, resolved revision, runtime facts."""

    def close(self) -> None: ...


class Models(Protocol):
    """The run's models before any weights load."""

    def revisions(self, config: JobConfig) -> dict[Role, str]:
        """Resolve every model the run needs (cheaply: no weights load) and return the
        revision of each role; a missing model fails here."""

    def check(self, config: JobConfig) -> None:
        """Check that every model the run needs can be used (config, weight headers,
        tokenizer) without loading weights; raises ``ModelError`` naming the model."""

    def tokenizer(self, config: JobConfig) -> TokenCounter:
        """The translation model's tokenizer (no weights, no workers)."""

    def engine(self, config: JobConfig) -> Engine:
        """The engine that loads the weights (in this process, or on workers)."""

    def preload(self, config: JobConfig) -> None:
        """Start loading weights the next :meth:`engine` takes, in the background, so that
        the load overlaps the checks, reading and segmenting (optional)."""

    def release(self) -> None:
        """Wait for and drop what :meth:`preload` loaded that no engine took."""


class ModelsBase:
    """The defaults of ``Models``' optional methods: nothing is loaded ahead."""

    def preload(self, config: JobConfig) -> None:
        """Load nothing ahead: the engine loads its weights at its first call."""

    def release(self) -> None:
        """Nothing was loaded ahead."""
