"""The models of a ``Pipeline`` lent to ``run_shard``: its engine is handed out and kept open
when the run ends, so the next call loads nothing (``mtjob.api``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .base import ModelsBase

if TYPE_CHECKING:
    from ..config import JobConfig
    from ..text.segment import TokenCounter
    from ..vocabulary import Role
    from .base import BatchOutcome, Models, Progress, SummaryOutcome
    from .batching import BatchJob
    from .local import LocalEngine


class KeptModels(ModelsBase):
    """``Models`` whose engine outlives the run (nothing is preloaded: the engine, kept, may
    hold its weights already)."""

    def __init__(self, models: Models, engine: Callable[[], LocalEngine]) -> None:
        self._models, self._engine = models, engine

    def revisions(self, config: JobConfig) -> dict[Role, str]:
        return self._models.revisions(config)

    def check(self, config: JobConfig) -> None:
        self._models.check(config)

    def tokenizer(self, config: JobConfig) -> TokenCounter:
        return self._models.tokenizer(config)

    def engine(self, config: JobConfig) -> KeptEngine:
        return KeptEngine(self._engine())


class KeptEngine:
    """An engine whose ``close`` is left to its owner."""

    def __init__(self, engine: LocalEngine) -> None:
        self._engine = engine

    def translate_batches(self, jobs: list[BatchJob],
                          progress: Progress | None = None) -> list[BatchOutcome]:
        return self._engine.translate_batches(jobs, progress)

    def planned_workers(self, calls: int) -> int:
        return self._engine.planned_workers(calls)

    def summarize(self, documents: list[list[str]],
                  progress: Progress | None = None) -> list[SummaryOutcome]:
        return self._engine.summarize(documents, progress)

    def provenance(self) -> dict[Role, Any]:
        return self._engine.provenance()

    def close(self) -> None:
        pass
