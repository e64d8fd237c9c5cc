"""Engines: where model calls run, in this process or on a pool of Ray actors.

- ``base``: the ``Models`` and ``Engine`` protocols; ``resolve``: models resolved in this process
- ``local``: the in-process engine; ``ray``: the Ray engine (Slurm arrays run the local one)
- ``batching``: token-budget batches, article groups, out-of-memory back-off
- ``summarize``: the abstract algorithm (one pass, chunks, hierarchy)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..choices import EngineKind

if TYPE_CHECKING:
    from ..config import JobConfig
    from .base import Models


def default_models(config: JobConfig) -> Models:
    """Models for the configured engine: resolved in this process either way."""
    if config.engine == EngineKind.RAY:
        from .ray import RayModels, import_ray

        import_ray()  # fail at once, before any file is read, if Ray is missing
        return RayModels()
    from .resolve import LocalModels

    return LocalModels()
