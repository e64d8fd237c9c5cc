"""One run at a time per output folder and shard: an ``flock`` held for the whole run."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from .errors import LockHeldError, OutputError


class OutputLock:
    """Exclusive lock on ``folder/_mtjob/lock-RANK-of-N``, released when the process ends,
    however it ends (the kernel drops ``flock`` locks of dead processes)."""

    def __init__(self, path: Path, wait_seconds: float = 0.0) -> None:
        self.path = path
        self.wait_seconds = wait_seconds
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot create lock {self.path}: {exc.strerror}") from None
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._fd = fd
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockHeldError(
                        f"another mtjob run holds {self.path}; try later or pass "
                        "--wait-lock SECONDS") from None
                time.sleep(0.2)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "OutputLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
