"""A per-shard index of finished articles, so that an unchanged archive is re-checked with a
few ``stat`` calls per article instead of reading and hashing every source and output.

An entry holds the source's (size, mtime_ns, ctime_ns, inode), the skip key (settings and
model revisions), both outputs' (size, mtime_ns) and the manifest entry. It is trusted only
when all of them match exactly; anything else (a touched file, an edited output, other
settings) falls back to the full check, which hashes and records the new stats: a touched but
identical file is still recognised as unchanged by its hash. ``verify`` never reads it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .outputs import meta_dir
from .writer import read_plain, write_if_changed

Stat = list[int]


def skip_key(settings: dict[str, Any], revisions: dict[str, str]) -> str:
    """What else must be unchanged for an article to stay done."""
    text = json.dumps([settings, revisions], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _source_stat(path: Path, st: os.stat_result | None = None) -> Stat | None:
    try:
        st = st or os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _output_stats(out: str, doc_id: str) -> list[Stat] | None:
    """Both outputs' (size, mtime_ns); the paths as ``outputs.jsonl_path`` and
    ``abstract_path`` make them, built as strings (this runs for every article of a shard)."""
    try:
        return [[st.st_size, st.st_mtime_ns] for st in
                (os.stat(f"{out}/{doc_id}.jsonl"), os.stat(f"{out}/{doc_id}.abstract.json"))]
    except OSError:
        return None


class ArticleIndex:
    """``_mtjob/index-RANK-of-N.json``: finished articles of one shard, by doc id."""

    def __init__(self, out: Path, tag: str, key: str) -> None:
        self.out, self.key = out, key
        self._out = os.fspath(out)
        self.path = meta_dir(out) / f"index-{tag}.json"
        data = read_plain(self.path)
        try:
            loaded = json.loads(data) if data else {}
        except ValueError:
            loaded = {}
        self._old: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
        self._new: dict[str, Any] = {}

    def lookup(self, doc_id: str, source: Path,
               st: os.stat_result | None = None) -> dict[str, Any] | None:
        """The manifest entry of an article known done with exactly these stats (``st``: the
        source's, when the run has it already), or None."""
        found = self._old.get(doc_id)
        if (not isinstance(found, dict) or found.get("key") != self.key
                or found.get("src") != _source_stat(source, st)
                or found.get("out") != _output_stats(self._out, doc_id)):
            return None
        entry = dict(found.get("entry") or {}, source=str(source))
        self._new[doc_id] = dict(found, entry=entry)
        return entry

    def record(self, doc_id: str, source: Path, entry: dict[str, Any]) -> None:
        """A finished article, as its files stand now."""
        src, outs = _source_stat(source), _output_stats(self._out, doc_id)
        if src is not None and outs is not None:
            self._new[doc_id] = {"key": self.key, "src": src, "out": outs, "entry": entry}

    def save(self) -> None:
        """Write the index of what this run found done (an unchanged one is left alone)."""
        if self._new == self._old:
            return
        data = json.dumps(self._new, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        write_if_changed(self.path, data.encode("utf-8") + b"\n")
