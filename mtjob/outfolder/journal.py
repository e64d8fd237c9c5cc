"""Several files replaced as one: all of them or none, whatever kills the process.

``commit`` writes each new file under ``_mtjob/corrections/pending/``, then the journal
(``journal.json``: which staged file becomes which final file) with one atomic rename: that
rename is the commit point. Then each staged file is renamed over its final name and the
journal removed. A process killed before the journal exists leaves only staged files (removed
by the next :func:`recover`: the folder is as before); killed after, :func:`recover` (run by
the next ``import`` or ``run`` under the lock) finishes the renames, and until then
:func:`overlay` shows ``verify`` the committed contents: the folder reads as after.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .atomic import atomic_write, ensure_real_dir, read_plain, sync_folder
from .lock import open_lock_file
from .paths import meta_dir, sha256_bytes


def pending_dir(out: Path) -> Path:
    return meta_dir(out) / "corrections" / "pending"


def _journal(out: Path) -> Path:
    return pending_dir(out) / "journal.json"


def _entries(out: Path) -> list[dict[str, str]]:
    data = read_plain(_journal(out))
    if data is None:
        return []
    try:
        entries = json.loads(data)
    except ValueError:  # cannot be: it is renamed into place whole
        return []
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def _final(out: Path, entry: dict[str, str]) -> Path:
    return out / entry["final"]


@contextmanager
def _held(out: Path) -> Iterator[None]:
    """The journal's own lock: one committer or recoverer at a time (runs of other shards
    recover while an import may be staging)."""
    fd = open_lock_file(meta_dir(out) / "corrections" / "journal.lock")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def commit(out: Path, files: dict[Path, bytes]) -> None:
    """Replace every file of ``files`` (paths inside ``out``) with its bytes, all or none."""
    if not files:
        return
    ensure_real_dir(meta_dir(out) / "corrections")
    folder = ensure_real_dir(pending_dir(out))
    with _held(out):
        _recover(out)
        _stage(out, folder, files)
        _recover(out)


def _stage(out: Path, folder: Path, files: dict[Path, bytes]) -> None:
    token = secrets.token_hex(4)
    entries = []
    for number, (path, data) in enumerate(sorted(files.items())):
        # Never the final name in it: a staged name must be no longer than the names a run
        # writes itself (an article named with 108 Arabic letters is 216 bytes already).
        staged = f"{number}-{token}.staged"
        atomic_write(folder / staged, data)
        entries.append({"final": str(path.relative_to(out)), "staged": staged,
                        "sha256": sha256_bytes(data)})
    atomic_write(_journal(out), json.dumps(entries, ensure_ascii=False).encode("utf-8"))


def recover(out: Path) -> int:
    """Finish a committed change (rename what is staged into place, drop the journal) and
    remove staged files no journal names; returns how many files were put in place."""
    if not pending_dir(out).is_dir():
        return 0
    with _held(out):
        return _recover(out)


def _recover(out: Path) -> int:
    folder = pending_dir(out)
    entries, placed = _entries(out), 0
    for entry in entries:
        try:
            os.replace(folder / entry["staged"], _final(out, entry))
            placed += 1
        except FileNotFoundError:  # renamed already, by us before a kill or by another run
            pass
    for parent in {_final(out, e).parent for e in entries}:
        sync_folder(parent)
    try:
        _journal(out).unlink()
    except FileNotFoundError:
        pass
    for item in folder.iterdir():
        if stat.S_ISREG(item.lstat().st_mode):
            item.unlink()
    return placed


def overlay(out: Path) -> dict[Path, bytes]:
    """The committed contents not yet in place: ``{final path: bytes}`` (empty as a rule)."""
    found = {}
    for entry in _entries(out):
        data = read_plain(pending_dir(out) / entry["staged"])
        if data is not None and sha256_bytes(data) == entry.get("sha256"):
            found[_final(out, entry)] = data
    return found

