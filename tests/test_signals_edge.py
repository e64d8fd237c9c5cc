"""SIGTERM, SIGINT and SIGHUP: deferred inside the critical section, typed outside it."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from mtjob import signals
from mtjob.config import JobConfig
from mtjob.job import run_shard
from mtjob.outfolder import atomic as writer
from mtjob.signals import Terminated, critical
from mtjob.testing.fakes import FakeModels
from tests.helpers import fake_config

SIGNALS = [(signal.SIGTERM, Terminated, 143), (signal.SIGHUP, Terminated, 129),
           (signal.SIGINT, KeyboardInterrupt, None)]


@pytest.fixture
def installed() -> Iterator[None]:
    previous = signals.install()
    try:
        yield
    finally:
        signals.restore(previous)


@pytest.mark.parametrize("signum, kind, code", SIGNALS)
def test_signal_inside_critical_waits_for_the_block(installed, signum, kind, code) -> None:
    steps: list[str] = []
    with pytest.raises(kind) as info:
        with critical():
            os.kill(os.getpid(), signum)
            steps.append("after kill")  # the block goes on: nothing partial
            steps.append("both files written")
    assert steps == ["after kill", "both files written"]
    if code is not None:
        assert info.value.code == code and signal.Signals(signum).name in info.value.message


@pytest.mark.parametrize("signum, kind, code", SIGNALS)
def test_signal_outside_critical_stops_at_once(installed, signum, kind, code) -> None:
    steps: list[str] = []
    with pytest.raises(kind):
        os.kill(os.getpid(), signum)
        steps.append("ran on")
    assert steps == []


def test_nested_critical_defers_to_the_outer_end(installed) -> None:
    with pytest.raises(Terminated):
        with critical():
            with critical():
                os.kill(os.getpid(), signal.SIGHUP)
            # still inside the outer block: nothing raised yet
            reached = True
    assert reached


def test_restore_puts_back_every_handler() -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    previous = signals.install()
    assert all(signal.getsignal(s) is not before[s] for s in before)
    signals.restore(previous)
    assert {s: signal.getsignal(s) for s in before} == before


def test_an_ignored_signal_stays_ignored() -> None:
    # nohup and background shells start us with SIGHUP/SIGINT ignored: that choice holds.
    old = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        previous = signals.install()
        try:
            os.kill(os.getpid(), signal.SIGHUP)
            with critical():
                pass
        finally:
            signals.restore(previous)
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, old)


@pytest.fixture
def cfg() -> JobConfig:
    return fake_config()


@pytest.mark.parametrize("signum, raised", [(signal.SIGINT, KeyboardInterrupt),
                                            (signal.SIGHUP, signals.Terminated),
                                            (signal.SIGTERM, signals.Terminated)])
def test_a_signal_between_the_two_writes_waits_for_the_pair(tmp_path, sample_inbox, cfg,
                                                            monkeypatch, signum, raised):
    real = writer.atomic_write

    def interrupted(path: Path, data: bytes) -> None:
        if path.name.endswith(".abstract.json"):
            os.kill(os.getpid(), signum)  # lands while the JSONL is written, the abstract not
        real(path, data)

    monkeypatch.setattr(writer, "atomic_write", interrupted)
    out = tmp_path / "out"
    previous = signals.install()
    try:
        with pytest.raises(raised):
            run_shard(cfg, [sample_inbox], out, models=FakeModels())
    finally:
        signals.restore(previous)
    assert (out / "article.jsonl").is_file() and (out / "article.abstract.json").is_file()
    manifest = json.loads((out / "_mtjob" / "manifest-00000-of-00001.json").read_text())
    assert manifest["articles"]["article"]["status"] == "done"  # the manifest kept up too
