"""What an adversarial test broke (issue 10), at the level of the job and the CLI: an input
overwritten by its output, a signal between the two writes, stale output after a model
change, special entries in an inbox, absurd settings, forged log lines."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob import signals
from mtjob.cli import app
from mtjob.config import JobConfig
from mtjob.errors import ConfigError
from mtjob.job import run_shard
from mtjob.outfolder import atomic as writer
from mtjob.outfolder.verify import verify
from mtjob.testing.fakes import FakeModels

from .conftest import SAMPLE


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def cfg() -> JobConfig:
    return JobConfig(mt_model="fake-mt", sum_model="fake-sum", sum_min_length=5)


def test_an_input_is_never_overwritten_by_its_output(tmp_path, tiny_args):
    folder = tmp_path / "dir"
    folder.mkdir()
    source = folder / "a.jsonl"
    source.write_bytes(SAMPLE.read_bytes())
    result = invoke("run", source, "--out", folder, *tiny_args)
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
    assert invoke("run", tmp_path / "article.txt", *args).exit_code == 0
    assert (tmp_path / "article.en.txt").is_file()
    again = invoke("run", tmp_path, *args)
    assert again.exit_code == 0, again.output
    assert not (tmp_path / "article.en.jsonl").exists()


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


def test_a_model_changed_in_place_redoes_the_article(tmp_path, tiny_models, tiny_args):
    from safetensors.torch import load_file, save_file

    model = tmp_path / "marian"
    shutil.copytree(tiny_models["mt"], model)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE, inbox / "article.txt")
    args = [*tiny_args, "--mt-model", model, "--no-summary"]
    out = tmp_path / "out"
    assert invoke("run", inbox, "--out", out, *args).exit_code == 0
    before = json.loads((out / "article.abstract.json").read_text())["models"]["mt"]["revision"]
    weights = load_file(model / "model.safetensors")
    name = next(k for k in weights if k.endswith("fc1.bias"))
    weights[name] = weights[name] + 0.5  # new weights in the same folder, same file names
    save_file(weights, str(model / "model.safetensors"), metadata={"format": "pt"})
    result = invoke("run", inbox, "--out", out, *[a for a in args if a != "--quiet"])
    assert result.exit_code == 0, result.output
    after = json.loads((out / "article.abstract.json").read_text())["models"]["mt"]["revision"]
    assert after != before
    unchanged = invoke("run", inbox, "--out", out, *[a for a in args if a != "--quiet"])
    assert "0 done, 1 unchanged" in unchanged.output


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


@pytest.mark.parametrize("flag, value, message", [
    ("--threads", "100000", "threads must be between 0 and"),
    ("--max-length-factor", "1e308", "max_length_factor must be between 0.01 and 10"),
    ("--max-length-factor", "nan", "max_length_factor must be between"),
    ("--batch-tokens", "100000000000", "batch_tokens must be between"),
    ("--workers", "0", "workers must be between 1 and 4096"),
])
def test_absurd_settings_are_one_line_usage_errors(tmp_path, sample_inbox, flag, value, message):
    result = invoke("run", sample_inbox, "--out", tmp_path / "out", flag, value)
    assert result.exit_code == 2 and message in result.output, result.output
    assert result.output.count("\n") == 1


def test_a_file_name_with_a_newline_cannot_forge_a_log_line(tmp_path, cfg, caplog):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    forged = inbox / "bad\n2026-11-29 12:00:00 INFO mtjob: all good.txt"
    forged.write_bytes(b"\xff\xfe broken utf-8\n")
    with caplog.at_level(logging.INFO):
        report = run_shard(cfg, [inbox], tmp_path / "out", models=FakeModels())
    assert len(report.failed) == 1
    for record in caplog.records:
        assert "\n" not in record.getMessage(), record.getMessage()
    assert "bad\\n2026" in caplog.text


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


def test_an_input_hard_linked_to_its_output_is_refused(tmp_path, sample_inbox, cfg):
    out = tmp_path / "out"
    run_shard(cfg, [sample_inbox], out, models=FakeModels())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.link(out / "article.jsonl", elsewhere / "article.txt")  # the same file, another name
    with pytest.raises(ConfigError, match="also an output"):
        run_shard(cfg, [elsewhere], out, models=FakeModels())
