"""The CLI through typer's CliRunner, on tiny real models: exit codes and error lines."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.outfolder.lock import OutputLock
from mtjob.outfolder.paths import meta_dir

from .conftest import SAMPLE


def invoke(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_help_lists_the_contract_options():
    result = invoke("run", "--help")
    assert result.exit_code == 0
    for option in ("--out", "--config", "--mt-model", "--sum-model", "--device", "--backend",
                   "--batch-tokens", "--beams", "--no-summary", "--shard", "--force",
                   "--engine", "--max-length-factor", "--max-length-offset", "--wait-lock"):
        assert option in result.output


def test_run_sample_end_to_end(tmp_path, sample_inbox, tiny_args):
    out = tmp_path / "out"
    result = invoke("run", sample_inbox, "--out", out, *tiny_args)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # stdout stays clean for data
    recs = records(out / "article.jsonl")
    assert len(recs) == 17 and [r["para_id"] for r in recs] == list(range(17))
    sentences = [s for r in recs for s in r["sentences"]]
    # Random tiny weights may stop at once on a sentence: that must be flagged, never silent.
    assert all(s["en"] or "empty_translation" in s["flags"] for s in sentences)
    assert sum(bool(s["en"]) for s in sentences) > len(sentences) // 2
    meta = json.loads((out / "article.abstract.json").read_text())
    assert meta["abstract"] and meta["method"] in ("abstractive", "extractive")
    assert meta["models"]["mt"]["revision"].startswith("local-sha256:")
    assert meta["settings"]["beams"] == 1
    config = json.loads((meta_dir(out) / "config.json").read_text())
    assert config["sum_max_length"] == 30
    assert invoke("verify", out).exit_code == 0


def test_config_file_and_flag_override(tmp_path, sample_inbox, tiny_args):
    conf = tmp_path / "c.toml"
    conf.write_text('[translation]\nbeams = 3\nmax_length_offset = 7\n[summary]\nsummary = false\n')
    out = tmp_path / "out"
    result = invoke("run", sample_inbox, "--out", out, "--config", conf, *tiny_args)
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "article.abstract.json").read_text())
    assert meta["settings"]["beams"] == 1  # the flag beats the file
    assert meta["settings"]["max_length_offset"] == 7
    assert meta["abstract"] is None and meta["method"] == "none"


@pytest.mark.parametrize("args, message", [
    (["--config", "missing.toml"], "config file not found"),
    (["--device", "tpu"], "'tpu' is not one of 'auto', 'cpu', 'cuda'"),
    (["--shard", "3/2"], "--shard 3/2"),
    (["--shard", "x"], "I/N"),
    (["--beams", "0"], "beams must be between 1 and 64, got 0"),
    (["--engine", "spark"], "'spark' is not one of 'local', 'ray'"),
])
def test_usage_errors_exit_2_with_one_line(tmp_path, sample_inbox, args, message):
    result = invoke("run", sample_inbox, "--out", tmp_path / "out", *args)
    assert result.exit_code == 2
    assert "Error: " in result.output and message in result.output
    assert "Traceback" not in result.output


def test_missing_input_is_a_usage_error(tmp_path):
    result = invoke("run", tmp_path / "nope.txt", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "nope.txt: no such file" in result.output


def test_bad_article_exit_1_others_written(tmp_path, sample_inbox, tiny_args):
    (sample_inbox / "broken.txt").write_bytes(b"\xd8\xa7\xd9\x84 ok\n\xc3(\n")
    out = tmp_path / "out"
    result = invoke("run", sample_inbox, "--out", out, *tiny_args)
    assert result.exit_code == 1
    assert "broken.txt: byte 8 (line 2" in result.output
    assert (out / "article.jsonl").exists() and not (out / "broken.jsonl").exists()


def test_lock_held_exits_75(tmp_path, sample_inbox, tiny_args):
    out = tmp_path / "out"
    out.mkdir()
    with OutputLock(meta_dir(out) / "lock-00000-of-00001"):
        result = invoke("run", sample_inbox, "--out", out, *tiny_args)
    assert result.exit_code == 75 and "another mtjob run holds" in result.output


def test_slurm_array_variables_choose_the_shard(tmp_path, tiny_args, monkeypatch):
    from mtjob.outfolder.paths import shard_of

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(6):
        (inbox / f"d{i}.txt").write_text(f"خبر رقم {i}.\n", encoding="utf-8")
    monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "2")
    monkeypatch.setenv("SLURM_ARRAY_TASK_MIN", "1")
    monkeypatch.setenv("SLURM_ARRAY_TASK_COUNT", "3")
    out = tmp_path / "out"
    assert invoke("run", inbox, "--out", out, *tiny_args, "--no-summary").exit_code == 0
    expected = sorted(f"d{i}" for i in range(6) if shard_of(f"d{i}", 3) == 1)
    assert sorted(p.stem for p in out.glob("*.jsonl")) == expected
    assert (meta_dir(out) / "completions" / "00001-of-00003").exists()


def test_model_missing_offline_is_one_clear_line(tmp_path, sample_inbox):
    result = invoke("run", sample_inbox, "--out", tmp_path / "out",
                    "--mt-model", "Helsinki-NLP/opus-mt-ar-en", "--no-summary")
    assert result.exit_code == 2
    assert "Error: model 'Helsinki-NLP/opus-mt-ar-en' is neither a folder" in result.output
    assert "nor in the Hugging Face cache" in result.output
    assert "hf download" in result.output and "HF_HOME" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "article.jsonl").exists()


def test_ray_missing_names_the_install(tmp_path, sample_inbox, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    result = invoke("run", sample_inbox, "--out", tmp_path / "out", "--engine", "ray")
    assert result.exit_code == 2 and "pip install 'mtjob[ray]'" in result.output


def test_verify_names_a_truncated_file(tmp_path, sample_inbox, tiny_args):
    out = tmp_path / "out"
    assert invoke("run", sample_inbox, "--out", out, *tiny_args).exit_code == 0
    data = (out / "article.jsonl").read_bytes()
    cut = data.rfind(b"\n", 0, len(data) - 1) + 1  # drop the last record whole
    (out / "article.jsonl").write_bytes(data[:cut])
    result = invoke("verify", out)
    assert result.exit_code == 1 and "article.jsonl" in result.output
    assert "hash" in result.output and "16 records" in result.output


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


@pytest.mark.slow
def test_quiet_shows_no_loading_bar(tmp_path, sample_inbox, tiny_args):
    import transformers

    transformers.logging.enable_progress_bar()  # as in a fresh process
    result = CliRunner().invoke(app, ["run", str(sample_inbox), "--out", str(tmp_path / "o"),
                                      *tiny_args, "--backend", "transformers"])
    assert result.exit_code == 0, result.output
    assert "Loading weights" not in result.output
    assert [line for line in result.output.splitlines() if line.strip()] == \
        [line for line in result.output.splitlines()
         if "INFO mtjob: shard 0/1:" in line or "INFO mtjob: output in " in line]
