"""Who may write an output folder: one run per shard, and one shard count at a time.

Each run holds ``_mtjob/lock-RANK-of-N`` exclusively and ``_mtjob/world-N.lock`` shared, for
its whole life; ``flock`` locks die with their process, however it ends. ``world.lock`` is a
short mutex under which a run checks that no ``world-M.lock`` (M != N) is held, then joins
``world-N``; so ``0/1`` and ``0/2`` never write the same articles, while ``0/2`` and ``1/2``
run together.
"""

from __future__ import annotations

import errno
import fcntl
import math
import os
import re
import stat
import time
from pathlib import Path

from ..errors import ConfigError, LockHeldError, OutputError, ShardCountError, UnsafeOutputError
from ..inputs.sources import display_name
from .atomic import ensure_real_dir, remove_stale_tmp
from .paths import REVIEW_DIR, meta_dir

_MUTEX_WAIT = 10.0  # seconds; the mutex is held for a few system calls
RECORD_GRACE = 60.0  # seconds: a run record's temp file younger than this may be in use
#: The longest ``--wait-lock``: a week (nan, inf and negative values are refused).
MAX_WAIT = 7 * 86400.0


def check_wait(seconds: float) -> float:
    """``seconds`` if it is a sane wait for a lock, else a :class:`ConfigError`."""
    if not (isinstance(seconds, (int, float)) and math.isfinite(seconds)
            and 0 <= seconds <= MAX_WAIT):
        raise ConfigError(f"--wait-lock must be between 0 and {MAX_WAIT:g} seconds, "
                          f"got {seconds!r}")
    return float(seconds)
_OTHER = re.compile(r"(?:world-(\d+)\.lock|lock-\d+-of-(\d+))")


