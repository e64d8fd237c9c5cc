"""The translation memory: one SQLite file of Arabic sentences and their English.

Keys are the Arabic sentence as the model sees it (:func:`memory_key`: ``clean_for_model``,
which removes invisible controls and tatweel, folds presentation forms with NFKC and collapses
every run of whitespace to one space, trimmed). ``mtjob memory add`` fills the file from
finished output folders; ``mtjob run --memory`` opens it read-only (an SQLite ``mode=ro`` URI:
no lock file, no journal, no write can happen) so every Slurm task and Ray driver can share one
file on shared storage. The file uses the rollback journal (never WAL, whose readers need to
write a ``-shm`` file beside it).

An entry's rank decides which English a key keeps: a person's post-edit beats the machine's,
and among equals the newer edit (then the newer add) wins.
"""

from __future__ import annotations

import bisect
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..outfolder.sentences import folder_sentences
from ..text.clean import clean_for_model

log = logging.getLogger(__name__)

FORMAT = 1
#: A close match at or above this rapidfuzz ratio (0-1) is recorded as a suggestion.
FUZZY_MIN = 0.85
POST_EDIT, MT = "post_edit", "mt"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    key_len INTEGER NOT NULL,
    ar TEXT NOT NULL,
    en TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('post_edit', 'mt')),
    edited_by TEXT,
    edited_at TEXT,
    doc_id TEXT,
    unit TEXT,
    added_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_key_len ON entries (key_len);
"""


def memory_key(arabic: str) -> str:
    """The normalized Arabic sentence a memory entry is found by (the module doc says how)."""
    return clean_for_model(arabic)


@dataclass(frozen=True)
class Entry:
    """One sentence pair of the memory and where its English came from."""

    id: int
    ar: str
    en: str
    source: str
    edited_by: str | None = None
    edited_at: str | None = None
    doc_id: str | None = None
    unit: str | None = None

    def provenance(self) -> dict[str, Any]:
        """What a sentence taken from the memory records about it."""
        return {"id": self.id, "source": self.source, "edited_by": self.edited_by,
                "edited_at": self.edited_at, "doc_id": self.doc_id, "unit": self.unit}


_COLUMNS = "id, ar, en, source, edited_by, edited_at, doc_id, unit"


def _rank(source: str, edited_at: str | None) -> tuple[bool, str]:
    return source == POST_EDIT, edited_at or ""


class MemoryReader:
    """A memory opened read-only: exact look-ups, and close matches as suggestions."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise ConfigError(f"--memory {path}: no such file (make one with mtjob memory add)")
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        try:
            self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            _check_format(self.db, self.path)
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"--memory {path}: not an mtjob memory: {exc}") from None

    def exact(self, key: str) -> Entry | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM entries WHERE key = ?",
                              (key,)).fetchone()
        return None if row is None else Entry(*row)

    def close_matches(self, keys: list[str], cutoff: float = FUZZY_MIN
                      ) -> list[tuple[Entry, float] | None]:
        """For each key, the best other post-edited entry whose rapidfuzz ratio to it is at
        least ``cutoff``, and that ratio; all None without rapidfuzz. Machine entries are never
        suggested (the model would say about the same), which also keeps the search, a
        comparison with every candidate, as small as what people corrected. Candidates are read
        once for all ``keys``, sorted by length: each key is compared only with the entries
        whose length allows the ratio (``2m/(a+b) >= c`` needs ``c/(2-c) <= b/a <= (2-c)/c``)."""
        found: list[tuple[Entry, float] | None] = [None] * len(keys)
        if not keys:
            return found
        try:
            from rapidfuzz import fuzz, process
        except ImportError:
            log.warning("rapidfuzz is not installed: no close-match suggestions")
            return found
        bounds = [(len(k) * cutoff / (2 - cutoff), len(k) * (2 - cutoff) / cutoff) for k in keys]
        rows = self.db.execute("SELECT id, key, key_len FROM entries WHERE source = ? AND "
                               "key_len BETWEEN ? AND ? ORDER BY key_len",
                               (POST_EDIT, min(b[0] for b in bounds),
                                                    max(b[1] for b in bounds))).fetchall()
        lengths, choices = [r[2] for r in rows], [r[1] for r in rows]
        for i, (key, (low, high)) in enumerate(zip(keys, bounds, strict=True)):
            a, b = bisect.bisect_left(lengths, low), bisect.bisect_right(lengths, high)
            best = process.extractOne(key, choices[a:b], scorer=fuzz.ratio, processor=None,
                                      score_cutoff=100 * cutoff)
            if best is not None and best[0] != key:
                row = self.db.execute(f"SELECT {_COLUMNS} FROM entries WHERE id = ?",
                                      (rows[a + best[2]][0],)).fetchone()
                found[i] = Entry(*row), round(best[1] / 100, 4)
        return found

    def close(self) -> None:
        self.db.close()


