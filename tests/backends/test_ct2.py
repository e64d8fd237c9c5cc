"""The CTranslate2 backend on tiny real models: conversion cache, no truncation, parity with
the transformers backend, and the whole CLI."""

from __future__ import annotations

import json
import random
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mtjob.backends.base import GenOptions
from mtjob.backends.ct2 import (
    CTranslate2Summarizer,
    CTranslate2Translator,
    cache_root,
    converted_model,
    select_runtime,
)
from mtjob.choices import Backend, Device
from mtjob.cli import app
from mtjob.config import JobConfig
from mtjob.errors import ConfigError, MissingExtraError
from mtjob.testing.tiny_models import ModelFolders
from mtjob.vocabulary import Role

ctranslate2 = pytest.importorskip("ctranslate2")

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "article.ar.txt"


def sample_paragraphs(n: int) -> list[str]:
    return [p for p in SAMPLE.read_text(encoding="utf-8").splitlines() if p.strip()][:n]


def english_texts() -> list[str]:
    from mtjob.testing.seed_text import EN_SEED

    lines = EN_SEED.splitlines()
    return ["Kerry met the envoy.", "Oil prices fell on Monday after the report."] + [
        " ".join(lines[i:i + 4]) for i in (0, 8, 16)]


def mt_config(models: ModelFolders, **kw) -> JobConfig:
    return JobConfig(mt_model=str(models[Role.MT]), sum_model=str(models[Role.SUMMARY]),
                     backend=Backend.CTRANSLATE2, device=Device.CPU, **kw)


def ct2_entries() -> list[Path]:
    return sorted(p for p in (cache_root() / "ct2").iterdir() if not p.name.endswith(".lock"))


def test_converts_once_then_reuses_the_cache(tiny_models, monkeypatch):
    cfg = mt_config(tiny_models, quantize="none")
    first = CTranslate2Translator(cfg)
    first.translate(sample_paragraphs(1), GenOptions(beams=1, max_new_tokens=64))
    [entry] = ct2_entries()  # no temp folder left behind
    assert entry.name.startswith("marian-ar-en--local-sha256_") and entry.name.endswith("float32")
    stamp = (entry / "model.bin").stat().st_mtime_ns

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr(ctranslate2.converters, "TransformersConverter", no_conversion)
    second = CTranslate2Translator(cfg)
    second.translate(sample_paragraphs(1), GenOptions(beams=1, max_new_tokens=64))
    assert ct2_entries() == [entry] and (entry / "model.bin").stat().st_mtime_ns == stamp


