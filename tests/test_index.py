"""The per-shard index (issue 15): an unchanged archive is re-checked by ``stat`` alone, and
anything that changed falls back to the full check."""

from __future__ import annotations

import json
import os
import time

import pytest

from mtjob import shard as shard_module
from mtjob.config import JobConfig
from mtjob.job import run_shard
from mtjob.testing.fakes import FakeModels
from mtjob.verify import verify

TEXT = "قال المتحدث باسم الوزارة إن الاجتماع عقد يوم {i} في العاصمة.\n"


@pytest.fixture
def cfg() -> JobConfig:
    return JobConfig(mt_model="fake-mt", sum_model="fake-sum", summary=False)


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for i in range(5):
        (folder / f"a{i}.txt").write_text(TEXT.format(i=i), encoding="utf-8")
    return folder


@pytest.fixture
def hashed(monkeypatch) -> list[str]:
    """The sources the run hashed (each read in full)."""
    seen: list[str] = []
    real = shard_module.source_sha256

    def spy(path):
        seen.append(path.name)
        return real(path)

    monkeypatch.setattr(shard_module, "source_sha256", spy)
    return seen


def test_an_unchanged_inbox_reads_no_source(tmp_path, inbox, cfg, hashed):
    out = tmp_path / "out"
    run_shard(cfg, [inbox], out, models=FakeModels())
    hashed.clear()
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    report = run_shard(cfg, [inbox], out, models=FakeModels())
    assert len(report.skipped) == 5 and hashed == []
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before
    assert verify(out) == []


def test_a_touched_identical_file_is_hashed_once_and_stays_done(tmp_path, inbox, cfg, hashed):
    out = tmp_path / "out"
    run_shard(cfg, [inbox], out, models=FakeModels())
    later = time.time() + 5
    os.utime(inbox / "a1.txt", (later, later))
    hashed.clear()
    report = run_shard(cfg, [inbox], out, models=FakeModels())
    assert len(report.skipped) == 5 and hashed == ["a1.txt"]
    hashed.clear()
    run_shard(cfg, [inbox], out, models=FakeModels())
    assert hashed == []  # its new stats were recorded


@pytest.mark.parametrize("change", ["source", "output", "settings"])
def test_anything_changed_falls_back_to_the_full_check(tmp_path, inbox, cfg, change):
    out = tmp_path / "out"
    run_shard(cfg, [inbox], out, models=FakeModels())
    if change == "source":
        (inbox / "a2.txt").write_text(TEXT.format(i=99), encoding="utf-8")
    elif change == "output":
        record = json.loads((out / "a2.jsonl").read_text())
        record["en"] = "edited"
        (out / "a2.jsonl").write_text(json.dumps(record) + "\n")
    else:
        cfg = JobConfig(**{**cfg.to_dict(), "beams": 2})
    report = run_shard(cfg, [inbox], out, models=FakeModels())
    expected = ["a0", "a1", "a2", "a3", "a4"] if change == "settings" else ["a2"]
    assert sorted(report.done) == expected
    assert verify(out) == []
