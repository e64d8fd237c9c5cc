"""Input entries that are not articles (FIFOs, folders, symlink loops, names that are not
UTF-8) are named with their reason, never read, and fail alone."""

from __future__ import annotations

import json
import logging
import os
import shutil

import pytest

from mtjob.config import JobConfig
from mtjob.job import run_shard
from mtjob.testing.fakes import FakeModels
from tests.conftest import SAMPLE
from tests.helpers import fake_config, run_fake


@pytest.fixture
def cfg() -> JobConfig:
    return fake_config()

def test_special_entries_in_an_inbox_are_named_and_never_read(tmp_path, cfg, caplog, deadline):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE, inbox / "article.txt")
    os.mkfifo(inbox / "x.txt")
    (inbox / "y.txt").mkdir()
    os.symlink("loop.txt", inbox / "loop.txt")
    with caplog.at_level(logging.INFO):
        report = run_shard(cfg, [inbox], tmp_path / "out", models=FakeModels())
    assert report.done == ["article"]
    assert {o.doc_id for o in report.failed} == {"x", "y", "loop"}
    manifest = json.loads((tmp_path / "out/_mtjob/manifest-00000-of-00001.json").read_text())
    reasons = {d: e.get("error") for d, e in manifest["articles"].items()
               if e["status"] == "not_an_article"}
    assert "FIFO" in reasons["x"] and "folder" in reasons["y"] and "loop" in reasons["loop"]
    for name in ("x.txt", "y.txt", "loop.txt"):
        assert name in caplog.text

@pytest.mark.parametrize("world", [1, 2])
def test_a_name_that_is_not_utf8_fails_alone(tmp_path, caplog, world):
    import json
    import logging
    import os
    import shutil

    from tests.conftest import SAMPLE

    inbox = tmp_path / os.fsdecode(b"in\xff")  # the folder too
    inbox.mkdir()
    shutil.copy(SAMPLE, inbox / "good.txt")
    shutil.copy(SAMPLE, inbox / os.fsdecode(b"bad\xfe\n.txt"))
    out = tmp_path / "out"
    with caplog.at_level(logging.INFO):
        reports = [run_fake([inbox], out, rank, world, report=True) for rank in range(world)]
    assert sum(len(r.done) for r in reports) == 1
    assert [o.doc_id for r in reports for o in r.failed] == ["bad\\xfe\n"]
    assert (out / "good.jsonl").is_file()
    assert "bad\\udcfe\\n.txt" in caplog.text and "not valid UTF-8" in caplog.text
    for manifest in (out / "_mtjob").glob("manifest-*.json"):
        json.loads(manifest.read_bytes().decode("utf-8"))  # strict UTF-8
    assert sum(len(run_fake([inbox], out, rank, world).failed) for rank in range(world)) == 1
