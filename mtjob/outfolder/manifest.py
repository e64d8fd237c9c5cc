"""The shard's manifest, written as the run goes: every article of the shard at the start
(pending), then rewritten atomically after each one, so a run that is killed leaves an
accurate partial manifest; the completion marker comes last, only when all are done. A
manifest of over ``SMALL`` articles is rewritten at most every ``EVERY`` seconds, its first
write included (the completion marker is removed at once), and always at the end or on a
signal.

Call it under the shard's :class:`~mtjob.outfolder.lock.ShardLock`: ``begin`` removes the
manifests and markers of other shard counts, which the lock guarantees are not running.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

from ..inputs.sources import display_name, utf8_text
from ..vocabulary import Status
from .atomic import ensure_real_dir, json_bytes, read_plain, write_if_changed
from .paths import abstract_path, jsonl_path, meta_dir, sha256_bytes
from .schema import MANIFEST_ENTRY, validate, validate_manifest

TAG = re.compile(r"(\d{5})-of-(\d{5})")
SMALL, EVERY = 1000, 2.0
#: Where the manifests of an earlier shard count go (read for their entries, not verified).
PREVIOUS = "previous"


def shard_tag(rank: int, world_size: int) -> str:
    return f"{rank:05d}-of-{world_size:05d}"


def pending_entry(source: Path | str) -> dict[str, Any]:
    return {"source": utf8_text(str(source)), "status": Status.PENDING}


def failed_entry(source: Path | str, error: str) -> dict[str, Any]:
    return {"source": utf8_text(str(source)), "status": Status.FAILED, "error": error}


def not_an_article_entry(source: Path | str, reason: str) -> dict[str, Any]:
    """An input entry that is not an article (FIFO, folder...): never done, so it is named."""
    return {"source": utf8_text(str(source)), "status": Status.NOT_AN_ARTICLE, "error": reason}


def done_entry(source: Path | str, record: dict[str, Any], abstract_data: bytes) -> dict[str, Any]:
    """A finished article: ``record`` is its abstract record, ``abstract_data`` the bytes of
    its ``NAME.abstract.json`` (hashed, so an edited abstract text is caught)."""
    return {"source": utf8_text(str(source)), "status": Status.DONE,
            "source_sha256": record["source_sha256"],
            "jsonl_sha256": record["jsonl_sha256"], "paragraphs": record["paragraphs"],
            "abstract_sha256": sha256_bytes(abstract_data)}


class ManifestWriter:
    """``_mtjob/manifest-RANK-of-N.json``, ``_mtjob/config.json`` and the completion marker
    ``_mtjob/completions/RANK-of-N`` of one shard. Unchanged content is never rewritten."""

    def __init__(self, out: Path, rank: int, world_size: int, settings: dict[str, Any],
                 config_json: str) -> None:
        self.meta = meta_dir(out)
        self.rank, self.world_size = rank, world_size
        self.tag = shard_tag(rank, world_size)
        self.path = self.meta / f"manifest-{self.tag}.json"
        self.marker = self.meta / "completions" / self.tag
        self.settings = settings
        self.config_json = config_json
        self.entries: dict[str, dict[str, Any]] = {}
        self._dirty, self._written = False, 0.0

    def begin(self, entries: dict[str, dict[str, Any]],
              checked: frozenset[str] = frozenset()) -> None:
        """All of the shard's articles: "pending", or "done" for those already finished (so
        a rerun with nothing to do changes no file), "not_an_article"/"failed" with their
        reason.
        ``checked``: entries validated when first written (the index's), not checked again."""
        for doc_id, entry in entries.items():
            if doc_id not in checked:
                _check(doc_id, entry)
        ensure_real_dir(self.meta)
        self.entries = {**self._carried(entries),
                        **{doc_id: dict(entry) for doc_id, entry in entries.items()}}
        completions = self.meta / "completions"
        if completions.exists() or completions.is_symlink():
            ensure_real_dir(completions)
            for marker in completions.iterdir():
                if self._other_count(marker.name) or (marker == self.marker
                                                      and not self._complete()):
                    marker.unlink()  # before the manifest: never a marker beside pending work
        for manifest in self.meta.glob("manifest-*.json"):
            if self._other_count(manifest.name[len("manifest-"):-len(".json")]):
                # Kept aside, not deleted: the new count's shards carry their entries.
                previous = ensure_real_dir(self.meta / PREVIOUS)
                os.replace(manifest, previous / manifest.name)
        if len(self.entries) <= SMALL:
            self._write()
        else:  # held back like an update: a few new articles cost one rewrite, not two
            self._dirty, self._written = True, time.monotonic()
        write_if_changed(self.meta / "config.json", self.config_json.encode("utf-8"))

    def _carried(self, current: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """The "done" entries of this folder's manifests (those of an earlier shard count
        too, in ``_mtjob/previous/``) that this shard owns, this run does not list (their
        inputs were archived since) and whose files are still here: kept, so ``verify`` goes
        on checking those outputs against the hashes recorded when they were written."""
        from .paths import shard_of

        out = self.meta.parent
        carried: dict[str, dict[str, Any]] = {}
        previous = self.meta / PREVIOUS
        for path in [*sorted(self.meta.glob("manifest-*.json")),
                     *(sorted(previous.glob("manifest-*.json")) if previous.is_dir() else [])]:
            tag = TAG.fullmatch(path.name[len("manifest-"):-len(".json")])
            if tag is None or (path.parent == self.meta and int(tag.group(2)) == self.world_size
                               and int(tag.group(1)) != self.rank):
                continue  # another task of this array: what it lists is never this shard's
            try:
                articles = json.loads(read_plain(path) or b"{}").get("articles")
            except (ValueError, AttributeError):
                continue  # verify names a damaged manifest
            for doc_id, entry in (articles if isinstance(articles, dict) else {}).items():
                if (doc_id in current or doc_id in carried or not isinstance(entry, dict)
                        or entry.get("status") != Status.DONE
                        or shard_of(doc_id, self.world_size) != self.rank
                        or not (abstract_path(out, doc_id).exists()
                                or jsonl_path(out, doc_id).exists())
                        or validate(entry, MANIFEST_ENTRY, doc_id)):
                    continue
                carried[doc_id] = entry
        return carried

    def update(self, doc_id: str, entry: dict[str, Any]) -> None:
        """One article's outcome, on disk before this returns (atomic rewrite). A manifest of
        over ``SMALL`` articles is rewritten at most every ``EVERY`` seconds (each rewrite
        costs its whole size), and on ``flush``: a killed run's lags by that much at most."""
        _check(doc_id, entry)
        self.entries[doc_id] = dict(entry)
        self._dirty = True
        if len(self.entries) <= SMALL or time.monotonic() - self._written >= EVERY:
            self._write()

    def flush(self) -> None:
        """Write what ``update`` held back."""
        if self._dirty:
            self._write()

    def finish(self) -> bool:
        """Write the completion marker iff every entry is "done"; returns whether it was."""
        self.flush()
        if not self._complete():
            if self.marker.exists():
                self.marker.unlink()
            return False
        ensure_real_dir(self.marker.parent)
        write_if_changed(self.marker, json_bytes(sorted(self.entries)))
        return True

    def _complete(self) -> bool:
        return all(e["status"] == Status.DONE for e in self.entries.values())

    def _other_count(self, tag: str) -> bool:
        match = TAG.fullmatch(tag)
        return match is not None and int(match.group(2)) != self.world_size

    def _write(self) -> None:
        manifest = {"shard": [self.rank, self.world_size], "articles": self.entries,
                    "settings": self.settings}
        write_if_changed(self.path, manifest_bytes(manifest))
        self._dirty, self._written = False, time.monotonic()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """A manifest as written: indented for people; compact (C encoder, ~10x faster) for
    archive-sized shards (over ``SMALL`` articles)."""
    if len(manifest.get("articles") or {}) <= SMALL:
        return json_bytes(manifest)
    return (json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            + "\n").encode()


def _check(doc_id: str, entry: dict[str, Any]) -> None:
    problems = validate(entry, MANIFEST_ENTRY, doc_id)
    if problems:
        raise ValueError("bad manifest entry: " + "; ".join(problems))


def read_manifest(path: Path, data: bytes | None = None
                  ) -> tuple[dict[str, Any] | None, list[str]]:
    """A manifest and ``[]``, or None and every problem (named with the file). ``data``: its
    bytes, when the caller has them (``verify``: an import's committed manifest)."""
    data = read_plain(path) if data is None else data
    if data is None:
        return None, [f"{display_name(path)}: unreadable (not a regular file?)"]
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        return None, [f"{display_name(path)}: not valid JSON ({exc})"]
    problems = validate_manifest(manifest)
    if problems:
        return None, [f"{display_name(path)}: {p}" for p in problems]
    return manifest, []
