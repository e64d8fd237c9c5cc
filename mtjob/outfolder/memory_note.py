"""What the translation memory gave a sentence, as a reader of the JSONL takes it: the exact
match a run took (``memory``) or the close one it kept for a person (``suggestion``). Fields
of the wrong type are dropped, never a crash (``mtjob.outfolder.readback``'s rule)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MemoryNote:
    """What the translation memory gave a sentence: the exact match it took (``memory``) or a
    close one suggested to a person (``suggestion``, with its ``match`` ratio 0-1), and who
    wrote that English, where the memory knows."""

    en: str | None = None
    ar: str | None = None
    match: float | None = None
    edited_by: str | None = None
    edited_at: str | None = None
    source: str | None = None  #: ``EntrySource``: a person's post-edit or the machine's

    @property
    def percent(self) -> int | None:
        """The match as a whole percentage (XLIFF's ``match-quality``), None if unknown."""
        return None if self.match is None else round(self.match * 100)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def memory_note(value: Any) -> MemoryNote | None:
    """A ``memory`` or ``suggestion`` object of the JSONL; None when absent or not an object."""
    if not isinstance(value, dict):
        return None
    match = value.get("match")
    ratio = float(match) if isinstance(match, (int, float)) and not isinstance(match, bool) \
        and math.isfinite(match) and 0 <= match <= 1 else None
    return MemoryNote(en=_text(value.get("en")), ar=_text(value.get("ar")), match=ratio,
                      edited_by=_text(value.get("edited_by")),
                      edited_at=_text(value.get("edited_at")), source=_text(value.get("source")))
