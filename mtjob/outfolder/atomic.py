"""Atomic output: temp file in the same folder, fsync, ``os.replace``. A killed run never
leaves a half-written file under a final name."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import secrets
import shutil
import stat
import time
from pathlib import Path
from typing import Any

from ..errors import OutputError, OutputFolderError, UnsafeOutputError
from ..inputs.sources import TMP_MARK, display_name

# Temp files are created, never reused: an existing name (a planted symlink) is an error.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def tmp_name(path: Path) -> Path:
    """Hidden temp name beside the final file; never matched by ``*.jsonl`` / ``*.json``."""
    return path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some filesystems do not open folders; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_new(path: Path, data: bytes) -> None:
    """Create ``path`` holding ``data``: an existing name (a planted symlink included) is an
    ``OSError``, never followed or overwritten."""
    with open(os.open(path, _CREATE, 0o666), "wb") as handle:
        handle.write(data)


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the file system can)."""
    _fsync_dir(folder)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; on any failure the old file stays as it was."""
    tmp = tmp_name(path)
    created = False
    try:
        with open(os.open(tmp, _CREATE, 0o666), "wb") as handle:
            created = True
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        if created:  # never unlink a name someone else planted
            try:
                tmp.unlink()
            except OSError:
                pass
        if isinstance(exc, OSError):
            reason = "disk full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
            raise OutputError(f"cannot write {display_name(path)}: {reason}") from None
        raise
    _fsync_dir(path.parent)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomic write that leaves an identical file alone (reruns change no file)."""
    if read_plain(path) == data:
        return False
    atomic_write(path, data)
    return True


def read_plain(path: Path, limit: int = -1) -> bytes | None:
    """The bytes of a regular file that is not a symlink (its first ``limit`` bytes when
    given); None for anything else (absent, a symlink, a FIFO: reading must neither follow
    nor block)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # before open(): a folder's fd raises there
        os.close(fd)
        return None
    with open(fd, "rb") as handle:
        return handle.read(limit)


def json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def remove_stale_tmp(folder: Path, names: set[str] | None = None,
                     min_age: float = 0.0) -> int:
    """Remove temp files a killed run left for the given final names (every temp file of
    ours when ``names`` is None; only those unchanged for ``min_age`` seconds); returns how
    many. Call it under the lock that guards writers of those names."""
    removed = 0
    for item in folder.glob(f".*{TMP_MARK}*"):
        final = item.name[1:].split(TMP_MARK, 1)[0]
        if names is not None and final not in names:
            continue
        try:
            info = item.lstat()
            if stat.S_ISDIR(info.st_mode) or time.time() - info.st_mtime < min_age:
                continue
            item.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def remove_stale_tmp_dirs(root: Path, prefix_glob: str) -> int:
    """Remove partial conversion folders ``root/.{name}.XXXXXXXX`` (``mkdtemp`` names) whose
    ``name`` matches ``prefix_glob``, when no conversion holds ``root/{name}.lock``; returns
    how many. Call it before taking that lock: a second ``flock`` by this process on its
    own lock would count as "held"."""
    removed = 0
    by_name: dict[str, list[Path]] = {}
    for item in root.glob(f".{prefix_glob}.*"):
        if "." in item.name[1:] and stat.S_ISDIR(item.lstat().st_mode):
            by_name.setdefault(item.name[1:].rsplit(".", 1)[0], []).append(item)
    for name, folders in sorted(by_name.items()):
        try:
            fd = os.open(root / f"{name}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a conversion is running: its folder is not stale
            os.close(fd)
            continue
        try:
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)
                removed += not folder.exists()
        finally:
            os.close(fd)  # closing drops the lock
    return removed


def ensure_real_dir(path: Path) -> Path:
    """Create ``path`` (its parent must exist) or accept it if it is a real folder; a
    symlink or a file there is :class:`UnsafeOutputError`, so bookkeeping is never written
    through a link to somewhere else."""
    try:
        path.mkdir(exist_ok=True)
    except FileExistsError:
        pass  # a file, or a symlink to a file: named below
    except OSError as exc:
        raise OutputError(f"cannot create {display_name(path)}: {exc.strerror}") from None
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        raise UnsafeOutputError(f"{display_name(path)}: is a symlink; mtjob keeps its "
                                "bookkeeping in a real folder only (remove the link)")
    if not stat.S_ISDIR(mode):
        raise UnsafeOutputError(f"{display_name(path)}: is not a folder")
    return path


def ensure_writable(folder: Path) -> None:
    """Create the output folder and prove it is writable before any model loads."""
    if os.path.lexists(folder) and not folder.is_dir():  # a file, a FIFO, a broken link
        raise OutputFolderError(f"output folder {display_name(folder)} is not writable: it "
                                "is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = tmp_name(folder / "probe")
        os.close(os.open(probe, _CREATE, 0o600))
        probe.unlink()
    except OSError as exc:  # a file, a read-only file system...: a usage error
        raise OutputFolderError(f"output folder {display_name(folder)} is not writable: "
                                f"{exc.strerror or exc}") from None


def write_article(jsonl_path: Path, abstract_path: Path, jsonl: bytes,
                  meta: dict[str, Any]) -> bytes:
    """JSONL first, abstract last: the abstract (with the JSONL's hash) marks the article
    done. No signal separates the two files. Returns the abstract's bytes."""
    from .. import signals

    abstract = json_bytes(meta)
    with signals.critical():
        atomic_write(jsonl_path, jsonl)
        atomic_write(abstract_path, abstract)
    return abstract
