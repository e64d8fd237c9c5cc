"""An input is never an output of its run: not overwritten, not under ``_mtjob/``, not
hard-linked to an output, not the run's own English text; outputs may share the inbox
when no name collides."""

from __future__ import annotations

import os
import shutil

import pytest

from mtjob.config import JobConfig
from mtjob.errors import ConfigError
from mtjob.job import run_shard
from mtjob.testing.fakes import FakeModels
from tests.conftest import SAMPLE
from tests.helpers import cli, fake_config


@pytest.fixture
def cfg() -> JobConfig:
    return fake_config()

def test_an_input_is_never_overwritten_by_its_output(tmp_path, tiny_args):
    folder = tmp_path / "dir"
    folder.mkdir()
    source = folder / "a.jsonl"
    source.write_bytes(SAMPLE.read_bytes())
    result = cli("run", source, "--out", folder, *tiny_args)
    assert result.exit_code == 2
    assert "a.jsonl is also an output of this run" in result.output
    assert source.read_bytes() == SAMPLE.read_bytes()
    assert result.output.count("\n") == 1  # one line

def test_an_input_under_the_bookkeeping_folder_is_refused(tmp_path, cfg):
    out = tmp_path / "out"
    (out / "_mtjob").mkdir(parents=True)
    shutil.copy(SAMPLE, out / "_mtjob" / "config.txt")
    with pytest.raises(ConfigError, match="also an output"):
        run_shard(cfg, [out / "_mtjob" / "config.txt"], out, models=FakeModels())

def test_outputs_may_go_into_the_input_folder_when_nothing_collides(tmp_path, cfg):
    shutil.copy(SAMPLE, tmp_path / "article.txt")
    report = run_shard(cfg, [tmp_path / "article.txt"], tmp_path, models=FakeModels())
    assert report.done == ["article"] and (tmp_path / "article.jsonl").is_file()

def test_the_english_text_of_a_run_into_its_inbox_is_not_a_new_article(tmp_path, tiny_args):
    """``--text`` writes ``NAME.en.txt``; with the inbox as OUT, the next run took it for a
    new article (``article.en``), translated English and wrote ``article.en.en.txt``; then
    it refused it (exit 2 on every later run). Now it is left out: it is not an article."""
    shutil.copy(SAMPLE, tmp_path / "article.txt")
    args = ["--out", tmp_path, *tiny_args, "--no-summary", "--text"]
    assert cli("run", tmp_path / "article.txt", *args).exit_code == 0
    assert (tmp_path / "article.en.txt").is_file()
    again = cli("run", tmp_path, *args)
    assert again.exit_code == 0, again.output
    assert not (tmp_path / "article.en.jsonl").exists()

def test_an_input_hard_linked_to_its_output_is_refused(tmp_path, sample_inbox, cfg):
    out = tmp_path / "out"
    run_shard(cfg, [sample_inbox], out, models=FakeModels())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.link(out / "article.jsonl", elsewhere / "article.txt")  # the same file, another name
    with pytest.raises(ConfigError, match="also an output"):
        run_shard(cfg, [elsewhere], out, models=FakeModels())
