"""Shortcuts several test files share: the CLI through ``CliRunner``, and a run of the job on
the scripted fake models (no torch)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from mtjob.cli import app
from mtjob.config import JobConfig
from mtjob.runs.report import RunReport


def cli(*args: object) -> Result:
    """``mtjob ARGS...`` in this process; exceptions propagate (no exit code hides them)."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def fake_config(**settings: Any) -> JobConfig:
    """A config naming the fake models, with a short minimum summary."""
    return JobConfig(mt_model="fake-mt", sum_model="fake-sum", sum_min_length=5, **settings)


def run_fake(inputs: list[Path], out: Path, rank: int = 0, world: int = 1,
             **settings: Any) -> RunReport:
    """``run_shard`` on the fake models: shard ``rank`` of ``world``."""
    from mtjob.job import run_shard
    from mtjob.testing.fakes import FakeModels

    return run_shard(fake_config(**settings), inputs, out, rank, world, models=FakeModels())
