"""The local engine's cleaning of generated text: a control character removed is a DEBUG
line, not an INFO line per article."""

from __future__ import annotations


def test_a_generated_control_character_is_not_an_info_line(caplog):
    import logging

    from mtjob.engines.local import _clean_text

    with caplog.at_level(logging.INFO, logger="mtjob"):
        assert _clean_text("an\x00 abstract", "an abstract") == "an abstract"
    assert not [r for r in caplog.records if r.levelno >= logging.INFO]


def test_a_failed_call_leaves_no_call_running_beside_what_comes_next():
    """A joint summary that fails falls back to one article at a time on the same model:
    the other calls of the failed pool must have ended first."""
    import threading
    import time

    import pytest

    from mtjob.engines.local import run_in_order

    finished: list[int] = []
    started = threading.Event()

    def call(item: int) -> int:
        if item == 0:
            started.wait(5)
            raise RuntimeError("out of memory")
        started.set()
        time.sleep(0.3)
        finished.append(item)
        return item

    with pytest.raises(RuntimeError):
        run_in_order(call, [0, 1], 2, threading.Event())
    assert finished == [1]
