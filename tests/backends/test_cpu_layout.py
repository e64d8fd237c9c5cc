"""The CPU layout follows the work: few calls get the idle workers' threads."""

from __future__ import annotations

import pytest

from mtjob.backends.base import GenOptions
from mtjob.backends.runtime import cpu_layout
from mtjob.choices import Backend, Device
from mtjob.config import JobConfig
from mtjob.engines.batching import BatchJob
from mtjob.engines.local import LocalEngine

from ..conftest import SAMPLE


@pytest.mark.parametrize("threads, calls, layout", [
    (2, None, (2, 1)), (2, 1, (1, 2)), (2, 2, (2, 1)), (2, 9, (2, 1)), (16, 1, (1, 16)),
    (16, 2, (2, 8)), (16, 3, (3, 5)), (16, 40, (4, 4)), (1, 1, (1, 1)), (8, 0, (4, 2))])
def test_cpu_layout_for_the_calls_ahead(threads, calls, layout):
    assert cpu_layout(threads, calls) == layout


def jobs(n: int) -> list[BatchJob]:
    texts = [p for p in SAMPLE.read_text(encoding="utf-8").splitlines()
             if p.strip() and p.strip() != "&"]
    return [BatchJob((texts[i],), (1,), GenOptions(1, 8)) for i in range(n)]


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
@pytest.mark.parametrize("batches, workers", [(1, 1), (3, 2)])
def test_engine_sizes_the_translator_to_the_planned_batches(tiny_models, backend, batches,
                                                            workers):
    config = JobConfig(mt_model=str(tiny_models["mt"]), backend=backend, device=Device.CPU,
                       threads=2, summary=False)
    engine = LocalEngine(config)
    outcomes = engine.translate_batches(jobs(batches))
    assert all(o.error is None for o in outcomes) and len(outcomes) == batches
    assert engine.translator.parallel_batches == workers


@pytest.mark.parametrize("documents, workers", [(1, 1), (2, 2)])
def test_engine_sizes_the_summarizer_to_the_articles(tiny_models, documents, workers):
    config = JobConfig(sum_model=str(tiny_models["sum"]), backend=Backend.CTRANSLATE2,
                       device=Device.CPU, threads=2, sum_beams=1, sum_min_length=5,
                       sum_max_length=30)
    engine = LocalEngine(config)
    docs = [["Kerry met the envoy in Geneva on Monday. " * 3] for _ in range(documents)]
    outcomes = engine.summarize(docs)
    assert all(o.error is None and o.text for o in outcomes)
    assert engine.summarizer.parallel_batches == workers


def test_a_long_article_runs_its_chunks_side_by_side(tiny_models, monkeypatch):
    from mtjob.backends.ct2 import CTranslate2Summarizer

    config = JobConfig(sum_model=str(tiny_models["sum"]), backend=Backend.CTRANSLATE2,
                       device=Device.CPU, threads=2, sum_beams=1, sum_min_length=5,
                       sum_max_length=30)
    engine = LocalEngine(config)
    calls: list[int] = []
    real = CTranslate2Summarizer.summarize
    monkeypatch.setattr(CTranslate2Summarizer, "summarize",
                        lambda self, texts, call=None: calls.append(len(texts)) or
                        real(self, texts, call))
    monkeypatch.setattr(CTranslate2Summarizer, "window", lambda self: 60)
    paragraphs = ["Kerry met the envoy in Geneva on Monday, officials said. " * 3] * 4
    [outcome] = engine.summarize([paragraphs])
    assert outcome.error is None and outcome.method == "hierarchical"
    assert engine.summarizer.parallel_batches == 2
    assert len(calls) > 2 and set(calls[:-1]) == {1}  # one chunk per call, then the last
