"""How a setting of the job is declared: its help text and panel, whether it shapes the
output, the sane range of a number; the panels of ``--help``; each role's model fields."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from ..vocabulary import Role

#: The fields that name each role's model and its revision (their prefix is the flags':
#: ``--mt-model``, ``--sum-model``).
MODEL_FIELDS = {Role.MT: ("mt_model", "mt_revision"), Role.SUMMARY: ("sum_model", "sum_revision")}

MODELS, DECODING, PERFORMANCE, OUTPUT, CLUSTER = (
    "Models", "Decoding", "Performance", "Output", "Cluster")


def setting(default: Any, help: str, panel: str, *, output: bool = False,
            bounds: tuple[float, float] | None = None) -> Any:
    """A config field with what the CLI and the provenance need to know about it. ``output``:
    the setting changes what is written, so a finished article made with another value is
    redone; runtime-only knobs (device, batch size, threads, engine) are not, so moving a job
    to a GPU or a Ray pool does not redo finished work. ``bounds``: the sane range of a
    number (inclusive); values outside it fail validation instead of crashing a run. A field
    typed with an enum of ``choices`` takes one of its values (a member once built)."""
    return dataclasses.field(default=default, metadata={
        "help": help, "panel": panel, "output": output, "bounds": bounds})


def max_threads() -> int:
    """Threads a run may ask for: 4 per core this process may use (more cannot help, and
    libgomp crashes when it cannot create them)."""
    return 4 * max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                   else os.cpu_count() or 1)
