"""SIGTERM handling: stop at once, except inside a short critical section (writing one
article's two files), which finishes first. Nothing partial is ever left behind."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_state = {"depth": 0, "pending": 0}


class Terminated(SystemExit):
    """Raised in the main thread on SIGTERM; unwinds like an exception, so temp files go."""


def _handler(signum: int, frame: Any) -> None:
    if _state["depth"]:
        _state["pending"] = signum
        return
    raise Terminated(128 + signum)


def install() -> Any:
    """Install the SIGTERM handler; returns the previous one for :func:`restore`."""
    _state["pending"] = 0
    return signal.signal(signal.SIGTERM, _handler)


def restore(previous: Any) -> None:
    signal.signal(signal.SIGTERM, previous)


@contextmanager
def critical() -> Iterator[None]:
    """Delay SIGTERM until the block is done (a few milliseconds of file writes)."""
    _state["depth"] += 1
    try:
        yield
    finally:
        _state["depth"] -= 1
        if not _state["depth"] and _state["pending"]:
            signum, _state["pending"] = _state["pending"], 0
            raise Terminated(128 + signum)
