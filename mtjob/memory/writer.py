"""``memory add``'s writes: copy, change, rename. The memory is never written in place: under
the lock ``.NAME.lock`` it is copied into a temp file beside it (SQLite's backup API), the
copy is changed in one transaction, synced, and renamed over the memory. A writer killed at
any point leaves the memory as it was (and a temp file the next ``memory add`` removes);
readers see the memory before or after an add, and never meet a journal or a lock of
mtjob's. Another program writing the memory in place meanwhile would lose its write: only
mtjob writes a memory.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConfigError, LockHeldError, MemoryBusyError
from ..inputs.sources import display_name
from ..outfolder.atomic import remove_stale_tmp, sync_folder, tmp_name, write_new
from ..outfolder.lock import OutputLock
from .database import (
    APPLICATION_ID,
    FORMAT,
    LOCK_GRACE,
    SCHEMA,
    check_tables,
    label,
    open_read_only,
    recognise,
    translated,
)


@contextmanager
def writing(path: Path, wait: float = 0.0) -> Iterator[sqlite3.Connection]:
    """A connection on a copy of the memory (a new one when none is there) in one
    transaction; on a clean exit the copy replaces the memory, else it is dropped."""
    real = Path(os.path.realpath(path))
    if not real.parent.is_dir():
        raise ConfigError(f"{label(path)}: no folder {display_name(real.parent)}")
    recognise(real, new_ok=True)  # a folder or a foreign file: no lock file made beside it
    lock = OutputLock(real.with_name(f".{real.name}.lock"), wait)
    try:
        lock.acquire()
    except LockHeldError:
        raise MemoryBusyError(f"{label(path)}: another mtjob memory add is writing it; "
                              "try later or pass --wait-lock SECONDS (exit 75 means busy)"
                              ) from None
    try:
        remove_stale_tmp(real.parent, {real.name})  # of killed writers, under the lock
        existing = recognise(real, new_ok=True)
        if existing and not os.access(real, os.W_OK):
            raise ConfigError(f"{label(path)}: read-only; nothing added")
        tmp = tmp_name(real)
        write_new(tmp, b"")  # never a planted name
        try:
            yield from _write_copy(path, real, tmp, existing, wait)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    finally:
        lock.release()


def _write_copy(path: Path, real: Path, tmp: Path, existing: bool,
                wait: float) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(tmp, isolation_level=None)
    try:
        # The copy needs no journal: a failure drops the whole file.
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        if existing:
            source = open_read_only(real, wait)
            try:
                source.backup(db)
            finally:
                source.close()
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.executescript(SCHEMA)
        db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (str(FORMAT),))
        check_tables(db, path)
        db.execute("BEGIN")
        yield db
        db.execute("COMMIT")
    except sqlite3.Error as exc:
        raise translated(exc, path, max(wait, LOCK_GRACE)) from None
    finally:
        db.close()
    mode = stat.S_IMODE(real.stat().st_mode) if existing else None
    fd = os.open(tmp, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        os.fsync(fd)
        if mode is not None:
            os.fchmod(fd, mode)
    finally:
        os.close(fd)
    os.replace(tmp, real)
    sync_folder(real.parent)
