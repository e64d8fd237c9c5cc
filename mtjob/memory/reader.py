"""A memory opened for reading: exact look-ups, close matches, every entry, counts.

One reader holds one read transaction (``database.open_read_only``), so whatever it answers
comes from one state of the memory. Its SQLite errors become one typed error naming the
memory: busy (exit 75), damaged or unreadable (exit 2), never an "unexpected" one.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..vocabulary import EntrySource
from .database import FORMAT, LOCK_GRACE, open_read_only, translated
from .entries import COLUMNS, MemoryEntry, entry

if TYPE_CHECKING:
    from .fuzzy import CloseMatchIndex

log = logging.getLogger(__name__)

#: A close match at or above this rapidfuzz ratio (0-1) is recorded as a suggestion.
FUZZY_MIN = 0.85


class MemoryReader:
    """A memory opened read-only (``wait``: seconds to wait for another program's write
    lock, at least ``LOCK_GRACE``)."""

    def __init__(self, path: str | Path, wait: float = 0.0) -> None:
        self.path = Path(path)
        self._waited = max(wait, LOCK_GRACE)
        self.db = open_read_only(self.path, wait)
        self._index: tuple[list[int], CloseMatchIndex] | None = None

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        try:
            yield self.db
        except sqlite3.Error as exc:
            raise translated(exc, self.path, self._waited) from None

    def exact(self, key: str) -> MemoryEntry | None:
        """The entry stored under ``key`` (``memory_key`` of an Arabic sentence)."""
        with self._reading() as db:
            row = db.execute(f"SELECT {COLUMNS} FROM entries WHERE key = ?", (key,)).fetchone()
        return None if row is None else entry(row)

    def close_matches(self, keys: list[str], cutoff: float = FUZZY_MIN
                      ) -> list[tuple[MemoryEntry, float] | None]:
        """For each key, the best other post-edited entry whose rapidfuzz ratio to it is at
        least ``cutoff``, and that ratio (ties: the shorter entry, then the older); all None
        without rapidfuzz. Machine entries are never suggested (the model would say about
        the same). The index of the post-edited keys is built at the first call."""
        found: list[tuple[MemoryEntry, float] | None] = [None] * len(keys)
        if not keys:
            return found
        try:
            import rapidfuzz  # noqa: F401
        except ImportError:
            log.warning("rapidfuzz is not installed: no close-match suggestions")
            return found
        ids, index = self._close_match_index()
        best: dict[str, tuple[int, float] | None] = {}
        for i, key in enumerate(keys):
            if key not in best:  # a sentence repeated in the articles is looked up once
                best[key] = index.best(key, cutoff) if ids else None
            hit = best[key]
            if hit is not None and index.keys[hit[0]] != key:
                with self._reading() as db:
                    row = db.execute(f"SELECT {COLUMNS} FROM entries WHERE id = ?",
                                     (ids[hit[0]],)).fetchone()
                found[i] = entry(row), round(hit[1] / 100, 4)
        return found

    def _close_match_index(self) -> tuple[list[int], CloseMatchIndex]:
        if self._index is None:
            from .fuzzy import CloseMatchIndex

            with self._reading() as db:
                rows = db.execute("SELECT id, key FROM entries WHERE source = ? "
                                  "ORDER BY key_len, id", (EntrySource.POST_EDIT,)).fetchall()
            self._index = [r[0] for r in rows], CloseMatchIndex([r[1] for r in rows])
        return self._index

    def entries(self) -> list[MemoryEntry]:
        """Every entry, in id order (for the exports)."""
        with self._reading() as db:
            return [entry(row) for row in
                    db.execute(f"SELECT {COLUMNS} FROM entries ORDER BY id")]

    def stats(self) -> dict[str, Any]:
        """Entries by source, editors, and the newest edit and add."""
        with self._reading() as db:
            by_source = dict(db.execute("SELECT source, COUNT(*) FROM entries "
                                        "GROUP BY source"))
            return {"path": str(self.path), "format": FORMAT,
                    "entries": sum(by_source.values()),
                    EntrySource.POST_EDIT: by_source.get(EntrySource.POST_EDIT, 0),
                    EntrySource.MT: by_source.get(EntrySource.MT, 0),
                    "editors": db.execute("SELECT COUNT(DISTINCT edited_by) FROM entries "
                                          "WHERE edited_by IS NOT NULL").fetchone()[0],
                    "newest_edit": db.execute("SELECT MAX(edited_at) FROM entries"
                                              ).fetchone()[0],
                    "newest_add": db.execute("SELECT MAX(added_at) FROM entries"
                                             ).fetchone()[0]}

    def close(self) -> None:
        self.db.close()
