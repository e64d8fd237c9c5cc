"""Atomic output: temp file in the same folder, fsync, ``os.replace``. A killed run never
leaves a half-written file under a final name."""

from __future__ import annotations

import errno
import json
import os
import secrets
from pathlib import Path
from typing import Any

from .errors import OutputError

TMP_MARK = ".mtjob-tmp-"


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


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; on any failure the old file stays as it was."""
    tmp = tmp_name(path)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        if isinstance(exc, OSError):
            reason = "disk full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
            raise OutputError(f"cannot write {path}: {reason}") from None
        raise
    _fsync_dir(path.parent)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomic write that leaves an identical file alone (reruns change no file)."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data)
    return True


def json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def remove_stale_tmp(folder: Path, names: set[str]) -> int:
    """Remove temp files a killed run left for the given final names; returns how many."""
    removed = 0
    for item in folder.glob(f".*{TMP_MARK}*"):
        final = item.name[1:].split(TMP_MARK, 1)[0]
        if final in names:
            try:
                item.unlink()
                removed += 1
            except OSError:
                pass
    return removed


def ensure_writable(folder: Path) -> None:
    """Create the output folder and prove it is writable before any model loads."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = tmp_name(folder / "probe")
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"output folder {folder} is not writable: "
                          f"{exc.strerror or exc}") from None


def write_article(out: Path, doc_id: str, jsonl: bytes, meta: dict[str, Any]) -> None:
    """JSONL first, abstract last: the abstract (with the JSONL's hash) marks it done. No
    signal separates the two files."""
    from . import signals
    from .outputs import abstract_path, jsonl_path

    with signals.critical():
        atomic_write(jsonl_path(out, doc_id), jsonl)
        atomic_write(abstract_path(out, doc_id), json_bytes(meta))
