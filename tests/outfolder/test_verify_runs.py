"""verify over folders written by runs: not fooled by an interrupted or emptied folder, the
largest shard count, outputs of archived inputs, a folder standing where a file was."""

from __future__ import annotations

import shutil

import pytest

from mtjob.config import JobConfig
from mtjob.job import run_shard
from mtjob.outfolder.verify import verify
from mtjob.testing.fakes import FakeModels
from tests.helpers import fake_config, run_fake


@pytest.fixture
def cfg() -> JobConfig:
    return fake_config()

def test_verify_is_not_fooled_by_an_interrupted_or_emptied_folder(tmp_path, sample_inbox, cfg):
    out = tmp_path / "out"
    out.mkdir()
    assert verify(out)  # empty: no mtjob output
    run_shard(cfg, [sample_inbox], out, models=FakeModels())
    assert verify(out) == []
    for path in (out / "article.jsonl", out / "article.abstract.json"):
        path.unlink()
    assert any("article" in p for p in verify(out))
    shutil.rmtree(out / "_mtjob")
    assert verify(out)

def test_the_largest_shard_count_is_visible_to_verify(tmp_path, inbox):
    from mtjob.outfolder.verify import verify

    out = tmp_path / "o"
    run_fake([inbox], out, 99998, 99999)
    run_fake([inbox], out, 0, 1)  # another count replaces it, as documented
    assert verify(out) == []
    with pytest.raises(Exception, match="at most 99999"):
        run_fake([inbox], out, 0, 100000)

@pytest.mark.parametrize("worlds", [(1, 1), (2, 2), (1, 3), (3, 1)])
def test_outputs_of_archived_inputs_stay_checked(tmp_path, worlds):
    import json

    from mtjob.outfolder.verify import verify

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    for name in ("old", "new"):
        (inbox / f"{name}.txt").write_text(f"قال المتحدث {name} في العاصمة.\n", encoding="utf-8")
    archive = tmp_path / "archive"
    archive.mkdir()
    for rank in range(worlds[0]):
        run_fake([inbox / "old.txt"], out, rank, worlds[0])
    (inbox / "old.txt").rename(archive / "old.txt")  # processed: moved away by the cron job
    for rank in range(worlds[1]):
        run_fake([inbox], out, rank, worlds[1])
    assert verify(out) == []
    path = out / "old.abstract.json"
    meta = json.loads(path.read_text())
    meta["abstract"] = "An edited abstract."
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    assert any("old.abstract.json" in p and "edited" in p for p in verify(out))
    path.unlink()
    (out / "old.jsonl").unlink()  # the outputs removed on purpose: no longer listed
    for rank in range(worlds[1]):
        run_fake([inbox], out, rank, worlds[1])
    assert verify(out) == []

@pytest.mark.parametrize("name", ["a.jsonl", "a.abstract.json", "report/a.html"])
def test_verify_names_a_folder_standing_where_an_output_was(tmp_path, inbox, name):
    from mtjob.outfolder.verify import check_folder

    out = tmp_path / "o"
    run_fake([inbox], out, report=True)
    target = out / name
    target.unlink()
    target.mkdir()
    found = check_folder(out)  # used to raise IsADirectoryError "Is a directory: 3"
    assert any(name in line for line in found.errors + found.warnings), found
