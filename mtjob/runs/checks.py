"""What a run checks before any work: every model it needs (and its translation memory) can
be used. ``run_shard`` checks before it makes a new output folder, or before the manifest
of an existing one begins, so a run stopped by a check leaves the folder as it found it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ..memory.lookup import check_memory

if TYPE_CHECKING:
    from ..config import JobConfig
    from ..engines.base import Models
    from .report import RunReport


def check_models(config: JobConfig, models: Models, report: RunReport) -> dict[str, str]:
    """Every model's revision (a missing model fails here, cheaply), the memory, then every
    model (config, weight headers, tokenizer; no weights), timed as the ``resolve`` stage;
    the translator starts loading meanwhile (``preload``). Returns the revisions."""
    revisions = models.revisions(config)
    check_memory(config.memory)
    models.preload(config)  # weights load meanwhile
    started = time.monotonic()
    try:
        models.check(config)
    finally:
        seconds = report.stage_seconds
        seconds["resolve"] = seconds.get("resolve", 0.0) + time.monotonic() - started
    return revisions
