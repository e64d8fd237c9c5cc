"""The memory's SQLite file: what makes a file an mtjob memory, reading it, writing it.

- **Recognised before use.** A memory carries ``PRAGMA application_id`` :data:`APPLICATION_ID`
  and a ``meta`` table with its ``format``. A file of format 1 made before the id existed
  (application_id 0, exactly mtjob's two tables) is still one, and gains the id at its next
  ``memory add``. Anything else (another application's database, a text file, a FIFO) is
  refused before a byte is read or written by SQLite.
- **Read-only readers.** A run opens the memory with an SQLite ``mode=ro`` URI and holds one
  read transaction for its whole life: every article of the run sees the same memory, and no
  lock file or journal is made, so every Slurm task can share one file on read-only storage.
  ``PRAGMA quick_check`` runs first: a damaged memory fails before any article, naming it.
- **Copy-on-write writers** (``writer``): readers never meet a hot journal or a write lock of
  mtjob's. A hot journal left by another program (or an older mtjob) is rolled back by SQLite
  through a short read-write connection where this process may write, else named.
- **Busy.** A memory another program holds locked past ``--wait-lock`` (at least
  :data:`LOCK_GRACE` seconds) is :class:`MemoryBusyError`, exit 75.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from pathlib import Path

from ..errors import ConfigError, MemoryBusyError
from ..inputs.sources import display_name

log = logging.getLogger(__name__)

#: ``PRAGMA application_id`` of an mtjob memory ("mtjm").
APPLICATION_ID = 0x6D746A6D
FORMAT = 1
#: Seconds a reader waits for a write lock even with ``--wait-lock 0``: a commit of another
#: program holds it for moments, and that is no reason to fail a run.
LOCK_GRACE = 5.0
_MAGIC = b"SQLite format 3\x00"
_TABLES = {"meta", "entries"}

SCHEMA = """
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


def label(path: Path) -> str:
    """How messages name a memory."""
    return f"memory {display_name(path)}"


def _header(path: Path, new_ok: bool) -> bytes | None:
    """The file's first 100 bytes (None: absent or empty, when ``new_ok``); a ConfigError
    for anything that cannot be an SQLite file. Never follows into a FIFO or device."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        if new_ok:
            return None
        raise ConfigError(f"{label(path)}: no such file (make one with mtjob memory add)"
                          ) from None
    except OSError as exc:
        raise ConfigError(f"{label(path)}: cannot open: {exc.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
            raise ConfigError(f"{label(path)}: {kind}, not an mtjob memory")
        head = os.read(fd, 100)
    finally:
        os.close(fd)
    if not head and new_ok:
        return None
    if not head.startswith(_MAGIC) or len(head) < 100:
        raise ConfigError(f"{label(path)}: not an mtjob memory (not an SQLite database)")
    return head


def recognise(path: Path, new_ok: bool = False) -> bool:
    """Whether ``path`` is an mtjob memory (False: none there yet, when ``new_ok``); a
    ConfigError naming what it is otherwise. A legacy memory (application_id 0) is checked
    for mtjob's tables by :func:`check_tables` once it is open."""
    head = _header(path, new_ok)
    if head is None:
        return False
    app = int.from_bytes(head[68:72], "big")
    if app not in (0, APPLICATION_ID):
        raise ConfigError(f"{label(path)}: not an mtjob memory (an SQLite database of another "
                          f"application, application_id 0x{app:08x}); nothing written")
    return True


def check_tables(db: sqlite3.Connection, path: Path) -> None:
    """The memory's own tables and a format this mtjob reads, else a ConfigError."""
    tables = {name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    app = db.execute("PRAGMA application_id").fetchone()[0]
    if not _TABLES <= tables or (app == 0 and tables != _TABLES):
        found = ", ".join(sorted(tables)) or "none"
        raise ConfigError(f"{label(path)}: not an mtjob memory (an SQLite database with the "
                          f"tables {found}); nothing written")
    row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    if row is None or not str(row[0]).isdigit() or int(row[0]) > FORMAT:
        raise ConfigError(f"{label(path)}: memory format {row and row[0]} is not one this "
                          f"mtjob reads (format {FORMAT})")


def check_integrity(db: sqlite3.Connection, path: Path) -> None:
    """``PRAGMA quick_check`` (every page, every record's shape); a ConfigError naming the
    memory and the first problem."""
    problems = [row[0] for row in db.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise damaged(path, problems[0])


def damaged(path: Path, why: object) -> ConfigError:
    return ConfigError(f"{label(path)}: the memory is damaged ({why}); restore it from a "
                       "backup, or make a new one with mtjob memory add from the output "
                       "folders")


def translated(exc: sqlite3.Error, path: Path, waited: float) -> Exception:
    """The typed error for an SQLite error on the memory."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return MemoryBusyError(f"{label(path)}: another program holds its write lock; waited "
                               f"{waited:g} s; try later or pass --wait-lock SECONDS "
                               "(exit 75 means busy)")
    if isinstance(exc, sqlite3.DatabaseError) and ("malformed" in text or "corrupt" in text):
        return damaged(path, text)
    return ConfigError(f"{label(path)}: not a readable mtjob memory: {text}")


def _hot_journal(exc: sqlite3.Error, path: Path) -> bool:
    name = getattr(exc, "sqlite_errorname", None)
    if name is not None:
        return bool(name == "SQLITE_READONLY_ROLLBACK")
    return "readonly" in str(exc) and os.path.exists(f"{path}-journal")


def _roll_back(path: Path, timeout: float) -> None:
    """Let SQLite roll back the hot journal beside ``path`` (a read-write connection does it
    at its first read); a ConfigError when this process may not write there."""
    journal = display_name(f"{path}-journal")
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        raise ConfigError(f"{label(path)}: an interrupted write of another program left "
                          f"{journal}; only a process that may write there can roll it back "
                          "(run mtjob memory stats on it once as such a user)")
    db = sqlite3.connect(path, timeout=timeout)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        db.close()
    log.warning("%s: rolled back an interrupted write of another program (%s)",
                label(path), journal)


def open_read_only(path: Path, wait: float = 0.0, check: bool = True) -> sqlite3.Connection:
    """The memory at ``path`` (resolved), recognised, checked and in a read transaction."""
    recognise(path)
    timeout = max(wait, LOCK_GRACE)
    uri = f"{path.resolve().as_uri()}?mode=ro"
    for attempt in (1, 2):
        db = sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False,
                             isolation_level=None)
        try:
            db.execute("BEGIN")  # one snapshot for the reader's whole life
            check_tables(db, path)
            if check:
                check_integrity(db, path)
            return db
        except sqlite3.Error as exc:
            db.close()
            if attempt == 1 and _hot_journal(exc, path):
                _roll_back(path.resolve(), timeout)
                continue
            raise translated(exc, path, timeout) from None
        except BaseException:
            db.close()
            raise
    raise AssertionError("unreachable")  # pragma: no cover
