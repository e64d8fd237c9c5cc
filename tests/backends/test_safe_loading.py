"""Safe model loading: safetensors only unless opted in, no remote code, revisions recorded,
offline mode honoured with the network blocked."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.backends.store.hub import resolve_model
from mtjob.choices import Device, Quantize
from mtjob.cli import app
from mtjob.errors import ModelUnavailableError, UnsafeModelError


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


def spy_from_pretrained(monkeypatch) -> dict:
    """Record the keyword arguments the loader passes to ``from_pretrained``."""
    from transformers import AutoModelForSeq2SeqLM

    seen: dict = {}
    real = AutoModelForSeq2SeqLM.from_pretrained

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(AutoModelForSeq2SeqLM, "from_pretrained", spy)
    return seen


def test_loader_never_trusts_remote_code(tiny_models, monkeypatch):
    from mtjob.backends.hf import load_model
    from mtjob.config import JobConfig

    seen = spy_from_pretrained(monkeypatch)
    source = resolve_model(str(tiny_models["mt"]), None, None, allow_pickle=False)
    load_model(source, JobConfig(quantize=Quantize.NONE))
    assert seen["trust_remote_code"] is False and seen["use_safetensors"] is True


def test_missing_local_folder_is_a_usage_error(tmp_path):
    from mtjob.errors import ConfigError

    with pytest.raises(ConfigError, match="does not exist"):
        resolve_model(str(tmp_path / "nothing"), None, None, allow_pickle=False)


@pytest.mark.parametrize("flags, expected", [
    ("fpu avx2 avx512f avx512_bf16 avx512_vnni", True), ("fpu avx2 amx_bf16 amx_tile", True),
    ("fpu avx2 avx512f", False),
])
def test_cpu_has_bf16_reads_the_flags(tmp_path, flags, expected):
    from mtjob.backends.runtime import cpu_has_bf16

    info = tmp_path / "cpuinfo"
    info.write_text(f"processor\t: 0\nmodel name\t: x\nflags\t\t: {flags}\n")
    assert cpu_has_bf16(str(info)) is expected
    assert cpu_has_bf16(str(tmp_path / "missing")) is False


@pytest.mark.parametrize("dtype, attention", [("float32", "sdpa"), ("bfloat16", "eager")])
def test_cpu_half_precision_uses_eager_attention(tiny_models, monkeypatch, dtype, attention):
    """torch's SDPA kernel is slow in bfloat16 on CPU; the eager one is measured faster."""
    from mtjob.backends.hf import load_model
    from mtjob.config import JobConfig

    seen = spy_from_pretrained(monkeypatch)
    source = resolve_model(str(tiny_models["mt"]), None, None, allow_pickle=False)
    model, info = load_model(source, JobConfig(device=Device.CPU, dtype=dtype,
                                               quantize=Quantize.NONE))
    assert seen["attn_implementation"] == attention and info["dtype"] == dtype
    assert str(next(model.parameters()).dtype) == f"torch.{dtype}"


@pytest.mark.slow
def test_cancel_stops_generate_at_the_next_step(tiny_models):
    from mtjob.backends.base import Call, GenOptions
    from mtjob.backends.hf import TransformersTranslator
    from mtjob.config import JobConfig

    translator = TransformersTranslator(JobConfig(mt_model=str(tiny_models["mt"]),
                                                  device=Device.CPU))
    options = GenOptions(beams=2, max_new_tokens=40)
    text = "قال المتحدث إن المحادثات ستستمر غدا في العاصمة"
    [full] = translator.translate([text], options)
    call = Call()
    call.cancel.set()
    [cut] = translator.translate([text], options, call)
    assert full.tokens > 5 and cut.tokens <= 1


def test_pooled_calls_get_their_share_of_threads_lone_calls_all():
    import threading

    import torch

    from mtjob.backends.hf import use_threads

    runtime = {"threads": 1, "all_threads": 2}
    before = torch.get_num_threads()
    seen: list[int] = []

    def pooled() -> None:
        use_threads(runtime, pooled=True)
        seen.append(torch.get_num_threads())

    try:
        use_threads(runtime, pooled=False)
        assert torch.get_num_threads() == 2
        worker = threading.Thread(target=pooled)
        worker.start()
        worker.join()
        assert seen == [1]
    finally:
        torch.set_num_threads(before)


def test_torch_int8_is_opt_in_and_warned(tiny_models, caplog):
    from mtjob.backends.hf import load_model
    from mtjob.config import JobConfig

    source = resolve_model(str(tiny_models["mt"]), None, None, allow_pickle=False)
    _, info = load_model(source, JobConfig(device=Device.CPU))
    assert info["quantize"] == "none" and "lossy" not in caplog.text
    model, info = load_model(source, JobConfig(device=Device.CPU, quantize=Quantize.INT8))
    assert info["quantize"] == "int8" and "lossy" in caplog.text
    head = type(model.lm_head)
    assert "quantized" in head.__module__.lower() or "Quantized" in head.__name__