def test_concurrent_conversions_convert_once(tiny_models, monkeypatch):
    calls: list[str] = []

    class SlowConverter:
        def __init__(self, path: str) -> None:
            pass

        def convert(self, out: str, quantization: str) -> None:
            calls.append(out)
            Path(out).mkdir()
            threading.Event().wait(0.3)  # both threads are inside converted_model by now
            (Path(out) / "model.bin").write_bytes(b"x")

    monkeypatch.setattr(ctranslate2.converters, "TransformersConverter", SlowConverter)
    source = CTranslate2Translator(mt_config(tiny_models)).source
    found: list[Path] = []
    threads = [threading.Thread(target=lambda: found.append(converted_model(source, "int8")))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and found[0] == found[1] and ct2_entries() == [found[0]]


def test_translate_returns_one_hypothesis_per_input(tiny_models):
    translator = CTranslate2Translator(mt_config(tiny_models))  # CPU, quantize auto -> int8
    texts = sample_paragraphs(4)
    counts = translator.count_tokens(texts)
    assert translator.model_max_tokens == 512
    hyps = translator.translate(texts, GenOptions(beams=2, max_new_tokens=max(counts) * 2))
    assert len(hyps) == len(texts)
    assert all(h.text and 0 < h.tokens <= max(counts) * 2 for h in hyps)
    info = translator.info()
    assert info["backend"] == "ctranslate2" and info["compute_type"] == "int8"
    assert info["quantize"] == "int8" and info["device"] == "cpu"
    assert info["revision"].startswith("local-sha256:") and info["id"] == str(tiny_models["mt"])


def with_positions(folder: Path, out: Path, positions: int) -> Path:
    """A copy of a tiny model with a longer position table, to hold sources past
    CTranslate2's default cut. Positions stay sinusoids, so the models keep copying."""
    import torch
    from transformers import AutoConfig, AutoModelForSeq2SeqLM

    shutil.copytree(folder, out)
    config = AutoConfig.from_pretrained(out)
    config.max_position_embeddings = positions
    model = AutoModelForSeq2SeqLM.from_pretrained(folder, config=config,
                                                  ignore_mismatched_sizes=True)
    d = config.d_model
    angles = torch.arange(positions, dtype=torch.float64)[:, None] * 10000.0 ** (
        -2 * torch.arange(d // 2, dtype=torch.float64) / d)
    with torch.no_grad():
        for side in (model.model.encoder, model.model.decoder):
            table = side.embed_positions.weight
            if table.shape[0] == positions + 2:  # BART: learned, offset 2 (Marian: static)
                table[2:] = torch.cat([angles.sin(), angles.cos()], 1).float()
    model.save_pretrained(out)
    tok_config = json.loads((out / "tokenizer_config.json").read_text())
    (out / "tokenizer_config.json").write_text(json.dumps({**tok_config,
                                                           "model_max_length": positions}))
    return out


@pytest.fixture(scope="module")
def long_models(tiny_models, tmp_path_factory) -> ModelFolders:
    root = tmp_path_factory.mktemp("long")
    return ModelFolders({role: with_positions(path, root / path.name, 2048)
                         for role, path in tiny_models.items()})


def test_long_source_is_not_truncated(long_models):
    # The tiny Marian copies its source position by position and stops at the source </s>,
    # so the hypothesis has one token fewer than the source only if all of it was read.
    cfg = mt_config(long_models, quantize="none")
    translator = CTranslate2Translator(cfg)
    words = SAMPLE.read_text(encoding="utf-8").split()
    text = " ".join((words * 3)[:800])
    [n] = translator.count_tokens([text])
    assert n > 1100 and translator.model_max_tokens == 2048
    [hyp] = translator.translate([text], GenOptions(beams=1, max_new_tokens=n + 50))
    assert hyp.tokens == n - 1  # CTranslate2's default max_input_length would give 1023


def test_summarizer_gets_every_source_token(long_models, monkeypatch):
    seen: list[tuple[int, int, int]] = []

    translator: Any = ctranslate2.Translator  # a module of pytest.importorskip: untyped

    class Recording(translator):
        def translate_batch(self, source, target_prefix=None, **kw):
            assert all(s[-1] == "</s>" for s in source) and target_prefix[0] == ["<s>"]
            results = super().translate_batch(source, target_prefix, **kw)
            seen.extend((len(s), kw["max_input_length"], len(r.hypotheses[0]))
                        for s, r in zip(source, results, strict=True))
            return results

    monkeypatch.setattr(ctranslate2, "Translator", Recording)
    summarizer = CTranslate2Summarizer(mt_config(long_models, quantize="none", sum_beams=1,
                                                 sum_min_length=1, sum_max_length=2000))
    rng = random.Random(0)  # no repeated trigrams for no_repeat_ngram_size to block
    words = " ".join(english_texts()).split()
    texts = [" ".join(rng.choice(words) for _ in range(1000)), english_texts()[1]]
    counts = summarizer.count_tokens(texts)
    assert summarizer.window() == 2048 and 1024 < counts[0] <= 2048
    assert all(summarizer.summarize(texts))
    # The tiny BART copies its source and stops at the source </s> (here with the forced
    # <s> in front): n - 1 tokens only if all n were read; a cut at 1024 would give 1023.
    assert seen == [(n, 0, n - 1) for n in counts]


@pytest.mark.slow
@pytest.mark.parametrize("role", ["mt", "sum"])
def test_greedy_float32_matches_transformers(tiny_models, role):
    from mtjob.backends.hf import TransformersSummarizer, TransformersTranslator

    kw: dict[str, Any] = dict(quantize="none", dtype="float32", sum_beams=1,
                              sum_min_length=12, sum_max_length=30)
    hf_cfg = JobConfig(mt_model=str(tiny_models["mt"]), sum_model=str(tiny_models["sum"]),
                       device=Device.CPU, **kw)
    if role == "mt":
        texts = sample_paragraphs(6)
        ct2 = CTranslate2Translator(mt_config(tiny_models, **kw))
        hf = TransformersTranslator(hf_cfg)
        options = GenOptions(beams=1, max_new_tokens=max(hf.count_tokens(texts)) + 20)
        ours, theirs = ct2.translate(texts, options), hf.translate(texts, options)
        assert [(h.text, h.tokens) for h in ours] == [(h.text, h.tokens) for h in theirs]
        assert [h.score for h in ours] == pytest.approx([h.score for h in theirs], abs=1e-3)
    else:  # short texts end on their own past min_length; long ones stop at max_length
        texts = english_texts()
        ct2_sum = CTranslate2Summarizer(mt_config(tiny_models, **kw))
        hf_sum = TransformersSummarizer(hf_cfg)
        assert ct2_sum.summarize(texts) == [s.strip() for s in hf_sum.summarize(texts)]


@pytest.mark.parametrize("gpus,device,dtype,quantize,expected", [
    (0, "auto", "auto", "auto", ("cpu", "int8")),
    (0, "cpu", "auto", "none", ("cpu", "float32")),
    (1, "auto", "auto", "auto", ("cuda", "float16")),
    (1, "cuda", "bfloat16", "none", ("cuda", "bfloat16")),
    (1, "cuda", "auto", "int8", ("cuda", "int8_float16")),
    (1, "cpu", "auto", "int8", ("cpu", "int8")),
])
def test_runtime_selection(monkeypatch, gpus, device, dtype, quantize, expected):
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: gpus)
    cfg = JobConfig(backend=Backend.CTRANSLATE2, device=device, dtype=dtype, quantize=quantize)
    assert select_runtime(cfg) == expected


def test_cuda_without_gpu_is_a_config_error(monkeypatch):
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    with pytest.raises(ConfigError, match="no CUDA GPU"):
        select_runtime(JobConfig(backend=Backend.CTRANSLATE2, device=Device.CUDA))


def test_missing_ctranslate2_names_the_extra(tiny_models, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "ctranslate2", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'mtjob\[ct2\]'"):
        CTranslate2Translator(mt_config(tiny_models)).translate(["x"], GenOptions(1, 8))


def test_cli_run_with_ctranslate2_then_verify(tmp_path, sample_inbox, tiny_args):
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(app, ["run", str(sample_inbox), "--out", str(out),
                                 "--backend", "ctranslate2", *tiny_args],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    recs = [json.loads(line) for line in (out / "article.jsonl").read_text().splitlines()]
    assert len(recs) == 17 and all(r["en"] for r in recs)
    meta = json.loads((out / "article.abstract.json").read_text())
    assert meta["abstract"] and meta["settings"]["backend"] == "ctranslate2"
    assert {m["backend"] for m in meta["models"].values()} == {"ctranslate2"}
    assert len(ct2_entries()) == 2  # both models converted, into the isolated cache
    assert runner.invoke(app, ["verify", str(out)], catch_exceptions=False).exit_code == 0


def test_summarizer_accepts_equal_min_and_max_length(tiny_models):
    from mtjob.backends.ct2 import CTranslate2Summarizer
    from mtjob.config import JobConfig

    cfg = JobConfig(backend=Backend.CTRANSLATE2, sum_model=str(tiny_models["sum"]), sum_beams=1,
                    sum_min_length=12, sum_max_length=12)
    [summary] = CTranslate2Summarizer(cfg).summarize(["The truce was extended by two days. " * 8])
    assert summary.strip()


@pytest.mark.parametrize("role", ["mt", "sum"])
def test_tokenizer_is_the_class_auto_tokenizer_picks(tiny_models, role):
    from transformers import AutoTokenizer

    from mtjob.backends.store.hub import resolve_model
    from mtjob.backends.tokenizers.tokenizer import load_tokenizer

    folder = tiny_models[role]
    ours = load_tokenizer(resolve_model(str(folder), None, None, False))
    auto = AutoTokenizer.from_pretrained(str(folder))
    assert type(ours) is type(auto)
    texts = sample_paragraphs(5) if role == "mt" else english_texts()
    assert ours(texts)["input_ids"] == auto(texts)["input_ids"]


@pytest.mark.parametrize("model_type,tok_config,expected", [
    ("marian", {}, "MarianTokenizer"),
    ("marian", {"tokenizer_class": "MarianTokenizerFast"}, "MarianTokenizer"),
    ("bart", {"model_max_length": 1024}, "RobertaTokenizer"),
    ("bart", {"tokenizer_class": "BartTokenizer"}, None),  # a declared other class: Auto
    ("marian", {"auto_map": {"AutoTokenizer": ["x.Tok", None]}}, None),
    ("t5", {}, None),
])
def test_tokenizer_class_name(tmp_path, model_type, tok_config, expected):
    from mtjob.backends.tokenizers.tokenizer import tokenizer_class_name

    (tmp_path / "config.json").write_text(json.dumps({"model_type": model_type}))
    (tmp_path / "tokenizer_config.json").write_text(json.dumps(tok_config))
    assert tokenizer_class_name(tmp_path) == expected
    (tmp_path / "config.json").write_text("{not json")
    assert tokenizer_class_name(tmp_path) is None


@pytest.mark.parametrize("backend", ["ctranslate2", "auto"])
def test_cpu_run_never_imports_torch_or_transformers(tmp_path, sample_inbox, tiny_args,
                                                     tiny_models, backend):
    """Once converted, a CTranslate2 run needs neither torch (~2 s, ~170 MB) nor AutoConfig,
    nor transformers at all: its tokenizers are the light ones (sentencepiece, tokenizers)."""
    import subprocess
    import sys

    for role in ("mt", "sum"):  # the translator's entry records its alignment layer
        converted_model(resolve(tiny_models[role]), "int8", -2 if role == "mt" else None)
    code = ("import sys\nfrom mtjob.cli import app\ntry:\n    app(sys.argv[1:])\n"
            "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print('imported:', sorted(m for m in ('torch', 'transformers') "
            "if m in sys.modules))\n")
    args = ["run", str(sample_inbox), "--out", str(tmp_path / "out"), "--backend", backend,
            *tiny_args]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "imported: []" in done.stdout, done.stdout
    assert len((tmp_path / "out" / "article.jsonl").read_text().splitlines()) == 17


def resolve(folder: Path):
    from mtjob.backends.store.hub import resolve_model

    return resolve_model(str(folder), None, None, False)


@pytest.mark.parametrize("threads, layout", [(1, (1, 1)), (2, (2, 1)), (4, (4, 1)),
                                             (8, (4, 2)), (16, (4, 4))])
def test_cpu_layout(threads, layout):
    from mtjob.backends.runtime import cpu_layout

    assert cpu_layout(threads) == layout


def test_parallel_batches_translate_as_one_at_a_time(tiny_models):
    """Two one-thread workers (the 2-core layout) give what one worker gives."""
    from mtjob.engines.batching import BatchJob
    from mtjob.engines.local import LocalEngine

    texts = sample_paragraphs(8)
    jobs = [BatchJob(tuple(texts[i:i + 2]), (1, 1), GenOptions(2, 24)) for i in range(0, 8, 2)]
    one = LocalEngine(mt_config(tiny_models, threads=1))
    two = LocalEngine(mt_config(tiny_models, threads=2))
    assert two.translator.parallel_batches == 2 and one.translator.parallel_batches == 1
    assert two.translate_batches(jobs) == one.translate_batches(jobs)


def test_a_killed_conversion_leaves_nothing_behind(tiny_models, tmp_path, monkeypatch, caplog):
    """A partial conversion folder of a killed run is removed by the next conversion."""
    source = resolve(tiny_models["mt"])
    name = converted_model(source, "int8").name
    monkeypatch.setenv("MTJOB_CACHE", str(tmp_path / "cache"))
    partial = cache_root() / "ct2" / f".{name}.k1ll3d00"
    (partial / "model").mkdir(parents=True)
    (partial / "model" / "model.bin").write_bytes(b"half a model")
    with caplog.at_level("INFO"):
        target = converted_model(source, "int8")
    assert not partial.exists() and (target / "model.bin").is_file()
    assert "removed 1 partial conversion" in caplog.text


def test_on_a_gpu_both_models_default_to_ctranslate2_float16(monkeypatch):
    """Issue 34: CTranslate2 float16 is ~9x transformers on a GPU and int8 slower than
    float16 (CTranslate2's published OPUS-MT benchmark, configs/gpu.toml): the defaults and
    the GPU profile choose it for both roles; transformers bfloat16 stays a choice."""
    import torch

    from mtjob.backends import make_summarizer, make_translator
    from mtjob.backends.runtime import select_dtype
    from mtjob.config import load_config

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)
    gpu = load_config(Path(__file__).resolve().parents[2] / "configs" / "gpu.toml")
    for config in (JobConfig(), gpu):
        assert config.backend == "ctranslate2"
        assert select_runtime(config) == ("cuda", "float16")
        assert isinstance(make_translator(config), CTranslate2Translator)
        assert isinstance(make_summarizer(config), CTranslate2Summarizer)
    assert gpu.device == "cuda" and gpu.token_budget == 24000
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    chosen = load_config(None, {"backend": "transformers", "device": "cuda"})
    assert chosen.backend == Backend.TRANSFORMERS
    assert select_dtype(chosen.dtype, Device.CUDA) == "bfloat16"
