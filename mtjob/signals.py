"""SIGTERM, SIGHUP and SIGINT handling: stop at once, except inside a short critical section
(writing one article's two files), which finishes first. Nothing partial is ever left behind.

Outside the critical section SIGTERM and SIGHUP raise :class:`Terminated` (exit code
128 + signal number: 143, 129) and SIGINT raises ``KeyboardInterrupt`` (the CLI maps it to
130). Inside it, the first signal is remembered and raised when the outermost block ends.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

HANDLED = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
_state = {"depth": 0, "held": 0}


class Terminated(SystemExit):
    """Raised in the main thread on SIGTERM or SIGHUP; unwinds like an exception, so temp
    files go. ``code`` is 128 + the signal number."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.signum = code - 128
        name = signal.Signals(self.signum).name if self.signum > 0 else "a signal"
        self.message = f"terminated ({name}); finished articles are kept"


def _raise(signum: int) -> None:
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(128 + signum)


def _handler(signum: int, frame: Any) -> None:
    if _state["depth"]:
        _state["held"] = _state["held"] or signum  # the first signal decides the code
        return
    _raise(signum)


def install() -> dict[int, Any]:
    """Install the handler for SIGTERM, SIGHUP and SIGINT (main thread only); returns the
    previous handlers for :func:`restore`. A signal ignored at start (``nohup``, a shell's
    background job) stays ignored."""
    _state["held"] = 0
    previous: dict[int, Any] = {}
    for signum in HANDLED:
        if signal.getsignal(signum) != signal.SIG_IGN:
            previous[signum] = signal.signal(signum, _handler)
    return previous


def restore(previous: dict[int, Any]) -> None:
    """Put back the handlers :func:`install` replaced."""
    for signum, handler in previous.items():
        signal.signal(signum, handler)


@contextmanager
def critical() -> Iterator[None]:
    """Delay SIGTERM, SIGHUP and SIGINT until the block is done (a few file writes)."""
    _state["depth"] += 1
    try:
        yield
    finally:
        _state["depth"] -= 1
        if not _state["depth"] and _state["held"]:
            signum, _state["held"] = _state["held"], 0
            _raise(signum)