def _check_format(db: sqlite3.Connection, path: Path) -> None:
    row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    if row is None or int(row[0]) > FORMAT:
        raise ConfigError(f"{path}: memory format {row and row[0]} is not one this mtjob "
                          f"reads (format {FORMAT})")


def open_writable(path: str | Path) -> sqlite3.Connection:
    """The memory for ``memory add``: created when missing, rollback journal."""
    path = Path(path)
    try:
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode=DELETE")
        db.executescript(_SCHEMA)
        db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (str(FORMAT),))
        _check_format(db, path)
    except sqlite3.DatabaseError as exc:
        raise ConfigError(f"{path}: cannot open as an mtjob memory: {exc}") from None
    return db


@dataclass(frozen=True)
class Candidate:
    """A sentence of an output folder that ``memory add`` may store."""

    ar: str
    en: str
    source: str
    edited_by: str | None
    edited_at: str | None
    doc_id: str
    unit: str


def candidates(out: Path, include_mt: bool) -> Iterator[Candidate]:
    """The corrected sentences (``post_edit``), and with ``include_mt`` the machine's
    sentences that carry no flag and were decoded (not copied, not from a memory)."""
    for doc_id, para, index, s in folder_sentences(out):
        ar, unit = s.get("ar"), f"p{para}-s{index}"
        if not isinstance(ar, str) or not memory_key(ar):
            continue
        edit = s.get("post_edit")
        if isinstance(edit, str) and edit.strip():
            yield Candidate(ar, edit, POST_EDIT, s.get("edited_by"), s.get("edited_at"),
                            doc_id, unit)
        elif include_mt and not s.get("flags") and s.get("origin", MT) == MT \
                and isinstance(s.get("en"), str) and s["en"].strip():
            yield Candidate(ar, s["en"], MT, None, None, doc_id, unit)


def add(path: str | Path, folders: Iterable[Path], include_mt: bool = False) -> dict[str, int]:
    """Store the folders' sentences in the memory; returns counts: ``read``, ``added``,
    ``replaced`` (a better-ranked English for a known key), ``kept`` (the stored one ranks as
    high or higher). One transaction: a reader sees the memory before or after."""
    counts = {"read": 0, "added": 0, "replaced": 0, "kept": 0}
    now = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    db = open_writable(path)
    try:
        with db:
            for folder in folders:
                for c in candidates(Path(folder), include_mt):
                    counts["read"] += 1
                    key = memory_key(c.ar)
                    row = db.execute("SELECT id, source, edited_at, en FROM entries "
                                     "WHERE key = ?", (key,)).fetchone()
                    values = (c.ar, c.en, c.source, c.edited_by, c.edited_at, c.doc_id,
                              c.unit, now)
                    if row is None:
                        db.execute("INSERT INTO entries (key, key_len, ar, en, source, "
                                   "edited_by, edited_at, doc_id, unit, added_at) VALUES "
                                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (key, len(key), *values))
                        counts["added"] += 1
                    elif row[3] != c.en and _rank(c.source, c.edited_at) >= _rank(row[1],
                                                                                  row[2]):
                        db.execute("UPDATE entries SET ar=?, en=?, source=?, edited_by=?, "
                                   "edited_at=?, doc_id=?, unit=?, added_at=? WHERE id=?",
                                   (*values, row[0]))
                        counts["replaced"] += 1
                    else:
                        counts["kept"] += 1
    finally:
        db.close()
    return counts


def stats(path: str | Path) -> dict[str, Any]:
    """Entries by source, editors, and the newest edit and add."""
    reader = MemoryReader(path)
    try:
        db = reader.db
        by_source = dict(db.execute("SELECT source, COUNT(*) FROM entries GROUP BY source"))
        return {"path": str(path), "format": FORMAT,
                "entries": sum(by_source.values()),
                "post_edit": by_source.get(POST_EDIT, 0), "mt": by_source.get(MT, 0),
                "editors": db.execute("SELECT COUNT(DISTINCT edited_by) FROM entries "
                                      "WHERE edited_by IS NOT NULL").fetchone()[0],
                "newest_edit": db.execute("SELECT MAX(edited_at) FROM entries").fetchone()[0],
                "newest_add": db.execute("SELECT MAX(added_at) FROM entries").fetchone()[0]}
    finally:
        reader.close()


def entries(path: str | Path) -> list[Entry]:
    """Every entry, in id order (for the exports)."""
    reader = MemoryReader(path)
    try:
        return [Entry(*row) for row in
                reader.db.execute(f"SELECT {_COLUMNS} FROM entries ORDER BY id")]
    finally:
        reader.close()
