"""What one memory entry is: its key, its texts as stored, where its English came from.

Keys are the Arabic sentence as the model sees it (:func:`memory_key`: ``clean_for_model``,
which removes invisible controls and tatweel, folds presentation forms with NFKC and collapses
every run of whitespace to one space, trimmed).

The texts are stored as people and the model wrote them, but for :func:`stored_text`'s
cleaning, the one thing ``memory add`` changes: control characters (:data:`CONTROLS`, as an
article file loses them: NUL, ESC, BEL... ; tab, newline, CR and NEL stay), the two
non-characters U+FFFE and U+FFFF (no XML holds them) removed, and each lone surrogate (a JSON
``\\udXXX`` escape no UTF-8 file can hold) replaced by U+FFFD. An entry's English is reused
as a run's output, so what would break a terminal, a TMX or the JSONL never gets in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..inputs.controls import CONTROLS
from ..text.clean import clean_for_model
from ..vocabulary import EntrySource

#: What ``memory add`` removes besides :data:`CONTROLS` (the XML 1.0 non-characters).
_NONCHARACTERS = re.compile("[\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def memory_key(arabic: str) -> str:
    """The normalized Arabic sentence a memory entry is found by (the module doc says how)."""
    return clean_for_model(arabic)


def stored_text(text: str) -> tuple[str, int]:
    """``text`` as the memory stores it (the module doc lists what goes), and how many
    characters were removed or replaced."""
    text, controls = CONTROLS.subn("", text)
    text, nonchars = _NONCHARACTERS.subn("", text)
    text, surrogates = _SURROGATE.subn("\ufffd", text)
    return text, controls + nonchars + surrogates


@dataclass(frozen=True)
class MemoryEntry:
    """One sentence pair of the memory and where its English came from."""

    id: int
    ar: str
    en: str
    source: EntrySource
    edited_by: str | None = None
    edited_at: str | None = None
    doc_id: str | None = None
    unit: str | None = None

    def provenance(self) -> dict[str, Any]:
        """What a sentence taken from the memory records about it."""
        return {"id": self.id, "source": self.source, "edited_by": self.edited_by,
                "edited_at": self.edited_at, "doc_id": self.doc_id, "unit": self.unit}


#: The columns of :class:`MemoryEntry`, in its order.
COLUMNS = "id, ar, en, source, edited_by, edited_at, doc_id, unit"


def entry(row: tuple[Any, ...]) -> MemoryEntry:
    """A :class:`MemoryEntry` from a row of :data:`COLUMNS`, its texts cleaned as
    :func:`stored_text` cleans them (a memory written by an older mtjob may hold controls)."""
    texts = [None if v is None else stored_text(v)[0] for v in (row[1], row[2], *row[4:])]
    return MemoryEntry(row[0], texts[0] or "", texts[1] or "", EntrySource(row[3]), *texts[2:])


def rank(source: str, edited_at: str | None) -> tuple[bool, str]:
    """Which English a key keeps: a person's post-edit beats the machine's, and among equals
    the newer edit (then the newer add) wins."""
    return source == EntrySource.POST_EDIT, edited_at or ""
