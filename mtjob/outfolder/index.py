"""A per-shard index of finished articles, so that an unchanged archive is re-checked with a
few ``stat`` calls per article instead of reading and hashing every source and output.

A row holds the source's (size, mtime_ns, ctime_ns, inode), both outputs' (size, mtime_ns)
and the article's hashes; the file's header holds the skip key (settings and model
revisions). A row is trusted only when all of them match exactly; anything else (a touched
file, an edited output, other settings) falls back to the full check, which hashes and
records the new stats: a touched but identical file is still recognised as unchanged by its
hash. ``verify`` never reads it.

The file is JSON lines: a header, then one row per article, later rows overriding earlier
ones. A run appends the rows it changed (ten new articles cost ten lines, not a rewrite of
the shard's whole index) and rewrites it compactly when superseded rows pile up or the key
changes. It is a cache: a torn or unreadable line costs that article the full check, never a
wrong answer.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import time
from pathlib import Path
from typing import Any

from ..inputs.sources import utf8_text
from ..vocabulary import Role, Status
from .atomic import atomic_write, read_plain
from .paths import meta_dir

FORMAT = 2
#: doc id, source (size, mtime_ns, ctime_ns, inode), jsonl and abstract (size, mtime_ns),
#: source_sha256, jsonl_sha256, paragraphs, abstract_sha256.
ROW = 13
_STATS = slice(1, 9)
_HEX = re.compile("[0-9a-f]{64}")
#: Superseded rows allowed beyond the live ones before the index is rewritten compactly.
SLACK = 100


def skip_key(settings: dict[str, Any], revisions: dict[Role, str]) -> str:
    """What else must be unchanged for an article to stay done."""
    text = json.dumps([settings, revisions], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _stats(source: Path | str, out: str, doc_id: str,
           st: os.stat_result | None = None) -> list[int] | None:
    """The source's (size, mtime_ns, ctime_ns, inode) and both outputs' (size, mtime_ns), as
    ``outputs.jsonl_path`` and ``abstract_path`` name them (strings: this runs per article)."""
    try:
        st = st or os.stat(source)
        js, ab = os.stat(f"{out}/{doc_id}.jsonl"), os.stat(f"{out}/{doc_id}.abstract.json")
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino,
            js.st_size, js.st_mtime_ns, ab.st_size, ab.st_mtime_ns]


#: Timestamps this close to now may not tell a later write apart: on filesystems that keep
#: whole seconds (ext4 with small inodes, NFS, SMB, FUSE) or two (FAT), whose timestamps have
#: no fraction of a second ...
RACY_NS = 2_000_000_000
#: ... and on the others, whose clock ticks every few milliseconds.
FINE_RACY_NS = 100_000_000
_SECOND = 1_000_000_000


def _racy(stats: list[int]) -> bool:
    """True for a source (``_stats``) changed too recently for its stats to vouch for its
    content (as git's "racily clean" entries): a same-size write in the same timestamp tick
    leaves them unchanged. Its row is not stored; the next run hashes it, as it does an
    article it has no row for."""
    mtime, ctime = stats[1], stats[2]
    coarse = mtime % _SECOND == 0 and ctime % _SECOND == 0
    return max(mtime, ctime) >= time.time_ns() - (RACY_NS if coarse else FINE_RACY_NS)


def _entry(row: list[Any], source: Path) -> dict[str, Any] | None:
    """The manifest entry a row vouches for, or None if its fields are not what ours are."""
    hashes = (row[9], row[10], row[12])
    if not (type(row[11]) is int and row[11] >= 0
            and all(type(h) is str and _HEX.fullmatch(h) for h in hashes)):
        return None
    return {"source": utf8_text(str(source)), "status": Status.DONE, "source_sha256": row[9],
            "jsonl_sha256": row[10], "paragraphs": row[11], "abstract_sha256": row[12]}


class ArticleIndex:
    """``_mtjob/index-RANK-of-N.jsonl``: finished articles of one shard, by doc id. Use it
    under the shard's lock."""

    def __init__(self, out: Path, tag: str, key: str) -> None:
        self.key = key
        self._out = os.fspath(out)
        self.path = meta_dir(out) / f"index-{tag}.jsonl"
        self._legacy = meta_dir(out) / f"index-{tag}.json"  # format 1, replaced on save
        self._rows: dict[str, list[Any]] = {}
        self._lines = 0  # rows in the file, superseded ones included
        self._clean = False  # the file is ours, of this key, and ends with a whole line
        self._load(read_plain(self.path))
        self._seen: set[str] = set()
        self._changed: dict[str, list[Any]] = {}

    def _load(self, data: bytes | None) -> None:
        if not data:
            return
        head, _, body = data.partition(b"\n")
        try:
            header = json.loads(head)
        except ValueError:
            return
        if not isinstance(header, dict) or header != {"format": FORMAT, "key": self.key}:
            return
        lines = body.split(b"\n")
        whole = lines.pop() == b""  # a run killed mid-append leaves a torn last line
        try:  # one parse for the whole file; line by line only when one is damaged
            rows = json.loads(b"[" + b",".join(lines) + b"]")
        except ValueError:
            rows = []
            for line in lines:
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    whole = False
        self._lines = len(lines)
        self._clean = whole
        for row in rows:  # the fields are checked when a row is used
            if type(row) is list and len(row) == ROW and type(row[0]) is str:
                self._rows[row[0]] = row
            else:
                self._clean = False

    def lookup(self, doc_id: str, source: Path,
               st: os.stat_result | None = None) -> dict[str, Any] | None:
        """The manifest entry of an article known done with exactly these stats (``st``: the
        source's, when the run has it already), or None."""
        row = self._rows.get(doc_id)
        if row is None or row[_STATS] != _stats(source, self._out, doc_id, st):
            return None
        entry = _entry(row, source)
        if entry is not None:
            self._seen.add(doc_id)
        return entry

    def record(self, doc_id: str, source: Path, entry: dict[str, Any],
               read: os.stat_result) -> None:
        """A finished article, as its files stand now, if its source is still as it was when
        it was ``read`` (hashed) and that is not too recent to tell a later write apart."""
        stats = _stats(source, self._out, doc_id)
        if stats is None or stats != _stats(source, self._out, doc_id, read) or _racy(stats):
            return
        row = [doc_id, *stats, entry["source_sha256"], entry["jsonl_sha256"],
               entry["paragraphs"], entry["abstract_sha256"]]
        self._seen.add(doc_id)
        if self._rows.get(doc_id) != row:
            self._rows[doc_id] = self._changed[doc_id] = row

    def save(self) -> None:
        """Append the rows this run changed; rewrite the index with the rows of the articles
        this run found done instead when superseded rows would outnumber live ones or the
        file is not clean (absent, of another key, damaged)."""
        live = len(self._seen)
        if live == 0 and self._lines == 0:
            return
        if self._clean and self._lines + len(self._changed) <= 2 * live + SLACK:
            if not self._changed or self._append(
                    b"".join(_line(row) for row in self._changed.values())):
                return
        rows = (self._rows[d] for d in sorted(self._seen))
        atomic_write(self.path, _line({"format": FORMAT, "key": self.key})
                     + b"".join(_line(row) for row in rows))
        self._legacy.unlink(missing_ok=True)

    def _append(self, data: bytes) -> bool:
        """Append to the index as it is (never through a symlink); False if it cannot."""
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW)
        except OSError:
            return False
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return False
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
            return True
        except OSError:
            return False
        finally:
            os.close(fd)


def _line(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
