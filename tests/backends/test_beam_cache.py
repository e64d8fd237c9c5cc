"""Beam search without reordering the cross-attention cache: the same tokens, less copying."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mtjob.backends.beam_cache import beam_search_cache
from mtjob.choices import Backend, Device

from ..conftest import SAMPLE


def paragraphs(n: int) -> list[str]:
    return [p for p in SAMPLE.read_text(encoding="utf-8").splitlines()
            if p.strip() and p.strip() != "&"][:n]


def load(folder: Path):
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    return AutoModelForSeq2SeqLM.from_pretrained(str(folder)).eval(), \
        AutoTokenizer.from_pretrained(str(folder))


@pytest.mark.slow
@pytest.mark.parametrize("role, kwargs", [
    ("mt", {"num_beams": 4, "max_new_tokens": 40}),
    ("mt", {"num_beams": 3, "max_new_tokens": 25, "no_repeat_ngram_size": 3,
            "repetition_penalty": 1.3}),
    ("sum", {"num_beams": 4, "min_length": 5, "max_length": 30}),
])
def test_same_tokens_and_scores_as_the_default_cache(tiny_models, role, kwargs):
    import torch

    model, tok = load(tiny_models[role])
    texts = paragraphs(6) if role == "mt" else [
        "Oil prices fell on Monday after the report. " * n for n in (1, 3, 7)]
    batch = tok(texts, return_tensors="pt", padding=True)
    with torch.inference_mode():
        plain = model.generate(**batch, **kwargs, output_scores=True,
                               return_dict_in_generate=True)
        shared = model.generate(**batch, **kwargs, output_scores=True,
                                return_dict_in_generate=True,
                                **beam_search_cache(model, kwargs["num_beams"]))
    assert torch.equal(plain.sequences, shared.sequences)
    assert torch.equal(plain.sequences_scores, shared.sequences_scores)


def test_reorder_moves_self_attention_only():
    import torch
    from transformers import MarianConfig

    config = MarianConfig(d_model=8, encoder_attention_heads=2, decoder_attention_heads=2,
                          decoder_layers=1, encoder_layers=1, vocab_size=10)

    class Stub:
        def __init__(self, config: Any) -> None:
            self.config = config

    model = Stub(config)
    cache = beam_search_cache(model, 2)["cache"]
    keys = torch.arange(4.0).reshape(4, 1, 1, 1)
    cache.self_attention_cache.update(keys, keys.clone(), 0)
    cache.cross_attention_cache.update(keys.clone(), keys.clone(), 0)
    cross = cache.cross_attention_cache.layers[0].keys
    cache.reorder_cache(torch.tensor([1, 1, 2, 3]))
    assert cache.self_attention_cache.layers[0].keys.flatten().tolist() == [1, 1, 2, 3]
    assert cache.cross_attention_cache.layers[0].keys is cross


def test_greedy_and_decoder_only_get_the_default_cache():
    class Stub:
        class config:
            is_encoder_decoder = False

    assert beam_search_cache(Stub(), 1) == {} and beam_search_cache(Stub(), 4) == {}


def test_the_transformers_backend_passes_it(tiny_models, monkeypatch):
    from mtjob.backends import hf
    from mtjob.backends.base import GenOptions
    from mtjob.config import JobConfig

    made = []

    def spy(model, beams):
        made.append(beams)
        return beam_search_cache(model, beams)

    monkeypatch.setattr(hf, "beam_search_cache", spy)
    translator = hf.TransformersTranslator(JobConfig(mt_model=str(tiny_models["mt"]),
                                                     backend=Backend.TRANSFORMERS,
                                                     device=Device.CPU))
    translator.translate(paragraphs(2), GenOptions(4, 10))
    assert made == [4]
