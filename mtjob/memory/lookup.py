"""A run's use of the translation memory (``--memory``): before any batch is planned, each
segment whose Arabic is an exact key of the memory takes the memory's English and is never
sent to the model; a close match (rapidfuzz ratio >= 0.85) is recorded as a suggestion for a
person, never as the output."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from ..vocabulary import Origin
from .reader import FUZZY_MIN, MemoryReader

if TYPE_CHECKING:
    from ..text.segment import Segment

__all__ = ["MemoryReader", "apply_memory", "open_memory"]

log = logging.getLogger(__name__)


def open_memory(path: str | Path | None, wait: float = 0.0) -> MemoryReader | None:
    """The ``--memory`` a run reads (None without one), opened and checked before any work:
    not an mtjob memory or damaged is exit 2, locked by another program past ``wait``
    seconds is exit 75. The caller closes it."""
    return MemoryReader(path, wait) if path else None


def apply_memory(segments: list[Segment], memory: MemoryReader,
                 cutoff: float = FUZZY_MIN) -> int:
    """Fill the segments the memory knows exactly (origin ``memory``) and attach suggestions
    to the others; returns how many were taken from the memory. ``Segment.text`` is already
    the memory's key (the model's cleaned text: ``memory_key``)."""
    taken = 0
    missed: list[Segment] = []
    for seg in segments:
        if not seg.text or seg.origin != Origin.MT:
            continue
        entry = memory.exact(seg.text)
        if entry is None:
            missed.append(seg)
            continue
        seg.en, seg.tgt_tokens, seg.flags, seg.score = entry.en, 0, [], None
        seg.origin, seg.memory, seg.alignment = Origin.MEMORY, entry.provenance(), None
        taken += 1
    for seg, close in zip(missed, memory.close_matches([s.text for s in missed], cutoff),
                          strict=True):
        if close is not None:
            match, score = close
            seg.suggestion = {"en": match.en, "ar": match.ar, "match": score,
                              **match.provenance()}
    if taken:
        log.info("%d segment(s) taken from the translation memory, not decoded", taken)
    return taken
