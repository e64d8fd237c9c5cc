"""The per-shard index (issue 15): an unchanged archive is re-checked by ``stat`` alone, and
anything that changed falls back to the full check."""

from __future__ import annotations

import json
import os
import time

import pytest

from mtjob.config import JobConfig
from mtjob.inputs.reader import source_sha256
from mtjob.job import run_shard
from mtjob.outfolder import index as index_module
from mtjob.outfolder.atomic import write_if_changed
from mtjob.outfolder.verify import verify
from mtjob.runs import bookkeeping as shard_module
from mtjob.testing.fakes import FakeModels

TEXT = "قال المتحدث باسم الوزارة إن الاجتماع عقد يوم {i} في العاصمة.\n"


@pytest.fixture(autouse=True)
def _settled(monkeypatch):
    """Sources written by the test count as settled: no "racily clean" window (tested in
    outfolder/test_index_racy.py), so a row is stored by the run that writes the article."""
    monkeypatch.setattr(index_module, "RACY_NS", -(1 << 62))
    monkeypatch.setattr(index_module, "FINE_RACY_NS", -(1 << 62))


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
    real = source_sha256

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
    assert len(report.unchanged) == 5 and hashed == []
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before
    assert verify(out) == []


def test_a_touched_identical_file_is_hashed_once_and_stays_done(tmp_path, inbox, cfg, hashed):
    out = tmp_path / "out"
    run_shard(cfg, [inbox], out, models=FakeModels())
    later = time.time() + 5
    os.utime(inbox / "a1.txt", (later, later))
    hashed.clear()
    report = run_shard(cfg, [inbox], out, models=FakeModels())
    assert len(report.unchanged) == 5 and hashed == ["a1.txt"]
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


def _index(out):
    (path,) = (out / "_mtjob").glob("index-*.jsonl")
    return path


def test_new_articles_are_appended_not_a_rewrite(tmp_path, inbox, cfg, monkeypatch):
    """Issue 15.6: ten new articles in an archive cost their own work: the index grows by
    their rows alone and a large shard's manifest is written once, not at begin and end."""
    from mtjob.outfolder import manifest as manifest_module

    out = tmp_path / "out"
    run_shard(cfg, [inbox], out, models=FakeModels())
    before = _index(out).read_bytes()
    for i in range(5, 7):
        (inbox / f"a{i}.txt").write_text(TEXT.format(i=i), encoding="utf-8")
    monkeypatch.setattr(manifest_module, "SMALL", 3)  # a "large" shard: 7 articles
    writes: list[str] = []
    real = write_if_changed

    def spy(path, data):
        writes.append(path.name)
        return real(path, data)

    monkeypatch.setattr(manifest_module, "write_if_changed", spy)
    report = run_shard(cfg, [inbox], out, models=FakeModels())
    assert sorted(report.done) == ["a5", "a6"]
    after = _index(out).read_bytes()
    assert after.startswith(before)
    added = after[len(before):].decode().splitlines()
    assert sorted(json.loads(line)[0] for line in added) == ["a5", "a6"]
    assert writes.count("manifest-00000-of-00001.json") == 1
    assert verify(out, inputs=[inbox]) == []


def test_a_torn_or_forged_row_costs_only_its_article_the_full_check(tmp_path, inbox, cfg,
                                                                     hashed):
    out = tmp_path / "out"
    run_shard(cfg, [inbox], out, models=FakeModels())
    path = _index(out)
    lines = path.read_bytes().split(b"\n")
    rows = {json.loads(line)[0]: i for i, line in enumerate(lines[1:-1], 1)}
    forged = json.loads(lines[rows["a1"]])
    forged[9] = "not a hash"
    lines[rows["a1"]] = json.dumps(forged).encode()
    torn = lines.pop(rows["a4"])
    path.write_bytes(b"\n".join(lines) + torn[:-7])  # the last line cut mid-way
    hashed.clear()
    report = run_shard(cfg, [inbox], out, models=FakeModels())
    assert len(report.unchanged) == 5 and sorted(hashed) == ["a1.txt", "a4.txt"]
    assert len(path.read_bytes().splitlines()) == 6  # rewritten clean: header and 5 rows
    hashed.clear()
    run_shard(cfg, [inbox], out, models=FakeModels())
    assert hashed == []
    manifest = json.loads((out / "_mtjob" / "manifest-00000-of-00001.json").read_text())
    assert manifest["articles"]["a1"]["source_sha256"] != "not a hash"


def test_superseded_rows_are_compacted(tmp_path, inbox, cfg, monkeypatch):
    from mtjob.outfolder import index as index_module

    monkeypatch.setattr(index_module, "SLACK", 0)
    out = tmp_path / "out"
    run_shard(cfg, [inbox], out, models=FakeModels())
    sizes = []
    for step in range(3):
        later = time.time() + 10 * (step + 1)
        for path in inbox.iterdir():
            os.utime(path, (later, later))
        run_shard(cfg, [inbox], out, models=FakeModels())
        sizes.append(len(_index(out).read_bytes().splitlines()) - 1)
    assert sizes == [10, 5, 10]  # appended, then rewritten when the stale rows outnumber


def test_a_format_1_index_is_replaced(tmp_path, inbox, cfg):
    out = tmp_path / "out"
    run_shard(cfg, [inbox], out, models=FakeModels())
    legacy = out / "_mtjob" / "index-00000-of-00001.json"
    legacy.write_text("{}")
    _index(out).unlink()
    run_shard(cfg, [inbox], out, models=FakeModels())
    assert not legacy.exists() and _index(out).is_file()
