"""``mtjob memory add``: the sentences of finished output folders into the memory.

A corrected sentence (``post_edit``) is stored, and with ``include_mt`` a decoded one that
carries no flag. Its texts are stored as :func:`entries.stored_text` cleans them (what went
is logged, per sentence); ``edited_by``/``edited_at`` of another JSON type than text are not
an editor or a time, so they are dropped, with a warning naming the sentence. The whole add
is one copy-on-write change (``writer.writing``): readers see the memory before or after.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..inputs.sources import display_name
from ..outfolder.corrections import now_utc
from ..outfolder.sentences import folder_sentences
from ..vocabulary import EntrySource, Origin
from .entries import memory_key, rank, stored_text
from .writer import writing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Candidate:
    """A sentence of an output folder that ``memory add`` may store."""

    ar: str
    en: str
    source: EntrySource
    edited_by: str | None
    edited_at: str | None
    doc_id: str
    unit: str


def candidates(out: Path, include_mt: bool) -> Iterator[Candidate]:
    """The corrected sentences (``post_edit``), and with ``include_mt`` the machine's
    sentences that carry no flag and were decoded (not copied, not from a memory)."""
    for doc_id, para, index, s in folder_sentences(out):
        ar, unit = s.get("ar"), f"p{para}-s{index}"
        if not isinstance(ar, str):
            continue
        edit = s.get("post_edit")
        if isinstance(edit, str) and edit.strip():
            found = Candidate(ar, edit, EntrySource.POST_EDIT, _text(s, "edited_by", out,
                                                                     doc_id, unit),
                              _text(s, "edited_at", out, doc_id, unit), doc_id, unit)
        elif include_mt and not s.get("flags") and s.get("origin", Origin.MT) == Origin.MT \
                and isinstance(s.get("en"), str) and s["en"].strip():
            found = Candidate(ar, s["en"], EntrySource.MT, None, None, doc_id, unit)
        else:
            continue
        cleaned = _cleaned(found, out)
        if cleaned is not None:
            yield cleaned


def _text(sentence: dict[str, Any], name: str, out: Path, doc_id: str,
          unit: str) -> str | None:
    value = sentence.get(name)
    if value is None or isinstance(value, str):
        return value
    log.warning("%s: %s %s: %s is %s, not text; stored without it", display_name(out),
                doc_id, unit, name, type(value).__name__)
    return None


def _cleaned(c: Candidate, out: Path) -> Candidate | None:
    """``c`` with its texts as the memory stores them; None when no Arabic is left."""
    ar, removed_ar = stored_text(c.ar)
    en, removed_en = stored_text(c.en)
    extra = [stored_text(v) if v is not None else (None, 0) for v in (c.edited_by, c.edited_at)]
    removed = removed_ar + removed_en + sum(n for _, n in extra)
    if removed:
        log.warning("%s: %s %s: removed or replaced %d control character(s), "
                    "non-character(s) or lone surrogate(s)", display_name(out), c.doc_id,
                    c.unit, removed)
    if not memory_key(ar) or not en.strip():
        return None
    return Candidate(ar, en, c.source, extra[0][0], extra[1][0], c.doc_id, c.unit)


def add(path: str | Path, folders: Iterable[Path], include_mt: bool = False,
        wait: float = 0.0) -> dict[str, int]:
    """Store the folders' sentences in the memory; returns counts: ``read``, ``added``,
    ``replaced`` (a better-ranked English for a known key), ``kept`` (the stored one ranks as
    high or higher)."""
    counts = {"read": 0, "added": 0, "replaced": 0, "kept": 0}
    now = now_utc()
    with writing(Path(path), wait) as db:
        for folder in folders:
            for c in candidates(Path(folder), include_mt):
                counts["read"] += 1
                key = memory_key(c.ar)
                row = db.execute("SELECT id, source, edited_at, en FROM entries "
                                 "WHERE key = ?", (key,)).fetchone()
                values = (c.ar, c.en, c.source, c.edited_by, c.edited_at, c.doc_id, c.unit,
                          now)
                if row is None:
                    db.execute("INSERT INTO entries (key, key_len, ar, en, source, "
                               "edited_by, edited_at, doc_id, unit, added_at) VALUES "
                               "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (key, len(key), *values))
                    counts["added"] += 1
                elif row[3] != c.en and rank(c.source, c.edited_at) >= rank(row[1], row[2]):
                    db.execute("UPDATE entries SET ar=?, en=?, source=?, edited_by=?, "
                               "edited_at=?, doc_id=?, unit=?, added_at=? WHERE id=?",
                               (*values, row[0]))
                    counts["replaced"] += 1
                else:
                    counts["kept"] += 1
    return counts
