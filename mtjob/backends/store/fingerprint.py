"""The content fingerprint of a local model folder, cached so that every run may take it.

A local folder has no hub revision, so its weights and tokenizer files are hashed; hashing
a real model reads hundreds of megabytes. The result is kept in ``<cache_root>/fingerprints
.json`` against each file's ``(name, size, mtime_ns, ctime_ns, inode)``: a rerun over an
unchanged folder reads no file, and any replaced or touched file hashes the folder again
(the same content gives the same fingerprint).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TOKENIZER_PATTERNS = ("*.json", "*.spm", "*.model", "*.txt")
#: Folders remembered in the cache file; the oldest are dropped past this.
MAX_FOLDERS = 64


def cache_root() -> Path:
    """``$MTJOB_CACHE``, else ``$XDG_CACHE_HOME/mtjob``, else ``~/.cache/mtjob``."""
    if os.environ.get("MTJOB_CACHE"):
        return Path(os.environ["MTJOB_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "mtjob"


def fingerprint_files(path: Path) -> list[Path]:
    """The files the fingerprint covers, in hashing order: tokenizer and config files, then
    the weights that would be loaded (safetensors when present, else pickle)."""
    weights = sorted(path.glob("*.safetensors")) or sorted(path.glob("pytorch_model*.bin"))
    tokenizer = [p for pattern in TOKENIZER_PATTERNS for p in sorted(path.glob(pattern))]
    return tokenizer + weights


def hash_files(files: list[Path]) -> str:
    """``local-sha256:`` and 16 hex digits over each file's name and content, in order."""
    digest = hashlib.sha256()
    for item in files:
        digest.update(item.name.encode())
        with item.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
    return "local-sha256:" + digest.hexdigest()[:16]


def _stats(files: list[Path]) -> list[list[Any]]:
    rows = []
    for item in files:
        st = item.stat()
        rows.append([item.name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino])
    return rows


def _cache_file() -> Path:
    return cache_root() / "fingerprints.json"


def _read_cache() -> dict[str, Any]:
    try:
        data = json.loads(_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(data: dict[str, Any]) -> None:
    """Atomic; a lost race with another job only costs a hash next time, and a read-only
    cache (a locked-down node) only costs a hash each run."""
    from ...outfolder.atomic import atomic_write

    try:
        _cache_file().parent.mkdir(parents=True, exist_ok=True)
        atomic_write(_cache_file(), (json.dumps(data, indent=1) + "\n").encode())
    except Exception as exc:  # OutputError included: the fingerprint itself is right
        log.debug("cannot write the fingerprint cache: %s", exc)


def fingerprint(path: Path) -> str:
    """The folder's fingerprint (``local-sha256:...``), from the cache when no covered file
    changed since it was taken."""
    folder = str(path.resolve())
    files = fingerprint_files(path)
    stats = _stats(files)
    cache = _read_cache()
    entry = cache.get(folder)
    if isinstance(entry, dict) and entry.get("files") == stats and entry.get("revision"):
        return str(entry["revision"])
    revision = hash_files(files)
    if _stats(files) != stats:  # changed while being read: do not remember a mixed state
        return revision
    cache = _read_cache()  # again: another job may have added its folder meanwhile
    cache.pop(folder, None)
    cache[folder] = {"files": stats, "revision": revision}
    _write_cache(dict(list(cache.items())[-MAX_FOLDERS:]))
    return revision
