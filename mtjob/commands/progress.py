"""``mtjob run``'s progress on a terminal: a bar per stage (sentences to translate, then
abstracts to write, for each group of articles), its total known when the stage begins, its
unit named, and an ETA only once the stage has a rate (the stage's mean rate so far, not a
guess). Every log record is printed above the bar, which is drawn again below it: a record
is never split by a redraw. Off a terminal there is no bar (the caller makes none)."""

from __future__ import annotations

import logging
import sys
import time
from typing import IO, Any

BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} {unit} [{elapsed}{postfix}]"


class StageBar:
    """The ``Progress`` of a run on a terminal (``mtjob.engines.base.Progress``)."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        from tqdm import tqdm

        self._tqdm = tqdm
        self._stream = stream if stream is not None else sys.stderr
        self._bar: Any = None
        self._started = 0.0
        # The log's handlers on this stream write through the bar from now on.
        self._handlers = [h for h in logging.getLogger().handlers
                          if isinstance(h, logging.StreamHandler) and h.stream is self._stream]
        for handler in self._handlers:
            handler.setStream(_AboveBar(self._stream, tqdm))

    def begin(self, stage: str, total: int, unit: str) -> None:
        """A new stage: the last one's bar goes, this one's starts at 0 of ``total``."""
        self._end_stage()
        if total <= 0:
            return
        self._bar = self._tqdm(total=total, desc=stage, unit=unit, file=self._stream,
                               dynamic_ncols=True, leave=False, bar_format=BAR_FORMAT)
        self._started = time.monotonic()

    def __call__(self, steps: int) -> None:
        bar = self._bar
        if bar is None:
            return
        done = min(bar.total, bar.n + steps)  # a stage redone in part never shows over 100%
        elapsed = time.monotonic() - self._started
        left = elapsed * (bar.total - done) / done if 0 < done < bar.total else None
        bar.set_postfix_str("" if left is None else
                            f"about {self._tqdm.format_interval(left)} left", refresh=False)
        bar.update(done - bar.n)

    def close(self) -> None:
        """The bar goes; the log writes straight to the stream again."""
        self._end_stage()
        for handler in self._handlers:
            handler.setStream(self._stream)
        self._handlers = []

    def _end_stage(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class _AboveBar:
    """A log handler's stream: the bar is cleared, the record written whole, the bar drawn
    again below it (tqdm's lock keeps a redraw from another thread out of the middle)."""

    def __init__(self, stream: IO[str], tqdm: Any) -> None:
        self._stream, self._tqdm = stream, tqdm

    def write(self, text: str) -> int:
        with self._tqdm.external_write_mode(file=self._stream):
            written = self._stream.write(text)
            self._stream.flush()
        return written

    def flush(self) -> None:
        self._stream.flush()
