"""``mtjob models stage|list|check`` on the tiny models; ``stage`` against a fake hub."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from mtjob.backends.store import download
from mtjob.cli import app
from mtjob.config import load_config
from mtjob.testing.fake_hub import FakeHub, folder_files
from mtjob.vocabulary import Role


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def fake_hub(monkeypatch, tiny_models) -> FakeHub:
    """The default model ids on a fake hub: the translator with safetensors, the summarizer
    with pickle weights only and the conversion bot's pull request."""
    fake = FakeHub()
    fake.add_commit("Helsinki-NLP/opus-mt-ar-en", folder_files(tiny_models["mt"]))
    safe = folder_files(tiny_models["sum"])
    pickled = {k: v for k, v in safe.items() if k != "model.safetensors"}
    main = fake.add_commit("sshleifer/distilbart-cnn-12-6", {**pickled,
                                                             "pytorch_model.bin": b"x"})
    fake.add_pr("sshleifer/distilbart-cnn-12-6", safe, download.CONVERSION_BOT,
                download.CONVERSION_TITLE, on=main)
    monkeypatch.setattr(download, "hub_api", lambda: fake)
    monkeypatch.delenv("HF_HUB_OFFLINE")
    return fake


def test_stage_writes_folders_origin_and_a_profile_that_runs_offline(
        tmp_path, fake_hub, sample_inbox, tiny_args, monkeypatch):
    staged = tmp_path / "staged"
    gpu = tmp_path / "gpu.toml"
    gpu.write_text("[runtime]\nbatch_tokens = 2000\n[translation]\nbeams = 1\n")
    result = invoke("models", "stage", staged, "--config", gpu, "-q")
    assert result.exit_code == 0, result.output
    assert f"--config {staged / 'mtjob.toml'}" in result.output
    origin = json.loads((staged / "models.json").read_text())
    assert origin["distilbart-cnn-12-6"]["hub_ref"] == "refs/pr/1"
    assert origin["opus-mt-ar-en"]["id"] == "Helsinki-NLP/opus-mt-ar-en"
    assert [origin[name]["role"] for name in ("opus-mt-ar-en", "distilbart-cnn-12-6")] == [
        Role.MT, Role.SUMMARY]
    assert not (staged / "distilbart-cnn-12-6" / "pytorch_model.bin").exists()
    profile = load_config(staged / "mtjob.toml")
    assert profile.mt_model == str(staged / "opus-mt-ar-en") and profile.batch_tokens == 2000
    assert profile.beams == 1 and profile.mt_revision is None
    # a node: no hub, the profile alone
    monkeypatch.setattr(download, "hub_api", lambda: pytest.fail("hub called"))
    calls = len(fake_hub.calls)
    check = invoke("models", "check", "--config", staged / "mtjob.toml")
    assert check.exit_code == 0, check.output
    assert "header ok" in check.output
    assert f"ok: a run would use {profile.backend} on cpu" in check.output  # auto resolved
    run = invoke("run", sample_inbox, "--out", tmp_path / "out", "--config",
                 staged / "mtjob.toml", "--sum-min-length", "5", "--sum-max-length", "30",
                 "--quiet")
    assert run.exit_code == 0, run.output
    assert len(fake_hub.calls) == calls


def test_stage_ctranslate2_converts_into_the_folder(tmp_path, tiny_models, monkeypatch,
                                                   sample_inbox):
    pytest.importorskip("ctranslate2")
    staged = tmp_path / "staged"
    result = invoke("models", "stage", staged, "--mt-model", tiny_models["mt"],
                    "--sum-model", tiny_models["sum"], "--ctranslate2", "-q")
    assert result.exit_code == 0, result.output
    assert f"export MTJOB_CACHE={staged / 'mtjob-cache'}" in result.output
    converted = sorted(p.name for p in (staged / "mtjob-cache" / "ct2").iterdir()
                       if (p / "model.bin").is_file())
    assert sorted(n.split("--")[-1] for n in converted) == ["float16", "float16", "int8", "int8"]
    assert load_config(staged / "mtjob.toml").backend == "ctranslate2"
    monkeypatch.setenv("MTJOB_CACHE", str(staged / "mtjob-cache"))
    listing = invoke("models", "list")
    assert listing.output.count("ct2 ") == 4 and "local " in listing.output
    # A node using the staged cache converts nothing (the translator's entry is named with its
    # alignment layer, as the run looks for it).
    run = invoke("run", sample_inbox, "--out", tmp_path / "out", "--config",
                 staged / "mtjob.toml", "--sum-min-length", "5", "--sum-max-length", "30",
                 "--device", "cpu")
    assert run.exit_code == 0, run.output
    assert "converting" not in run.output


def test_list_shows_cached_hub_models(tmp_path, fake_hub):
    from mtjob.backends.store.hub import resolve_model

    resolve_model("Helsinki-NLP/opus-mt-ar-en", None, None, False)
    result = invoke("models", "list")
    assert result.exit_code == 0
    [line] = [x for x in result.output.splitlines() if x.startswith("hub ")]
    assert "Helsinki-NLP/opus-mt-ar-en" in line and "(main)" in line


def test_check_fails_in_one_line_on_truncated_weights(tmp_path, tiny_models):
    folder = tmp_path / "broken"
    shutil.copytree(tiny_models["mt"], folder)
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-100])
    result = invoke("models", "check", "--mt-model", folder, "--no-summary")
    assert result.exit_code == 2
    assert "truncated" in result.output and result.output.count("Error:") == 1


def test_check_fails_on_a_tokenizer_that_does_not_load(tmp_path, tiny_models):
    folder = tmp_path / "notok"
    shutil.copytree(tiny_models["mt"], folder)
    (folder / "source.spm").write_bytes(b"not a sentencepiece model")
    result = invoke("models", "check", "--mt-model", folder, "--no-summary")
    assert result.exit_code == 2 and "tokenizer does not load" in result.output


def test_check_fails_when_cuda_is_asked_for_and_missing(tiny_models):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    result = invoke("models", "check", "--mt-model", tiny_models["mt"], "--no-summary",
                    "--device", "cuda")
    assert result.exit_code == 2 and "no CUDA GPU" in result.output


def test_check_refuses_swapped_models_as_a_run_does(tiny_models):
    """``models check`` said ok for a BART folder as the translation model, which every run
    refuses before any work (the run's kind check, issue 20)."""
    result = invoke("models", "check", "--mt-model", tiny_models["sum"], "--no-summary")
    assert result.exit_code == 2 and "not a translation model" in result.output, result.output


def test_stage_reads_a_reference_as_a_run_does(tmp_path, monkeypatch):
    """``./no/such`` is a folder that is missing, never a hub id (as ``mtjob run`` says)."""
    monkeypatch.chdir(tmp_path)
    result = invoke("models", "stage", tmp_path / "staged", "--mt-model", "./no/such")
    assert result.exit_code == 2 and "does not exist" in result.output, result.output


def test_models_stage_offline_does_not_advise_itself(tmp_path):
    result = CliRunner().invoke(app, ["models", "stage", str(tmp_path / "staged"),
                                      "--mt-model", "Helsinki-NLP/opus-mt-ar-en"])
    assert result.exit_code == 2, result.output
    assert "HF_HUB_OFFLINE is set" in result.output
    assert "`mtjob models stage DIR`" not in result.output and \
        "Pre-stage it" not in result.output
    assert "run it on a machine with internet" in result.output
