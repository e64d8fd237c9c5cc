"""Where model calls run: in this process (``local``) or on a pool of Ray actors (``ray``).
Slurm arrays need no engine of their own: each task runs the local one on its shard."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import JobConfig
    from .base import Models


def default_models(config: JobConfig) -> Models:
    """Models for the configured engine: resolved in this process either way."""
    if config.engine == "ray":
        from .ray import RayModels, import_ray

        import_ray()  # fail at once, before any file is read, if Ray is missing
        return RayModels()
    from .resolve import LocalModels

    return LocalModels()
