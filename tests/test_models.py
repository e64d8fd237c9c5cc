"""Safe model loading: safetensors only unless opted in, no remote code, revisions recorded,
offline mode honoured with the network blocked."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.errors import ModelUnavailableError, UnsafeModelError
from mtjob.models import resolve_model


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test loudly."""
    attempts: list = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError(101, "network blocked by test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection",
                        lambda address, *a, **k: refuse(None, address))
    return attempts


def _hub_cache(root: Path, repo: str, model_dir: Path, commit: str) -> Path:
    """Lay out a Hugging Face hub cache holding ``model_dir`` as ``repo`` at ``commit``."""
    base = root / "hub" / f"models--{repo.replace('/', '--')}"
    snapshot = base / "snapshots" / commit
    shutil.copytree(model_dir, snapshot)
    (base / "refs").mkdir(parents=True)
    (base / "refs" / "main").write_text(commit)
    return root / "hub"


def test_hub_id_from_cache_offline_records_the_revision(tmp_path, tiny_models, sample_inbox,
                                                        tiny_args, monkeypatch, no_network):
    commit = "0123456789abcdef0123456789abcdef01234567"
    cache = _hub_cache(tmp_path / "hf", "Helsinki-NLP/opus-mt-ar-en", tiny_models["mt"], commit)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    args = list(tiny_args)
    args[1] = "Helsinki-NLP/opus-mt-ar-en"
    out = tmp_path / "out"
    result = invoke("run", sample_inbox, "--out", out, *args, "--cache-dir", cache)
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "article.abstract.json").read_text())
    assert meta["models"]["mt"] == {**meta["models"]["mt"], "id": "Helsinki-NLP/opus-mt-ar-en",
                                    "revision": commit}
    assert no_network == []


def test_uncached_model_with_network_blocked_fails_fast(tmp_path, monkeypatch, no_network):
    monkeypatch.delenv("HF_HUB_OFFLINE")
    with pytest.raises(ModelUnavailableError, match="hf download org/absent"):
        resolve_model("org/absent", None, str(tmp_path / "cache"), allow_pickle=False)


def test_pickle_only_model_needs_opt_in(tmp_path, tiny_models, sample_inbox, tiny_args,
                                        caplog):
    import torch
    from safetensors.torch import load_file

    folder = tmp_path / "pickled"
    shutil.copytree(tiny_models["mt"], folder)
    state = load_file(folder / "model.safetensors")
    torch.save(state, folder / "pytorch_model.bin")
    (folder / "model.safetensors").unlink()
    with pytest.raises(UnsafeModelError, match="--allow-pickle"):
        resolve_model(str(folder), None, None, allow_pickle=False)
    args = list(tiny_args)
    args[1] = str(folder)
    result = invoke("run", sample_inbox, "--out", tmp_path / "a", *args, "--no-summary")
    assert result.exit_code == 2 and "pickle" in result.output
    result = invoke("run", sample_inbox, "--out", tmp_path / "b", *args, "--no-summary",
                    "--allow-pickle")
    assert result.exit_code == 0, result.output


def test_loader_never_trusts_remote_code(tiny_models, monkeypatch):
    from transformers import AutoModelForSeq2SeqLM

    from mtjob.config import JobConfig
    from mtjob.translate.hf import load_model

    seen: dict = {}
    real = AutoModelForSeq2SeqLM.from_pretrained

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(AutoModelForSeq2SeqLM, "from_pretrained", spy)
    source = resolve_model(str(tiny_models["mt"]), None, None, allow_pickle=False)
    load_model(source, JobConfig(quantize="none"))
    assert seen["trust_remote_code"] is False and seen["use_safetensors"] is True


def test_missing_local_folder_is_a_usage_error(tmp_path):
    from mtjob.errors import ConfigError

    with pytest.raises(ConfigError, match="does not exist"):
        resolve_model(str(tmp_path / "nothing"), None, None, allow_pickle=False)
