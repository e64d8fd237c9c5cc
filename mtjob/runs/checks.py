"""What a run checks before any work: every model it needs can be used, and its translation
memory opens (one read-only snapshot, held for the whole run). ``run_shard`` checks before it
makes a new output folder, or before the manifest of an existing one begins, so a run
stopped by a check leaves the folder as it found it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..memory.lookup import open_memory

if TYPE_CHECKING:
    from ..config import JobConfig
    from ..engines.base import Models
    from ..memory.reader import MemoryReader
    from ..vocabulary import Role
    from .report import RunReport


@dataclass
class Checked:
    """What the checks found: every model's revision, and the run's memory (None without
    ``--memory``), which the run closes (:meth:`close`)."""

    revisions: dict[Role, str]
    memory: MemoryReader | None

    def close(self) -> None:
        if self.memory is not None:
            self.memory.close()


def check_run(config: JobConfig, models: Models, report: RunReport, wait: float = 0.0
              ) -> Checked:
    """Every model's revision (a missing model fails here, cheaply), the memory (not an
    mtjob memory or damaged: exit 2; locked past ``wait`` seconds: exit 75), then every
    model (config, weight headers, tokenizer; no weights), timed as the ``resolve`` stage;
    the translator starts loading meanwhile (``preload``)."""
    revisions = models.revisions(config)
    memory = open_memory(config.memory, wait)
    try:
        models.preload(config)  # weights load meanwhile
        started = time.monotonic()
        try:
            models.check(config)
        finally:
            seconds = report.stage_seconds
            seconds["resolve"] = seconds.get("resolve", 0.0) + time.monotonic() - started
    except BaseException:
        if memory is not None:
            memory.close()
        raise
    return Checked(revisions, memory)
