"""A CLI that explains itself (issue 11): help, --version, what -v says, messages printed
once, the lock's wait, progress off a terminal, generated text cleaned."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from mtjob.choices import Device, Quantize
from mtjob.cli import app
from mtjob.config import FIELDS, JobConfig
from mtjob.job import run_shard
from mtjob.outfolder.lock import OutputLock
from mtjob.outfolder.paths import meta_dir
from mtjob.testing.fakes import FakeModels, FakeSummarizer, FakeTranslator

from .conftest import REPO


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_run_help_reads_naturally_and_documents_every_option():
    text = invoke("run", "--help").output
    assert "Usage: root run [OPTIONS] INPUT..." in text
    for python_type in ("<list[Path]>", "<str>", "<int>", "<float>", "{inputs}"):
        assert python_type not in text
    for panel in ("Models:", "Decoding:", "Performance:", "Output:", "Cluster:"):
        assert panel in text
    for name in FIELDS:
        flag = "--" + name.replace("_", "-")
        line = next(line for line in text.splitlines() if line.strip().startswith(flag))
        assert len(line.split(flag, 1)[1].strip()) > 5, f"{flag} has no help"
    assert "[default: 4]" in text and "[default: Helsinki-NLP/opus-mt-ar-en]" in text
    assert "[auto|cpu|cuda]" in text


def test_version_names_the_libraries():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.startswith("mtjob 0.") and "torch" in result.output
    assert "transformers" in result.output and "ctranslate2" in result.output


def test_verbose_run_says_what_it_resolved_and_where_the_time_went(tmp_path, sample_inbox,
                                                                   tiny_args):
    quiet_free = [a for a in tiny_args if a != "--quiet"]
    result = invoke("run", sample_inbox, "--out", tmp_path / "out", *quiet_free, "-v")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "mt model " in text and "revision local-sha256:" in text and "folder " in text
    assert "backend " in text and "device cpu" in text and "parallel_batches" in text
    assert "segment(s) in" in text and "batch(es) of up to" in text
    summary = next(line for line in text.splitlines() if "articles: 1 done" in line)
    assert "translate " in summary and "summarize " in summary  # seconds per stage
    assert "article.txt: 17 paragraph(s)" in text  # one INFO line per finished article


def test_a_failed_article_is_named_once(tmp_path, sample_inbox, tiny_args):
    (sample_inbox / "bad.txt").write_bytes(b"\xff\xfe not utf-8\n")
    result = invoke("run", sample_inbox, "--out", tmp_path / "out", *tiny_args)
    assert result.exit_code == 1
    assert result.output.count("bad.txt") == 1, result.output


def test_lossy_precision_warnings_name_their_model(tiny_models, caplog):
    from mtjob.backends.hf import load_model
    from mtjob.backends.store.hub import resolve_model

    source = resolve_model(str(tiny_models["mt"]), None, None, allow_pickle=False)
    with caplog.at_level(logging.WARNING):
        load_model(source, JobConfig(device=Device.CPU, quantize=Quantize.INT8))
    [warning] = [r.getMessage() for r in caplog.records if "lossy" in r.getMessage()]
    assert str(tiny_models["mt"]) in warning


def test_waiting_for_the_lock_says_how_long(tmp_path, sample_inbox, tiny_args):
    out = tmp_path / "out"
    with OutputLock(meta_dir(out) / "lock-00000-of-00001"):
        result = invoke("run", sample_inbox, "--out", out, *tiny_args, "--wait-lock", "0.5")
    assert result.exit_code == 75 and "waited 0.5 s" in result.output


def test_model_control_characters_are_removed_from_the_output(tmp_path, sample_inbox, caplog):
    config = JobConfig(mt_model="fake-mt", sum_model="fake-sum", sum_min_length=5)

    class Noisy(FakeSummarizer):
        def summarize(self, texts, call=None):
            return [f"An abstract\x16 with a control{chr(0x85)} character." for _ in texts]

    translator = FakeTranslator(script=lambda text, options: "Said\x07 the minister")
    with caplog.at_level(logging.DEBUG):
        run_shard(config, [sample_inbox], tmp_path / "out",
                  models=FakeModels(translator, Noisy(window=4000)))
    meta = json.loads((tmp_path / "out" / "article.abstract.json").read_text())
    assert meta["abstract"] == "An abstract with a control character."
    records = (tmp_path / "out" / "article.jsonl").read_text()
    assert "\\u0007" not in records and "Said the minister" in records
    found = [r for r in caplog.records if "control character(s) the model generated"
             in r.getMessage()]
    assert found and all(r.levelno == logging.DEBUG for r in found)  # not a line per article


@pytest.mark.slow
def test_make_tiny_models_draws_no_bars_off_a_terminal(tmp_path):
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "make_tiny_models.py"),
                           str(tmp_path / "m")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Writing model shards" not in done.stderr and "%|" not in done.stderr