def open_lock_file(path: Path) -> int:
    """An fd on the regular file ``path`` (created if absent), never through a symlink."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeOutputError(f"{display_name(path)}: is a symlink; remove it") from None
        raise OutputError(f"cannot create lock {display_name(path)}: {exc.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnsafeOutputError(f"{display_name(path)}: is not a regular file; remove it")
    return fd


def _try_flock(fd: int, how: int) -> bool:
    try:
        fcntl.flock(fd, how | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


class OutputLock:
    """Exclusive lock on one file (``folder/_mtjob/lock-RANK-of-N``)."""

    def __init__(self, path: Path, wait_seconds: float = 0.0) -> None:
        self.path = path
        self.wait_seconds = wait_seconds
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create lock {display_name(self.path)}: "
                              f"{exc.strerror}") from None
        ensure_real_dir(self.path.parent)
        fd = open_lock_file(self.path)
        deadline = time.monotonic() + self.wait_seconds
        while not _try_flock(fd, fcntl.LOCK_EX) or not self._still_named(fd):
            if time.monotonic() >= deadline:
                os.close(fd)
                waited = (f"waited {self.wait_seconds:.1f} s; " if self.wait_seconds
                          else "try later or pass --wait-lock SECONDS; ")
                raise LockHeldError(f"another mtjob run holds {display_name(self.path)}: "
                                    f"{waited}exit 75 means busy")
            time.sleep(0.2)
        self._fd = fd

    def _still_named(self, fd: int) -> bool:
        """Whether the file locked is still the one at ``path``: a run that held it may have
        removed it (``release(remove=True)``), and a lock on a removed file guards nothing.
        On a mismatch ``fd`` is reopened on the current file (and not locked yet)."""
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(self.path))
        except FileNotFoundError:
            same = False
        if not same:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.dup2(reopened := open_lock_file(self.path), fd)
            os.close(reopened)
        return same

    def release(self, remove: bool = False) -> None:
        """Drop the lock; ``remove``: unlink the file first (while still held), for a run
        that leaves no other trace, so ``verify`` does not take it for an interrupted one."""
        if self._fd is not None:
            if remove:
                try:
                    self.path.unlink()
                except OSError:
                    pass
            os.close(self._fd)  # closing drops the lock
            self._fd = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class ShardLock:
    """Everything a run of shard ``rank``/``world_size`` holds on ``out`` (which must exist).

    After :meth:`acquire`, ``removed_tmp`` counts the temp files of killed runs removed from
    ``_mtjob/`` and ``_mtjob/completions/``: every one when no other run is active, else
    only this shard's own (another rank may be writing ``config.json`` right now).
    """

    def __init__(self, out: Path, rank: int, world_size: int, wait_seconds: float = 0.0) -> None:
        self.out, self.rank, self.world_size = out, rank, world_size
        self.wait_seconds = check_wait(wait_seconds)
        self.tag = f"{rank:05d}-of-{world_size:05d}"
        self.removed_tmp = 0
        self._world: int | None = None
        self._rank: OutputLock | None = None

    def acquire(self) -> None:
        meta = ensure_real_dir(meta_dir(self.out))
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                self._join_world(meta)
                break
            except ShardCountError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.2)
        try:
            self._rank = OutputLock(meta / f"lock-{self.tag}",
                                    max(0.0, deadline - time.monotonic()))
            self._rank.acquire()
            own = {f"manifest-{self.tag}.json", self.tag}
            self.removed_tmp += remove_stale_tmp(meta, own)
            if (meta / "completions").is_dir():
                self.removed_tmp += remove_stale_tmp(meta / "completions", own)
        except BaseException:
            self.release()
            raise

    def _join_world(self, meta: Path) -> None:
        mutex = open_lock_file(meta / "world.lock")
        try:
            deadline = time.monotonic() + max(self.wait_seconds, _MUTEX_WAIT)
            while not _try_flock(mutex, fcntl.LOCK_EX):
                if time.monotonic() >= deadline:
                    raise LockHeldError(f"{display_name(meta / 'world.lock')} stays locked; "
                                        "is an mtjob run stopped (SIGSTOP)?")
                time.sleep(0.05)
            self._refuse_other_counts(meta)
            fd = open_lock_file(meta / f"world-{self.world_size}.lock")
            if _try_flock(fd, fcntl.LOCK_EX):  # alone: no run can start while we hold mutex
                self.removed_tmp += remove_stale_tmp(meta)
                for sub in (meta / "completions", meta / "runs", self.out / REVIEW_DIR):
                    if sub.is_dir() and not sub.is_symlink():
                        # Run records are written after the lock is released: only a temp
                        # file no writer touched for a while is stale there.
                        self.removed_tmp += remove_stale_tmp(
                            sub, min_age=RECORD_GRACE if sub.name == "runs" else 0.0)
            fcntl.flock(fd, fcntl.LOCK_SH)  # never waits: only SH holders, and we hold mutex
            self._world = fd
        finally:
            os.close(mutex)

    def _refuse_other_counts(self, meta: Path) -> None:
        """Under the mutex: fail if a run of another count holds its lock; else remove the
        lock files of finished other counts (stale, and confusing to ``verify``). The world
        locks are tried first: a run that joined its world may not have locked its rank
        file yet, and that file must not be unlinked under it."""
        for path in sorted(meta.iterdir(), key=lambda p: (not p.name.startswith("world-"),
                                                           p.name)):
            match = _OTHER.fullmatch(path.name)
            if not match or int(match.group(1) or match.group(2)) == self.world_size:
                continue
            fd = open_lock_file(path)
            try:
                if not _try_flock(fd, fcntl.LOCK_EX):
                    count = int(match.group(1) or match.group(2))
                    raise ShardCountError(
                        f"another run with --shard ?/{count} is active on "
                        f"{display_name(self.out)}; one shard count at a time")
                path.unlink()
            finally:
                os.close(fd)

    def release(self) -> None:
        if self._rank is not None:
            # A run that stopped before writing its manifest (a model error, exit 2) did
            # nothing here: its lock file would read as an interrupted run to verify.
            manifest = self._rank.path.parent / f"manifest-{self.tag}.json"
            self._rank.release(remove=not manifest.exists())
            self._rank = None
        if self._world is not None:
            os.close(self._world)
            self._world = None

    def __enter__(self) -> ShardLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
