"""The quality profile (configs/quality.toml: Helsinki-NLP/opus-mt-tc-big-ar-en) beside the
default one, end to end on both backends, on tiny models in each model's hub layout."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from mtjob.backends.base import GenOptions
from mtjob.backends.tokenizers.tokenizer import load_light_tokenizer
from mtjob.choices import Backend, Device, DType, Quantize
from mtjob.cli import app
from mtjob.config import JobConfig, load_config
from mtjob.testing.tiny_models import TC_BIG_TOKENIZER

from .conftest import REPO, SAMPLE

CONFIGS = REPO / "configs"


def test_the_quality_profile_selects_tc_big_and_nothing_else():
    quality = load_config(CONFIGS / "quality.toml")
    assert quality.mt_model == "Helsinki-NLP/opus-mt-tc-big-ar-en"
    assert quality == JobConfig(mt_model=quality.mt_model)


def test_the_tiny_tc_big_has_the_hub_layout(tiny_big):
    files = {p.name for p in tiny_big.iterdir()}
    assert files == {"config.json", "model.safetensors", "source.spm", "target.spm",
                     "vocab.json", "tokenizer_config.json", "special_tokens_map.json"}
    config = json.loads((tiny_big / "config.json").read_text())
    vocab = json.loads((tiny_big / "vocab.json").read_text())
    assert config["eos_token_id"] == config["forced_eos_token_id"] == vocab["</s>"] != 0
    assert config["pad_token_id"] == config["decoder_start_token_id"] == len(vocab) - 1
    assert config["vocab_size"] == config["decoder_vocab_size"] == len(vocab)
    assert (config["activation_function"], config["max_position_embeddings"]) == ("relu", 1024)
    assert (config["num_beams"], config["bad_words_ids"]) == (4, [[len(vocab) - 1]])
    assert json.loads((tiny_big / "tokenizer_config.json").read_text()) == TC_BIG_TOKENIZER
    assert load_light_tokenizer(tiny_big) is not None  # one joint vocabulary: the light path


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
@pytest.mark.parametrize("profile", ["default", "quality"])
def test_both_profiles_run_end_to_end(tmp_path, sample_inbox, tiny_models, tiny_big, backend,
                                      profile):
    mt = tiny_big if profile == "quality" else tiny_models["mt"]
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(app, [
        "run", str(sample_inbox), "--out", str(out), "--config",
        str(CONFIGS / f"{profile}.toml"), "--backend", backend, "--device", "cpu",
        "--mt-model", str(mt), "--sum-model", str(tiny_models["sum"]), "--sum-min-length", "5",
        "--sum-max-length", "30", "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (out / "article.jsonl").read_text().splitlines()]
    assert len(records) == 17 and all(r["en"] and r["en"].isascii() for r in records)
    meta = json.loads((out / "article.abstract.json").read_text())
    assert meta["abstract"] and meta["models"]["mt"]["backend"] == backend
    assert runner.invoke(app, ["verify", str(out)], catch_exceptions=False).exit_code == 0


@pytest.mark.slow
def test_tc_big_greedy_float32_matches_across_backends(tiny_models, tiny_big):
    """Its </s> is not id 0: both backends stop on it and count it alike."""
    from mtjob.backends.ct2 import CTranslate2Translator
    from mtjob.backends.hf import TransformersTranslator

    config = JobConfig(mt_model=str(tiny_big), sum_model=str(tiny_models["sum"]), device=Device.CPU,
                       quantize=Quantize.NONE, dtype=DType.FLOAT32)
    texts = [p for p in SAMPLE.read_text(encoding="utf-8").splitlines() if p.strip()][:6]
    ct2 = CTranslate2Translator(replace(config, backend=Backend.CTRANSLATE2))
    hf = TransformersTranslator(config)
    options = GenOptions(beams=1, max_new_tokens=max(hf.count_tokens(texts)) + 20)
    ours, theirs = ct2.translate(texts, options), hf.translate(texts, options)
    assert [(h.text, h.tokens) for h in ours] == [(h.text, h.tokens) for h in theirs]
    assert all(h.tokens < options.max_new_tokens for h in ours)  # ended on </s>, not the cap
    assert [h.score for h in ours] == pytest.approx([h.score for h in theirs], abs=1e-3)

